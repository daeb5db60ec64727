/**
 * The full markdown report of one run: the machine, every contest's table in the order of issue
 * 10, the footprints, what went wrong, and the README block at the end.
 *
 * @module
 */
import type { ContestResult } from './contest.ts';
import { loadNow } from './machine.ts';
import { bytes, contestTable } from './report.ts';
import { BARE } from './sections/startup.ts';
import type { BenchResults } from './summary.ts';

function machineSection(results: BenchResults): string {
  const { machine } = results;
  return [
    '# portwarden benchmark',
    '',
    `- date: ${machine.date}`,
    `- commit: ${machine.commit}`,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB.toFixed(1)} GiB RAM`,
    `- kernel: ${machine.kernel}; ${machine.ss}; ${machine.lsof}`,
    `- node: ${machine.node}`,
    `- 1-minute load average: ${machine.loadAtStart.toFixed(2)} at the start, ${loadNow().toFixed(2)} at the end (${machine.cores} cores; anything else running skews every number)`,
    `- versions: ${Object.entries(machine.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    '- times in ms, medians of the timed rounds; "max stall": the longest event-loop block during',
    '  each call (1 ms interval timer), median of the calls and the worst; ratios: this row ÷ the',
    '  fastest floor / peer whose answers were all right.',
  ].join('\n');
}

function table(contest: ContestResult | undefined, baseline?: string): string[] {
  return contest ? [contestTable(contest, baseline), ''] : [];
}

function footprintSection(results: BenchResults): string[] {
  if (!results.footprints) return [];
  return [
    '### Installed footprint (`npm install <package> --omit=dev` into an empty project)',
    '',
    '| package | installed from | packages in node_modules | bytes |',
    '|---|---|---:|---:|',
    ...results.footprints.map((row) =>
      row.error
        ? `| ${row.name} | ${row.spec.replace(/.*\//, '')} | install failed (see Outcome) | — |`
        : `| ${row.name} | ${row.spec.replace(/.*\//, '')} | ${row.packages} | ${bytes(row.bytes)} (${row.bytes}) |`,
    ),
    '',
  ];
}

/**
 * Renders the report.
 *
 * @example
 * ```ts
 * console.log(renderReport(results, { wrong: [], failures: [], leftovers: [], block }));
 * ```
 */
export function renderReport(
  results: BenchResults,
  outcome: {
    wrong: readonly string[];
    failures: readonly string[];
    leftovers: readonly number[];
    block: string;
    /** The README intro's speed bullet, when the run has every section it quotes. */
    intro?: string | undefined;
  },
): string {
  const problems = [...outcome.wrong.map((line) => `wrong answer: ${line}`), ...outcome.failures];
  return [
    machineSection(results),
    '',
    '## 1. Who holds P — quiet machine',
    '',
    ...table(results.quiet),
    ...table(results.quietProfile),
    '## 2. Who holds P — busy machine',
    '',
    ...table(results.loaded),
    ...table(results.loadedProfile),
    '## 3. Is P in use',
    '',
    ...table(results.inUseHeld),
    ...table(results.inUseFree),
    '## 4. Free a port',
    '',
    ...table(results.free),
    '## 5. Start-up and footprint',
    '',
    ...table(results.imports, BARE),
    ...table(results.cli, BARE),
    ...footprintSection(results),
    '## Outcome',
    '',
    problems.length === 0
      ? '- every answer right, every section ran'
      : problems.map((line) => `- **${line}**`).join('\n'),
    `- processes left behind by the benchmark: ${outcome.leftovers.length === 0 ? 'none' : outcome.leftovers.join(', ')}`,
    '',
    '## README block (`npm run bench -- --update-readme` puts it between `<!-- SPEED -->` and `<!-- /SPEED -->`)',
    '',
    '<!-- SPEED -->',
    outcome.block,
    '<!-- /SPEED -->',
    ...(outcome.intro
      ? ['', '## README intro line (between `<!-- SPEED-INTRO -->` markers)', '', outcome.intro]
      : []),
  ].join('\n');
}
