import { parseCgroup, type SystemdUnitInfo } from '../parsers/cgroup.ts';
import type { CoHolder, HolderFacts, ProcessManager } from './types.ts';

/**
 * A systemd service, or a socket unit with socket activation. Read from `/proc/<pid>/cgroup`
 * (`0::/system.slice/nginx.service`, `1:name=systemd:/system.slice/...`, user services below
 * `user@<uid>.service`):
 *
 * - a process of a `.service` unit -> `systemctl stop <unit>` (`systemctl --user` for a user
 *   unit), with the `.socket` unit first when the service was socket-activated (`LISTEN_FDNAMES` /
 *   `LISTEN_PID` in its environment, or systemd co-holding the socket);
 * - systemd itself holding the listening socket (pid 1, or a user's `systemd --user`) -> the
 *   socket unit, found from a co-holding service process when there is one;
 * - scopes (login sessions `session-N.scope`, `systemd-run --scope`, terminal and app scopes)
 *   are not managed: nothing restarts them;
 * - a holder in the caller's own unit (a CI job's service, a shell started from a unit) is not
 *   reported as managed: it is the caller's own business.
 *
 * @example
 * ```ts
 * detectSystemd({pid: 1951, name: 'nginx', argv: null, ppid: 1, ancestors: [],
 *   cgroup: '0::/system.slice/nginx.service\n'});
 * // {kind: 'systemd', name: 'nginx.service', hint: 'systemctl stop nginx.service'}
 * ```
 */
export function detectSystemd(facts: HolderFacts): ProcessManager | null {
  if (facts.cgroup === undefined) return null;
  const unit = parseCgroup(facts.cgroup).unit;
  if (isSystemdItself(facts, unit)) return socketOfManager(facts, unit);
  if (unit === null || unit.type !== 'service' || isUserManager(unit)) return null;
  if (facts.callerCgroup !== undefined && sameUnit(unit, parseCgroup(facts.callerCgroup).unit)) {
    return null;
  }
  const socket = activatingSocket(facts, unit);
  const units = socket === null ? unit.name : `${socket} ${unit.name}`;
  return { kind: 'systemd', name: unit.name, hint: `${systemctl(unit)} stop ${units}` };
}

function isSystemdItself(facts: HolderFacts, unit: SystemdUnitInfo | null): boolean {
  if (facts.name !== 'systemd') return false;
  if (facts.pid === 1) return true;
  // A user's manager: `user@1000.service/init.scope` (v2), or `user@1000.service` itself (v1).
  return (
    unit !== null && (unit.manager === 'user' ? unit.name === 'init.scope' : isUserManager(unit))
  );
}

function isUserManager(unit: SystemdUnitInfo): boolean {
  return unit.manager === 'system' && /^user@\d+\.service$/.test(unit.name);
}

function sameUnit(a: SystemdUnitInfo, b: SystemdUnitInfo | null): boolean {
  return b !== null && a.name === b.name && a.manager === b.manager && a.uid === b.uid;
}

function systemctl(unit: SystemdUnitInfo): string {
  return unit.manager === 'user' ? 'systemctl --user' : 'systemctl';
}

/** Socket activation seen from the service's side: which `.socket` unit started it. */
function activatingSocket(facts: HolderFacts, unit: SystemdUnitInfo): string | null {
  const environment = facts.environment ?? {};
  const named = socketNames(environment.LISTEN_FDNAMES);
  if (named.length > 0) return named.join(' ');
  const passedToUs =
    environment.LISTEN_PID === undefined
      ? environment.LISTEN_FDS !== undefined
      : environment.LISTEN_PID === String(facts.pid);
  const coHeldBySystemd = (facts.coHolders ?? []).some((co) => co.name === 'systemd');
  return passedToUs || coHeldBySystemd ? socketForService(unit.name) : null;
}

/** systemd holding the socket: name the socket unit from a co-holding service process. */
function socketOfManager(facts: HolderFacts, manager: SystemdUnitInfo | null): ProcessManager {
  const user = manager?.manager === 'user' || (manager !== null && isUserManager(manager));
  const command = user ? 'systemctl --user' : 'systemctl';
  for (const co of facts.coHolders ?? []) {
    const service = serviceOf(co);
    if (service === null) continue;
    const socket = socketNames(co.environment?.LISTEN_FDNAMES)[0] ?? socketForService(service);
    return { kind: 'systemd', name: socket, hint: `${command} stop ${socket} ${service}` };
  }
  const where = facts.port === undefined ? 'this port' : `port ${facts.port}`;
  return {
    kind: 'systemd',
    name: null,
    hint: `${command} list-sockets --all (the unit listening on ${where}), then: ${command} stop <name>.socket <name>.service`,
  };
}

function serviceOf(co: CoHolder): string | null {
  if (co.cgroup === undefined || co.name === 'systemd') return null;
  const unit = parseCgroup(co.cgroup).unit;
  return unit !== null && unit.type === 'service' && !isUserManager(unit) ? unit.name : null;
}

/** `LISTEN_FDNAMES` (colon-separated; defaults to the socket unit's name) -> `.socket` units. */
function socketNames(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value.split(':').filter((name) => name.endsWith('.socket'));
  return [...new Set(names)];
}

/**
 * The socket unit that activates a service by default: the same name with `.socket`; for an
 * `Accept=yes` instance (`echo@3-127.0.0.1:7-127.0.0.1:41234.service`) the template's name.
 */
function socketForService(service: string): string {
  return `${service.replace(/\.service$/, '').replace(/@.*$/, '')}.socket`;
}
