import { UnparseableOutputError } from '../errors.ts';
import type { Family, Protocol, SocketRow, SocketState } from '../types.ts';

/** Kernel TCP state numbers (include/net/tcp_states.h) as /proc/net/tcp prints them in hex. */
const TCP_STATES: Readonly<Record<number, SocketState>> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'SYN_RECV', // TCP_NEW_SYN_RECV
};

/** Which /proc/net file is being parsed. */
export interface ProcNetSource {
  readonly protocol: Protocol;
  readonly family: Family;
  /** Byte order of the machine that wrote the file; `'LE'` on x86 and arm64. */
  readonly endianness?: 'LE' | 'BE';
  /** Keep only rows whose local port is this one (fast pre-filter on the hex text). */
  readonly port?: number;
  /** With `port`: also keep rows whose remote port is `port`. */
  readonly includeRemote?: boolean;
}

/**
 * Parses `/proc/net/{tcp,tcp6,udp,udp6}`: hex `ADDR:PORT` (IPv4 as one host-order word, IPv6
 * as four host-order words), hex state, uid (field 7) and inode (field 9). Rows have no owners
 * yet: the procfs adapter finds them from the inode. Unconnected UDP (state 07) becomes
 * `'BOUND'`, connected UDP `'ESTABLISHED'`.
 *
 * @example
 * ```ts
 * parseProcNet(readFileSync('/proc/net/tcp', 'latin1'), {protocol: 'tcp', family: 'IPv4'});
 * // [{protocol: 'tcp', family: 'IPv4', localAddress: '127.0.0.1', localPort: 631,
 * //   state: 'LISTEN', uid: 0, inode: 23145, owners: [], ...}, ...]
 * ```
 */
export function parseProcNet(text: string, source: ProcNetSource): SocketRow[] {
  const headerEnd = text.indexOf('\n');
  const header = headerEnd === -1 ? text : text.slice(0, headerEnd);
  if (!/^\s*sl\s+local_address\s+rem(?:ote)?_address\s+st\b/.test(header)) {
    throw new UnparseableOutputError(
      'procfs',
      'missing the "sl local_address rem_address st" header',
    );
  }
  const endianness = source.endianness ?? 'LE';
  const rows: SocketRow[] = [];
  const keep = (line: string) => {
    if (line.trim() === '') return;
    const row = parseLine(line, source, endianness);
    if (
      row &&
      (source.port === undefined ||
        row.localPort === source.port ||
        (source.includeRemote && row.remotePort === source.port))
    ) {
      rows.push(row);
    }
  };
  if (headerEnd === -1) return rows;
  if (source.port === undefined) {
    for (const line of text.slice(headerEnd + 1).split('\n')) keep(line);
    return rows;
  }
  // Only the lines that contain the port in hex (`:1F90 `) are split and parsed: with thousands
  // of connections on other ports, the rest of the text is never cut into lines.
  const needle = `:${source.port.toString(16).toUpperCase().padStart(4, '0')} `;
  let at = text.indexOf(needle, headerEnd);
  while (at !== -1) {
    const start = text.lastIndexOf('\n', at) + 1;
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    keep(text.slice(start, end));
    at = text.indexOf(needle, end);
  }
  return rows;
}

function parseLine(
  line: string,
  source: ProcNetSource,
  endianness: 'LE' | 'BE',
): SocketRow | undefined {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 10) {
    throw new UnparseableOutputError(
      'procfs',
      `row has ${fields.length} fields: ${line.slice(0, 80)}`,
    );
  }
  const local = parseHexEndpoint(fields[1] as string, source.family, endianness);
  const remote = parseHexEndpoint(fields[2] as string, source.family, endianness);
  const stateNumber = Number.parseInt(fields[3] as string, 16);
  const uid = Number(fields[7]);
  const inode = Number(fields[9]);
  if (
    !local ||
    !remote ||
    Number.isNaN(stateNumber) ||
    !Number.isInteger(uid) ||
    !Number.isInteger(inode)
  ) {
    throw new UnparseableOutputError('procfs', `unexpected row: ${line.slice(0, 80)}`);
  }
  let state: SocketState = TCP_STATES[stateNumber] ?? 'UNKNOWN';
  if (source.protocol === 'udp') state = stateNumber === 1 ? 'ESTABLISHED' : 'BOUND';
  const unconnected =
    remote.port === 0 && (remote.address === '0.0.0.0' || remote.address === '::');
  return {
    protocol: source.protocol,
    family: source.family,
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: unconnected ? null : remote.address,
    remotePort: unconnected ? null : remote.port,
    state,
    ...(state === 'UNKNOWN' ? { rawState: fields[3] as string } : {}),
    owners: [],
    uid,
    inode,
  };
}

/**
 * Decodes one hex endpoint of /proc/net/tcp{,6}: `0100007F:1F90` → 127.0.0.1:8080 on a
 * little-endian machine.
 *
 * @example
 * ```ts
 * parseHexEndpoint('0100007F:1F90', 'IPv4', 'LE'); // {address: '127.0.0.1', port: 8080}
 * ```
 */
export function parseHexEndpoint(
  text: string,
  family: Family,
  endianness: 'LE' | 'BE' = 'LE',
): { address: string; port: number } | undefined {
  const [hexAddress, hexPort] = text.split(':');
  if (!hexAddress || !hexPort || !/^[0-9A-Fa-f]+$/.test(hexAddress + hexPort)) return undefined;
  const port = Number.parseInt(hexPort, 16);
  const expected = family === 'IPv4' ? 8 : 32;
  if (hexAddress.length !== expected) return undefined;
  const bytes: number[] = [];
  for (let word = 0; word < expected; word += 8) {
    const wordBytes = [0, 2, 4, 6].map((offset) =>
      Number.parseInt(hexAddress.slice(word + offset, word + offset + 2), 16),
    );
    // The kernel prints each 32-bit word as a host-order integer.
    bytes.push(...(endianness === 'LE' ? wordBytes.reverse() : wordBytes));
  }
  return { address: family === 'IPv4' ? bytes.join('.') : formatIPv6(bytes), port };
}

/**
 * Formats 16 bytes as a compressed IPv6 address (RFC 5952), IPv4-mapped as `::ffff:a.b.c.d`.
 *
 * @example
 * ```ts
 * formatIPv6([0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,1]); // '::1'
 * ```
 */
export function formatIPv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let index = 0; index < 16; index += 2) {
    groups.push(((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0));
  }
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12, 16).join('.')}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength && end - start > 1) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
