/**
 * Parsers for `lsof` output: the field output (`-F`, `-F0`) and the column table. OS-neutral:
 * shared by Linux lsof and Apple's lsof on macOS. Longer than ~250 lines on purpose: the two
 * formats of one tool share the name, state and address rules, and read best side by side.
 *
 * @module
 */
import { isIPv4 } from 'node:net';
import { UnparseableOutputError } from '../errors.ts';
import type { Family, Protocol, RowOwner, SocketRow, SocketState } from '../types.ts';
import { familyOf, normalizeAddress, splitHostPort } from './address.ts';

/**
 * Options for {@link parseLsofFields} and {@link parseLsofTable}.
 *
 * @example
 * ```ts
 * // output of `lsof -nP -iTCP:3000 -sTCP:LISTEN -F pcPnT` on macOS (no TST= fields)
 * parseLsofFields(stdout, {listenOnly: true});
 * ```
 */
export interface ParseLsofOptions {
  /**
   * The output came from a run with `-sTCP:LISTEN`: a TCP socket without a state (Apple's lsof
   * prints no `TST=` field) and without a peer (`->`) is a listener. Default `false`.
   */
  readonly listenOnly?: boolean;
}

/** lsof TCP state names (Linux and BSD spellings) → our vocabulary. */
const STATES: Readonly<Record<string, SocketState>> = {
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  SYN_RECEIVED: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  FIN_WAIT_2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSE',
  CLOSED: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  UNKNOWN: 'UNKNOWN',
};

/** One process set of `-F` output, as it is being read. */
interface ProcessSet {
  pid: number;
  name: string | null;
  uid: number | null;
}

/** One file set of `-F` output (an open file of the current process). */
interface FileSet {
  type?: string;
  protocol?: string;
  name?: string;
  device?: string;
  tcpState?: string;
  seen: Set<string>;
}

/** File-set fields (`lsof -F ?` lists them); `f` always starts a new set when present. */
const FILE_FIELDS = new Set([...'aCdDfFGikNlnoPsStTZ']);
const PROCESS_FIELDS = new Set([...'cgKLpRu']);

/**
 * Parses `lsof -F` field output into socket rows: newline-separated (`-F pcnPtTu`) and
 * NUL-separated (`-F0`, one line per set) alike. Fields used: `p` pid, `c` command, `u` uid, `t`
 * type (`IPv4`/`IPv6`), `P` protocol, `n` name (`addr:port` or `local->remote`), `TST=` state,
 * `d` device (on Linux the socket inode, kept as `inode` when decimal); others are ignored.
 *
 * - A file set starts at `f` or, since `f` need not be printed, when a field of the current file
 *   set repeats. Only `TCP`/`UDP` files with numeric ports are kept (a service name means `-P`
 *   was missing and cannot be trusted).
 * - Each process set gives its own rows, with one owner (the `c` name); a socket shared by a
 *   parent and its children therefore appears once per process.
 * - State: `TST=` when printed. UDP without a peer is `'BOUND'`, with one `'ESTABLISHED'`. TCP
 *   without `TST=` (Apple's lsof) is `'LISTEN'` only with `listenOnly` (the run used
 *   `-sTCP:LISTEN`) and no `->`; otherwise `'UNKNOWN'` — lsof does not say.
 * - Family: the address's; `*` is the wildcard of the `t` family (IPv4 when `t` is missing); an
 *   IPv4 address on an `IPv6` socket (Linux lsof prints `127.0.0.1` for `::ffff:127.0.0.1`) is
 *   given back as `'::ffff:127.0.0.1'`.
 * - Identical rows (same pid, protocol, endpoints and state — e.g. threads, or one socket on two
 *   fds) are given once.
 *
 * Throws {@link UnparseableOutputError} when the text has content but no `p` field.
 *
 * @example
 * ```ts
 * parseLsofFields('p7076\ncDiscord\ntIPv4\nPTCP\nn127.0.0.1:6463\nTST=LISTEN\n');
 * // [{protocol: 'tcp', family: 'IPv4', localAddress: '127.0.0.1', localPort: 6463,
 * //   remoteAddress: null, remotePort: null, state: 'LISTEN', owners: [{pid: 7076, name: 'Discord'}]}]
 * ```
 */
export function parseLsofFields(text: string, options: ParseLsofOptions = {}): SocketRow[] {
  const rows: SocketRow[] = [];
  let owner: ProcessSet | undefined;
  let file: FileSet | undefined;
  let sawProcess = false;
  let content = false;
  const flush = () => {
    if (owner && file) {
      const row = fileToRow(owner, file, options);
      if (row) rows.push(row);
    }
    file = undefined;
  };
  for (const field of text.split(/[\0\r\n]/)) {
    if (field === '') continue;
    content = true;
    const id = field[0] ?? '';
    const value = field.slice(1);
    if (id === 'p') {
      flush();
      const pid = Number(value);
      owner = /^[0-9]+$/.test(value) ? { pid, name: null, uid: null } : undefined;
      sawProcess ||= owner !== undefined;
      continue;
    }
    if (!owner) continue;
    if (PROCESS_FIELDS.has(id) && !file) {
      if (id === 'c') owner.name = value;
      else if (id === 'u' && /^[0-9]+$/.test(value)) owner.uid = Number(value);
      continue;
    }
    if (!FILE_FIELDS.has(id)) continue;
    const key = id === 'T' ? (value.split('=')[0] ?? value) : id;
    if (id === 'f' || !file || file.seen.has(key)) {
      flush();
      file = { seen: new Set() };
    }
    file.seen.add(key);
    readFileField(file, id, value);
  }
  flush();
  if (content && !sawProcess) {
    throw new UnparseableOutputError('lsof', 'no process (p) field in lsof -F output');
  }
  return dedupe(rows);
}

function readFileField(file: FileSet, id: string, value: string): void {
  if (id === 't') file.type = value;
  else if (id === 'P') file.protocol = value;
  else if (id === 'n') file.name = value;
  else if (id === 'd') file.device = value;
  else if (id === 'T' && value.startsWith('ST=')) file.tcpState = value.slice(3);
}

function fileToRow(
  owner: ProcessSet,
  file: FileSet,
  options: ParseLsofOptions,
): SocketRow | undefined {
  const protocol = protocolOf(file.protocol);
  if (!protocol || file.name === undefined) return undefined;
  const row = socketRow({
    protocol,
    type: file.type,
    name: file.name,
    stateWord: file.tcpState,
    owner: { pid: owner.pid, name: owner.name },
    listenOnly: options.listenOnly === true,
  });
  if (!row) return undefined;
  const extra: { uid?: number; inode?: number } = {};
  if (owner.uid !== null) extra.uid = owner.uid;
  if (file.device !== undefined && /^[0-9]+$/.test(file.device)) extra.inode = Number(file.device);
  return { ...row, ...extra };
}

/** The column header of `lsof` table output. */
const TABLE_HEADER = /^COMMAND\s+PID\s+/;

/**
 * Parses `lsof` column output (`COMMAND PID [TID TASKCMD] USER FD TYPE DEVICE SIZE/OFF NODE NAME`)
 * into socket rows. Only rows whose NODE is `TCP` or `UDP` and whose ports are numeric are kept;
 * columns are found from the right (the NAME, an optional `(STATE)` token, then NODE), so blank
 * TID columns and wide DEVICE values (macOS `0x...`) do not matter. State, family, owners and
 * de-duplication follow the same rules as {@link parseLsofFields}; a numeric USER (`-l`) fills
 * `uid`, and on Linux the decimal DEVICE of a socket is its inode.
 *
 * Throws {@link UnparseableOutputError} when the text has content but no lsof header or rows.
 *
 * @example
 * ```ts
 * parseLsofTable(
 *   'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n' +
 *     'sshd 1206 root 3u IPv4 21598 0t0 TCP *:22 (LISTEN)\n',
 * );
 * // [{protocol: 'tcp', family: 'IPv4', localAddress: '0.0.0.0', localPort: 22, state: 'LISTEN',
 * //   owners: [{pid: 1206, name: 'sshd'}], inode: 21598, ...}]
 * ```
 */
export function parseLsofTable(text: string, options: ParseLsofOptions = {}): SocketRow[] {
  const rows: SocketRow[] = [];
  let recognised = false;
  let content = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    content = true;
    if (TABLE_HEADER.test(line)) {
      recognised = true;
      continue;
    }
    const parsed = parseTableLine(line, options);
    if (parsed === undefined) continue;
    recognised = true;
    if (parsed !== null) rows.push(parsed);
  }
  if (content && !recognised) {
    throw new UnparseableOutputError('lsof', 'no lsof header or socket row');
  }
  return dedupe(rows);
}

/** `undefined`: not an lsof row; `null`: an lsof row that is skipped (not TCP/UDP, service name). */
function parseTableLine(line: string, options: ParseLsofOptions): SocketRow | null | undefined {
  const tokens = line.trim().split(/\s+/);
  let end = tokens.length - 1;
  const last = tokens[end] ?? '';
  let stateWord: string | undefined;
  if (/^\(.+\)$/.test(last)) {
    stateWord = last.slice(1, -1);
    end--;
  }
  const name = tokens[end];
  const node = tokens[end - 1];
  const command = tokens[0];
  const pidText = tokens[1] ?? '';
  if (name === undefined || node === undefined || command === undefined || end < 8)
    return undefined;
  if (!/^[0-9]+$/.test(pidText)) return undefined;
  const protocol = protocolOf(node);
  if (!protocol) return null;
  // From the right: NAME, NODE, SIZE/OFF, DEVICE, TYPE, FD, USER.
  const type = tokens[end - 4];
  const device = tokens[end - 3] ?? '';
  const user = tokens[end - 6] ?? '';
  const row = socketRow({
    protocol,
    type,
    name,
    stateWord,
    owner: { pid: Number(pidText), name: unescapeCommand(command) },
    listenOnly: options.listenOnly === true,
  });
  if (!row) return null;
  const extra: { uid?: number; inode?: number } = {};
  if (/^[0-9]+$/.test(user)) extra.uid = Number(user);
  if (/^[0-9]+$/.test(device)) extra.inode = Number(device);
  return { ...row, ...extra };
}

/** lsof escapes unprintable bytes and spaces in COMMAND as `\xNN`. */
function unescapeCommand(command: string): string {
  return command.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

function protocolOf(text: string | undefined): Protocol | undefined {
  if (text === 'TCP') return 'tcp';
  if (text === 'UDP') return 'udp';
  return undefined;
}

interface SocketRowInput {
  readonly protocol: Protocol;
  readonly type: string | undefined;
  readonly name: string;
  readonly stateWord: string | undefined;
  readonly owner: RowOwner;
  readonly listenOnly: boolean;
}

/** A row from an lsof NAME (`*:22`, `[::1]:80`, `10.0.0.1:5000->10.0.0.2:41000`). */
function socketRow(input: SocketRowInput): SocketRow | undefined {
  const [localText = '', remoteText] = input.name.split('->');
  const typeFamily: Family | undefined =
    input.type === 'IPv6' ? 'IPv6' : input.type === 'IPv4' ? 'IPv4' : undefined;
  const local = parseEndpoint(localText, typeFamily);
  if (!local || local.port === null) return undefined;
  const remote = remoteText === undefined ? undefined : parseEndpoint(remoteText, typeFamily);
  if (remoteText !== undefined && (!remote || remote.port === null)) return undefined;
  return {
    protocol: input.protocol,
    family: local.family,
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: remote ? remote.address : null,
    remotePort: remote ? remote.port : null,
    ...mapState(input.protocol, input.stateWord, remote !== undefined, input.listenOnly),
    owners: [input.owner],
  };
}

interface Endpoint {
  readonly address: string;
  readonly port: number | null;
  readonly family: Family;
}

function parseEndpoint(text: string, typeFamily: Family | undefined): Endpoint | undefined {
  const split = splitHostPort(text);
  if (!split) return undefined;
  const bare = split.address.replace(/^\[(.*)\](%.+)?$/, '$1$2');
  const family: Family =
    bare === '*' || (isIPv4(bare) && typeFamily === 'IPv6')
      ? (typeFamily ?? 'IPv4')
      : familyOf(bare, typeFamily);
  let address = normalizeAddress(bare, family);
  if (family === 'IPv6' && isIPv4(address)) address = `::ffff:${address}`;
  return { address, port: split.port, family };
}

function mapState(
  protocol: Protocol,
  word: string | undefined,
  connected: boolean,
  listenOnly: boolean,
): { state: SocketState; rawState?: string } {
  if (word !== undefined) {
    const state = STATES[word.toUpperCase()];
    if (state === undefined) return { state: 'UNKNOWN', rawState: word };
    return state === word ? { state } : { state, rawState: word };
  }
  if (protocol === 'udp') return { state: connected ? 'ESTABLISHED' : 'BOUND' };
  return { state: listenOnly && !connected ? 'LISTEN' : 'UNKNOWN' };
}

/** Drops rows identical in pid, protocol, family, endpoints and state (threads, dup'ed fds). */
function dedupe(rows: readonly SocketRow[]): SocketRow[] {
  const seen = new Set<string>();
  const result: SocketRow[] = [];
  for (const row of rows) {
    const key = [
      row.owners[0]?.pid,
      row.protocol,
      row.family,
      row.localAddress,
      row.localPort,
      row.remoteAddress,
      row.remotePort,
      row.state,
    ].join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(row);
  }
  return result;
}
