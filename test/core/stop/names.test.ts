import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesNames } from '../../../src/core/stop/names.ts';
import { platformProfile } from '../../../src/platform/profiles.ts';

const linux = platformProfile('linux').names;
const windows = platformProfile('win32').names;
const macos = platformProfile('darwin').names;

test('names match the process name or the program of argv[0]', () => {
  assert.equal(matchesNames({ name: 'node', argv: ['node', 'x.js'] }, ['node'], linux), true);
  assert.equal(
    matchesNames(
      { name: 'my-long-server-', argv: ['/opt/bin/my-long-server-name'] },
      ['my-long-server-name'],
      linux,
    ),
    true,
  );
  assert.equal(matchesNames({ name: 'node', argv: null }, ['python3'], linux), false);
});

test('names compare as the OS compares program names', () => {
  assert.equal(matchesNames({ name: 'Node', argv: null }, ['node'], linux), false);
  assert.equal(matchesNames({ name: 'Node.exe', argv: null }, ['node'], windows), true);
  assert.equal(matchesNames({ name: 'node.exe', argv: null }, ['NODE.EXE'], windows), true);
  assert.equal(matchesNames({ name: 'Python', argv: null }, ['python'], macos), true);
  assert.equal(matchesNames({ name: 'node.exe', argv: null }, ['node'], macos), false);
});
