import { lsofAdapter } from '../adapters/lsof.ts';
import { netstatLinuxAdapter } from '../adapters/netstat-linux.ts';
import { procfsAdapter } from '../adapters/procfs.ts';
import { ssAdapter } from '../adapters/ss.ts';
import { ssProcfsAdapter } from '../adapters/ss-procfs.ts';
import { linuxProcessInfo } from '../process/linux.ts';
import { linuxHolderFacts } from '../process/linux-facts.ts';
import { createPosixStrategy } from '../process/posix-stop.ts';
import { lookupUserName } from '../process/users.ts';
import { overlappingAddresses } from './bind-conflicts.ts';
import { POSIX_PRIVILEGE_HINT, POSIX_SHUTDOWN_SIGNALS, WILDCARDS_AND_LOOPBACKS } from './common.ts';
import type { PlatformProfile } from './profile.ts';

/**
 * Linux: `/proc` first (no subprocess) — on a busy machine (thousands of sockets) `ss+procfs`
 * before it: `ss` lists the port's sockets with the kernel's filter while `/proc` gives their
 * owners — then the tools (`ss`, net-tools or BusyBox `netstat`, `lsof`). Process facts from `/proc`; signals with `process.kill`, zombies told apart through
 * `/proc/<pid>/stat`. A dual-stack `::` bind conflicts with a listener on any address of the
 * port, so one bind answers (unless `bindv6only` is set).
 *
 * @example
 * ```ts
 * LINUX.adapters.map((adapter) => adapter.name); // ['ss+procfs', 'procfs', 'ss', 'netstat', 'lsof']
 * ```
 */
export const LINUX: PlatformProfile = {
  name: 'linux',
  supported: true,
  adapters: [ssProcfsAdapter, procfsAdapter, ssAdapter, netstatLinuxAdapter, lsofAdapter],
  processInfo: linuxProcessInfo,
  // A liveness check costs ~20 µs (kill(pid, 0) and a small /proc read): every 2 ms, a holder's
  // exit is seen within 2 ms of it (the bench's free case), for ~1% of a core while waiting.
  stop: createPosixStrategy({ source: { procfs: true }, pollFirst: 1, pollMax: 2 }),
  holderFacts: linuxHolderFacts,
  managerSystem: {},
  processGroups: true,
  systemPids: [0, 1],
  probe: {
    hosts: WILDCARDS_AND_LOOPBACKS,
    interfaceAddresses: false,
    confirmWithSocketTable: false,
    dualStackCoversAll: true,
  },
  conflicts: overlappingAddresses,
  shutdownSignals: POSIX_SHUTDOWN_SIGNALS,
  userName: (uid) => lookupUserName(uid),
  names: { caseInsensitive: false, suffix: null },
  privilegeHint: POSIX_PRIVILEGE_HINT,
};
