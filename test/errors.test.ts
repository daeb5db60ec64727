/**
 * src/errors.ts: every error passes `instanceof PortwardenError`, the subclasses stay distinct,
 * the bad-input errors stay TypeError/RangeError, and every code is in the `ErrorCode` union, the
 * table at the top of errors.ts and the README's table.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  AbortError,
  AdapterUnavailableError,
  CommandFailedError,
  CommandNotFoundError,
  CommandOutputTooLargeError,
  CommandTimeoutError,
  type ErrorCode,
  InvalidOptionError,
  InvalidPortError,
  NoAdapterError,
  PortRangeError,
  PortUnavailableError,
  PortwardenError,
  ProbeFailedError,
  SpawnFailedError,
  UnparseableOutputError,
  UnsupportedPlatformError,
} from '../src/errors.ts';
import { REPO_ROOT } from './helpers/holders.ts';

const cause = new Error('underneath');

/** One instance of every class, with the code it must carry. */
const EXAMPLES: readonly { error: Error & { code: ErrorCode }; code: ErrorCode; name: string }[] = [
  {
    error: new InvalidPortError('x', 'bad port'),
    code: 'ERR_INVALID_PORT',
    name: 'InvalidPortError',
  },
  {
    error: new PortRangeError(70000, 'out of range'),
    code: 'ERR_INVALID_PORT',
    name: 'PortRangeError',
  },
  {
    error: new InvalidOptionError('protocol', 'bad option'),
    code: 'ERR_INVALID_OPTION',
    name: 'InvalidOptionError',
  },
  {
    error: new AdapterUnavailableError('ss', 'no ss', { cause }),
    code: 'ERR_ADAPTER_UNAVAILABLE',
    name: 'AdapterUnavailableError',
  },
  { error: new NoAdapterError('none', { cause }), code: 'ERR_NO_ADAPTER', name: 'NoAdapterError' },
  {
    error: new UnsupportedPlatformError('plan9'),
    code: 'ERR_UNSUPPORTED_PLATFORM',
    name: 'UnsupportedPlatformError',
  },
  {
    error: new CommandNotFoundError('ss', { cause }),
    code: 'ERR_COMMAND_NOT_FOUND',
    name: 'CommandNotFoundError',
  },
  {
    error: new CommandTimeoutError('ss', 300),
    code: 'ERR_COMMAND_TIMEOUT',
    name: 'CommandTimeoutError',
  },
  {
    error: new CommandFailedError('lsof', 2, 'broken\nmore'),
    code: 'ERR_COMMAND_FAILED',
    name: 'CommandFailedError',
  },
  {
    error: new UnparseableOutputError('ss', 'no header'),
    code: 'ERR_UNPARSEABLE_OUTPUT',
    name: 'UnparseableOutputError',
  },
  {
    error: new SpawnFailedError('ss', 'out-of-resources', 'EMFILE'),
    code: 'ERR_SPAWN_FAILED',
    name: 'SpawnFailedError',
  },
  {
    error: new CommandOutputTooLargeError('ss', 1024),
    code: 'ERR_COMMAND_OUTPUT_TOO_LARGE',
    name: 'CommandOutputTooLargeError',
  },
  {
    error: new ProbeFailedError('::1', 3000, {
      cause: Object.assign(new Error('x'), { code: 'EPERM' }),
    }),
    code: 'ERR_PROBE_FAILED',
    name: 'ProbeFailedError',
  },
  { error: new AbortError(), code: 'ERR_ABORTED', name: 'AbortError' },
  {
    error: new PortUnavailableError('ERR_PORT_UNAVAILABLE', 3000, 'timeout', 'still taken'),
    code: 'ERR_PORT_UNAVAILABLE',
    name: 'PortUnavailableError',
  },
  {
    error: new PortUnavailableError('ERR_NO_FREE_PORT', null, 'exhausted', 'none free'),
    code: 'ERR_NO_FREE_PORT',
    name: 'PortUnavailableError',
  },
  {
    error: new PortwardenError('ERR_CLOSE_TIMEOUT', 'connections left'),
    code: 'ERR_CLOSE_TIMEOUT',
    name: 'PortwardenError',
  },
];

const CLASSES = [
  InvalidPortError,
  PortRangeError,
  InvalidOptionError,
  AdapterUnavailableError,
  NoAdapterError,
  UnsupportedPlatformError,
  CommandNotFoundError,
  CommandTimeoutError,
  CommandFailedError,
  UnparseableOutputError,
  SpawnFailedError,
  CommandOutputTooLargeError,
  ProbeFailedError,
  AbortError,
  PortUnavailableError,
] as const;

test('every error is an Error and passes instanceof PortwardenError, with its code and name', () => {
  for (const { error, code, name } of EXAMPLES) {
    assert.ok(error instanceof Error, name);
    assert.ok(error instanceof PortwardenError, `${name} instanceof PortwardenError`);
    assert.equal(error.code, code, name);
    assert.equal(error.name, name);
    assert.ok(typeof error.stack === 'string' && error.stack.includes(name));
  }
});

test('the subclasses stay distinct: an error is an instance of its own class only', () => {
  for (const { error, name } of EXAMPLES) {
    for (const Class of CLASSES) {
      assert.equal(error instanceof Class, Class.name === name, `${name} instanceof ${Class.name}`);
    }
  }
  assert.ok(!(new CommandNotFoundError('ss') instanceof AdapterUnavailableError));
  assert.ok(!(new AdapterUnavailableError('ss', 'x') instanceof CommandNotFoundError));
  assert.ok(!(new InvalidPortError(1, 'x') instanceof PortRangeError));
});

test('bad-input errors stay TypeError / RangeError, as Node’s own do; the others do not', () => {
  assert.ok(new InvalidPortError('x', 'm') instanceof TypeError);
  assert.ok(new InvalidOptionError('o', 'm') instanceof TypeError);
  assert.ok(new PortRangeError(0, 'm') instanceof RangeError);
  assert.ok(!(new PortRangeError(0, 'm') instanceof TypeError));
  for (const { error, name } of EXAMPLES.slice(3)) {
    assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), name);
  }
});

test('not every error is a PortwardenError; a second copy of the library is recognised', () => {
  assert.ok(!(new Error('x') instanceof PortwardenError));
  assert.ok(!(new TypeError('x') instanceof PortwardenError));
  assert.ok(!((null as unknown as object) instanceof PortwardenError));
  assert.ok(!({ code: 'ERR_INVALID_PORT' } instanceof PortwardenError));
  // Another copy of portwarden (two versions in node_modules) brands its errors the same way.
  const foreign = new TypeError('from another copy');
  Object.defineProperty(foreign, Symbol.for('portwarden.error'), { value: true });
  assert.ok(foreign instanceof PortwardenError);
});

test('fields, messages and causes', () => {
  const notFound = new CommandNotFoundError('lsof', { cause });
  assert.equal(notFound.command, 'lsof');
  assert.equal(notFound.message, 'Command not found: lsof');
  assert.equal(notFound.cause, cause);

  const timeout = new CommandTimeoutError('ss', 300);
  assert.equal(timeout.timeout, 300);
  assert.equal(timeout.message, 'Command timed out after 300 ms: ss');
  assert.ok(!('cause' in timeout), 'no cause when none was given');

  const failed = new CommandFailedError('lsof', 2, `  first line\nsecond${'x'.repeat(3000)}`);
  assert.equal(failed.exitCode, 2);
  assert.equal(failed.message, 'Command failed with exit status 2: lsof (first line)');
  assert.equal(failed.stderr.length, 2000, 'stderr is capped');
  assert.equal(
    new CommandFailedError('ss', null, '').message,
    'Command failed with exit status null: ss',
  );

  assert.equal(new UnparseableOutputError('ss', 'no header').message, 'ss: no header');
  assert.equal(new UnparseableOutputError('ss', 'x').source, 'ss');
  assert.equal(new AdapterUnavailableError('lsof', 'm').adapter, 'lsof');
  assert.equal(new InvalidOptionError('protocol', 'm').option, 'protocol');
  assert.equal(new InvalidPortError('abc', 'm').port, 'abc');
  assert.equal(new PortRangeError(70000, 'm').port, 70000);
  assert.equal(new UnsupportedPlatformError('aix').platform, 'aix');
  assert.equal(
    new UnsupportedPlatformError('aix').message,
    'No socket-table adapter for platform aix',
  );
  assert.equal(new AbortError().message, 'The operation was aborted');

  const spawnFailed = new SpawnFailedError('ss', 'permission-denied', 'EACCES');
  assert.deepEqual([spawnFailed.reason, spawnFailed.errno], ['permission-denied', 'EACCES']);
  assert.equal(spawnFailed.message, 'Could not start ss: permission-denied (EACCES)');
  assert.equal(new SpawnFailedError('ss', 'other', undefined).message, 'Could not start ss: other');

  const probe = new ProbeFailedError('::1', 3000, {
    cause: Object.assign(new Error('denied'), { code: 'EPERM' }),
  });
  assert.deepEqual([probe.host, probe.port], ['::1', 3000]);
  assert.match(probe.message, /^Cannot probe ::1:3000 \(EPERM\)/);
  assert.equal(new ProbeFailedError('::', 80).message.includes('('), false);

  const tooLarge = new CommandOutputTooLargeError('ss', 1024);
  assert.equal(tooLarge.maxOutput, 1024);
  assert.match(tooLarge.message, /more than 1024 bytes/);

  const unavailable = new PortUnavailableError('ERR_PORT_UNAVAILABLE', 3000, 'timeout', 'm');
  assert.deepEqual(
    [unavailable.port, unavailable.reason, unavailable.report],
    [3000, 'timeout', undefined],
  );
  assert.ok(!('cause' in unavailable));
  assert.equal(
    new PortUnavailableError('ERR_NO_FREE_PORT', null, 'r', 'm', { cause }).cause,
    cause,
  );
});

/** The `| 'ERR_...'` members of the ErrorCode union, read from the source. */
function unionCodes(source: string): string[] {
  const union = /export type ErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((match) => match[1] as string).sort();
}

/** The codes in the first column of a markdown table (`| \`ERR_...\` | ...`). */
function tableCodes(text: string): string[] {
  return [...text.matchAll(/^\s*(?:\*\s*)?\|\s*`(ERR_[A-Z_]+)`\s*\|/gm)]
    .map((match) => match[1] as string)
    .sort();
}

test('the ErrorCode union, the table in errors.ts and every class agree', () => {
  const source = readFileSync(join(REPO_ROOT, 'src', 'errors.ts'), 'utf8');
  const codes = unionCodes(source);
  assert.ok(codes.length >= 16, `${codes.length} codes`);
  assert.deepEqual(tableCodes(source), codes, 'the table at the top of errors.ts');
  assert.deepEqual(
    [...new Set(EXAMPLES.map((example) => example.code))].sort(),
    codes,
    'every code is made by a class here',
  );
});

test("the README's error table lists every code, in one table that renders", () => {
  const source = readFileSync(join(REPO_ROOT, 'src', 'errors.ts'), 'utf8');
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  // The table is the run of `|` lines after its header: a blank line ends it for markdown.
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^\| code \| class \| when \|/.test(line));
  assert.ok(start >= 0, 'the README has an error table');
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  const table = lines.slice(start, end === -1 ? undefined : end).join('\n');
  assert.deepEqual(tableCodes(table), unionCodes(source));
});
