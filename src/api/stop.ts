import { freeOwners } from '../core/stop/free.ts';
import { killOwners } from '../core/stop/kill.ts';
import type { FreeSettings, KillSettings } from '../core/stop/settings.ts';
import { InvalidOptionError } from '../errors.ts';
import {
  ownOptions,
  validateBoolean,
  validateFunction,
  validateHost,
  validateMilliseconds,
  validatePort,
  validateProtocol,
  validateSignalName,
} from '../input.ts';
import { createLogger } from '../log.ts';
import type { FreeReport, KillReport, StopProgress } from '../reports.ts';
import type { PortOwner } from '../types.ts';
import { callContext, forcedAdapter } from './common.ts';
import type { FreeOptions, KillOptions } from './options.ts';

const debug = createLogger('portwarden:kill');

/**
 * Default milliseconds between the polite signal and SIGKILL.
 *
 * @example
 * ```ts
 * await killProcessOnPort(3000, {gracePeriod: DEFAULT_GRACE_PERIOD / 5});
 * ```
 */
const DEFAULT_GRACE_PERIOD = 5000;

/**
 * Default milliseconds `ensurePortFree` may take in all.
 *
 * @example
 * ```ts
 * await ensurePortFree(3000, {maxWait: DEFAULT_MAX_WAIT * 2});
 * ```
 */
const DEFAULT_MAX_WAIT = 15000;

function validateNames(value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    value.some((name) => typeof name !== 'string' || name.trim() === '')
  ) {
    throw new InvalidOptionError('names', 'names must be an array of non-empty program names');
  }
  return [...value];
}

function validateManaged(value: unknown): 'skip' | 'signal' {
  if (value === undefined || value === 'skip') return 'skip';
  if (value === 'signal') return 'signal';
  throw new InvalidOptionError(
    'managed',
    `Invalid managed ${String(value)}: expected 'skip' or 'signal'`,
  );
}

/**
 * Validates the port and every option of `killProcessOnPort` before anything runs; throws
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` errors.
 *
 * @example
 * ```ts
 * const settings = killSettings('3000', {gracePeriod: 1000});
 * ```
 */
export function killSettings(port: unknown, options?: KillOptions): KillSettings {
  const validPort = validatePort(port);
  const valid = ownOptions<KillOptions>(options);
  const onProgress = validateFunction<(progress: StopProgress) => void>(
    'onProgress',
    valid.onProgress,
  );
  return {
    port: validPort,
    protocol: validateProtocol(valid.protocol),
    forcedAdapter: forcedAdapter(valid.adapter),
    host: validateHost(valid.host),
    killSignal: valid.killSignal === undefined ? 'SIGTERM' : validateSignalName(valid.killSignal),
    gracePeriod: validateMilliseconds('gracePeriod', valid.gracePeriod, DEFAULT_GRACE_PERIOD),
    force: validateBoolean('force', valid.force),
    dryRun: validateBoolean('dryRun', valid.dryRun),
    tree: validateBoolean('tree', valid.tree),
    filter: validateFunction<(owner: PortOwner) => boolean>('filter', valid.filter),
    names: validateNames(valid.names),
    managed: validateManaged(valid.managed),
    progress: (progress) => {
      if (!onProgress) return;
      try {
        onProgress(progress);
      } catch (error) {
        debug('onProgress threw (ignored): %O', error);
      }
    },
  };
}

/**
 * Validates the port and every option of `ensurePortFree` / `freePort` before anything runs.
 *
 * @example
 * ```ts
 * const settings = freeSettings(3000, {maxWait: 5000, waitOnly: true});
 * ```
 */
export function freeSettings(port: unknown, options?: FreeOptions): FreeSettings {
  const settings = killSettings(port, options);
  const valid = ownOptions<FreeOptions>(options);
  return {
    ...settings,
    maxWait: validateMilliseconds('maxWait', valid.maxWait, DEFAULT_MAX_WAIT),
    waitOnly: validateBoolean('waitOnly', valid.waitOnly),
  };
}

/**
 * Stops the processes that hold the port, and only those: never a connected client, never the
 * calling process or one of its ancestors, never pid 0 or 1, never an owner it cannot see. On
 * POSIX it sends the polite signal (`killSignal`, default SIGTERM) with `process.kill` — no
 * subprocess — waits up to `gracePeriod` (default 5000 ms) with cheap liveness checks, then
 * sends SIGKILL; `force` sends SIGKILL at once. Before **every** signal it checks that the pid is
 * still the same process (start time), so a reused pid is never hit. A zombie counts as gone.
 *
 * Resolves once every signalled process is gone or known to be unstoppable, with a report:
 * `killed` (signalled and now gone), `failed` (with `code` `'EPERM'`, `'ETIMEDOUT'`, ...),
 * `skipped` (left alone on purpose, and why), `gone` (exited before a signal reached them) and,
 * per process, the signals sent and which one worked. It resolves even when some could not be
 * stopped. Bad input rejects with `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` before anything runs;
 * the AbortSignal rejects with `ERR_ABORTED` (no further signal is sent after the abort).
 *
 * @example
 * ```ts
 * import {killProcessOnPort} from 'portwarden';
 *
 * const report = await killProcessOnPort(3000, {gracePeriod: 2000, names: ['node']});
 * for (const stopped of report.processes) console.log(stopped.pid, stopped.signal, `${stopped.elapsedMs} ms`);
 * for (const failure of report.failed) console.error(failure.pid, failure.code); // 'EPERM'
 * for (const skipped of report.skipped) console.log(skipped.pid, skipped.reason); // 'self', 'hidden', ...
 * ```
 */
export async function killProcessOnPort(
  port: number | string,
  options?: KillOptions,
): Promise<KillReport> {
  const settings = killSettings(port, options);
  return killOwners(settings, callContext(ownOptions<KillOptions>(options).signal));
}

/**
 * Frees the port and tells what happened: who was stopped with which signal and how long it took
 * (`kill`), why the port is or is not free (`outcome`), what still holds it (`remaining`) and how
 * many TIME_WAIT sockets sit on it (`timeWait` — they never stop a Node server, which sets
 * SO_REUSEADDR, but they do stop programs that bind without it). The detailed sibling of
 * {@link ensurePortFree}, which is `(await freePort(port, options)).free`.
 *
 * Stops the holders as `killProcessOnPort` does, then waits — bind probes with backoff, never for
 * TIME_WAIT when a Node server can listen anyway — up to `maxWait` ms (default 15000) in all.
 * It gives up early, stopping nothing, when the port cannot become free by stopping: an owner it
 * may not stop (the calling process or an ancestor → `'self'`; pid 1, filtered out, EPERM →
 * `'unstoppable-owner'`; an owner it cannot see → `'hidden-owner'`). New holders that take the
 * port after a stop (forked children) are stopped too, up to three rounds; a holder started again at once by the same manager or parent ends the call
 * with `'respawned'`, naming who (`respawnedBy`).
 * With `waitOnly` it stops nothing and only waits.
 *
 * @example
 * ```ts
 * import {freePort} from 'portwarden';
 *
 * const report = await freePort(3000, {gracePeriod: 2000});
 * if (report.free) {
 *   for (const stopped of report.kill?.processes ?? []) console.log(`stopped ${stopped.pid} with ${stopped.signal}`);
 * } else {
 *   console.error(`port 3000 is still taken: ${report.outcome}`, report.remaining);
 * }
 * ```
 */
export async function freePort(port: number | string, options?: FreeOptions): Promise<FreeReport> {
  const settings = freeSettings(port, options);
  return freeOwners(
    settings,
    callContext(ownOptions<FreeOptions>(options).signal, settings.maxWait),
  );
}

/**
 * Makes the port free — stopping its holders as `killProcessOnPort` does — and waits up to
 * `maxWait` ms (default 15000) for it. Resolves `true` only when, at the end, a Node server could
 * listen on the port (a bind probe says so); otherwise `false`, without waiting out `maxWait` when
 * nothing can change (an owner it may not stop, a hidden owner, the calling process itself).
 * Use {@link freePort} to learn why it is `false`.
 *
 * @example
 * ```ts
 * import {ensurePortFree} from 'portwarden';
 *
 * if (!(await ensurePortFree(3000, {maxWait: 5000}))) {
 *   throw new Error('Port 3000 is still taken; run `portwarden free 3000` to see why');
 * }
 * server.listen(3000);
 * ```
 */
export async function ensurePortFree(
  port: number | string,
  options?: FreeOptions,
): Promise<boolean> {
  const settings = freeSettings(port, options);
  const context = callContext(ownOptions<FreeOptions>(options).signal, settings.maxWait);
  return (await freeOwners(settings, context, false)).free;
}
