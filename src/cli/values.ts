/**
 * Parsing the values of command-line options and arguments: durations, signals, protocols, ports.
 * Every problem is a {@link UsageError} (exit status 2).
 *
 * @module
 */
import { constants } from 'node:os';
import { type Protocol, parsePort } from '../index.ts';
import { type CommandName, UsageError } from './usage-error.ts';

/**
 * Default `wait --timeout`, in milliseconds.
 *
 * @example
 * ```ts
 * parseCommandLine(['wait', '3000']); // {timeout: DEFAULT_WAIT_TIMEOUT, ...}
 * ```
 */
export const DEFAULT_WAIT_TIMEOUT = 30_000;

/**
 * Parses a duration: milliseconds (`'500'`), or a number with `ms`, `s` or `m` (`'2s'`,
 * `'1.5m'`). Throws a {@link UsageError} for anything else.
 *
 * @example
 * ```ts
 * parseDuration('--grace', '2s'); // 2000
 * parseDuration('--grace', '-1'); // throws UsageError
 * ```
 */
export function parseDuration(option: string, text: string, command?: CommandName): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$/.exec(text);
  if (!match) {
    throw new UsageError(
      `invalid ${option} ${JSON.stringify(text.slice(0, 40))}: expected milliseconds, or a number with ms, s or m`,
      command,
    );
  }
  const factor = match[2] === 's' ? 1000 : match[2] === 'm' ? 60_000 : 1;
  const value = Math.round(Number(match[1]) * factor);
  if (value > 2_147_483_647) throw new UsageError(`invalid ${option} ${text}: too long`, command);
  return value;
}

/**
 * Parses a signal name or number: `SIGTERM`, `TERM`, `term`, `15`. Throws a {@link UsageError}
 * for a signal this system does not know.
 *
 * @example
 * ```ts
 * parseSignal('hup'); // 'SIGHUP'
 * parseSignal('9');   // 'SIGKILL'
 * ```
 */
export function parseSignal(text: string, command?: CommandName): NodeJS.Signals {
  const signals = constants.signals as Readonly<Record<string, number>>;
  if (/^[0-9]+$/.test(text)) {
    const number = Number(text);
    const name = Object.keys(signals).find((key) => signals[key] === number);
    if (name) return name as NodeJS.Signals;
  } else {
    const upper = text.toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    if (Object.hasOwn(signals, name)) return name as NodeJS.Signals;
  }
  throw new UsageError(`unknown signal ${JSON.stringify(text.slice(0, 40))}`, command);
}

/**
 * `--protocol`: `tcp` (the default) or `udp`, in any case.
 *
 * @example
 * ```ts
 * parseProtocol('UDP', 'who'); // 'udp'
 * parseProtocol(undefined, 'who'); // 'tcp'
 * parseProtocol('sctp', 'who'); // throws UsageError
 * ```
 */
export function parseProtocol(text: string | undefined, command: CommandName): Protocol {
  if (text === undefined) return 'tcp';
  const lower = text.toLowerCase();
  if (lower === 'tcp' || lower === 'udp') return lower;
  throw new UsageError(
    `invalid --protocol ${JSON.stringify(text.slice(0, 40))}: expected tcp or udp`,
    command,
  );
}

/**
 * The port operands, each validated like the library's `parsePort` (a decimal 1-65535, nothing
 * else), duplicates dropped.
 *
 * @example
 * ```ts
 * parsePorts(['3000', '3000', '8080'], 'free'); // [3000, 8080]
 * parsePorts(['-1'], 'free'); // throws UsageError: invalid port "-1" ...
 * ```
 */
export function parsePorts(positionals: readonly string[], command: CommandName): number[] {
  if (positionals.length === 0) throw new UsageError('missing port', command);
  const ports: number[] = [];
  for (const text of positionals) {
    let port: number;
    try {
      port = parsePort(text);
    } catch (error) {
      throw new UsageError(lowerFirst((error as Error).message), command);
    }
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/**
 * `--managed`: `skip` (the default: an owner a manager runs is left alone, with the manager's hint)
 * or `signal` (stop it like any other owner).
 *
 * @example
 * ```ts
 * parseManaged('signal', 'free'); // 'signal'
 * parseManaged(undefined, 'free'); // 'skip'
 * ```
 */
export function parseManaged(text: string | undefined, command: CommandName): 'skip' | 'signal' {
  if (text === undefined) return 'skip';
  const lower = text.toLowerCase();
  if (lower === 'skip' || lower === 'signal') return lower;
  throw new UsageError(
    `invalid --managed ${JSON.stringify(text.slice(0, 40))}: expected skip or signal`,
    command,
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * An option's value, which must not be blank when given.
 *
 * @example
 * ```ts
 * nonEmpty('--host', '::1', 'check'); // '::1'
 * nonEmpty('--host', ' ', 'check');   // throws UsageError
 * ```
 */
export function nonEmpty(option: string, value: string | undefined, command: CommandName) {
  if (value !== undefined && value.trim() === '') {
    throw new UsageError(`${option} must not be empty`, command);
  }
  return value;
}
