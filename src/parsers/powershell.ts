/**
 * Parsers for the JSON that PowerShell's `Get-NetTCPConnection` / `Get-NetUDPEndpoint` give
 * through `Select-Object ... | ConvertTo-Json`.
 *
 * What the JSON looks like is known from documentation and bug reports, not from real captures
 * (none could be found): `ConvertTo-Json` gives one object for a single result and an array for
 * several, nothing at all for none; Windows PowerShell 5.1 writes enum properties such as `State`
 * as numbers (`2` = Listen), pwsh may write names (`'Listen'`); `OwningProcess` does not exist on
 * Windows Server 2012 R2. All of these are accepted.
 *
 * @module
 */

import { UnparseableOutputError } from '../errors.ts';
import type { Protocol, RowOwner, SocketRow, SocketState } from '../types.ts';
import { familyOf, normalizeAddress } from './address.ts';

/** `MSFT_NetTCPConnection.State` values and their names. */
const TCP_STATE_NAMES: Readonly<Record<number, string>> = {
  1: 'Closed',
  2: 'Listen',
  3: 'SynSent',
  4: 'SynReceived',
  5: 'Established',
  6: 'FinWait1',
  7: 'FinWait2',
  8: 'CloseWait',
  9: 'Closing',
  10: 'LastAck',
  11: 'TimeWait',
  12: 'DeleteTCB',
  100: 'Bound',
};

/** Enum names (lower-cased) → our vocabulary. */
const TCP_STATES: Readonly<Record<string, SocketState>> = {
  closed: 'CLOSE',
  listen: 'LISTEN',
  synsent: 'SYN_SENT',
  synreceived: 'SYN_RECV',
  established: 'ESTABLISHED',
  finwait1: 'FIN_WAIT1',
  finwait2: 'FIN_WAIT2',
  closewait: 'CLOSE_WAIT',
  closing: 'CLOSING',
  lastack: 'LAST_ACK',
  timewait: 'TIME_WAIT',
  deletetcb: 'CLOSE',
  bound: 'BOUND',
};

/** PID 4 is the kernel ("System"); PID 0 owns TIME_WAIT and closed sockets (no process). */
const SYSTEM_PID = 4;

/**
 * The records of `ConvertTo-Json` output: an array as is, a single object as a one-element array,
 * empty output (no match) as `[]`. Throws {@link UnparseableOutputError} for anything else.
 *
 * @example
 * ```ts
 * powerShellRecords('{"LocalPort":80}'); // [{LocalPort: 80}]
 * powerShellRecords('');                 // []
 * ```
 */
export function powerShellRecords(json: string): Record<string, unknown>[] {
  const text = json.replace(/^\uFEFF/, '').trim();
  if (text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UnparseableOutputError('powershell', 'output is not JSON', { cause: error });
  }
  const list = Array.isArray(value) ? value : [value];
  const records: Record<string, unknown>[] = [];
  for (const item of list) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new UnparseableOutputError('powershell', 'expected JSON objects');
    }
    records.push(item as Record<string, unknown>);
  }
  return records;
}

/**
 * Parses `Get-NetTCPConnection | Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,
 * State,OwningProcess | ConvertTo-Json` output into rows. `State` may be the enum number
 * (`2`) or name (`'Listen'`); the enum name is kept in `rawState`. A listener's remote
 * `0.0.0.0:0` / `:::0` becomes `null`. `OwningProcess` 0 or missing gives `owners: []`; 4 gives
 * `{pid: 4, name: 'System'}`.
 *
 * @example
 * ```ts
 * parsePowerShellTcp('{"LocalAddress":"::","LocalPort":3000,"RemoteAddress":"::","RemotePort":0,"State":2,"OwningProcess":7316}');
 * // [{protocol: 'tcp', family: 'IPv6', localAddress: '::', localPort: 3000, remoteAddress: null,
 * //   remotePort: null, state: 'LISTEN', rawState: 'Listen', owners: [{pid: 7316}]}]
 * ```
 */
export function parsePowerShellTcp(json: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const record of powerShellRecords(json)) {
    const row = toRow(record, 'tcp');
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * Parses `Get-NetUDPEndpoint | Select-Object LocalAddress,LocalPort,OwningProcess |
 * ConvertTo-Json` output into `BOUND` rows with no remote end.
 *
 * @example
 * ```ts
 * parsePowerShellUdp('[{"LocalAddress":"0.0.0.0","LocalPort":5353,"OwningProcess":2212}]');
 * // [{protocol: 'udp', family: 'IPv4', localAddress: '0.0.0.0', localPort: 5353,
 * //   remoteAddress: null, remotePort: null, state: 'BOUND', owners: [{pid: 2212}]}]
 * ```
 */
export function parsePowerShellUdp(json: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const record of powerShellRecords(json)) {
    const row = toRow(record, 'udp');
    if (row) rows.push(row);
  }
  return rows;
}

function toRow(record: Record<string, unknown>, protocol: Protocol): SocketRow | undefined {
  const localText = record.LocalAddress;
  const localPort = portOf(record.LocalPort);
  if (typeof localText !== 'string' || localPort === undefined || localPort === 0) return undefined;
  const family = familyOf(localText, 'IPv4');

  let state: SocketState = 'BOUND';
  let rawState: string | undefined;
  let remoteAddress: string | null = null;
  let remotePort: number | null = null;
  if (protocol === 'tcp') {
    ({ state, rawState } = tcpStateOf(record.State));
    const remoteText = record.RemoteAddress;
    const remote = portOf(record.RemotePort);
    const none = remote === 0 && (remoteText === '0.0.0.0' || remoteText === '::');
    if (typeof remoteText === 'string' && remote !== undefined && !none) {
      remoteAddress = normalizeAddress(remoteText, family);
      remotePort = remote;
    }
  }
  return {
    protocol,
    family,
    localAddress: normalizeAddress(localText, family),
    localPort,
    remoteAddress,
    remotePort,
    state,
    ...(rawState === undefined ? {} : { rawState }),
    owners: ownersOf(record.OwningProcess),
  };
}

function portOf(value: unknown): number | undefined {
  const port = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535
    ? port
    : undefined;
}

function tcpStateOf(value: unknown): { state: SocketState; rawState?: string } {
  // A bare number, a name, or (some serializers) {value: 2, ...}.
  const raw =
    value !== null && typeof value === 'object' && 'value' in value
      ? (value as { value: unknown }).value
      : value;
  const name =
    typeof raw === 'number'
      ? TCP_STATE_NAMES[raw]
      : typeof raw === 'string' && /^[0-9]+$/.test(raw)
        ? TCP_STATE_NAMES[Number(raw)]
        : typeof raw === 'string'
          ? raw
          : undefined;
  if (name === undefined) {
    return raw === undefined || raw === null
      ? { state: 'UNKNOWN' }
      : { state: 'UNKNOWN', rawState: String(raw) };
  }
  return { state: TCP_STATES[name.toLowerCase()] ?? 'UNKNOWN', rawState: name };
}

function ownersOf(value: unknown): RowOwner[] {
  const pid = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return [];
  if (pid === SYSTEM_PID) return [{ pid, name: 'System' }];
  return [{ pid }];
}
