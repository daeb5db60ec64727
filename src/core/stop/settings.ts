import type { StopProgress } from '../../reports.ts';
import type { PortOwner, Protocol } from '../../types.ts';

/**
 * A validated `killProcessOnPort` call, defaults applied.
 *
 * @example
 * ```ts
 * const settings: KillSettings = {port: 3000, protocol: 'tcp', forcedAdapter: undefined, host: undefined,
 *   killSignal: 'SIGTERM', gracePeriod: 5000, force: false, dryRun: false, tree: false,
 *   filter: undefined, names: [], progress: () => {}};
 * ```
 */
export interface KillSettings {
  readonly port: number;
  readonly protocol: Protocol;
  readonly forcedAdapter: string | undefined;
  /**
   * Only the holders whose sockets would make `listen(port, host)` fail; `undefined`: every
   * holder (the port is freed for every address).
   */
  readonly host: string | undefined;
  readonly killSignal: NodeJS.Signals;
  readonly gracePeriod: number;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly tree: boolean;
  readonly filter: ((owner: PortOwner) => boolean) | undefined;
  /** Program names to stop (empty: every owner). */
  readonly names: readonly string[];
  /** `'skip'`: owners something manages are left alone; `'signal'`: they are stopped too. */
  readonly managed: 'skip' | 'signal';
  /** `onProgress`, wrapped so that a throwing listener cannot break the stop. */
  readonly progress: (progress: StopProgress) => void;
}

/**
 * A validated `ensurePortFree` / `freePort` call.
 *
 * @example
 * ```ts
 * const settings: FreeSettings = {...killSettings, maxWait: 15000, waitOnly: false};
 * ```
 */
export interface FreeSettings extends KillSettings {
  readonly maxWait: number;
  readonly waitOnly: boolean;
}
