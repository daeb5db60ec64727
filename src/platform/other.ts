import { pidPortAdapter } from '../adapters/pid-port.ts';
import { createPosixStrategy } from '../process/posix-stop.ts';
import { psProcessInfo } from '../process/ps.ts';
import { psHolderFacts } from '../process/ps-facts.ts';
import { overlappingAddresses } from './bind-conflicts.ts';
import { POSIX_PRIVILEGE_HINT, POSIX_SHUTDOWN_SIGNALS, WILDCARDS_AND_LOOPBACKS } from './common.ts';
import type { PlatformProfile } from './profile.ts';

/**
 * Builds the profile of a POSIX platform without one of its own (OpenBSD, AIX, ...): pid-port as
 * the last resort, POSIX `ps` for names, every address and interface probed.
 *
 * @example
 * ```ts
 * otherPlatform('openbsd').adapters.map((adapter) => adapter.name); // ['pid-port']
 * ```
 */
export function otherPlatform(name: string): PlatformProfile {
  return {
    name,
    supported: false,
    adapters: [pidPortAdapter],
    processInfo: psProcessInfo,
    stop: createPosixStrategy({ source: { procfs: false, processInfo: psProcessInfo } }),
    holderFacts: psHolderFacts,
    managerSystem: {},
    processGroups: true,
    systemPids: [0, 1],
    probe: {
      hosts: WILDCARDS_AND_LOOPBACKS,
      interfaceAddresses: true,
      confirmWithSocketTable: false,
      dualStackCoversAll: false,
    },
    conflicts: overlappingAddresses,
    shutdownSignals: POSIX_SHUTDOWN_SIGNALS,
    userName: () => null,
    names: { caseInsensitive: false, suffix: null },
    privilegeHint: POSIX_PRIVILEGE_HINT,
  };
}
