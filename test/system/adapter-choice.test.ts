/**
 * Choosing an adapter: one that is not `preferred` for a query is passed over unless forced (the
 * socket-table reader), and `ss+procfs` is preferred only on a busy machine (recorded sockstat
 * files of this project's machine, quiet and with 8,000 connections).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { SocketTableAdapter } from '../../src/adapters/adapter.ts';
import { ssProcfsAdapter } from '../../src/adapters/ss-procfs.ts';
import { createContext } from '../../src/core/context.ts';
import { LINUX } from '../../src/platform/linux.ts';
import { readSocketTable } from '../../src/socket-table/read.ts';
import type { SocketRow } from '../../src/types.ts';

const made = mkdtempSync(join(tmpdir(), 'pw-choice-'));
after(() => rmSync(made, { recursive: true, force: true }));
const fixtures = new URL('../fixtures/proc/', import.meta.url).pathname;

function rootWith(kind: string): string {
  const root = join(made, kind);
  mkdirSync(join(root, 'net'), { recursive: true });
  for (const file of ['sockstat', 'sockstat6']) {
    copyFileSync(join(fixtures, 'sockstat', `${kind}-${file}`), join(root, 'net', file));
  }
  return root;
}

const row: SocketRow = {
  protocol: 'tcp',
  family: 'IPv4',
  localAddress: '127.0.0.1',
  localPort: 3000,
  remoteAddress: null,
  remotePort: null,
  state: 'LISTEN',
  owners: [],
};

/** An adapter that answers with one row (or fails), preferred or not, and counts its reads. */
function adapter(name: string, preferred: boolean | undefined, fails = false) {
  const made = {
    reads: 0,
    name,
    listsHiddenSockets: true,
    ...(preferred === undefined ? {} : { preferred: () => preferred }),
    async read() {
      made.reads++;
      if (fails) throw new Error(`${name} broke`);
      return [row];
    },
  };
  return made satisfies SocketTableAdapter;
}

test('an adapter not preferred now is passed over, not counted as a failure', async () => {
  const busyOnly = adapter('busy-only', false);
  const plain = adapter('plain', undefined);
  const source = { name: 'test', supported: true, adapters: [busyOnly, plain] };
  const tools = createContext();
  const table = await readSocketTable({ query: { port: 3000 } }, source, tools);
  assert.equal(table.adapter.name, 'plain');
  assert.equal(busyOnly.reads, 0);
  const forced = await readSocketTable(
    { query: { port: 3000 }, forced: 'busy-only' },
    source,
    tools,
  );
  assert.equal(forced.adapter.name, 'busy-only', 'forced, it runs whatever it prefers');
  const preferredNow = adapter('busy-only', true);
  const chosen = await readSocketTable(
    { query: { port: 3000 } },
    { ...source, adapters: [preferredNow, plain] },
    tools,
  );
  assert.equal(chosen.adapter.name, 'busy-only');
});

test('failures are named after the adapters that were tried', async () => {
  const source = {
    name: 'test',
    supported: true,
    adapters: [
      adapter('skipped', false),
      adapter('first', undefined, true),
      adapter('second', undefined, true),
    ],
  };
  await assert.rejects(readSocketTable({ query: { port: 3000 } }, source, createContext()), {
    code: 'ERR_NO_ADAPTER',
    message: /first: first broke; second: second broke$/,
  });
});

test('ss+procfs is preferred on a busy machine only, and first on Linux', () => {
  const query = { port: 3000, protocol: 'tcp' as const };
  const preferred = ssProcfsAdapter.preferred;
  assert.ok(preferred);
  assert.equal(preferred(query, createContext({ procRoot: rootWith('busy') })), true);
  assert.equal(
    preferred({ ...query, protocol: 'udp' }, createContext({ procRoot: rootWith('busy') })),
    false,
  );
  assert.equal(preferred(query, createContext({ procRoot: rootWith('quiet') })), false);
  assert.equal(preferred(query, createContext({ procRoot: join(made, 'none') })), false);
  assert.deepEqual(
    LINUX.adapters.map((entry) => entry.name),
    ['ss+procfs', 'procfs', 'ss', 'netstat', 'lsof'],
  );
});
