import { CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseSs } from '../parsers/ss.ts';
import { socketRowEstimate } from '../system/proc-net.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { withProcOwners } from './proc-owners.ts';
import { matchesQuery } from './query.ts';
import { ssArguments } from './ss.ts';

const debug = createLogger('portwarden:adapter:ss+procfs');

/**
 * From how many rows (the estimate from `/proc/net/sockstat`) on starting `ss` costs less than
 * reading `/proc/net/tcp` (~1.5 µs a row in the kernel): measured on a 2-core VM, procfs used less
 * CPU at 2,200 rows, ss+procfs at 5,100 and 8,000.
 */
export const BUSY_TABLE = 4000;

/** stderr of a tool that does not know one of the options it was given. */
const REJECTED_OPTION = /invalid option|unrecognized option|unknown option/i;

/** The port's rows from `ss` without `-p`: the kernel filters them (netlink), no process scan. */
async function readSsRows(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
  let args = ssArguments({ ...query, withoutOwners: true });
  let result = await tools.run('ss', args, toolRunOptions(tools));
  if (result.exitCode !== 0 && REJECTED_OPTION.test(result.stderr.toString('utf8'))) {
    debug('ss rejected an option; retrying without -H');
    args = args.filter((arg) => arg !== '-H');
    result = await tools.run('ss', args, toolRunOptions(tools));
  }
  if (result.exitCode !== 0) {
    throw new CommandFailedError(
      `ss ${args.join(' ')}`,
      result.exitCode,
      result.stderr.toString('utf8'),
    );
  }
  const rows = parseSs(result.stdout.toString('utf8'), { protocol: query.protocol ?? 'tcp' });
  return rows.filter((row) => matchesQuery(row, query));
}

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
    const reading = readSsRows(query, tools);
    return query.withoutOwners ? reading : withProcOwners(reading, query, tools);
  },
};
