import { createRequire } from 'node:module';

/**
 * A `debug`-style logging function: printf-like formatter (`%s`, `%d`, `%o`, `%O`) and arguments.
 *
 * @example
 * ```ts
 * const debug: Logger = createLogger('portwarden:probe');
 * debug('port %d: %s', 3000, 'free');
 * ```
 */
export type Logger = (formatter: string, ...args: unknown[]) => void;

const require = createRequire(import.meta.url);
type DebugFactory = (namespace: string) => Logger;
let factory: DebugFactory | undefined;

/**
 * A logger for `namespace` (`portwarden:<concern>`) through the `debug` package, loaded only the
 * first time something is logged while `DEBUG` is set. Importing `debug` costs 15–40 ms of start-up
 * on a slow machine, and a port check before `listen()` should not pay that when nobody reads the
 * log. `DEBUG=portwarden:*` turns it on, as with any `debug` user.
 *
 * @example
 * ```ts
 * const debug = createLogger('portwarden:probe');
 * debug('tcp %s:%d -> %s', host, port, outcome);
 * ```
 */
export function createLogger(namespace: string): Logger {
  let log: Logger | undefined;
  return (formatter, ...args) => {
    if (log === undefined) {
      if (!process.env.DEBUG) return;
      factory ??= require('debug') as DebugFactory;
      log = factory(namespace);
    }
    log(formatter, ...args);
  };
}
