import type { SocketRow } from '../types.ts';
import type { SocketQuery } from './adapter.ts';

/**
 * Whether a row answers the query: its protocol, and its local port (or its remote port, when
 * the query includes remote rows). Port numbers are compared as numbers, so 80 never matches 8080.
 *
 * @example
 * ```ts
 * rows.filter((row) => matchesQuery(row, {port: 80, protocol: 'tcp'}));
 * ```
 */
export function matchesQuery(row: SocketRow, query: SocketQuery): boolean {
  if (query.protocol !== undefined && row.protocol !== query.protocol) return false;
  return (
    row.localPort === query.port || (query.includeRemote === true && row.remotePort === query.port)
  );
}
