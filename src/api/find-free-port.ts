/**
 * `findFreePort`: the public entry, its options validated once.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.ts';
import {
  ownOptions,
  validateHost,
  validateMilliseconds,
  validatePort,
  validateProtocol,
} from '../input.ts';
import { DEFAULT_LOCK_PERIOD, type FindPortSettings, findPort } from '../server/find-free-port.ts';
import type { Protocol } from '../types.ts';
import { callContext, forcedAdapter } from './common.ts';
import type { CommonOptions } from './options.ts';

/**
 * Options of {@link findFreePort}.
 *
 * @example
 * ```ts
 * await findFreePort({preferred: 3000, range: {from: 3001, to: 3100}});
 * ```
 */
export interface FindFreePortOptions extends CommonOptions {
  /** Ports to try first, in order. */
  readonly preferred?: number | string | Iterable<number | string>;
  /**
   * Ports to try next, in order, both ends included. With a range, nothing outside `preferred`
   * and the range is returned; without one, a port the OS picks is the last resort.
   */
  readonly range?: { readonly from: number | string; readonly to: number | string };
  /** Ports never to return. */
  readonly exclude?: Iterable<number | string>;
  /**
   * Only this address must be free (as `isPortInUse` takes it).
   * @default every address
   */
  readonly host?: string;
  /** @default 'tcp' */
  readonly protocol?: Protocol;
  /**
   * Milliseconds a port this process was handed stays off the list for later calls, so that two
   * callers that have not listened yet never get the same port; 0 turns it off.
   * @default 15000
   */
  readonly lockPeriod?: number;
}

function portList(value: unknown, name: string): number[] {
  if (value === undefined) return [];
  if (typeof value === 'number' || typeof value === 'string') return [validatePort(value)];
  if (typeof value !== 'object' || value === null || !(Symbol.iterator in value)) {
    throw new InvalidOptionError(name, `${name} must be a port or an iterable of ports`);
  }
  return [...(value as Iterable<unknown>)].map((port) => validatePort(port));
}

/**
 * Validates the options of {@link findFreePort}.
 *
 * @example
 * ```ts
 * findPortSettings({range: {from: 3000, to: 3010}}).range; // {from: 3000, to: 3010}
 * ```
 */
function findPortSettings(options: unknown): FindPortSettings {
  const valid = ownOptions<FindFreePortOptions>(options);
  let range: FindPortSettings['range'];
  if (valid.range !== undefined) {
    if (typeof valid.range !== 'object' || valid.range === null) {
      throw new InvalidOptionError('range', 'range must be {from, to}');
    }
    range = { from: validatePort(valid.range.from), to: validatePort(valid.range.to) };
    if (range.from > range.to) {
      throw new InvalidOptionError(
        'range',
        `range.from ${range.from} is above range.to ${range.to}`,
      );
    }
  }
  return {
    preferred: portList(valid.preferred, 'preferred'),
    range,
    exclude: new Set(portList(valid.exclude, 'exclude')),
    host: validateHost(valid.host),
    protocol: validateProtocol(valid.protocol),
    lockPeriod: validateMilliseconds('lockPeriod', valid.lockPeriod, DEFAULT_LOCK_PERIOD),
    forcedAdapter: forcedAdapter(valid.adapter),
  };
}

/**
 * Finds a port a server can listen on — what get-port offers, decided by exclusive bind probes on
 * every address a server would use (`isPortInUse` saying `false`; a port refused with EACCES is
 * not free either). It tries the `preferred` ports in order, then the `range` (`{from, to}`,
 * both ends included); without a range it falls back to a port the OS picks (checked the same
 * way). Ports it handed out within the last `lockPeriod` ms (default 15000) are not handed out
 * again by this process, so concurrent callers that have not listened yet never collide.
 * Rejects with `ERR_NO_FREE_PORT` (a `PortUnavailableError`) when nothing is free, and with
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` for bad input.
 *
 * @example
 * ```ts
 * import {findFreePort} from 'portwarden';
 *
 * const port = await findFreePort({preferred: 3000, range: {from: 3001, to: 3100}});
 * const anyPort = await findFreePort(); // e.g. 41873
 * ```
 */
export async function findFreePort(options?: FindFreePortOptions): Promise<number> {
  const settings = findPortSettings(options);
  return findPort(settings, callContext(ownOptions<FindFreePortOptions>(options).signal));
}
