/**
 * Process names cannot hide or forge an owner (issue 9, item 9): real node holders whose thread
 * name (`process.title`, what ss and lsof print) holds a newline, or text shaped like ss's own
 * `",pid=1,fd=3))` syntax. Every Linux adapter must name the real pid, never a hidden owner and
 * never pid 1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { getProcessesOnPort } from '../../src/index.ts';
import { getTestPort, startHolder, trackHolders } from '../helpers/holders.ts';
import { PROC } from '../helpers/live.ts';

const hold = trackHolders();
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

const TITLES: readonly [string, string][] = [
  ['a newline', 'evil\nname'],
  ["ss's own syntax", 'x",pid=1,fd=3)),("y'],
];

describe('odd thread names', PROC, () => {
  for (const [what, title] of TITLES) {
    for (const adapter of ['procfs', 'ss', 'netstat', 'lsof']) {
      const tool = adapter === 'procfs' ? undefined : adapter;
      test(`${adapter}: a holder whose thread name has ${what} is found by its pid`, {
        skip: tool !== undefined && !has(tool) && `needs ${tool}`,
      }, async () => {
        const port = await getTestPort();
        const holder = await hold(startHolder({ port, title }));
        // The kernel keeps the title (cut to 15 bytes) as the thread name the tools print.
        const comm = readFileSync(`/proc/${holder.pid}/comm`, 'utf8').replace(/\n$/, '');
        assert.equal(comm, title.slice(0, 15));
        const owners = await getProcessesOnPort(port, { adapter });
        // Regression (9.9): under ss a newline in the name made this owner "hidden".
        assert.deepEqual(
          owners.map((owner) => owner.pid),
          [holder.pid],
          JSON.stringify(owners),
        );
        // The title also rewrote argv: as one word it is the program's own claim of its name
        // (argv[0]); with a newline in it, the executable names the program.
        assert.equal(owners[0]?.name, /\s/.test(title) ? 'node' : title);
      });
    }
  }
});
