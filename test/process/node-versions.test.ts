/**
 * Real Node 20, 22 and 24 holders: every one is named `node`, by the library and by
 * `portwarden who`, although Node 24 names its main thread `MainThread` (that is
 * /proc/<pid>/comm on Linux, what ss and lsof print). Versions not installed are skipped with the
 * command that installs them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { getProcessesOnPort } from '../../src/index.ts';
import {
  collect,
  getTestPort,
  LINUX_ONLY,
  REPO_ROOT,
  startHolder,
  trackHolders,
} from '../helpers/holders.ts';
import { nodeBinary, SUPPORTED_NODE_MAJORS } from '../helpers/nodes.ts';

const hold = trackHolders();
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

describe('a Node holder is named node on every supported Node version', LINUX_ONLY, () => {
  for (const major of SUPPORTED_NODE_MAJORS) {
    const node = nodeBinary(major);
    const skip =
      !node &&
      `needs Node ${major}: npm install --prefix .cache/node/${major} node-${process.platform}-${process.arch}@${major}`;
    test(`Node ${major}`, { skip }, async (t) => {
      const port = await getTestPort();
      const holder = await hold(startHolder({ port, node }));
      const comm = readFileSync(`/proc/${holder.pid}/comm`, 'utf8').trim();
      t.diagnostic(`Node ${major}: /proc/${holder.pid}/comm is ${JSON.stringify(comm)}`);

      const owners = await getProcessesOnPort(port);
      assert.deepEqual(
        owners.map((owner) => [owner.pid, owner.name]),
        [[holder.pid, 'node']],
      );

      const who = await collect(
        spawn(process.execPath, [CLI, 'who', String(port)], {
          cwd: REPO_ROOT,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      assert.equal(who.code, 0, who.stderr);
      assert.match(who.stdout, new RegExp(`^\\s*${holder.pid}\\s+node\\s`, 'm'));
      assert.doesNotMatch(who.stdout, /MainThread/);
    });
  }
});
