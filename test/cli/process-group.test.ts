/**
 * src/cli/process-group.ts: the command `portwarden run` starts, in a process group of its own,
 * with real processes (sh and sleep): the group is signalled as a whole, outlives its leader, and
 * is gone once its last process is.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  groupGone,
  PROCESS_GROUPS,
  type StartedCommand,
  startCommand,
} from '../../src/cli/process-group.ts';

const started: StartedCommand[] = [];
process.once('exit', () => {
  for (const command of started) void command.kill();
});

function start(argv: readonly string[]): StartedCommand {
  const command = startCommand(argv);
  started.push(command);
  return command;
}

describe('process groups', {
  skip: !PROCESS_GROUPS && 'Windows has no process groups (run ends a tree with taskkill)',
}, () => {
  test('exit status and a command that cannot be started', async () => {
    assert.deepEqual(await start(['sh', '-c', 'exit 7']).ended, { code: 7, signal: null });
    const missing = await start(['portwarden-no-such-command']).ended;
    assert.ok('error' in missing && missing.error.code === 'ENOENT');
  });

  test('a child outlives the leader: the group stays until it is signalled', async () => {
    // The leader exits at once; its background sleep stays in the group.
    const command = start(['sh', '-c', 'sleep 30 & exit 3']);
    assert.deepEqual(await command.ended, { code: 3, signal: null });
    assert.equal(command.alive(), true, 'the orphaned sleep is still in the group');
    assert.equal(await groupGone(command, 200), false);
    command.signal('SIGTERM');
    assert.equal(await groupGone(command, 5000), true);
  });

  test('a signal reaches every process of the group; kill() ends one that ignores it', async () => {
    const command = start(['sh', '-c', "trap '' TERM; sleep 30 & sleep 30"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    command.signal('SIGTERM');
    // sh ignores TERM (so does the sleep it started in the background with the trap inherited).
    assert.equal(await groupGone(command, 300), false);
    await command.kill();
    const end = await command.ended;
    assert.ok(!('error' in end) && end.signal === 'SIGKILL');
    assert.equal(await groupGone(command, 5000), true);
  });
});
