/**
 * The `portwarden` command line, end to end: every test spawns the BUILT binary
 * (`node dist/cli/main.js ...`) against real holder processes started here (node and python3 on
 * loopback ports) and signals only the pids it started.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cliEnv, ensureBuiltCli, CLI_MAIN as MAIN, runBuiltCli } from '../helpers/cli.ts';
// The live suites run on every OS; see the guards (test/helpers/live.ts) for what each OS
// cannot do or show.
import {
  AS_NOBODY,
  canListen,
  canSwitchUser,
  checkoutForNobody,
  collect,
  getTestPort,
  type Holder,
  hasPython,
  REPO_ROOT,
  type ScriptResult,
  startHolder,
  startPythonHolder,
  trackHolders,
} from '../helpers/holders.ts';
import {
  EVERY_OS,
  needs,
  POSIX_SIGNALS,
  PROC,
  SHARED_SOCKETS,
  TIME_WAIT_LISTED,
  UNIX_NAMES,
} from '../helpers/live.ts';
import { leaveServerTimeWait } from '../helpers/time-wait.ts';

const ESC = '\u001B';

before(ensureBuiltCli);

const hold = trackHolders();

const cli = runBuiltCli;

const ME = userInfo().username;

describe('help, version, usage', () => {
  test('--help and <command> --help print usage on stdout and exit 0', async () => {
    const global = await cli(['--help']);
    assert.equal(global.code, 0);
    for (const command of ['who', 'check', 'kill', 'free', 'wait']) {
      assert.match(global.stdout, new RegExp(`portwarden ${command} `));
    }
    assert.match(global.stdout, /Exit status/);
    const free = await cli(['free', '--help']);
    assert.equal(free.code, 0);
    assert.match(free.stdout, /--max-wait/);
    assert.match(free.stdout, /--dry-run/);
    const help = await cli(['help', 'wait']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--until free\|in-use/);
  });

  test('--json, --protocol and --adapter may also come before the command', async () => {
    const port = await getTestPort();
    const result = await cli(['--json', '--protocol', 'udp', 'check', String(port)]);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as { ports: { protocol: string }[] };
    assert.equal(document.ports[0]?.protocol, 'udp');
  });

  test('--version prints the version of package.json', async () => {
    const { readFileSync } = await import('node:fs');
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = await cli(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${version}\n`);
  });

  test('the built file keeps its shebang', async () => {
    const { readFileSync } = await import('node:fs');
    assert.ok(readFileSync(MAIN, 'utf8').startsWith('#!/usr/bin/env node\n'));
  });
});

describe('bad input: exit 2, one line on stderr, nothing done', () => {
  let holder: Holder;
  let port: number;
  before(async () => {
    port = await getTestPort();
    holder = await hold(startHolder({ port }));
  });

  const cases = (held: string): string[][] => [
    ['free', '80; rm -rf /'],
    ['free', '0'],
    ['free', ' 80'],
    ['free', '0x50'],
    ['kill', '65536'],
    ['free', held, '80; rm -rf /'],
    ['kill', held, '--signal', 'NOPE'],
    ['kill', held, '--grace', '-5'],
    ['kill', held, '--force', '--signal', 'INT'],
    ['free', held, '--max-wait', 'soon'],
    ['free', held, '--adapter', 'nope'],
    ['free', held, '--protocol', 'sctp'],
    ['free', held, '--bogus'],
    ['who', '--bogus', held],
    ['check', '70000'],
    ['wait', held, '--until', 'later'],
    ['free'],
    ['bogus', held],
    ['--grace', '1', 'free', held],
    ['--force', 'free', held],
    ['free', '-1'],
    ['free', held, '-q', '--grace', '-5'],
    ['--protocol'],
    [],
  ];

  test('each bad command line exits 2 with one line on stderr; the holder lives', async () => {
    for (const args of cases(String(port))) {
      const result = await cli(args);
      const label = JSON.stringify(args);
      assert.equal(result.code, 2, `${label}: ${result.stderr}`);
      assert.equal(result.stdout, '', label);
      assert.match(result.stderr, /^portwarden[^\n]*: [^\n]+\n$/, `${label}: ${result.stderr}`);
      assert.ok(!result.stderr.includes('    at '), `${label}: no stack trace`);
    }
    assert.ok(holder.alive(), 'nothing was killed');
    assert.equal(await canListen(port, '127.0.0.1'), false);
  });

  test('with --json a usage error is also one JSON document on stdout', async () => {
    const result = await cli(['free', String(port), '0', '--json']);
    assert.equal(result.code, 2);
    const document = JSON.parse(result.stdout) as {
      ok: boolean;
      exitCode: number;
      error: { code: string; message: string };
    };
    assert.equal(document.ok, false);
    assert.equal(document.exitCode, 2);
    assert.equal(document.error.code, 'ERR_CLI_USAGE');
    assert.match(document.error.message, /invalid port "0"/);
    assert.ok(holder.alive());
  });
});

describe('who', needs(UNIX_NAMES, SHARED_SOCKETS), () => {
  test('lists node and python3 holders: pid, name, user, address, state, command line', async (t) => {
    const nodePort = await getTestPort();
    const node = await hold(startHolder({ port: nodePort, host: '127.0.0.1' }));
    const ports = [String(nodePort)];
    let python: Holder | undefined;
    let pythonPort = 0;
    if (hasPython) {
      pythonPort = await getTestPort();
      python = await hold(startPythonHolder({ port: pythonPort, host: '::1' }));
      ports.push(String(pythonPort));
    } else {
      t.diagnostic('python3 missing: node holder only');
    }
    const result = await cli(['who', ...ports]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`Port ${nodePort}/tcp: in use`));
    assert.match(result.stdout, /PID\s+NAME\s+USER\s+ADDRESS\s+PROTO\/STATE\s+COMMAND/);
    assert.match(
      result.stdout,
      new RegExp(
        `${node.pid}\\s+node\\s+${ME}\\s+127\\.0\\.0\\.1:${nodePort}\\s+tcp/LISTEN\\s+\\S*node \\S*holder\\.mjs`,
      ),
    );
    if (python) {
      assert.match(
        result.stdout,
        new RegExp(
          `${python.pid}\\s+python3\\s+${ME}\\s+\\[::1\\]:${pythonPort}\\s+tcp/LISTEN\\s+\\S*python3 -c import socket`,
        ),
      );
      // The multi-line `-c` program is printed on one line, its newlines escaped.
      assert.match(result.stdout, /import socket, time\\ns = socket/);
    }
    assert.ok(!result.stdout.includes(ESC), 'no colour when stdout is not a terminal');

    const alias = await cli(['list', String(nodePort)]);
    assert.equal(alias.code, 0);
    assert.match(alias.stdout, new RegExp(`${node.pid}\\s+node`));
  });

  test('--json: one document with the owners and their fields', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, host: '127.0.0.1', children: 2 }));
    const result = await cli(['who', String(port), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as {
      command: string;
      ok: boolean;
      exitCode: number;
      ports: {
        port: number;
        protocol: string;
        inUse: boolean;
        hidden: number;
        timeWait: number;
        adapter: string;
        owners: {
          pid: number;
          name: string;
          user: string;
          address: string;
          state: string;
          commandLine: string;
        }[];
      }[];
    };
    assert.equal(document.command, 'who');
    assert.equal(document.ok, true);
    assert.equal(document.exitCode, 0);
    const [entry] = document.ports;
    assert.ok(entry);
    assert.equal(entry.port, port);
    assert.equal(entry.protocol, 'tcp');
    assert.equal(entry.inUse, true);
    assert.equal(entry.hidden, 0);
    assert.equal(typeof entry.adapter, 'string');
    // The parent and both forked children share the socket: each one is an owner.
    assert.deepEqual(
      entry.owners.map((owner) => owner.pid).sort((a, b) => a - b),
      [...holder.pids].sort((a, b) => a - b),
    );
    for (const owner of entry.owners) {
      assert.equal(owner.name, 'node');
      assert.equal(owner.user, ME);
      assert.equal(owner.address, '127.0.0.1');
      assert.equal(owner.state, 'LISTEN');
      assert.match(owner.commandLine, /holder\.mjs/);
    }
  });

  test('a free port says free; TIME_WAIT sockets are counted', TIME_WAIT_LISTED, async () => {
    const port = await getTestPort();
    // The server closes first: its side of the connection goes to TIME_WAIT on `port`.
    await leaveServerTimeWait(port);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const json = await cli(['who', String(port), '--json']);
    assert.equal(json.code, 0, json.stderr);
    const [entry] = (
      JSON.parse(json.stdout) as {
        ports: { inUse: boolean; owners: unknown[]; timeWait: number }[];
      }
    ).ports;
    assert.ok(entry);
    assert.equal(entry.inUse, false);
    assert.deepEqual(entry.owners, []);
    assert.ok(entry.timeWait >= 1, `TIME_WAIT counted: ${json.stdout}`);

    const text = await cli(['who', String(port)]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, new RegExp(`Port ${port}/tcp: free`));
    assert.match(
      text.stdout,
      /connections: \d+ TIME_WAIT \(server-side TIME_WAIT does not stop a Node server\)/,
    );
  });
});

describe('check', EVERY_OS, () => {
  test('exit 0 when free, 1 when in use, one line per port', async () => {
    const freePort = await getTestPort();
    const heldPort = await getTestPort();
    await hold(startHolder({ port: heldPort }));
    const free = await cli(['check', String(freePort)]);
    assert.equal(free.code, 0);
    assert.equal(free.stdout, `${freePort}/tcp: free\n`);
    const held = await cli(['check', String(heldPort)]);
    assert.equal(held.code, 1);
    assert.match(held.stdout, new RegExp(`^${heldPort}/tcp: in use`));
    const both = await cli(['check', String(freePort), String(heldPort), '--json']);
    assert.equal(both.code, 1);
    const document = JSON.parse(both.stdout) as {
      ok: boolean;
      exitCode: number;
      ports: { port: number; inUse: boolean; decidedBy: string }[];
    };
    assert.equal(document.ok, false);
    assert.equal(document.exitCode, 1);
    assert.deepEqual(
      document.ports.map(({ port, inUse }) => ({ port, inUse })),
      [
        { port: freePort, inUse: false },
        { port: heldPort, inUse: true },
      ],
    );
  });

  test('check agrees with the socket table on every address and UDP', PROC, async () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::', ':: (IPv6 only)']) {
      const port = await getTestPort();
      const holder = await hold(
        host === ':: (IPv6 only)'
          ? startHolder({ port, host: '::', ipv6Only: true })
          : startHolder({ port, host }),
      );
      const quick = await cli(['check', String(port)]);
      const full = await cli(['check', String(port), '--adapter', 'procfs']);
      assert.equal(quick.code, 1, `bind probes see a listener on ${host}`);
      assert.equal(full.code, 1, `full probe sees a listener on ${host}`);
      await holder.stop();
      const after = await cli(['check', String(port)]);
      assert.equal(after.code, 0, `free again after the ${host} holder exited`);
    }
    const port = await getTestPort();
    await hold(startHolder({ port, protocol: 'udp' }));
    assert.equal((await cli(['check', String(port), '--protocol', 'udp'])).code, 1);
    assert.equal(
      (await cli(['check', String(port), '--protocol', 'udp', '--adapter', 'procfs'])).code,
      1,
    );
    assert.equal((await cli(['check', String(port)])).code, 0, 'TCP is free beside a UDP holder');
  });

  test('check loads neither debug nor the socket-table code (lean start-up)', {
    skip:
      process.platform !== 'linux' &&
      'on macOS and Windows check confirms a free port with the socket table (lean only on Linux)',
  }, async () => {
    const port = await getTestPort();
    const report =
      "import{createRequire}from'node:module';const r=createRequire(process.execPath);" +
      "process.on('exit',()=>process.stderr.write('CJS '+JSON.stringify(Object.keys(r.cache))+'\\n'))";
    const nodeArgs = ['--import', `data:text/javascript,${encodeURIComponent(report)}`];
    const check = await cli(['check', String(port)], { nodeArgs });
    assert.equal(check.code, 0, check.stderr);
    const loaded = JSON.parse(/CJS (.*)/.exec(check.stderr)?.[1] ?? 'null') as string[];
    assert.ok(Array.isArray(loaded));
    assert.deepEqual(
      loaded.filter((path) => /node_modules[\\/](debug|fkill|pid-port|execa)/.test(path)),
      [],
    );
    // The probe of the report works: `who` with DEBUG set does load debug.
    const who = await cli(['who', String(port)], { nodeArgs, env: { DEBUG: 'portwarden:*' } });
    assert.match(/CJS (.*)/.exec(who.stderr)?.[1] ?? '', /node_modules[\\/]debug/);
    assert.doesNotMatch(/CJS (.*)/.exec(who.stderr)?.[1] ?? '', /fkill|pid-port/);
  });
});

describe('kill and free', POSIX_SIGNALS, () => {
  test('free stops node and python3 holders, exits 0, and the ports are bindable after', async () => {
    const nodePort = await getTestPort();
    const node = await hold(startHolder({ port: nodePort, host: '127.0.0.1' }));
    const ports = [nodePort];
    const started = [node];
    if (hasPython) {
      const pythonPort = await getTestPort();
      started.push(await hold(startPythonHolder({ port: pythonPort, host: '127.0.0.1' })));
      ports.push(pythonPort);
    }
    const result = await cli(['free', ...ports.map(String), '--grace', '3s']);
    assert.equal(result.code, 0, result.stderr);
    for (const holder of started) {
      await holder.exited;
      assert.equal(holder.alive(), false);
      // Not a TTY: plain status lines on stderr, no escape codes, no carriage returns.
      assert.match(result.stderr, new RegExp(`SIGTERM → ${holder.pid} \\S*(node|python3)`));
    }
    assert.match(result.stderr, /exited in \d/);
    assert.ok(!result.stderr.includes(ESC) && !result.stderr.includes('\r'));
    for (const port of ports) {
      assert.match(result.stdout, new RegExp(`${port}/tcp: free \\(stopped \\d+ (node|python3)`));
      assert.equal(await canListen(port, '::'), true, `port ${port} bindable on ::`);
      assert.equal(await canListen(port, '127.0.0.1'), true, `port ${port} bindable on 127.0.0.1`);
    }
  });

  test('free --json: one JSON document with the report of each port', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, children: 2 }));
    const result = await cli(['free', String(port), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as {
      command: string;
      ok: boolean;
      exitCode: number;
      ports: {
        port: number;
        free: boolean;
        outcome: string;
        kill: { killed: number[]; processes: { pid: number; signal: string }[] };
      }[];
    };
    assert.equal(document.command, 'free');
    assert.equal(document.ok, true);
    assert.equal(document.exitCode, 0);
    const [entry] = document.ports;
    assert.ok(entry);
    assert.equal(entry.port, port);
    assert.equal(entry.free, true);
    assert.equal(entry.outcome, 'free');
    assert.deepEqual([...entry.kill.killed].sort(), [...holder.pids].sort());
    assert.ok(entry.kill.processes.every((process) => process.signal === 'SIGTERM'));
  });

  test('kill escalates to SIGKILL after --grace for a holder that ignores SIGTERM', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, onSigterm: 'ignore' }));
    const result = await cli(['kill', String(port), '--grace', '300']);
    assert.equal(result.code, 0, result.stderr);
    await holder.exited;
    assert.match(result.stderr, new RegExp(`SIGTERM, SIGKILL → ${holder.pid}`));
    assert.match(
      result.stdout,
      new RegExp(`${port}/tcp: free \\(stopped ${holder.pid} node \\(SIGKILL`),
    );
    assert.equal(await canListen(port, '127.0.0.1'), true);
  });

  test('kill --signal INT, and free on a port nobody holds', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port, onSigterm: 'ignore' }));
    const result = await cli(['kill', String(port), '--signal', 'int']);
    assert.equal(result.code, 0, result.stderr);
    await holder.exited;
    assert.match(result.stderr, new RegExp(`SIGINT → ${holder.pid}`));
    const again = await cli(['free', String(port)]);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, `${port}/tcp: free (nothing held it)\n`);
  });

  test('--dry-run stops nothing; --filter leaves other processes alone (exit 1)', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port }));
    const dry = await cli(['kill', String(port), '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`${port}/tcp: would send SIGTERM → ${holder.pid} `));
    const dryFree = await cli(['free', String(port), '--dry-run', '--json']);
    assert.equal(dryFree.code, 0, dryFree.stderr);
    assert.equal(
      (JSON.parse(dryFree.stdout) as { ports: { outcome: string }[] }).ports[0]?.outcome,
      'dry-run',
    );
    assert.ok(holder.alive(), 'a dry run signals nothing');

    const filtered = await cli(['free', String(port), '--filter', 'python3']);
    assert.equal(filtered.code, 1);
    assert.match(
      filtered.stderr,
      new RegExp(`port ${port}/tcp is still in use: .*${holder.pid} node does not match --filter`),
    );
    assert.ok(holder.alive(), 'the filter kept it alive');

    const matching = await cli(['free', String(port), '--filter', 'node', '--quiet']);
    assert.equal(matching.code, 0, matching.stderr);
    assert.equal(matching.stderr, '', '--quiet: no status lines');
    await holder.exited;
  });
});

describe('wait', EVERY_OS, () => {
  test('--until in-use resolves when a server comes up later', async () => {
    const port = await getTestPort();
    const started = performance.now();
    const waiting = cli(['wait', String(port), '--until', 'in-use', '--timeout', '20s']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await hold(startHolder({ port }));
    const result = await waiting;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${port}/tcp: in-use after `));
    assert.ok(performance.now() - started >= 400);
  });

  test('--until free resolves when the holder goes away; a timeout exits 1', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port }));
    const waiting = cli(['wait', String(port), '--until', 'free', '--json']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await holder.stop();
    const result = await waiting;
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as { ok: boolean; ports: { reached: boolean }[] };
    assert.equal(document.ok, true);
    assert.equal(document.ports[0]?.reached, true);

    const timedOut = await cli(['wait', String(port), '--timeout', '200']);
    assert.equal(timedOut.code, 1);
    assert.equal(timedOut.stdout, '');
    assert.match(
      timedOut.stderr,
      /^portwarden wait: port \d+\/tcp was not in-use after 0\.20 s\n$/,
    );
  });
});

describe('colour', EVERY_OS, () => {
  test('colour only when forced; never with NO_COLOR or --json, never off a terminal', async () => {
    const port = await getTestPort();
    await hold(startHolder({ port }));
    const plain = await cli(['who', String(port)]);
    assert.ok(!plain.stdout.includes(ESC), 'not a terminal: no escape codes');
    const forced = await cli(['who', String(port)], { env: { FORCE_COLOR: '1' } });
    assert.ok(forced.stdout.includes(`${ESC}[`), 'FORCE_COLOR colours');
    const noColor = await cli(['who', String(port)], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    assert.ok(!noColor.stdout.includes(ESC), 'NO_COLOR wins');
    const json = await cli(['who', String(port), '--json'], { env: { FORCE_COLOR: '1' } });
    assert.ok(!json.stdout.includes(ESC), '--json is never coloured');
    JSON.parse(json.stdout);
    const check = await cli(['check', String(port)], { env: { NO_COLOR: '1' } });
    assert.ok(!check.stdout.includes(ESC) && !check.stderr.includes(ESC));
  });
});

describe("another user's process (the CLI runs as nobody)", {
  skip: (process.platform !== 'linux' || !canSwitchUser) && 'needs root and setpriv on Linux',
}, () => {
  function asNobody(args: readonly string[]): Promise<ScriptResult> {
    const { root, node, tmp } = checkoutForNobody();
    const child = spawn(
      'setpriv',
      [...AS_NOBODY, node, join(root, 'dist', 'cli', 'main.js'), ...args],
      { cwd: tmp, env: cliEnv({ HOME: tmp, TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return collect(child);
  }

  test('free exits non-zero with a clear message and kills nothing', async () => {
    const port = await getTestPort();
    const holder = await hold(startHolder({ port }));
    const result = await asNobody(['free', String(port), '--max-wait', '3000']);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(
        `^portwarden free: port ${port}/tcp is still in use: held by a process of user ${ME} that portwarden cannot see or stop: run as root \\(sudo\\)`,
        'm',
      ),
    );
    assert.ok(holder.alive(), 'the holder of another user lives');

    const json = await asNobody(['free', String(port), '--json']);
    assert.equal(json.code, 1);
    const [entry] = (
      JSON.parse(json.stdout) as { ports: { free: boolean; outcome: string; message: string }[] }
    ).ports;
    assert.equal(entry?.free, false);
    assert.equal(entry?.outcome, 'hidden-owner');
    assert.match(entry?.message ?? '', /cannot see/);

    const kill = await asNobody(['kill', String(port)]);
    assert.equal(kill.code, 1);
    assert.match(kill.stderr, /cannot see or stop/);
    assert.ok(holder.alive());
  });

  test('who shows the hidden owner with a hint; check still says in use', async () => {
    const port = await getTestPort();
    await hold(startHolder({ port }));
    const who = await asNobody(['who', String(port)]);
    assert.equal(who.code, 0, who.stderr);
    assert.match(
      who.stdout,
      new RegExp(`hidden\\s+\\?\\s+${ME}\\s+127\\.0\\.0\\.1:${port}\\s+tcp/LISTEN`),
    );
    assert.match(
      who.stdout,
      /hint: an owner is hidden \(another user's process\): run as root \(sudo\)/,
    );
    const check = await asNobody(['check', String(port)]);
    assert.equal(check.code, 1);
  });

  test('check on a privileged port (EACCES for nobody) falls back to the socket table', async () => {
    let port = 0;
    for (let candidate = 990; candidate > 900; candidate--) {
      if ((await canListen(candidate, '::')) && (await canListen(candidate, '127.0.0.1'))) {
        port = candidate;
        break;
      }
    }
    assert.ok(port > 0, 'a free privileged port');
    const free = await asNobody(['check', String(port), '--json']);
    assert.equal(free.code, 0, free.stderr);
    assert.equal(
      (JSON.parse(free.stdout) as { ports: { decidedBy: string }[] }).ports[0]?.decidedBy,
      'socket-table',
    );
    await hold(startHolder({ port }));
    const held = await asNobody(['check', String(port)]);
    assert.equal(held.code, 1, held.stdout + held.stderr);
  });
});

// The CLI's building blocks, in process: test/cli/{args,values,output,status,exit-codes,help}.test.ts.
