/**
 * What a stop did so far, from its progress events: what `kill` and `free` report when Ctrl-C
 * ends them before the library's report exists.
 *
 * @module
 */
import type { StopProgress } from '../index.ts';
import { printable } from './output.ts';

/**
 * One process a stop signalled.
 *
 * @example
 * ```ts
 * const stubborn: SignalledProcess = {pid: 4242, name: 'node', signals: ['SIGTERM'], exited: false};
 * ```
 */
export interface SignalledProcess {
  readonly pid: number;
  readonly name: string | null;
  /** Signals sent, in order. */
  readonly signals: string[];
  /** Whether it was seen gone before the interruption. */
  exited: boolean;
}

/**
 * The processes signalled for one port, in the order of their first signal.
 *
 * @example
 * ```ts
 * const journal = new StopJournal();
 * await freePort(3000, {signal, onProgress: (event) => journal.record(event)}).catch(() => {});
 * journal.pending(); // signalled, not seen gone: [{pid: 4242, signals: ['SIGTERM'], ...}]
 * ```
 */
export class StopJournal {
  readonly #processes = new Map<number, SignalledProcess>();

  /** Notes one progress event (signals sent, exits); other events change nothing. */
  record(event: StopProgress): void {
    if (event.type === 'signal') {
      const known = this.#processes.get(event.pid);
      if (known) known.signals.push(event.signal);
      else {
        this.#processes.set(event.pid, {
          pid: event.pid,
          name: event.owner.name,
          signals: [event.signal],
          exited: false,
        });
      }
    } else if (event.type === 'exited') {
      const known = this.#processes.get(event.pid);
      if (known) known.exited = true;
    }
  }

  /** Every signalled process. */
  signalled(): SignalledProcess[] {
    return [...this.#processes.values()];
  }

  /** Signalled and not seen gone: the escalation was abandoned for these. */
  pending(): SignalledProcess[] {
    return this.signalled().filter((process) => !process.exited);
  }
}

function label(process: SignalledProcess): string {
  return `${process.pid}${process.name ? ` ${printable(process.name)}` : ''}`;
}

/**
 * In words, what an interrupted stop had done: who was signalled and gone, who was signalled and
 * left running (no further signal is sent after Ctrl-C).
 *
 * @example
 * ```ts
 * interruptedText(journal);
 * // 'sent SIGTERM to 4242 node, which had not exited: no SIGKILL was sent'
 * ```
 */
export function interruptedText(journal: StopJournal): string {
  const signalled = journal.signalled();
  if (signalled.length === 0) return 'nothing was signalled';
  const parts: string[] = [];
  const gone = signalled.filter((process) => process.exited);
  if (gone.length > 0) {
    parts.push(
      `stopped ${gone.map((process) => `${label(process)} (${process.signals.join(', ')})`).join(', ')}`,
    );
  }
  const pending = journal.pending();
  if (pending.length > 0) {
    parts.push(
      `sent ${pending.map((process) => `${process.signals.join(', ')} to ${label(process)}`).join(', ')}, which had not exited: no further signal was sent`,
    );
  }
  return parts.join('; ');
}
