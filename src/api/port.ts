import { validatePort } from '../input.ts';

/**
 * Checks a port exactly as every portwarden function does, and returns it as a number: an
 * integer 1–65535, or a string of decimal digits naming one (from a configuration file or an
 * environment variable). Anything else throws, synchronously, an error with
 * `code: 'ERR_INVALID_PORT'` (a `TypeError`, or a `RangeError` for numbers out of range).
 *
 * @example
 * ```ts
 * import {parsePort} from 'portwarden';
 *
 * const port = parsePort(process.env.PORT ?? '3000'); // 3000
 * parsePort('80; rm -rf /'); // throws, code 'ERR_INVALID_PORT'
 * ```
 */
export function parsePort(value: unknown): number {
  return validatePort(value);
}
