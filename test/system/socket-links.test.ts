/**
 * Socket links of the fixture /proc tree (BUILT, see test/fixtures/proc/SOURCES.md: pids 6000 and
 * 6001 share socket 140054 on fd 20; pid 5151 holds 23459 on fd 3): reading them, and the
 * descriptor each proven holder is remembered at, which `holdsSocket` looks at first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdsSocket } from '../../src/system/procfs.ts';
import {
  provenStartTime,
  readLink,
  rememberedFd,
  socketInode,
} from '../../src/system/socket-links.ts';

const TREE = { skip: process.platform === 'win32' && 'fixture symlinks' };
const tree = new URL('../fixtures/proc/tree', import.meta.url).pathname;

test('a socket link names its inode; anything else does not', TREE, () => {
  assert.equal(socketInode(readLink(`${tree}/6000/fd/20`)), 140054);
  assert.equal(socketInode('socket:[7]'), 7);
  assert.equal(socketInode('socket:['), undefined, 'too short to be a socket link');
  assert.equal(socketInode('/dev/null'), undefined);
  assert.equal(socketInode(undefined), undefined);
  assert.equal(readLink(`${tree}/6000/fd/99`), undefined, 'a missing descriptor');
});

test('a proven holder is remembered at its descriptor; a failed proof is not', TREE, () => {
  assert.equal(rememberedFd(tree, 6001, 140054), undefined);
  assert.equal(provenStartTime(tree, 6001, '20', 140054), '70100');
  assert.equal(rememberedFd(tree, 6001, 140054), '20');
  assert.equal(provenStartTime(tree, 5151, '4', 23459), undefined, 'fd 4 is another socket');
  assert.equal(rememberedFd(tree, 5151, 23459), undefined);
  assert.equal(holdsSocket(tree, 6001, [140054]), true, 'seen at the remembered descriptor');
  assert.equal(holdsSocket(tree, 6001, [23459]), false, 'and read through for another socket');
});

test('at most 512 holders are remembered, the oldest forgotten first', TREE, () => {
  assert.equal(provenStartTime(tree, 6000, '20', 140054), '70000');
  // The same tree under 520 other names: each proof is remembered, the oldest pushed out.
  const roots = Array.from({ length: 520 }, (_, index) => `${tree}${'/.'.repeat(index + 1)}`);
  for (const root of roots) assert.equal(provenStartTime(root, 6000, '20', 140054), '70000');
  assert.equal(rememberedFd(tree, 6000, 140054), undefined, 'pushed out');
  assert.equal(rememberedFd(roots[519] as string, 6000, 140054), '20');
  assert.equal(rememberedFd(roots[0] as string, 6000, 140054), undefined);
});
