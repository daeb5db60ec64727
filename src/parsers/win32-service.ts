import { UnparseableOutputError } from '../errors.ts';
import { powerShellRecords } from './powershell.ts';

/**
 * A Windows service as CIM `Win32_Service` reports it.
 *
 * @example
 * ```ts
 * const winrm: Win32ServiceRecord = {name: 'WinRM', displayName: null, state: 'Running', pid: 3040, startMode: 'Auto'};
 * ```
 */
export interface Win32ServiceRecord {
  /** The service (key) name, e.g. `'WinRM'`. */
  readonly name: string;
  readonly displayName: string | null;
  /** `'Running'`, `'Stopped'`, `'Start Pending'`, ... */
  readonly state: string | null;
  /** The hosting process; `0` for a service that is not running. */
  readonly pid: number;
  /** `'Auto'`, `'Manual'`, `'Disabled'`, ... */
  readonly startMode: string | null;
}

/**
 * Parses the JSON of
 * `Get-CimInstance Win32_Service | Select-Object Name,DisplayName,State,ProcessId,StartMode | ConvertTo-Json`
 * (optionally filtered, e.g. `-Filter "ProcessId=1234"`). `ConvertTo-Json` writes one object for a
 * single result, an array for several, and nothing for none; Windows PowerShell 5.1 and pwsh 7
 * differ only in spacing. Properties may be missing (`Select-Object` of fewer properties); `Name`
 * and `ProcessId` are required.
 *
 * @example
 * ```ts
 * parseWin32Services('{"Name": "WinRM", "DisplayName": "Windows Remote Management (WS-Management)", "State": "Running", "ProcessId": 3040, "StartMode": "Auto"}');
 * // [{name: 'WinRM', displayName: 'Windows Remote Management (WS-Management)',
 * //   state: 'Running', pid: 3040, startMode: 'Auto'}]
 * ```
 */
export function parseWin32Services(json: string): Win32ServiceRecord[] {
  return powerShellRecords(json).map((record) => {
    const { Name: name, ProcessId: pid } = record;
    if (typeof name !== 'string' || typeof pid !== 'number' || !Number.isInteger(pid)) {
      throw new UnparseableOutputError('win32-service', 'a record without Name or ProcessId');
    }
    return {
      name,
      displayName: stringOrNull(record.DisplayName),
      state: stringOrNull(record.State),
      pid,
      startMode: stringOrNull(record.StartMode),
    };
  });
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
