/**
 * The benchmark of issue 10, every measure side by side in one run, printed as one markdown report
 * (progress on stderr, the report on stdout). Measures the BUILT package (dist/).
 *
 *   npm run bench                                  # everything (~75 s on 2 cores)
 *   npm run bench -- --quick                       # few rounds, to try it out
 *   npm run bench -- --only quiet,loaded           # some sections: quiet loaded in-use free startup footprint
 *   npm run bench -- --markdown README-speed.md    # also write the README block to a file
 *   npm run bench -- --update-readme               # replace <!-- SPEED --> … <!-- /SPEED --> and
 *                                                  # <!-- SPEED-INTRO --> … in README.md
 *
 * Exits non-zero when a contestant answered wrong, a section failed, or a started process is left.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ContestResult, wrongAnswers } from './contest.ts';
import { introLine } from './intro.ts';
import { describeMachine } from './machine.ts';
import { getBenchPort, startHolder } from './ports.ts';
import { cleanUpEverything, leftoverStarted } from './processes.ts';
import { renderReport } from './render.ts';
import { replaceMarked, replaceSpeedSection } from './report.ts';
import { runSections, SECTIONS, type Section } from './sections.ts';
import { ROOT } from './subjects.ts';
import { type BenchResults, readmeBlock } from './summary.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    markdown: { type: 'string' },
    'update-readme': { type: 'boolean', default: false },
    readme: { type: 'string', default: `${ROOT}README.md` },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}

const base = values.quick ? 8 : Number(values.rounds ?? 40);
if (!Number.isInteger(base) || base < 2) throw new Error(`--rounds must be an integer >= 2`);
const only = values.only ? new Set(values.only.split(',')) : new Set<string>(SECTIONS);
for (const name of only) {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    throw new Error(`unknown section ${name}; sections: ${SECTIONS.join(', ')}`);
  }
}
const progress = (line: string) => process.stderr.write(`${line}\n`);

// `on`, not `once`: execa (inside pid-port and fkill) installs signal-exit, which re-raises a
// signal that no other listener handles — with a `once` listener already removed, that would kill
// this process before its clean-up ran.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    progress(`\n${signal}: stopping every process the benchmark started…`);
    void cleanUpEverything().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}
process.once('uncaughtException', (error) => {
  progress(`crash: ${error.stack ?? error.message}`);
  void cleanUpEverything().finally(() => process.exit(1));
});

const results: BenchResults = { machine: describeMachine() };
const failures: string[] = [];
progress(`portwarden benchmark — ${results.machine.date}, commit ${results.machine.commit}`);

const heldPort = await getBenchPort();
const freePort = await getBenchPort();
const holder = await startHolder({ port: heldPort, host: '::' });
try {
  await runSections({
    only: only as Set<Section>,
    base,
    holder,
    freePort,
    results,
    failures,
    progress,
  });
} finally {
  await holder.stop();
  await cleanUpEverything();
}
if (interrupted) process.exit(130);

const leftovers = leftoverStarted();
if (leftovers.length > 0) failures.push(`processes left running: ${leftovers.join(', ')}`);
const contests = Object.values(results).filter(
  (value): value is ContestResult =>
    typeof value === 'object' && value !== null && 'results' in value,
);
const wrong = contests.flatMap(wrongAnswers);
const block = readmeBlock(results);
const intro = introLine(results);
console.log(renderReport(results, { wrong, failures, leftovers, block, intro }));

if (values.markdown) {
  writeFileSync(values.markdown, `${block}\n`);
  progress(`README block written to ${values.markdown}`);
}
if (values['update-readme']) {
  if (only.size !== SECTIONS.length || wrong.length > 0 || failures.length > 0) {
    failures.push('README not updated: run every section, with every answer right');
  } else {
    let readme = replaceSpeedSection(readFileSync(values.readme, 'utf8'), block);
    if (intro) readme = replaceMarked(readme, 'SPEED-INTRO', intro);
    writeFileSync(values.readme, readme);
    progress(`${values.readme}: Speed section and intro line replaced`);
  }
}
for (const line of [...wrong, ...failures]) progress(`FAILED: ${line}`);
process.exit(wrong.length > 0 || failures.length > 0 ? 1 : 0);
