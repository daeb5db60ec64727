import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { InvalidOptionError } from '../errors.ts';
import type { ProbeRules } from '../platform/profile.ts';

/**
 * The addresses a bind probe tries: for a `host`, that address (`'localhost'`: both loopbacks;
 * a name: every address it resolves to); without one, the platform's wildcard and loopback
 * addresses, plus every interface address where the platform needs them. A name that does not
 * resolve is `ERR_INVALID_OPTION` (the DNS error is its `cause`).
 *
 * @example
 * ```ts
 * await probeAddresses(undefined, platform.probe); // ['::', '0.0.0.0', '127.0.0.1', '::1']
 * await probeAddresses('localhost', platform.probe); // ['127.0.0.1', '::1']
 * ```
 */
export async function probeAddresses(
  host: string | undefined,
  rules: ProbeRules,
): Promise<string[]> {
  if (host === undefined) {
    const hosts = [...rules.hosts];
    if (rules.interfaceAddresses) {
      for (const addresses of Object.values(networkInterfaces())) {
        for (const address of addresses ?? []) {
          const text =
            address.family === 'IPv6' && address.scopeid
              ? `${address.address}%${address.scopeid}`
              : address.address;
          if (!hosts.includes(text)) hosts.push(text);
        }
      }
    }
    return hosts;
  }
  if (host === 'localhost') return ['127.0.0.1', '::1'];
  if (isIP(host.split('%')[0] ?? '')) return [host];
  const { lookup } = await import('node:dns/promises');
  try {
    const resolved = await lookup(host, { all: true });
    return resolved.map((entry) => entry.address);
  } catch (error) {
    throw new InvalidOptionError('host', `Cannot resolve host ${JSON.stringify(host)}`, {
      cause: error,
    });
  }
}
