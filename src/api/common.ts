import { type Context, createContext } from '../core/context.ts';
import { InvalidOptionError } from '../errors.ts';
import { validateAbortSignal } from '../input.ts';
import { knownAdapterNames } from '../platform/profiles.ts';

/**
 * Checks the adapter a caller forces (the `adapter` option, else `PORTWARDEN_ADAPTER`) before
 * anything runs: `undefined` means "choose"; a name no platform knows is `ERR_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * forcedAdapter(undefined, {PORTWARDEN_ADAPTER: 'ss'}); // 'ss'
 * ```
 */
export function forcedAdapter(
  option: unknown,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const name = option ?? (env.PORTWARDEN_ADAPTER || undefined);
  if (name === undefined) return undefined;
  const known = knownAdapterNames();
  if (typeof name !== 'string' || !known.has(name)) {
    throw new InvalidOptionError(
      'adapter',
      `Unknown adapter ${JSON.stringify(name)}${option === undefined ? ' (from PORTWARDEN_ADAPTER)' : ''}: expected one of ${[...known].join(', ')}`,
    );
  }
  return name;
}

/**
 * The context of one public call: this platform, the caller's AbortSignal, and — for calls that
 * wait — the deadline `maxWait` ms from now.
 *
 * @example
 * ```ts
 * const context = callContext(valid.signal, 15000);
 * ```
 */
export function callContext(signal: unknown, maxWait?: number): Context {
  const abort = validateAbortSignal(signal);
  return createContext({
    signal: abort,
    deadline: maxWait === undefined ? Number.POSITIVE_INFINITY : performance.now() + maxWait,
  });
}
