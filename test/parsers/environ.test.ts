/**
 * `/proc/<pid>/environ` parser on recorded files (test/fixtures/linux/environ and linux/pm2,
 * sources in the SOURCES.md files there): a pm2 app and a socket-activated process captured on
 * this machine, and prometheus/procfs's fixture of a process in a Docker container (extracted
 * from its ttar archive, NULLBYTE -> NUL).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MANAGER_ENV_KEYS, parseEnviron } from '../../src/parsers/environ.ts';

const fixture = (path: string) =>
  readFileSync(new URL(`../fixtures/linux/${path}`, import.meta.url), 'utf8');

test('pm2 7.0.4 app on this machine: pm_id, name, PM2_HOME and HOME, nothing else', () => {
  const text = fixture('pm2/local/app-environ.bin');
  assert.equal(text.split('\0').length - 1, 39, 'the recorded file holds 39 NUL-ended entries');
  assert.deepEqual(parseEnviron(text), {
    name: 'pw-api',
    HOME: '/tmp/pwcap/home',
    PM2_HOME: '/tmp/pwcap/home/pm2-home',
    pm_id: '0',
  });
});

test('prometheus/procfs container environ: only the wanted keys; HOME=/root', () => {
  const text = fixture('environ/procfs-26231-environ.bin');
  assert.ok(text.includes('GOLANG_VERSION=1.12.5\0'));
  assert.deepEqual(parseEnviron(text), { HOME: '/root' });
  assert.deepEqual(parseEnviron(text, ['HOSTNAME', 'TERM']), {
    HOSTNAME: 'cd24e11f73a5',
    TERM: 'xterm',
  });
});

test('systemd-socket-activate 252 on this machine: the LISTEN_* variables of socket activation', () => {
  assert.deepEqual(parseEnviron(fixture('environ/local/systemd-socket-activate-252-environ.bin')), {
    LISTEN_FDS: '1',
    LISTEN_PID: '16082',
    LISTEN_FDNAMES: 'web.socket',
  });
});

test('first entry wins, entries without = are skipped, a cut last entry is kept', () => {
  assert.deepEqual(parseEnviron('name=a\0name=b\0junk\0=x\0pm_id=1', ['name', 'pm_id', '']), {
    name: 'a',
    pm_id: '1',
  });
  assert.deepEqual(parseEnviron(''), {});
  assert.ok(MANAGER_ENV_KEYS.includes('XPC_SERVICE_NAME'));
  assert.ok(!MANAGER_ENV_KEYS.includes('PATH'), 'nothing that is not needed is kept');
});
