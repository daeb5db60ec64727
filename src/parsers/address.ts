import { isIPv4, isIPv6 } from 'node:net';
import type { Family } from '../types.ts';

/**
 * An address and port split out of a tool's text. `port` is `null` for `*`.
 *
 * @example
 * ```ts
 * const endpoint: HostPort = {address: '::1', port: 3000}; // from '[::1]:3000'
 * ```
 */
export interface HostPort {
  readonly address: string;
  readonly port: number | null;
}

/**
 * Normalises an address as tools print it: strips brackets, maps the wildcards `*`, `0.0.0.0`,
 * `[::]`, `::` to `'0.0.0.0'` / `'::'` (by `family`), keeps a `%zone` suffix. An IPv4-mapped IPv6
 * address (`::ffff:127.0.0.1`) stays as printed.
 *
 * @example
 * ```ts
 * normalizeAddress('[::1]');        // '::1'
 * normalizeAddress('*', 'IPv6');    // '::'
 * ```
 */
export function normalizeAddress(raw: string, family?: Family): string {
  let address = raw.trim();
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (address === '*' || address === '') return family === 'IPv6' ? '::' : '0.0.0.0';
  return address.toLowerCase();
}

/**
 * The family of an address (`%zone` ignored). Falls back to `fallback` for `*`.
 *
 * @example
 * ```ts
 * familyOf('::1');       // 'IPv6'
 * familyOf('10.0.0.1');  // 'IPv4'
 * ```
 */
export function familyOf(address: string, fallback: Family = 'IPv4'): Family {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0] ?? '';
  if (isIPv4(bare)) return 'IPv4';
  if (isIPv6(bare) || bare.includes(':')) return 'IPv6';
  return fallback;
}

/**
 * Splits `host:port` on the *last* colon, as Linux and Windows tools print it:
 * `127.0.0.1:80`, `[::1]:80`, `:::22`, `*:22`, `[fe80::1%11]:1900`, `127.0.0.53%lo:53`.
 * A port of `*` gives `port: null`; a non-numeric port (a service name) gives `undefined`.
 *
 * @example
 * ```ts
 * splitHostPort('[::]:443');   // {address: '[::]', port: 443}
 * splitHostPort('*:*');        // {address: '*', port: null}
 * ```
 */
export function splitHostPort(text: string): HostPort | undefined {
  const index = text.lastIndexOf(':');
  if (index < 0) return undefined;
  return finish(text.slice(0, index), text.slice(index + 1));
}

/**
 * Splits `host.port` on the *last* dot, as BSD and macOS netstat print it:
 * `127.0.0.1.5432`, `*.443`, `::1.5432`, `fe80::1%lo0.123`, `*.*`.
 *
 * @example
 * ```ts
 * splitBsdHostPort('*.8080');   // {address: '*', port: 8080}
 * ```
 */
export function splitBsdHostPort(text: string): HostPort | undefined {
  const index = text.lastIndexOf('.');
  if (index < 0) return undefined;
  return finish(text.slice(0, index), text.slice(index + 1));
}

function finish(address: string, portText: string): HostPort | undefined {
  if (portText === '*') return { address, port: null };
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  return { address, port };
}

/**
 * Whether an address is a wildcard (any address of its family).
 *
 * @example
 * ```ts
 * isWildcard('::'); // true
 * ```
 */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '*';
}
