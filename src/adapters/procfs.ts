import { createLogger } from '../log.ts';
import { type SocketOwnerScan, scanSocketOwners } from '../system/fd-scan.ts';
import { procNetReading, readProcNetRows } from '../system/proc-net.ts';
import { TimeSlicer } from '../system/slices.ts';
import type { ToolContext } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';

const debug = createLogger('portwarden:adapter:procfs');

/** The inodes whose owners a query needs: sockets that hold the port (TIME_WAIT rows have 0). */
function wantedInodes(rows: readonly SocketRow[], port: number): Set<number> {
  const wanted = new Set<number>();
  for (const row of rows) {
    if (row.inode && row.localPort === port) wanted.add(row.inode);
  }
  return wanted;
}

/**
 * The `procfs` adapter: Linux's own socket table, no subprocess at all. Rows come from
 * `/proc/net/*`; owners from the `socket:[inode]` links in every `/proc/<pid>/fd`. Both run at
 * the same time and off the event loop: the files are read in the thread pool while the scan
 * (sliced, see `scanSocketOwners`) already reads links; only the lines of the port are parsed. A
 * socket whose owner's fd folder cannot be read (another user's process, no privilege) keeps
 * `owners: []`: hidden, never "free". The /proc root is injectable (`ToolContext.procRoot`).
 *
 * @example
 * ```ts
 * const rows = await procfsAdapter.read({port: 3000, protocol: 'tcp'}, createContext());
 * ```
 */
export const procfsAdapter: SocketTableAdapter = {
  name: 'procfs',
  listsHiddenSockets: true,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    const limits = { signal: tools.signal, deadline: tools.deadline };
    const how = procNetReading(query, tools.procRoot);
    let rows: SocketRow[];
    let scan: SocketOwnerScan;
    if (how === 'sliced') {
      const slicer = new TimeSlicer({ ...limits, what: `read of ${tools.procRoot}/net` });
      rows = await readProcNetRows(query, tools.procRoot, slicer);
      if (query.withoutOwners) return rows;
      scan = await scanSocketOwners(wantedInodes(rows, query.port), tools.procRoot, limits);
    } else {
      const reading = readProcNetRows(query, tools.procRoot);
      if (query.withoutOwners) return reading;
      const scanning = scanSocketOwners(
        reading.then((read) => wantedInodes(read, query.port)),
        tools.procRoot,
        limits,
      );
      [rows, scan] = await Promise.all([reading, scanning]);
    }
    debug(
      'port %d: %d rows (%s), %d processes scanned, %d unreadable',
      query.port,
      rows.length,
      how,
      scan.scanned,
      scan.unreadable,
    );
    return rows.map((row) => {
      const owners = row.inode ? scan.owners.get(row.inode) : undefined;
      return owners ? { ...row, owners } : row;
    });
  },
};
