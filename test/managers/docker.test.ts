/**
 * Docker and Podman detectors. RECORDED inputs: docker-proxy's cmdline/comm and a container
 * process's cgroup captured on this machine from a real Docker 20.10 container publishing
 * 127.0.0.1:47180 -> 80 (test/fixtures/linux/docker, linux/cgroup/local), insights-core's
 * Docker and Podman cgroups. Docker Desktop, vpnkit, rootlesskit and rootlessport facts are BUILT
 * from their documented process names (documentation only: none of them runs here).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  detectContainerProcess,
  detectDockerDesktop,
  detectDockerProxy,
  detectRootlessPort,
  parseDockerProxyArgv,
} from '../../src/managers/docker.ts';
import type { HolderFacts } from '../../src/managers/types.ts';
import { splitCmdline } from '../helpers/holder-facts.ts';

const fixture = (path: string) =>
  readFileSync(new URL(`../fixtures/linux/${path}`, import.meta.url), 'utf8');

const plain = (overrides: Partial<HolderFacts>): HolderFacts => ({
  pid: 5000,
  name: 'node',
  argv: ['node', 'server.js'],
  ppid: 4000,
  ancestors: [],
  ...overrides,
});

/** The real docker-proxy of this machine's Docker 20.10 (ppid: dockerd). */
const realProxy: HolderFacts = {
  pid: 14156,
  name: fixture('docker/local/docker-proxy-20.10-comm.txt').trimEnd(),
  argv: splitCmdline(fixture('docker/local/docker-proxy-20.10-cmdline.bin')),
  ppid: 13802,
  ancestors: [{ pid: 13802, name: 'dockerd', argv: ['/usr/sbin/dockerd'] }],
  cgroup: fixture('cgroup/local/docker-proxy-host-process.txt'),
  port: 47180,
  protocol: 'tcp',
};

test("recorded docker-proxy argv: Docker 20.10's flags, the container's address", () => {
  assert.deepEqual(realProxy.argv, [
    '/usr/sbin/docker-proxy',
    '-proto',
    'tcp',
    '-host-ip',
    '127.0.0.1',
    '-host-port',
    '47180',
    '-container-ip',
    '172.17.0.2',
    '-container-port',
    '80',
  ]);
  assert.deepEqual(parseDockerProxyArgv(realProxy.argv ?? []), {
    proto: 'tcp',
    hostIp: '127.0.0.1',
    hostPort: 47180,
    containerIp: '172.17.0.2',
    containerPort: 80,
  });
});

test('recorded docker-proxy: kind docker, the hint finds the container by its host port', () => {
  assert.deepEqual(detectDockerProxy(realProxy), {
    kind: 'docker',
    name: null,
    hint: 'docker ps --filter publish=47180 (the container at 172.17.0.2:80/tcp), then: docker stop <container>',
  });
});

test('BUILT: a boolean flag between pairs (newer docker-proxy -use-listen-fd) does not eat a value', () => {
  assert.deepEqual(
    parseDockerProxyArgv([
      'docker-proxy',
      '-use-listen-fd',
      '-proto',
      'tcp',
      '-host-ip',
      '::',
      '-host-port',
      '8080',
    ]),
    { proto: 'tcp', hostIp: '::', hostPort: 8080, containerIp: null, containerPort: null },
  );
});

test('docker-proxy for UDP, with --flag=value arguments, or with no arguments at all', () => {
  const udp = plain({
    name: 'docker-proxy',
    argv: [
      'docker-proxy',
      '--proto=udp',
      '--host-port=5353',
      '--container-ip=172.18.0.4',
      '--container-port=53',
    ],
  });
  assert.equal(
    detectDockerProxy(udp)?.hint,
    'docker ps --filter publish=5353/udp (the container at 172.18.0.4:53/udp), then: docker stop <container>',
  );
  assert.equal(
    detectDockerProxy(plain({ name: 'docker-proxy', argv: null, port: 8080 }))?.hint,
    'docker ps --filter publish=8080, then: docker stop <container>',
  );
  assert.equal(
    detectDockerProxy(plain({ name: 'docker-proxy', argv: null }))?.hint,
    'docker ps (find the container publishing this port), then: docker stop <container>',
  );
  assert.equal(detectDockerProxy(plain({})), null);
  assert.equal(detectDockerProxy(plain({ name: 'node', argv: ['node', 'docker-proxy.js'] })), null);
});

test('recorded container processes: Docker cgroupfs (this machine), systemd driver, Podman', () => {
  const local = plain({
    name: 'busybox',
    cgroup: fixture('cgroup/local/docker-20.10-cgroupfs-container-process.txt'),
  });
  assert.deepEqual(detectContainerProcess(local), {
    kind: 'docker',
    name: '60453f2f3bcc',
    hint: 'docker stop 60453f2f3bcc',
  });
  const systemdDriver = plain({
    cgroup: fixture('cgroup/recorded/insights-core-docker-systemd-driver-v1.txt'),
  });
  assert.deepEqual(detectContainerProcess(systemdDriver), {
    kind: 'docker',
    name: '55b2b88feeb4',
    hint: 'docker stop 55b2b88feeb4',
  });
  const podman = plain({ cgroup: fixture('cgroup/recorded/insights-core-podman-libpod-v1.txt') });
  assert.deepEqual(detectContainerProcess(podman), {
    kind: 'podman',
    name: 'af097fa761cd',
    hint: 'podman stop af097fa761cd',
  });
  assert.equal(
    detectContainerProcess(
      plain({ cgroup: fixture('cgroup/recorded/insights-core-rhel-host-v1.txt') }),
    ),
    null,
  );
  assert.equal(detectContainerProcess(plain({})), null, 'no cgroup: nothing to say');
});

test('BUILT (documentation only): Docker Desktop backend, vpnkit, rootlesskit; .exe on Windows', () => {
  for (const name of [
    'com.docker.backend',
    'com.docker.backend.exe',
    'vpnkit',
    'vpnkit.exe',
    'rootlesskit',
  ]) {
    assert.deepEqual(
      detectDockerDesktop(plain({ name, argv: null, port: 5432 })),
      {
        kind: 'docker',
        name: null,
        hint: 'docker ps --filter publish=5432, then: docker stop <container>',
      },
      name,
    );
  }
  assert.equal(
    detectDockerDesktop(
      plain({
        name: null,
        argv: ['/Applications/Docker.app/Contents/MacOS/com.docker.backend'],
        protocol: 'udp',
        port: 53,
      }),
    )?.hint,
    'docker ps --filter publish=53/udp, then: docker stop <container>',
  );
  assert.equal(detectDockerDesktop(plain({})), null);
});

test('BUILT (documentation only): rootless Podman publishes through rootlessport', () => {
  assert.deepEqual(
    detectRootlessPort(plain({ name: 'rootlessport', argv: ['rootlessport'], port: 8080 })),
    {
      kind: 'podman',
      name: null,
      hint: 'podman ps (the container publishing 8080), then: podman stop <container>',
    },
  );
  assert.equal(detectRootlessPort(plain({})), null);
});

test("a holder in the caller's own container is not managed from where the caller stands", () => {
  const cgroup = '0::/docker/60453f2f3bcce28dae4680ff08aec11c3312a0c052b8d0c83615b8e3728d2947\n';
  const facts = { pid: 14192, name: 'node', argv: null, ppid: 14170, ancestors: [], cgroup };
  assert.equal(detectContainerProcess({ ...facts, callerCgroup: cgroup })?.kind, undefined);
  assert.equal(
    detectContainerProcess({ ...facts, callerCgroup: '0::/user.slice\n' })?.kind,
    'docker',
  );
});
