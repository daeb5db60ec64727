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
  /** The ports whose stop signalled it (a process may hold several of them). */
  readonly ports: number[];
  readonly pid: number;
  readonly label: string;
  readonly signals: string[];
  /** What follows the label: the clock while waiting, the end (`exited in 0.21 s`). */
  tail: string;
  done: boolean;
}

/**
 * Shows the progress of a stop: on a terminal one live row per process that is being stopped,
 * rewritten in place (`SIGTERM → 1234 node server.js … 0.50 s`) and left behind as one final
 * line once the process is gone (`… exited in 0.21 s`) — with several ports the rows of all the
 * processes still awaited are redrawn together, so no row is ever printed twice. Elsewhere (a
 * pipe, a file, CI) one plain line per event: when a signal is sent, when the process is gone. A
 * process that holds several of the ports is one entry. Writes to `stream` (stderr), never to
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
  /** Live mode: the entries on the rows being redrawn, oldest first. */
  const region: Entry[] = [];
  /** Live mode: rows the region occupies now; the cursor is at the end of the last one. */
  let drawn = 0;
  const skippedSeen = new Set<string>();

  const prefix = (ports: readonly number[]) =>
    options.showPort ? `${style.dim(`:${ports.join(',')}`)} ` : '';
  /** `SIGTERM → 1234 node server.js … tail`, the label cut so that a live row fits the width. */
  const render = (entry: Entry) => {
    const before = `${prefix(entry.ports)}${style.bold(entry.signals.join(', '))} → `;
    const after = ` …${entry.tail ? ` ${entry.tail}` : ''}`;
    let label = entry.label;
    const columns = options.columns;
    if (options.live && columns && columns >= 20) {
      const budget = Math.max(columns - 1 - visibleLength(before) - visibleLength(after), 12);
      if (label.length > budget) label = label.slice(0, budget);
    }
    return `${before}${label}${after}`;
  };

  /**
   * Live mode: clears the region, prints `lines` for good above it and draws the region again,
   * in one write. `\r` + cursor up to the region's first row + "erase to the end of the screen".
   */
  const redraw = (lines: readonly string[]) => {
    let out = drawn === 0 ? '' : `\r${drawn > 1 ? `\u001B[${drawn - 1}A` : ''}\u001B[J`;
    for (const line of lines) out += `${line}\n`;
    out += region.map(render).join('\n');
    drawn = region.length;
    if (out) stream.write(out);
  };

  /** A line for good: above the live region, or plain. */
  const line = (text: string) => {
    if (options.live) redraw([text]);
    else stream.write(`${text}\n`);
  };

  /** An entry changed: redraw it (live), or print its line (plain, `final` or a new signal). */
  const update = (entry: Entry, final: boolean) => {
    if (!options.live) {
      stream.write(`${render(entry)}\n`);
      return;
    }
    const index = region.indexOf(entry);
    if (final) {
      if (index >= 0) region.splice(index, 1);
      redraw([render(entry)]);
    } else {
      if (index < 0) region.push(entry);
      redraw([]);
    }
  };

  const end = (pid: number, port: number, tail: string) => {
    const entry = entries.get(pid);
    if (!entry) {
      line(`${prefix([port])}${pid} ${tail}`);
      return;
    }
    if (entry.done) return; // the stop of another port saw the same exit
    entry.done = true;
    entry.tail = tail;
    update(entry, true);
  };

  return {
    progress(port, event) {
      switch (event.type) {
        case 'signal': {
          const owner = event.owner;
          const what = owner.commandLine ?? owner.name ?? '';
          let entry = entries.get(event.pid);
          if (!entry) {
            entry = {
              ports: [],
              pid: event.pid,
              label: `${event.pid}${what ? ` ${printable(what)}` : ''}`,
              signals: [],
              tail: '',
              done: false,
            };
            entries.set(event.pid, entry);
          }
          if (!entry.ports.includes(port)) entry.ports.push(port);
          // The stop of another port sending the same signal to the same process is no news.
          if (entry.signals.includes(event.signal) || entry.done) break;
          entry.signals.push(event.signal);
          entry.tail = '';
          update(entry, false);
          break;
        }
        case 'exited':
          end(event.pid, port, style.green(`exited in ${formatMs(event.elapsedMs)}`));
          break;
        case 'failed':
          end(
            event.pid,
            port,
            style.red(
              `failed: ${event.code}${event.message ? ` (${printable(event.message)})` : ''}`,
            ),
          );
          break;
        case 'skipped': {
          if (event.reason === 'dry-run') break;
          const key = `${event.pid}:${event.reason}`;
          if (skippedSeen.has(key)) break;
          skippedSeen.add(key);
          line(
            `${prefix([port])}${style.yellow('skipped')} ${event.pid ?? '(hidden)'}: ${skipReasonText(event.reason)}`,
          );
          break;
        }
        case 'waiting': {
          // Only live rows show the clock (on this port's processes still awaited); plain output
          // would be noise.
          if (!options.live) break;
          const awaited = region.filter((entry) => entry.ports.includes(port));
          if (awaited.length === 0) break;
          for (const entry of awaited) entry.tail = style.dim(formatMs(event.elapsedMs));
          redraw([]);
          break;
        }
      }
    },
    finish() {
      if (!options.live || drawn === 0) return;
      // Rows still open (a process whose end was not reported) stay as they are.
      region.length = 0;
      stream.write('\n');
      drawn = 0;
    },
  };
}
