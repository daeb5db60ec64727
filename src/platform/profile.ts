import type { SocketTableAdapter } from '../adapters/adapter.ts';
import type { SystemFacts } from '../managers/types.ts';
import type { HolderFactsSource } from '../process/facts.ts';
import type { ProcessInfoSource } from '../process/info.ts';
import type { StopStrategy } from '../process/stop-strategy.ts';

/**
 * How a bind probe decides "in use" on one operating system.
 *
 * @example
 * ```ts
 * const rules: ProbeRules = {hosts: ['::', '0.0.0.0', '127.0.0.1', '::1'], interfaceAddresses: true,
 *   confirmWithSocketTable: true, dualStackCoversAll: false};
 * ```
 */
export interface ProbeRules {
  /** Addresses a bind probe tries when no host is given, in order. */
  readonly hosts: readonly string[];
  /** Whether every interface address must be probed too (only the exact address conflicts). */
  readonly interfaceAddresses: boolean;
  /**
   * Whether the socket table must confirm a "free" from the bind probes (macOS: SO_REUSEADDR lets
   * a wildcard bind succeed beside a specific-address listener).
   */
  readonly confirmWithSocketTable: boolean;
  /**
   * Whether a successful dual-stack `::` bind proves every address free (Linux: it conflicts with
   * a listener on any address of the port), so the other probes can be skipped — unless `::`
   * binds are IPv6-only by default (the sysctl `net.ipv6.bindv6only`, read from `/proc`).
   */
  readonly dualStackCoversAll: boolean;
}

/**
 * How program names compare on this OS (for the `names` option): Windows and macOS file systems
 * ignore case, and Windows adds `.exe`.
 *
 * @example
 * ```ts
 * const names: NameRules = {caseInsensitive: true, suffix: '.exe'};
 * ```
 */
export interface NameRules {
  readonly caseInsensitive: boolean;
  /** A suffix the OS adds to program names that people leave out (`'.exe'`), or `null`. */
  readonly suffix: string | null;
}

/**
 * Everything portwarden does differently on one operating system — data, not `if` chains. This
 * is the only kind of place that knows OS names: every other module reads the profile it is
 * given (the context's `platform`).
 *
 * @example
 * ```ts
 * const profile = platformProfile('darwin');
 * profile.adapters.map((adapter) => adapter.name); // ['lsof', 'netstat', 'pid-port']
 * ```
 */
export interface PlatformProfile {
  /** The platform's name, as `process.platform` says it: for messages only. */
  readonly name: string;
  /**
   * Whether portwarden has adapters of its own here. `false`: only the last-resort pid-port,
   * whose failure means the platform is unsupported (`ERR_UNSUPPORTED_PLATFORM`).
   */
  readonly supported: boolean;
  /** Socket-table adapters in the order they are tried. */
  readonly adapters: readonly SocketTableAdapter[];
  /** Where process names, command lines, parents and start times come from. */
  readonly processInfo: ProcessInfoSource;
  /** What the manager detectors look at (parents, cgroup, environment, hosted services). */
  readonly holderFacts: HolderFactsSource;
  /** What the OS is, for the manager detectors (launchd, the Service Control Manager). */
  readonly managerSystem: SystemFacts;
  /** How processes are stopped. */
  readonly stop: StopStrategy;
  /**
   * Whether a tool can run in a process group of its own that one signal ends with all its
   * children (POSIX: yes; Windows: no).
   */
  readonly processGroups: boolean;
  /** Pids that are never signalled (POSIX: 0 and 1; Windows: 0 and 4, System). */
  readonly systemPids: readonly number[];
  /** How a bind probe decides "in use". */
  readonly probe: ProbeRules;
  /**
   * Whether a socket bound to `holderAddress` makes `listen(port, host)` fail here (the `host`
   * option of the stop functions): see src/platform/bind-conflicts.ts.
   */
  conflicts(holderAddress: string, host: string): boolean;
  /** The signals that ask a server to shut down (`handleShutdownSignals`'s default). */
  readonly shutdownSignals: readonly NodeJS.Signals[];
  /** The user name of a uid, where the OS keeps a readable table (Linux `/etc/passwd`), else `null`. */
  readonly userName: (uid: number) => string | null;
  readonly names: NameRules;
  /** What to tell someone who cannot see or stop another user's process. */
  privilegeHint(user: string | null): string;
}
