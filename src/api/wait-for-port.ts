/**
 * `waitForPort`: the public entry, its options validated once.
 *
 * @module
 */
import { probeTarget } from '../core/in-use.ts';
import { InvalidOptionError } from '../errors.ts';
import {
  ownOptions,
  validateHost,
  validateMilliseconds,
  validatePort,
  validateProtocol,
} from '../input.ts';
import { waitUntil } from '../server/wait-for-port.ts';
import type { Protocol } from '../types.ts';
import { callContext, forcedAdapter } from './common.ts';
import type { CommonOptions } from './options.ts';

/**
 * Options of {@link waitForPort}.
 *
 * @example
 * ```ts
 * await waitForPort(8080, {until: 'in-use', maxWait: 20000});
 * ```
 */
export interface WaitForPortOptions extends CommonOptions {
  /**
   * `'in-use'`: until something holds the port; `'free'`: until nothing does.
   * @default 'in-use'
   */
  readonly until?: 'free' | 'in-use';
  /**
   * Milliseconds to wait at most.
   * @default 15000
   */
  readonly maxWait?: number;
  /**
   * Only this address (as `isPortInUse` takes it).
   * @default every address `listen(port)` would use
   */
  readonly host?: string;
  /** @default 'tcp' */
  readonly protocol?: Protocol;
}

/**
 * Waits until the port is in use (a server came up) or free (it went away), by exclusive bind
 * probes — not by connecting to 127.0.0.1, so a server on `::1`, IPv6-only `::` or an interface
 * address counts, and a server that accepts but does not answer does too. Probes back off from
 * 5 ms to 100 ms. Resolves `true` when the state was reached, `false` when `maxWait` (default
 * 15000 ms) ran out. Rejects with `ERR_ABORTED` when `signal` fires, and with
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` for bad input.
 *
 * @example
 * ```ts
 * import {spawn} from 'node:child_process';
 * import {waitForPort} from 'portwarden';
 *
 * const child = spawn('python3', ['-m', 'http.server', '8000']);
 * if (!(await waitForPort(8000, {until: 'in-use', maxWait: 10000}))) throw new Error('server did not start');
 * ```
 */
export async function waitForPort(
  port: number | string,
  options?: WaitForPortOptions,
): Promise<boolean> {
  const validPort = validatePort(port);
  const valid = ownOptions<WaitForPortOptions>(options);
  const until = valid.until ?? 'in-use';
  if (until !== 'free' && until !== 'in-use') {
    throw new InvalidOptionError(
      'until',
      `Invalid until ${String(until)}: expected 'free' or 'in-use'`,
    );
  }
  const maxWait = validateMilliseconds('maxWait', valid.maxWait, 15000);
  const question = {
    port: validPort,
    protocol: validateProtocol(valid.protocol),
    host: validateHost(valid.host),
    forcedAdapter: forcedAdapter(valid.adapter),
  };
  const context = callContext(valid.signal, maxWait);
  return waitUntil(await probeTarget(question, context), until, context);
}
