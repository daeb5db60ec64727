/**
 * src/cli/exit-codes.ts, in process: which exit status wins over several ports, and the status of
 * an error. The first test moved from test/cli/cli.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExitCode, exitCodeForError, worstExitCode } from '../../src/cli/exit-codes.ts';
import { AbortError, InvalidOptionError, NoAdapterError } from '../../src/errors.ts';

test('exit statuses: the most serious wins (moved)', () => {
  assert.equal(worstExitCode([]), 0);
  assert.equal(worstExitCode([ExitCode.OK, ExitCode.NOT_FREE]), 1);
  assert.equal(worstExitCode([ExitCode.NOT_FREE, ExitCode.UNKNOWN, ExitCode.OK]), 3);
  assert.equal(exitCodeForError({ code: 'ERR_INVALID_PORT' }), 2);
  assert.equal(exitCodeForError({ code: 'ERR_NO_ADAPTER' }), 3);
  assert.equal(exitCodeForError(new Error('boom')), 3);
});

test('the statuses and their order: interrupted > usage > unknown > not free > ok', () => {
  assert.deepEqual(ExitCode, { OK: 0, NOT_FREE: 1, USAGE: 2, UNKNOWN: 3, INTERRUPTED: 130 });
  assert.equal(worstExitCode([ExitCode.USAGE, ExitCode.UNKNOWN]), ExitCode.USAGE);
  assert.equal(worstExitCode([ExitCode.INTERRUPTED, ExitCode.USAGE]), ExitCode.INTERRUPTED);
  assert.equal(worstExitCode([ExitCode.OK, ExitCode.OK]), ExitCode.OK);
});

test('errors: bad input is usage, an abort is interrupted, anything else unknown', () => {
  assert.equal(exitCodeForError(new InvalidOptionError('protocol', 'x')), ExitCode.USAGE);
  assert.equal(exitCodeForError({ code: 'ERR_CLI_USAGE' }), ExitCode.USAGE);
  assert.equal(exitCodeForError(new AbortError()), ExitCode.INTERRUPTED);
  assert.equal(exitCodeForError(new NoAdapterError('none')), ExitCode.UNKNOWN);
  for (const thrown of [null, undefined, 'text', 42, { code: 7 }]) {
    assert.equal(exitCodeForError(thrown), ExitCode.UNKNOWN, String(thrown));
  }
});
