/**
 * What the command line asks for, once parsed and validated.
 *
 * @module
 */
import type { Protocol } from '../index.ts';
import type { CommandName } from './usage-error.ts';

/**
 * What every port command shares.
 *
 * @example
 * ```ts
 * const base: BaseInvocation = {ports: [3000], json: false, quiet: false, protocol: 'tcp', adapter: undefined};
 * ```
 */
export interface BaseInvocation {
  /** Validated, de-duplicated ports in the order given. */
  readonly ports: readonly number[];
  /** One JSON document on stdout. */
  readonly json: boolean;
  /** `-q`: no output but errors (and the JSON document, when asked for). */
  readonly quiet: boolean;
  readonly protocol: Protocol;
  /** A forced socket-table adapter (checked by the command before it does anything). */
  readonly adapter: string | undefined;
}

/**
 * `portwarden who <port...>`.
 *
 * @example
 * ```ts
 * parseCommandLine(['list', '3000']); // {command: 'who', ports: [3000], ...}
 * ```
 */
export interface WhoInvocation extends BaseInvocation {
  readonly command: 'who';
}

/**
 * `portwarden check <port...>`.
 *
 * @example
 * ```ts
 * parseCommandLine(['check', '53', '--protocol', 'udp']); // {command: 'check', protocol: 'udp', ...}
 * ```
 */
export interface CheckInvocation extends BaseInvocation {
  readonly command: 'check';
  readonly host: string | undefined;
}

/**
 * `portwarden kill <port...>` and `portwarden free <port...>`.
 *
 * @example
 * ```ts
 * parseCommandLine(['kill', '3000', '-s', 'int']); // {command: 'kill', signal: 'SIGINT', ...}
 * ```
 */
export interface StopInvocation extends BaseInvocation {
  readonly command: 'kill' | 'free';
  readonly signal: NodeJS.Signals | undefined;
  readonly grace: number | undefined;
  readonly force: boolean;
  /** Only `free`. */
  readonly maxWait: number | undefined;
  readonly dryRun: boolean;
  /** Process names to stop; empty: every holder. */
  readonly filters: readonly string[];
  /** Only the owners in the way of this address (`--host`); `undefined`: every address. */
  readonly host: string | undefined;
  /** `--managed`: leave owners a manager runs alone (`skip`) or stop them too (`signal`). */
  readonly managed: 'skip' | 'signal';
}

/**
 * `portwarden run --port <port>... -- <command> [args...]`.
 *
 * @example
 * ```ts
 * parseCommandLine(['run', '-p', '3000', '--', 'npm', 'run', 'dev']);
 * // {command: 'run', ports: [3000], argv: ['npm', 'run', 'dev'], ...}
 * ```
 */
export interface RunInvocation extends BaseInvocation {
  readonly command: 'run';
  /** Polite signal for the port's holders before the start (the command gets what we get). */
  readonly signal: NodeJS.Signals | undefined;
  /** Between SIGTERM and SIGKILL: for the holders, and for the command's process group. */
  readonly grace: number | undefined;
  readonly force: boolean;
  /** How long freeing the ports may take before the start. */
  readonly maxWait: number | undefined;
  /** Only the owners in the way of this address (`--host`); `undefined`: every address. */
  readonly host: string | undefined;
  /** `--managed`: leave owners a manager runs alone (`skip`) or stop them too (`signal`). */
  readonly managed: 'skip' | 'signal';
  /** The command to start: program and arguments, never through a shell. */
  readonly argv: readonly string[];
}

/**
 * `portwarden wait <port...>`.
 *
 * @example
 * ```ts
 * parseCommandLine(['wait', '3000', '-t', '10s']); // {command: 'wait', until: 'in-use', timeout: 10000, ...}
 * ```
 */
export interface WaitInvocation extends BaseInvocation {
  readonly command: 'wait';
  readonly until: 'free' | 'in-use';
  readonly timeout: number;
  readonly host: string | undefined;
}

/**
 * `--help` (global or of one command) and `--version`.
 *
 * @example
 * ```ts
 * parseCommandLine(['free', '--help']); // {command: 'help', topic: 'free'}
 * ```
 */
type InfoInvocation =
  | { readonly command: 'help'; readonly topic: CommandName | undefined }
  | { readonly command: 'version' };

/**
 * Everything the command line may ask for, validated.
 *
 * @example
 * ```ts
 * const invocation: Invocation = parseCommandLine(process.argv.slice(2));
 * ```
 */
export type Invocation =
  | WhoInvocation
  | CheckInvocation
  | StopInvocation
  | WaitInvocation
  | RunInvocation
  | InfoInvocation;
