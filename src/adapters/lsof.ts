import { CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseLsofFields } from '../parsers/lsof.ts';
import type { SocketRow } from '../types.ts';
import { matchesQuery, toolRunOptions } from './shared.ts';
import type { AdapterContext, SocketQuery, SocketTableAdapter } from './types.ts';

const debug = createLogger('portwarden:adapter:lsof');

/**
 * The argument array `lsof` is run with for `query`: numeric hosts and ports (`-n -P`), no
 * warnings (`-w`), field output with pid, command, uid, type, device (the socket inode on
 * Linux), protocol, name and TCP state (`-FpcutdPnT`), and one `-i PROTO:PORT` per protocol. The
 * `-i` selections are ORed with each other, which is what is wanted here; nothing else is
 * selected, so no `-a` is needed. `-i` matches the local *or* remote port: the adapter filters.
 * With `listenOnly` (macOS, whose lsof prints no TCP state in field output) TCP files are
 * narrowed to listeners with `-sTCP:LISTEN`.
 *
 * @example
 * ```ts
 * lsofArguments({port: 3000, protocol: 'tcp'});
 * // ['-n', '-P', '-w', '-FpcutdPnT', '-i', 'TCP:3000']
 * ```
 */
export function lsofArguments(
  query: SocketQuery,
  options: { listenOnly?: boolean } = {},
): string[] {
  const args = ['-n', '-P', '-w', '-FpcutdPnT'];
  if (query.protocol !== 'udp') args.push('-i', `TCP:${query.port}`);
  if (query.protocol !== 'tcp') args.push('-i', `UDP:${query.port}`);
  if (options.listenOnly && query.protocol !== 'udp') args.push('-sTCP:LISTEN');
  return args;
}

/**
 * Apple's lsof prints no `TST=` state lines in field output, so on macOS TCP rows are selected
 * with `-sTCP:LISTEN` and taken as listeners; elsewhere the state comes from `TST=`.
 */
function listenOnlyOn(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

/**
 * Reads the socket table with `lsof`. lsof lists only the open files of processes it may inspect,
 * so sockets of other users' processes (without privilege) and TIME_WAIT rows (no process) are
 * missing: `listsHiddenSockets` is `false` and its empty answer needs a bind probe to confirm.
 * A socket shared by several processes appears once per process.
 *
 * lsof exits with status 1 both when nothing matched (empty output: no rows) and when only part
 * of the selection matched (output: parsed). Status 1 with empty output but a message on stderr,
 * and any other non-zero status, is a {@link CommandFailedError}.
 *
 * @example
 * ```ts
 * const rows = await lsofAdapter.read({port: 3000, protocol: 'tcp'}, createContext());
 * ```
 */
export const lsofAdapter: SocketTableAdapter = {
  name: 'lsof',
  listsHiddenSockets: false,
  async read(query: SocketQuery, context: AdapterContext): Promise<SocketRow[]> {
    const listenOnly = listenOnlyOn(context.platform);
    const args = lsofArguments(query, { listenOnly });
    const result = await context.run('lsof', args, toolRunOptions(context));
    const stdout = result.stdout.toString('utf8');
    const stderr = result.stderr.toString('utf8');
    if (result.exitCode === 1 && stdout.trim() === '' && stderr.trim() === '') {
      debug('lsof found nothing for port %d', query.port);
      return [];
    }
    if (result.exitCode !== 0 && !(result.exitCode === 1 && stdout.trim() !== '')) {
      throw new CommandFailedError(`lsof ${args.join(' ')}`, result.exitCode, stderr);
    }
    return parseLsofFields(stdout, { listenOnly }).filter((row) => matchesQuery(row, query));
  },
};
