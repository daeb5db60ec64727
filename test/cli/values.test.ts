/**
 * src/cli/values.ts, in process: durations, signals, protocols and ports as typed on the command
 * line; every bad value is a usage error (`ERR_CLI_USAGE`, exit status 2). The first test moved
 * from test/cli/cli.test.ts ("CLI building blocks").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_WAIT_TIMEOUT,
  parseDuration,
  parsePorts,
  parseProtocol,
  parseSignal,
} from '../../src/cli/values.ts';

const usage = { code: 'ERR_CLI_USAGE' };

test('arguments: durations, signals (moved)', () => {
  assert.equal(parseDuration('--grace', '500'), 500);
  assert.equal(parseDuration('--grace', '2s'), 2000);
  assert.equal(parseDuration('--grace', '1.5m'), 90_000);
  assert.throws(() => parseDuration('--grace', '-1'), usage);
  assert.throws(() => parseDuration('--grace', '1e3'), usage);
  assert.equal(parseSignal('term'), 'SIGTERM');
  assert.equal(parseSignal('SIGHUP'), 'SIGHUP');
  assert.equal(parseSignal('9'), 'SIGKILL');
  assert.throws(() => parseSignal('SIGNOPE'), usage);
});

test('durations: ms, s, m; rounded; bounded; the option named in the message', () => {
  assert.equal(parseDuration('--grace', '0'), 0);
  assert.equal(parseDuration('--grace', '250ms'), 250);
  assert.equal(parseDuration('--grace', '0.0015s'), 2);
  assert.equal(parseDuration('--timeout', '2147483647'), 2_147_483_647);
  assert.throws(() => parseDuration('--timeout', '2147483648'), /--timeout .*too long/);
  for (const text of ['', ' 5', '5 s', '5h', '.5s', '5.', 'five', '0x10', 'Infinity']) {
    assert.throws(() => parseDuration('--grace', text), usage, JSON.stringify(text));
  }
  assert.throws(
    () => parseDuration('--max-wait', 'x'.repeat(500)),
    (error: Error) => {
      assert.match(error.message, /^invalid --max-wait "x+"/);
      return error.message.length < 200;
    },
  );
  assert.equal(DEFAULT_WAIT_TIMEOUT, 30_000);
});

test('signals: names with or without SIG, any case; numbers of this OS', () => {
  assert.equal(parseSignal('int'), 'SIGINT');
  assert.equal(parseSignal('SigKill'), 'SIGKILL');
  assert.equal(parseSignal('15'), 'SIGTERM');
  for (const text of ['', 'SIG', '999', '-9', 'toString', '__proto__']) {
    assert.throws(() => parseSignal(text), usage, JSON.stringify(text));
  }
});

test('protocol: tcp by default, tcp or udp in any case', () => {
  assert.equal(parseProtocol(undefined, 'who'), 'tcp');
  assert.equal(parseProtocol('UDP', 'who'), 'udp');
  assert.equal(parseProtocol('tcp', 'check'), 'tcp');
  assert.throws(() => parseProtocol('sctp', 'who'), usage);
});

test('ports: at least one, each once, in the order given; bad ones are usage errors', () => {
  assert.deepEqual(parsePorts(['3000', '80', '3000'], 'check'), [3000, 80]);
  assert.throws(() => parsePorts([], 'who'), { code: 'ERR_CLI_USAGE', message: 'missing port' });
  for (const text of ['0', '65536', 'abc', '80; rm -rf /', ' 80', '']) {
    assert.throws(
      () => parsePorts([text], 'kill'),
      (error: Error & { code?: string }) =>
        error.code === 'ERR_CLI_USAGE' && /^[a-z]/.test(error.message),
      JSON.stringify(text),
    );
  }
});
