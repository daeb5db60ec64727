/**
 * Managed holders: who runs a port's holder and what a person runs instead of killing it. Pure
 * detection only; gathering the facts (from /proc, `ps`, `tasklist`, netsh) is the adapters' job.
 *
 * @example
 * ```ts
 * import {detectManager} from './managers/index.ts';
 * detectManager(facts); // {kind: 'pm2', name: 'api', hint: 'pm2 stop api'} or null
 * ```
 *
 * @module
 */
export { detectManager, MANAGER_DETECTORS } from './detect.ts';
export {
  type DockerProxyArgs,
  detectContainerProcess,
  detectDockerDesktop,
  detectDockerProxy,
  detectRootlessPort,
  parseDockerProxyArgv,
} from './docker.ts';
export { KNOWN_HOLDERS, type KnownHolder, knownHolder } from './known-holders.ts';
export { AIRPLAY_PORTS, detectAirPlayReceiver, detectLaunchdJob } from './launchd.ts';
export { detectPm2, findPm2Daemon, type Pm2Daemon } from './pm2.ts';
export { detectSystemd } from './systemd.ts';
export type * from './types.ts';
export { detectHttpSys, detectWindowsService, detectWslRelay } from './windows.ts';
