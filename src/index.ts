/**
 * portwarden — ends "port already in use": whether a port is in use, who holds it (every
 * process), TIME_WAIT, stopping the holders safely, and freeing a port before `listen()`.
 *
 * Each yes/no function has a detailed sibling that resolves with a report:
 * `isPortInUse`/`probePort`, `getProcessesOnPort`/`inspectPort`,
 * `checkPortTimeWait`/`inspectTimeWait`, `ensurePortFree`/`freePort`.
 *
 * @example
 * ```ts
 * import {ensurePortFree} from 'portwarden';
 *
 * if (!(await ensurePortFree(3000))) throw new Error('port 3000 is held by something I may not stop');
 * ```
 *
 * @module
 */

export { type FindFreePortOptions, findFreePort } from './api/find-free-port.ts';
export { getProcessesOnPort, inspectPort, isPortInUse, probePort } from './api/inspect.ts';
export { type ListenWhenFreeOptions, listenWhenFree } from './api/listen.ts';
export type {
  AbortSignalLike,
  CommonOptions,
  FreeOptions,
  KillOptions,
  PortInUseOptions,
  ProcessesOptions,
  SignalName,
  TimeWaitOptions,
} from './api/options.ts';
export { parsePort } from './api/port.ts';
export { ensurePortFree, freePort, killProcessOnPort } from './api/stop.ts';
export { checkPortTimeWait, inspectTimeWait } from './api/time-wait.ts';
export { type WaitForPortOptions, waitForPort } from './api/wait-for-port.ts';
export {
  AbortError,
  AdapterUnavailableError,
  CommandFailedError,
  CommandNotFoundError,
  CommandOutputTooLargeError,
  CommandTimeoutError,
  type ErrorCode,
  InvalidOptionError,
  InvalidPortError,
  NoAdapterError,
  PortRangeError,
  PortUnavailableError,
  PortwardenError,
  ProbeFailedError,
  SpawnFailedError,
  type SpawnFailureReason,
  UnparseableOutputError,
  UnsupportedPlatformError,
} from './errors.ts';

export type {
  BindOutcome,
  FreeOutcome,
  FreeReport,
  HostProbe,
  KillReport,
  PortReport,
  ProbeReport,
  SkippedOwner,
  SkipReason,
  StopFailure,
  StopProgress,
  StoppedProcess,
  TimeWaitReport,
} from './reports.ts';
export { type CloseServerOptions, closeServer } from './server/close-server.ts';
export { trackConnections } from './server/connections.ts';
export type { ServerAddress, ServerLike } from './server/server-like.ts';
export { handleShutdownSignals, type ShutdownSignalsOptions } from './server/shutdown-signals.ts';
export type {
  Family,
  HostAbortSignal,
  PortOwner,
  ProcessManager,
  Protocol,
  SocketState,
} from './types.ts';
