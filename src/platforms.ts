import { lsofAdapter } from './adapters/lsof.ts';
import { netstatLinuxAdapter } from './adapters/netstat-linux.ts';
import { procfsAdapter } from './adapters/procfs.ts';
import { ssAdapter } from './adapters/ss.ts';
import type { SocketTableAdapter } from './adapters/types.ts';
import { linuxProcessInfo } from './process/linux.ts';
import type { ProcessInfoSource } from './process/types.ts';

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
 * The profile of each platform. On Linux the `::` probe covers every address (a dual-stack bind
 * conflicts with any listener on the port), the rest only make it certain when IPv6 is off.
 */
export const PLATFORMS: Readonly<Partial<Record<NodeJS.Platform, PlatformProfile>>> = {
  linux: {
    adapters: [procfsAdapter, ssAdapter, netstatLinuxAdapter, lsofAdapter],
    processInfo: linuxProcessInfo,
    probeHosts: ['::', '0.0.0.0', '127.0.0.1', '::1'],
    probeInterfaceAddresses: false,
    confirmWithSocketTable: false,
  },
};

/** The profile for platforms with no dedicated one (FreeBSD, OpenBSD, ...). */
export const FALLBACK_PLATFORM: PlatformProfile = {
  adapters: [],
  processInfo: async () => new Map(),
  probeHosts: ['::', '0.0.0.0', '127.0.0.1', '::1'],
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
