/**
 * Output of the command line: colour decisions, tables, JSON. Only the CLI prints; the library
 * never does. Results go to stdout, status lines and errors to stderr, so that `--json` leaves
 * exactly one JSON document on stdout. Slightly over ~250 lines: small, unrelated helpers, each
 * with its documented example.
 *
 * @module
 */

/**
 * A writable text stream with the TTY facts the CLI looks at (`process.stdout` is one).
 *
 * @example
 * ```ts
 * const collected: string[] = [];
 * const stream: TextStream = {write: (text) => collected.push(text) > 0, isTTY: false};
 * ```
 */
export interface TextStream {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Whether to colour a stream: never with `--json`, never when `NO_COLOR` is set (non-empty),
 * never for `TERM=dumb`; `FORCE_COLOR` (other than `0`/`false`) turns it on even when the stream
 * is not a terminal; otherwise only on a terminal.
 *
 * @example
 * ```ts
 * shouldColor(process.stdout, process.env, false); // true in a terminal without NO_COLOR
 * shouldColor(process.stdout, {NO_COLOR: '1'}, false); // false
 * ```
 */
export function shouldColor(stream: TextStream, env: NodeJS.ProcessEnv, json: boolean): boolean {
  if (json) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/**
 * SGR styling functions; identity functions when colour is off.
 *
 * @example
 * ```ts
 * const style: Style = createStyle(false);
 * style.red('in use'); // 'in use'
 * ```
 */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) =>
  `\u001B[${open}m${text}\u001B[${close}m`;
const plain = (text: string) => text;

/**
 * A {@link Style}: ANSI colours when `enabled`, plain text otherwise.
 *
 * @example
 * ```ts
 * const style = createStyle(shouldColor(process.stdout, process.env, false));
 * console.log(style.green('free'));
 * ```
 */
export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    return {
      enabled,
      bold: plain,
      dim: plain,
      red: plain,
      green: plain,
      yellow: plain,
      cyan: plain,
    };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences
const ANSI = /\u001B\[[0-9;]*[A-Za-z]/g;

/**
 * The printed width of a text (ANSI escapes do not count).
 *
 * @example
 * ```ts
 * visibleLength('\u001B[1mpid\u001B[22m'); // 3
 * ```
 */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * Renders rows as aligned columns with two spaces between them. The last column is not padded;
 * with `maxWidth` it is cut to fit (with `…`). Header cells are printed as given (style them
 * before).
 *
 * @example
 * ```ts
 * renderTable(['PID', 'NAME'], [['4242', 'node']]);
 * // 'PID   NAME\n4242  node\n'
 * ```
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { indent?: string; maxWidth?: number } = {},
): string {
  const indent = options.indent ?? '';
  const all = [headers, ...rows];
  const widths = headers.map((_, column) =>
    Math.max(...all.map((row) => visibleLength(row[column] ?? ''))),
  );
  let out = '';
  for (const row of all) {
    let line = indent;
    row.forEach((cell, column) => {
      if (column < row.length - 1) {
        line += cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell) + 2);
        return;
      }
      // The last cell (a command line) is cut to the width; a styled cell is left whole.
      const room =
        options.maxWidth === undefined ? Infinity : options.maxWidth - visibleLength(line);
      line +=
        cell.length > room && !cell.includes('\u001B')
          ? `${cell.slice(0, Math.max(room - 1, 10))}…`
          : cell;
    });
    out += `${line.trimEnd()}\n`;
  }
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Makes text from another process (a command line, a process name) safe to print on a terminal:
 * control characters — newlines, and the ESC of ANSI sequences a hostile command line could use
 * to rewrite the screen — become visible escapes (`\n`, `\x1b`).
 *
 * @example
 * ```ts
 * printable('python3 -c \nimport time'); // 'python3 -c \\nimport time'
 * printable('evil\u001B[2J');            // 'evil\\x1b[2J'
 * ```
 */
export function printable(text: string): string {
  return text.replace(
    CONTROL,
    (char) => ESCAPES[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * Writes one JSON document (and a newline) to the stream: the only thing `--json` puts on stdout.
 *
 * @example
 * ```ts
 * writeJson(process.stdout, {command: 'check', ok: true, exitCode: 0, ports: []});
 * ```
 */
export function writeJson(stream: TextStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes a one-line error to stderr: `portwarden[ <command>]: <message>`, newlines folded.
 *
 * @example
 * ```ts
 * printError(process.stderr, 'free', 'invalid port "0": out of range 1-65535');
 * // portwarden free: invalid port "0": out of range 1-65535
 * ```
 */
export function printError(stream: TextStream, command: string | undefined, message: string): void {
  const oneLine = printable(message.replace(/\s*\n\s*/g, ' ').trim());
  stream.write(`portwarden${command ? ` ${command}` : ''}: ${oneLine}\n`);
}

/**
 * Formats milliseconds for people: `0.21 s`, `12 ms`, `1.5 s`.
 *
 * @example
 * ```ts
 * formatMs(210); // '0.21 s'
 * ```
 */
export function formatMs(ms: number): string {
  if (ms < 100) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * An address and port as people write it: `127.0.0.1:3000`, `[::1]:3000`, `*:3000`.
 *
 * @example
 * ```ts
 * formatAddress('::', 3000); // '[::]:3000'
 * ```
 */
export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * The streams and environment a command runs with (replaceable in tests).
 *
 * @example
 * ```ts
 * const io: CliIO = {stdout: process.stdout, stderr: process.stderr, env: process.env};
 * ```
 */
export interface CliIO {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  readonly env: NodeJS.ProcessEnv;
  /** Fires on SIGINT (Ctrl-C): waiting commands stop and exit with status 130. */
  readonly signal?: AbortSignal;
}

/**
 * The styles for stdout and stderr of a command (no colour with `--json`, `NO_COLOR`, or off a
 * terminal).
 *
 * @example
 * ```ts
 * const {out, err} = styles(io, invocation.json);
 * io.stdout.write(out.green('free'));
 * ```
 */
export function styles(io: CliIO, json: boolean): { out: Style; err: Style } {
  return {
    out: createStyle(shouldColor(io.stdout, io.env, json)),
    err: createStyle(shouldColor(io.stderr, io.env, json)),
  };
}
