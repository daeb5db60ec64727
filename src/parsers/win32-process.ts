/**
 * Pure parser for `Get-CimInstance Win32_Process | Select-Object ... | ConvertTo-Json` output.
 *
 * @module
 */

import { powerShellRecords } from './powershell.ts';
import type { ProcessInfo } from './process-info.ts';

/**
 * `CreationDate` as `ConvertTo-Json` writes it — `/Date(1735812345678)/` (Windows PowerShell 5.1),
 * an ISO string (pwsh), or `{value: ..., DateTime: ...}` — as an ISO string, so the same process
 * gives the same token whichever PowerShell read it.
 */
function startTimeOf(value: unknown): string | null {
  const raw =
    value !== null && typeof value === 'object' && 'value' in value
      ? (value as { value: unknown }).value
      : value;
  if (typeof raw !== 'string' || raw === '') return null;
  const legacy = /^\/Date\((-?[0-9]+)(?:[+-][0-9]{4})?\)\/$/.exec(raw);
  const time = legacy ? Number(legacy[1]) : Date.parse(raw);
  return Number.isFinite(time) ? new Date(time).toISOString() : raw;
}

function integerOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * Parses `Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,Name,
 * CommandLine,CreationDate | ConvertTo-Json` output (one object or an array). `CommandLine` is
 * `null` for processes the caller may not inspect; `uid`/`user`/`argv` are not given by this source.
 *
 * @example
 * ```ts
 * parseWin32ProcessJson('{"ProcessId":7316,"ParentProcessId":5012,"Name":"node.exe","CommandLine":"node server.js","CreationDate":"/Date(1735812345678)/"}');
 * // [{pid: 7316, ppid: 5012, name: 'node.exe', commandLine: 'node server.js', argv: null,
 * //   uid: null, user: null, startTime: '2025-01-02T10:05:45.678Z'}]
 * ```
 */
export function parseWin32ProcessJson(json: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const record of powerShellRecords(json)) {
    const pid = integerOf(record.ProcessId);
    if (pid === null) continue;
    const name = typeof record.Name === 'string' && record.Name !== '' ? record.Name : null;
    const commandLine =
      typeof record.CommandLine === 'string' && record.CommandLine !== ''
        ? record.CommandLine
        : null;
    processes.push({
      pid,
      ppid: integerOf(record.ParentProcessId),
      name,
      commandLine,
      argv: null,
      uid: null,
      user: null,
      startTime: startTimeOf(record.CreationDate),
    });
  }
  return processes;
}
