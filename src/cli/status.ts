import type { SkipReason, StopProgress } from '../index.ts';
import { formatMs, printable, type Style, type TextStream, visibleLength } from './output.ts';

/**
 * Receives stop progress and shows it on stderr.
 *
 * @example
 * ```ts
 * const status: StatusReporter = createStatusReporter(process.stderr, {live: false, style, showPort: false});
 * ```
 */
export interface StatusReporter {
  /** Handles one `onProgress` event of the stop of `port`. */
  progress(port: number, event: StopProgress): void;
  /** Ends a live line that is still open (call before printing anything else to the stream). */
  finish(): void;
}

/**
 * How {@link createStatusReporter} shows progress.
 *
 * @example
 * ```ts
 * const options: StatusOptions = {live: process.stderr.isTTY, style: createStyle(false), showPort: true, columns: 80};
 * ```
 */
export interface StatusOptions {
  /** Live, rewritten line (a terminal) or plain lines (a pipe, a file, CI). */
  readonly live: boolean;
  readonly style: Style;
  /** Prefix lines with the port (several ports are being stopped). */
  readonly showPort: boolean;
  /** Terminal width, to keep the live line on one row. */
  readonly columns?: number;
}

const REASONS: Readonly<Record<SkipReason, string>> = {
  self: 'is portwarden itself, left alone',
  ancestor: 'is a parent of portwarden, left alone',
  system: 'is a system process, left alone',
  hidden: 'owner hidden (another user), cannot be stopped from here',
  connection: 'only has a connection on the port (not a listener), left alone',
  'time-wait': 'a TIME_WAIT socket, no process to stop: it ends by itself',
  managed: 'is run by a manager that would restart it (see its hint), left alone',
  'other-address': 'holds another address of the port, not in the way of --host, left alone',
  filtered: 'does not match --filter, left alone',
  'dry-run': 'dry run',
  blocked: 'left alone: another owner that may not be stopped keeps the port taken anyway',
};

/**
 * Explains why an owner was left alone.
 *
 * @example
 * ```ts
 * skipReasonText('ancestor'); // 'is a parent of portwarden, left alone'
 * ```
 */
export function skipReasonText(reason: SkipReason): string {
  return REASONS[reason] ?? reason;
}

interface Entry {
  readonly port: number;
  readonly pid: number;
  readonly label: string;
  signals: string[];
}

/**
 * Shows the progress of a stop: on a terminal one live line per process that is rewritten in
 * place — `SIGTERM → 1234 node server.js … exited in 0.21 s` — and plain lines otherwise (one
 * when the signal is sent, one when the process is gone). Writes to `stream` (stderr), never to
 * stdout, so `--json` output stays clean.
 *
 * @example
 * ```ts
 * const status = createStatusReporter(process.stderr, {live: true, style, showPort: false});
 * await killProcessOnPort(3000, {onProgress: (event) => status.progress(3000, event)});
 * status.finish();
 * ```
 */
export function createStatusReporter(stream: TextStream, options: StatusOptions): StatusReporter {
  const { style } = options;
  const entries = new Map<number, Entry>();
  /** Signalled processes not yet gone or failed, oldest first. */
  const pending = new Set<Entry>();
  /** The entry shown on the open live line, if any. */
  let live: Entry | undefined;

  const prefix = (port: number) => (options.showPort ? `${style.dim(`:${port}`)} ` : '');
  /** `SIGTERM → 1234 node server.js … tail`, the label cut so that a live line fits one row. */
  const render = (entry: Entry, tail: string) => {
    const before = `${prefix(entry.port)}${style.bold(entry.signals.join(', '))} → `;
    const after = ` …${tail ? ` ${tail}` : ''}`;
    let label = entry.label;
    const columns = options.columns;
    if (options.live && columns && columns >= 20) {
      const budget = Math.max(columns - 1 - visibleLength(before) - visibleLength(after), 12);
      if (label.length > budget) label = label.slice(0, budget);
    }
    return `${before}${label}${after}`;
  };

  const endLive = () => {
    if (live) stream.write('\n');
    live = undefined;
  };

  /** Shows an entry's current text: rewrites the live line or starts a new one. */
  const show = (entry: Entry, tail: string, final: boolean) => {
    const text = render(entry, tail);
    if (final) pending.delete(entry);
    if (!options.live) {
      stream.write(`${text}\n`);
      return;
    }
    if (live !== entry) endLive();
    stream.write(`\r\u001B[2K${text}`);
    live = entry;
    if (final) endLive();
  };

  const line = (text: string) => {
    endLive();
    stream.write(`${text}\n`);
  };

  return {
    progress(port, event) {
      switch (event.type) {
        case 'signal': {
          const owner = event.owner;
          const what = owner.commandLine ?? owner.name ?? '';
          const existing = entries.get(event.pid);
          const entry: Entry = existing ?? {
            port,
            pid: event.pid,
            label: `${event.pid}${what ? ` ${printable(what)}` : ''}`,
            signals: [],
          };
          entry.signals.push(event.signal);
          entries.set(event.pid, entry);
          pending.add(entry);
          show(entry, '', false);
          break;
        }
        case 'exited': {
          const entry = entries.get(event.pid);
          if (!entry) {
            line(`${prefix(port)}${event.pid} exited in ${formatMs(event.elapsedMs)}`);
            break;
          }
          show(entry, style.green(`exited in ${formatMs(event.elapsedMs)}`), true);
          break;
        }
        case 'failed': {
          const entry = entries.get(event.pid);
          const text = style.red(
            `failed: ${event.code}${event.message ? ` (${printable(event.message)})` : ''}`,
          );
          if (entry) show(entry, text, true);
          else line(`${prefix(port)}${event.pid} ${text}`);
          break;
        }
        case 'skipped': {
          if (event.reason === 'dry-run') break;
          line(
            `${prefix(port)}${style.yellow('skipped')} ${event.pid ?? '(hidden)'}: ${skipReasonText(event.reason)}`,
          );
          break;
        }
        case 'waiting': {
          // Only a live line shows the clock (on the process still awaited); plain output would
          // be noise.
          const awaited = live && pending.has(live) ? live : pending.values().next().value;
          if (options.live && awaited) show(awaited, style.dim(formatMs(event.elapsedMs)), false);
          break;
        }
      }
    },
    finish: endLive,
  };
}
