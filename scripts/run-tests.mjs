#!/usr/bin/env node
// Runs the test files under test/ (or the files given) with node's test runner and tsx, on any OS,
// so that no test can hang the run or outlive it:
// - each file runs in its own node process, the leader of its own process group, with a time
//   limit (PORTWARDEN_TEST_FILE_TIMEOUT ms, default 180000): a file that is not done by then is
//   killed and counted as a failure; every test also gets node's --test-timeout (120 s), which
//   Node 20 and 22 apply only under `node --test`, Node 24 to a file run directly too;
// - when a file's process ends (passed, failed or killed), whatever it left in its process group
//   is SIGKILLed, and on Linux every process still carrying the file's PORTWARDEN_TEST_RUN marker
//   in its environment too; a process whose parent dies (this runner killed with SIGKILL) kills
//   its own group (scripts/test-lifeline.mjs);
// - this runner stops every file when it is interrupted (SIGINT, SIGTERM, SIGHUP) or when the
//   process that started it goes away (e.g. `npm test` killed with SIGKILL);
// - the tests' temporary files go into one folder per run (PORTWARDEN_TEST_TMPDIR), removed at
//   the end; the test processes' TMPDIR is .cache/tmp (tsx keeps its compile cache there), so a
//   run leaves nothing in the system's temp folder.
// It prints each file's report when the file is done (two files at a time), then the failures
// and the totals (node's summary lines, and `N passed, N failed, N skipped`).
// Extra arguments: test files to run instead of all, and options for node (e.g. --test-only).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const windows = process.platform === 'win32';
const FILE_LIMIT_MS = Number(process.env.PORTWARDEN_TEST_FILE_TIMEOUT) || 180_000;
const TEST_TIMEOUT_MS = 120_000;
const CONCURRENCY = Number(process.env.PORTWARDEN_TEST_CONCURRENCY) || 2;
/** Past this, a file's output is cut (a runaway test must not fill the runner's memory). */
const OUTPUT_CAP = 4 * 1024 * 1024;

function testFiles(directory) {
  const files = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'fixtures' || entry.name === 'helpers') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) files.push(relative(root, path));
  }
  return files.sort();
}

const nodeArgs = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
const chosen = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith('-'))
  .map((file) => relative(root, resolve(file)));
const files = chosen.length > 0 ? chosen : testFiles(join(root, 'test'));

const runId = randomUUID();
const runDir = mkdtempSync(join(tmpdir(), 'portwarden-test-'));
// Holder scripts and `nobody`'s copy of the checkout live here: other users must reach them.
chmodSync(runDir, 0o755);
const started = performance.now();
// tsx caches compiled files in os.tmpdir(): a folder of the checkout keeps that cache between runs.
// Its own package.json makes a script written there CommonJS, as in /tmp (not the checkout's ESM).
const cacheTmp = join(root, '.cache', 'tmp');
if (!windows) {
  mkdirSync(cacheTmp, { recursive: true });
  writeFileSync(
    join(cacheTmp, 'package.json'),
    `${JSON.stringify({ private: true, type: 'commonjs' })}\n`,
  );
}

/** The processes of the files now running. */
const running = new Set();

/** SIGKILLs a file's process group (its process and everything it started that stayed in it). */
function killGroup(pid) {
  if (windows) {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {}
}

/** Linux: SIGKILLs every process whose environment carries `marker`; returns their pids. */
function sweep(marker) {
  if (process.platform !== 'linux') return [];
  const needle = `PORTWARDEN_TEST_RUN=${marker}\0`;
  const killed = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (!environ.includes(needle)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed.push(Number(entry));
    } catch {}
  }
  return killed;
}

/** Keeps the first OUTPUT_CAP bytes of a stream. */
function capture(stream) {
  const chunks = [];
  let size = 0;
  stream?.on('data', (chunk) => {
    if (size < OUTPUT_CAP) chunks.push(chunk);
    size += chunk.length;
  });
  return () => {
    const text = Buffer.concat(chunks).toString('utf8');
    return size > OUTPUT_CAP ? `${text}\n[output cut: ${size} bytes in all]\n` : text;
  };
}

/** Runs one test file; resolves with its output, counts and how its process ended. */
function runFile(file, index) {
  const marker = `${runId}:${index}`;
  const countsPath = join(runDir, `counts-${index}.jsonl`);
  const args = [
    '--import',
    'tsx',
    '--import',
    pathToFileURL(join(root, 'scripts', 'test-lifeline.mjs')).href,
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${pathToFileURL(join(root, 'scripts', 'test-counts.mjs')).href}`,
    `--test-reporter-destination=${countsPath}`,
    ...nodeArgs,
    file,
  ];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      PORTWARDEN_TEST_RUN: marker,
      PORTWARDEN_TEST_TMPDIR: runDir,
      ...(windows ? {} : { TMPDIR: cacheTmp }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: !windows,
  });
  running.add(child);
  const stdout = capture(child.stdout);
  const stderr = capture(child.stderr);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, FILE_LIMIT_MS);
  return new Promise((done) => {
    const finish = (code, signal, error) => {
      clearTimeout(timer);
      running.delete(child);
      killGroup(child.pid);
      const swept = sweep(marker);
      // A process outside the group may still hold the output pipes: wait for them a little.
      const closed = new Promise((resolveClosed) => child.once('close', resolveClosed));
      const grace = new Promise((resolveGrace) => setTimeout(resolveGrace, 2000).unref());
      Promise.race([closed, grace]).then(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        done({
          file,
          code,
          signal,
          error,
          timedOut,
          swept,
          seconds: (performance.now() - t0) / 1000,
          output: withoutSummary(stdout()) + stderr(),
          results: readCounts(countsPath),
        });
      });
    };
    child.once('exit', (code, signal) => finish(code, signal));
    child.once('error', (error) => finish(null, null, error));
  });
}

/** The spec reporter's own totals: the runner prints the totals of every file at the end. */
function withoutSummary(text) {
  return text.replace(
    /^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+\n/gm,
    '',
  );
}

function readCounts(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

const totals = { tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const failures = [];
const skipReasons = new Map();

/** Adds one file's results to the totals; returns its own counts for the file's header line. */
function count(result) {
  const own = { pass: 0, fail: 0, skipped: 0 };
  for (const item of result.results) {
    if (item.suite && item.skip === undefined) {
      totals.suites++;
      continue;
    }
    // A skipped suite counts as one skipped test: its tests are never built, and must not vanish.
    totals.tests++;
    if (item.skip !== undefined) {
      totals.skipped++;
      own.skipped++;
      const reason = item.skip || '(no reason given)';
      skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1);
    } else if (item.todo !== undefined) totals.todo++;
    else if (item.passed) {
      totals.pass++;
      own.pass++;
    } else if (item.failureType === 'cancelledByParent') totals.cancelled++;
    else {
      totals.fail++;
      own.fail++;
      failures.push(`${result.file} › ${item.name}`);
    }
  }
  const problem = result.timedOut
    ? `did not finish within ${FILE_LIMIT_MS / 1000} s: killed`
    : result.error
      ? `could not start: ${result.error.message}`
      : result.code !== 0 && own.fail === 0
        ? `its process ended with ${result.signal ?? `exit status ${result.code}`}`
        : undefined;
  if (problem) {
    totals.tests++;
    totals.fail++;
    own.fail++;
    failures.push(`${result.file}: ${problem}`);
  }
  return { ...own, problem };
}

function report(result) {
  const own = count(result);
  const header = `=== ${result.file}: ${own.pass} passed, ${own.fail} failed, ${own.skipped} skipped (${result.seconds.toFixed(1)} s)`;
  let text = `${header}\n${result.output}`;
  if (own.problem) text += `✖ ${result.file}: ${own.problem}\n`;
  if (result.swept.length > 0) {
    text += `! killed ${result.swept.length} process(es) the file left behind: ${result.swept.join(', ')}\n`;
  }
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function removeRunDir() {
  try {
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  } catch {}
}

/** Stops every running file now (interrupted, or the process that started us is gone). */
function abort(why, status) {
  process.stderr.write(`\nrun-tests: ${why}: stopping ${running.size} running test file(s)\n`);
  for (const child of running) killGroup(child.pid);
  for (let index = 0; index < files.length; index++) sweep(`${runId}:${index}`);
  removeRunDir();
  process.exit(status);
}

for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
]) {
  process.on(signal, () => abort(`got ${signal}`, 128 + number));
}

/**
 * Linux: the pid and start time of our parent, and under `npm test` (a shell that npm started) of
 * npm itself: killing npm leaves its shell, and so us, running.
 */
function ancestors() {
  if (process.platform !== 'linux') return [];
  const parent = statOf(process.ppid);
  if (!parent) return [];
  const found = [{ pid: process.ppid, start: parent.start }];
  const shell = /^(sh|bash|dash|zsh)$/.test(parent.comm);
  const grandparent = shell && process.env.npm_lifecycle_event ? statOf(parent.ppid) : undefined;
  if (grandparent && parent.ppid > 1) found.push({ pid: parent.ppid, start: grandparent.start });
  return found;
}

function statOf(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    return { comm, ppid: Number(fields[1]), start: fields[19] };
  } catch {
    return undefined;
  }
}

const watched = ancestors();
const firstParent = process.ppid;
setInterval(() => {
  const gone =
    process.ppid !== firstParent || watched.some(({ pid, start }) => statOf(pid)?.start !== start);
  if (gone) abort('the process that started this run is gone', 1);
}, 500).unref();

let next = 0;
async function worker() {
  while (next < files.length) {
    const index = next++;
    report(await runFile(files[index], index));
  }
}
await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));

// The counts, and the `nobody` checkout (made once per run on purpose), are the runner's to remove.
const leftovers = readdirSync(runDir).filter(
  (name) => !name.startsWith('counts-') && name !== 'pw-nobody-checkout',
);
removeRunDir();

if (failures.length > 0) {
  process.stdout.write(`\n✖ failing tests:\n${failures.map((line) => `  ${line}\n`).join('')}`);
}
if (skipReasons.size > 0) {
  const lines = [...skipReasons].map(([reason, n]) => `  ${n} × ${reason}\n`).join('');
  process.stdout.write(`\nskipped, with the reason:\n${lines}`);
}
if (leftovers.length > 0) {
  process.stdout.write(`\n! temporary files the tests did not remove: ${leftovers.join(', ')}\n`);
}
const duration = Math.round(performance.now() - started);
process.stdout.write(
  `\n# tests ${totals.tests}\n# suites ${totals.suites}\n# pass ${totals.pass}\n# fail ${totals.fail}\n` +
    `# cancelled ${totals.cancelled}\n# skipped ${totals.skipped}\n# todo ${totals.todo}\n` +
    `# duration_ms ${duration}\n` +
    `tests: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped} skipped\n`,
);
process.exit(totals.fail + totals.cancelled > 0 ? 1 : 0);
