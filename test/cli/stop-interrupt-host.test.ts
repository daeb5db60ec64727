/**
 * `portwarden kill` and `free` end to end (the BUILT binary, real holders started here): Ctrl-C
 * in the middle of a stop, and `--host`.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { ensureBuiltCli, spawnCli } from '../helpers/cli.ts';
import {
  canListen,
  collect,
  getTestPort,
  type ScriptResult,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';
import { EVERY_OS, POSIX_SIGNALS } from '../helpers/live.ts';

before(ensureBuiltCli);

const hold = trackHolders();

/**
 * Everything the child writes on stderr, from its start, and a wait for a pattern in all of it
 * (so a line that arrived before the wait began is not missed).
 */
function watchStderr(child: ChildProcess) {
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  return (pattern: RegExp, timeout = 20_000): Promise<void> => {
    if (pattern.test(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no stderr matching ${pattern} within ${timeout} ms: ${text}`)),
        timeout,
      );
      waiters.push({
        pattern,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  };
}

interface InterruptedDocument {
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode: number;
  readonly interrupted?: boolean;
  readonly ports: {
    readonly port: number;
    readonly interrupted?: boolean;
    readonly free: boolean | null;
    readonly signalled: { pid: number; name: string | null; signals: string[]; exited: boolean }[];
    readonly abandoned: number[];
  }[];
}

describe('Ctrl-C during a stop', () => {
  for (const [command, interrupt] of [
    ['free', 'SIGINT'],
    ['kill', 'SIGTERM'],
  ] as const) {
    test(
      `${interrupt} during ${command}: no further signal, what was done as JSON, exit 130`,
      POSIX_SIGNALS,
      async () => {
        const port = await getTestPort();
        // Only SIGKILL ends it: without the interruption the CLI would wait the whole grace period.
        const holder = await hold(startHolder({ port, onSigterm: 'ignore' }));
        const child = spawnCli([command, String(port), '--json', '--grace', '60s']);
        const stderrHas = watchStderr(child);
        const result: Promise<ScriptResult> = collect(child);
        await stderrHas(new RegExp(`SIGTERM → ${holder.pid}`));
        const interruptedAt = Date.now();
        child.kill(interrupt);
        const { code, signal, stdout, stderr } = await result;
        assert.equal(signal, null, 'portwarden exits by itself, not by the signal');
        assert.equal(code, 130, stderr);
        assert.ok(
          Date.now() - interruptedAt < 30_000,
          'stopped waiting (the grace period was 60 s)',
        );
        const document = JSON.parse(stdout) as InterruptedDocument;
        assert.equal(document.command, command);
        assert.equal(document.ok, false);
        assert.equal(document.exitCode, 130);
        assert.equal(document.interrupted, true);
        const [entry] = document.ports;
        assert.equal(entry?.port, port);
        assert.equal(entry?.interrupted, true);
        assert.equal(entry?.free, null, 'whether the port is free is not known: not claimed');
        assert.deepEqual(
          entry?.signalled.map(({ pid, signals, exited }) => ({ pid, signals, exited })),
          [{ pid: holder.pid, signals: ['SIGTERM'], exited: false }],
        );
        assert.deepEqual(entry?.abandoned, [holder.pid]);
        assert.match(
          stderr,
          new RegExp(
            `interrupted: port ${port}/tcp: sent SIGTERM to ${holder.pid}\\b.*which had not exited: no further signal was sent`,
          ),
        );
        // The escalation was abandoned: no SIGKILL reached the holder.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(holder.alive(), true, 'the holder got SIGTERM only');
      },
    );
  }

  test(
    'several ports: the finished one is reported as usual, the interrupted one as such',
    POSIX_SIGNALS,
    async () => {
      const quick = await getTestPort();
      const stubborn = await getTestPort();
      const gone = await hold(startHolder({ port: quick }));
      const holder = await hold(startHolder({ port: stubborn, onSigterm: 'ignore' }));
      const child = spawnCli(['free', String(quick), String(stubborn), '--json', '--grace', '60s']);
      const stderrHas = watchStderr(child);
      const result = collect(child);
      await stderrHas(new RegExp(`SIGTERM → ${holder.pid}`));
      await gone.exited;
      // freePort of the quick port confirms the port free before it resolves: give it that moment.
      await stderrHas(new RegExp(`${gone.pid}.*exited`));
      child.kill('SIGINT');
      const { code, stdout } = await result;
      assert.equal(code, 130);
      const document = JSON.parse(stdout) as InterruptedDocument;
      const byPort = new Map(document.ports.map((entry) => [entry.port, entry]));
      assert.deepEqual(byPort.get(stubborn)?.abandoned, [holder.pid]);
      assert.equal(byPort.get(stubborn)?.free, null);
      const first = byPort.get(quick);
      assert.ok(
        first?.free === true || first?.interrupted === true,
        `the quick port ended free or was interrupted while confirming: ${JSON.stringify(first)}`,
      );
      if (first?.interrupted) {
        assert.deepEqual(
          first.signalled.map(({ pid, exited }) => ({ pid, exited })),
          [{ pid: gone.pid, exited: true }],
        );
      }
      assert.equal(holder.alive(), true);
    },
  );
});

describe('--host', () => {
  test(
    'free --host ::1 stops the ::1 holder and leaves the 127.0.0.1 one alone',
    EVERY_OS,
    async (t) => {
      const port = await getTestPort();
      if (!(await canListen(port, '::1'))) {
        t.skip('no IPv6 loopback here');
        return;
      }
      const v4 = await hold(startHolder({ port, host: '127.0.0.1' }));
      const v6 = await hold(startHolder({ port, host: '::1' }));
      const child = spawnCli(['free', String(port), '--host', '::1', '--json']);
      const { code, stdout, stderr } = await collect(child);
      assert.equal(code, 0, stderr);
      const document = JSON.parse(stdout) as {
        ports: {
          free: boolean;
          kill: { killed: number[]; skipped: { pid: number; reason: string }[] };
        }[];
      };
      const [entry] = document.ports;
      assert.equal(entry?.free, true);
      assert.deepEqual(entry?.kill.killed, [v6.pid]);
      assert.deepEqual(
        entry?.kill.skipped.map(({ pid, reason }) => ({ pid, reason })),
        [{ pid: v4.pid, reason: 'other-address' }],
      );
      await v6.exited;
      assert.equal(v4.alive(), true, 'the 127.0.0.1 holder is not in the way of ::1');
    },
  );

  test(
    'kill --host 127.0.0.1 in text: the other address is named as left alone',
    EVERY_OS,
    async (t) => {
      const port = await getTestPort();
      if (!(await canListen(port, '::1'))) {
        t.skip('no IPv6 loopback here');
        return;
      }
      const v4 = await hold(startHolder({ port, host: '127.0.0.1' }));
      const v6 = await hold(startHolder({ port, host: '::1' }));
      const { code, stdout, stderr } = await collect(
        spawnCli(['kill', String(port), '--host', '127.0.0.1']),
      );
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`${port}/tcp: free \\(stopped ${v4.pid} `));
      assert.match(stderr, new RegExp(`skipped ${v6.pid}: holds another address of the port`));
      await v4.exited;
      assert.equal(v6.alive(), true);
    },
  );

  test('a blank --host is a usage error before anything runs', EVERY_OS, async () => {
    const { code, stderr } = await collect(spawnCli(['free', '3000', '--host', ' ']));
    assert.equal(code, 2);
    assert.match(stderr, /--host must not be empty/);
  });

  test('--managed takes skip or signal only', EVERY_OS, async () => {
    const { code, stderr } = await collect(spawnCli(['kill', '3000', '--managed', 'always']));
    assert.equal(code, 2);
    assert.match(stderr, /invalid --managed "always": expected skip or signal/);
  });
});
