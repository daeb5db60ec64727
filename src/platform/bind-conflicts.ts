/**
 * Which existing sockets make a Node server's `listen(port, host)` fail, per kind of network
 * stack — the rules behind the `host` option of `killProcessOnPort` and `ensurePortFree`.
 * Pure functions of addresses; the bind probe always has the last word.
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/** An address without brackets or zone, IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4, lowercase. */
function plain(address: string): string {
  const bare =
    address
      .replace(/^\[|\]$/g, '')
      .split('%')[0]
      ?.toLowerCase() ?? '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped?.[1] ?? bare;
}

function familyOf(address: string): 'IPv4' | 'IPv6' | undefined {
  if (address === '*') return undefined;
  if (isIPv4(address)) return 'IPv4';
  if (isIPv6(address)) return 'IPv6';
  return undefined;
}

/**
 * Linux, where Node's listener sets SO_REUSEADDR: two listeners on one port conflict when their
 * addresses overlap. A wildcard covers every address of its family, and `::` (dual-stack unless
 * the program asked for IPv6 only, which a socket table does not show) covers IPv4 too. An
 * address no tool could name (`'*'`) conflicts with everything.
 *
 * @example
 * ```ts
 * overlappingAddresses('0.0.0.0', '127.0.0.1');   // true
 * overlappingAddresses('127.0.0.2', '127.0.0.1'); // false
 * overlappingAddresses('::', '127.0.0.1');        // true (dual stack)
 * ```
 */
export function overlappingAddresses(holder: string, host: string): boolean {
  const a = plain(holder);
  const h = plain(host);
  if (a === '*' || h === '*' || a === '' || h === '') return true;
  if (a === h || a === '::' || h === '::') return true;
  const holderFamily = familyOf(a);
  const hostFamily = familyOf(h);
  if (holderFamily === undefined || hostFamily === undefined) return true;
  if (holderFamily !== hostFamily) return false;
  return a === '0.0.0.0' || h === '0.0.0.0';
}

/**
 * BSD stacks (macOS, FreeBSD) and Windows as Node uses them: a wildcard listener and one on a
 * specific address of the same port can coexist (SO_REUSEADDR on BSD; no exclusive use on
 * Windows), so only the same address conflicts — and, conservatively, the two wildcards with each
 * other (`::` dual-stack and `0.0.0.0`). An address no tool could name (`'*'`) conflicts with
 * everything.
 *
 * @example
 * ```ts
 * sameAddress('0.0.0.0', '127.0.0.1');   // false
 * sameAddress('127.0.0.1', '127.0.0.1'); // true
 * ```
 */
export function sameAddress(holder: string, host: string): boolean {
  const a = plain(holder);
  const h = plain(host);
  if (a === '*' || h === '*' || a === '' || h === '') return true;
  if (a === h) return true;
  const wildcards = new Set(['0.0.0.0', '::']);
  return wildcards.has(a) && wildcards.has(h);
}
