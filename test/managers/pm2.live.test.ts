/**
 * LIVE: a real pm2 daemon (the dev dependency) with `PM2_HOME` in a temporary folder runs a tiny
 * node server on a loopback port. The test reads the holder's facts from /proc, detects pm2, checks
 * that pm2 starts the app again after SIGTERM and after SIGKILL (and how fast: the "respawned"
 * outcome depends on it), and that the hint really stops it for good. `pm2 kill` runs in an
 * `after` hook, and the daemon is SIGKILLed there if it survived, so no daemon outlives the file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, getProcessesOnPort, killProcessOnPort } from '../../src/index.ts';
import { detectManager } from '../../src/managers/detect.ts';
import { ensureBuiltCli, runBuiltCli } from '../helpers/cli.ts';
import { readProcFacts } from '../helpers/holder-facts.ts';
import {
  canListen,
  getTestPort,
  LINUX_ONLY,
  pidAlive,
  REPO_ROOT,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';

const run = promisify(execFile);
const PM2_BIN = join(REPO_ROOT, 'node_modules', 'pm2', 'bin', 'pm2');
const PM2_VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'pm2', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
const APP = `const net = require('node:net');
net.createServer((socket) => socket.end('hi\\n')).listen(Number(process.argv[2]), '127.0.0.1');
`;
const hold = trackHolders();

/** The pid listening on `port` once it differs from `previous`; rejects after `timeout` ms. */
async function waitForHolder(port: number, previous: number | null, timeout = 20_000) {
  const started = Date.now();
  while (Date.now() - started < timeout) {
    const owners = await getProcessesOnPort(port);
    const pid = owners.find((owner) => owner.state === 'LISTEN')?.pid ?? null;
    if (pid !== null && pid !== previous) return { pid, after: Date.now() - started };
    await sleep(10);
  }
  throw new Error(`nothing new listened on ${port} within ${timeout} ms`);
}

describe('a pm2 app (live)', LINUX_ONLY, () => {
  let root = '';
  let home = '';
  let port = 0;
  let appPid = 0;
  const pm2 = (...args: string[]) =>
    run(process.execPath, [PM2_BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: root, PM2_HOME: home },
      timeout: 60_000,
    });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'portwarden-pm2-'));
    home = join(root, 'pm2-home');
    port = await getTestPort();
    writeFileSync(join(root, 'app.cjs'), APP);
    await pm2('start', join(root, 'app.cjs'), '--name', 'pw-api', '--', String(port));
    appPid = (await waitForHolder(port, null)).pid;
  });

  after(async () => {
    await pm2('kill').catch(() => undefined);
    const pidFile = join(home, 'pm2.pid');
    const daemon = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    if (daemon > 0 && pidAlive(daemon)) process.kill(daemon, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  test('the app is detected from its real /proc facts: pm2, its name, the hint with PM2_HOME', () => {
    const facts = readProcFacts(appPid, { port, protocol: 'tcp' });
    const title = `PM2 v${PM2_VERSION}: God Daemon (${home})`;
    // The title is cut to the space of the daemon's original argv: the PM2_HOME in it may be cut.
    const daemonTitle = facts.ancestors[0]?.argv?.[0] ?? '';
    assert.equal(facts.ancestors[0]?.argv?.length, 1, 'the daemon title replaces its argv');
    assert.ok(
      daemonTitle.startsWith(`PM2 v${PM2_VERSION}: God Daemon (`) && title.startsWith(daemonTitle),
      daemonTitle,
    );
    assert.equal(facts.ancestors[0]?.name, title.slice(0, 15), 'comm: the title cut to 15 bytes');
    assert.equal(facts.ppid, facts.ancestors[0]?.pid, "the app is the daemon's child");
    assert.equal(facts.ancestors.at(-1)?.pid, 1);
    assert.deepEqual(facts.argv, [`node ${join(root, 'app.cjs')}`], 'pm2 retitles the app');
    assert.equal(facts.environment?.pm_id, '0');
    assert.equal(facts.environment?.name, 'pw-api');
    assert.equal(facts.environment?.PM2_HOME, home);
    assert.deepEqual(detectManager(facts), {
      kind: 'pm2',
      name: 'pw-api',
      hint: `PM2_HOME=${home} pm2 stop pw-api`,
    });
  });

  test('a plain node holder started here is not managed', async () => {
    const plainPort = await getTestPort();
    const holder = await hold(startHolder({ port: plainPort }));
    assert.equal(detectManager(readProcFacts(holder.pid, { port: plainPort })), null);
  });

  test('cluster mode: the daemon itself holds the port, and is reported as pm2', async () => {
    const clusterPort = await getTestPort();
    await pm2(
      'start',
      join(root, 'app.cjs'),
      '--name',
      'pw-cluster',
      '-i',
      '2',
      '--',
      String(clusterPort),
    );
    try {
      const { pid } = await waitForHolder(clusterPort, null);
      const facts = readProcFacts(pid, { port: clusterPort });
      assert.equal(pid, readProcFacts(appPid).ppid, 'the holder is the daemon');
      assert.deepEqual(detectManager(facts), {
        kind: 'pm2',
        name: null,
        hint: `PM2_HOME=${home} pm2 list (find the cluster-mode app on port ${clusterPort}), then: PM2_HOME=${home} pm2 stop <name>`,
      });
    } finally {
      await pm2('delete', 'pw-cluster');
    }
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`pm2 starts the app again after ${signal}: a new pid listens, still detected`, async (t) => {
      const daemon = readProcFacts(appPid).ppid;
      const started = Date.now();
      process.kill(appPid, signal);
      const next = await waitForHolder(port, appPid);
      const delay = Date.now() - started;
      t.diagnostic(`${signal}: pid ${appPid} -> ${next.pid}, listening again after ${delay} ms`);
      assert.ok(delay < 15_000, `respawned within a generous bound (${delay} ms)`);
      const facts = readProcFacts(next.pid, { port });
      assert.equal(facts.ppid, daemon, 'the same daemon started it');
      assert.equal(detectManager(facts)?.name, 'pw-api');
      appPid = next.pid;
    });
  }

  test('the public API: manager reported, the app left alone, and with managed: signal "respawned"', async () => {
    const [owner] = await getProcessesOnPort(port);
    assert.equal(owner?.pid, appPid);
    assert.deepEqual(
      { kind: owner?.manager?.kind, name: owner?.manager?.name, hint: owner?.manager?.hint },
      { kind: 'pm2', name: 'pw-api', hint: `PM2_HOME=${home} pm2 stop pw-api` },
    );
    // Default: a managed owner is never signalled.
    const kill = await killProcessOnPort(port);
    assert.deepEqual(kill.killed, []);
    assert.deepEqual(
      kill.skipped.map((entry) => [entry.pid, entry.reason, entry.hint]),
      [[appPid, 'managed', `PM2_HOME=${home} pm2 stop pw-api`]],
    );
    assert.equal(pidAlive(appPid), true);
    const refused = await freePort(port, { maxWait: 10_000 });
    assert.equal(refused.outcome, 'managed');
    // Overridden: it is stopped, pm2 starts it again at once, and the call says so.
    const started = Date.now();
    const report = await freePort(port, { managed: 'signal', maxWait: 15_000 });
    assert.equal(report.free, false);
    assert.equal(report.outcome, 'respawned', JSON.stringify(report));
    assert.deepEqual(
      { kind: report.respawnedBy?.kind, name: report.respawnedBy?.name },
      { kind: 'pm2', name: 'pw-api' },
    );
    assert.ok(Date.now() - started < 10_000, 'gave up at the first respawn, not at maxWait');
    assert.deepEqual(report.kill?.killed, [appPid]);
    appPid = (await waitForHolder(port, appPid)).pid;
  });

  test('the CLI: who names pm2 and the hint, free exits 1 with it, --managed signal says respawned', async () => {
    ensureBuiltCli();
    const hint = `PM2_HOME=${home} pm2 stop pw-api`;
    const who = await runBuiltCli(['who', String(port)], { env: { NO_COLOR: '1' } });
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, new RegExp(`managed: ${appPid} node is run by pm2 \\(pw-api\\)`));
    assert.ok(who.stdout.includes(`stop it with: ${hint}`), who.stdout);

    const refused = await runBuiltCli(['free', String(port), '--max-wait', '10s']);
    assert.equal(refused.code, 1, 'a managed holder keeps the port: not free');
    assert.ok(
      refused.stderr.includes(
        `${appPid} node is run by pm2 (pw-api), which would start it again or depends on it: left alone; stop it there: ${hint}`,
      ),
      refused.stderr,
    );
    assert.equal(pidAlive(appPid), true, 'not signalled');

    const forced = await runBuiltCli(['free', String(port), '--managed', 'signal', '--json']);
    assert.equal(forced.code, 1, forced.stderr);
    const document = JSON.parse(forced.stdout) as {
      ports: { outcome: string; respawnedBy: { kind: string; name: string } | null }[];
    };
    assert.equal(document.ports[0]?.outcome, 'respawned');
    assert.deepEqual(
      { kind: document.ports[0]?.respawnedBy?.kind, name: document.ports[0]?.respawnedBy?.name },
      { kind: 'pm2', name: 'pw-api' },
    );
    assert.ok(
      forced.stderr.includes(
        `a new holder took the port right after the stop: pm2 (pw-api) starts it again; ${hint}`,
      ),
      forced.stderr,
    );
    appPid = (await waitForHolder(port, appPid)).pid;
  });

  test('the hint stops it for good: the port is free and stays free', async () => {
    const manager = detectManager(readProcFacts(appPid, { port }));
    assert.equal(manager?.hint, `PM2_HOME=${home} pm2 stop pw-api`);
    await pm2('stop', 'pw-api'); // what the hint runs, with PM2_HOME=home in its environment
    const started = Date.now();
    while (!(await canListen(port, '127.0.0.1'))) {
      assert.ok(Date.now() - started < 15_000, 'the port became free');
      await sleep(20);
    }
    await sleep(1_500);
    assert.deepEqual(await getProcessesOnPort(port), [], 'nothing came back');
    assert.equal(pidAlive(appPid), false);
  });
});
