/**
 * The command runner cannot take its host down. Each test runs the real runner inside a node
 * child process (test/helpers/runner-child.ts) and looks at that host from outside: its exit
 * status and stderr (no unhandled 'error'), its memory (rss growth), and whether it ends by
 * itself once its calls settled. Fake tools are `#!/bin/sh` scripts in a temporary folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  type ChildOutcome,
  createToolbox,
  isGone,
  type Toolbox,
  waitFor,
} from '../helpers/fake-tools.ts';
import type { CallOutcome } from '../helpers/runner-child.ts';

const POSIX_ONLY = { skip: process.platform === 'win32' && 'fake tools are POSIX shell scripts' };
const HAS_PRLIMIT =
  process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0;
const MiB = 1024 * 1024;

/** The JSON line the child printed last. */
function reportOf<T>(outcome: ChildOutcome): T {
  const lines = outcome.stdout.trim().split('\n');
  try {
    return JSON.parse(lines.at(-1) ?? '') as T;
  } catch {
    assert.fail(`child printed no report: ${JSON.stringify(outcome)}`);
  }
}

function assertCleanExit(outcome: ChildOutcome): void {
  assert.equal(
    outcome.killedAtDeadline,
    false,
    `the host did not end by itself (${outcome.ms} ms)`,
  );
  assert.doesNotMatch(outcome.stderr, /Unhandled 'error' event|Error/, outcome.stderr);
  assert.equal(outcome.status, 0, `exit ${outcome.status}/${outcome.signal}: ${outcome.stderr}`);
}

describe('runCommand in a host process', POSIX_ONLY, () => {
  let box: Toolbox;
  before(() => {
    box = createToolbox();
  });
  after(() => box.cleanup());

  it('a tool that prints endlessly is stopped at the output cap; memory stays bounded', async () => {
    // The printer is a grandchild, so killing the tool alone would not stop it.
    const printer = box.tool('printer', 'yes 0123456789abcdef &\necho $! > "$1"\nwait');
    const pidFile = box.file('printer.pid');
    const outcome = await box.runNode(
      {
        mode: 'run',
        calls: [{ file: printer, args: [pidFile], options: { timeout: 5000 } }],
        rssLimit: 1024 * MiB,
      },
      { deadline: 30_000 },
    );
    const yes = await box.readPid(pidFile);
    const report = reportOf<{ outcomes: CallOutcome[]; rssGrowth: number; overLimit?: boolean }>(
      outcome,
    );
    assert.equal(report.overLimit, undefined, `rss grew past 1 GiB: ${report.rssGrowth}`);
    const [call] = report.outcomes;
    assert.equal(call?.code, 'ERR_COMMAND_OUTPUT_TOO_LARGE', JSON.stringify(call));
    assert.equal(call?.isPortwardenError, true);
    // Default cap 32 MiB; the buffer may be twice its content while growing; generous margin.
    assert.ok(report.rssGrowth < 200 * MiB, `rss grew ${Math.round(report.rssGrowth / MiB)} MiB`);
    assert.ok(await waitFor(() => isGone(yes), 3000), `printer ${yes} still runs`);
    assertCleanExit(outcome);
  });

  it('a grandchild holding stdout neither delays the result nor keeps the host alive', async () => {
    const tool = box.tool('leaves-grandchild', 'echo partial\nsleep 60 &\necho $! > "$1"\nexit 0');
    // This one times out while its grandchild holds stdout: settled, but pipes still open.
    const hang = box.tool('hangs-with-grandchild', 'sleep 60 &\necho $! > "$1"\nsleep 60');
    const [pidFile, hangPidFile] = [box.file('leaves.pid'), box.file('hangs.pid')];
    const outcome = await box.runNode(
      {
        mode: 'run',
        calls: [
          { file: tool, args: [pidFile], options: { timeout: 5000 } },
          { file: hang, args: [hangPidFile], options: { timeout: 300 } },
          { file: box.file('absent'), args: [], options: { timeout: 600_000 } },
          { file: 'true', args: [], options: { timeout: 600_000 } },
        ],
      },
      { deadline: 20_000 },
    );
    const [grandchild, hangGrandchild] = [
      await box.readPid(pidFile),
      await box.readPid(hangPidFile),
    ];
    const [left, timedOut, missing, quick] = reportOf<{ outcomes: CallOutcome[] }>(
      outcome,
    ).outcomes;
    assert.equal(left?.exitCode, 0, JSON.stringify(left));
    assert.equal(left?.stdout, 'partial\n');
    // The tool exits at once: the call settles within about a second of its start.
    assert.ok((left?.ms ?? Number.POSITIVE_INFINITY) < 1500, `settled after ${left?.ms} ms`);
    assert.equal(timedOut?.code, 'ERR_COMMAND_TIMEOUT', JSON.stringify(timedOut));
    assert.equal(missing?.code, 'ERR_COMMAND_NOT_FOUND', JSON.stringify(missing));
    assert.equal(quick?.exitCode, 0, JSON.stringify(quick));
    // Node and tsx start in about a second; nothing may hold the host past its last call.
    assertCleanExit(outcome);
    assert.ok(outcome.ms < 10_000, `the host ran ${outcome.ms} ms`);
    assert.ok(await waitFor(() => isGone(grandchild), 3000), `grandchild ${grandchild} runs`);
    assert.ok(await waitFor(() => isGone(hangGrandchild), 3000), `${hangGrandchild} runs`);
  });

  it('a host that calls process.exit() mid-call takes the tool’s group with it', async () => {
    const hang = box.tool('hang-at-exit', 'sleep 60 >/dev/null 2>&1 &\necho $! > "$1"\nsleep 60');
    const pidFile = box.file('exit.pid');
    const outcome = await box.runNode(
      { mode: 'exit-mid-call', file: hang, args: [pidFile], options: { timeout: 60_000 } },
      { deadline: 20_000 },
    );
    const grandchild = await box.readPid(pidFile);
    assertCleanExit(outcome);
    assert.ok(await waitFor(() => isGone(grandchild), 3000), `grandchild ${grandchild} runs`);
  });
});

describe('runCommand out of file descriptors', {
  skip: (process.platform !== 'linux' || !HAS_PRLIMIT) && 'needs Linux and prlimit (util-linux)',
}, () => {
  let box: Toolbox;
  before(() => {
    box = createToolbox();
  });
  after(() => box.cleanup());

  it('rejects with SpawnFailedError (EMFILE) and the host survives', async () => {
    const tool = box.tool('hello', 'echo hello');
    const outcome = await box.runNode(
      { mode: 'emfile', file: tool, args: [], options: { timeout: 5000 } },
      { deadline: 20_000, prefix: ['prlimit', '--nofile=256:256', '--'] },
    );
    assertCleanExit(outcome);
    const report = reportOf<{ opened: number; exhausted: CallOutcome; recovered: CallOutcome }>(
      outcome,
    );
    assert.ok(report.opened > 100, `opened only ${report.opened} files`);
    assert.equal(report.exhausted.code, 'ERR_SPAWN_FAILED', JSON.stringify(report.exhausted));
    assert.equal(report.exhausted.isPortwardenError, true);
    assert.equal(report.exhausted.reason, 'out-of-resources');
    assert.equal(report.exhausted.errno, 'EMFILE');
    assert.equal(report.exhausted.causeCode, 'EMFILE');
    assert.equal(report.recovered.stdout, 'hello\n', JSON.stringify(report.recovered));
  });
});
