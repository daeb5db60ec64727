export type { AdapterContext, SocketQuery, SocketTableAdapter } from './adapters/types.ts';
export * from './errors.ts';
export { isPortInUse, type PortInUseOptions, type PortProbe, probePort } from './in-use.ts';
export type { CommonOptions } from './options.ts';
export { type GetProcessesOptions, getProcessesOnPort } from './owners.ts';
export type { BindOutcome, HostProbe } from './probe.ts';
export type { CommandResult, CommandRunner, RunOptions } from './runner.ts';
export { type CloseServerOptions, closeServer } from './server/close-server.ts';
export { trackConnections } from './server/connections.ts';
export { type FindFreePortOptions, findFreePort } from './server/find-free-port.ts';
export { type ListenWhenFreeOptions, listenWhenFree } from './server/listen.ts';
export { handleShutdownSignals, type ShutdownSignalsOptions } from './server/shutdown-signals.ts';
export { type WaitForPortOptions, waitForPort } from './server/wait-for-port.ts';
export { ensurePortFree, freePort } from './stop/ensure-free.ts';
export { killProcessOnPort } from './stop/kill.ts';
export type {
  EnsureFreeOptions,
  FailedKill,
  FreePortOutcome,
  FreePortReport,
  KillOptions,
  KillReport,
  SkippedOwner,
  SkipReason,
  StopProgress,
  StoppedProcess,
} from './stop/types.ts';
export {
  checkPortTimeWait,
  getTimeWaitInfo,
  type TimeWaitInfo,
  type TimeWaitOptions,
} from './time-wait.ts';
export type { Family, PortOwner, Protocol, RowOwner, SocketRow, SocketState } from './types.ts';
