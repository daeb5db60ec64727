/**
 * src/cli/words.ts: the words of a command line sorted out before parseArgs, and whether JSON was
 * asked for.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitWords, wantsJson } from '../../src/cli/words.ts';

const OPTIONS = {
  grace: { type: 'string', short: 'g' },
  port: { type: 'string', short: 'p', multiple: true },
  force: { type: 'boolean', short: 'f' },
} as const;

test('operands go apart, -1 included; a value is the next word, whatever it looks like', () => {
  assert.deepEqual(splitWords(['-1', '--grace', '-5', '80', '-f'], OPTIONS, 'kill'), {
    options: ['--grace=-5', '-f'],
    operands: ['-1', '80'],
    command: undefined,
  });
  assert.deepEqual(splitWords(['-g', '--force'], OPTIONS, 'kill').options, ['--grace=--force']);
  assert.deepEqual(splitWords(['--grace=2s', '--', '-3'], OPTIONS, 'kill'), {
    options: ['--grace=2s'],
    operands: ['-3'],
    command: undefined,
  });
  assert.throws(() => splitWords(['--grace'], OPTIONS, 'kill'), /argument missing/);
  // Unknown options are left for parseArgs to reject.
  assert.deepEqual(splitWords(['--bogus', '-x'], OPTIONS, 'kill').options, ['--bogus', '-x']);
});

test('run: -- or the first operand starts the command, kept untouched', () => {
  assert.deepEqual(splitWords(['-p', '3000', '--', 'node', '-e', '0'], OPTIONS, 'run'), {
    options: ['--port=3000'],
    operands: [],
    command: ['node', '-e', '0'],
  });
  assert.deepEqual(splitWords(['-p', '1', 'vite', '--port', '1', '--'], OPTIONS, 'run').command, [
    'vite',
    '--port',
    '1',
    '--',
  ]);
  assert.equal(splitWords(['-p', '1'], OPTIONS, 'run').command, undefined);
});

test('wantsJson: --json among the options of a command that has it', () => {
  assert.equal(wantsJson(['free', '0', '--json']), true);
  assert.equal(wantsJson(['--json', 'who', '1']), true);
  assert.equal(wantsJson(['free', '1', '--', '--json']), false);
  assert.equal(wantsJson(['run', '-p', '1', '--', 'tool', '--json']), false);
  assert.equal(wantsJson(['check', '1']), false);
});
