import { sockstatAdapter } from '../adapters/sockstat.ts';
import { createPosixStrategy } from '../process/posix-stop.ts';
import { psProcessInfo } from '../process/ps.ts';
import { psHolderFacts } from '../process/ps-facts.ts';
import { sameAddress } from './bind-conflicts.ts';
import { POSIX_PRIVILEGE_HINT, POSIX_SHUTDOWN_SIGNALS, WILDCARDS_AND_LOOPBACKS } from './common.ts';
import type { PlatformProfile } from './profile.ts';

/**
 * FreeBSD: the base system's `sockstat` (every socket with its owner for an ordinary user under
 * the default `security.bsd.see_other_uids=1`; TIME_WAIT rows with `?` owners). Process facts
 * from `ps` (run here only on recorded layouts: no FreeBSD machine was available). A BSD stack
 * with SO_REUSEADDR lets a wildcard bind succeed beside a specific-address listener, as on
 * macOS: every interface address is probed and the socket table confirms a "free".
 *
 * @example
 * ```ts
 * FREEBSD.adapters.map((adapter) => adapter.name); // ['sockstat']
 * ```
 */
export const FREEBSD: PlatformProfile = {
  name: 'freebsd',
  supported: true,
  adapters: [sockstatAdapter],
  processInfo: psProcessInfo,
  stop: createPosixStrategy({ source: { procfs: false, processInfo: psProcessInfo } }),
  holderFacts: psHolderFacts,
  managerSystem: {},
  processGroups: true,
  systemPids: [0, 1],
  probe: {
    hosts: WILDCARDS_AND_LOOPBACKS,
    interfaceAddresses: true,
    confirmWithSocketTable: true,
    dualStackCoversAll: false,
  },
  conflicts: sameAddress,
  shutdownSignals: POSIX_SHUTDOWN_SIGNALS,
  userName: () => null,
  names: { caseInsensitive: false, suffix: null },
  privilegeHint: POSIX_PRIVILEGE_HINT,
};
