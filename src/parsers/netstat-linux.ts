/**
 * Parser for Linux `netstat` socket tables: net-tools (`netstat -tuanpe`, `-W`) and BusyBox
 * (`busybox netstat -tuanp`).
 *
 * @module
 */
import { isIPv4 } from 'node:net';
import { UnparseableOutputError } from '../errors.ts';
import type { Family, Protocol, RowOwner, SocketRow, SocketState } from '../types.ts';
import { familyOf, normalizeAddress, splitHostPort } from './address.ts';

/** The fixed leading columns: Proto Recv-Q Send-Q Local Foreign, then the rest of the line. */
const ROW = /^\s*([a-z][a-z0-9]*)\s+([0-9]+)\s+([0-9]+)\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/;
/** `1206/sshd`, `442/avahi-daemon: r`, `1705/php-fpm.conf)` — the name may hold spaces. */
const PID_PROGRAM = /^([0-9]+)\/(.*)$/;
const STATE_WORD = /^[A-Z][A-Z0-9_]*$/;
/** Lines netstat prints around the table that are not rows but say "this is netstat". */
const NOISE = [
  /^Active Internet connections\b/,
  /^Proto\s+Recv-Q\s+Send-Q\b/,
  /^\(No info could be read for "-p"/,
  /^\(Not all processes could be identified/,
  /^\s*will not be shown, you would have to be root/,
  /^netstat: /,
];
/** A section that is not the Internet table (UNIX, Bluetooth, ...): parsing stops there. */
const OTHER_SECTION = /^Active (?!Internet connections\b)/;

const STATES: Readonly<Record<string, SocketState>> = {
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  UNKNOWN: 'UNKNOWN',
};

/**
 * Parses the Internet section of Linux `netstat` output (net-tools or BusyBox) into rows.
 *
 * Rows are split by whitespace from the left for the fixed columns (Proto, Recv-Q, Send-Q, Local,
 * Foreign); what follows is told apart by shape, not by header offsets, because the widths differ
 * between net-tools and BusyBox and long values overflow their column:
 * - State: an upper-case word (always there for TCP; empty for unconnected UDP → `'BOUND'`);
 * - User and Inode (`-e`): the tokens before the PID column; a numeric User fills `uid` (not for
 *   inode 0, a socket no process has open, such as TIME_WAIT);
 * - PID/Program name (`-p`): `pid/name`, the name truncated by netstat and possibly holding spaces
 *   (`600/sshd: /usr/sbin`); `-` (padded or not) or no column at all gives `owners: []`.
 *
 * Only `tcp`, `tcp6`, `udp`, `udp6` rows are kept (`raw`, `raw6`, `udpl` are skipped), and rows
 * whose port is a service name (output without `-n`). The family comes from the protocol
 * (`tcp6`) or, for BusyBox which prints `tcp` for IPv6 too, from the address; an IPv4 address on
 * an IPv6 socket (net-tools prints `127.0.0.1` for `::ffff:127.0.0.1`) is given back as
 * `'::ffff:127.0.0.1'`. net-tools names at most one process per socket, even when several share
 * it (a forked worker): the first one it finds in /proc.
 *
 * Parsing stops at the next section (`Active UNIX domain sockets`). Notes such as
 * `(Not all processes could be identified...)` and BusyBox's `netstat: ...` lines are skipped.
 * Throws {@link UnparseableOutputError} when the text has content but nothing netstat-like.
 *
 * @example
 * ```ts
 * parseNetstatLinux(
 *   'tcp6       0      0 :::22                   :::*                    LISTEN      1206/sshd',
 * );
 * // [{protocol: 'tcp', family: 'IPv6', localAddress: '::', localPort: 22, remoteAddress: null,
 * //   remotePort: null, state: 'LISTEN', owners: [{pid: 1206, name: 'sshd'}]}]
 * ```
 */
export function parseNetstatLinux(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  let recognised = 0;
  let content = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (OTHER_SECTION.test(line)) {
      recognised++;
      break;
    }
    content++;
    if (NOISE.some((pattern) => pattern.test(line))) {
      recognised++;
      continue;
    }
    const parsed = parseNetstatLine(line);
    if (parsed === undefined) continue;
    recognised++;
    if (parsed !== null) rows.push(parsed);
  }
  if (content > 0 && recognised === 0) {
    throw new UnparseableOutputError('netstat', 'no line looks like netstat socket output');
  }
  return rows;
}

/** `undefined`: not a socket row; `null`: a row that is skipped; else the row. */
function parseNetstatLine(line: string): SocketRow | null | undefined {
  const match = ROW.exec(line);
  if (!match) return undefined;
  const [, proto = '', , , local = '', foreign = '', rest = ''] = match;
  const protocol = protocolOf(proto);
  if (protocol === undefined) {
    return /^(?:raw6?|udpl6?|sctp6?|tcp6?|udp6?|unix)$/.test(proto) ? null : undefined;
  }
  const ipv6Proto = proto.endsWith('6');
  const localEnd = parseEndpoint(local, ipv6Proto);
  const foreignEnd = parseEndpoint(foreign, ipv6Proto);
  if (!localEnd || localEnd.port === null || !foreignEnd) return null;
  const tail = parseTail(rest, protocol);
  return {
    protocol,
    family: localEnd.family,
    localAddress: localEnd.address,
    localPort: localEnd.port,
    remoteAddress: foreignEnd.port === null ? null : foreignEnd.address,
    remotePort: foreignEnd.port,
    ...tail.state,
    owners: tail.owners,
    ...(tail.uid !== undefined ? { uid: tail.uid } : {}),
    ...(tail.inode !== undefined ? { inode: tail.inode } : {}),
  };
}

function protocolOf(proto: string): Protocol | undefined {
  if (proto === 'tcp' || proto === 'tcp6') return 'tcp';
  if (proto === 'udp' || proto === 'udp6') return 'udp';
  return undefined;
}

interface Endpoint {
  readonly address: string;
  readonly port: number | null;
  readonly family: Family;
}

/** `0.0.0.0:22`, `:::22`, `::1:25`, `[::]:22`, `0.0.0.0:*`; `undefined` for a service name. */
function parseEndpoint(text: string, ipv6Proto: boolean): Endpoint | undefined {
  const split = splitHostPort(text);
  if (!split) return undefined;
  const bare = split.address.replace(/^\[(.*)\]$/, '$1');
  const family: Family = ipv6Proto ? 'IPv6' : familyOf(bare);
  let address = normalizeAddress(bare, family);
  if (family === 'IPv6' && isIPv4(address)) address = `::ffff:${address}`;
  return { address, port: split.port, family };
}

interface Tail {
  readonly state: { state: SocketState; rawState?: string };
  readonly owners: RowOwner[];
  readonly uid?: number | null;
  readonly inode?: number | null;
}

/** What follows the Foreign column: `[State] [User Inode] [PID/Program name | -]`. */
function parseTail(rest: string, protocol: Protocol): Tail {
  const tokens = rest.split(/\s+/).filter((token) => token !== '');
  let index = 0;
  let stateWord: string | undefined;
  const first = tokens[0];
  if (first !== undefined && !PID_PROGRAM.test(first) && first !== '-') {
    if (STATE_WORD.test(first) || (protocol === 'tcp' && !/^[0-9]/.test(first))) {
      stateWord = first;
      index = 1;
    }
  }
  let pidAt = -1;
  for (let i = index; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === '-' || PID_PROGRAM.test(token)) {
      pidAt = i;
      break;
    }
  }
  const middle = tokens.slice(index, pidAt < 0 ? tokens.length : pidAt);
  return {
    state: mapState(stateWord, protocol),
    owners: pidAt < 0 ? [] : parseOwner(rest, tokens[pidAt] ?? '-'),
    ...parseUserInode(middle),
  };
}

function mapState(word: string | undefined, protocol: Protocol): Tail['state'] {
  if (word === undefined) return protocol === 'udp' ? { state: 'BOUND' } : { state: 'UNKNOWN' };
  const state = STATES[word];
  if (state === undefined) return { state: 'UNKNOWN', rawState: word };
  if (protocol === 'udp' && state === 'CLOSE') return { state: 'BOUND', rawState: word };
  return { state };
}

/** The owner from the PID column; the name runs to the end of the line (it may hold spaces). */
function parseOwner(rest: string, token: string): RowOwner[] {
  if (token === '-') return [];
  const start = rest.indexOf(token);
  const match = PID_PROGRAM.exec(rest.slice(start).trimEnd());
  if (!match) return [];
  const name = (match[2] ?? '').trim();
  return [{ pid: Number(match[1]), name: name === '' ? null : name }];
}

/** The `-e` columns User and Inode: the last numeric token is the inode, the one before the user. */
function parseUserInode(tokens: readonly string[]): { uid?: number | null; inode?: number | null } {
  if (tokens.length < 2) return {};
  const inode = tokens[tokens.length - 1] ?? '';
  const user = tokens[tokens.length - 2] ?? '';
  if (!/^[0-9]+$/.test(inode)) return {};
  // Inode 0 is a socket no process has open (TIME_WAIT): its "user" 0 is not an owner.
  const uid = /^[0-9]+$/.test(user) && inode !== '0' ? Number(user) : null;
  return { inode: Number(inode), uid };
}
