/**
 * pm2 detector on RECORDED /proc files of a real pm2 7.0.4 app captured on this machine
 * (test/fixtures/linux/pm2/local, SOURCES.md there), and on variants BUILT from them (what is left
 * when a file cannot be read). The live test next to this file runs pm2 itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { detectPm2, findPm2Daemon } from '../../src/managers/pm2.ts';
import type { HolderFacts } from '../../src/managers/types.ts';
import { parseEnviron } from '../../src/parsers/environ.ts';
import { splitCmdline } from '../helpers/holder-facts.ts';

const file = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/pm2/local/${name}`, import.meta.url), 'utf8');
const ppidOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);

const daemonPid = Number(file('god-daemon-stat.txt').split(' ')[0]);
const recorded: HolderFacts = {
  pid: Number(file('app-stat.txt').split(' ')[0]),
  name: file('app-comm.txt').trimEnd(),
  argv: splitCmdline(file('app-cmdline.bin')),
  ppid: ppidOf(file('app-stat.txt')),
  ancestors: [
    {
      pid: daemonPid,
      name: file('god-daemon-comm.txt').trimEnd(),
      argv: splitCmdline(file('god-daemon-cmdline.bin')),
    },
    { pid: 1, name: 'process_api', argv: ['/process_api'] },
  ],
  cgroup: file('app-cgroup.txt'),
  environment: parseEnviron(file('app-environ.bin')),
  port: 47124,
};

test('the recorded facts: what pm2 7.0.4 shows in /proc', () => {
  assert.equal(recorded.name, 'node /tmp/pwcap', 'the app title "node <script>", cut to 15 bytes');
  assert.deepEqual(recorded.argv, ['node /tmp/pwcap/app.cjs'], 'one argument: the rewritten title');
  assert.equal(recorded.ppid, daemonPid, "the app is the daemon's child");
  assert.equal(recorded.ancestors[0]?.name, 'PM2 v7.0.4: God');
  assert.deepEqual(recorded.ancestors[0]?.argv, [
    'PM2 v7.0.4: God Daemon (/tmp/pwcap/home/pm2-home)',
  ]);
  assert.equal(ppidOf(file('god-daemon-stat.txt')), 1, 'the daemon detached to pid 1');
  assert.deepEqual(findPm2Daemon(recorded.ancestors), {
    pid: daemonPid,
    version: '7.0.4',
    home: '/tmp/pwcap/home/pm2-home',
  });
});

test('recorded app: kind pm2, its name, PM2_HOME prefixed because it is not ~/.pm2', () => {
  assert.deepEqual(detectPm2(recorded), {
    kind: 'pm2',
    name: 'pw-api',
    hint: 'PM2_HOME=/tmp/pwcap/home/pm2-home pm2 stop pw-api',
  });
});

test('BUILT from the recording: default home, unreadable cmdline, unreadable environment', () => {
  const defaultHome = {
    ...recorded,
    environment: {
      ...recorded.environment,
      HOME: '/tmp/pwcap/home',
      PM2_HOME: '/tmp/pwcap/home/.pm2',
    },
    ancestors: [
      {
        pid: daemonPid,
        name: 'PM2 v7.0.4: God',
        argv: ['PM2 v7.0.4: God Daemon (/tmp/pwcap/home/.pm2)'],
      },
    ],
  };
  assert.equal(detectPm2(defaultHome)?.hint, 'pm2 stop pw-api');
  const commOnly = {
    ...recorded,
    ancestors: [{ pid: daemonPid, name: 'PM2 v7.0.4: God', argv: null }],
  };
  assert.equal(
    detectPm2(commOnly)?.hint,
    'PM2_HOME=/tmp/pwcap/home/pm2-home pm2 stop pw-api',
    'PM2_HOME from the app environment',
  );
  const noEnvironment = { ...recorded, environment: undefined };
  assert.deepEqual(detectPm2(noEnvironment), {
    kind: 'pm2',
    name: null,
    hint: 'PM2_HOME=/tmp/pwcap/home/pm2-home pm2 list (find the app on port 47124), then: PM2_HOME=/tmp/pwcap/home/pm2-home pm2 stop <name>',
  });
});

test('BUILT: a grandchild (npm start) is found; names with spaces are quoted; no daemon -> null', () => {
  const grandchild: HolderFacts = {
    ...recorded,
    ancestors: [{ pid: 7001, name: 'npm start', argv: ['npm start'] }, ...recorded.ancestors],
    environment: { pm_id: '3', name: "my app's api", PM2_HOME: '/home/me/.pm2' },
  };
  assert.equal(
    detectPm2(grandchild)?.hint,
    `PM2_HOME=/tmp/pwcap/home/pm2-home pm2 stop 'my app'\\''s api'`,
  );
  assert.equal(
    detectPm2({ ...recorded, ancestors: [{ pid: 1, name: 'systemd', argv: ['/sbin/init'] }] }),
    null,
  );
  assert.equal(
    detectPm2({
      ...recorded,
      ancestors: [{ pid: 9, name: 'node', argv: ['node', 'PM2 v5.3.0: God Daemon (/x)'] }],
    }),
    null,
    'the title must be the whole command line',
  );
});

test('BUILT from the recording (cluster mode, seen live): the daemon itself holds the port', () => {
  const daemon: HolderFacts = {
    pid: daemonPid,
    name: file('god-daemon-comm.txt').trimEnd(),
    argv: splitCmdline(file('god-daemon-cmdline.bin')),
    ppid: 1,
    ancestors: [{ pid: 1, name: 'process_api', argv: ['/process_api'] }],
    environment: {
      HOME: '/tmp/pwcap/home',
      PM2_HOME: '/tmp/pwcap/home/pm2-home',
      name: 'shell-var',
    },
    port: 47126,
  };
  assert.deepEqual(detectPm2(daemon), {
    kind: 'pm2',
    name: null,
    hint: 'PM2_HOME=/tmp/pwcap/home/pm2-home pm2 list (find the cluster-mode app on port 47126), then: PM2_HOME=/tmp/pwcap/home/pm2-home pm2 stop <name>',
  });
});
