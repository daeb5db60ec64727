/**
 * How spawn failures become typed errors. The runner tests reach ENOENT, EACCES, EMFILE, E2BIG and
 * ERR_INVALID_ARG_VALUE with real processes; the codes they cannot provoke here (EAGAIN needs
 * RLIMIT_NPROC, which root ignores; ENOMEM a machine out of memory) are checked with errors BUILT
 * from Node's documented shape (`code`, `syscall`, `errno`) — not recorded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CommandNotFoundError,
  CommandTimeoutError,
  PortwardenError,
  SpawnFailedError,
} from '../../src/errors.ts';
import { toSpawnError } from '../../src/system/spawn-errors.ts';

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`spawn ss ${code}`), { code, syscall: 'spawn ss', errno: -1 });
}

describe('toSpawnError (built errors)', () => {
  it('ENOENT is CommandNotFoundError, with the raw error as cause', () => {
    const raw = systemError('ENOENT');
    const error = toSpawnError('ss', raw);
    assert.ok(error instanceof CommandNotFoundError);
    assert.equal(error.cause, raw);
  });

  it('classifies every other code as a SpawnFailedError reason', () => {
    const expected: [string, string][] = [
      ['EACCES', 'permission-denied'],
      ['EPERM', 'permission-denied'],
      ['EMFILE', 'out-of-resources'],
      ['ENFILE', 'out-of-resources'],
      ['EAGAIN', 'out-of-resources'],
      ['ENOMEM', 'out-of-resources'],
      ['E2BIG', 'invalid-arguments'],
      ['ERR_INVALID_ARG_TYPE', 'invalid-arguments'],
      ['EIO', 'other'],
      ['constructor', 'other'],
    ];
    for (const [code, reason] of expected) {
      const raw = systemError(code);
      const error = toSpawnError('ss', raw);
      assert.ok(error instanceof SpawnFailedError, code);
      assert.equal(error.code, 'ERR_SPAWN_FAILED');
      assert.equal(error.reason, reason, code);
      assert.equal(error.errno, code);
      assert.equal(error.command, 'ss');
      assert.equal(error.cause, raw);
    }
  });

  it('something without a code is reason other; a PortwardenError passes as it is', () => {
    const plain = toSpawnError('ss', 'a string thrown');
    assert.ok(plain instanceof SpawnFailedError);
    assert.equal(plain.reason, 'other');
    assert.equal(plain.errno, undefined);
    const typed = new CommandTimeoutError('ss', 5);
    assert.equal(toSpawnError('ss', typed), typed);
    assert.ok(toSpawnError('ss', new Error('x')) instanceof PortwardenError);
  });
});
