import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseProcSockstat } from '../../src/parsers/proc-sockstat.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url), 'latin1');

test('/proc/net/sockstat of a quiet and of a busy machine (recorded)', () => {
  assert.deepEqual(parseProcSockstat(fixture('sockstat/quiet-sockstat')), {
    sockets: { used: 35 },
    TCP: { inuse: 1, orphan: 0, tw: 6, alloc: 1, mem: 116 },
    UDP: { inuse: 0, mem: 0 },
    UDPLITE: { inuse: 0 },
    RAW: { inuse: 0 },
    FRAG: { inuse: 0, memory: 0 },
  });
  const busy = parseProcSockstat(fixture('sockstat/busy-sockstat'));
  assert.deepEqual(busy.TCP, { inuse: 8002, orphan: 0, tw: 6, alloc: 8002, mem: 116 });
  assert.deepEqual(parseProcSockstat(fixture('sockstat/busy-sockstat6')).TCP6, { inuse: 0 });
});

test('sockstat: lines of another shape are skipped, words that are not counts left out', () => {
  assert.deepEqual(parseProcSockstat('garbage\nTCP: inuse x tw 3\n\nUDP:\n'), {
    TCP: { tw: 3 },
  });
  assert.deepEqual(parseProcSockstat(''), {});
});
