/**
 * The README intro's speed bullet, built from the same run as the Speed section (so the two never
 * disagree): the lookup times on the quiet and the busy machine against the fastest floor, the
 * longest event-loop block, and the cost of a bind probe.
 *
 * @module
 */
import { BUSY_TABLE } from '../src/adapters/ss-procfs.ts';
import { best, median } from './contest.ts';
import { ms, rightResult } from './report.ts';
import type { BenchResults } from './summary.ts';

const LOOKUP = 'portwarden getProcessesOnPort';

/**
 * The intro bullet (what goes between `<!-- SPEED-INTRO -->` and `<!-- /SPEED-INTRO -->`), or
 * `undefined` when the run lacks a section it quotes.
 *
 * @example
 * ```ts
 * introLine(results); // '- **Fast, and never in the way:** ...'
 * ```
 */
export function introLine(results: BenchResults): string | undefined {
  const quiet = rightResult(results.quiet, LOOKUP);
  const loaded = rightResult(results.loaded, LOOKUP);
  const quietFloor = results.quiet && best(results.quiet, 'floor');
  const loadedFloor = results.loaded && best(results.loaded, 'floor');
  const probe = rightResult(results.inUseHeld, 'portwarden isPortInUse');
  if (!quiet || !loaded || !quietFloor || !loadedFloor || !probe) return undefined;
  const block = Math.max(median(quiet.stalls), median(loaded.stalls));
  return [
    `- **Fast, and never in the way:** on Linux it reads \`/proc\` itself (no subprocess; from`,
    `  ~${BUSY_TABLE.toLocaleString('en')} sockets on, one \`ss\` with the kernel's port filter), in slices that keep`,
    `  the event loop running (longest block per call: ${ms(block)} ms, median). Who holds a port:`,
    `  ${ms(median(quiet.times))} ms on a quiet machine, ${ms(median(loaded.times))} ms with ${results.loadDescription ?? 'a busy one'}`,
    `  (fastest floor in the same run: ${ms(median(quietFloor.times))} and ${ms(median(loadedFloor.times))} ms); a bind probe: ${ms(median(probe.times))} ms.`,
    `  See [Speed](#speed).`,
  ].join('\n');
}
