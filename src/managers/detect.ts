import {
  detectContainerProcess,
  detectDockerDesktop,
  detectDockerProxy,
  detectRootlessPort,
} from './docker.ts';
import { detectAirPlayReceiver, detectLaunchdJob } from './launchd.ts';
import { detectPm2 } from './pm2.ts';
import { detectSystemd } from './systemd.ts';
import type { Detector, HolderFacts, ProcessManager } from './types.ts';
import { detectHttpSys, detectWindowsService, detectWslRelay } from './windows.ts';

/**
 * The detectors in the order {@link detectManager} asks them. The most specific manager wins
 * where managers nest:
 *
 * 1. http.sys, Windows services, WSL relay: Windows facts that nothing else claims;
 * 2. Docker and Podman helpers (`docker-proxy` runs inside `docker.service`, so before systemd);
 * 3. a process inside a container (its cgroup is a `docker-<id>.scope`, not a service);
 * 4. pm2 (its daemon often runs as `pm2-<user>.service`: `pm2 stop api` beats stopping them all);
 * 5. launchd (ControlCenter, jobs);
 * 6. systemd, last: a service unit is the outermost manager.
 *
 * @example
 * ```ts
 * MANAGER_DETECTORS.length; // 11
 * ```
 */
export const MANAGER_DETECTORS: readonly Detector[] = [
  detectHttpSys,
  detectWindowsService,
  detectWslRelay,
  detectDockerProxy,
  detectDockerDesktop,
  detectRootlessPort,
  detectContainerProcess,
  detectPm2,
  detectAirPlayReceiver,
  detectLaunchdJob,
  detectSystemd,
];

/**
 * Who runs a port holder, from what the system shows about it; `null` for a holder nothing
 * manages (or whose facts do not show one). Pure and synchronous: the caller gathers the facts.
 *
 * @example
 * ```ts
 * detectManager({pid: 1951, name: 'nginx', argv: ['nginx: master process'], ppid: 1,
 *   ancestors: [], cgroup: '0::/system.slice/nginx.service\n'});
 * // {kind: 'systemd', name: 'nginx.service', hint: 'systemctl stop nginx.service'}
 * detectManager({pid: 4242, name: 'node', argv: ['node', 'server.js'], ppid: 4100, ancestors: []});
 * // null
 * ```
 */
export function detectManager(
  facts: HolderFacts,
  detectors: readonly Detector[] = MANAGER_DETECTORS,
): ProcessManager | null {
  for (const detector of detectors) {
    const manager = detector(facts);
    if (manager !== null) return manager;
  }
  return null;
}
