/**
 * `/proc/<pid>/cgroup` parser on recorded files (test/fixtures/linux/cgroup, sources in
 * SOURCES.md there): insights-core's RHEL host / Docker / Podman samples, lines pasted into
 * systemd, atop and laurel issues, and captures from this machine (Docker 20.10, cgroupfs
 * driver). Inputs marked BUILT are written here from systemd's documented layout.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCgroup, unitOfPath } from '../../src/parsers/cgroup.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/cgroup/${name}`, import.meta.url), 'utf8');

const DOCKER_ID = '55b2b88feeb4fc56bb9384e55100a8581271ca7a22399c6ec52784a35dba933b';
const PODMAN_ID = 'af097fa761cd92daf9ac2e18b6d59959b1212e12621a0951223f9f55d99b452c';
const LOCAL_ID = '60453f2f3bcce28dae4680ff08aec11c3312a0c052b8d0c83615b8e3728d2947';

test('insights-core RHEL host (v1, every controller at /): no unit, no container', () => {
  const info = parseCgroup(fixture('recorded/insights-core-rhel-host-v1.txt'));
  assert.equal(info.layout, 'v1');
  assert.equal(info.lines.length, 11);
  assert.deepEqual(info.lines[5], {
    hierarchy: 6,
    controllers: ['net_prio', 'net_cls'],
    path: '/',
  });
  assert.equal(info.systemdPath, '/');
  assert.equal(info.unit, null);
  assert.equal(info.container, null);
});

test('insights-core Docker with the systemd cgroup driver: docker-<id>.scope in system.slice', () => {
  const info = parseCgroup(fixture('recorded/insights-core-docker-systemd-driver-v1.txt'));
  assert.deepEqual(info.container, { runtime: 'docker', id: DOCKER_ID });
  assert.deepEqual(info.unit, {
    name: `docker-${DOCKER_ID}.scope`,
    type: 'scope',
    manager: 'system',
    uid: null,
    slice: 'system.slice',
  });
});

test('insights-core Podman: libpod-<id>.scope in machine.slice (rdma left at /)', () => {
  const info = parseCgroup(fixture('recorded/insights-core-podman-libpod-v1.txt'));
  assert.deepEqual(info.container, { runtime: 'podman', id: PODMAN_ID });
  assert.equal(info.unit?.slice, 'machine.slice');
});

test('laurel#228: nginx under cgroup v2 is nginx.service in system.slice', () => {
  const info = parseCgroup(fixture('issues/laurel-228-nginx-v2.txt'));
  assert.equal(info.layout, 'v2');
  assert.deepEqual(info.unit, {
    name: 'nginx.service',
    type: 'service',
    manager: 'system',
    uid: null,
    slice: 'system.slice',
  });
});

test('systemd#4602: a login shell is in session-1.scope, with name=systemd (231) or 0:: (232)', () => {
  for (const name of [
    'systemd-4602-v231-session-scope.txt',
    'systemd-4602-v232-session-scope.txt',
  ]) {
    const info = parseCgroup(fixture(`issues/${name}`));
    assert.equal(info.systemdPath, '/user.slice/user-1000.slice/session-1.scope', name);
    assert.deepEqual(
      [info.unit?.name, info.unit?.type, info.unit?.manager, info.unit?.slice],
      ['session-1.scope', 'scope', 'system', 'user-1000.slice'],
      name,
    );
  }
  assert.equal(parseCgroup(fixture('issues/systemd-4602-v231-session-scope.txt')).layout, 'v1');
  assert.equal(parseCgroup(fixture('issues/systemd-4602-v232-session-scope.txt')).layout, 'hybrid');
});

test('atop#284: pid 1 is init.scope, also when name=systemd sits at / beside a unified 0:: tree', () => {
  for (const name of ['atop-284-pid1-hybrid.txt', 'atop-284-pid1-named-root.txt']) {
    const info = parseCgroup(fixture(`issues/${name}`));
    assert.equal(info.layout, 'hybrid', name);
    assert.equal(info.systemdPath, '/init.scope', name);
    assert.equal(info.unit?.name, 'init.scope', name);
  }
});

test('this machine: a container process under Docker 20.10 cgroupfs is /docker/<id> everywhere', () => {
  const info = parseCgroup(fixture('local/docker-20.10-cgroupfs-container-process.txt'));
  assert.equal(info.layout, 'hybrid');
  assert.deepEqual(info.container, { runtime: 'docker', id: LOCAL_ID });
  assert.equal(info.unit, null, '/docker/<id> is not a systemd unit');
});

test('this machine: docker-proxy and pid 1 sit at the root (memory in /process_api/...)', () => {
  for (const name of ['docker-proxy-host-process.txt', 'pid1-process_api.txt']) {
    const info = parseCgroup(fixture(`local/${name}`));
    assert.equal(info.systemdPath, '/', name);
    assert.equal(info.unit, null, name);
    assert.equal(info.container, null, name);
  }
  const proxy = parseCgroup(fixture('local/docker-proxy-host-process.txt'));
  assert.equal(
    proxy.lines.find((line) => line.controllers.includes('memory'))?.path.split('/')[1],
    'process_api',
  );
});

test('BUILT (systemd.special(7) layout): user services below user@<uid>.service', () => {
  const info = parseCgroup(
    '0::/user.slice/user-1000.slice/user@1000.service/app.slice/api.service\n',
  );
  assert.deepEqual(info.unit, {
    name: 'api.service',
    type: 'service',
    manager: 'user',
    uid: 1000,
    slice: 'app.slice',
  });
  assert.deepEqual(unitOfPath('/user.slice/user-1000.slice/user@1000.service/init.scope'), {
    name: 'init.scope',
    type: 'scope',
    manager: 'user',
    uid: 1000,
    slice: null,
  });
  assert.equal(
    unitOfPath('/user.slice/user-1000.slice/user@1000.service')?.name,
    'user@1000.service',
  );
});

test('BUILT: a delegated sub-cgroup still belongs to its service; odd text is skipped', () => {
  assert.equal(
    unitOfPath('/system.slice/systemd-udevd.service/udev')?.name,
    'systemd-udevd.service',
  );
  assert.equal(unitOfPath('/lxc/web'), null);
  assert.equal(unitOfPath('/'), null);
  const info = parseCgroup('garbage\n\n0::/system.slice/cron.service\n');
  assert.equal(info.lines.length, 1);
  assert.equal(info.unit?.name, 'cron.service');
  assert.deepEqual(parseCgroup(''), {
    lines: [],
    layout: 'v1',
    systemdPath: null,
    unit: null,
    container: null,
  });
});
