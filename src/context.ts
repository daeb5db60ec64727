import type { AdapterContext } from './adapters/types.ts';
import { runCommand } from './runner.ts';

/**
 * Milliseconds one tool may run before it counts as hung.
 *
 * @example
 * ```ts
 * createContext({timeout: DEFAULT_COMMAND_TIMEOUT * 2}); // a slow machine
 * ```
 */
export const DEFAULT_COMMAND_TIMEOUT = 5000;

/**
 * Builds the context adapters run in: the real command runner, `/proc`, this platform. Tests pass
 * overrides to replay recorded output, point at a fixture /proc tree, or emulate another OS.
 *
 * @example
 * ```ts
 * const context = createContext({platform: 'darwin', run: replayRunner});
 * ```
 */
export function createContext(overrides: Partial<AdapterContext> = {}): AdapterContext {
  return {
    run: overrides.run ?? runCommand,
    procRoot: overrides.procRoot ?? process.env.PORTWARDEN_PROC_ROOT ?? '/proc',
    platform: overrides.platform ?? process.platform,
    timeout: overrides.timeout ?? DEFAULT_COMMAND_TIMEOUT,
    env: overrides.env ?? process.env,
    ...(overrides.signal ? { signal: overrides.signal } : {}),
  };
}
