/**
 * taskkill: the argument arrays, and what its exit status and text mean. The texts are built from
 * the messages taskkill prints (English and German, /T partial failures); moved from
 * test/emulation/win32.test.ts, which replays taskkill in the whole stop flow.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpretTaskkill, taskkillArguments } from '../../src/parsers/taskkill.ts';

test('taskkill arguments are fixed arrays', () => {
  assert.deepEqual(taskkillArguments(1234), ['/PID', '1234']);
  assert.deepEqual(taskkillArguments(1234, { force: true }), ['/PID', '1234', '/F']);
  assert.deepEqual(taskkillArguments(1234, { force: true, tree: true }), [
    '/PID',
    '1234',
    '/F',
    '/T',
  ]);
  assert.throws(() => taskkillArguments(0), RangeError);
  assert.throws(() => taskkillArguments(Number.NaN), RangeError);
});

test('taskkill verdicts: the exit status and the text decide, never "success" on failure', () => {
  const run = (exitCode: number | null, stderr: string, stdout = '', force = false) =>
    interpretTaskkill(1234, { force }, { exitCode, stdout, stderr });
  assert.deepEqual(run(0, '', 'SUCCESS: Sent termination signal to the process with PID 1234.'), {
    kind: 'sent',
  });
  // exit 0 decides in any language.
  assert.deepEqual(run(0, '', 'ERFOLGREICH: Der Prozess mit der PID 1234 wurde beendet.'), {
    kind: 'sent',
  });
  assert.deepEqual(run(128, 'ERROR: The process "1234" not found.'), { kind: 'gone' });
  const denied = run(
    1,
    'ERROR: The process with PID 1234 could not be terminated.\r\nReason: Access is denied.',
  );
  assert.equal(denied.kind === 'failed' && denied.code, 'EPERM');
  const german = run(
    1,
    'FEHLER: Der Prozess mit der PID 1234 konnte nicht beendet werden.\r\nUrsache: Zugriff verweigert',
    '',
    true,
  );
  assert.equal(german.kind === 'failed' && german.code, 'EPERM');
  const consoleOnly =
    'ERROR: The process with PID 1234 could not be terminated.\r\nReason: This process can only be terminated forcefully (with /F option).';
  assert.equal(run(1, consoleOnly).kind, 'refused');
  // With /F already given, the same text is a plain failure.
  const forced = run(1, consoleOnly, '', true);
  assert.equal(forced.kind === 'failed' && forced.code, 'ERR_TASKKILL_FAILED');
  const critical = run(
    1,
    'ERROR: The process with PID 1234 could not be terminated.\r\nReason: This is critical system process. Taskkill cannot end this process.',
    '',
    true,
  );
  assert.equal(critical.kind === 'failed' && critical.code, 'ERR_TASKKILL_FAILED');
  assert.match(critical.kind === 'failed' ? critical.message : '', /critical system process/);
  assert.equal(run(255, '').kind, 'failed');
  assert.equal(run(null, '').kind, 'failed');
  // /T: the process itself terminated (stdout), a process of its tree was denied (stderr).
  assert.deepEqual(
    run(
      1,
      'ERROR: The process with PID 5684 (child process of PID 1234) could not be terminated.\r\nReason: Access is denied.',
      'SUCCESS: The process with PID 1234 (child process of PID 900) has been terminated.',
      true,
    ),
    { kind: 'sent' },
  );
});
