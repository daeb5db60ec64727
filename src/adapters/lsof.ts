import { CommandFailedError } from '../errors.ts';
import { own } from '../input.ts';
import { createLogger } from '../log.ts';
import { parseLsofFields } from '../parsers/lsof.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { matchesQuery } from './query.ts';

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
 * How an lsof build reports TCP state.
 *
 * @example
 * ```ts
 * const options: LsofAdapterOptions = {listenOnly: true}; // Apple's lsof
 * ```
 */
export interface LsofAdapterOptions {
  /**
   * The lsof prints no `TST=` state lines in field output (Apple's): TCP files are narrowed to
   * listeners with `-sTCP:LISTEN` and taken as listeners. Otherwise the state comes from `TST=`.
   * @default false
   */
  readonly listenOnly?: boolean;
}

/**
 * Builds an adapter that reads the socket table with `lsof`. lsof lists only the open files of
 * processes it may inspect, so sockets of other users' processes (without privilege) and
 * TIME_WAIT rows (no process) are missing: `listsHiddenSockets` is `false` and its empty answer
 * needs a bind probe to confirm. A socket shared by several processes appears once per process.
 *
 * lsof exits with status 1 both when nothing matched (empty output: no rows) and when only part
 * of the selection matched (output: parsed). Status 1 with empty output but a message on stderr,
 * and any other non-zero status, is a {@link CommandFailedError}.
 *
 * @example
 * ```ts
 * const appleLsof = createLsofAdapter({listenOnly: true});
 * const rows = await appleLsof.read({port: 3000, protocol: 'tcp'}, tools);
 * ```
 */
export function createLsofAdapter(options: LsofAdapterOptions = {}): SocketTableAdapter {
  const listenOnly = own(options, 'listenOnly') === true;
  return {
    name: 'lsof',
    listsHiddenSockets: false,
    async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
      const args = lsofArguments(query, { listenOnly });
      const result = await tools.run('lsof', args, toolRunOptions(tools));
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
}

/**
 * The lsof adapter for an lsof that prints TCP states (Linux, the BSDs); see
 * {@link createLsofAdapter}.
 *
 * @example
 * ```ts
 * await lsofAdapter.read({port: 3000, protocol: 'tcp'}, tools);
 * ```
 */
export const lsofAdapter: SocketTableAdapter = createLsofAdapter();
