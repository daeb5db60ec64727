import { isIP, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { InvalidOptionError, throwIfAborted } from './errors.ts';
import { type CommonOptions, contextFromOptions } from './options.ts';
import { validateOptions, validatePort, validateProtocol } from './port.ts';
import { type HostProbe, probeHosts } from './probe.ts';
import { ipv6OnlyByDefault, probeProfile } from './probe-profiles.ts';
import { holdsPort } from './rows.ts';
import type { Protocol, SocketRow } from './types.ts';

// The socket-table code (adapters, parsers) and DNS are loaded only when a probe needs them, so
// that `isPortInUse` before `listen()` costs a bind, not a module graph.
const loadSocketTable = () => import('./socket-table.ts');

/** Options of {@link isPortInUse} and {@link probePort}. */
export interface PortInUseOptions extends CommonOptions {
  /**
   * Only this address (an IP literal, `'localhost'`, or a host name that is resolved). Without it,
   * every address a server started with `listen(port)` or `listen(port, '127.0.0.1' | '::1' |
   * '0.0.0.0' | '::')` would use.
   */
  readonly host?: string;
  /** Default `'tcp'`. */
  readonly protocol?: Protocol;
}

/** The full answer of {@link probePort}. */
export interface PortProbe {
  readonly port: number;
  readonly protocol: Protocol;
  /** Whether a Node server could not listen right now because something holds the port. */
  readonly inUse: boolean;
  /** Each bind probe and its outcome, in order (stops at the first `'in-use'`). */
  readonly probes: readonly HostProbe[];
  /**
   * `'bind'`: the probes decided. `'socket-table'`: a probe was denied (EACCES — a privileged port,
   * a Windows excluded range) or the OS needs the table (macOS), so the socket table decided.
   */
  readonly decidedBy: 'bind' | 'socket-table';
  /** Whether some bind was refused with EACCES/EPERM although nothing holds the port there. */
  readonly denied: boolean;
}

async function hostsToProbe(host: string | undefined, context: { platform: NodeJS.Platform }) {
  const profile = probeProfile(context.platform);
  if (host === undefined) {
    const hosts = [...profile.hosts];
    if (profile.interfaceAddresses) {
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
  const resolved = await lookup(host, { all: true });
  return resolved.map((entry) => entry.address);
}

function rowMatchesHost(row: SocketRow, hosts: readonly string[] | undefined): boolean {
  if (hosts === undefined) return true;
  if (row.localAddress === '0.0.0.0' || row.localAddress === '::' || row.localAddress === '*')
    return true;
  return hosts.some(
    (host) =>
      host.toLowerCase() === row.localAddress || (isIPv6(host) && row.localAddress === host),
  );
}

/**
 * Probes the port in detail: which addresses were tried, what each bind said, and whether the
 * socket table had to decide. {@link isPortInUse} is `(await probePort(...)).inUse`.
 *
 * @example
 * ```ts
 * const probe = await probePort(80);
 * // as a non-root user: {inUse: true, decidedBy: 'socket-table', denied: false, ...}
 * ```
 */
export async function probePort(
  port: number | string,
  options?: PortInUseOptions,
): Promise<PortProbe> {
  const validPort = validatePort(port);
  const valid = validateOptions<PortInUseOptions>(options);
  const protocol = validateProtocol(valid.protocol);
  if (valid.host !== undefined && (typeof valid.host !== 'string' || valid.host.trim() === '')) {
    throw new InvalidOptionError('host', 'host must be a non-empty string');
  }
  const context = contextFromOptions(valid);
  const forcing = valid.adapter !== undefined || Boolean(context.env.PORTWARDEN_ADAPTER);
  const forcedAdapter = forcing
    ? (await loadSocketTable()).resolveAdapterName(valid.adapter, context.env)
    : undefined;
  throwIfAborted(context.signal);
  const profile = probeProfile(context.platform);
  const hosts = await hostsToProbe(valid.host, context);
  const probes = await probeHosts(validPort, hosts, protocol, {
    dualStackCoversAll:
      profile.dualStackCoversAll &&
      valid.host === undefined &&
      !ipv6OnlyByDefault(context.procRoot),
  });
  if (probes.some((probe) => probe.outcome === 'in-use')) {
    return { port: validPort, protocol, inUse: true, probes, decidedBy: 'bind', denied: false };
  }
  const denied = probes.some((probe) => probe.outcome === 'denied');
  if (!denied && !profile.confirmWithSocketTable) {
    return { port: validPort, protocol, inUse: false, probes, decidedBy: 'bind', denied: false };
  }
  const { readSocketTable } = await loadSocketTable();
  const { rows } = await readSocketTable(
    { port: validPort, protocol, withoutOwners: true },
    context,
    forcedAdapter,
  );
  const held = rows.some(
    (row) =>
      holdsPort(row, validPort, protocol) &&
      rowMatchesHost(row, valid.host === undefined ? undefined : hosts),
  );
  return {
    port: validPort,
    protocol,
    inUse: held,
    probes,
    decidedBy: 'socket-table',
    denied: denied && !held,
  };
}

/**
 * `true` when a Node server could not listen on the port right now because something holds it —
 * for `host`, or, without one, for any address `listen(port)` or `listen(port, '127.0.0.1' |
 * '::1' | '0.0.0.0' | '::')` would use. Decided by exclusive bind probes (about 0.05 ms each,
 * no subprocess), so listeners on `::1`, IPv6-only `::` and interface addresses are seen; where
 * binding cannot tell (EACCES on a privileged port) the socket table decides. TIME_WAIT sockets
 * that do not stop a Node server do not count.
 *
 * @example
 * ```ts
 * import {isPortInUse} from 'portwarden';
 *
 * if (await isPortInUse(3000)) {
 *   console.log('Port 3000 is taken');
 * }
 * await isPortInUse(53, {protocol: 'udp', host: '127.0.0.53'});
 * ```
 */
export async function isPortInUse(
  port: number | string,
  options?: PortInUseOptions,
): Promise<boolean> {
  return (await probePort(port, options)).inUse;
}
