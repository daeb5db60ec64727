import { CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseNetstatDarwin } from '../parsers/netstat-darwin.ts';
import type { CommandRunner } from '../system/runner.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { Protocol, SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { matchesQuery } from './query.ts';

const debug = createLogger('portwarden:adapter:netstat');

/**
 * Runners whose `netstat` rejected `-l` (a macOS too old for it): they get `-anv` from then on.
 * Keyed by runner so that a test's replayed runner never affects the real one.
 */
const withoutWideAddresses = new WeakSet<CommandRunner>();

/**
 * The arguments for one protocol: `-a` all sockets (listeners too), `-n` numeric, `-v` the pid
 * column, `-l` full IPv6 addresses in 45-character columns (without it netstat cuts IPv6 hosts
 * to 16 characters), `-p tcp|udp` one protocol. On macOS `-p` takes a protocol name, unlike
 * Linux. `-W` is not used: it does not widen IPv6 addresses, and `-l` already does.
 *
 * @example
 * ```ts
 * darwinNetstatArguments('tcp', true);  // ['-anvl', '-p', 'tcp']
 * darwinNetstatArguments('udp', false); // ['-anv', '-p', 'udp']
 * ```
 */
export function darwinNetstatArguments(protocol: Protocol, wide: boolean): string[] {
  return [wide ? '-anvl' : '-anv', '-p', protocol];
}

async function readProtocol(protocol: Protocol, tools: ToolContext): Promise<SocketRow[]> {
  const wide = !withoutWideAddresses.has(tools.run);
  let result = await tools.run(
    'netstat',
    darwinNetstatArguments(protocol, wide),
    toolRunOptions(tools),
  );
  if (result.exitCode !== 0 && wide) {
    // `netstat: illegal option -- l` and a usage text, exit 1, on systems without -l.
    debug('netstat -anvl failed (%s): retrying without -l', result.stderr.toString('utf8').trim());
    withoutWideAddresses.add(tools.run);
    result = await tools.run(
      'netstat',
      darwinNetstatArguments(protocol, false),
      toolRunOptions(tools),
    );
  }
  if (result.exitCode !== 0) {
    throw new CommandFailedError(
      `netstat ${darwinNetstatArguments(protocol, false).join(' ')}`,
      result.exitCode,
      result.stderr.toString('utf8'),
    );
  }
  return parseNetstatDarwin(result.stdout.toString('utf8'));
}

/**
 * The macOS `netstat` adapter: `netstat -anvl -p tcp` and/or `-p udp` (`-anv` where `-l` is
 * unknown), parsed by {@link parseNetstatDarwin} in whichever of the five macOS layouts it prints.
 * netstat lists every socket, whoever owns it (`listsHiddenSockets: true`); a row whose pid cannot
 * be read safely has `owners: []`. macOS netstat does not list TIME_WAIT sockets.
 *
 * @example
 * ```ts
 * const rows = await netstatDarwinAdapter.read({port: 5000, protocol: 'tcp'}, createContext());
 * // AirPlay receiver: [{state: 'LISTEN', localAddress: '::', owners: [{pid: 512}], ...}, ...]
 * ```
 */
export const netstatDarwinAdapter: SocketTableAdapter = {
  name: 'netstat',
  listsHiddenSockets: true,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    const protocols: Protocol[] = query.protocol ? [query.protocol] : ['tcp', 'udp'];
    const tables = await Promise.all(protocols.map((protocol) => readProtocol(protocol, tools)));
    const rows = tables.flat().filter((row) => matchesQuery(row, query));
    debug('port %d: %d rows', query.port, rows.length);
    return rows;
  },
};
