import { constants } from 'node:os';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { validatePort } from '../port.ts';
import type { Protocol } from '../types.ts';

/**
 * The commands of the `portwarden` command line (`list` is an alias of `who`).
 *
 * @example
 * ```ts
 * const command: CommandName = 'free';
 * ```
 */
export type CommandName = 'who' | 'check' | 'kill' | 'free' | 'wait';

const COMMANDS: readonly CommandName[] = ['who', 'check', 'kill', 'free', 'wait'];
const ALIASES: Readonly<Record<string, CommandName>> = { list: 'who', ls: 'who' };

/**
 * A usage error: a bad port, an unknown command or option, a bad option value. The CLI prints its
 * message as one line on stderr and exits with status 2, having done nothing.
 *
 * @example
 * ```ts
 * throw new UsageError("unknown option '--bogus'", 'who');
 * ```
 */
export class UsageError extends Error {
  /** Always `'ERR_CLI_USAGE'` (exit status 2). */
  readonly code = 'ERR_CLI_USAGE' as const;
  /** The command whose usage was wrong, for the "see --help" hint. */
  readonly command: CommandName | undefined;

  constructor(message: string, command?: CommandName) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/**
 * What every port command shares.
 *
 * @example
 * ```ts
 * const base: BaseInvocation = {ports: [3000], json: false, protocol: 'tcp', adapter: undefined};
 * ```
 */
export interface BaseInvocation {
  /** Validated, de-duplicated ports in the order given. */
  readonly ports: readonly number[];
  /** One JSON document on stdout. */
  readonly json: boolean;
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
  /** No status lines on stderr. */
  readonly quiet: boolean;
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
export type InfoInvocation =
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
  | InfoInvocation;

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  protocol: { type: 'string' },
  adapter: { type: 'string' },
};

/** Options allowed before the command; `true`: takes a value. */
const GLOBAL_BEFORE_COMMAND: Readonly<Record<string, boolean>> = {
  json: false,
  protocol: true,
  adapter: true,
};

const STOP: Options = {
  ...COMMON,
  signal: { type: 'string', short: 's' },
  grace: { type: 'string', short: 'g' },
  force: { type: 'boolean', short: 'f' },
  'dry-run': { type: 'boolean', short: 'n' },
  filter: { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
};

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
};

/**
 * Default `wait --timeout`, in milliseconds.
 *
 * @example
 * ```ts
 * parseCommandLine(['wait', '3000']); // {timeout: DEFAULT_WAIT_TIMEOUT, ...}
 * ```
 */
export const DEFAULT_WAIT_TIMEOUT = 30_000;

const COMMON_HELP = `Options for every command:
  --json                 one JSON document on stdout (status lines still go to stderr)
  --protocol tcp|udp     default tcp; udp looks at bound UDP sockets
  --adapter <name>       force a socket-table source (procfs, ss, netstat, lsof, ...);
                         default: $PORTWARDEN_ADAPTER, else the first that works
  -h, --help             this help`;

const EXIT_HELP = `Exit status:
  0  done: free / freed / reached / answered
  1  in use (check), still held at the end (kill, free), timed out (wait)
  2  bad usage (bad port, unknown option); nothing was done
  3  could not determine (no socket-table source works here, a tool failed)
  130 interrupted (wait)`;

const HELP: Readonly<Record<CommandName | 'global', string>> = {
  global: `portwarden — ends "port already in use"

Usage:
  portwarden who <port...>       who holds the ports (alias: list)
  portwarden check <port...>     exit 0 when every port is free, 1 when one is in use
  portwarden kill <port...>      stop the processes that hold the ports
  portwarden free <port...>      stop the holders and wait until the ports are free
  portwarden wait <port...> [--until free|in-use] [--timeout <ms>]

  portwarden <command> --help    options of a command
  portwarden --version

Examples:
  portwarden who 3000
  portwarden free 3000 5173 --grace 2000
  portwarden wait 8080 --until in-use --timeout 20s && open http://localhost:8080

${COMMON_HELP}

Durations are milliseconds, or a number with ms, s or m (500, 2s, 1.5m).
Colour only on a terminal; never with NO_COLOR or --json.

${EXIT_HELP}
`,
  who: `Usage: portwarden who <port...> [options]   (alias: list)

Shows who holds each port: pid, name, user, address, protocol/state and command line, plus the
TCP connections on the port (ESTABLISHED, TIME_WAIT, ...). An owner portwarden may not see
(another user's process) is listed as hidden; run as root or as its owner to see it.

${COMMON_HELP}

Exit status: 0 answered, 2 bad usage, 3 could not determine.
`,
  check: `Usage: portwarden check <port...> [options]

Exit status 0 when a Node server could listen on every port now, 1 when one is in use.
Decided by bind probes (no subprocess); prints one line per port unless --json.

  --host <address>       only this address (default: every address listen(port) would use)

${COMMON_HELP}

Exit status: 0 all free, 1 one in use, 2 bad usage, 3 could not determine.
`,
  kill: `Usage: portwarden kill <port...> [options]

Stops the processes that hold the ports (never a connected client, never portwarden itself or
its parents, never pid 0 or 1): the polite signal first, SIGKILL after the grace period.

  -s, --signal <name>    polite signal (default SIGTERM); TERM, INT, HUP, 15 ... are accepted
  -g, --grace <ms>       time between the polite signal and SIGKILL (default 5000)
  -f, --force            SIGKILL at once
  -n, --dry-run          show what would be stopped, stop nothing
      --filter <name>    only stop processes with this name (repeatable: any of them)
  -q, --quiet            no status lines on stderr

${COMMON_HELP}

Exit status: 0 every port free at the end (--dry-run: answered), 1 a port still held,
2 bad usage, 3 could not determine.
`,
  free: `Usage: portwarden free <port...> [options]

Makes the ports free: stops their holders as kill does, then waits until a Node server could
listen on each port. Made for package.json scripts: "predev": "portwarden free 3000".

  -s, --signal <name>    polite signal (default SIGTERM)
  -g, --grace <ms>       time between the polite signal and SIGKILL (default 5000)
  -f, --force            SIGKILL at once
  -w, --max-wait <ms>    give up after this long in all (default 15000)
  -n, --dry-run          show what would be stopped, stop nothing
      --filter <name>    only stop processes with this name (repeatable: any of them)
  -q, --quiet            no status lines on stderr

${COMMON_HELP}

Exit status: 0 every port free at the end (--dry-run: answered), 1 a port still held,
2 bad usage, 3 could not determine.
`,
  wait: `Usage: portwarden wait <port...> [--until free|in-use] [--timeout <ms>] [options]

Waits until every port is in use (a server came up; the default) or free, for startup scripts.

      --until free|in-use  the state to wait for (default in-use)
  -t, --timeout <ms>       give up after this long (default ${DEFAULT_WAIT_TIMEOUT}; 0: wait forever)
      --host <address>     only this address

${COMMON_HELP}

Exit status: 0 reached, 1 timed out, 2 bad usage, 3 could not determine, 130 interrupted.
`,
};

/**
 * The help text of one command, or the global help.
 *
 * @example
 * ```ts
 * process.stdout.write(helpText('free'));
 * ```
 */
export function helpText(topic?: CommandName): string {
  return HELP[topic ?? 'global'];
}

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

function parseProtocol(text: string | undefined, command: CommandName): Protocol {
  if (text === undefined) return 'tcp';
  const lower = text.toLowerCase();
  if (lower === 'tcp' || lower === 'udp') return lower;
  throw new UsageError(
    `invalid --protocol ${JSON.stringify(text.slice(0, 40))}: expected tcp or udp`,
    command,
  );
}

function parsePorts(positionals: readonly string[], command: CommandName): number[] {
  if (positionals.length === 0) throw new UsageError('missing port', command);
  const ports: number[] = [];
  for (const text of positionals) {
    let port: number;
    try {
      port = validatePort(text);
    } catch (error) {
      throw new UsageError(lowerFirst((error as Error).message), command);
    }
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The first sentence of a parseArgs error, on one line. */
function shortParseError(error: Error): string {
  const first = error.message.split(/\.\s|\n/)[0] ?? error.message;
  return lowerFirst(first.replace(/\.$/, ''));
}

function nonEmpty(option: string, value: string | undefined, command: CommandName) {
  if (value !== undefined && value.trim() === '') {
    throw new UsageError(`${option} must not be empty`, command);
  }
  return value;
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
    const token = argv[index] as string;
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
  const rest = [...leading, ...argv.slice(index + 1)];

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
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
  const base: BaseInvocation = {
    ports: parsePorts(parsed.positionals, command),
    json: bool('json'),
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
        quiet: bool('quiet'),
      };
    }
  }
}
