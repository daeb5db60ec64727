import type { AdapterContext } from './adapters/types.ts';
import { createContext } from './context.ts';
import { InvalidOptionError } from './errors.ts';

/**
 * Options every inspecting function takes.
 */
export interface CommonOptions {
  /**
   * Force one socket-table adapter by name (`'procfs'`, `'ss'`, `'netstat'`, `'lsof'`,
   * `'powershell'`, `'pid-port'`). Defaults to `PORTWARDEN_ADAPTER`, else the first that works.
   */
  readonly adapter?: string;
  /** Abort the operation; the promise rejects with `code: 'ERR_ABORTED'`. */
  readonly signal?: AbortSignal;
  /**
   * Advanced: replace parts of the runtime — the command runner, the /proc root, the platform —
   * to replay recorded tool output or emulate another OS (tests, diagnostics).
   */
  readonly context?: Partial<AdapterContext>;
}

/**
 * Validates the common options and builds the adapter context.
 *
 * @example
 * ```ts
 * const context = contextFromOptions({signal: AbortSignal.timeout(1000)});
 * ```
 */
export function contextFromOptions(options: Partial<CommonOptions>): AdapterContext {
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', 'signal must be an AbortSignal');
  }
  if (
    options.context !== undefined &&
    (typeof options.context !== 'object' || options.context === null)
  ) {
    throw new InvalidOptionError('context', 'context must be an object');
  }
  return createContext({
    ...options.context,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
