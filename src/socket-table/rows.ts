import type { Protocol, SocketRow } from '../types.ts';

/**
 * Whether a row holds the port: a listening TCP socket, or any UDP socket bound to it.
 *
 * @example
 * ```ts
 * holdsPort(row, 3000, 'tcp'); // true for a LISTEN row on local port 3000
 * ```
 */
export function holdsPort(row: SocketRow, port: number, protocol: Protocol): boolean {
  if (row.protocol !== protocol || row.localPort !== port) return false;
  return protocol === 'udp' || row.state === 'LISTEN';
}
