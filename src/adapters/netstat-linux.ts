import { CommandFailedError, CommandNotFoundError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseNetstatLinux } from '../parsers/netstat-linux.ts';
import { completeOwnersFromProc } from '../system/procfs.ts';
import type { CommandResult } from '../system/runner.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { matchesQuery } from './query.ts';

const debug = createLogger('portwarden:adapter:netstat');

/** net-tools translates its state words: run it untranslated. */
const C_LOCALE = { LC_ALL: 'C', LANG: 'C' };

/** stderr of a tool that does not know one of the options it was given. */
const REJECTED_OPTION = /invalid option|unrecognized option|unknown option/i;

/**
 * The argument array net-tools `netstat` is run with for `query`: all sockets, numeric, `-e`
 * (User and Inode), `-p` (owners; left out when `query.withoutOwners`), the protocol(s), and
 * `-W` so long IPv6 addresses are not cut (an old net-tools without `-W` is retried without it).
 *
 * @example
 * ```ts
 * netstatArguments({port: 22});
 * // ['-a', '-n', '-e', '-p', '-t', '-u', '-W']
 * ```
 */
export function netstatArguments(query: SocketQuery): string[] {
  return ['-a', '-n', '-e', ...ownerFlag(query), ...protocolFlags(query), '-W'];
}

/**
 * The argument array for BusyBox's netstat applet (`busybox netstat -a -n -t -u -p`). BusyBox has
 * no `-e`/`-W` worth asking for; a BusyBox built without `-p` support is retried without it.
 *
 * @example
 * ```ts
 * busyboxNetstatArguments({port: 22, protocol: 'tcp'}); // ['netstat', '-a', '-n', '-t', '-p']
 * ```
 */
export function busyboxNetstatArguments(query: SocketQuery): string[] {
  return ['netstat', '-a', '-n', ...protocolFlags(query), ...ownerFlag(query)];
}

/**
 * Reads the socket table with Linux `netstat`: net-tools first, and BusyBox's applet
 * (`busybox netstat`) when there is no `netstat` on PATH (Alpine, small containers); when
 * `busybox` is missing too, or has no netstat applet, the original `CommandNotFoundError` is
 * thrown. Tools run with `LC_ALL=C`, since net-tools translates its state words.
 *
 * It lists sockets whose owner it cannot see (`-` in the PID column) and TIME_WAIT rows, so its
 * empty answer means "nothing there". Limits: net-tools names one process per socket even when
 * several share it, so the others are completed from `/proc/<pid>/fd` by the socket's inode; a BusyBox
 * built without `-p` support (Debian's) shows no owners at all (`owners: []`).
 *
 * @example
 * ```ts
 * const rows = await netstatLinuxAdapter.read({port: 22, protocol: 'tcp'}, createContext());
 * ```
 */
export const netstatLinuxAdapter: SocketTableAdapter = {
  name: 'netstat',
  listsHiddenSockets: true,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    let text: string;
    try {
      text = await runNetTools(query, tools);
    } catch (error) {
      if (!(error instanceof CommandNotFoundError)) throw error;
      debug('netstat not found; trying busybox netstat');
      text = await runBusybox(query, tools, error);
    }
    const rows = parseNetstatLinux(text).filter((row) => matchesQuery(row, query));
    return query.withoutOwners ? rows : completeOwnersFromProc(rows, tools.procRoot);
  },
};

async function runNetTools(query: SocketQuery, tools: ToolContext): Promise<string> {
  let args = netstatArguments(query);
  let result = await tools.run('netstat', args, toolRunOptions(tools, C_LOCALE));
  if (result.exitCode !== 0 && REJECTED_OPTION.test(stderrOf(result))) {
    debug('netstat rejected an option (%s); retrying without -W', firstLine(result));
    args = args.filter((arg) => arg !== '-W');
    result = await tools.run('netstat', args, toolRunOptions(tools, C_LOCALE));
  }
  if (result.exitCode !== 0) {
    throw new CommandFailedError(`netstat ${args.join(' ')}`, result.exitCode, stderrOf(result));
  }
  return result.stdout.toString('utf8');
}

async function runBusybox(
  query: SocketQuery,
  tools: ToolContext,
  notFound: CommandNotFoundError,
): Promise<string> {
  let args = busyboxNetstatArguments(query);
  let result: CommandResult;
  try {
    result = await tools.run('busybox', args, toolRunOptions(tools, C_LOCALE));
    if (result.exitCode !== 0 && args.includes('-p') && REJECTED_OPTION.test(stderrOf(result))) {
      debug('busybox netstat has no -p (%s); owners will be unknown', firstLine(result));
      args = args.filter((arg) => arg !== '-p');
      result = await tools.run('busybox', args, toolRunOptions(tools, C_LOCALE));
    }
  } catch (error) {
    if (error instanceof CommandNotFoundError) throw notFound;
    throw error;
  }
  if (result.exitCode !== 0) {
    if (/applet not found/i.test(stderrOf(result))) throw notFound;
    throw new CommandFailedError(`busybox ${args.join(' ')}`, result.exitCode, stderrOf(result));
  }
  return result.stdout.toString('utf8');
}

function ownerFlag(query: SocketQuery): string[] {
  return query.withoutOwners ? [] : ['-p'];
}

function protocolFlags(query: SocketQuery): string[] {
  if (query.protocol === 'tcp') return ['-t'];
  if (query.protocol === 'udp') return ['-u'];
  return ['-t', '-u'];
}

function stderrOf(result: CommandResult): string {
  return result.stderr.toString('utf8');
}

function firstLine(result: CommandResult): string {
  return stderrOf(result).trim().split('\n')[0] ?? '';
}
