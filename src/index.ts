export { isPortInUse, probePort, type PortInUseOptions, type PortProbe } from './in-use.ts';
export { getProcessesOnPort, type GetProcessesOptions } from './owners.ts';
export { checkPortTimeWait, getTimeWaitInfo, type TimeWaitInfo, type TimeWaitOptions } from './time-wait.ts';
export type { CommonOptions } from './options.ts';
export type { BindOutcome, HostProbe } from './probe.ts';
export type { Family, PortOwner, Protocol, RowOwner, SocketRow, SocketState } from './types.ts';
export type { AdapterContext, SocketQuery, SocketTableAdapter } from './adapters/types.ts';
export type { CommandResult, CommandRunner, RunOptions } from './runner.ts';
export * from './errors.ts';
