import { createLsofAdapter } from '../adapters/lsof.ts';
import { netstatDarwinAdapter } from '../adapters/netstat-darwin.ts';
import { pidPortAdapter } from '../adapters/pid-port.ts';
import { createPosixStrategy } from '../process/posix-stop.ts';
import { psProcessInfo } from '../process/ps.ts';
import { psHolderFacts } from '../process/ps-facts.ts';
import { sameAddress } from './bind-conflicts.ts';
import { POSIX_PRIVILEGE_HINT, POSIX_SHUTDOWN_SIGNALS, WILDCARDS_AND_LOOPBACKS } from './common.ts';
import type { PlatformProfile } from './profile.ts';

/**
 * macOS: lsof first (its pids are the most reliable; Apple's lsof prints no TCP state in field
 * output, so listeners are selected with `-sTCP:LISTEN`), then `netstat -anv` (sees other users'
 * sockets), then pid-port. Process facts from `ps`. With SO_REUSEADDR only the exact same
 * address conflicts, so every interface address is probed and the socket table confirms "free".
 *
 * @example
 * ```ts
 * DARWIN.adapters.map((adapter) => adapter.name); // ['lsof', 'netstat', 'pid-port']
 * ```
 */
export const DARWIN: PlatformProfile = {
  name: 'darwin',
  supported: true,
  adapters: [createLsofAdapter({ listenOnly: true }), netstatDarwinAdapter, pidPortAdapter],
  processInfo: psProcessInfo,
  stop: createPosixStrategy({ source: { procfs: false, processInfo: psProcessInfo } }),
  holderFacts: psHolderFacts,
  managerSystem: { launchd: true },
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
  names: { caseInsensitive: true, suffix: null },
  privilegeHint: POSIX_PRIVILEGE_HINT,
};
