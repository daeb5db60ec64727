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

const ALL_LOCAL_ADDRESSES = ['::', '0.0.0.0', '127.0.0.1', '::1'] as const;

/** How portwarden works on one operating system: data, not `if` chains. */
export interface PlatformProfile {
  /** Socket-table adapters in the order they are tried. */
  readonly adapters: readonly SocketTableAdapter[];
  /** Where process names, command lines and start times come from. */
  readonly processInfo: ProcessInfoSource;
  /**
   * Addresses a bind probe must try when no host is given, before interface addresses (macOS
   * adds every interface address, since only the exact address conflicts there).
   */
  readonly probeHosts: readonly string[];
  /** Whether every interface address must be probed too (macOS). */
  readonly probeInterfaceAddresses: boolean;
  /**
   * Whether the socket table must confirm a "free" from the bind probes (macOS: SO_REUSEADDR lets
   * a wildcard bind succeed beside a specific-address listener).
   */
  readonly confirmWithSocketTable: boolean;
}

/**
 * The profile of each platform.
 *
 * - Linux: `/proc` first (no subprocess), then the tools. The `::` probe covers every address (a
 *   dual-stack bind conflicts with any listener on the port); the rest make it certain when IPv6
 *   is off.
 * - macOS: lsof first (its pids are the most reliable), then `netstat -anv` (sees other users'
 *   sockets), then pid-port. Only the exact address conflicts under SO_REUSEADDR, so every
 *   interface address is probed and the socket table confirms a "free".
 * - Windows: PowerShell's Get-NetTCPConnection (numeric states, no locale), then `netstat -ano`,
 *   then pid-port. A wildcard bind can succeed beside a 127.0.0.1 listener, so specific addresses
 *   and interface addresses are probed too.
 */
export const PLATFORMS: Readonly<Partial<Record<NodeJS.Platform, PlatformProfile>>> = {
  linux: {
    adapters: [procfsAdapter, ssAdapter, netstatLinuxAdapter, lsofAdapter],
    processInfo: linuxProcessInfo,
    probeHosts: ALL_LOCAL_ADDRESSES,
    probeInterfaceAddresses: false,
    confirmWithSocketTable: false,
  },
  darwin: {
    adapters: [lsofAdapter, netstatDarwinAdapter, pidPortAdapter],
    processInfo: darwinProcessInfo,
    probeHosts: ALL_LOCAL_ADDRESSES,
    probeInterfaceAddresses: true,
    confirmWithSocketTable: true,
  },
  win32: {
    adapters: [powershellAdapter, netstatWindowsAdapter, pidPortAdapter],
    processInfo: win32ProcessInfo,
    probeHosts: ALL_LOCAL_ADDRESSES,
    probeInterfaceAddresses: true,
    confirmWithSocketTable: false,
  },
};

/**
 * The profile for platforms with no dedicated one (FreeBSD, OpenBSD, ...): pid-port as the last
 * resort, POSIX `ps` for names.
 */
export const FALLBACK_PLATFORM: PlatformProfile = {
  adapters: [pidPortAdapter],
  processInfo: darwinProcessInfo,
  probeHosts: ALL_LOCAL_ADDRESSES,
  probeInterfaceAddresses: true,
  confirmWithSocketTable: false,
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
