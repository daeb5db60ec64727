/**
 * src/parsers/sockstat-columns.ts, called directly: the address and state columns of FreeBSD
 * sockstat lines, taken from the public recordings in test/fixtures/freebsd/sockstat (see
 * test/fixtures/freebsd/SOURCES.md: FreeBSD of 2013, 13.5, 14.5, 15.1). Inputs no recording
 * exists for are BUILT from the format facts in that SOURCES.md, and each says so. Whole lines
 * through the parser: test/parsers/sockstat.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  hasStateColumn,
  readAddressColumns,
  sockstatState,
} from '../../src/parsers/sockstat-columns.ts';

const recording = (name: string) =>
  readFileSync(new URL(`../fixtures/freebsd/sockstat/${name}`, import.meta.url), 'utf8');

const v9 = recording('freebsd9-sockstat-Ptcp-perkeep.txt');
const v13 = recording('freebsd13-sockstat-46sw-mql.txt');
const v14 = recording('freebsd14-sockstat-46sw-mql.txt');
const v15 = recording('freebsd15-sockstat-46sw-mql.txt');
const withoutHeader = (text: string) => text.replace(/^USER .*\n/, '');

/** The tokens after PROTO of the recording's line that contains `marker`. */
function after(text: string, marker: string): string[] {
  const line = text.split('\n').find((candidate) => candidate.includes(marker));
  assert.ok(line, `no line with ${marker}`);
  const tokens = line.trim().split(/\s+/);
  const proto = tokens.findIndex((token) => /^(?:tcp|udp)(?:4|6|46)$/.test(token));
  return tokens.slice(proto + 1);
}

describe('hasStateColumn', () => {
  test('the -s recordings have one, with or without the header; the 2013 one has none', () => {
    for (const text of [v13, v14, v15]) {
      assert.equal(hasStateColumn(text), true);
      assert.equal(hasStateColumn(withoutHeader(text)), true, '-q: found from a state word');
    }
    assert.equal(hasStateColumn(v9), false);
    assert.equal(hasStateColumn(withoutHeader(v9)), false);
  });

  test('a state word inside a command name is no state column (built from the 2013 layout)', () => {
    assert.equal(
      hasStateColumn('root     LISTENer   4321  3  tcp4   *:9000                *:*\n'),
      false,
    );
  });
});

describe('readAddressColumns', () => {
  test('wildcards and a listener state (13.5)', () => {
    assert.deepEqual(readAddressColumns(after(v13, '2579  6  tcp4   *:80')), {
      local: { host: '*', port: 80 },
      foreign: { host: '*', port: null },
      tail: ['LISTEN'],
    });
  });

  test('IPv6: unbracketed with a zone (13.5), bracketed (14.5, 15.1)', () => {
    assert.deepEqual(readAddressColumns(after(v13, 'fe80::4ff:faff:fec9:b7d3%ena0:123')), {
      local: { host: 'fe80::4ff:faff:fec9:b7d3%ena0', port: 123 },
      foreign: { host: '*', port: null },
      tail: [],
    });
    assert.deepEqual(readAddressColumns(after(v13, ' ::1:123'))?.local, { host: '::1', port: 123 });
    assert.deepEqual(readAddressColumns(after(v14, '[::1]:123'))?.local, {
      host: '::1',
      port: 123,
    });
    assert.deepEqual(readAddressColumns(after(v15, '[fe80::1%lo0]:123')), {
      local: { host: 'fe80::1%lo0', port: 123 },
      foreign: { host: '*', port: null },
      tail: ['??'],
    });
  });

  test('a connection and a TIME_WAIT row owned by no process (13.5, 15.1)', () => {
    assert.deepEqual(readAddressColumns(after(v13, '203.0.113.10:62153')), {
      local: { host: '172.17.2.41', port: 22 },
      foreign: { host: '203.0.113.10', port: 62153 },
      tail: ['TIME_WAIT'],
    });
    assert.deepEqual(readAddressColumns(after(v15, '198.51.100.21:443'))?.tail, ['TIME_WAIT']);
  });

  test('LOCAL glued to FOREIGN (2013): the one valid split', () => {
    const tokens = after(v9, '192.168.123.5:9000192.168.123.21');
    assert.deepEqual(tokens, ['192.168.123.5:9000192.168.123.21:49866']);
    assert.deepEqual(readAddressColumns(tokens), {
      local: { host: '192.168.123.5', port: 9000 },
      foreign: { host: '192.168.123.21', port: 49866 },
      tail: [],
    });
  });

  test('BUILT: a pair that splits several ways is read only by the port asked for', () => {
    // 10.0.0.5:22 + 10.0.0.9:51234, 10.0.0.5:221 + 0.0.0.9:51234, 10.0.0.5:2 + 210.0.0.9:51234.
    const glued = ['10.0.0.5:2210.0.0.9:51234'];
    assert.equal(readAddressColumns(glued), undefined);
    assert.deepEqual(readAddressColumns(glued, 221)?.foreign, { host: '0.0.0.9', port: 51234 });
    assert.deepEqual(readAddressColumns(glued, 22)?.local, { host: '10.0.0.5', port: 22 });
    assert.equal(readAddressColumns(glued, 51234), undefined, 'the port is at every split’s end');
  });

  test('BUILT: FOREIGN glued to the state (a long IPv6 peer, 13 without -w)', () => {
    assert.deepEqual(
      readAddressColumns([
        '2001:db8::5:22',
        '2001:db8:0:1234:5678:9abc:def0:1234:51234ESTABLISHED',
      ]),
      {
        local: { host: '2001:db8::5', port: 22 },
        foreign: { host: '2001:db8:0:1234:5678:9abc:def0:1234', port: 51234 },
        tail: ['ESTABLISHED'],
      },
    );
  });

  test('what is not an address column: undefined', () => {
    for (const tokens of [
      [],
      ['LISTEN'],
      ['localhost:80', '*:*'],
      ['127.0.0.1:0', '*:*'],
      ['127.0.0.1:080', '*:*'],
      ['127.0.0.1:65536', '*:*'],
      ['[::1:80', '*:*'],
      ['127.0.0.1:80', 'cut-off'],
      ['127.0.0.1'],
    ]) {
      assert.equal(readAddressColumns(tokens), undefined, JSON.stringify(tokens));
    }
  });
});

describe('sockstatState', () => {
  test("TCP: FreeBSD's state words in ours, the printed word kept where it differs", () => {
    const cases: [string, string, string | undefined][] = [
      ['LISTEN', 'LISTEN', undefined],
      ['ESTABLISHED', 'ESTABLISHED', undefined],
      ['TIME_WAIT', 'TIME_WAIT', undefined],
      ['SYN_SENT', 'SYN_SENT', undefined],
      ['CLOSE_WAIT', 'CLOSE_WAIT', undefined],
      ['CLOSING', 'CLOSING', undefined],
      ['LAST_ACK', 'LAST_ACK', undefined],
      ['SYN_RCVD', 'SYN_RECV', 'SYN_RCVD'],
      ['FIN_WAIT_1', 'FIN_WAIT1', 'FIN_WAIT_1'],
      ['FIN_WAIT_2', 'FIN_WAIT2', 'FIN_WAIT_2'],
      ['CLOSED', 'CLOSE', 'CLOSED'],
    ];
    for (const [word, state, rawState] of cases) {
      assert.deepEqual(
        sockstatState('tcp', true, [word], true),
        rawState === undefined ? { state } : { state, rawState },
        word,
      );
    }
  });

  test('TCP without a state word: a peerless socket listens when no -s; otherwise unknown', () => {
    assert.deepEqual(sockstatState('tcp', false, [], false), { state: 'LISTEN' });
    assert.deepEqual(sockstatState('tcp', true, [], false), { state: 'UNKNOWN' });
    assert.deepEqual(sockstatState('tcp', false, [], true), { state: 'UNKNOWN' });
    assert.deepEqual(sockstatState('tcp', true, ['?'], true), { state: 'UNKNOWN', rawState: '?' });
  });

  test('UDP: bound, or established when connected, whatever the tail says', () => {
    assert.deepEqual(sockstatState('udp', false, ['??'], true), { state: 'BOUND' });
    assert.deepEqual(sockstatState('udp', true, [], false), { state: 'ESTABLISHED' });
  });

  test('the recorded rows of 15.1 end up in their states', () => {
    const states = [
      ['203.0.113.10:62178', 'tcp'],
      ['4035  6 tcp4  *:80', 'tcp'],
      ['[::1]:123', 'udp'],
      ['198.51.100.20:443', 'tcp'],
    ].map(([marker, protocol]) => {
      const columns = readAddressColumns(after(v15, marker as string));
      assert.ok(columns, marker);
      return sockstatState(
        protocol as 'tcp' | 'udp',
        columns.foreign.port !== null,
        columns.tail,
        hasStateColumn(v15),
      ).state;
    });
    assert.deepEqual(states, ['ESTABLISHED', 'LISTEN', 'BOUND', 'TIME_WAIT']);
  });
});
