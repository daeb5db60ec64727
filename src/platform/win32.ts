import { netstatWindowsAdapter } from '../adapters/netstat-windows.ts';
import { pidPortAdapter } from '../adapters/pid-port.ts';
import { powershellAdapter } from '../adapters/powershell.ts';
import { win32ProcessInfo } from '../process/win32.ts';
import { win32HolderFacts } from '../process/win32-facts.ts';
import { windowsStrategy } from '../process/windows-stop.ts';
import { sameAddress } from './bind-conflicts.ts';
import { WILDCARDS_AND_LOOPBACKS } from './common.ts';
import type { PlatformProfile } from './profile.ts';

/**
 * Windows: PowerShell's `Get-NetTCPConnection` (numeric states, no locale), then `netstat -ano`
 * (any display language), then pid-port. Process facts from CIM `Win32_Process` (else
 * `tasklist`); stopping with `taskkill` through the command runner. A wildcard bind can succeed
 * beside a 127.0.0.1 listener, so specific and interface addresses are probed too. Closing the
 * console window sends SIGHUP; there is no SIGUSR2.
 *
 * @example
 * ```ts
 * WIN32.systemPids; // [0, 4]
 * ```
 */
export const WIN32: PlatformProfile = {
  name: 'win32',
  supported: true,
  adapters: [powershellAdapter, netstatWindowsAdapter, pidPortAdapter],
  processInfo: win32ProcessInfo,
  stop: windowsStrategy,
  holderFacts: win32HolderFacts,
  managerSystem: { serviceControlManager: true },
  processGroups: false,
  systemPids: [0, 4],
  probe: {
    hosts: WILDCARDS_AND_LOOPBACKS,
    interfaceAddresses: true,
    confirmWithSocketTable: false,
    dualStackCoversAll: false,
  },
  conflicts: sameAddress,
  shutdownSignals: ['SIGINT', 'SIGTERM', 'SIGHUP'],
  userName: () => null,
  names: { caseInsensitive: true, suffix: '.exe' },
  privilegeHint: () => 'run from an Administrator terminal',
};
