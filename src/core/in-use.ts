import { InvalidOptionError } from '../errors.ts';
import type { HostProbe, ProbeReport } from '../reports.ts';
import { readSocketTable } from '../socket-table/read.ts';
import { holdsPort } from '../socket-table/rows.ts';
import { ipv6OnlyByDefault } from '../system/procfs.ts';
import { throwIfAborted } from '../system/timing.ts';
import type { Protocol, SocketRow } from '../types.ts';
import type { Context } from './context.ts';
import { probeAddresses } from './hosts.ts';
import { asRead } from './port-lock.ts';
import { probeHosts } from './probe.ts';

/**
 * A validated "is this port in use?" question, its addresses resolved once so that a polling
 * loop can ask it again cheaply.
 *
 * @example
 * ```ts
 * const target = await probeTarget({port: 3000, protocol: 'tcp'}, context);
 * ```
 */
export interface ProbeTarget {
  readonly port: number;
  readonly protocol: Protocol;
  /** The caller's `host`, or `undefined` for every address a server would use. */
  readonly host: string | undefined;
  /** The addresses to bind, in order. */
  readonly addresses: readonly string[];
  /** The adapter the caller forced, for when the socket table must decide. */
  readonly forcedAdapter: string | undefined;
}

/**
 * Resolves the addresses of a probe once (DNS for a host name, interface addresses where the
 * platform needs them).
 *
 * @example
 * ```ts
 * const target = await probeTarget({port: 53, protocol: 'udp', host: 'localhost'}, context);
 * target.addresses; // ['127.0.0.1', '::1']
 * ```
 */
export async function probeTarget(
  question: {
    readonly port: number;
    readonly protocol: Protocol;
    readonly host?: string | undefined;
    readonly forcedAdapter?: string | undefined;
  },
  context: Context,
): Promise<ProbeTarget> {
  return {
    port: question.port,
    protocol: question.protocol,
    host: question.host,
    addresses: await probeAddresses(question.host, context.platform.probe),
    forcedAdapter: question.forcedAdapter,
  };
}

function rowMatchesHost(row: SocketRow, target: ProbeTarget): boolean {
  if (target.host === undefined) return true;
  if (row.localAddress === '0.0.0.0' || row.localAddress === '::' || row.localAddress === '*')
    return true;
  return target.addresses.some((address) => address.toLowerCase() === row.localAddress);
}

/**
 * The bind probes of a target, in order: they stop at the first `'in-use'` or — on Linux, without
 * a host — after a free dual-stack `::`, which no socket on the port would have allowed. A `host`
 * that is no address of this machine (every bind says EADDRNOTAVAIL) is `ERR_INVALID_OPTION`:
 * a server could never listen there, so it is neither "free" nor "in use".
 *
 * @example
 * ```ts
 * await bindProbes(target, context); // [{host: '::', outcome: 'free'}]
 * ```
 */
export async function bindProbes(target: ProbeTarget, context: Context): Promise<HostProbe[]> {
  throwIfAborted(context.signal);
  const rules = context.platform.probe;
  const probes = await probeHosts(target.port, target.addresses, target.protocol, {
    dualStackCoversAll:
      rules.dualStackCoversAll && target.host === undefined && !ipv6OnlyByDefault(context.procRoot),
  });
  if (
    target.host !== undefined &&
    probes.length > 0 &&
    probes.every((probe) => probe.outcome === 'not-applicable')
  ) {
    throw new InvalidOptionError(
      'host',
      `${target.host} is not an address of this machine: a server could not listen there`,
    );
  }
  return probes;
}

/**
 * Whether a Node server could listen on the port now, and why: exclusive bind probes on the
 * target's addresses (stopping at the first `in-use`, or — on Linux — after a free dual-stack
 * `::`); the socket table decides only where a probe was denied (EACCES) or the platform needs
 * it to confirm a "free" (macOS).
 *
 * @example
 * ```ts
 * const report = await probeTargetNow(target, context);
 * report.inUse; // true
 * ```
 */
export async function probeTargetNow(target: ProbeTarget, context: Context): Promise<ProbeReport> {
  const { port, protocol } = target;
  const rules = context.platform.probe;
  const probes = await bindProbes(target, context);
  if (probes.some((probe) => probe.outcome === 'in-use')) {
    return { port, protocol, inUse: true, probes, decidedBy: 'bind', denied: false };
  }
  const denied = probes.some((probe) => probe.outcome === 'denied');
  if (!denied && !rules.confirmWithSocketTable) {
    return { port, protocol, inUse: false, probes, decidedBy: 'bind', denied: false };
  }
  const { rows } = await asRead(`${protocol}:${port}`, () =>
    readSocketTable(
      { query: { port, protocol, withoutOwners: true }, forced: target.forcedAdapter },
      context.platform,
      context,
    ),
  );
  const held = rows.some((row) => holdsPort(row, port, protocol) && rowMatchesHost(row, target));
  return {
    port,
    protocol,
    inUse: held,
    probes,
    decidedBy: 'socket-table',
    denied: denied && !held,
  };
}
