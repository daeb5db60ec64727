/**
 * systemd detector. RECORDED cgroup files (test/fixtures/linux/cgroup): nginx.service under v2
 * (laurel#228), a login session scope (systemd#4602), pid 1 in init.scope (atop#284), this
 * machine's pid 1 (not systemd). Socket activation and user services are BUILT from systemd's
 * documentation (sd_listen_fds(3): LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES; systemd.socket(5):
 * FileDescriptorName= defaults to the socket unit's name, checked in the man page of systemd 252
 * installed here; user units below user@<uid>.service). systemd is not pid 1 on this machine;
 * the LISTEN_* environment is recorded from systemd-socket-activate, and
 * systemd-cgroup.live.test.ts moves a real process into a service-named cgroup.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { detectSystemd } from '../../src/managers/systemd.ts';
import type { HolderFacts } from '../../src/managers/types.ts';
import { parseEnviron } from '../../src/parsers/environ.ts';

const cgroup = (path: string) =>
  readFileSync(new URL(`../fixtures/linux/cgroup/${path}`, import.meta.url), 'utf8');

const NGINX = cgroup('issues/laurel-228-nginx-v2.txt');
const PID1 = cgroup('issues/atop-284-pid1-hybrid.txt');

const facts = (overrides: Partial<HolderFacts>): HolderFacts => ({
  pid: 1951,
  name: 'nginx',
  argv: ['nginx: master process /usr/sbin/nginx'],
  ppid: 1,
  ancestors: [{ pid: 1, name: 'systemd', argv: ['/sbin/init'] }],
  ...overrides,
});

test('recorded nginx.service (v2): systemctl stop nginx.service', () => {
  assert.deepEqual(detectSystemd(facts({ cgroup: NGINX })), {
    kind: 'systemd',
    name: 'nginx.service',
    hint: 'systemctl stop nginx.service',
  });
});

test('recorded login session scope and a host process at the root: not managed', () => {
  const session = cgroup('issues/systemd-4602-v231-session-scope.txt');
  assert.equal(detectSystemd(facts({ name: 'node', cgroup: session })), null);
  assert.equal(
    detectSystemd(facts({ cgroup: cgroup('recorded/insights-core-rhel-host-v1.txt') })),
    null,
  );
  assert.equal(detectSystemd(facts({ cgroup: undefined })), null, 'no cgroup, no claim');
});

test("recorded pid 1 of this machine (process_api, not systemd) holding a port: not systemd's", () => {
  const local = cgroup('local/pid1-process_api.txt');
  assert.equal(detectSystemd(facts({ pid: 1, name: 'process_api', ppid: 0, cgroup: local })), null);
});

test('recorded pid 1 (init.scope) + a co-holding nginx.service: socket activation, both units', () => {
  const systemd = facts({
    pid: 1,
    name: 'systemd',
    ppid: 0,
    ancestors: [],
    cgroup: PID1,
    port: 80,
  });
  assert.deepEqual(
    detectSystemd({ ...systemd, coHolders: [{ pid: 1951, name: 'nginx', cgroup: NGINX }] }),
    {
      kind: 'systemd',
      name: 'nginx.socket',
      hint: 'systemctl stop nginx.socket nginx.service',
    },
  );
  assert.deepEqual(
    detectSystemd({
      ...systemd,
      coHolders: [
        {
          pid: 1951,
          name: 'nginx',
          cgroup: NGINX,
          environment: { LISTEN_FDNAMES: 'web-http.socket' },
        },
      ],
    }),
    {
      kind: 'systemd',
      name: 'web-http.socket',
      hint: 'systemctl stop web-http.socket nginx.service',
    },
  );
  assert.deepEqual(detectSystemd(systemd), {
    kind: 'systemd',
    name: null,
    hint: 'systemctl list-sockets --all (the unit listening on port 80), then: systemctl stop <name>.socket <name>.service',
  });
});

test('recorded LISTEN_* environment (systemd-socket-activate here) in a BUILT web.service cgroup', () => {
  const environ = readFileSync(
    new URL(
      '../fixtures/linux/environ/local/systemd-socket-activate-252-environ.bin',
      import.meta.url,
    ),
    'utf8',
  );
  const activated = facts({
    pid: 16082,
    name: 'node',
    cgroup: '0::/system.slice/web.service\n',
    environment: parseEnviron(environ),
  });
  assert.deepEqual(detectSystemd(activated), {
    kind: 'systemd',
    name: 'web.service',
    hint: 'systemctl stop web.socket web.service',
  });
  assert.equal(detectSystemd({ ...activated, cgroup: undefined }), null, 'no unit: not claimed');
});

test('BUILT: the service side of socket activation (LISTEN_FDNAMES, LISTEN_PID, systemd co-holding)', () => {
  const web = facts({ pid: 812, name: 'node', cgroup: '0::/system.slice/web.service\n' });
  assert.equal(
    detectSystemd({ ...web, environment: { LISTEN_FDNAMES: 'web.socket', LISTEN_FDS: '1' } })?.hint,
    'systemctl stop web.socket web.service',
  );
  assert.equal(
    detectSystemd({ ...web, environment: { LISTEN_PID: '812', LISTEN_FDS: '1' } })?.hint,
    'systemctl stop web.socket web.service',
  );
  assert.equal(
    detectSystemd({ ...web, environment: { LISTEN_PID: '999', LISTEN_FDS: '1' } })?.hint,
    'systemctl stop web.service',
    'LISTEN_* meant for another process',
  );
  assert.equal(
    detectSystemd({ ...web, coHolders: [{ pid: 1, name: 'systemd' }] })?.hint,
    'systemctl stop web.socket web.service',
  );
  const instance = facts({
    cgroup: '0::/system.slice/system-echo.slice/echo@3-127.0.0.1:7-127.0.0.1:41234.service\n',
  });
  assert.equal(
    detectSystemd({ ...instance, coHolders: [{ pid: 1, name: 'systemd' }] })?.hint,
    'systemctl stop echo.socket echo@3-127.0.0.1:7-127.0.0.1:41234.service',
  );
});

test('BUILT: user services use systemctl --user; the user manager holding the socket too', () => {
  const api = '0::/user.slice/user-1000.slice/user@1000.service/app.slice/api.service\n';
  assert.deepEqual(detectSystemd(facts({ pid: 3100, name: 'node', cgroup: api })), {
    kind: 'systemd',
    name: 'api.service',
    hint: 'systemctl --user stop api.service',
  });
  const manager = facts({
    pid: 1500,
    name: 'systemd',
    cgroup: '0::/user.slice/user-1000.slice/user@1000.service/init.scope\n',
    coHolders: [{ pid: 3100, name: 'node', cgroup: api }],
  });
  assert.deepEqual(detectSystemd(manager), {
    kind: 'systemd',
    name: 'api.socket',
    hint: 'systemctl --user stop api.socket api.service',
  });
  const terminal =
    '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-1b4e.scope\n';
  assert.equal(detectSystemd(facts({ name: 'node', cgroup: terminal })), null, 'a terminal scope');
});

test("BUILT: a holder in the caller's own service unit (a CI job) is not reported as managed", () => {
  const runner = '0::/system.slice/hosted-compute-agent.service\n';
  assert.equal(detectSystemd(facts({ name: 'node', cgroup: runner, callerCgroup: runner })), null);
  assert.equal(
    detectSystemd(facts({ cgroup: NGINX, callerCgroup: runner }))?.name,
    'nginx.service',
    'another unit is still managed',
  );
});
