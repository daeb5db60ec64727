import { createLogger } from '../log.ts';
import { scanSocketOwners } from '../system/fd-scan.ts';
import type { ToolContext } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery } from './adapter.ts';

const debug = createLogger('portwarden:adapter:owners');

/** The inodes whose owners a query needs: sockets that hold the port (TIME_WAIT rows have 0). */
function wantedInodes(rows: readonly SocketRow[], port: number): Set<number> {
  const wanted = new Set<number>();
  for (const row of rows) {
    if (row.inode && row.localPort === port) wanted.add(row.inode);
  }
  return wanted;
}

/**
 * Gives rows their owners from `/proc/<pid>/fd` (every process that has the socket's inode open,
 * forked children included; see `scanSocketOwners`). The rows may still be being read (a
 * promise): the scan starts at once and learns which inodes it wants when they arrive; rows
 * already read with no socket holding the port need no scan at all. Rows whose owner cannot be
 * seen keep `owners: []`. The scan honours the call's abort signal and deadline.
 *
 * @example
 * ```ts
 * const rows = await withProcOwners(readProcNetRows(query, tools.procRoot), query, tools);
 * ```
 */
export async function withProcOwners(
  reading: readonly SocketRow[] | Promise<readonly SocketRow[]>,
  query: SocketQuery,
  tools: ToolContext,
): Promise<SocketRow[]> {
  const scanning = scanSocketOwners(
    reading instanceof Promise
      ? reading.then((rows) => wantedInodes(rows, query.port))
      : wantedInodes(reading, query.port),
    tools.procRoot,
    { signal: tools.signal, deadline: tools.deadline },
  );
  const [rows, scan] = await Promise.all([reading, scanning]);
  debug(
    'port %d: %d rows, %d processes scanned (%d by number, %d listed aside), %d unreadable',
    query.port,
    rows.length,
    scan.scanned,
    scan.byNumber,
    scan.listedAside,
    scan.unreadable,
  );
  return rows.map((row) => {
    const owners = row.inode ? scan.owners.get(row.inode) : undefined;
    return owners ? { ...row, owners } : row;
  });
}
