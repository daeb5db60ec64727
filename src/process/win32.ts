import { AbortError, CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { decodeConsoleOutput } from '../parsers/code-pages.ts';
import { parseTasklistCsv } from '../parsers/tasklist.ts';
import { parseWin32ProcessJson } from '../parsers/win32-process.ts';
import type { ToolContext } from '../system/tools.ts';
import {
  defaultConsoleCodePage,
  runConsoleTool,
  runPowerShell,
} from '../system/windows-console.ts';
import type { ProcessInfo, ProcessInfoSource } from './info.ts';

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

async function fromPowerShell(pids: readonly number[], tools: ToolContext): Promise<ProcessInfo[]> {
  const result = await runPowerShell(win32ProcessScript(pids), tools);
  if (result.exitCode !== 0) {
    throw new CommandFailedError(
      'powershell Get-CimInstance Win32_Process',
      result.exitCode,
      result.stderr.toString('utf8'),
    );
  }
  return parseWin32ProcessJson(decodeConsoleOutput(result.stdout, defaultConsoleCodePage()));
}

async function fromTasklist(tools: ToolContext): Promise<ProcessInfo[]> {
  const result = await runConsoleTool('tasklist', ['/FO', 'CSV', '/NH'], tools);
  if (result.exitCode !== 0) {
    throw new CommandFailedError('tasklist /FO CSV /NH', result.exitCode, result.stderr);
  }
  return parseTasklistCsv(result.stdout);
}

/**
 * {@link ProcessInfoSource} for Windows: `Get-CimInstance Win32_Process` for all pids in one
 * PowerShell call (name, parent, command line, creation date); when PowerShell is missing or
 * fails, one unfiltered `tasklist /FO CSV /NH` (image names only). Throws when both fail, so that
 * "absent from the map" keeps meaning "the process is gone".
 *
 * @example
 * ```ts
 * const info = await win32ProcessInfo([7316], tools);
 * info.get(7316)?.commandLine; // '"C:\\Program Files\\nodejs\\node.exe" server.js'
 * ```
 */
export const win32ProcessInfo: ProcessInfoSource = async (pids, tools: ToolContext) => {
  const result = new Map<number, ProcessInfo>();
  const wanted = [...new Set(pids)].filter((pid) => Number.isSafeInteger(pid) && pid >= 0);
  if (wanted.length === 0) return result;
  let processes: ProcessInfo[];
  try {
    processes = await fromPowerShell(wanted, tools);
  } catch (error) {
    if (error instanceof AbortError) throw error;
    debug('PowerShell failed (%s); falling back to tasklist', (error as Error).message);
    processes = await fromTasklist(tools);
  }
  for (const info of processes) {
    if (wanted.includes(info.pid) && !result.has(info.pid)) result.set(info.pid, info);
  }
  debug('%d of %d pids found', result.size, wanted.length);
  return result;
};
