/**
 * src/platform/profiles.ts: the table of platform profiles. Every known OS has its own profile,
 * named as `process.platform` names it; any other name gets the last-resort profile (pid-port
 * only, unsupported); the adapter names a user may force are those of every profile.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knownAdapterNames, PLATFORMS, platformProfile } from '../../src/platform/profiles.ts';

test('one profile per known OS, named as process.platform names it', () => {
  assert.deepEqual(Object.keys(PLATFORMS).sort(), ['darwin', 'freebsd', 'linux', 'win32']);
  for (const [name, profile] of Object.entries(PLATFORMS)) {
    assert.equal(profile.name, name);
    assert.equal(profile.supported, true, name);
    assert.equal(platformProfile(name), profile, 'the same object every time');
    assert.ok(profile.adapters.length > 0, `${name} has adapters`);
    assert.ok(profile.probe.hosts.length > 0, `${name} probes some address`);
    assert.ok(profile.shutdownSignals.length > 0, `${name} has shutdown signals`);
    assert.ok(profile.systemPids.includes(0), `${name}: pid 0 is never signalled`);
  }
});

test('each OS lists its own adapters, in the order they are tried', () => {
  const names = (platform: string) => platformProfile(platform).adapters.map((a) => a.name);
  assert.deepEqual(names('linux'), ['ss+procfs', 'procfs', 'ss', 'netstat', 'lsof']);
  assert.deepEqual(names('darwin'), ['lsof', 'netstat', 'pid-port']);
  assert.deepEqual(names('win32'), ['powershell', 'netstat', 'pid-port']);
  assert.deepEqual(names('freebsd'), ['sockstat']);
  assert.deepEqual(platformProfile('win32').systemPids, [0, 4]);
  assert.deepEqual(platformProfile('linux').systemPids, [0, 1]);
});

test('any other platform: the last-resort profile under its own name, not supported', () => {
  for (const name of [
    'aix',
    'openbsd',
    'sunos',
    'android',
    'toString',
    '__proto__',
    'constructor',
  ]) {
    const profile = platformProfile(name);
    assert.equal(profile.name, name);
    assert.equal(profile.supported, false, name);
    assert.deepEqual(
      profile.adapters.map((adapter) => adapter.name),
      ['pid-port'],
    );
  }
});

test('the adapter names a user may force: every profile’s, each once', () => {
  const names = knownAdapterNames();
  assert.deepEqual([...names].sort(), [
    'lsof',
    'netstat',
    'pid-port',
    'powershell',
    'procfs',
    'sockstat',
    'ss',
    'ss+procfs',
  ]);
  for (const profile of Object.values(PLATFORMS)) {
    for (const adapter of profile.adapters) assert.ok(names.has(adapter.name), adapter.name);
  }
});

test('names compare as the OS does: Windows and macOS ignore case, Windows adds .exe', () => {
  assert.deepEqual(platformProfile('win32').names, { caseInsensitive: true, suffix: '.exe' });
  assert.equal(platformProfile('darwin').names.caseInsensitive, true);
  assert.deepEqual(platformProfile('linux').names, { caseInsensitive: false, suffix: null });
});
