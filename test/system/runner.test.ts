/**
 * The command runner against real processes: fake tools are `#!/bin/sh` scripts written into a
 * temporary folder and run by path with argument arrays. Tools that start a grandchild write its
 * pid (and their own) into pid files, so the tests can prove the whole process group is gone.
 * Host-level guarantees (memory, fd exhaustion, nothing keeping the host alive) are in
 * runner-host.test.ts, measured in child processes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { PortwardenError } from '../../src/errors.ts';
import { type RunOptions, runCommand } from '../../src/system/runner.ts';
import { createToolbox, isGone, type Toolbox, waitFor } from '../helpers/fake-tools.ts';

const POSIX_ONLY = { skip: process.platform === 'win32' && 'fake tools are POSIX shell scripts' };

/** The rejection of `promise` (fails when it resolves), and how long it took. */
async function rejection(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
  assert.fail('expected a rejection');
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown }).code;
}

/** Body of a tool that starts `sleep 60` in the background (pid to $1), writes its own pid to $2. */
const HANG_WITH_GRANDCHILD = 'sleep 60 >/dev/null 2>&1 &\necho $! > "$1"\necho $$ > "$2"\nsleep 60';

describe('runCommand: process group on timeout and abort', POSIX_ONLY, () => {
  let box: Toolbox;
  before(() => {
    box = createToolbox();
  });
  after(() => box.cleanup());

  it('a hanging tool rejects with CommandTimeoutError and its grandchild dies with it', async () => {
    const hang = box.tool('hang', HANG_WITH_GRANDCHILD);
    const [grandchildFile, toolFile] = [box.file('hang.grandchild'), box.file('hang.tool')];
    const call = rejection(runCommand(hang, [grandchildFile, toolFile], { timeout: 500 }));
    const [grandchild, tool] = [await box.readPid(grandchildFile), await box.readPid(toolFile)];
    const { error, ms } = await call;
    assert.equal(codeOf(error), 'ERR_COMMAND_TIMEOUT');
    assert.ok(error instanceof PortwardenError);
    assert.ok(ms < 3000, `settled ${ms} ms after the grandchild was seen`);
    assert.ok(await waitFor(() => isGone(tool), 3000), `tool ${tool} still runs`);
    assert.ok(await waitFor(() => isGone(grandchild), 3000), `grandchild ${grandchild} still runs`);
  });

  it('aborting kills the whole group and rejects with AbortError', async () => {
    const hang = box.tool('hang-abort', HANG_WITH_GRANDCHILD);
    const [grandchildFile, toolFile] = [box.file('abort.grandchild'), box.file('abort.tool')];
    const controller = new AbortController();
    const call = runCommand(hang, [grandchildFile, toolFile], {
      timeout: 60_000,
      signal: controller.signal,
    });
    const [grandchild, tool] = [await box.readPid(grandchildFile), await box.readPid(toolFile)];
    controller.abort(new Error('user gave up'));
    const { error, ms } = await rejection(call);
    assert.equal(codeOf(error), 'ERR_ABORTED');
    assert.equal((error.cause as Error).message, 'user gave up');
    assert.ok(ms < 1000, `abort took ${ms} ms`);
    assert.ok(await waitFor(() => isGone(tool), 3000), `tool ${tool} still runs`);
    assert.ok(await waitFor(() => isGone(grandchild), 3000), `grandchild ${grandchild} still runs`);
  });

  it('an already aborted signal rejects without starting anything', async () => {
    const { error } = await rejection(
      runCommand('/nonexistent/tool', [], { timeout: 5000, signal: AbortSignal.abort() }),
    );
    assert.equal(codeOf(error), 'ERR_ABORTED');
  });
});

describe('runCommand: deadline', POSIX_ONLY, () => {
  let box: Toolbox;
  before(() => {
    box = createToolbox();
  });
  after(() => box.cleanup());

  it('a timeout of 0 or less rejects at once with CommandTimeoutError, without spawning', async () => {
    // A missing program would reject with ERR_COMMAND_NOT_FOUND if anything were spawned.
    for (const timeout of [0, -1, Number.NEGATIVE_INFINITY]) {
      const { error, ms } = await rejection(runCommand('/nonexistent/tool', [], { timeout }));
      assert.equal(codeOf(error), 'ERR_COMMAND_TIMEOUT', `timeout ${timeout}`);
      assert.ok(ms < 100, `took ${ms} ms`);
    }
    const marker = box.file('ran');
    const tool = box.tool('touch-marker', 'echo ran > "$1"');
    await rejection(runCommand(tool, [marker], { timeout: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(marker), false, 'the tool ran');
  });

  it('a tool that exited in time is not late because a grandchild holds its pipes', async () => {
    const tool = box.tool('quick-with-grandchild', 'echo done\nsleep 60 &\necho $! > "$1"');
    const pidFile = box.file('quick.grandchild');
    const result = await runCommand(tool, [pidFile], { timeout: 2000 });
    const grandchild = await box.readPid(pidFile);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.toString(), 'done\n');
    assert.ok(await waitFor(() => isGone(grandchild), 3000), `grandchild ${grandchild} still runs`);
  });

  it('bad options are an InvalidOptionError before anything starts', async () => {
    const cases: [string, RunOptions][] = [
      ['timeout', { timeout: Number.NaN }],
      ['timeout', { timeout: '5000' as unknown as number }],
      ['maxOutput', { timeout: 5000, maxOutput: 0 }],
      ['maxOutput', { timeout: 5000, maxOutput: 1.5 }],
      ['maxOutput', { timeout: 5000, maxOutput: Number.POSITIVE_INFINITY }],
      ['signal', { timeout: 5000, signal: {} as AbortSignal }],
    ];
    for (const [option, options] of cases) {
      const { error } = await rejection(runCommand('/nonexistent/tool', [], options));
      assert.equal(codeOf(error), 'ERR_INVALID_OPTION', `${option}: ${error.message}`);
      assert.equal((error as unknown as { option: string }).option, option);
    }
  });
});

describe('runCommand: output', POSIX_ONLY, () => {
  let box: Toolbox;
  before(() => {
    box = createToolbox();
  });
  after(() => box.cleanup());

  it('returns partial output and a non-zero exit status, every byte of it', async () => {
    // 300 000 bytes are more than a pipe holds, so the tool is still writing while we read.
    const tool = box.tool(
      'partial',
      "head -c 300000 /dev/zero | tr '\\0' x\necho 'boom: table truncated' >&2\nexit 3",
    );
    const result = await runCommand(tool, [], { timeout: 10_000 });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout.length, 300_000);
    assert.ok(result.stdout.every((byte) => byte === 0x78));
    assert.equal(result.stderr.toString(), 'boom: table truncated\n');
  });

  it('keeps the last bytes of a tool that exited while the event loop was blocked', async () => {
    const tool = box.tool('fits-in-pipe', "head -c 60000 /dev/zero | tr '\\0' y");
    const call = runCommand(tool, [], { timeout: 10_000 });
    const until = performance.now() + 500;
    while (performance.now() < until) {
      // Block the event loop: the tool writes and exits meanwhile.
    }
    const result = await call;
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.length, 60_000);
  });

  it('accepts output of exactly maxOutput bytes', async () => {
    const tool = box.tool('exactly', "head -c 1000 /dev/zero | tr '\\0' z\nprintf e >&2");
    const result = await runCommand(tool, [], { timeout: 10_000, maxOutput: 1001 });
    assert.equal(result.stdout.length + result.stderr.length, 1001);
  });

  it('a tool past maxOutput is killed with its group: CommandOutputTooLargeError', async () => {
    // A background writer (a grandchild) writes 2 MiB once the pid files are written, then hangs.
    const tool = box.tool(
      'too-much',
      '(sleep 0.3; head -c 2097152 /dev/zero; sleep 60) &\necho $! > "$1"\necho $$ > "$2"\nwait',
    );
    const [writerFile, toolFile] = [box.file('much.writer'), box.file('much.tool')];
    const call = rejection(
      runCommand(tool, [writerFile, toolFile], { timeout: 20_000, maxOutput: 1024 * 1024 }),
    );
    const [writer, own] = [await box.readPid(writerFile), await box.readPid(toolFile)];
    const { error, ms } = await call;
    assert.equal(codeOf(error), 'ERR_COMMAND_OUTPUT_TOO_LARGE', error.message);
    assert.ok(error instanceof PortwardenError);
    assert.equal((error as unknown as { maxOutput: number }).maxOutput, 1024 * 1024);
    assert.ok(ms < 10_000, `took ${ms} ms`);
    assert.ok(await waitFor(() => isGone(own), 3000), `tool ${own} still runs`);
    assert.ok(await waitFor(() => isGone(writer), 3000), `writer ${writer} still runs`);
  });
});

describe('runCommand: typed errors for tools that cannot start', POSIX_ONLY, () => {
  let box: Toolbox;
  before(() => {
    box = createToolbox();
  });
  after(() => box.cleanup());

  it('a missing program is CommandNotFoundError', async () => {
    const { error } = await rejection(runCommand(box.file('absent'), [], { timeout: 5000 }));
    assert.equal(codeOf(error), 'ERR_COMMAND_NOT_FOUND');
    assert.equal(codeOf(error.cause), 'ENOENT');
  });

  it('a file that may not be executed is SpawnFailedError (permission-denied, EACCES)', async () => {
    const tool = box.tool('not-executable', 'echo hi', 0o644);
    const { error } = await rejection(runCommand(tool, [], { timeout: 5000 }));
    assert.equal(codeOf(error), 'ERR_SPAWN_FAILED', error.message);
    assert.ok(error instanceof PortwardenError);
    assert.equal((error as unknown as { reason: string }).reason, 'permission-denied');
    assert.equal(codeOf(error.cause), 'EACCES');
  });

  it('arguments the system refuses (E2BIG, thrown by spawn itself) are SpawnFailedError', async () => {
    const tool = box.tool('echo-args', 'echo "$@"');
    const { error } = await rejection(runCommand(tool, ['x'.repeat(200_000)], { timeout: 5000 }));
    assert.equal(codeOf(error), 'ERR_SPAWN_FAILED', error.message);
    assert.equal((error as unknown as { reason: string }).reason, 'invalid-arguments');
    assert.equal(codeOf(error.cause), 'E2BIG');
    const nul = await rejection(runCommand(tool, ['a\0b'], { timeout: 5000 }));
    assert.equal(codeOf(nul.error), 'ERR_SPAWN_FAILED', nul.error.message);
    assert.equal(codeOf(nul.error.cause), 'ERR_INVALID_ARG_VALUE');
  });

  it('reads only its options’ own properties (a polluted Object.prototype.env is ignored)', async () => {
    const tool = box.tool('show-env', 'echo "$PW_POLLUTED."');
    const prototype = Object.prototype as { env?: unknown };
    prototype.env = { PW_POLLUTED: 'injected', PATH: process.env.PATH };
    try {
      const result = await runCommand(tool, [], { timeout: 5000 });
      assert.equal(result.stdout.toString(), '.\n');
    } finally {
      delete prototype.env;
    }
  });
});
