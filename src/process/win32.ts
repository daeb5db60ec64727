import { defaultConsoleCodePage } from '../adapters/netstat-windows.ts';
import { runPowerShell } from '../adapters/powershell.ts';
import type { AdapterContext } from '../adapters/types.ts';
import { AbortError, CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { decodeConsoleOutput } from '../parsers/netstat-windows.ts';
import { powerShellRecords } from '../parsers/powershell.ts';
import type { ProcessInfo, ProcessInfoSource } from './types.ts';

const debug = createLogger('portwarden:process:win32');

/**
 * The PowerShell script that reads `pids` from `Win32_Process`. Every pid is checked to be a
 * non-negative integer before it is written into the WQL filter; the rest is constant, without
 * double quotes. Output is forced to UTF-8 where the console allows it.
 *
 * @example
 * ```ts
 * win32ProcessScript([4, 7316]);
 * // "... Get-CimInstance -ClassName Win32_Process -Filter 'ProcessId=4 OR ProcessId=7316' ..."
 * ```
 */
export function win32ProcessScript(pids: readonly number[]): string {
  for (const pid of pids) {
    if (!Number.isSafeInteger(pid) || pid < 0) throw new RangeError(`Invalid pid ${String(pid)}`);
  }
  const filter = pids.map((pid) => `ProcessId=${pid}`).join(' OR ');
  return [
    "$ErrorActionPreference = 'SilentlyContinue'",
    "$ProgressPreference = 'SilentlyContinue'",
    'try { [Console]::OutputEncoding = [System.Text.Encoding]::UTF8 } catch {}',
    'if (-not (Get-Command Get-CimInstance -ErrorAction SilentlyContinue)) { exit 3 }',
    `Get-CimInstance -ClassName Win32_Process -Filter '${filter}' -ErrorAction SilentlyContinue | Select-Object ProcessId,ParentProcessId,Name,CommandLine,CreationDate | ConvertTo-Json -Compress`,
    'exit 0',
  ].join('; ');
}

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

/**
 * Splits one CSV line into fields: fields may be quoted, `""` inside quotes is a quote, commas
 * inside quotes belong to the field.
 *
 * @example
 * ```ts
 * splitCsvLine('"a ""b""","1,5",c'); // ['a "b"', '1,5', 'c']
 * ```
 */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/**
 * Parses `tasklist /FO CSV /NH` output (`"Image Name","PID","Session Name","Session#","Mem Usage"`,
 * no header): the image name and the pid. Lines that are not such a row (the localized
 * `INFO: No tasks ...`) are skipped.
 *
 * @example
 * ```ts
 * parseTasklistCsv('"node.exe","7316","Console","1","45,120 K"\r\n');
 * // [{pid: 7316, name: 'node.exe', commandLine: null, argv: null, uid: null, user: null,
 * //   ppid: null, startTime: null}]
 * ```
 */
export function parseTasklistCsv(text: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('"')) continue;
    const [name, pidText] = splitCsvLine(line);
    if (name === undefined || pidText === undefined || !/^[0-9]+$/.test(pidText)) continue;
    processes.push({
      pid: Number(pidText),
      name: name === '' ? null : name,
      commandLine: null,
      argv: null,
      uid: null,
      user: null,
      ppid: null,
      startTime: null,
    });
  }
  return processes;
}

async function fromPowerShell(
  pids: readonly number[],
  context: AdapterContext,
): Promise<ProcessInfo[]> {
  const result = await runPowerShell(win32ProcessScript(pids), context);
  if (result.exitCode !== 0) {
    throw new CommandFailedError(
      'powershell Get-CimInstance Win32_Process',
      result.exitCode,
      result.stderr.toString('utf8'),
    );
  }
  return parseWin32ProcessJson(decodeConsoleOutput(result.stdout, defaultConsoleCodePage()));
}

async function fromTasklist(context: AdapterContext): Promise<ProcessInfo[]> {
  const result = await context.run('tasklist', ['/FO', 'CSV', '/NH'], {
    timeout: context.timeout,
    signal: context.signal,
    env: context.env,
  });
  const codePage = defaultConsoleCodePage();
  if (result.exitCode !== 0) {
    throw new CommandFailedError(
      'tasklist /FO CSV /NH',
      result.exitCode,
      decodeConsoleOutput(result.stderr, codePage),
    );
  }
  return parseTasklistCsv(decodeConsoleOutput(result.stdout, codePage));
}

/**
 * {@link ProcessInfoSource} for Windows: `Get-CimInstance Win32_Process` for all pids in one
 * PowerShell call (name, parent, command line, creation date); when PowerShell is missing or
 * fails, one unfiltered `tasklist /FO CSV /NH` (image names only). Throws when both fail, so that
 * "absent from the map" keeps meaning "the process is gone".
 *
 * @example
 * ```ts
 * const info = await win32ProcessInfo([7316], createContext());
 * info.get(7316)?.commandLine; // '"C:\\Program Files\\nodejs\\node.exe" server.js'
 * ```
 */
export const win32ProcessInfo: ProcessInfoSource = async (pids, context: AdapterContext) => {
  const result = new Map<number, ProcessInfo>();
  const wanted = [...new Set(pids)].filter((pid) => Number.isSafeInteger(pid) && pid >= 0);
  if (wanted.length === 0) return result;
  let processes: ProcessInfo[];
  try {
    processes = await fromPowerShell(wanted, context);
  } catch (error) {
    if (error instanceof AbortError) throw error;
    debug('PowerShell failed (%s); falling back to tasklist', (error as Error).message);
    processes = await fromTasklist(context);
  }
  for (const info of processes) {
    if (wanted.includes(info.pid) && !result.has(info.pid)) result.set(info.pid, info);
  }
  debug('%d of %d pids found', result.size, wanted.length);
  return result;
};
