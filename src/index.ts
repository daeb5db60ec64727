export type { AdapterContext, SocketQuery, SocketTableAdapter } from './adapters/types.ts';
export * from './errors.ts';
export { isPortInUse, type PortInUseOptions, type PortProbe, probePort } from './in-use.ts';
export type { CommonOptions } from './options.ts';
export { type GetProcessesOptions, getProcessesOnPort } from './owners.ts';
export type { BindOutcome, HostProbe } from './probe.ts';
export type { CommandResult, CommandRunner, RunOptions } from './runner.ts';
export {
  checkPortTimeWait,
  getTimeWaitInfo,
  type TimeWaitInfo,
  type TimeWaitOptions,
} from './time-wait.ts';
export type { Family, PortOwner, Protocol, RowOwner, SocketRow, SocketState } from './types.ts';
