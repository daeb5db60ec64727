/**
 * Parser for the socket table printed by iproute2 `ss` (Linux).
 *
 * Layouts handled (all parsed by whitespace, never by header offsets):
 * - iproute2 ≥ 5.x: `Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process`, the
 *   header may be missing (`-H`) and its last two words may be glued (`Peer Address:PortProcess`);
 * - iproute2 4.x (Ubuntu 18.04): no `Process` header word, `users:(...)` after the peer column,
 *   followed by `uid:`, `ino:`, `sk:`, `<->`;
 * - iproute2 3.x: `users:(("sshd",1256,3))` (name, pid, fd) instead of `pid=`/`fd=`;
 * - without a Netid column (ss prints none when a single protocol is selected, e.g. `-t`).
 *
 * Slightly over ~250 lines: one tool's layouts across three iproute2 generations belong together.
 *
 * @module
 */

import { UnparseableOutputError } from '../errors.ts';
import type { Family, Protocol, RowOwner, SocketRow, SocketState } from '../types.ts';
import { familyOf, normalizeAddress, splitHostPort } from './address.ts';

/**
 * Options for {@link parseSs}.
 *
 * @example
 * ```ts
 * parseSs(stdoutOfSsDashT, {protocol: 'tcp'}); // `ss -t` prints no Netid column
 * ```
 */
export interface ParseSsOptions {
  /**
   * The protocol of rows printed without a Netid column. `ss` omits the column when one protocol
   * was selected (`ss -t`, `ss -u`); default `'tcp'`.
   */
  readonly protocol?: Protocol;
}

/** ss state words (`sstate_name` in iproute2) → our vocabulary. UNCONN depends on the protocol. */
const STATES: Readonly<Record<string, SocketState>> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
  CLOSE: 'CLOSE',
  UNKNOWN: 'UNKNOWN',
};

const STATE_WORD =
  /^(?:UNCONN|ESTAB|SYN-SENT|SYN-RECV|FIN-WAIT-[12]|TIME-WAIT|CLOSE-WAIT|LAST-ACK|LISTEN|CLOSING|CLOSE|UNKNOWN|NEW-SYN-RECV|BOUND)$/;
const QUEUE = /^[0-9]+$/;
const HEADER = /^\s*(?:Netid\s+)?State\s+Recv-Q\s+Send-Q\b/;
/** One `("name",pid=1,fd=3)` (new) or `("name",1,3)` (iproute2 3.x) entry of `users:(...)`. */
const OWNER = /\("(.*?)",(?:pid=)?([0-9]+),(?:fd=)?([0-9]+)\)/gs;
const USERS =
  /users:\((\(".*?",(?:pid=)?[0-9]+,(?:fd=)?[0-9]+\)(?:,\(".*?",(?:pid=)?[0-9]+,(?:fd=)?[0-9]+\))*)\)/s;

/**
 * Joins the lines of one socket that a process name with a newline split: ss prints the name
 * as it is, so `users:(("evil⏎name",pid=4,fd=3))` spans two lines. A line that opens `users:((`
 * without closing it takes the following lines until one closes it.
 */
function socketLines(text: string): string[] {
  const lines: string[] = [];
  let open: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (open !== undefined) {
      open = `${open}\n${line}`;
      if (line.includes('))')) {
        lines.push(open);
        open = undefined;
      }
      continue;
    }
    const users = line.indexOf('users:((');
    if (users >= 0 && !line.slice(users).includes('))')) open = line;
    else lines.push(line);
  }
  if (open !== undefined) lines.push(open);
  return lines;
}

/**
 * Parses the text `ss` prints for `-t`/`-u` sockets (best with `-H -a -n -p -e`) into rows.
 *
 * - Only `tcp` and `udp` rows are kept; other netids (`nl`, `u_str`, `p_raw`, `raw`, ...) are
 *   recognised and skipped, as are rows whose port is a service name (`*:ssh`, output without
 *   `-n`) — a name cannot be trusted to be the port.
 * - `users:(...)` gives one {@link RowOwner} per process (a process holding the socket on two fds is
 *   listed once); no `users:(...)` gives `owners: []` (owner hidden, or a TIME_WAIT row).
 * - `uid:N` and `ino:N` (`-e`) fill `uid` and `inode`. ss omits `uid:` when it is 0, so a row
 *   with a non-zero `ino:` and no `uid:` gets `uid: 0`; rows without `-e` details get neither.
 * - `UNCONN` is `'BOUND'` for UDP and `'CLOSE'` for TCP; `ESTAB` is `'ESTABLISHED'`, etc.
 * - Addresses are normalised (`[::]` → `'::'`, `[::ffff:127.0.0.1]` → `'::ffff:127.0.0.1'`,
 *   `[fe80::1]%eth0` → `'fe80::1%eth0'`, `127.0.0.53%lo` kept). A `*` local address is the
 *   IPv6 dual-stack wildcard when the row says `v6only:0`, or when the output prints IPv4
 *   wildcards as `0.0.0.0` (iproute2 ≥ 4.x); old iproute2 printed `*` for IPv4, so otherwise it is
 *   `'0.0.0.0'`.
 *
 * Throws {@link UnparseableOutputError} when the text has content but not one line looks like
 * ss output (header or socket row); empty text gives `[]`.
 *
 * @example
 * ```ts
 * parseSs('tcp LISTEN 0 511 0.0.0.0:3000 0.0.0.0:* users:(("node",pid=42,fd=19)) ino:9883 sk:1 <->');
 * // [{protocol: 'tcp', family: 'IPv4', localAddress: '0.0.0.0', localPort: 3000,
 * //   remoteAddress: null, remotePort: null, state: 'LISTEN',
 * //   owners: [{pid: 42, name: 'node'}], uid: 0, inode: 9883}]
 * ```
 */
export function parseSs(text: string, options: ParseSsOptions = {}): SocketRow[] {
  const lines = socketLines(text);
  const newWildcards = /(?:^|\s)0\.0\.0\.0(?:%\S+)?:/m.test(text);
  const rows: SocketRow[] = [];
  let recognised = 0;
  let content = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    content++;
    if (HEADER.test(line)) {
      recognised++;
      continue;
    }
    const parsed = parseSsLine(line, options.protocol ?? 'tcp', newWildcards);
    if (parsed === undefined) continue;
    recognised++;
    if (parsed !== null) rows.push(parsed);
  }
  if (content > 0 && recognised === 0) {
    throw new UnparseableOutputError('ss', 'no line looks like ss socket output');
  }
  return rows;
}

/**
 * One line: `undefined` when it is not an ss socket line, `null` when it is one but is skipped
 * (another netid, a service-name port), the row otherwise.
 */
function parseSsLine(
  line: string,
  defaultProtocol: Protocol,
  newWildcards: boolean,
): SocketRow | null | undefined {
  const usersMatch = USERS.exec(line);
  const rest = usersMatch ? line.replace(usersMatch[0], ' ') : line;
  const tokens = rest.trim().split(/\s+/);
  const columns = splitColumns(tokens);
  if (!columns) return undefined;
  const { netid, stateWord, local, peer, details } = columns;
  let protocol: Protocol;
  if (netid === undefined) protocol = defaultProtocol;
  else if (netid === 'tcp' || netid === 'udp') protocol = netid;
  else return null;

  const detailText = details.join(' ');
  const v6only = /(?:^|\s)v6only:([01])(?:\s|$)/.exec(detailText)?.[1];
  const localEnd = parseEndpoint(local, v6only !== undefined || newWildcards);
  const peerEnd = parseEndpoint(peer, v6only !== undefined || newWildcards);
  if (!localEnd || localEnd.port === null || !peerEnd) return null;

  const row: SocketRow = {
    protocol,
    family: localEnd.family,
    localAddress: localEnd.address,
    localPort: localEnd.port,
    remoteAddress: peerEnd.port === null ? null : peerEnd.address,
    remotePort: peerEnd.port,
    ...mapState(stateWord, protocol),
    owners: usersMatch ? parseOwners(usersMatch[1] ?? '') : [],
    ...parseDetails(detailText),
  };
  return row;
}

interface SsColumns {
  readonly netid: string | undefined;
  readonly stateWord: string;
  readonly local: string;
  readonly peer: string;
  readonly details: readonly string[];
}

/** Finds the columns by shape: `[netid] STATE digits digits local peer details...`. */
function splitColumns(tokens: readonly string[]): SsColumns | undefined {
  const at = (index: number) => tokens[index] ?? '';
  const rowAt = (index: number) =>
    STATE_WORD.test(at(index)) && QUEUE.test(at(index + 1)) && QUEUE.test(at(index + 2));
  let start: number;
  if (rowAt(0)) start = 0;
  else if (/^[a-z][a-z0-9_]*$/.test(at(0)) && rowAt(1)) start = 1;
  else return undefined;
  // A unix socket's local "address" is a path and an inode (two tokens): it is skipped by netid,
  // so the column split below only has to be right for tcp/udp.
  if (tokens.length < start + 5) return undefined;
  return {
    netid: start === 1 ? at(0) : undefined,
    stateWord: at(start),
    local: at(start + 3),
    peer: at(start + 4),
    details: tokens.slice(start + 5),
  };
}

interface Endpoint {
  readonly address: string;
  readonly port: number | null;
  readonly family: Family;
}

/**
 * `127.0.0.1:80`, `[::1]:80`, `[fe80::1]%eth0:123`, `127.0.0.53%lo:53`, `*:22`, `:::22`,
 * `0.0.0.0:*`. `undefined` for a service-name port.
 */
function parseEndpoint(text: string, starIsIPv6: boolean): Endpoint | undefined {
  const split = splitHostPort(text);
  if (!split) return undefined;
  const raw = unbracket(split.address);
  if (raw === '*') {
    const family: Family = starIsIPv6 ? 'IPv6' : 'IPv4';
    return { address: normalizeAddress('*', family), port: split.port, family };
  }
  const family = familyOf(raw);
  return { address: normalizeAddress(raw, family), port: split.port, family };
}

/** `[fe80::1]%eth0` → `fe80::1%eth0`; `[::]` → `::`. */
function unbracket(address: string): string {
  const match = /^\[(.*)\](%.+)?$/.exec(address);
  return match ? `${match[1]}${match[2] ?? ''}` : address;
}

function mapState(word: string, protocol: Protocol): { state: SocketState; rawState?: string } {
  if (word === 'UNCONN') return { state: protocol === 'udp' ? 'BOUND' : 'CLOSE', rawState: word };
  if (word === 'NEW-SYN-RECV') return { state: 'SYN_RECV', rawState: word };
  const state = STATES[word];
  if (state === undefined) return { state: 'UNKNOWN', rawState: word };
  return state === word ? { state } : { state, rawState: word };
}

/** `("node",pid=1,fd=3),("node",pid=2,fd=3)` → one owner per pid, in the order printed. */
function parseOwners(list: string): RowOwner[] {
  const owners: RowOwner[] = [];
  const seen = new Set<number>();
  for (const match of list.matchAll(OWNER)) {
    const pid = Number(match[2]);
    if (seen.has(pid)) continue;
    seen.add(pid);
    owners.push({ pid, name: match[1] ?? null, fd: Number(match[3]) });
  }
  return owners;
}

/** `uid:1000 ino:9883 sk:1 <->` → `{uid, inode}` (see {@link parseSs} for the uid rule). */
function parseDetails(details: string): { uid?: number | null; inode?: number | null } {
  const inode = /(?:^|\s)ino:([0-9]+)(?:\s|$)/.exec(details)?.[1];
  const uid = /(?:^|\s)uid:([0-9]+)(?:\s|$)/.exec(details)?.[1];
  const result: { uid?: number | null; inode?: number | null } = {};
  if (inode !== undefined) result.inode = Number(inode);
  if (uid !== undefined) result.uid = Number(uid);
  else if (inode !== undefined && inode !== '0') result.uid = 0;
  return result;
}
