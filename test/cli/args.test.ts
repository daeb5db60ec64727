/**
 * src/cli/args.ts, in process: the command line becomes one typed invocation, or a usage error
 * (`ERR_CLI_USAGE`) before anything runs. The first test moved from test/cli/cli.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.ts';

const usage = { code: 'ERR_CLI_USAGE' };

test('free with repeated ports, a duration and a filter; list is who (moved)', () => {
  const free = parseCommandLine(['free', '3000', '3000', '8080', '-g', '2s', '--filter', 'node']);
  assert.equal(free.command, 'free');
  assert.ok(free.command === 'free');
  assert.deepEqual(free.ports, [3000, 8080]);
  assert.equal(free.grace, 2000);
  assert.deepEqual(free.filters, ['node']);
  assert.deepEqual(parseCommandLine(['list', '1']), {
    command: 'who',
    ports: [1],
    json: false,
    quiet: false,
    protocol: 'tcp',
    adapter: undefined,
  });
});

test('version and help', () => {
  for (const flag of ['--version', '-v', '-V']) {
    assert.deepEqual(parseCommandLine([flag]), { command: 'version' });
  }
  assert.throws(() => parseCommandLine(['--version', 'x']), usage);
  assert.deepEqual(parseCommandLine(['--help']), { command: 'help', topic: undefined });
  assert.deepEqual(parseCommandLine(['-h']), { command: 'help', topic: undefined });
  assert.deepEqual(parseCommandLine(['help']), { command: 'help', topic: undefined });
  assert.deepEqual(parseCommandLine(['help', 'ls']), { command: 'help', topic: 'who' });
  assert.deepEqual(parseCommandLine(['kill', '--help']), { command: 'help', topic: 'kill' });
  assert.throws(() => parseCommandLine(['help', 'nope']), usage);
});

test('--json, --protocol, --adapter and -q may come before the command', () => {
  const who = parseCommandLine(['--json', '--protocol', 'udp', '--adapter=ss', 'who', '53']);
  assert.deepEqual(who, {
    command: 'who',
    ports: [53],
    json: true,
    quiet: false,
    protocol: 'udp',
    adapter: 'ss',
  });
  assert.throws(() => parseCommandLine(['--grace', '1s', 'kill', '1']), /before the command/);
  assert.throws(() => parseCommandLine(['-f', 'kill', '1']), usage);
  const quiet = parseCommandLine(['-q', 'kill', '1']);
  assert.ok(quiet.command === 'kill' && quiet.quiet);
  const check = parseCommandLine(['--quiet', 'check', '1']);
  assert.ok(check.command === 'check' && check.quiet);
  assert.throws(() => parseCommandLine(['--protocol']), /argument missing/);
  assert.throws(() => parseCommandLine(['--json']), {
    code: 'ERR_CLI_USAGE',
    message: 'missing command',
  });
});

test('check and wait: host, until, timeout', () => {
  const check = parseCommandLine(['check', '80', '--host', '::1']);
  assert.ok(check.command === 'check');
  assert.equal(check.host, '::1');
  const wait = parseCommandLine(['wait', '80']);
  assert.ok(wait.command === 'wait');
  assert.deepEqual([wait.until, wait.timeout, wait.host], ['in-use', 30_000, undefined]);
  const free = parseCommandLine(['wait', '80', '--until', 'free', '-t', '2s']);
  assert.ok(free.command === 'wait');
  assert.deepEqual([free.until, free.timeout], ['free', 2000]);
  assert.throws(() => parseCommandLine(['wait', '80', '--until', 'up']), usage);
  assert.throws(() => parseCommandLine(['check', '80', '--host', ' ']), /--host must not be empty/);
});

test('kill and free: signal, force, dry run, quiet, max wait', () => {
  const kill = parseCommandLine(['kill', '80', '-s', 'int', '-n', '-q']);
  assert.ok(kill.command === 'kill');
  assert.deepEqual(
    [kill.signal, kill.force, kill.dryRun, kill.quiet, kill.grace, kill.maxWait, kill.filters],
    ['SIGINT', false, true, true, undefined, undefined, []],
  );
  const free = parseCommandLine(['free', '80', '-f', '-w', '1m']);
  assert.ok(free.command === 'free');
  assert.deepEqual([free.force, free.maxWait], [true, 60_000]);
  assert.throws(
    () => parseCommandLine(['kill', '80', '-f', '-s', 'TERM']),
    /cannot be used together/,
  );
  assert.throws(
    () => parseCommandLine(['kill', '80', '--max-wait', '1s']),
    usage,
    'kill has no --max-wait',
  );
  assert.throws(
    () => parseCommandLine(['free', '80', '--filter', '']),
    /--filter must not be empty/,
  );
});

test('kill, free and run: --host and --managed (default: every address, skip)', () => {
  const plain = parseCommandLine(['free', '80']);
  assert.ok(plain.command === 'free');
  assert.deepEqual([plain.host, plain.managed], [undefined, 'skip']);
  const scoped = parseCommandLine(['kill', '80', '--host', '::1', '--managed', 'SIGNAL']);
  assert.ok(scoped.command === 'kill');
  assert.deepEqual([scoped.host, scoped.managed], ['::1', 'signal']);
  const run = parseCommandLine([
    'run',
    '-p',
    '80',
    '--managed=signal',
    '--host',
    '127.0.0.1',
    'node',
  ]);
  assert.ok(run.command === 'run');
  assert.deepEqual([run.host, run.managed], ['127.0.0.1', 'signal']);
  assert.throws(() => parseCommandLine(['free', '80', '--managed', 'kill']), /invalid --managed/);
  assert.throws(() => parseCommandLine(['free', '80', '--host', '']), /--host must not be empty/);
  assert.throws(() => parseCommandLine(['who', '80', '--managed', 'skip']), usage, 'who has none');
});

test('usage errors: no command, unknown command or option, no port', () => {
  assert.throws(() => parseCommandLine([]), { code: 'ERR_CLI_USAGE', message: 'missing command' });
  assert.throws(() => parseCommandLine(['frob', '1']), /unknown command "frob"/);
  assert.throws(() => parseCommandLine(['who', '80', '--nope']), usage);
  assert.throws(() => parseCommandLine(['who']), {
    code: 'ERR_CLI_USAGE',
    message: 'missing port',
  });
  assert.throws(
    () => parseCommandLine(['who', '80', '--adapter', '']),
    /--adapter must not be empty/,
  );
  assert.throws(() => parseCommandLine(['who', '80', '--protocol', 'sctp']), usage);
});

test('-q on every command; a negative port and a negative duration are bad values', () => {
  for (const command of ['who', 'check', 'wait', 'kill', 'free']) {
    const parsed = parseCommandLine([command, '80', '-q']);
    assert.ok('quiet' in parsed && parsed.quiet, command);
  }
  assert.throws(() => parseCommandLine(['free', '-1']), /^UsageError: invalid port "-1"/);
  assert.throws(() => parseCommandLine(['kill', '80', '--grace', '-5']), /invalid --grace "-5"/);
  assert.throws(() => parseCommandLine(['kill', '80', '-g', '-5']), /invalid --grace "-5"/);
  assert.throws(
    () => parseCommandLine(['kill', '80', '--grace']),
    /'--grace <value>' argument missing/,
  );
});

test('run: ports with --port, the command after -- or from its first word on', () => {
  const dashes = parseCommandLine([
    'run',
    '-p',
    '3000',
    '--port',
    '5173',
    '--',
    'npm',
    'run',
    'dev',
  ]);
  assert.ok(dashes.command === 'run');
  assert.deepEqual(
    [dashes.ports, dashes.argv],
    [
      [3000, 5173],
      ['npm', 'run', 'dev'],
    ],
  );
  const word = parseCommandLine(['run', '-p', '3000', '-g', '2s', 'node', '--watch', 'server.js']);
  assert.ok(word.command === 'run');
  assert.deepEqual([word.grace, word.argv], [2000, ['node', '--watch', 'server.js']]);
  assert.deepEqual(parseCommandLine(['run', '--help']), { command: 'help', topic: 'run' });
  assert.throws(() => parseCommandLine(['run', '--', 'node']), /missing --port/);
  assert.throws(() => parseCommandLine(['run', '-p', '3000']), /missing the command/);
  assert.throws(() => parseCommandLine(['run', '-p', '3000', '--json', '--', 'node']), usage);
});
