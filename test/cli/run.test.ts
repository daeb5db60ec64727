/**
 * `portwarden run`, end to end with real commands: the BUILT binary runs node servers that fork
 * children holding the port, ignore SIGTERM, exit with a status or die of a signal; signals are
 * sent to `run` itself. Every pid checked here was started by the test (directly or by the
 * command `run` started).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  canListen,
  collect,
  getTestPort,
  pidAlive,
  REPO_ROOT,
  startHolder,
  trackHolders,
  waitForLine,
} from '../helpers/holders.ts';
import { makeTempDir } from '../helpers/temp.ts';

const MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const POSIX = {
  skip:
    process.platform === 'win32' &&
    'run on Windows has no process groups or POSIX signals (taskkill /T instead): not covered here',
};

/**
 * The command `run` starts: listens on the port; with `--children N` forks N children that share
 * the listening socket; `--child-sigterm ignore` makes them ignore SIGTERM; `--exit <status>`
 * makes the parent exit with that status once the children hold the port (they stay); `--sigterm
 * exit0` makes the parent exit 0 on SIGTERM; prints `ready <pid> [children...]`.
 */
const SERVER = `
import { fork } from 'node:child_process';
import { createServer } from 'node:net';
const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i < 0 ? fallback : args[i + 1]; };
if (args[0] === 'child') {
  if (option('--child-sigterm') === 'ignore') process.on('SIGTERM', () => {});
  process.on('message', (message, server) => {
    server.on('connection', (socket) => socket.end());
    process.send('ready');
  });
} else {
  const port = Number(args[0]);
  if (option('--sigterm') === 'exit0') process.on('SIGTERM', () => process.exit(0));
  if (option('--sigterm') === 'ignore') for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => {});
  const server = createServer((socket) => socket.end());
  server.listen(port, '127.0.0.1', async () => {
    const children = [];
    for (let i = 0; i < Number(option('--children', '0')); i++) {
      const child = fork(process.argv[1], ['child', '--child-sigterm', option('--child-sigterm', 'default')], { stdio: 'inherit' });
      await new Promise((resolve) => { child.once('message', resolve); child.send('server', server); });
      children.push(child.pid);
    }
    console.log(['ready', process.pid, ...children].join(' '));
    const status = option('--exit');
    if (status !== undefined) {
      server.close();
      setTimeout(() => process.exit(Number(status)), 50);
    }
  });
}
`;

const dir = makeTempDir('pw-run-', 0o755);
const SERVER_FILE = join(dir, 'server.mjs');
writeFileSync(SERVER_FILE, SERVER);

const started: ChildProcess[] = [];
const pids: number[] = [];
after(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});
const hold = trackHolders();

/** Starts `portwarden run <args>`; its stdout is the command's. */
function run(args: readonly string[]) {
  const child = spawn(process.execPath, [MAIN, 'run', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  started.push(child);
  return { child, result: collect(child) };
}

/** The pids the server printed: `ready <parent> <children...>`. */
async function readyPids(child: ChildProcess): Promise<number[]> {
  const line = await waitForLine(child, /^ready /);
  const found = line.split(' ').slice(1).map(Number);
  pids.push(...found);
  return found;
}

async function gone(pid: number, ms = 5000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (pidAlive(pid)) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('portwarden run', POSIX, () => {
  test("the command's exit status is run's; a stale holder is stopped first", async () => {
    const port = await getTestPort();
    const stale = await hold(startHolder({ port }));
    const { result } = run([
      '--port',
      String(port),
      '--',
      process.execPath,
      '-e',
      `require('net').createServer().listen(${port}, '127.0.0.1', function () { console.log('up'); this.close(); process.exitCode = 7; })`,
    ]);
    const { code, stdout, stderr } = await result;
    assert.equal(code, 7, stderr);
    assert.equal(stdout, 'up\n', 'the command listened on the port the stale holder had');
    assert.equal(await gone(stale.pid), true);
    assert.match(
      stderr,
      new RegExp(`portwarden run: ${port}/tcp free \\(stopped ${stale.pid} node`),
    );

    const killed = await run([
      '-p',
      String(port),
      process.execPath,
      '-e',
      'process.kill(process.pid, "SIGKILL")',
    ]).result;
    assert.equal(
      killed.code,
      128 + constants.signals.SIGKILL,
      'killed by a signal: 128 + its number',
    );
    const missing = await run(['-p', String(port), '--', 'portwarden-no-such-command-here']).result;
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /cannot start portwarden-no-such-command-here: ENOENT/);
  });

  test('a port that cannot be freed: exit 1, the command is not started', async () => {
    const port = await getTestPort();
    // Held by this test process, an ancestor of run: never stopped.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stdout, stderr } = await run([
        '-p',
        String(port),
        '--',
        process.execPath,
        '-e',
        'console.log("started")',
      ]).result;
      assert.equal(code, 1, stderr);
      assert.equal(stdout, '', 'not started');
      assert.match(
        stderr,
        new RegExp(
          `^portwarden run: port ${port}/tcp is still in use: .*; \\S*node\\S* was not started\\n$`,
          'm',
        ),
      );
      assert.equal(server.listening, true);
    } finally {
      server.close();
    }
  });

  test('Ctrl-C while the ports are freed: exit 130, no SIGKILL to the holder, nothing started', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, onSigterm: 'ignore' }));
    const { child, result } = run([
      '-p',
      String(port),
      '-g',
      '60s',
      '--',
      process.execPath,
      '-e',
      'console.log("started")',
    ]);
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes(`SIGTERM → ${holder.pid}`)) resolve();
      });
    });
    child.kill('SIGINT');
    const end = await result;
    assert.equal(end.signal, null, 'run ends by itself, not by the signal');
    assert.equal(end.code, 130, end.stderr);
    assert.equal(end.stdout, '', 'the command was not started');
    assert.match(
      end.stderr,
      new RegExp(
        `interrupted while freeing port ${port}/tcp: sent SIGTERM to ${holder.pid}\\b.*no further signal was sent; \\S*node\\S* was not started`,
      ),
    );
    assert.equal(holder.alive(), true, 'the escalation was abandoned');
  });

  test('a forked child left holding the port dies when the command exits; the port is free', async () => {
    const port = await getTestPort();
    const { child, result } = run([
      '-p',
      String(port),
      '-g',
      '2000',
      '--',
      process.execPath,
      SERVER_FILE,
      String(port),
      '--children',
      '2',
      '--exit',
      '5',
    ]);
    const [parent, ...children] = await readyPids(child);
    assert.equal(children.length, 2);
    const { code, stderr } = await result;
    assert.equal(code, 5, stderr);
    assert.ok(parent && (await gone(parent)));
    for (const pid of children) assert.equal(await gone(pid, 1000), true, `child ${pid} is gone`);
    assert.match(stderr, /stopped what the command left running \(SIGTERM\)/);
    assert.equal(await canListen(port, '127.0.0.1'), true, 'the port is released');
    assert.doesNotMatch(stderr, /still in use/);
  });

  test('a child that ignores SIGTERM is forced with SIGKILL after --grace', async () => {
    const port = await getTestPort();
    const begun = performance.now();
    const { child, result } = run([
      '-p',
      String(port),
      '--grace',
      '600',
      '--',
      process.execPath,
      SERVER_FILE,
      String(port),
      '--children',
      '1',
      '--child-sigterm',
      'ignore',
      '--exit',
      '0',
    ]);
    const [, orphan] = await readyPids(child);
    const { code, stderr } = await result;
    assert.equal(code, 0, stderr);
    assert.ok(orphan && (await gone(orphan, 1000)), 'the SIGTERM-ignoring child is gone');
    assert.ok(performance.now() - begun >= 600, 'SIGKILL came after the grace period');
    assert.match(stderr, /stopped what the command left running \(SIGKILL\)/);
    assert.equal(await canListen(port, '127.0.0.1'), true);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`${signal} to run reaches the whole group; status 128 + ${constants.signals[signal]}`, async () => {
      const port = await getTestPort();
      const { child, result } = run([
        '-p',
        String(port),
        '--',
        process.execPath,
        SERVER_FILE,
        String(port),
        '--children',
        '1',
      ]);
      const found = await readyPids(child);
      child.kill(signal);
      const { code, stderr } = await result;
      assert.equal(code, 128 + constants.signals[signal], stderr);
      for (const pid of found) assert.equal(await gone(pid, 1000), true, `${pid} is gone`);
      assert.equal(await canListen(port, '127.0.0.1'), true);
    });
  }

  test('a command that handles SIGTERM exits with its own status', async () => {
    const port = await getTestPort();
    const { child, result } = run([
      '-p',
      String(port),
      '--',
      process.execPath,
      SERVER_FILE,
      String(port),
      '--sigterm',
      'exit0',
    ]);
    await readyPids(child);
    child.kill('SIGTERM');
    assert.equal((await result).code, 0);
  });

  test('a command that ignores the signal is forced after --grace (137)', async () => {
    const port = await getTestPort();
    const { child, result } = run([
      '-p',
      String(port),
      '-g',
      '500',
      '--',
      process.execPath,
      SERVER_FILE,
      String(port),
      '--sigterm',
      'ignore',
    ]);
    const [pid] = await readyPids(child);
    const begun = performance.now();
    child.kill('SIGINT');
    const { code, stderr } = await result;
    assert.equal(code, 128 + constants.signals.SIGKILL, stderr);
    assert.ok(performance.now() - begun >= 500);
    assert.ok(pid && (await gone(pid, 1000)));
    assert.equal(await canListen(port, '127.0.0.1'), true);
  });
});

describe('portwarden run: usage', () => {
  test('missing port or command: exit 2, nothing started', async () => {
    for (const args of [
      ['--', 'node', '-e', '0'],
      ['-p', '3000'],
      ['-p', '3000', '--'],
      ['-p', '0', '--', 'node'],
      ['-p', '3000', '--json', '--', 'node'],
      ['-p', '3000', '-g', '-5', '--', 'node'],
    ]) {
      const { code, stdout, stderr } = await run(args).result;
      assert.equal(code, 2, `${JSON.stringify(args)}: ${stderr}`);
      assert.equal(stdout, '');
      assert.match(stderr, /^portwarden run: [^\n]+\n$/);
    }
  });

  test('--help describes run', async () => {
    const { code, stdout } = await run(['--help']).result;
    assert.equal(code, 0);
    assert.match(stdout, /Usage: portwarden run --port <port>/);
    assert.match(stdout, /SIGHUP/);
  });
});
