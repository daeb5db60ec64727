import { probeTarget, probeTargetNow } from '../core/in-use.ts';
import { inspect, type OwnerQuery } from '../core/inspect.ts';
import { portReport } from '../core/port-report.ts';
import { ownOptions, validateHost, validatePort, validateProtocol } from '../input.ts';
import type { PortReport, ProbeReport } from '../reports.ts';
import type { PortOwner } from '../types.ts';
import { callContext, forcedAdapter } from './common.ts';
import type { PortInUseOptions, ProcessesOptions } from './options.ts';

/**
 * Validates a "who holds it?" call: the owner question and the call's context.
 *
 * @example
 * ```ts
 * const {question, context} = ownerQuestion('3000', {protocol: 'udp'});
 * ```
 */
export function ownerQuestion(port: unknown, options?: ProcessesOptions) {
  const validPort = validatePort(port);
  const valid = ownOptions<ProcessesOptions>(options);
  const question: OwnerQuery = {
    port: validPort,
    protocol: validateProtocol(valid.protocol),
    forcedAdapter: forcedAdapter(valid.adapter),
  };
  return { question, context: callContext(valid.signal) };
}

/**
 * Validates an "is it in use?" call: the probe question and the call's context.
 *
 * @example
 * ```ts
 * const {question, context} = probeQuestion(3000, {host: '::1'});
 * ```
 */
export function probeQuestion(port: unknown, options?: PortInUseOptions) {
  const validPort = validatePort(port);
  const valid = ownOptions<PortInUseOptions>(options);
  const question = {
    port: validPort,
    protocol: validateProtocol(valid.protocol),
    host: validateHost(valid.host),
    forcedAdapter: forcedAdapter(valid.adapter),
  };
  return { question, context: callContext(valid.signal) };
}

/**
 * Probes the port in detail: which addresses were tried, what each bind said, and whether the
 * socket table had to decide. {@link isPortInUse} is `(await probePort(...)).inUse`.
 *
 * @example
 * ```ts
 * import {probePort} from 'portwarden';
 *
 * const report = await probePort(80);
 * // as a non-root user: {inUse: true, decidedBy: 'socket-table', denied: false, probes: [...]}
 * ```
 */
export async function probePort(
  port: number | string,
  options?: PortInUseOptions,
): Promise<ProbeReport> {
  const { question, context } = probeQuestion(port, options);
  return probeTargetNow(await probeTarget(question, context), context);
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
 * if (await isPortInUse(3000)) console.log('Port 3000 is taken');
 * await isPortInUse(53, {protocol: 'udp', host: '127.0.0.53'});
 * ```
 */
export async function isPortInUse(
  port: number | string,
  options?: PortInUseOptions,
): Promise<boolean> {
  const { question, context } = probeQuestion(port, options);
  return (await probeTargetNow(await probeTarget(question, context), context)).inUse;
}

/**
 * Lists every process that holds `port`: one entry per owning process and socket. Listening TCP
 * sockets by default, bound UDP sockets with `protocol: 'udp'`. A socket shared by a parent and its
 * forked children lists each of them; a connected client of the port is never listed; a socket
 * whose owner cannot be seen (another user's process, no privilege) is an entry with
 * `pid: null` — an empty array really means that nothing holds the port.
 *
 * On Linux it reads `/proc` directly (no subprocess); elsewhere it runs the platform's tools.
 *
 * @example
 * ```ts
 * import {getProcessesOnPort} from 'portwarden';
 *
 * for (const owner of await getProcessesOnPort(3000)) {
 *   console.log(owner.pid ?? 'hidden', owner.name, owner.commandLine, `${owner.address}:${owner.port}`);
 * }
 * // 4242 node node server.js :::3000
 * ```
 */
export async function getProcessesOnPort(
  port: number | string,
  options?: ProcessesOptions,
): Promise<PortOwner[]> {
  const { question, context } = ownerQuestion(port, options);
  return [...(await inspect(question, context)).owners];
}

/**
 * Everything one read of the socket table says about a port — what `portwarden who` prints: the
 * owners (as {@link getProcessesOnPort}), the TCP connections on the port by state (TIME_WAIT
 * included), whether a Node server could listen now, how many owners are hidden and what to do
 * to see them, and the adapter that answered.
 *
 * @example
 * ```ts
 * import {inspectPort} from 'portwarden';
 *
 * const report = await inspectPort(3000);
 * // {port: 3000, protocol: 'tcp', inUse: true, owners: [...], connections: {TIME_WAIT: 12},
 * //  timeWait: 12, hidden: 0, privilegeHint: null, adapter: 'procfs'}
 * ```
 */
export async function inspectPort(
  port: number | string,
  options?: ProcessesOptions,
): Promise<PortReport> {
  const { question, context } = ownerQuestion(port, options);
  return portReport(question, context);
}
