/**
 * src/cli/run-args.ts: the options of `portwarden run`, validated.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInvocation } from '../../src/cli/run-args.ts';

test('a valid run: ports de-duplicated, durations and signal parsed, argv kept', () => {
  assert.deepEqual(
    runInvocation(
      { port: ['3000', '3000', '5173'], grace: '2s', signal: 'int', 'max-wait': '1m', quiet: true },
      ['npm', 'run', 'dev'],
      'run',
    ),
    {
      command: 'run',
      ports: [3000, 5173],
      json: false,
      quiet: true,
      protocol: 'tcp',
      adapter: undefined,
      signal: 'SIGINT',
      grace: 2000,
      force: false,
      maxWait: 60_000,
      host: undefined,
      managed: 'skip',
      argv: ['npm', 'run', 'dev'],
    },
  );
});

test('bad runs throw usage errors', () => {
  const usage = { code: 'ERR_CLI_USAGE' };
  assert.throws(() => runInvocation({}, ['node'], 'run'), /missing --port/);
  assert.throws(() => runInvocation({ port: ['80'] }, undefined, 'run'), /missing the command/);
  assert.throws(() => runInvocation({ port: ['80'] }, [''], 'run'), /missing the command/);
  assert.throws(() => runInvocation({ port: ['0'] }, ['node'], 'run'), /invalid port "0"/);
  assert.throws(() => runInvocation({ port: ['80'], grace: 'soon' }, ['node'], 'run'), usage);
  assert.throws(
    () => runInvocation({ port: ['80'], force: true, signal: 'TERM' }, ['node'], 'run'),
    /cannot be used together/,
  );
  assert.throws(() => runInvocation({ port: ['80'], adapter: ' ' }, ['node'], 'run'), usage);
});
