import { socketRowEstimate } from '../system/proc-net.ts';
import type { ToolContext } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { withProcOwners } from './proc-owners.ts';
import { readSsRows } from './ss.ts';

/**
 * From how many rows (the estimate from `/proc/net/sockstat`) on starting `ss` costs less than
 * reading `/proc/net/tcp` (~1.5 µs a row in the kernel): measured on a 2-core VM, procfs used less
 * CPU at 2,200 rows, ss+procfs at 5,100 and 8,000.
 */
export const BUSY_TABLE = 4000;

/**
 * The adapter for a busy Linux machine (from {@link BUSY_TABLE} sockets on): iproute2
 * `ss` without `-p` lists the port's sockets — the kernel applies the port filter, so the cost
 * does not grow with the connections of other ports as reading `/proc/net/tcp` does — while the
 * owners are found from the sockets' inodes in every `/proc/<pid>/fd` at the same time (the
 * sliced scan of the procfs adapter, never the names `ss` prints). So the answer is the procfs
 * adapter's, the table read by a process on another core. Not `preferred` (passed over) for a
 * table of ordinary size, where reading `/proc/net` costs less than starting `ss`.
 *
 * @example
 * ```ts
 * const rows = await ssProcfsAdapter.read({port: 3000, protocol: 'tcp'}, createContext());
 * ```
 */
export const ssProcfsAdapter: SocketTableAdapter = {
  name: 'ss+procfs',
  listsHiddenSockets: true,
  preferred: (query, tools) =>
    (socketRowEstimate(query.protocol, tools.procRoot) ?? 0) >= BUSY_TABLE,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    const reading = readSsRows({ ...query, withoutOwners: true }, tools);
    return query.withoutOwners ? reading : withProcOwners(reading, query, tools);
  },
};
