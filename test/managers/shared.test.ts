/**
 * src/managers/shared.ts: program keys (the last path segment, no `.exe`, lower case), the names
 * a holder goes by, shell quoting for hints — checked by a real POSIX shell, which must read each
 * quoted word back as the one word it was — and the UDP suffix of Docker's and Podman's hints.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { holderKeys, programKey, protocolSuffix, shellWord } from '../../src/managers/shared.ts';

test('programKey: last path segment, without .exe, lower case', () => {
  assert.equal(programKey('C:\\Windows\\System32\\wslrelay.exe'), 'wslrelay');
  assert.equal(programKey('/usr/bin/docker-proxy'), 'docker-proxy');
  assert.equal(programKey('Node.EXE'), 'node');
  assert.equal(programKey('node.exe.bak'), 'node.exe.bak');
  assert.equal(programKey('/opt/app/'), '');
  assert.equal(programKey('com.docker.backend'), 'com.docker.backend');
});

test('holderKeys: the short name and argv[0], each once; none when neither is known', () => {
  assert.deepEqual(
    holderKeys({ name: 'docker-proxy', argv: ['/usr/sbin/docker-proxy', '-proto', 'tcp'] }),
    new Set(['docker-proxy']),
  );
  assert.deepEqual(
    holderKeys({ name: 'node', argv: ['/usr/local/bin/nodemon', 'server.js'] }),
    new Set(['node', 'nodemon']),
  );
  assert.deepEqual(holderKeys({ name: null, argv: ['Python.exe'] }), new Set(['python']));
  assert.deepEqual(holderKeys({ name: null, argv: null }), new Set());
  assert.deepEqual(holderKeys({ name: '', argv: [] }), new Set());
});

test('shellWord: plain words stay as they are', () => {
  for (const word of ['api', 'web.service', 'my-app@2', '/srv/app', 'key=value,x:y%z+1']) {
    assert.equal(shellWord(word), word);
  }
  assert.equal(shellWord("my app's api"), `'my app'\\''s api'`);
});

test('shellWord: a POSIX shell reads every quoted word back as that one word', {
  skip: process.platform === 'win32' && 'needs a POSIX sh',
}, () => {
  const words = [
    'api',
    "my app's api",
    'two words',
    '$HOME',
    '`id`',
    '$(id)',
    'a;b&&c|d',
    '*',
    '~root',
    'tab\there',
    'line\nbreak',
    '"double"',
    "''",
    '',
    '\\back\\slash',
    'ünïcödé name',
  ];
  // The quoted words are what a person pastes into a shell: the test hands them to one, as the
  // script, and the shell prints each argument it got between NULs.
  const script = `printf '%s\\0' ${words.map(shellWord).join(' ')}`;
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stdout.split('\0').slice(0, -1), words);
});

test('protocolSuffix: /udp for UDP, nothing for TCP or unknown', () => {
  assert.equal(protocolSuffix('udp'), '/udp');
  assert.equal(protocolSuffix('tcp'), '');
  assert.equal(protocolSuffix(undefined), '');
});
