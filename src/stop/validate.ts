import { constants } from 'node:os';
import type { AdapterContext } from '../adapters/types.ts';
import { InvalidOptionError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { contextFromOptions } from '../options.ts';
import { validateMilliseconds, validateOptions, validatePort, validateProtocol } from '../port.ts';
import { resolveAdapterName } from '../socket-table.ts';
import type { PortOwner, Protocol } from '../types.ts';
import type { EnsureFreeOptions, KillOptions, StopProgress } from './types.ts';

const debug = createLogger('portwarden:kill');

/**
 * Default milliseconds between the polite signal and SIGKILL.
 *
 * @example
 * ```ts
 * killProcessOnPort(3000, {gracePeriod: DEFAULT_GRACE_PERIOD / 5});
 * ```
 */
export const DEFAULT_GRACE_PERIOD = 5000;
/**
 * Default milliseconds `ensurePortFree` waits, in all.
 *
 * @example
 * ```ts
 * ensurePortFree(3000, {maxWait: DEFAULT_MAX_WAIT * 2});
 * ```
 */
export const DEFAULT_MAX_WAIT = 15000;

/** {@link KillOptions} after validation, with defaults applied. */
export interface KillSettings {
  readonly port: number;
  readonly protocol: Protocol;
  readonly forcedAdapter: string | undefined;
  readonly context: AdapterContext;
  readonly killSignal: NodeJS.Signals;
  readonly gracePeriod: number;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly tree: boolean;
  readonly filter: ((owner: PortOwner) => boolean) | undefined;
  readonly signal: AbortSignal | undefined;
  /** `onProgress`, wrapped so that a throwing listener cannot break the stop. */
  readonly progress: (progress: StopProgress) => void;
}

/** {@link EnsureFreeOptions} after validation. */
export interface FreeSettings extends KillSettings {
  readonly maxWait: number;
  readonly waitOnly: boolean;
}

function booleanOption(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(name, `Invalid ${name} ${String(value)}: expected true or false`);
  }
  return value;
}

function functionOption<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new InvalidOptionError(name, `Invalid ${name}: expected a function`);
  }
  return value as T;
}

/**
 * Checks a signal name against the signals this OS knows (`os.constants.signals`).
 *
 * @example
 * ```ts
 * validateSignalName('SIGINT'); // 'SIGINT'
 * validateSignalName('SIGFOO'); // throws InvalidOptionError
 * ```
 */
export function validateSignalName(value: unknown, name = 'killSignal'): NodeJS.Signals {
  if (typeof value !== 'string' || !Object.hasOwn(constants.signals, value)) {
    throw new InvalidOptionError(
      name,
      `Invalid ${name} ${JSON.stringify(String(value)).slice(0, 40)}: expected a signal name such as 'SIGTERM' or 'SIGINT'`,
    );
  }
  return value as NodeJS.Signals;
}

/**
 * Validates the port and every option of `killProcessOnPort` before anything runs; throws
 * `ERR_INVALID_PORT` / `ERR_INVALID_OPTION` errors.
 *
 * @example
 * ```ts
 * const settings = validateKillOptions('3000', {gracePeriod: 1000});
 * ```
 */
export function validateKillOptions(port: unknown, options: KillOptions | undefined): KillSettings {
  const validPort = validatePort(port);
  const valid = validateOptions<KillOptions>(options);
  const protocol = validateProtocol(valid.protocol);
  const context = contextFromOptions(valid);
  const forcedAdapter = resolveAdapterName(valid.adapter, context.env);
  const killSignal =
    valid.killSignal === undefined ? 'SIGTERM' : validateSignalName(valid.killSignal);
  const gracePeriod = validateMilliseconds('gracePeriod', valid.gracePeriod, DEFAULT_GRACE_PERIOD);
  const force = booleanOption('force', valid.force);
  const dryRun = booleanOption('dryRun', valid.dryRun);
  const tree = booleanOption('tree', valid.tree);
  const filter = functionOption<(owner: PortOwner) => boolean>('filter', valid.filter);
  const onProgress = functionOption<(progress: StopProgress) => void>(
    'onProgress',
    valid.onProgress,
  );
  return {
    port: validPort,
    protocol,
    forcedAdapter,
    context,
    killSignal,
    gracePeriod,
    force,
    dryRun,
    tree,
    filter,
    signal: context.signal,
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
 * const settings = validateFreeOptions(3000, {maxWait: 5000, waitOnly: true});
 * ```
 */
export function validateFreeOptions(
  port: unknown,
  options: EnsureFreeOptions | undefined,
): FreeSettings {
  const settings = validateKillOptions(port, options);
  const valid = validateOptions<EnsureFreeOptions>(options);
  return {
    ...settings,
    maxWait: validateMilliseconds('maxWait', valid.maxWait, DEFAULT_MAX_WAIT),
    waitOnly: booleanOption('waitOnly', valid.waitOnly),
  };
}
