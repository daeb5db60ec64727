/**
 * src/process/users.ts: user names from a passwd file — this machine's /etc/passwd checked
 * against `id -nu` (the system's own answer), and passwd files written here to check the cache:
 * a changed file is read again, a missing or unreadable one gives `null`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lookupUserName } from '../../src/process/users.ts';
import { makeTempDir } from '../helpers/temp.ts';

const dir = makeTempDir('pw-users-');

/** Writes a passwd file whose modification time is `seconds` since the epoch. */
function passwd(name: string, text: string, seconds: number): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  utimesSync(path, seconds, seconds);
  return path;
}

/** What the system says the name of `uid` is (`id -nu`), or undefined. */
function systemName(uid: number): string | undefined {
  const result = spawnSync('id', ['-nu', String(uid)], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

test("this machine's /etc/passwd: the names id -nu gives", {
  skip: process.platform !== 'linux' && 'reads /etc/passwd (Linux)',
}, () => {
  for (const uid of [0, 65534, process.getuid?.() ?? 0]) {
    const expected = systemName(uid);
    if (expected === undefined) continue;
    assert.equal(lookupUserName(uid), expected, `uid ${uid}`);
  }
  assert.equal(lookupUserName(4_000_000_000), null, 'a uid nobody has');
});

test('a missing file, or one that is not a file: null', () => {
  assert.equal(lookupUserName(0, join(dir, 'nonexistent')), null);
  assert.equal(lookupUserName(0, dir), null);
});

test('a changed file is read again', () => {
  const path = passwd('changing', 'alice:x:1500:1500::/home/alice:/bin/sh\n', 1_000_000);
  assert.equal(lookupUserName(1500, path), 'alice');
  assert.equal(lookupUserName(1501, path), null);
  passwd(
    'changing',
    'bob:x:1500:1500::/home/bob:/bin/sh\ncarol:x:1501:1501::/:/bin/sh\n',
    1_000_060,
  );
  assert.equal(lookupUserName(1500, path), 'bob');
  assert.equal(lookupUserName(1501, path), 'carol');
});

// Regression: the cache was keyed by mtime only, so a second file with the same mtime answered
// with the first file's names.
test('two files with the same modification time are two files', () => {
  const first = passwd('first', 'dave:x:1600:1600::/:/bin/sh\n', 2_000_000);
  const second = passwd('second', 'erin:x:1600:1600::/:/bin/sh\n', 2_000_000);
  assert.equal(lookupUserName(1600, first), 'dave');
  assert.equal(lookupUserName(1600, second), 'erin');
});
