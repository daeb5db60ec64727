/**
 * The sections of the benchmark, run in order, each guarded: a section that fails is recorded
 * (and makes the run fail) and the next one still runs; everything a section starts is stopped in
 * its `finally`.
 *
 * @module
 */
import { startLoad } from './load.ts';
import type { Holder } from './ports.ts';
import { onCleanup, pidAlive, sleep } from './processes.ts';
import { measureFootprints } from './sections/footprint.ts';
import { runFree } from './sections/free.ts';
import { runInUse } from './sections/in-use.ts';
import { runCli, runImportCost } from './sections/startup.ts';
import { machineLoad, runWhereTimeGoes, runWhoHolds } from './sections/who-holds.ts';
import { loadApi } from './subjects.ts';
import type { BenchResults } from './summary.ts';

/** Section names, in the order they run (`--only` takes a comma-separated list of them). */
export const SECTIONS = ['quiet', 'in-use', 'free', 'startup', 'footprint', 'loaded'] as const;
/** One section's name. */
export type Section = (typeof SECTIONS)[number];

/** The busy machine of the "loaded" section. */
const LOAD = { pairs: 4_000, idle: 300 } as const;

/** What the sections need and fill in. */
export interface SectionContext {
  readonly only: ReadonlySet<Section>;
  /** Rounds of the quiet lookup; the other sections' rounds are scaled from it. */
  readonly base: number;
  /** Holds the lookup's port (node on `::`). */
  readonly holder: Holder;
  /** A port nothing holds. */
  readonly freePort: number;
  readonly results: BenchResults;
  readonly failures: string[];
  readonly progress: (line: string) => void;
}

/** An error message on one line (for the report's lists and tables). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 400);
}

/** Most TCP rows a "quiet" machine may have. */
const QUIET_ROWS = 1_000;

/**
 * Waits (at most 70 s) until the socket table has at most {@link QUIET_ROWS} TCP rows: the
 * TIME_WAIT rows an earlier run (or anything else) left drain within 60 s on Linux. Returns the
 * number of rows when the quiet measurements start.
 */
async function waitForQuietTable(progress: (line: string) => void): Promise<number> {
  const rows = () => {
    const seen = machineLoad();
    return seen.tcpRows + seen.tcp6Rows;
  };
  let count = rows();
  if (count <= QUIET_ROWS) return count;
  progress(
    `  ${count} TCP rows (TIME_WAIT from an earlier run?): waiting up to 70 s for a quiet table`,
  );
  const end = performance.now() + 70_000;
  while (count > QUIET_ROWS && performance.now() < end) {
    await sleep(1_000);
    count = rows();
  }
  if (count > QUIET_ROWS) progress(`  still ${count} TCP rows: the "quiet" numbers are not quiet`);
  return count;
}

/** Runs the selected sections, filling `context.results` and `context.failures`. */
export async function runSections(context: SectionContext): Promise<void> {
  const { base, holder, results, progress } = context;
  const api = await loadApi();
  const options = (rounds: number) => ({ rounds: Math.max(2, Math.ceil(rounds)), progress });
  const step = async (name: Section, work: () => Promise<void>) => {
    if (!context.only.has(name)) return;
    progress(`${name}…`);
    const started = performance.now();
    try {
      await work();
    } catch (error) {
      context.failures.push(`section ${name}: ${oneLine((error as Error).message)}`);
    }
    progress(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  const port = holder.port;
  if (context.only.has('quiet') || context.only.has('free') || context.only.has('in-use')) {
    results.quietSockets = await waitForQuietTable(progress);
  }

  await step('quiet', async () => {
    results.quietProcesses = machineLoad().processes;
    results.quiet = await runWhoHolds(
      `Who holds P, quiet machine (1 listener on [::]:${port}, ${results.quietProcesses} processes, ${results.quietSockets} TCP sockets)`,
      api,
      port,
      holder.pid,
      options(base),
    );
    results.quietProfile = await runWhereTimeGoes(
      'Where the time goes, quiet machine (each phase alone)',
      port,
      options(base / 2),
    );
  });
  await step('in-use', async () => {
    results.inUseHeld = await runInUse(
      'Is P in use — held port',
      api,
      port,
      true,
      options(base * 5),
    );
    results.inUseFree = await runInUse(
      'Is P in use — free port',
      api,
      context.freePort,
      false,
      options(base * 5),
    );
  });
  await step('free', async () => {
    results.free = await runFree(api, options((base * 3) / 8));
  });
  await step('startup', async () => {
    results.imports = await runImportCost(options((base * 3) / 4));
    results.cli = await runCli({
      ...options((base * 3) / 4),
      freePort: context.freePort,
      heldPort: port,
    });
  });
  await step('footprint', async () => {
    results.footprints = await measureFootprints(progress);
    for (const row of results.footprints) {
      if (row.error) context.failures.push(`footprint of ${row.name}: ${oneLine(row.error)}`);
    }
  });
  await step('loaded', async () => {
    progress(`  starting ${LOAD.pairs} loopback connection pairs and ${LOAD.idle} idle processes…`);
    const load = await startLoad({ ...LOAD, lifetimeMs: 30 * 60_000 });
    const unregister = onCleanup(() => load.stop());
    try {
      const seen = machineLoad();
      const sockets = seen.tcpRows + seen.tcp6Rows;
      if (sockets < 2 * LOAD.pairs)
        throw new Error(`only ${sockets} TCP rows with the load running`);
      results.loadDescription = `${(2 * LOAD.pairs).toLocaleString('en')} loopback connections + ${load.sleepers.length} processes`;
      progress(
        `  load ready: ${sockets} TCP rows, ${seen.processes} processes, ${seen.fdLinks} fd links (helper pid ${load.pid}, ${load.limit})`,
      );
      results.loaded = await runWhoHolds(
        `Who holds P, busy machine (${sockets} TCP sockets: ${LOAD.pairs} loopback connection pairs; ${seen.processes} processes, ${seen.fdLinks} open fds)`,
        api,
        port,
        holder.pid,
        options(base / 2),
      );
      results.loadedProfile = await runWhereTimeGoes(
        `Where the time goes, busy machine (${sockets} TCP sockets, ${seen.processes} processes)`,
        port,
        options(base / 4),
      );
    } finally {
      await load.stop();
      unregister();
      const left = [load.pid, ...load.sleepers].filter(pidAlive);
      if (left.length > 0) context.failures.push(`load processes left: ${left.join(', ')}`);
      else progress(`  load stopped: helper and ${load.sleepers.length} sleepers gone`);
    }
  });
}
