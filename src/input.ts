/**
 * Checks of what a caller hands in — ports, option objects, durations, signal names — with the
 * typed errors the contract promises (`ERR_INVALID_PORT`, `ERR_INVALID_OPTION`), before anything
 * runs. Used by the public functions and the server helpers.
 *
 * @module
 */
import { constants } from 'node:os';
import { InvalidOptionError, InvalidPortError, PortRangeError } from './errors.ts';
import type { Protocol } from './types.ts';

const DIGITS = /^[0-9]+$/;

/**
 * Turns a port given as a number or a string of decimal digits into a number from 1 to 65535, or
 * throws an error with `code: 'ERR_INVALID_PORT'`. No whitespace, sign, hex, exponent or fraction
 * is accepted: `'80; rm -rf /'`, `' 80'`, `'0x50'`, `'1e3'`, `8.5`, `0`, `NaN` are all rejected.
 *
 * @example
 * ```ts
 * validatePort('8080'); // 8080
 * validatePort(0);      // throws PortRangeError (code 'ERR_INVALID_PORT')
 * ```
 */
export function validatePort(port: unknown): number {
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PortRangeError(
        port,
        `Invalid port ${String(port)}: expected an integer from 1 to 65535`,
      );
    }
    return port;
  }
  if (typeof port === 'string') {
    if (!DIGITS.test(port)) {
      throw new InvalidPortError(
        port,
        `Invalid port ${JSON.stringify(port.slice(0, 40))}: expected decimal digits naming a port from 1 to 65535`,
      );
    }
    const value = Number(port);
    if (value < 1 || value > 65535) {
      throw new PortRangeError(port, `Invalid port ${JSON.stringify(port)}: out of range 1-65535`);
    }
    return value;
  }
  throw new InvalidPortError(
    port,
    `Invalid port of type ${port === null ? 'null' : typeof port}: expected a number or a string of digits`,
  );
}

/**
 * Checks a `protocol` option: `undefined` (meaning `fallback`), `'tcp'` or `'udp'`.
 *
 * @example
 * ```ts
 * validateProtocol(undefined); // 'tcp'
 * validateProtocol('sctp');    // throws InvalidOptionError
 * ```
 */
export function validateProtocol(protocol: unknown, fallback: Protocol = 'tcp'): Protocol {
  if (protocol === undefined) return fallback;
  if (protocol === 'tcp' || protocol === 'udp') return protocol;
  throw new InvalidOptionError(
    'protocol',
    `Invalid protocol ${String(protocol)}: expected 'tcp' or 'udp'`,
  );
}

/**
 * Reads an options argument: `undefined`/`null` or a plain object. Only the caller's **own**
 * properties are read, into an object without a prototype, so a polluted `Object.prototype`
 * (`Object.prototype.adapter = ...`) can never set an option.
 *
 * @example
 * ```ts
 * ownOptions<{maxWait?: number}>({maxWait: 500}).maxWait; // 500
 * ```
 */
export function ownOptions<T extends object>(options: unknown): Partial<T> {
  const own = Object.create(null) as Record<string, unknown>;
  if (options === undefined || options === null) return own as Partial<T>;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError('options', 'Options must be an object');
  }
  for (const key of Object.keys(options)) own[key] = (options as Record<string, unknown>)[key];
  return own as Partial<T>;
}

/**
 * Checks an optional non-negative finite number of milliseconds.
 *
 * @example
 * ```ts
 * validateMilliseconds('maxWait', undefined, 15000); // 15000
 * ```
 */
export function validateMilliseconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(
      name,
      `Invalid ${name} ${String(value)}: expected milliseconds >= 0`,
    );
  }
  return value;
}

/**
 * Checks an optional boolean option (default `false`).
 *
 * @example
 * ```ts
 * validateBoolean('force', undefined); // false
 * ```
 */
export function validateBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(name, `Invalid ${name} ${String(value)}: expected true or false`);
  }
  return value;
}

/**
 * Checks an optional function option.
 *
 * @example
 * ```ts
 * validateFunction('filter', (owner) => owner.name === 'node');
 * ```
 */
export function validateFunction<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new InvalidOptionError(name, `Invalid ${name}: expected a function`);
  }
  return value as T;
}

/**
 * Checks an optional `host`: a non-empty string.
 *
 * @example
 * ```ts
 * validateHost('127.0.0.1'); // '127.0.0.1'
 * ```
 */
export function validateHost(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidOptionError('host', 'host must be a non-empty string');
  }
  return value;
}

/**
 * Checks an optional AbortSignal.
 *
 * @example
 * ```ts
 * validateAbortSignal(AbortSignal.timeout(1000));
 * ```
 */
export function validateAbortSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', 'signal must be an AbortSignal');
  }
  return value;
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
 * `object[key]` when the object has that property **of its own**, else `undefined`: a polluted
 * `Object.prototype` (`Object.prototype.run = ...`) can never stand in for an option or a
 * setting that was left out.
 *
 * @example
 * ```ts
 * own({}, 'run'); // undefined, whatever Object.prototype.run is
 * own({run: runCommand}, 'run'); // runCommand
 * ```
 */
export function own<T extends object, K extends keyof T>(object: T, key: K): T[K] | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
