/**
 * `detectManager` order where managers nest, on RECORDED facts where they exist (this machine's
 * docker-proxy and pm2 captures, insights-core's Docker cgroup, laurel's nginx.service) combined
 * with BUILT cgroups that put them inside a service (`docker.service`, `pm2-root.service`, as
 * on a systemd host); and the known-holders table.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { detectManager, MANAGER_DETECTORS } from '../../src/managers/detect.ts';
import { KNOWN_HOLDERS, knownHolder } from '../../src/managers/known-holders.ts';
import type { HolderFacts } from '../../src/managers/types.ts';
import { splitCmdline } from '../helpers/holder-facts.ts';

const linux = (path: string) =>
  readFileSync(new URL(`../fixtures/linux/${path}`, import.meta.url), 'utf8');

const base: HolderFacts = {
  pid: 5000,
  name: 'node',
  argv: ['node', 'server.js'],
  ppid: 4000,
  ancestors: [],
};

test('docker-proxy inside docker.service is docker, not systemd', () => {
  const proxy: HolderFacts = {
    ...base,
    name: 'docker-proxy',
    argv: splitCmdline(linux('docker/local/docker-proxy-20.10-cmdline.bin')),
    cgroup: '0::/system.slice/docker.service\n',
  };
  assert.equal(detectManager(proxy)?.kind, 'docker');
});

test('a container process in docker-<id>.scope is docker, not a systemd scope', () => {
  const inContainer = {
    ...base,
    cgroup: linux('cgroup/recorded/insights-core-docker-systemd-driver-v1.txt'),
  };
  assert.deepEqual(detectManager(inContainer), {
    kind: 'docker',
    name: '55b2b88feeb4',
    hint: 'docker stop 55b2b88feeb4',
  });
});

test('a pm2 app whose daemon runs as pm2-root.service is pm2 (stop the app, not every app)', () => {
  const app: HolderFacts = {
    ...base,
    ancestors: [
      { pid: 900, name: 'PM2 v5.3.0: God', argv: ['PM2 v5.3.0: God Daemon (/root/.pm2)'] },
    ],
    environment: { pm_id: '0', name: 'api', HOME: '/root', PM2_HOME: '/root/.pm2' },
    cgroup: '0::/system.slice/pm2-root.service\n',
  };
  assert.deepEqual(detectManager(app), { kind: 'pm2', name: 'api', hint: 'pm2 stop api' });
  assert.equal(detectManager({ ...app, ancestors: [] })?.hint, 'systemctl stop pm2-root.service');
});

test('recorded nginx.service -> systemd; a plain process and the pm2 recording without its daemon -> null', () => {
  assert.equal(
    detectManager({ ...base, cgroup: linux('cgroup/issues/laurel-228-nginx-v2.txt') })?.name,
    'nginx.service',
  );
  assert.equal(detectManager(base), null);
  assert.equal(detectManager({ ...base, cgroup: linux('pm2/local/app-cgroup.txt') }), null);
  assert.equal(detectManager(base, []), null, 'no detectors, no manager');
  assert.equal(MANAGER_DETECTORS.length, 11);
});

test('known holders: by name (Windows .exe, macOS path), pid where it matters', () => {
  assert.equal(knownHolder({ pid: 4, name: 'System', argv: null })?.kind, 'http.sys');
  assert.equal(
    knownHolder({ pid: 812, name: 'System', argv: null }),
    null,
    'only pid 4 is the kernel',
  );
  assert.equal(knownHolder({ pid: 9060, name: 'wslrelay.exe', argv: null })?.kind, 'wsl');
  assert.equal(
    knownHolder({
      pid: 512,
      name: null,
      argv: ['/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter'],
    })?.kind,
    'launchd',
  );
  assert.equal(knownHolder({ pid: 1, name: 'systemd', argv: ['/sbin/init'] })?.kind, 'systemd');
  assert.equal(
    knownHolder({ pid: 4200, name: 'systemd', argv: ['/lib/systemd/systemd', '--user'] }),
    null,
  );
  assert.equal(knownHolder({ pid: 5000, name: 'node', argv: ['node'] }), null);
  for (const holder of KNOWN_HOLDERS) {
    assert.match(holder.explanation, /^[A-Za-z].*\.$/, `${holder.program}: one sentence`);
    assert.ok(
      !holder.explanation.slice(0, -1).includes('. '),
      `${holder.program}: only one sentence`,
    );
  }
  assert.deepEqual(
    KNOWN_HOLDERS.map((holder) => holder.program),
    [
      'controlcenter',
      'system',
      'wslrelay',
      'docker-proxy',
      'rootlessport',
      'rootlesskit',
      'com.docker.backend',
      'vpnkit',
      'systemd',
    ],
  );
});
