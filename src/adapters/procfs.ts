import { createLogger } from '../log.ts';
import { readProcNetRows, scanSocketOwners } from '../system/procfs.ts';
import type { ToolContext } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';

const debug = createLogger('portwarden:adapter:procfs');

/**
 * The `procfs` adapter: Linux's own socket table, no subprocess at all. Rows come from
 * `/proc/net/*`; owners from the `socket:[inode]` links in every `/proc/<pid>/fd`. A socket whose
 * owner's fd folder cannot be read (another user's process, no privilege) keeps `owners: []`:
 * hidden, never "free". The /proc root is injectable (`AdapterContext.procRoot`).
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
    const rows = readProcNetRows(query, tools.procRoot);
    if (query.withoutOwners) return rows;
    // Only sockets that hold the port need owners; TIME_WAIT rows have inode 0.
    const wanted = new Set<number>();
    for (const row of rows) {
      if (row.inode && row.localPort === query.port) wanted.add(row.inode);
    }
    const scan = scanSocketOwners(wanted, tools.procRoot);
    debug(
      'port %d: %d rows, %d inodes, %d processes scanned, %d unreadable',
      query.port,
      rows.length,
      wanted.size,
      scan.scanned,
      scan.unreadable,
    );
    return rows.map((row) => {
      const owners = row.inode ? scan.owners.get(row.inode) : undefined;
      return owners ? { ...row, owners } : row;
    });
  },
};
