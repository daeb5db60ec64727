/**
 * src/core/stop/respawn.ts: who started a new holder again after a stop — the same manager, or
 * the same parent process, named from its real process facts (a python3 process this file
 * starts plays the parent; a process that has exited, one whose facts are gone). Owners are built
 * for each case.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { createContext } from '../../../src/core/context.ts';
import { respawnedBy } from '../../../src/core/stop/respawn.ts';
import type { StopTarget } from '../../../src/process/stop-strategy.ts';
import type { PortOwner, ProcessManager } from '../../../src/types.ts';
import { getTestPort, hasPython, startPythonHolder, trackHolders } from '../../helpers/holders.ts';
import { needs, PROC } from '../../helpers/live.ts';

const hold = trackHolders();
const context = createContext();

function owner(pid: number, ppid: number | null, manager: ProcessManager | null = null): PortOwner {
  return { pid, ppid, manager, name: 'node' } as PortOwner;
}

function fresh(...owners: PortOwner[]): StopTarget[] {
  return owners.map((entry) => ({
    pid: entry.pid as number,
    owner: entry,
    startTime: null,
    inodes: [],
  }));
}

const api: ProcessManager = { kind: 'pm2', name: 'api', hint: 'pm2 stop api' };

describe('respawnedBy: the same manager', () => {
  test('same kind and name: the manager of the stopped holder', async () => {
    const stopped = [owner(100, null, api)];
    const by = await respawnedBy(
      fresh(owner(101, null, { ...api, hint: 'other' })),
      stopped,
      context,
    );
    assert.equal(by, api);
  });

  test('another name, another kind, or no manager: not the same', async () => {
    const stopped = [owner(100, null, api)];
    for (const manager of [{ ...api, name: 'web' }, { ...api, kind: 'systemd' }, null]) {
      assert.equal(await respawnedBy(fresh(owner(101, null, manager)), stopped, context), null);
    }
    assert.equal(await respawnedBy(fresh(owner(101, null)), [owner(100, null)], context), null);
  });
});

describe(
  'respawnedBy: the same parent',
  needs(PROC, { skip: !hasPython && 'needs python3' }),
  () => {
    test('a live parent is named with its program', async () => {
      const parent = await hold(startPythonHolder({ port: await getTestPort() }));
      const by = await respawnedBy(
        fresh(owner(101, parent.pid)),
        [owner(100, parent.pid)],
        context,
      );
      assert.deepEqual(by, {
        kind: 'parent',
        name: `pid ${parent.pid} (python3)`,
        hint: `stop pid ${parent.pid} (python3), which starts the holder again, or change what it runs`,
        explanation: null,
      });
    });

    test('a manager in common wins over a parent in common', async () => {
      const parent = await hold(startPythonHolder({ port: await getTestPort() }));
      const by = await respawnedBy(
        fresh(owner(101, parent.pid), owner(102, null, api)),
        [owner(100, parent.pid, api)],
        context,
      );
      assert.equal(by, api);
    });

    test('a parent that has exited: its pid only', async () => {
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      const by = await respawnedBy(fresh(owner(101, gone)), [owner(100, gone)], context);
      assert.equal(by?.name, `pid ${gone}`);
    });

    test('not a respawn: the same process again, pid 1 or no parent, this process as the parent', async () => {
      const parent = await hold(startPythonHolder({ port: await getTestPort() }));
      const cases: [PortOwner, PortOwner][] = [
        [owner(100, parent.pid), owner(100, parent.pid)],
        [owner(101, 1), owner(100, 1)],
        [owner(101, null), owner(100, null)],
        [owner(101, process.pid), owner(100, process.pid)],
        [owner(101, parent.pid), owner(100, parent.pid + 1)],
      ];
      for (const [now, before] of cases) {
        assert.equal(await respawnedBy(fresh(now), [before], context), null, JSON.stringify(now));
      }
    });
  },
);
