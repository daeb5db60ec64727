import { constants } from 'node:os';
import { createContext } from '../core/context.ts';
import { InvalidOptionError } from '../errors.ts';
import { ownOptions, validateMilliseconds, validateSignalName } from '../input.ts';
import { createLogger } from '../log.ts';
import type { SignalName } from '../types.ts';
import { closeServer, DEFAULT_CLOSE_TIMEOUT } from './close-server.ts';
import { assertServer } from './connections.ts';
import type { ServerLike } from './server-like.ts';

const debug = createLogger('portwarden:server');

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownSignalsOptions {
  /**
   * `closeServer`'s timeout: ms that requests in flight may take.
   * @default 5000
   */
  readonly timeout?: number;
  /**
   * Exit status after a clean close (1 when closing failed).
   * @default 0
   */
  readonly exitCode?: number;
  /**
   * The signals to handle.
   * @default ['SIGINT', 'SIGTERM', 'SIGUSR2'] (Windows: ['SIGINT', 'SIGTERM', 'SIGHUP'])
   */
  readonly signals?: readonly SignalName[];
  /**
   * Runs after the server has closed and before the exit (close a database pool, flush logs).
   * Its failure makes the exit status 1.
   */
  beforeExit?(signal: SignalName): void | Promise<void>;
  /**
   * How to exit. Replace it to embed or to test.
   * @default process.exit
   */
  exit?(code: number): void;
}

function exitStatusFor(signal: NodeJS.Signals): number {
  const number = (constants.signals as Record<string, number>)[signal];
  return 128 + (number ?? 15);
}

/**
 * Installs handlers for SIGINT and SIGTERM (plus SIGUSR2 for nodemon, and SIGHUP on Windows) that
 * close the server gracefully with `closeServer` — requests in flight may finish for `timeout` ms
 * — then set `process.exitCode` and exit (status `exitCode`, default 0; 1 if closing failed). A
 * second signal while closing exits at once with status 128 + the signal number (130 for
 * SIGINT), as a shell reports a process ended by that signal. Returns a function that removes the
 * handlers (safe to call more than once). Bad options throw `ERR_INVALID_OPTION` synchronously:
 * nothing is installed then.
 *
 * @example
 * ```ts
 * import {createServer} from 'node:http';
 * import {handleShutdownSignals} from 'portwarden';
 *
 * const server = createServer(handler).listen(3000);
 * const dispose = handleShutdownSignals(server, {timeout: 3000, beforeExit: () => pool.end()});
 * // in tests: dispose();
 * ```
 */
export function handleShutdownSignals(
  server: ServerLike,
  options?: ShutdownSignalsOptions,
): () => void {
  assertServer(server);
  const valid = ownOptions<ShutdownSignalsOptions>(options);
  const timeout = validateMilliseconds('timeout', valid.timeout, DEFAULT_CLOSE_TIMEOUT);
  const exitCode = valid.exitCode ?? 0;
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) {
    throw new InvalidOptionError('exitCode', 'exitCode must be an integer from 0 to 255');
  }
  const signals = valid.signals ?? createContext().platform.shutdownSignals;
  if (!Array.isArray(signals) || signals.length === 0) {
    throw new InvalidOptionError('signals', 'signals must be a non-empty array of signal names');
  }
  for (const signal of signals) validateSignalName(signal, 'signals');
  for (const name of ['beforeExit', 'exit'] as const) {
    if (valid[name] !== undefined && typeof valid[name] !== 'function') {
      throw new InvalidOptionError(name, `${name} must be a function`);
    }
  }
  const exit = valid.exit ?? ((code: number) => process.exit(code));
  const beforeExit = valid.beforeExit;

  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      debug('second signal %s while closing: exiting at once', signal);
      process.exitCode = exitStatusFor(signal);
      exit(exitStatusFor(signal));
      return;
    }
    closing = true;
    debug('%s: closing the server (timeout %d ms)', signal, timeout);
    closeServer(server, { timeout })
      .then(() => beforeExit?.(signal))
      .then(
        () => exitCode,
        (error: unknown) => {
          debug('shutdown failed: %O', error);
          return 1;
        },
      )
      .then((code) => {
        process.exitCode = code;
        exit(code);
      })
      .catch((error: unknown) => debug('exit threw: %O', error));
  };
  for (const signal of signals) process.on(signal, handler);
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    for (const signal of signals) process.off(signal, handler);
  };
}
