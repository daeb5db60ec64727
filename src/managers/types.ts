/**
 * The data model of "managed holders": who runs a port's holder (a container engine, a service
 * manager, a process manager) and what a person should run instead of killing it. Detectors are
 * pure functions from {@link HolderFacts} to a {@link ProcessManager} or `null`.
 *
 * @module
 */

import type { HttpSysQueue } from '../parsers/netsh-http.ts';

export type { HttpSysQueue };

/**
 * Who runs a holder. The first seven are the ones portwarden detects; `string` leaves room for
 * more (each documented in `known-holders.ts`), so a consumer must handle names it does not know.
 *
 * | kind | meaning |
 * | --- | --- |
 * | `'docker'` | a container engine publishes a container's port (docker-proxy, Docker Desktop), or the holder runs inside a Docker container |
 * | `'podman'` | the same for Podman (rootlessport, a process in a `libpod-<id>.scope`) |
 * | `'systemd'` | a system or user service unit, or a socket unit (socket activation) |
 * | `'pm2'` | an app of the pm2 process manager |
 * | `'launchd'` | a launchd job on macOS (also ControlCenter's AirPlay Receiver) |
 * | `'windows-service'` | a process hosting Windows services (Service Control Manager) |
 * | `'http.sys'` | the Windows kernel HTTP server (pid 4 `System`) serving a registered URL |
 * | `'wsl'` | WSL2's port forwarding (`wslrelay.exe`) |
 *
 * @example
 * ```ts
 * const kind: ManagerKind = 'systemd';
 * ```
 */
export type ManagerKind =
  | 'docker'
  | 'podman'
  | 'systemd'
  | 'pm2'
  | 'launchd'
  | 'windows-service'
  | 'http.sys'
  | 'wsl'
  | (string & {});

/**
 * The manager of a holder: `PortOwner.manager` in the public contract.
 *
 * @example
 * ```ts
 * const manager: ProcessManager = {kind: 'pm2', name: 'api', hint: 'pm2 stop api'};
 * ```
 */
export interface ProcessManager {
  readonly kind: ManagerKind;
  /** The container, unit, app or service name, where known. */
  readonly name: string | null;
  /** The command (or setting) a person uses to stop the holder properly. */
  readonly hint: string;
}

/**
 * One process of a holder's ancestry.
 *
 * @example
 * ```ts
 * const daemon: ProcessSummary = {
 *   pid: 13065,
 *   name: 'PM2 v7.0.4: God',
 *   argv: ['PM2 v7.0.4: God Daemon (/root/.pm2)'],
 * };
 * ```
 */
export interface ProcessSummary {
  readonly pid: number;
  /** Short name (`/proc/<pid>/comm`, `ps -o comm`, image name), `null` when unreadable. */
  readonly name: string | null;
  /** Command line split into arguments, `null` when unreadable. */
  readonly argv: readonly string[] | null;
}

/**
 * What the operating system tells about the machine, as booleans the platform profile sets (the
 * detectors never look at OS names).
 *
 * @example
 * ```ts
 * const macos: SystemFacts = {launchd: true};
 * const windows: SystemFacts = {serviceControlManager: true};
 * ```
 */
export interface SystemFacts {
  /** Windows: services run under the Service Control Manager; pid 4 is the kernel (`System`). */
  readonly serviceControlManager?: boolean;
  /** macOS: pid 1 is launchd, which starts and restarts jobs and agents. */
  readonly launchd?: boolean;
}

/**
 * A Windows service hosted by a process (`tasklist /svc`, CIM `Win32_Service`).
 *
 * @example
 * ```ts
 * const winrm: HostedService = {name: 'WinRM', displayName: 'Windows Remote Management (WS-Management)', state: 'Running'};
 * ```
 */
export interface HostedService {
  /** The service (key) name, e.g. `'WinRM'`: what `sc.exe stop` takes. */
  readonly name: string;
  readonly displayName?: string | null;
  /** `'Running'`, `'Stopped'`, ... as CIM reports it. */
  readonly state?: string | null;
}

/**
 * Another process that holds the same socket as the holder: with systemd socket activation the
 * listening socket belongs to pid 1 (systemd) and to the service it started.
 *
 * @example
 * ```ts
 * const service: CoHolder = {pid: 812, name: 'nginx', cgroup: '0::/system.slice/nginx.service\n'};
 * ```
 */
export interface CoHolder {
  readonly pid: number;
  readonly name: string | null;
  /** Raw `/proc/<pid>/cgroup`, where readable. */
  readonly cgroup?: string;
  /** Selected environment variables (see {@link HolderFacts.environment}). */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Everything a detector may look at about one port holder. Linux fills `cgroup` and
 * `environment` from /proc; macOS fills `environment` from `ps -E` where allowed and sets
 * `system.launchd`; Windows fills `services` and (for pid 4) `httpSys`, and sets
 * `system.serviceControlManager`. Any field a source cannot read stays `undefined` / `null`:
 * detectors then decide on what is known and never guess a manager from nothing.
 *
 * @example
 * ```ts
 * const facts: HolderFacts = {
 *   pid: 4242,
 *   name: 'node',
 *   argv: ['node', '/srv/api/server.js'],
 *   ppid: 4100,
 *   ancestors: [{pid: 4100, name: 'PM2 v5.3.0: God', argv: ['PM2 v5.3.0: God Daemon (/home/me/.pm2)']}],
 *   environment: {pm_id: '0', name: 'api', PM2_HOME: '/home/me/.pm2', HOME: '/home/me'},
 *   port: 3000,
 * };
 * ```
 */
export interface HolderFacts {
  readonly pid: number;
  /** Short name (`comm` on Linux, `ps -o comm` basename on macOS, image name on Windows). */
  readonly name: string | null;
  /** Command line split into arguments; `null` when unreadable. */
  readonly argv: readonly string[] | null;
  /** Parent pid; `null` when unknown. */
  readonly ppid: number | null;
  /** The holder's uid, where known (launchd domains, `systemctl --user`). */
  readonly uid?: number | null;
  /** Parent first, then its parent, up to (and including) pid 1 where readable. */
  readonly ancestors: readonly ProcessSummary[];
  /** Raw `/proc/<pid>/cgroup` text (Linux). */
  readonly cgroup?: string;
  /**
   * The caller's own raw `/proc/self/cgroup` (Linux). A holder in the caller's own service unit
   * (a CI job, a dev shell started from a unit) is the caller's business, not a managed service.
   */
  readonly callerCgroup?: string;
  /** Only the environment variables that could be read and matter (see `MANAGER_ENV_KEYS`). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Windows services hosted by this pid. */
  readonly services?: readonly HostedService[];
  /** http.sys request queues (Windows, for pid 4 `System`). */
  readonly httpSys?: readonly HttpSysQueue[];
  /** Other processes holding the same socket (systemd socket activation). */
  readonly coHolders?: readonly CoHolder[];
  /** The port being examined, where known (docker hints, AirPlay, http.sys URL matching). */
  readonly port?: number;
  readonly protocol?: 'tcp' | 'udp';
  readonly system?: SystemFacts;
}

/**
 * A detector: pure, cheap, and `null` when the facts do not show its manager.
 *
 * @example
 * ```ts
 * const never: Detector = () => null;
 * ```
 */
export type Detector = (facts: HolderFacts) => ProcessManager | null;
