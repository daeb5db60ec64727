import { CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import {
  decodeConsoleOutput,
  oemCodePageForLocale,
  parseNetstatWindows,
} from '../parsers/netstat-windows.ts';
import type { SocketRow } from '../types.ts';
import { matchesQuery, requirePlatform, toolRunOptions } from './shared.ts';
import type { AdapterContext, SocketQuery, SocketTableAdapter } from './types.ts';

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
   * The console code page netstat writes in. Default: the OEM code page of the display locale
   * Node reports (`Intl`), see {@link oemCodePageForLocale}.
   */
  readonly codePage?: number;
}

/**
 * The OEM code page netstat most likely writes in, without spawning anything: derived from the
 * locale `Intl` reports (437 en-US, 850 de/fr/es/..., 866 ru, 936 zh-CN, ...).
 *
 * @example
 * ```ts
 * defaultConsoleCodePage(); // 850 on a German Windows
 * ```
 */
export function defaultConsoleCodePage(): number {
  return oemCodePageForLocale(Intl.DateTimeFormat().resolvedOptions().locale);
}

/**
 * Builds a Windows `netstat` adapter. It runs `netstat -ano` once — every TCP, TCPv6, UDP and
 * UDPv6 socket with its PID (one spawn is cheaper than `-p TCP` plus `-p TCPv6`, which `-a`
 * needs to see both families) — and parses it with {@link parseNetstatWindows}.
 *
 * Decoding: netstat writes in the console's OEM code page. Asking for it costs a process (`chcp`
 * is `chcp.com`, whose answer is itself localized; PowerShell takes half a second), so the bytes
 * are decoded as UTF-8 when they are valid UTF-8 (pure ASCII, or a console at 65001) and otherwise
 * in the code page of the display locale. Only ASCII matters for the answer (protocol, addresses,
 * ports, PID, and a listener's `0.0.0.0:0`), so a wrong guess changes nothing but `rawState`.
 *
 * @example
 * ```ts
 * const adapter = createNetstatWindowsAdapter({codePage: 850});
 * await adapter.read({port: 445}, createContext()); // [{state: 'LISTEN', owners: [{pid: 4, name: 'System'}], ...}]
 * ```
 */
export function createNetstatWindowsAdapter(
  options: NetstatWindowsOptions = {},
): SocketTableAdapter {
  return {
    name: 'netstat',
    listsHiddenSockets: true,
    async read(query: SocketQuery, context: AdapterContext): Promise<SocketRow[]> {
      requirePlatform(context, 'win32', 'Windows netstat');
      const result = await context.run('netstat', ['-ano'], toolRunOptions(context));
      const codePage = options.codePage ?? defaultConsoleCodePage();
      if (result.exitCode !== 0) {
        throw new CommandFailedError(
          'netstat -ano',
          result.exitCode,
          decodeConsoleOutput(result.stderr, codePage),
        );
      }
      const rows = parseNetstatWindows(decodeConsoleOutput(result.stdout, codePage)).filter((row) =>
        matchesQuery(row, query),
      );
      debug('port %d: %d rows (code page %d)', query.port, rows.length, codePage);
      return rows;
    },
  };
}

/**
 * The Windows `netstat -ano` adapter with the default code page guess; see
 * {@link createNetstatWindowsAdapter}. Lists every socket (`listsHiddenSockets: true`): PIDs are
 * visible to every user; PID 0 (TIME_WAIT) rows have `owners: []`.
 *
 * @example
 * ```ts
 * await netstatWindowsAdapter.read({port: 3000, protocol: 'tcp'}, createContext());
 * ```
 */
export const netstatWindowsAdapter: SocketTableAdapter = createNetstatWindowsAdapter();
