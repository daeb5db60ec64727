import { readFileSync } from 'node:fs';

/**
 * How a bind probe decides "in use" on each operating system: data, kept apart from the adapters
 * (src/platforms.ts) so that `isPortInUse` loads no socket-table code unless it needs the table.
 */
export interface ProbeProfile {
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
   * a listener on any address of the port), so the other probes can be skipped — unless the
   * sysctl `net.ipv6.bindv6only` makes `::` IPv6-only ({@link ipv6OnlyByDefault}).
   */
  readonly dualStackCoversAll: boolean;
}

const ALL_LOCAL_ADDRESSES = ['::', '0.0.0.0', '127.0.0.1', '::1'] as const;

/**
 * The probe profile of each platform; others use {@link FALLBACK_PROBE_PROFILE}.
 *
 * - Linux: a dual-stack `::` bind conflicts with any listener on the port, so one bind answers.
 * - macOS: only the exact address conflicts under SO_REUSEADDR: every interface address is
 *   probed and the socket table confirms a "free".
 * - Windows: a wildcard bind can succeed beside a 127.0.0.1 listener: specific and interface
 *   addresses are probed too.
 *
 * @example
 * ```ts
 * PROBE_PROFILES.darwin?.confirmWithSocketTable; // true
 * ```
 */
export const PROBE_PROFILES: Readonly<Partial<Record<NodeJS.Platform, ProbeProfile>>> = {
  linux: {
    hosts: ALL_LOCAL_ADDRESSES,
    interfaceAddresses: false,
    confirmWithSocketTable: false,
    dualStackCoversAll: true,
  },
  darwin: {
    hosts: ALL_LOCAL_ADDRESSES,
    interfaceAddresses: true,
    confirmWithSocketTable: true,
    dualStackCoversAll: false,
  },
  win32: {
    hosts: ALL_LOCAL_ADDRESSES,
    interfaceAddresses: true,
    confirmWithSocketTable: false,
    dualStackCoversAll: false,
  },
};

/**
 * The probe profile of platforms without their own: every address, every interface.
 *
 * @example
 * ```ts
 * probeProfile('openbsd') === FALLBACK_PROBE_PROFILE; // true
 * ```
 */
export const FALLBACK_PROBE_PROFILE: ProbeProfile = {
  hosts: ALL_LOCAL_ADDRESSES,
  interfaceAddresses: true,
  confirmWithSocketTable: false,
  dualStackCoversAll: false,
};

/**
 * The probe profile of `platform`.
 *
 * @example
 * ```ts
 * probeProfile('linux').dualStackCoversAll; // true
 * ```
 */
export function probeProfile(platform: NodeJS.Platform): ProbeProfile {
  return PROBE_PROFILES[platform] ?? FALLBACK_PROBE_PROFILE;
}

const ipv6OnlyDefaults = new Map<string, boolean>();

/**
 * Linux: whether `::` binds are IPv6-only unless a program says otherwise (the sysctl
 * `net.ipv6.bindv6only`, read once per /proc root). Then a free `::` bind proves nothing about
 * IPv4 and every address is probed. Unreadable counts as "yes", the cautious answer.
 *
 * @example
 * ```ts
 * ipv6OnlyByDefault('/proc'); // false on a stock Linux
 * ```
 */
export function ipv6OnlyByDefault(procRoot = '/proc'): boolean {
  let value = ipv6OnlyDefaults.get(procRoot);
  if (value === undefined) {
    try {
      value = readFileSync(`${procRoot}/sys/net/ipv6/bindv6only`, 'latin1').trim() !== '0';
    } catch {
      value = true;
    }
    ipv6OnlyDefaults.set(procRoot, value);
  }
  return value;
}
