import { parseArgs } from 'node:util';
import type { BaseInvocation, Invocation } from './invocation.ts';
import { runInvocation } from './run-args.ts';
import { type CommandName, UsageError } from './usage-error.ts';
import {
  DEFAULT_WAIT_TIMEOUT,
  nonEmpty,
  parseDuration,
  parseManaged,
  parsePorts,
  parseProtocol,
  parseSignal,
} from './values.ts';
import { type Options, splitWords } from './words.ts';

export type * from './invocation.ts';
export { UsageError } from './usage-error.ts';
export { wantsJson } from './words.ts';

const COMMANDS: readonly CommandName[] = ['who', 'check', 'kill', 'free', 'wait', 'run'];
const ALIASES: Readonly<Record<string, CommandName>> = { list: 'who', ls: 'who' };

const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  protocol: { type: 'string' },
  adapter: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
};

/** Options allowed before the command; `true`: takes a value. */
const GLOBAL_BEFORE_COMMAND: Readonly<Record<string, boolean>> = {
  json: false,
  protocol: true,
  adapter: true,
  quiet: false,
};

const STOP: Options = {
  ...COMMON,
  signal: { type: 'string', short: 's' },
  grace: { type: 'string', short: 'g' },
  force: { type: 'boolean', short: 'f' },
  'dry-run': { type: 'boolean', short: 'n' },
  filter: { type: 'string', multiple: true },
  host: { type: 'string' },
  managed: { type: 'string' },
};

const { json: _json, ...COMMON_WITHOUT_JSON } = COMMON;

const OPTIONS: Readonly<Record<CommandName, Options>> = {
  who: COMMON,
  check: { ...COMMON, host: { type: 'string' } },
  kill: STOP,
  free: { ...STOP, 'max-wait': { type: 'string', short: 'w' } },
  wait: {
    ...COMMON,
    until: { type: 'string' },
    timeout: { type: 'string', short: 't' },
    host: { type: 'string' },
  },
  // The command's own output is what `run` prints: no JSON document of its own.
  run: {
    ...COMMON_WITHOUT_JSON,
    port: { type: 'string', short: 'p', multiple: true },
    signal: { type: 'string', short: 's' },
    grace: { type: 'string', short: 'g' },
    force: { type: 'boolean', short: 'f' },
    'max-wait': { type: 'string', short: 'w' },
    host: { type: 'string' },
    managed: { type: 'string' },
  },
};

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The first sentence of a parseArgs error, on one line. */
function shortParseError(error: Error): string {
  const first = error.message.split(/\.\s|\n/)[0] ?? error.message;
  return lowerFirst(first.replace(/\.$/, ''));
}

function resolveCommand(word: string): CommandName | undefined {
  if ((COMMANDS as readonly string[]).includes(word)) return word as CommandName;
  return ALIASES[word];
}

/**
 * Parses and validates the command line (without `node` and the script: `process.argv.slice(2)`).
 * Every port and option is checked here, before anything is done; a problem throws a
 * {@link UsageError} (exit status 2). The command comes first (only `--json`, `--protocol` and
 * `--adapter` may precede it); its options and ports follow in any order; `--` ends the options.
 *
 * @example
 * ```ts
 * parseCommandLine(['free', '3000', '--grace', '2s']);
 * // {command: 'free', ports: [3000], grace: 2000, force: false, ...}
 * parseCommandLine(['free', '80; rm -rf /']); // throws UsageError
 * ```
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const [first, second] = argv;
  if (first === undefined) throw new UsageError('missing command');
  if (first === '--version' || first === '-v' || first === '-V') {
    if (second !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(second)}`);
    return { command: 'version' };
  }
  if (first === '--help' || first === '-h') return { command: 'help', topic: undefined };
  if (first === 'help') {
    const topic = second === undefined ? undefined : resolveCommand(second);
    if (second !== undefined && topic === undefined) {
      throw new UsageError(`unknown command ${JSON.stringify(second.slice(0, 40))}`);
    }
    return { command: 'help', topic };
  }
  // Options every command takes may come before the command: `portwarden --json who 3000`.
  const leading: string[] = [];
  let index = 0;
  while (index < argv.length && (argv[index] ?? '').startsWith('-')) {
    const token = argv[index] === '-q' ? '--quiet' : (argv[index] as string);
    const name = token.slice(2).split('=')[0] ?? '';
    if (!token.startsWith('--') || !Object.hasOwn(GLOBAL_BEFORE_COMMAND, name)) {
      throw new UsageError(
        `unknown option ${JSON.stringify(token.slice(0, 40))} before the command: put it after the command`,
      );
    }
    leading.push(token);
    if (GLOBAL_BEFORE_COMMAND[name] && !token.includes('=')) {
      const value = argv[index + 1];
      if (value === undefined) throw new UsageError(`option '--${name} <value>' argument missing`);
      leading.push(value);
      index++;
    }
    index++;
  }
  const word = argv[index];
  if (word === undefined) throw new UsageError('missing command');
  const command = resolveCommand(word);
  if (command === undefined) {
    throw new UsageError(`unknown command ${JSON.stringify(word.slice(0, 40))}`);
  }
  const words = splitWords(argv.slice(index + 1), OPTIONS[command], command);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...leading, ...words.options, '--', ...words.operands],
      options: OPTIONS[command],
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(shortParseError(error as Error), command);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help === true) return { command: 'help', topic: command };

  const str = (name: string) => values[name] as string | undefined;
  const bool = (name: string) => values[name] === true;
  if (command === 'run') {
    return runInvocation(values, words.command, command);
  }
  const base: BaseInvocation = {
    ports: parsePorts(parsed.positionals, command),
    json: bool('json'),
    quiet: bool('quiet'),
    protocol: parseProtocol(str('protocol'), command),
    adapter: nonEmpty('--adapter', str('adapter'), command),
  };

  switch (command) {
    case 'who':
      return { ...base, command };
    case 'check':
      return { ...base, command, host: nonEmpty('--host', str('host'), command) };
    case 'wait': {
      const until = str('until') ?? 'in-use';
      if (until !== 'free' && until !== 'in-use') {
        throw new UsageError(
          `invalid --until ${JSON.stringify(until.slice(0, 40))}: expected free or in-use`,
          command,
        );
      }
      const timeoutText = str('timeout');
      return {
        ...base,
        command,
        until,
        timeout:
          timeoutText === undefined
            ? DEFAULT_WAIT_TIMEOUT
            : parseDuration('--timeout', timeoutText, command),
        host: nonEmpty('--host', str('host'), command),
      };
    }
    case 'kill':
    case 'free': {
      const signalText = str('signal');
      const graceText = str('grace');
      const maxWaitText = str('max-wait');
      const force = bool('force');
      if (force && signalText !== undefined) {
        throw new UsageError('--force and --signal cannot be used together', command);
      }
      const filters = ((values.filter as string[] | undefined) ?? []).map((filter) => {
        if (filter.trim() === '') throw new UsageError('--filter must not be empty', command);
        return filter;
      });
      return {
        ...base,
        command,
        signal: signalText === undefined ? undefined : parseSignal(signalText, command),
        grace: graceText === undefined ? undefined : parseDuration('--grace', graceText, command),
        force,
        maxWait:
          maxWaitText === undefined ? undefined : parseDuration('--max-wait', maxWaitText, command),
        dryRun: bool('dry-run'),
        filters,
        host: nonEmpty('--host', str('host'), command),
        managed: parseManaged(str('managed'), command),
      };
    }
  }
}
