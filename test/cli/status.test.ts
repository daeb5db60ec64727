/**
 * src/cli/status.ts: the live status of `portwarden kill`/`free` (and `run`): exact bytes on a
 * terminal and in a pipe, driven in process with a fake stream, and the screen a person sees on
 * a real pseudo-terminal (util-linux `script`); the skip reasons in words.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createStyle } from '../../src/cli/output.ts';
import { createStatusReporter, skipReasonText } from '../../src/cli/status.ts';
import type { StopProgress } from '../../src/index.ts';
import { collect, getTestPort, REPO_ROOT, startHolder, trackHolders } from '../helpers/holders.ts';
import { screenRows } from '../helpers/terminal.ts';

const CLEAR = '\r\u001B[J';

function owner(pid: number, commandLine: string) {
  return { pid, name: 'node', commandLine } as never;
}

function drive(live: boolean, showPort: boolean, events: readonly [number, StopProgress][]) {
  let text = '';
  const stream = {
    isTTY: live,
    columns: 80,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
  };
  const status = createStatusReporter(stream, {
    live,
    style: createStyle(false),
    showPort,
    columns: 80,
  });
  for (const [port, event] of events) status.progress(port, event);
  status.finish();
  return text;
}

const signal = (pid: number, name = 'SIGTERM', command = `node server-${pid}.js`) =>
  ({ type: 'signal', pid, signal: name, owner: owner(pid, command) }) as const;
const exited = (pid: number, elapsedMs: number) =>
  ({ type: 'exited', pid, signal: 'SIGTERM', elapsedMs }) as const;
const waiting = (elapsedMs: number) => ({ type: 'waiting', elapsedMs }) as const;

describe('status reporter, in process', () => {
  test('one port on a terminal: one row rewritten in place, left as the final line', () => {
    const text = drive(true, false, [
      [3000, signal(1234, 'SIGTERM', 'node server.js')],
      [3000, waiting(500)],
      [3000, exited(1234, 210)],
      [3000, { type: 'skipped', pid: 1, reason: 'system' }],
    ]);
    assert.equal(
      text,
      'SIGTERM → 1234 node server.js …' +
        `${CLEAR}SIGTERM → 1234 node server.js … 0.50 s` +
        `${CLEAR}SIGTERM → 1234 node server.js … exited in 0.21 s\n` +
        'skipped 1: is a system process, left alone\n',
    );
    assert.deepEqual(screenRows(text), [
      'SIGTERM → 1234 node server.js … exited in 0.21 s',
      'skipped 1: is a system process, left alone',
    ]);
  });

  test('two ports on a terminal: the awaited rows are redrawn together, no row twice', () => {
    const text = drive(true, true, [
      [3000, signal(11)],
      [5173, signal(22)],
      [3000, waiting(300)],
      [5173, waiting(300)],
      [3000, exited(11, 310)],
      [5173, waiting(600)],
      [5173, exited(22, 650)],
    ]);
    assert.equal(
      text,
      ':3000 SIGTERM → 11 node server-11.js …' +
        `${CLEAR}:3000 SIGTERM → 11 node server-11.js …\n:5173 SIGTERM → 22 node server-22.js …` +
        `\r\u001B[1A\u001B[J:3000 SIGTERM → 11 node server-11.js … 0.30 s\n:5173 SIGTERM → 22 node server-22.js …` +
        `\r\u001B[1A\u001B[J:3000 SIGTERM → 11 node server-11.js … 0.30 s\n:5173 SIGTERM → 22 node server-22.js … 0.30 s` +
        `\r\u001B[1A\u001B[J:3000 SIGTERM → 11 node server-11.js … exited in 0.31 s\n:5173 SIGTERM → 22 node server-22.js … 0.30 s` +
        `${CLEAR}:5173 SIGTERM → 22 node server-22.js … 0.60 s` +
        `${CLEAR}:5173 SIGTERM → 22 node server-22.js … exited in 0.65 s\n`,
    );
    assert.deepEqual(screenRows(text), [
      ':3000 SIGTERM → 11 node server-11.js … exited in 0.31 s',
      ':5173 SIGTERM → 22 node server-22.js … exited in 0.65 s',
    ]);
  });

  test('in a pipe: one line per event, and a process holding both ports is one process', () => {
    const text = drive(false, true, [
      [3000, signal(11)],
      [5173, signal(11)],
      [3000, waiting(300)],
      [3000, exited(11, 310)],
      [5173, exited(11, 312)],
      [3000, { type: 'skipped', pid: 1, reason: 'system' }],
      [5173, { type: 'skipped', pid: 1, reason: 'system' }],
    ]);
    assert.equal(
      text,
      ':3000 SIGTERM → 11 node server-11.js …\n' +
        ':3000,5173 SIGTERM → 11 node server-11.js … exited in 0.31 s\n' +
        ':3000 skipped 1: is a system process, left alone\n',
    );
  });

  test('escalation stays one process: SIGTERM, then SIGKILL', () => {
    const text = drive(false, false, [
      [3000, signal(11)],
      [3000, signal(11, 'SIGKILL')],
      [3000, exited(11, 5010)],
    ]);
    assert.equal(
      text,
      'SIGTERM → 11 node server-11.js …\n' +
        'SIGTERM, SIGKILL → 11 node server-11.js …\n' +
        'SIGTERM, SIGKILL → 11 node server-11.js … exited in 5.01 s\n',
    );
  });
});

test('skip reasons in words; an unknown reason is shown as it is', () => {
  assert.equal(skipReasonText('system'), 'is a system process, left alone');
  assert.equal(skipReasonText('dry-run'), 'dry run');
  assert.match(skipReasonText('hidden'), /another user/);
  assert.match(skipReasonText('filtered'), /--filter/);
  assert.equal(skipReasonText('something-new' as never), 'something-new');
});

const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

describe('portwarden free on a pseudo-terminal', {
  skip: !hasScript && 'needs util-linux script (Linux) to run the CLI on a pseudo-terminal',
}, () => {
  const hold = trackHolders();

  test('two ports: the screen shows each stopped process once', async () => {
    const ports = [await getTestPort(), await getTestPort()];
    const holders = [
      await hold(startHolder({ port: ports[0] as number, exitDelay: 100 })),
      await hold(startHolder({ port: ports[1] as number, exitDelay: 400 })),
    ];
    const main = join(REPO_ROOT, 'dist', 'cli', 'main.js');
    // script runs the command line through the user's shell: the arguments are fixed digits and
    // paths, quoted.
    const command = [process.execPath, main, 'free', ...ports.map(String)]
      .map((word) => `'${word}'`)
      .join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm', NO_COLOR: '1', COLUMNS: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await collect(child);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const holder of holders) await holder.exited;
    const rows = screenRows(result.stdout);
    for (const holder of holders) {
      const mentions = rows.filter((row) => row.includes(`→ ${holder.pid} `));
      assert.equal(mentions.length, 1, `one row for ${holder.pid}:\n${rows.join('\n')}`);
      assert.match(mentions[0] ?? '', /exited in /);
    }
    for (const port of ports) {
      assert.ok(
        rows.some((row) => row.startsWith(`${port}/tcp: free (stopped `)),
        rows.join('\n'),
      );
    }
  });
});
