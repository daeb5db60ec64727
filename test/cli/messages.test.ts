/**
 * Command-line rough edges, each with the message a person reads: a negative port, a negative
 * duration, `-q` on every command, and the TIME_WAIT sockets `free` leaves on a port. Spawns
 * the BUILT binary.
 */

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ensureBuiltCli, runBuiltCli } from '../helpers/cli.ts';
import { getTestPort, type ScriptResult, startHolder, trackHolders } from '../helpers/holders.ts';
import { leaveServerTimeWait } from '../helpers/time-wait.ts';

const hold = trackHolders();

before(ensureBuiltCli);

function cli(args: readonly string[]): Promise<ScriptResult> {
  return runBuiltCli(args, { env: { NO_COLOR: '1' } });
}

describe('messages for bad numbers', () => {
  test('free -1 says the port is invalid (not "unknown option")', async () => {
    const result = await cli(['free', '-1']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'portwarden free: invalid port "-1": expected decimal digits naming a port from 1 to 65535 (see portwarden free --help)\n',
    );
    const among = await cli(['check', '3000', '-80']);
    assert.equal(among.code, 2);
    assert.match(among.stderr, /^portwarden check: invalid port "-80"/);
  });

  test('--grace -5 says the duration is invalid (not "argument is ambiguous")', async () => {
    for (const args of [
      ['kill', '3000', '--grace', '-5'],
      ['kill', '3000', '-g', '-5'],
      ['free', '3000', '--max-wait', '-1s'],
      ['wait', '3000', '--timeout', '-2'],
    ]) {
      const result = await cli(args);
      const option = args[2] === '-g' ? '--grace' : args[2];
      assert.equal(result.code, 2, JSON.stringify(args));
      assert.match(
        result.stderr,
        new RegExp(
          `^portwarden ${args[0]}: invalid ${option} "${args[3]}": expected milliseconds, or a number with ms, s or m`,
        ),
      );
    }
    const missing = await cli(['kill', '3000', '--grace']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--grace <value>' argument missing/);
  });
});

describe('-q / --quiet: errors only, on every command', () => {
  test('who, check and wait accept -q and print nothing; the exit status still answers', async () => {
    const free = await getTestPort();
    const held = await getTestPort();
    await hold(startHolder({ port: held }));
    for (const [args, code] of [
      [['who', String(held), '-q'], 0],
      [['-q', 'who', String(held)], 0],
      [['check', String(free), '--quiet'], 0],
      [['check', String(held), '-q'], 1],
      [['wait', String(held), '-q', '--timeout', '5s'], 0],
    ] as const) {
      const result = await cli(args);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '', args.join(' '));
      assert.equal(result.stderr, '', args.join(' '));
    }
    const timeout = await cli(['wait', String(free), '-q', '--timeout', '100']);
    assert.equal(timeout.code, 1);
    assert.equal(timeout.stdout, '');
    assert.match(
      timeout.stderr,
      /^portwarden wait: port \d+\/tcp was not in-use after/,
      'errors stay',
    );
    const json = await cli(['check', String(held), '-q', '--json']);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { ok: boolean }).ok, false, 'the asked-for document');
  });

  test('free -q prints nothing when it works, and the error when it does not', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port }));
    const filtered = await cli(['free', String(port), '-q', '--filter', 'python3']);
    assert.equal(filtered.code, 1);
    assert.equal(filtered.stdout, '');
    assert.match(filtered.stderr, /^portwarden free: port \d+\/tcp is still in use: /);
    const freed = await cli(['free', String(port), '-q']);
    assert.equal(freed.code, 0, freed.stderr);
    assert.equal(freed.stdout + freed.stderr, '');
    await holder.exited;
  });
});

describe('free shows the TIME_WAIT sockets it leaves, and what they mean', {
  skip:
    process.platform === 'darwin' &&
    "macOS's netstat and lsof list no TIME_WAIT sockets: the count is always 0 there",
}, () => {
  test('the text has the count --json has, and says it stops socketserver, not Node', async () => {
    const port = await getTestPort();
    // The server closes first: its side of the connection stays in TIME_WAIT on `port`.
    await leaveServerTimeWait(port, { connections: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const json = await cli(['free', String(port), '--json']);
    assert.equal(json.code, 0, json.stderr);
    const count = (JSON.parse(json.stdout) as { ports: { timeWait: number }[] }).ports[0]?.timeWait;
    assert.ok(count !== undefined && count >= 1, json.stdout);
    const text = await cli(['free', String(port)]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(
      text.stdout,
      `${port}/tcp: free (nothing held it)\n` +
        `  ${count} TIME_WAIT ${count === 1 ? 'socket remains' : 'sockets remain'}: no obstacle to a Node server; programs that bind without SO_REUSEADDR (Python's socketserver.TCPServer) fail until ${count === 1 ? 'it expires' : 'they expire'} (Linux: 60 s)\n`,
    );
  });
});
