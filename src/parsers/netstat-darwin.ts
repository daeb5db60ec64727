/**
 * Parser for the BSD `netstat` socket table: macOS `netstat -anv` in every layout seen since
 * OS X 10.11, with or without `-l`/`-W`/`-A`, the plain `-an` table, and FreeBSD `netstat -an`.
 *
 * The layout is read from the header line, never guessed from the OS version. The five macOS
 * `-v` layouts differ in what follows the `(state)` column:
 *
 * | layout | columns after `(state)` |
 * | --- | --- |
 * | OS X ≈10.11 | `rhiwat shiwat pid epid` |
 * | 10.14 Mojave | `rhiwat shiwat pid epid state options` (hex `0x0102 0x00000008`) |
 * | 14 Sonoma | `rhiwat shiwat pid epid state options gencnt flags flags1 usecnt rtncnt fltrs` |
 * | 15 Sequoia | `rxbytes txbytes rhiwat shiwat pid epid state options ...` |
 * | 26 Tahoe | `rxbytes txbytes rhiwat shiwat process:pid state options ...` |
 *
 * The pid is taken from the column the header names `pid` (or `process:pid`), counted after the
 * state word, which UDP rows leave blank. A row whose token count does not fit the header gets no
 * owner rather than a guessed one: a wrong pid here would kill an unrelated process (older
 * parsers read `rhiwat`, 131072, as the pid after the Sequoia change). Longer than ~250 lines on
 * purpose: the layouts are one format's history and must be read against each other.
 *
 * @module
 */
import { isIP } from 'node:net';
import { UnparseableOutputError } from '../errors.ts';
import type { Family, Protocol, RowOwner, SocketRow, SocketState } from '../types.ts';
import { familyOf, normalizeAddress, splitBsdHostPort } from './address.ts';

/** `tcp4`, `tcp6`, `tcp46`, `udp4`, `udp6`, `udp46`, and bare `tcp`/`udp` (no version flag set). */
const PROTOCOL = /^(tcp|udp)(4|6|46)?$/;
/** A socket row of any protocol (`tcp4`, `udp46`, `icm4`, ...), for telling netstat output from garbage. */
const PROTOCOL_ANYWHERE = /(?:^|\s)(?:tcp|udp|icm|raw|sctp|divert)[0-9]*\s+[0-9]+\s+[0-9]+\s/;
const QUEUE = /^[0-9]+$/;
const DIGITS = /^[0-9]+$/;
const HEADER =
  /^(.*?)\bProto\s+Recv-Q\s+Send-Q\s+(Local Address\s+)Foreign Address\s+\(state\)(.*)$/i;
/** `process:pid` value of the Tahoe layout: the name may contain spaces and colons. */
const PROCESS_PID = /^(.*):([0-9]+)$/;
/**
 * Width of the address columns without `-l`/`-A` (`%-22.22s`). Only the `-A` layout (18) cuts
 * port digits: the host is cut to 16 characters first, so `host.port` fits 22.
 */
const DEFAULT_ADDRESS_WIDTH = 22;
/** Address column width with `-l` (`%-45.45s`): IPv6 hosts are printed up to 39 characters. */
const WIDE_ADDRESS_WIDTH = 45;

/** BSD TCP state names (`tcpstates[]`) → our vocabulary. */
const STATES: Readonly<Record<string, SocketState>> = {
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

/** Where the owner sits in a row, as the header says. */
type OwnerColumn =
  | { readonly kind: 'pid'; readonly index: number }
  | { readonly kind: 'process:pid'; readonly index: number; readonly trailing: number };

/**
 * The column layout one header line describes.
 *
 * @example
 * ```ts
 * const layout: BsdNetstatLayout | undefined = parseBsdNetstatHeader(headerLine);
 * layout?.owner; // {kind: 'pid', index: 4} for Sequoia's `rxbytes txbytes rhiwat shiwat pid ...`
 * ```
 */
export interface BsdNetstatLayout {
  /** Tokens before `Proto` (`Socket Flowhash` with `-A`). */
  readonly prefix: number;
  /** Header words after `(state)`, lower-cased (`rhiwat`, `pid`, `process:pid`, ...). */
  readonly columns: readonly string[];
  /** Where the pid is; `undefined` when the table has no pid (no `-v`, FreeBSD). */
  readonly owner: OwnerColumn | undefined;
  /** Width of the address columns, from the header (18 with `-A`, 22 plain, 45 with `-l`). */
  readonly addressWidth: number;
}

const DEFAULT_LAYOUT: BsdNetstatLayout = {
  prefix: 0,
  columns: [],
  owner: undefined,
  addressWidth: DEFAULT_ADDRESS_WIDTH,
};

/**
 * Reads the column layout from a BSD netstat header line, or `undefined` when the line is not the
 * Internet-socket header.
 *
 * @example
 * ```ts
 * parseBsdNetstatHeader(
 *   'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)     rhiwat shiwat    pid   epid',
 * );
 * // {prefix: 0, columns: ['rhiwat', 'shiwat', 'pid', 'epid'], owner: {kind: 'pid', index: 2}, addressWidth: 22}
 * ```
 */
export function parseBsdNetstatHeader(line: string): BsdNetstatLayout | undefined {
  const match = HEADER.exec(line.trimEnd());
  if (!match) return undefined;
  const before = (match[1] ?? '').trim();
  const prefix = before === '' ? 0 : before.split(/\s+/).length;
  const addressWidth = (match[2] ?? '').length - 1;
  const columns = (match[3] ?? '')
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
  let owner: OwnerColumn | undefined;
  const processIndex = columns.indexOf('process:pid');
  const pidIndex = columns.indexOf('pid');
  if (processIndex >= 0) {
    owner = {
      kind: 'process:pid',
      index: processIndex,
      trailing: columns.length - processIndex - 1,
    };
  } else if (pidIndex >= 0) {
    owner = { kind: 'pid', index: pidIndex };
  }
  return { prefix, columns, owner, addressWidth };
}

/**
 * Parses BSD `netstat` output (macOS `netstat -anv`/`-anvl`/`-an`/`-An`, FreeBSD `netstat -an`)
 * into socket rows.
 *
 * - Only the `Active Internet connections` table is read; parsing stops at any other `Active `
 *   section (UNIX domain, kernel event/control, Multipath). Rows before any header are read with
 *   no pid.
 * - Protocols `tcp4`/`tcp6`/`tcp46`/`udp4`/`udp6`/`udp46`; `46` is a dual-stack socket, reported
 *   as `IPv6` with `*` as `'::'`. Other protocols (`icm4`, `sctp`) are skipped.
 * - Addresses are `host.port` (`*.443`, `::1.5432`, `fe80::1%lo0.123`); `*.*` is "none" (`null`).
 *   A local address whose port digits may have been cut (the 18-character columns of `-A`
 *   without `-l`) or that has no numeric port (`*.*`, a service name) drops the row; a foreign
 *   address cut that way becomes `null`. Without `-l`, IPv6 hosts are cut to 16 characters by
 *   netstat itself: the port stays exact, the address is kept as printed.
 * - TCP states map to our names (`SYN_RCVD` → `SYN_RECV`, `FIN_WAIT_2` → `FIN_WAIT2`, ...); UDP
 *   rows (no state) are `BOUND`, or `ESTABLISHED` when connected.
 * - Owners come from the `pid` / `process:pid` column named by the header (digits after the last
 *   `:` for `process:pid`); pid 0 or a row that does not fit the header gives `owners: []`.
 *
 * Empty text gives `[]`; text in which no line looks like BSD netstat output (no `Active ` line,
 * header or socket row) throws {@link UnparseableOutputError}.
 *
 * @example
 * ```ts
 * const rows = parseNetstatDarwin(
 *   'Active Internet connections (including servers)\n' +
 *     'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)     rhiwat shiwat    pid   epid\n' +
 *     'tcp46      0      0  *.443                  *.*                    LISTEN      131072 131072  61044      0\n',
 * );
 * // [{protocol: 'tcp', family: 'IPv6', localAddress: '::', localPort: 443, remoteAddress: null,
 * //   remotePort: null, state: 'LISTEN', owners: [{pid: 61044}]}]
 * ```
 */
export function parseNetstatDarwin(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  let layout: BsdNetstatLayout = DEFAULT_LAYOUT;
  let inInternetSection = true;
  let recognised = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('Active ')) {
      inInternetSection = /^Active Internet6? connections\b/.test(line);
      layout = DEFAULT_LAYOUT;
      recognised = true;
      continue;
    }
    const header = parseBsdNetstatHeader(line);
    if (header) {
      layout = header;
      inInternetSection = true;
      recognised = true;
      continue;
    }
    if (!inInternetSection) continue;
    if (PROTOCOL_ANYWHERE.test(line)) recognised = true;
    const row = parseRow(line, layout);
    if (row) rows.push(row);
  }
  if (!recognised && text.trim() !== '') {
    throw new UnparseableOutputError('netstat', 'no line looks like BSD netstat socket output');
  }
  return rows;
}

/** An address as printed: usable, cut by the column width, or not an address at all. */
type Endpoint = { readonly host: string; readonly port: number | null } | 'cut' | undefined;

function parseEndpoint(text: string, width: number): Endpoint {
  if (text === '*.*') return { host: '*', port: null };
  const split = splitBsdHostPort(text);
  if (!split) return undefined;
  // `%-18.18s` (-A without -l) cuts `host.port` at 18 characters, port digits included.
  if (width < DEFAULT_ADDRESS_WIDTH && text.length >= width) return 'cut';
  if (split.port !== null && !isPlausibleHost(split.address, width)) return 'cut';
  return { host: split.address, port: split.port };
}

/** `*`, an IP address (zone allowed), or a host name (output without `-n`). */
function isPlausibleHost(host: string, width: number): boolean {
  if (host === '*') return true;
  const bare = host.split('%')[0] ?? '';
  if (isIP(bare) !== 0) return true;
  if (bare.includes(':')) {
    // netstat cuts IPv6 hosts at 16 characters (39 with -l) and still prints the whole port:
    // such a host is kept as printed. A shorter one that is no address is garbage.
    const limit = width >= WIDE_ADDRESS_WIDTH ? 39 : 16;
    return host.length >= limit;
  }
  // A host name (output without -n); digits and dots alone would be a broken IPv4 address.
  return /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host) && !/^[0-9.]+$/.test(host);
}

function familyFor(version: string | undefined, host: string): Family {
  if (version === '4') return 'IPv4';
  if (version === '6' || version === '46') return 'IPv6';
  return familyOf(host, 'IPv4');
}

function parseRow(line: string, layout: BsdNetstatLayout): SocketRow | undefined {
  const tokens = line.trim().split(/\s+/).slice(layout.prefix);
  const match = PROTOCOL.exec(tokens[0] ?? '');
  if (!match || tokens.length < 5) return undefined;
  if (!QUEUE.test(tokens[1] ?? '') || !QUEUE.test(tokens[2] ?? '')) return undefined;
  const protocol = match[1] as Protocol;
  const local = parseEndpoint(tokens[3] ?? '', layout.addressWidth);
  if (local === undefined || local === 'cut' || local.port === null) return undefined;
  const remote = parseEndpoint(tokens[4] ?? '', layout.addressWidth);
  const family = familyFor(match[2], local.host);
  const connected = typeof remote === 'object' && remote.port !== null;
  const remoteAddress = connected ? normalizeAddress(remote.host, family) : null;
  const remotePort = connected ? remote.port : null;

  let state: SocketState;
  let rawState: string | undefined;
  let values: string[];
  if (protocol === 'tcp') {
    const word = tokens[5];
    values = tokens.slice(6);
    if (word === undefined) {
      state = 'UNKNOWN';
    } else {
      state = STATES[word] ?? 'UNKNOWN';
      if (state !== word) rawState = word;
    }
  } else {
    // UDP rows print the state column blank: the next token is already the first value.
    values = tokens.slice(5);
    state =
      remote !== undefined && remote !== 'cut' && remote.port === null ? 'BOUND' : 'ESTABLISHED';
  }

  return {
    protocol,
    family,
    localAddress: normalizeAddress(local.host, family),
    localPort: local.port,
    remoteAddress,
    remotePort,
    state,
    ...(rawState === undefined ? {} : { rawState }),
    owners: ownersOf(values, layout),
  };
}

/** Reads the owner from the values after the state column, only where the header places it. */
function ownersOf(values: readonly string[], layout: BsdNetstatLayout): RowOwner[] {
  const owner = layout.owner;
  if (owner === undefined) return [];
  // Every column before the owner is a number (rxbytes, txbytes, rhiwat, shiwat): a row where
  // one is not does not line up with its header.
  for (let index = 0; index < owner.index; index++) {
    if (!DIGITS.test(values[index] ?? '')) return [];
  }
  if (owner.kind === 'pid') {
    if (values.length > layout.columns.length) return [];
    const text = values[owner.index];
    if (text === undefined || !DIGITS.test(text)) return [];
    const pid = Number(text);
    return pid > 0 ? [{ pid }] : [];
  }
  if (values.length < layout.columns.length) return [];
  const text = values.slice(owner.index, values.length - owner.trailing).join(' ');
  const match = PROCESS_PID.exec(text);
  if (!match) return [];
  const pid = Number(match[2]);
  if (!(pid > 0)) return [];
  const name = (match[1] ?? '').trim();
  return [{ pid, name: name === '' ? null : name }];
}
