import type { Protocol, SocketRow } from '../types.ts';

/**
 * Whether a row holds the port: a listening TCP socket (or one bound without listening, where a
 * source shows those as `'BOUND'`), or an unconnected UDP socket bound to it.
 *
 * @example
 * ```ts
 * holdsPort(row, 3000, 'tcp'); // true for a LISTEN row on local port 3000
 * ```
 */
export function holdsPort(row: SocketRow, port: number, protocol: Protocol): boolean {
  if (row.protocol !== protocol || row.localPort !== port) return false;
  return row.state === 'BOUND' || (protocol === 'tcp' && row.state === 'LISTEN');
}

/**
 * Whether a row is a socket whose local end is the port without holding it: a TCP connection in
 * any state (TIME_WAIT included) or a connected UDP socket. When nothing holds the port, these
 * are what can still make a bind fail (a socket without SO_REUSEADDR).
 *
 * @example
 * ```ts
 * usesPortLocally(row, 3000, 'tcp'); // true for an ESTABLISHED row whose local port is 3000
 * ```
 */
export function usesPortLocally(row: SocketRow, port: number, protocol: Protocol): boolean {
  return row.protocol === protocol && row.localPort === port && !holdsPort(row, port, protocol);
}
