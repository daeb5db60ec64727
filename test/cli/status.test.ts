/**
 * src/cli/status.ts, in process: the progress line of kill and free. The first test moved from
 * test/cli/cli.test.ts ("CLI building blocks").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStyle } from '../../src/cli/output.ts';
import { createStatusReporter, skipReasonText } from '../../src/cli/status.ts';

test('status line: rewritten in place on a terminal, plain lines otherwise (moved)', () => {
  const owner = { pid: 1234, name: 'node', commandLine: 'node server.js' } as never;
  const events = [
    { type: 'signal', pid: 1234, signal: 'SIGTERM', owner },
    { type: 'waiting', elapsedMs: 500 },
    { type: 'exited', pid: 1234, signal: 'SIGTERM', elapsedMs: 210 },
    { type: 'skipped', pid: 1, reason: 'system' },
  ] as const;
  for (const live of [true, false]) {
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
      showPort: false,
    });
    for (const event of events) status.progress(3000, event);
    status.finish();
    if (live) {
      assert.equal(
        text,
        '\r\u001B[2KSIGTERM → 1234 node server.js …' +
          '\r\u001B[2KSIGTERM → 1234 node server.js … 0.50 s' +
          '\r\u001B[2KSIGTERM → 1234 node server.js … exited in 0.21 s\n' +
          'skipped 1: is a system process, left alone\n',
      );
    } else {
      assert.equal(
        text,
        'SIGTERM → 1234 node server.js …\n' +
          'SIGTERM → 1234 node server.js … exited in 0.21 s\n' +
          'skipped 1: is a system process, left alone\n',
      );
    }
  }
});

test('skip reasons in words; an unknown reason is shown as it is', () => {
  assert.equal(skipReasonText('system'), 'is a system process, left alone');
  assert.equal(skipReasonText('dry-run'), 'dry run');
  assert.match(skipReasonText('hidden'), /another user/);
  assert.match(skipReasonText('filtered'), /--filter/);
  assert.equal(skipReasonText('something-new' as never), 'something-new');
});
