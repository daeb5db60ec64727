import { constants } from 'node:os';
import { createContext } from '../core/context.ts';
import { InvalidOptionError } from '../errors.ts';
import { ownOptions, validateMilliseconds, validateSignalName } from '../input.ts';
import { createLogger } from '../log.ts';
import type { HostAbortSignal, SignalName } from '../types.ts';
import { closeServer, DEFAULT_CLOSE_TIMEOUT } from './close-server.ts';
import { assertServer } from './connections.ts';
import { followSessions } from './registry.ts';
import type { ServerLike } from './server-like.ts';

const debug = createLogger('portwarden:server');

/**
 * Options of {@link handleShutdownSignals}.
 *
 * @example
 * ```ts
 * handleShutdownSignals(server, {timeout: 10_000, beforeExit: async () => db.close()});
 * ```
 */
export interface ShutdownSignalsOptions {
  /**
   * `closeServer`'s timeout: ms that requests in flight may take.
   * @default 5000
   */
  readonly timeout?: number;
  /**
   * Ms the `beforeExit` hook may take before it is given up (its `AbortSignal` is aborted and the
   * process exits with status 1).
   * @default the same as `timeout`
   */
  readonly beforeExitTimeout?: number;
  /**
   * Exit status after a clean close (1 when closing or the hook failed).
   * @default 0
   */
  readonly exitCode?: number;
  /**
   * The signals to handle.
   * @default ['SIGINT', 'SIGTERM', 'SIGUSR2'] (Windows: ['SIGINT', 'SIGTERM', 'SIGHUP'])
   */
  readonly signals?: readonly SignalName[];
  /**
   * Runs once `closeServer` has settled (the server is closed; also when closing failed) and
   * before the exit: close a database pool, flush logs. It gets the signal and an `AbortSignal`
   * that is aborted when its `beforeExitTimeout` is up. A hook that throws, rejects or does not
   * settle within `beforeExitTimeout` makes the exit status 1.
   */
  beforeExit?(signal: SignalName, abortSignal: HostAbortSignal): void | Promise<void>;
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
 * Runs the `beforeExit` hook within `ms` milliseconds: resolves `true` when it finished in time,
 * `false` when it threw, rejected, or was still running at `ms` (its `AbortSignal` is aborted
 * then; whatever it still does is no longer waited for).
 */
function runHook(
  hook: NonNullable<ShutdownSignalsOptions['beforeExit']>,
  signal: NodeJS.Signals,
  ms: number,
): Promise<boolean> {
  const controller = new AbortController();
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      debug('beforeExit did not settle within %d ms: giving up', ms);
      controller.abort(new DOMException(`beforeExit took longer than ${ms} ms`, 'TimeoutError'));
      resolve(false);
    }, ms);
    const settle = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    new Promise<void>((run) => run(hook(signal, controller.signal))).then(
      () => settle(true),
      (error: unknown) => {
        debug('beforeExit failed: %O', error);
        settle(false);
      },
    );
  });
}

/**
 * Installs handlers for SIGINT and SIGTERM (plus SIGUSR2 for nodemon, and SIGHUP on Windows) that
 * shut the process down gracefully, within a bounded time:
 *
 * 1. `closeServer(server, {timeout})` — requests in flight may finish for `timeout` ms (default
 *    5000); it settles by `timeout` + 1 s at the latest.
 * 2. then the `beforeExit` hook, if any (also when closing failed), which gets its own slice of
 *    time: `beforeExitTimeout` ms (default: `timeout`). A hook that does not settle by then is
 *    given up — its `AbortSignal` (second argument) is aborted — and so is one that throws.
 * 3. then `process.exitCode` is set and the process exits: status `exitCode` (default 0), or 1
 *    when closing failed or the hook failed or timed out.
 *
 * So the process is gone at most `timeout` + 1 s + `beforeExitTimeout` after the signal. A second
 * signal while shutting down exits at once with status 128 + the signal number (130 for SIGINT),
 * as a shell reports a process ended by that signal. Installing also makes portwarden follow the
 * server's HTTP/2 sessions from now on (as {@link trackConnections} does). Returns a function that
 * removes the handlers (safe to call more than once). Bad options throw `ERR_INVALID_OPTION`
 * synchronously: nothing is installed then.
 *
 * @example
 * ```ts
 * import {createServer} from 'node:http';
 * import {handleShutdownSignals} from 'portwarden';
 *
 * const server = createServer(handler).listen(3000);
 * const dispose = handleShutdownSignals(server, {
 *   timeout: 3000, // requests in flight: up to 3 s
 *   beforeExitTimeout: 2000, // then up to 2 s to close the pool, else exit status 1
 *   beforeExit: (_signal, abortSignal) => pool.end({signal: abortSignal}),
 * });
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
  const beforeExitTimeout = validateMilliseconds(
    'beforeExitTimeout',
    valid.beforeExitTimeout,
    timeout,
  );
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
  followSessions(server);

  let closing = false;
  let exited = false;
  const exitWith = (code: number) => {
    if (exited) return;
    exited = true;
    process.exitCode = code;
    exit(code);
  };
  const shutDown = async (signal: NodeJS.Signals): Promise<number> => {
    let ok = await closeServer(server, { timeout }).then(
      () => true,
      (error: unknown) => {
        debug('closing failed: %O', error);
        return false;
      },
    );
    if (beforeExit) ok = (await runHook(beforeExit, signal, beforeExitTimeout)) && ok;
    return ok ? exitCode : 1;
  };
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      debug('second signal %s while closing: exiting at once', signal);
      exitWith(exitStatusFor(signal));
      return;
    }
    closing = true;
    debug('%s: closing the server (timeout %d ms)', signal, timeout);
    shutDown(signal)
      .then(exitWith)
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
