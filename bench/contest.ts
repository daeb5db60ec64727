/**
 * The contest engine: every contestant is called once per round, round after round, in an order
 * that rotates each round (so machine noise and position hit every contestant alike). Each call
 * is timed, its longest event-loop stall measured, and its answer checked against the truth
 * outside the timed part; a wrong answer or an error is recorded as such, never timed.
 *
 * @module
 */
import { withTimeout } from './processes.ts';
import { startStallMeter } from './stall.ts';

/** What a contestant is: the library, another package, the least the machine allows, or neither. */
export type Kind = 'portwarden' | 'peer' | 'floor' | 'reference';

/** One contestant, typed by its per-call state `S` and its answer `A`. */
export interface ContestantSpec<S, A> {
  readonly name: string;
  readonly kind: Kind;
  /** Untimed preparation before each call (e.g. start a fresh holder). */
  readonly setup?: () => Promise<S> | S;
  /** The timed call. */
  readonly run: (state: S) => Promise<A> | A;
  /** Untimed: `undefined` when the answer is right, else what was wrong with it. */
  readonly check?: (answer: A, state: S) => Promise<string | undefined> | string | undefined;
  /** Untimed clean-up after each call (always runs). */
  readonly teardown?: (state: S) => Promise<void> | void;
  /** Measure the event-loop stall of the call (default true). */
  readonly stall?: boolean;
}

/** One call's outcome. */
interface Sample {
  readonly ms: number;
  readonly stall: number | null;
  /** Why the answer was wrong (or the error), when it was. */
  readonly wrong?: string;
}

/** A contestant with its types erased: one call, timed and checked. */
export interface Contestant {
  readonly name: string;
  readonly kind: Kind;
  once(timeout: number): Promise<Sample>;
}

/**
 * Wraps a typed contestant into a {@link Contestant}.
 *
 * @example
 * ```ts
 * contestant({ name: 'pid-port', kind: 'peer', run: () => portToPid({ port, host: '*' }),
 *   check: (pid) => (pid === holder.pid ? undefined : `got ${pid}`) });
 * ```
 */
export function contestant<S = undefined, A = unknown>(spec: ContestantSpec<S, A>): Contestant {
  return {
    name: spec.name,
    kind: spec.kind,
    async once(timeout) {
      const state = (await spec.setup?.()) as S;
      try {
        const meter = spec.stall === false ? undefined : startStallMeter();
        const started = performance.now();
        let answer: A;
        try {
          answer = await withTimeout(Promise.resolve(spec.run(state)), timeout, spec.name);
        } catch (error) {
          meter?.stop();
          return { ms: Number.NaN, stall: null, wrong: `error: ${(error as Error).message}` };
        }
        const ms = performance.now() - started;
        const stall = meter ? meter.stop() : null;
        const wrong = await spec.check?.(answer, state);
        return wrong === undefined ? { ms, stall } : { ms, stall, wrong };
      } finally {
        await spec.teardown?.(state);
      }
    },
  };
}

/** Everything measured for one contestant. */
export interface ContestantResult {
  readonly name: string;
  readonly kind: Kind;
  /** Times of the right answers of the timed rounds. */
  readonly times: number[];
  /** Stalls of the right answers of the timed rounds. */
  readonly stalls: number[];
  /** Calls made (warm-up included). */
  calls: number;
  /** Wrong answers and errors, by description, with how often (warm-up included). */
  readonly wrongs: Map<string, number>;
}

/** One section's contest. */
export interface ContestResult {
  readonly title: string;
  readonly rounds: number;
  readonly results: readonly ContestantResult[];
}

/**
 * Runs `warmup` untimed and `rounds` timed rounds of every contestant, rotating the order.
 *
 * @example
 * ```ts
 * const result = await runContest('who holds P', contestants, { rounds: 40, warmup: 3, timeout: 10_000 });
 * ```
 */
export async function runContest(
  title: string,
  contestants: readonly Contestant[],
  options: { rounds: number; warmup: number; timeout: number; progress?: (line: string) => void },
): Promise<ContestResult> {
  const results = contestants.map<ContestantResult>((entry) => ({
    name: entry.name,
    kind: entry.kind,
    times: [],
    stalls: [],
    calls: 0,
    wrongs: new Map(),
  }));
  const total = options.warmup + options.rounds;
  for (let round = 0; round < total; round++) {
    for (let offset = 0; offset < contestants.length; offset++) {
      const index = (round + offset) % contestants.length;
      const entry = contestants[index] as Contestant;
      const result = results[index] as ContestantResult;
      result.calls++;
      const sample = await entry.once(options.timeout);
      if (sample.wrong !== undefined) {
        result.wrongs.set(sample.wrong, (result.wrongs.get(sample.wrong) ?? 0) + 1);
        continue;
      }
      if (round < options.warmup) continue;
      result.times.push(sample.ms);
      if (sample.stall !== null) result.stalls.push(sample.stall);
    }
    if (options.progress && (round + 1) % 10 === 0) {
      options.progress(`  ${title}: round ${round + 1}/${total}`);
    }
  }
  return { title, rounds: options.rounds, results };
}

/** Median of a list (NaN for an empty one). */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** The `fraction` percentile (nearest rank; the median interpolates two middle values). */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (fraction === 0.5) {
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * fraction) - 1)] as number;
}

/** Whether every call of a contestant answered right. */
export function allRight(result: ContestantResult): boolean {
  return result.wrongs.size === 0 && result.times.length > 0;
}

/** The fastest (by median) contestant of `kind` whose answers were all right. */
export function best(contest: ContestResult, kind: Kind): ContestantResult | undefined {
  let winner: ContestantResult | undefined;
  for (const result of contest.results) {
    if (result.kind !== kind || !allRight(result)) continue;
    if (!winner || median(result.times) < median(winner.times)) winner = result;
  }
  return winner;
}

/** Every wrong answer of a contest, as lines `name: description (n×)`. */
export function wrongAnswers(contest: ContestResult): string[] {
  return contest.results.flatMap((result) =>
    [...result.wrongs].map(([what, count]) => `${result.name}: ${what} (${count}×)`),
  );
}
