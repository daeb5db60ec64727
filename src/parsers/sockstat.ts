/**
 * Parser for the socket table printed by FreeBSD `sockstat` (`-4 -6`, with or without `-l`, `-c`,
 * `-s`, `-q`, `-w`, `-n`). Lines are read by shape, never by header offsets: the columns moved
 * between releases and old releases glue neighbouring columns together.
 *
 * Layouts handled (from recorded outputs and the FreeBSD sources; see
 * test/fixtures/freebsd/SOURCES.md):
 * - up to FreeBSD 14 the columns start at fixed positions. A value longer than its column pushes
 *   the rest of the line right, and where sockstat prints no separator the next value is glued
 *   on: after a user name of 9+ characters COMMAND runs into PID (`spc in nam63210`) and LOCAL
 *   into FOREIGN (`192.168.123.5:9000192.168.123.21:49866`); a long foreign address runs into
 *   the state. A 2013 sockstat printed a dual-stack socket as `tcp4 6`;
 * - FreeBSD 12–14: `-w` widens the address columns to 45; `-s` adds `PATH STATE` and
 *   `CONN STATE` (13) or `CONN STATE` (14); 14 brackets IPv6 addresses (`[::1]:123`);
 * - FreeBSD 15: columns sized to their content, `??` for what cannot be known (owner, UDP state).
 *
 * @module
 */

import { UnparseableOutputError } from '../errors.ts';
import type { Family, Protocol, RowOwner, SocketRow } from '../types.ts';
import { normalizeAddress } from './address.ts';
import { hasStateColumn, readAddressColumns, sockstatState } from './sockstat-columns.ts';

/**
 * Options for {@link parseSockstat}.
 *
 * @example
 * ```ts
 * parseSockstat(stdout, {port: 3000}); // the port that was asked for with `-p 3000`
 * ```
 */
export interface ParseSockstatOptions {
  /**
   * The port that was asked for (`-p PORT`). Old sockstat glues a long local address to the
   * foreign one; when such a pair can be split in more than one valid way, the split with this
   * port at either end is taken. Without it (or if that does not decide), the row is dropped.
   */
  readonly port?: number;
}

const HEADER = /^\s*USER\s+COMMAND\s+PID\s+FD\s+PROTO\b/;
/** Internet protocols with their IP-version suffix, and UNIX socket types (recognised, skipped). */
const PROTO = /^(?:(?:tcp|toe|udp|udplite|sctp|div)(?:4|6|46)?|stream|dgram|seqpack|seqpacket)$/;
const UNKNOWN = /^\?{1,2}$/;
const FD = /^(?:[0-9]+|\?{1,2})$/;
const PID_END = /(?:[0-9]|^\?{1,2})$/;
/** FreeBSD truncates COMMAND to 10 characters; PID_MAX is 99999. */
const COMMAND_WIDTH = 10;
const PID_DIGITS = 5;

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Parses what `sockstat -46` prints (best with `-n -s -w -P tcp,udp -p PORT`) into rows, one per
 * printed line, i.e. per process and descriptor: a socket shared by a parent and its children
 * appears once per process, as sockstat prints it.
 *
 * - Owners: `[{pid, name}]` with COMMAND as printed (cut to 10 characters by sockstat). `?`/`??`
 *   in USER/COMMAND/PID/FD (a socket no process holds: TIME_WAIT, kernel sockets such as NFS)
 *   gives `owners: []`; so does a PID glued to its COMMAND that can be split in more than one way
 *   (`python2.781106`: a pid is never guessed). A numeric USER (`-n`) fills `uid`.
 * - `tcp4`/`udp4` are IPv4, `tcp6`/`udp6` IPv6, `tcp46` (and old `tcp4 6`) a dual-stack IPv6
 *   socket; `*` is `'0.0.0.0'` or `'::'` by that family. `[::1]:123`, `::1:123`,
 *   `fe80::1%lo0:123` are all `::1` / `fe80::1%lo0` port 123. `toe` (TCP offload) is TCP; other
 *   protocols and UNIX sockets are skipped.
 * - States (`-s`): `LISTEN`, `ESTABLISHED`, `TIME_WAIT` as they are, `SYN_RCVD` → `SYN_RECV`,
 *   `FIN_WAIT_1` → `FIN_WAIT1`, `CLOSED` (bound, not listening) → `CLOSE`, with `rawState`. When
 *   the output has no state column at all, a TCP row without a foreign address is `LISTEN`
 *   (sockstat lists a socket without a peer only when it listens or is bound; without `-s` the two
 *   cannot be told apart) and one with a peer `UNKNOWN`. UDP rows are `BOUND`, or `ESTABLISHED`
 *   when connected.
 *
 * Empty text gives `[]`; text in which no line is a sockstat header or socket line throws
 * {@link UnparseableOutputError}.
 *
 * @example
 * ```ts
 * parseSockstat('www      nginx       7895 6   tcp4      *:80      *:*      LISTEN\n');
 * // [{protocol: 'tcp', family: 'IPv4', localAddress: '0.0.0.0', localPort: 80,
 * //   remoteAddress: null, remotePort: null, state: 'LISTEN',
 * //   owners: [{pid: 7895, name: 'nginx'}]}]
 * ```
 */
export function parseSockstat(text: string, options: ParseSockstatOptions = {}): SocketRow[] {
  const stateColumn = hasStateColumn(text);
  const rows: SocketRow[] = [];
  let content = 0;
  let recognised = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    content++;
    if (HEADER.test(line)) {
      recognised++;
      continue;
    }
    const row = parseLine(line, stateColumn, options.port);
    if (row === undefined) continue;
    recognised++;
    if (row !== null) rows.push(row);
  }
  if (content > 0 && recognised === 0) {
    throw new UnparseableOutputError('sockstat', 'no line looks like sockstat output');
  }
  return rows;
}

/** `undefined`: not a sockstat line; `null`: a sockstat line that gives no row; else the row. */
function parseLine(
  line: string,
  stateColumn: boolean,
  port: number | undefined,
): SocketRow | null | undefined {
  const tokens: Token[] = [...line.matchAll(/\S+/g)].map((match) => ({
    text: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
  const text = (index: number) => tokens[index]?.text ?? '';
  let k = 3;
  while (
    k < tokens.length &&
    !(PROTO.test(text(k)) && FD.test(text(k - 1)) && PID_END.test(text(k - 2)))
  )
    k++;
  if (k >= tokens.length) return undefined;

  let proto = text(k);
  let next = k + 1;
  if (/^(?:tcp|udp)4$/.test(proto) && text(next) === '6') {
    proto += '6'; // `tcp4 6`: how an old sockstat printed a dual-stack socket
    next++;
  }
  const match = /^(tcp|toe|udp)(4|6|46)$/.exec(proto);
  if (!match) return null;
  const protocol: Protocol = match[1] === 'udp' ? 'udp' : 'tcp';
  const family: Family = match[2] === '4' ? 'IPv4' : 'IPv6';

  const ends = readAddressColumns(
    tokens.slice(next).map((token) => token.text),
    port,
  );
  if (!ends || ends.local.port === null) return null;
  const connected = ends.foreign.port !== null;
  const user = text(0);
  return {
    protocol,
    family,
    localAddress: normalizeAddress(ends.local.host, family),
    localPort: ends.local.port,
    remoteAddress: connected ? normalizeAddress(ends.foreign.host, family) : null,
    remotePort: connected ? ends.foreign.port : null,
    ...sockstatState(protocol, connected, ends.tail, stateColumn),
    owners: ownersOf(line, tokens, k),
    ...(/^[0-9]+$/.test(user) ? { uid: Number(user) } : {}),
  };
}

/** The owner from USER … PID (tokens before index `fd`). */
function ownersOf(line: string, tokens: readonly Token[], proto: number): RowOwner[] {
  const pidToken = tokens[proto - 2];
  const first = tokens[1];
  if (!pidToken || !first || UNKNOWN.test(pidToken.text)) return [];
  let command: string | null;
  let pid: number;
  if (/^[0-9]+$/.test(pidToken.text)) {
    pid = Number(pidToken.text);
    const last = tokens[proto - 3];
    command = proto - 2 > 1 && last ? line.slice(first.start, last.end) : null;
  } else {
    // COMMAND glued to PID: the command is at most 10 characters, the pid at most 5 digits.
    const region = line.slice(first.start, pidToken.end);
    const splits: [string, number][] = [];
    for (let digits = 1; digits <= PID_DIGITS; digits++) {
      const name = region.slice(0, -digits);
      const pidText = region.slice(-digits);
      if (name.length >= 1 && name.length <= COMMAND_WIDTH && /^[1-9][0-9]*$/.test(pidText)) {
        splits.push([name, Number(pidText)]);
      }
    }
    const [only] = splits;
    if (splits.length !== 1 || !only) return [];
    [command, pid] = only;
  }
  if (!(pid > 0)) return [];
  return [{ pid, name: command === null || UNKNOWN.test(command) ? null : command }];
}
