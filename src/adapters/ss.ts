import { CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseSs } from '../parsers/ss.ts';
import { verifyOwnersFromProc } from '../system/procfs.ts';
import type { CommandResult } from '../system/runner.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { matchesQuery } from './query.ts';

const debug = createLogger('portwarden:adapter:ss');

/** stderr of a tool that does not know one of the options it was given. */
const REJECTED_OPTION = /invalid option|unrecognized option|unknown option/i;

/**
 * The argument array `ss` is run with for `query` (never a shell string): all sockets (`-a`),
 * numeric (`-n`), no header (`-H`), owners (`-p`, left out when `query.withoutOwners`), uid and
 * inode (`-e`), the protocol(s), then a filter on the port as separate arguments
 * (`sport = :PORT`, or `sport = :PORT or dport = :PORT` with `includeRemote`).
 *
 * @example
 * ```ts
 * ssArguments({port: 3000, protocol: 'tcp'});
 * // ['-H', '-a', '-n', '-e', '-p', '-t', 'sport', '=', ':3000']
 * ```
 */
export function ssArguments(query: SocketQuery): string[] {
  const args = ['-H', '-a', '-n', '-e'];
  if (!query.withoutOwners) args.push('-p');
  if (query.protocol !== 'udp') args.push('-t');
  if (query.protocol !== 'tcp') args.push('-u');
  args.push('sport', '=', `:${query.port}`);
  if (query.includeRemote) args.push('or', 'dport', '=', `:${query.port}`);
  return args;
}

/**
 * Runs `ss` for `query` (with {@link ssArguments}) and parses its rows of the port, owners as ss
 * claims them (unverified). An `ss` too old for `-H` is run again without it; a non-zero exit is a
 * {@link CommandFailedError}.
 *
 * @example
 * ```ts
 * const rows = await readSsRows({port: 3000, protocol: 'tcp', withoutOwners: true}, tools);
 * ```
 */
export async function readSsRows(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
  let args = ssArguments(query);
  let result = await tools.run('ss', args, toolRunOptions(tools));
  if (result.exitCode !== 0 && REJECTED_OPTION.test(result.stderr.toString('utf8'))) {
    debug('ss rejected an option (%s); retrying without -H', firstLine(result));
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
 * Reads the socket table with iproute2 `ss`. Lists sockets whose owner it cannot see (another
 * user's process without privilege, a process in another namespace) with `owners: []`, and
 * TIME_WAIT rows, so its empty answer means "nothing there".
 *
 * Owners come from the socket inode, not from the names ss prints: every `pid=` claim is checked
 * against `/proc/<pid>/fd` (see `verifyOwnersFromProc`), so no process name can hide or forge an
 * owner.
 *
 * An `ss` too old for `-H` (iproute2 before 4.x) is run again without it (the parser skips the
 * header). A non-zero exit is a {@link CommandFailedError}; output with content the parser does
 * not recognise is an `UnparseableOutputError`; a missing `ss` is a `CommandNotFoundError`.
 *
 * @example
 * ```ts
 * const rows = await ssAdapter.read({port: 3000}, createContext());
 * rows.filter((row) => row.state === 'LISTEN').flatMap((row) => row.owners.map((o) => o.pid));
 * ```
 */
export const ssAdapter: SocketTableAdapter = {
  name: 'ss',
  listsHiddenSockets: true,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    const matching = await readSsRows(query, tools);
    return query.withoutOwners ? matching : verifyOwnersFromProc(matching, tools.procRoot);
  },
};

function firstLine(result: CommandResult): string {
  return result.stderr.toString('utf8').trim().split('\n')[0] ?? '';
}
