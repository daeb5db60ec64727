import { InvalidOptionError } from '../errors.ts';
import { probePort } from '../in-use.ts';
import type { CommonOptions } from '../options.ts';
import { validateMilliseconds, validateOptions, validatePort, validateProtocol } from '../port.ts';
import { pollUntil } from '../stop/timing.ts';
import type { Protocol } from '../types.ts';

/** Options of {@link waitForPort}. */
export interface WaitForPortOptions extends CommonOptions {
  /** `'in-use'` (default): until something holds the port; `'free'`: until nothing does. */
  readonly until?: 'free' | 'in-use';
  /** Milliseconds to wait at most. Default 15000. */
  readonly timeout?: number;
  /** Only this address (as `isPortInUse` takes it). Default: every address `listen(port)` would use. */
  readonly host?: string;
  /** Default `'tcp'`. */
  readonly protocol?: Protocol;
}

/**
 * Waits until the port is in use (a server came up) or free (it went away), by exclusive bind
 * probes — not by connecting to 127.0.0.1, so a server on `::1`, IPv6-only `::` or an interface
 * address counts, and a server that accepts but does not answer does too. Probes back off from
 * 5 ms to 100 ms. Resolves `true` when the state was reached, `false` when `timeout` (default
 * 15000 ms) ran out. Rejects with `ERR_ABORTED` when `signal` fires, and with
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` for bad input.
 *
 * @example
 * ```ts
 * import {spawn} from 'node:child_process';
 * import {waitForPort} from 'portwarden';
 *
 * const child = spawn('python3', ['-m', 'http.server', '8000']);
 * if (!(await waitForPort(8000, {until: 'in-use', timeout: 10000}))) throw new Error('server did not start');
 * ```
 */
export async function waitForPort(
  port: number | string,
  options?: WaitForPortOptions,
): Promise<boolean> {
  const validPort = validatePort(port);
  const valid = validateOptions<WaitForPortOptions>(options);
  const until = valid.until ?? 'in-use';
  if (until !== 'free' && until !== 'in-use') {
    throw new InvalidOptionError(
      'until',
      `Invalid until ${String(until)}: expected 'free' or 'in-use'`,
    );
  }
  const timeout = validateMilliseconds('timeout', valid.timeout, 15000);
  const protocol = validateProtocol(valid.protocol);
  const probeOptions = { ...valid, protocol };
  // probePort validates host, adapter, signal and context before its first bind.
  return pollUntil(
    async () => (await probePort(validPort, probeOptions)).inUse === (until === 'in-use'),
    performance.now() + timeout,
    { first: 5, max: 100, signal: valid.signal },
  );
}
