/**
 * LIVE look-alike: no Docker daemon runs in CI, so a small node listener is installed in a
 * temporary folder as an executable named `docker-proxy` (`#!<node>` script) and started with
 * docker-proxy's real arguments (as captured from Docker 20.10, test/fixtures/linux/docker). The
 * kernel names the process after the script, so /proc/<pid>/comm reads `docker-proxy`, and the
 * detector sees exactly what it would see for the real one.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, getProcessesOnPort, killProcessOnPort } from '../../src/index.ts';
import { detectManager } from '../../src/managers/detect.ts';
import { knownHolder } from '../../src/managers/known-holders.ts';
import { readProcFacts } from '../helpers/holder-facts.ts';
import { getTestPort, LINUX_ONLY } from '../helpers/holders.ts';
import { nodeBinary } from '../helpers/nodes.ts';

const LISTENER = `const net = require('node:net');
const flag = (name) => process.argv[process.argv.indexOf(name) + 1];
net.createServer((socket) => socket.end()).listen(Number(flag('-host-port')), flag('-host-ip'));
`;

/**
 * The node that runs the look-alike: the kernel names a `#!<node>` script's process after the
 * script, but Node 24 renames its main thread (comm) `MainThread`, so the look-alike needs a Node
 * before 24: the running one, else Node 22 or 20 from .cache/node or PATH.
 */
const LOOKALIKE_NODE =
  Number(process.versions.node.split('.')[0]) < 24
    ? process.execPath
    : (nodeBinary(22) ?? nodeBinary(20));

describe('a docker-proxy look-alike (live)', {
  skip:
    LINUX_ONLY.skip ||
    (!LOOKALIKE_NODE &&
      'needs Node 20 or 22 for the look-alike: Node 24 names its main thread MainThread'),
}, () => {
  let root = '';
  let port = 0;
  let child: ChildProcess | undefined;
  let script = '';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'portwarden-docker-'));
    script = join(root, 'docker-proxy');
    writeFileSync(script, `#!${LOOKALIKE_NODE}\n${LISTENER}`);
    chmodSync(script, 0o755);
    port = await getTestPort();
    // biome-ignore format: docker-proxy's argument pairs
    child = spawn(script, ['-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', String(port),
      '-container-ip', '172.17.0.2', '-container-port', '80'], { stdio: 'ignore' });
    const started = Date.now();
    while ((await getProcessesOnPort(port)).length === 0) {
      if (Date.now() - started > 15_000) throw new Error('the look-alike did not listen');
      await sleep(20);
    }
  });

  after(() => {
    child?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  test('its real /proc facts: comm docker-proxy, docker-proxy flags after the script', async () => {
    const [owner] = await getProcessesOnPort(port);
    assert.equal(owner?.pid, child?.pid, 'the look-alike holds the port');
    const facts = readProcFacts(child?.pid ?? 0, { port, protocol: 'tcp' });
    assert.equal(facts.name, 'docker-proxy');
    assert.deepEqual(facts.argv?.slice(1), [
      script,
      '-proto',
      'tcp',
      '-host-ip',
      '127.0.0.1',
      '-host-port',
      String(port),
      '-container-ip',
      '172.17.0.2',
      '-container-port',
      '80',
    ]);
    assert.deepEqual(detectManager(facts), {
      kind: 'docker',
      name: null,
      hint: `docker ps --filter publish=${port} (the container at 172.17.0.2:80/tcp), then: docker stop <container>`,
    });
    assert.equal(knownHolder(facts)?.program, 'docker-proxy');
  });

  test('the public API: reported as docker with its hint and explanation, never signalled', async () => {
    const [owner] = await getProcessesOnPort(port);
    assert.equal(owner?.manager?.kind, 'docker');
    assert.match(owner?.manager?.hint ?? '', /docker stop <container>/);
    assert.match(owner?.manager?.explanation ?? '', /container/);
    const report = await killProcessOnPort(port);
    assert.deepEqual(report.killed, []);
    assert.deepEqual(
      report.skipped.map((entry) => [entry.pid, entry.reason]),
      [[child?.pid, 'managed']],
    );
    const free = await freePort(port, { maxWait: 5000 });
    assert.equal(free.outcome, 'managed');
    assert.equal(child?.exitCode, null, 'the look-alike still runs');
  });
});
