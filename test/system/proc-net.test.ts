/**
 * Reading `/proc/net/*` for a port: the size estimate from recorded `sockstat` files, the choice
 * between the thread pool and main-thread slices, and the same rows either way (fixture tree).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseProcNet } from '../../src/parsers/proc-net.ts';
import { procNetReading, readProcNetRows, socketRowEstimate } from '../../src/system/proc-net.ts';
import { TimeSlicer } from '../../src/system/slices.ts';

const fixtures = new URL('../fixtures/proc/', import.meta.url).pathname;
const tree = `${fixtures}tree`;
const made = mkdtempSync(join(tmpdir(), 'pw-proc-net-'));
after(() => rmSync(made, { recursive: true, force: true }));

/** A /proc root whose net/ holds the recorded sockstat files of `kind` ('quiet' or 'busy'). */
function rootWith(kind: string): string {
  const root = join(made, kind);
  mkdirSync(join(root, 'net'), { recursive: true });
  for (const file of ['sockstat', 'sockstat6']) {
    copyFileSync(join(fixtures, 'sockstat', `${kind}-${file}`), join(root, 'net', file));
  }
  return root;
}

test('the row estimate: TCP in use + TIME_WAIT + TCP6 in use; UDP and UDP6 in use', () => {
  const busy = rootWith('busy');
  assert.equal(socketRowEstimate('tcp', busy), 8002 + 6);
  assert.equal(socketRowEstimate('udp', busy), 0);
  assert.equal(socketRowEstimate(undefined, busy), 8008);
  assert.equal(socketRowEstimate('tcp', rootWith('quiet')), 7);
  assert.equal(socketRowEstimate('tcp', tree), undefined, 'no sockstat: unknown');
});

test('a busy table is read in slices on the main thread, a quiet one in the pool', () => {
  assert.equal(procNetReading({ port: 80, protocol: 'tcp' }, rootWith('busy')), 'sliced');
  assert.equal(procNetReading({ port: 80, protocol: 'udp' }, rootWith('busy')), 'parallel');
  assert.equal(procNetReading({ port: 80, protocol: 'tcp' }, rootWith('quiet')), 'parallel');
  assert.equal(procNetReading({ port: 80 }, tree), 'parallel', 'unknown size: parallel');
});

test('the same rows whichever way the files are read', async () => {
  for (const query of [
    { port: 22 },
    { port: 35303, protocol: 'tcp' as const },
    { port: 443, protocol: 'tcp' as const, includeRemote: true },
    { port: 47999, protocol: 'udp' as const },
  ]) {
    const parallel = await readProcNetRows(query, tree);
    const sliced = await readProcNetRows(query, tree, new TimeSlicer({ sliceMs: 0 }));
    assert.deepEqual(sliced, parallel, JSON.stringify(query));
    assert.ok(parallel.length > 0, `rows for ${JSON.stringify(query)}`);
  }
  await assert.rejects(readProcNetRows({ port: 22 }, join(made, 'nothing')), { code: 'ENOENT' });
});

test("parsing only the port's lines gives what a full parse filtered gives, for every port", () => {
  for (const [file, family] of [
    ['jc/net_tcp-jc.txt', 'IPv4'],
    ['jc/net_tcp6-jc.txt', 'IPv6'],
  ] as const) {
    const text = readFileSync(join(fixtures, file), 'latin1');
    const all = parseProcNet(text, { protocol: 'tcp', family });
    const ports = new Set(all.flatMap((row) => [row.localPort, row.remotePort ?? 0]));
    assert.ok(ports.size >= 5, `${file}: ${ports.size} ports`);
    for (const port of ports) {
      assert.deepEqual(
        parseProcNet(text, { protocol: 'tcp', family, port }),
        all.filter((row) => row.localPort === port),
      );
      assert.deepEqual(
        parseProcNet(text, { protocol: 'tcp', family, port, includeRemote: true }),
        all.filter((row) => row.localPort === port || row.remotePort === port),
      );
    }
  }
});
