import { CommandFailedError } from '../errors.ts';
import { own } from '../input.ts';
import { createLogger } from '../log.ts';
import { parseNetstatWindows } from '../parsers/netstat-windows.ts';
import type { ToolContext } from '../system/tools.ts';
import { runConsoleTool } from '../system/windows-console.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { matchesQuery } from './query.ts';

const debug = createLogger('portwarden:adapter:netstat');

/**
 * Options for {@link createNetstatWindowsAdapter}.
 *
 * @example
 * ```ts
 * const options: NetstatWindowsOptions = {codePage: 866}; // a Russian console
 * ```
 */
export interface NetstatWindowsOptions {
  /**
   * The console code page netstat writes in.
   * @default the OEM code page of the display locale Node reports (`Intl`)
   */
  readonly codePage?: number;
}

/**
 * Builds a Windows `netstat` adapter. It runs `netstat -ano` once — every TCP, TCPv6, UDP and
 * UDPv6 socket with its PID (one spawn is cheaper than `-p TCP` plus `-p TCPv6`, which `-a`
 * needs to see both families) — and parses it with {@link parseNetstatWindows}, whatever the
 * display language. Lists every socket (`listsHiddenSockets: true`): PIDs are visible to every
 * user; PID 0 (TIME_WAIT) rows have `owners: []`.
 *
 * @example
 * ```ts
 * const adapter = createNetstatWindowsAdapter({codePage: 850});
 * await adapter.read({port: 445}, tools); // [{state: 'LISTEN', owners: [{pid: 4, name: 'System'}], ...}]
 * ```
 */
export function createNetstatWindowsAdapter(
  options: NetstatWindowsOptions = {},
): SocketTableAdapter {
  return {
    name: 'netstat',
    listsHiddenSockets: true,
    async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
      const result = await runConsoleTool('netstat', ['-ano'], tools, own(options, 'codePage'));
      if (result.exitCode !== 0) {
        throw new CommandFailedError('netstat -ano', result.exitCode, result.stderr);
      }
      const rows = parseNetstatWindows(result.stdout).filter((row) => matchesQuery(row, query));
      debug('port %d: %d rows', query.port, rows.length);
      return rows;
    },
  };
}

/**
 * The Windows `netstat -ano` adapter with the default code page guess; see
 * {@link createNetstatWindowsAdapter}.
 *
 * @example
 * ```ts
 * await netstatWindowsAdapter.read({port: 3000, protocol: 'tcp'}, tools);
 * ```
 */
export const netstatWindowsAdapter: SocketTableAdapter = createNetstatWindowsAdapter();
