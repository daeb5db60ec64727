import { createRequire } from 'node:module';

type Log = (formatter: string, ...args: unknown[]) => void;
let log: Log | undefined;

/**
 * Logs under `portwarden:cli` through the `debug` package, which is loaded only the first time
 * something is logged while `DEBUG` is set (loading it costs start-up time nobody needs
 * otherwise).
 *
 * @example
 * ```ts
 * debug('invocation %o', invocation);
 * ```
 */
export function debug(formatter: string, ...args: unknown[]): void {
  if (!process.env.DEBUG) return;
  if (log === undefined) {
    const createDebug = createRequire(import.meta.url)('debug') as (namespace: string) => Log;
    log = createDebug('portwarden:cli');
  }
  log(formatter, ...args);
}
