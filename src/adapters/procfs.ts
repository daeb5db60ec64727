import { procNetReading, readProcNetRows } from '../system/proc-net.ts';
import { TimeSlicer } from '../system/slices.ts';
import type { ToolContext } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { withProcOwners } from './proc-owners.ts';

/**
 * The `procfs` adapter: Linux's own socket table, no subprocess at all. Rows come from
 * `/proc/net/*` (only the lines of the port are parsed); owners from the `socket:[inode]` links in
 * every `/proc/<pid>/fd` (a sliced scan, see `withProcOwners`). For a table of ordinary size the
 * files are read in the thread pool while the scan already runs; a big one (thousands of rows)
 * is read first, on the main thread in slices. Nothing blocks the event loop for more than a few
 * milliseconds. A socket whose owner's fd folder cannot be read (another user's process, no
 * privilege) keeps `owners: []`: hidden, never "free". The /proc root is injectable
 * (`ToolContext.procRoot`).
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
    let reading: SocketRow[] | Promise<SocketRow[]>;
    if (procNetReading(query, tools.procRoot) === 'sliced') {
      const slicer = new TimeSlicer({
        signal: tools.signal,
        deadline: tools.deadline,
        what: `read of ${tools.procRoot}/net`,
      });
      // Read first: the scan would otherwise share the main thread with the reads.
      reading = await readProcNetRows(query, tools.procRoot, slicer);
    } else {
      reading = readProcNetRows(query, tools.procRoot);
    }
    return query.withoutOwners ? reading : withProcOwners(reading, query, tools);
  },
};
