/**
 * src/input.ts: each validator accepts what it documents, returns the normalised value, and
 * rejects everything else with the typed error of its option, before anything runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError, InvalidPortError, PortRangeError } from '../src/errors.ts';
import {
  ownOptions,
  validateAbortSignal,
  validateBoolean,
  validateFunction,
  validateHost,
  validateMilliseconds,
  validatePort,
  validateProtocol,
  validateSignalName,
} from '../src/input.ts';

/** Asserts `call` throws an InvalidOptionError for `option`. */
function rejectsOption(call: () => unknown, option: string): void {
  assert.throws(
    call,
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      error instanceof TypeError &&
      error.code === 'ERR_INVALID_OPTION' &&
      error.option === option,
  );
}

test('validatePort: integers 1-65535 and strings of decimal digits', () => {
  assert.equal(validatePort(1), 1);
  assert.equal(validatePort(65535), 65535);
  assert.equal(validatePort('8080'), 8080);
  assert.equal(validatePort('00080'), 80, 'leading zeros are still decimal digits');
});

test('validatePort: numbers out of range or not integers are PortRangeError', () => {
  for (const port of [0, -1, 65536, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.1]) {
    assert.throws(
      () => validatePort(port),
      (error: unknown) =>
        error instanceof PortRangeError &&
        error instanceof RangeError &&
        error.code === 'ERR_INVALID_PORT' &&
        Object.is(error.port, port),
      String(port),
    );
  }
  assert.throws(() => validatePort('0'), PortRangeError);
  assert.throws(() => validatePort('65536'), PortRangeError);
  assert.throws(() => validatePort('99999999999999999999'), PortRangeError);
});

test('validatePort: anything else is InvalidPortError, and its message is bounded', () => {
  for (const port of ['', ' 80', '80 ', '0x50', '8e3', '-80', '+80', '80; rm -rf /', '٨٠']) {
    assert.throws(
      () => validatePort(port),
      (error: unknown) =>
        error instanceof InvalidPortError && error instanceof TypeError && error.port === port,
      JSON.stringify(port),
    );
  }
  for (const port of [null, undefined, true, {}, [80], 80n, Symbol('80'), () => 80]) {
    assert.throws(() => validatePort(port), InvalidPortError, String(typeof port));
  }
  assert.match(
    (() => {
      try {
        validatePort(null);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })(),
    /of type null/,
  );
  const long = `x${'9'.repeat(10_000)}`;
  assert.throws(
    () => validatePort(long),
    (error: unknown) => error instanceof InvalidPortError && error.message.length < 200,
  );
});

test('validateProtocol: tcp or udp, the fallback when undefined', () => {
  assert.equal(validateProtocol(undefined), 'tcp');
  assert.equal(validateProtocol(undefined, 'udp'), 'udp');
  assert.equal(validateProtocol('udp'), 'udp');
  assert.equal(validateProtocol('tcp', 'udp'), 'tcp');
  for (const value of ['TCP', 'sctp', '', null, 6]) {
    rejectsOption(() => validateProtocol(value), 'protocol');
  }
});

test('ownOptions: own enumerable properties only, into an object without a prototype', () => {
  const inherited = Object.create({ maxWait: 5 }) as Record<string, unknown>;
  inherited.protocol = 'udp';
  const own = ownOptions<{ protocol: string; maxWait: number }>(inherited);
  assert.equal(own.protocol, 'udp');
  assert.equal(own.maxWait, undefined, 'an inherited option is not taken');
  assert.equal(Object.getPrototypeOf(own), null);
  // A polluted Object.prototype does not leak in either.
  const polluted = ownOptions<{ toString: unknown }>({});
  assert.equal(polluted.toString, undefined);
  const proto = ownOptions<Record<string, unknown>>(JSON.parse('{"__proto__": {"x": 1}}'));
  assert.equal(Object.getPrototypeOf(proto), null);
  assert.equal((proto as Record<string, unknown>).x, undefined);
  assert.deepEqual(Object.keys(ownOptions(undefined)), []);
  assert.deepEqual(Object.keys(ownOptions(null)), []);
  for (const value of ['x', 5, true, [1], () => {}]) {
    rejectsOption(() => ownOptions(value), 'options');
  }
});

test('validateMilliseconds: finite numbers >= 0, the fallback when undefined', () => {
  assert.equal(validateMilliseconds('maxWait', undefined, 3000), 3000);
  assert.equal(validateMilliseconds('maxWait', 0, 3000), 0);
  assert.equal(validateMilliseconds('maxWait', 12.5, 3000), 12.5);
  for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, '100', null, true]) {
    rejectsOption(() => validateMilliseconds('maxWait', value, 3000), 'maxWait');
  }
});

test('validateBoolean: true or false, false when undefined', () => {
  assert.equal(validateBoolean('dryRun', undefined), false);
  assert.equal(validateBoolean('dryRun', true), true);
  assert.equal(validateBoolean('dryRun', false), false);
  for (const value of [1, 0, 'true', null])
    rejectsOption(() => validateBoolean('dryRun', value), 'dryRun');
});

test('validateFunction: a function or undefined', () => {
  const filter = () => true;
  assert.equal(validateFunction('filter', filter), filter);
  assert.equal(validateFunction('filter', undefined), undefined);
  for (const value of [null, 'fn', {}, 1])
    rejectsOption(() => validateFunction('filter', value), 'filter');
});

test('validateHost: a non-empty string or undefined', () => {
  assert.equal(validateHost(undefined), undefined);
  assert.equal(validateHost('127.0.0.1'), '127.0.0.1');
  assert.equal(validateHost('::1'), '::1');
  for (const value of ['', '   ', null, 1, ['::1']])
    rejectsOption(() => validateHost(value), 'host');
});

test('validateAbortSignal: an AbortSignal or undefined', () => {
  const signal = new AbortController().signal;
  assert.equal(validateAbortSignal(signal), signal);
  assert.equal(validateAbortSignal(AbortSignal.abort())?.aborted, true);
  assert.equal(validateAbortSignal(undefined), undefined);
  for (const value of [null, {}, { aborted: false }, new AbortController()]) {
    rejectsOption(() => validateAbortSignal(value), 'signal');
  }
});

test('validateSignalName: a signal this OS knows, by its name', () => {
  assert.equal(validateSignalName('SIGTERM'), 'SIGTERM');
  assert.equal(validateSignalName('SIGKILL', 'signal'), 'SIGKILL');
  for (const value of ['TERM', 'sigterm', 'SIGNOPE', '', 15, undefined, 'toString', '__proto__']) {
    rejectsOption(() => validateSignalName(value), 'killSignal');
  }
  rejectsOption(() => validateSignalName('nope', 'signal'), 'signal');
  assert.throws(
    () => validateSignalName('x'.repeat(1000)),
    (error: unknown) => error instanceof InvalidOptionError && error.message.length < 200,
  );
});
