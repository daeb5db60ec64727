/** Small timing helpers shared by the benchmarks (run by hand, never in `npm test`). */

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One contender: a name and an async function to time. */
export interface Contender {
  readonly name: string;
  readonly run: () => Promise<unknown>;
}

/**
 * Times every contender `rounds` times, interleaved round by round so that machine noise hits
 * each alike, after `warmup` untimed rounds. Returns milliseconds per contender.
 */
export async function timeInterleaved(
  contenders: readonly Contender[],
  rounds: number,
  warmup = 3,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const contender of contenders) {
      const started = performance.now();
      await contender.run();
      const elapsed = performance.now() - started;
      if (round >= warmup) samples.get(contender.name)?.push(elapsed);
    }
  }
  return samples;
}

/** Prints a table of medians with the ratio of each to the first (the baseline) row. */
export function printTable(title: string, samples: Map<string, number[]>, baseline?: string): void {
  const entries = [...samples.entries()].map(([name, values]) => ({
    name,
    median: median(values),
    p90: percentile(values, 0.9),
  }));
  const base = entries.find((entry) => entry.name === baseline) ?? entries[0];
  const width = Math.max(...entries.map((entry) => entry.name.length), 10);
  console.log(`\n${title}`);
  console.log(
    `${'contender'.padEnd(width)}  ${'median ms'.padStart(10)}  ${'p90 ms'.padStart(9)}  ${'× baseline'.padStart(10)}`,
  );
  for (const entry of entries) {
    const ratio = base ? entry.median / base.median : 1;
    console.log(
      `${entry.name.padEnd(width)}  ${entry.median.toFixed(3).padStart(10)}  ${entry.p90.toFixed(3).padStart(9)}  ${ratio.toFixed(2).padStart(10)}`,
    );
  }
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}
