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
 * Checks that `options` is undefined or a plain object.
 *
 * @example
 * ```ts
 * validateOptions(undefined); // {}
 * ```
 */
export function validateOptions<T extends object>(options: unknown): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError('options', 'Options must be an object');
  }
  return options as Partial<T>;
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
