import { lsofAdapter } from './adapters/lsof.ts';
import { netstatDarwinAdapter } from './adapters/netstat-darwin.ts';
import { netstatLinuxAdapter } from './adapters/netstat-linux.ts';
import { netstatWindowsAdapter } from './adapters/netstat-windows.ts';
import { pidPortAdapter } from './adapters/pid-port.ts';
import { powershellAdapter } from './adapters/powershell.ts';
import { procfsAdapter } from './adapters/procfs.ts';
import { ssAdapter } from './adapters/ss.ts';
import type { SocketTableAdapter } from './adapters/types.ts';
import { darwinProcessInfo } from './process/darwin.ts';
import { linuxProcessInfo } from './process/linux.ts';
import type { ProcessInfoSource } from './process/types.ts';
import { win32ProcessInfo } from './process/win32.ts';

/**
 * How portwarden reads the socket table and names processes on one operating system: data, not
 * `if` chains. (How it probes binds is in src/probe-profiles.ts.)
 */
export interface PlatformProfile {
  /** Socket-table adapters in the order they are tried. */
  readonly adapters: readonly SocketTableAdapter[];
  /** Where process names, command lines and start times come from. */
  readonly processInfo: ProcessInfoSource;
}

/**
 * The profile of each platform.
 *
 * - Linux: `/proc` first (no subprocess), then the tools.
 * - macOS: lsof first (its pids are the most reliable), then `netstat -anv` (sees other users'
 *   sockets), then pid-port.
 * - Windows: PowerShell's Get-NetTCPConnection (numeric states, no locale), then `netstat -ano`,
 *   then pid-port.
 *
 * @example
 * ```ts
 * PLATFORMS.darwin?.adapters.map((adapter) => adapter.name); // ['lsof', 'netstat', 'pid-port']
 * ```
 */
export const PLATFORMS: Readonly<Partial<Record<NodeJS.Platform, PlatformProfile>>> = {
  linux: {
    adapters: [procfsAdapter, ssAdapter, netstatLinuxAdapter, lsofAdapter],
    processInfo: linuxProcessInfo,
  },
  darwin: {
    adapters: [lsofAdapter, netstatDarwinAdapter, pidPortAdapter],
    processInfo: darwinProcessInfo,
  },
  win32: {
    adapters: [powershellAdapter, netstatWindowsAdapter, pidPortAdapter],
    processInfo: win32ProcessInfo,
  },
};

/**
 * The profile for platforms with no dedicated one (FreeBSD, OpenBSD, ...): pid-port as the last
 * resort, POSIX `ps` for names.
 *
 * @example
 * ```ts
 * platformProfile('freebsd') === FALLBACK_PLATFORM; // true
 * ```
 */
export const FALLBACK_PLATFORM: PlatformProfile = {
  adapters: [pidPortAdapter],
  processInfo: darwinProcessInfo,
};

/**
 * The profile of `platform`, or the fallback.
 *
 * @example
 * ```ts
 * platformProfile('linux').adapters.map((adapter) => adapter.name); // ['procfs', 'ss', 'netstat', 'lsof']
 * ```
 */
export function platformProfile(platform: NodeJS.Platform): PlatformProfile {
  return PLATFORMS[platform] ?? FALLBACK_PLATFORM;
}

/**
 * Every adapter name known on any platform (for validating the `adapter` option).
 *
 * @example
 * ```ts
 * knownAdapterNames().has('ss'); // true
 * ```
 */
export function knownAdapterNames(): Set<string> {
  const names = new Set<string>();
  for (const profile of [...Object.values(PLATFORMS), FALLBACK_PLATFORM]) {
    for (const adapter of profile?.adapters ?? []) names.add(adapter.name);
  }
  return names;
}
