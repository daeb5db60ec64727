/**
 * The columns FreeBSD `sockstat` prints after PROTO: LOCAL ADDRESS, FOREIGN ADDRESS and, with
 * `-s`, the connection state — split even where an old sockstat glued them together. Part of
 * the sockstat parser (sockstat.ts); pure functions, no I/O.
 *
 * @module
 */
import { isIP } from 'node:net';
import type { Protocol, SocketState } from '../types.ts';

/** FreeBSD `tcpstates[]` (netinet/tcp_fsm.h) → our vocabulary. */
const TCP_STATES: Readonly<Record<string, SocketState>> = {
  CLOSED: 'CLOSE',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN_SENT',
  SYN_RCVD: 'SYN_RECV',
  ESTABLISHED: 'ESTABLISHED',
  CLOSE_WAIT: 'CLOSE_WAIT',
  FIN_WAIT_1: 'FIN_WAIT1',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST_ACK',
  FIN_WAIT_2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
};
const STATE_NAMES = Object.keys(TCP_STATES).join('|');
/** A state word glued to the foreign address before it (`1.2.3.4:80TIME_WAIT`). */
const GLUED_STATE = new RegExp(`^(.*[0-9*])(${STATE_NAMES})$`);
/** A state column anywhere in the text (with `-q` there is no `CONN STATE` header to say so). */
const STATE_COLUMN = new RegExp(`CONN STATE|[0-9*\\s](?:${STATE_NAMES})(?:\\s|$)`, 'm');
/** What sockstat prints where it cannot tell: `?` (FreeBSD ≤ 14) or `??` (15). */
const UNKNOWN = /^\?{1,2}$/;

const isStateWord = (value: string) => Object.hasOwn(TCP_STATES, value);

/** An address column: `host` as printed (brackets removed, `*` kept); port `null` for `*`. */
interface SockstatEndpoint {
  readonly host: string;
  readonly port: number | null;
}

/**
 * The columns after PROTO.
 *
 * @example
 * ```ts
 * // '127.0.0.1:3000  *:*  LISTEN'
 * const columns: SockstatColumns = {
 *   local: {host: '127.0.0.1', port: 3000},
 *   foreign: {host: '*', port: null},
 *   tail: ['LISTEN'],
 * };
 * ```
 */
export interface SockstatColumns {
  readonly local: SockstatEndpoint;
  readonly foreign: SockstatEndpoint;
  /** What follows the addresses (`LISTEN`, `??`, ...). */
  readonly tail: readonly string[];
}

/**
 * Whether the output has a state column (`-s`): a `CONN STATE` header, or, without a header
 * (`-q`), a TCP state word after an address.
 *
 * @example
 * ```ts
 * hasStateColumn('root sshd 818 8 tcp4 *:22 *:* LISTEN'); // true
 * ```
 */
export function hasStateColumn(text: string): boolean {
  return STATE_COLUMN.test(text);
}

/**
 * Splits the tokens after PROTO into the two addresses and the rest. Handles what old sockstat
 * prints when a value overruns its column: LOCAL glued to FOREIGN (`1.2.3.4:90001.2.3.5:4986`:
 * the one split into two valid endpoints is taken, or, among several, the one with `port` at an
 * end) and FOREIGN glued to the state (`1.2.3.4:80TIME_WAIT`). `undefined` when the addresses
 * cannot be read (or a glued pair cannot be split in exactly one way).
 *
 * @example
 * ```ts
 * readAddressColumns(['192.168.123.5:9000192.168.123.21:49866']);
 * // {local: {host: '192.168.123.5', port: 9000},
 * //  foreign: {host: '192.168.123.21', port: 49866}, tail: []}
 * ```
 */
export function readAddressColumns(
  tokens: readonly string[],
  port?: number,
): SockstatColumns | undefined {
  let count = 0;
  while (
    count < tokens.length &&
    !isStateWord(tokens[count] ?? '') &&
    !UNKNOWN.test(tokens[count] ?? '')
  ) {
    count++;
  }
  const addresses = tokens.slice(0, count);
  let tail = tokens.slice(count);
  const last = addresses[count - 1];
  if (last === undefined) return undefined;
  const glued = parseEndpoint(last) ? null : GLUED_STATE.exec(last);
  if (glued?.[1] && glued[2]) {
    addresses[count - 1] = glued[1];
    tail = [glued[2], ...tail];
  }
  const [first, second] = addresses;
  if (first === undefined) return undefined;
  if (second !== undefined) {
    const local = parseEndpoint(first);
    const foreign = parseEndpoint(second);
    return local && foreign
      ? { local, foreign, tail: [...addresses.slice(2), ...tail] }
      : undefined;
  }
  const pair = splitGluedPair(first, port);
  return pair ? { ...pair, tail } : undefined;
}

/** `A:PB:Q` → the one split into two valid endpoints (or the one with `port` at an end). */
function splitGluedPair(
  text: string,
  port: number | undefined,
): { local: SockstatEndpoint; foreign: SockstatEndpoint } | undefined {
  const candidates: { local: SockstatEndpoint; foreign: SockstatEndpoint }[] = [];
  for (let at = 1; at < text.length; at++) {
    const local = parseEndpoint(text.slice(0, at));
    const foreign = local && parseEndpoint(text.slice(at));
    if (local && foreign) candidates.push({ local, foreign });
  }
  if (candidates.length === 1) return candidates[0];
  const withPort = candidates.filter((c) => c.local.port === port || c.foreign.port === port);
  return port !== undefined && withPort.length === 1 ? withPort[0] : undefined;
}

/**
 * One address column: `*:22`, `*:*`, `127.0.0.1:25`, `::1:123` (FreeBSD ≤ 13), `[::1]:123`
 * (14+), `fe80::1%lo0:123`. The host must be `*` or an IP address (zone ignored), the port 1–65535
 * without leading zeros or `*`; anything else (a cut or glued column) is `undefined`.
 *
 * @example
 * ```ts
 * parseEndpoint('[fe80::1%lo0]:123'); // {host: 'fe80::1%lo0', port: 123}
 * ```
 */
function parseEndpoint(text: string): SockstatEndpoint | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') || host.endsWith(']')) {
    if (!host.startsWith('[') || !host.endsWith(']')) return undefined;
    host = host.slice(1, -1);
  }
  if (host !== '*' && isIP(host.split('%')[0] ?? '') === 0) return undefined;
  if (portText === '*') return { host, port: null };
  if (!/^[1-9][0-9]{0,4}$/.test(portText) || Number(portText) > 65535) return undefined;
  return { host, port: Number(portText) };
}

/**
 * The state of a row. TCP: the state word in `tail` mapped to our names (`SYN_RCVD` →
 * `SYN_RECV`, `FIN_WAIT_1` → `FIN_WAIT1`, `CLOSED` → `CLOSE`, the printed word kept as
 * `rawState`); with no state column in the output, a socket without a peer is `LISTEN` (sockstat
 * lists such a socket only when it listens or is bound, and without `-s` the two look the same)
 * and one with a peer `UNKNOWN`. UDP: `BOUND`, or `ESTABLISHED` when connected.
 *
 * @example
 * ```ts
 * sockstatState('tcp', true, ['SYN_RCVD'], true); // {state: 'SYN_RECV', rawState: 'SYN_RCVD'}
 * ```
 */
export function sockstatState(
  protocol: Protocol,
  connected: boolean,
  tail: readonly string[],
  stateColumn: boolean,
): { state: SocketState; rawState?: string } {
  if (protocol === 'udp') return { state: connected ? 'ESTABLISHED' : 'BOUND' };
  const word = tail.find(isStateWord);
  const state = word === undefined ? undefined : TCP_STATES[word];
  if (word !== undefined && state !== undefined) {
    return state === word ? { state } : { state, rawState: word };
  }
  if (!stateColumn && !connected) return { state: 'LISTEN' };
  return tail[0] === undefined ? { state: 'UNKNOWN' } : { state: 'UNKNOWN', rawState: tail[0] };
}
