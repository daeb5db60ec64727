/**
 * parsePasswd: /etc/passwd (passwd(5): `name:password:UID:GID:GECOS:directory:shell`). The first
 * input is built from that format; the live one is this machine's file.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { test } from 'node:test';
import { parsePasswd } from '../../src/parsers/passwd.ts';

test('uid → name; comments, blank and broken lines skipped; the first name of a uid wins', () => {
  const text = [
    '# a comment:x:5:5::/:/bin/false',
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    '',
    'toor:x:0:0:second root:/root:/bin/sh',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    'broken-line-without-fields',
    'bad:x:abc:1::/:/bin/false',
    ':x:7:7::/:/bin/false',
    '+@netgroup::::::',
  ].join('\n');
  assert.deepEqual(
    [...parsePasswd(text)],
    [
      [0, 'root'],
      [1, 'daemon'],
      [65534, 'nobody'],
    ],
  );
  assert.equal(parsePasswd('').size, 0);
});

test("this machine's /etc/passwd names the running user", {
  skip: !existsSync('/etc/passwd') && 'no /etc/passwd',
}, () => {
  const names = parsePasswd(readFileSync('/etc/passwd', 'utf8'));
  const me = userInfo();
  if (me.uid >= 0 && names.has(me.uid)) assert.equal(names.get(me.uid), me.username);
  assert.equal(names.get(0), 'root');
});
