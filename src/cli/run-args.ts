/**
 * The command line of `portwarden run`, validated.
 *
 * @module
 */
import type { RunInvocation } from './invocation.ts';
import { UsageError } from './usage-error.ts';
import {
  nonEmpty,
  parseDuration,
  parseManaged,
  parsePorts,
  parseProtocol,
  parseSignal,
} from './values.ts';

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

/**
 * `portwarden run --port <port>... [options] -- <command> [args...]`, validated: `values` are
 * parseArgs' values, `argv` the command to start. Problems throw a {@link UsageError}.
 *
 * @example
 * ```ts
 * runInvocation({port: ['3000']}, ['npm', 'run', 'dev'], 'run');
 * // {command: 'run', ports: [3000], argv: ['npm', 'run', 'dev'], ...}
 * ```
 */
export function runInvocation(
  values: Values,
  argv: readonly string[] | undefined,
  command: 'run',
): RunInvocation {
  const str = (name: string) => values[name] as string | undefined;
  const portWords = (values.port as string[] | undefined) ?? [];
  if (portWords.length === 0) throw new UsageError('missing --port <port>', command);
  if (argv === undefined || argv.length === 0 || (argv[0] ?? '') === '') {
    throw new UsageError('missing the command to run (after --)', command);
  }
  const signalText = str('signal');
  const graceText = str('grace');
  const maxWaitText = str('max-wait');
  const force = values.force === true;
  if (force && signalText !== undefined) {
    throw new UsageError('--force and --signal cannot be used together', command);
  }
  return {
    command,
    ports: parsePorts(portWords, command),
    json: false,
    quiet: values.quiet === true,
    protocol: parseProtocol(str('protocol'), command),
    adapter: nonEmpty('--adapter', str('adapter'), command),
    signal: signalText === undefined ? undefined : parseSignal(signalText, command),
    grace: graceText === undefined ? undefined : parseDuration('--grace', graceText, command),
    force,
    maxWait:
      maxWaitText === undefined ? undefined : parseDuration('--max-wait', maxWaitText, command),
    host: nonEmpty('--host', str('host'), command),
    managed: parseManaged(str('managed'), command),
    argv: [...argv],
  };
}
