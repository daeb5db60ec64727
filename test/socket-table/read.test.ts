/**
 * src/socket-table/read.ts with small adapters built for each case (as test/system/adapter-choice
 * does; that file covers `preferred` and the names in ERR_NO_ADAPTER, test/system/adapter-
 * fallthrough.test.ts a real tool past the output cap): the fall-through order, what a forced
 * adapter does when it is missing or fails, an abort that is never "just a failing adapter",
 * TIME_WAIT requests (only adapters that list sockets without an owner), an unsupported
 * platform, the rows kept, the query passed on (own properties only), and a hanging adapter that
 * may use only its share of the deadline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SocketQuery, SocketTableAdapter } from '../../src/adapters/adapter.ts';
import { createContext } from '../../src/core/context.ts';
import { AbortError } from '../../src/errors.ts';
import { readSocketTable } from '../../src/socket-table/read.ts';
import type { ToolContext } from '../../src/system/tools.ts';
import type { SocketRow } from '../../src/types.ts';

const tools = createContext();

function row(fields: Partial<SocketRow>): SocketRow {
  return {
    protocol: 'tcp',
    family: 'IPv4',
    localAddress: '127.0.0.1',
    localPort: 3000,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    owners: [],
    ...fields,
  };
}

type Behaviour = 'answers' | 'fails' | 'aborts' | 'hangs';

/** An adapter that answers with `rows`, fails, aborts, or waits for its deadline; notes each call. */
function adapter(
  name: string,
  behaviour: Behaviour = 'answers',
  options: { rows?: SocketRow[]; hidden?: boolean } = {},
) {
  const calls: { query: SocketQuery; tools: ToolContext }[] = [];
  const made = {
    name,
    calls,
    listsHiddenSockets: options.hidden ?? true,
    async read(query: SocketQuery, given: ToolContext) {
      calls.push({ query, tools: given });
      if (behaviour === 'fails') throw new Error(`${name} broke`);
      if (behaviour === 'aborts') throw new AbortError();
      if (behaviour === 'hangs') {
        await new Promise((resolve) => setTimeout(resolve, given.deadline - performance.now()));
        throw new Error(`${name} timed out`);
      }
      return options.rows ?? [row({})];
    },
  };
  return made satisfies SocketTableAdapter;
}

const platform = (adapters: SocketTableAdapter[], supported = true) => ({
  name: 'testos',
  supported,
  adapters,
});

describe('falling through', () => {
  test('in order: the first that answers; the later ones are not asked', async () => {
    const [a, b, c] = [adapter('a', 'fails'), adapter('b'), adapter('c')];
    const table = await readSocketTable({ query: { port: 3000 } }, platform([a, b, c]), tools);
    assert.equal(table.adapter, b);
    assert.deepEqual(
      [a, b, c].map((entry) => entry.calls.length),
      [1, 1, 0],
    );
  });

  test('an abort is not a failing adapter: it ends the read at once', async () => {
    const [a, b] = [adapter('a', 'aborts'), adapter('b')];
    await assert.rejects(readSocketTable({ query: { port: 3000 } }, platform([a, b]), tools), {
      code: 'ERR_ABORTED',
    });
    assert.equal(b.calls.length, 0);
  });

  test('nothing works where the platform has no adapter of its own: unsupported', async () => {
    await assert.rejects(
      readSocketTable(
        { query: { port: 3000 } },
        platform([adapter('pid-port', 'fails')], false),
        tools,
      ),
      {
        code: 'ERR_UNSUPPORTED_PLATFORM',
        message: /testos .*pid-port: pid-port broke/,
      },
    );
    await assert.rejects(readSocketTable({ query: { port: 3000 } }, platform([]), tools), {
      code: 'ERR_UNSUPPORTED_PLATFORM',
    });
  });
});

describe('a forced adapter', () => {
  test('runs alone, even when an earlier one would answer', async () => {
    const [a, b] = [adapter('a'), adapter('b')];
    const table = await readSocketTable(
      { query: { port: 3000 }, forced: 'b' },
      platform([a, b]),
      tools,
    );
    assert.equal(table.adapter, b);
    assert.equal(a.calls.length, 0);
  });

  test('that fails: ERR_ADAPTER_UNAVAILABLE with the cause, no fall-through', async () => {
    const [a, b] = [adapter('a', 'fails'), adapter('b')];
    const error = await readSocketTable(
      { query: { port: 3000 }, forced: 'a' },
      platform([a, b]),
      tools,
    ).catch((caught: unknown) => caught);
    assert.equal((error as { code?: string }).code, 'ERR_ADAPTER_UNAVAILABLE');
    assert.match((error as Error).message, /Adapter a could not read the socket table: a broke/);
    assert.match(((error as Error).cause as Error).message, /a broke/);
    assert.equal(b.calls.length, 0);
  });

  test('that aborts: ERR_ABORTED, not "unavailable"', async () => {
    await assert.rejects(
      readSocketTable(
        { query: { port: 3000 }, forced: 'a' },
        platform([adapter('a', 'aborts')]),
        tools,
      ),
      { code: 'ERR_ABORTED' },
    );
  });

  test('that this platform does not have: ERR_ADAPTER_UNAVAILABLE naming what it has', async () => {
    await assert.rejects(
      readSocketTable(
        { query: { port: 3000 }, forced: 'netstat' },
        platform([adapter('a'), adapter('b')]),
        tools,
      ),
      {
        code: 'ERR_ADAPTER_UNAVAILABLE',
        message: 'Adapter netstat does not run on testos (available: a, b)',
      },
    );
  });
});

describe('TIME_WAIT requests: only adapters that list sockets without an owner', () => {
  test('the others are passed over; forced, one of them says why it cannot', async () => {
    const lsof = adapter('lsof', 'answers', { hidden: false });
    const procfs = adapter('procfs');
    const source = platform([lsof, procfs]);
    const table = await readSocketTable(
      { query: { port: 3000 }, unownedSockets: true },
      source,
      tools,
    );
    assert.equal(table.adapter, procfs);
    assert.equal(lsof.calls.length, 0);
    await assert.rejects(
      readSocketTable(
        { query: { port: 3000 }, unownedSockets: true, forced: 'lsof' },
        source,
        tools,
      ),
      {
        code: 'ERR_ADAPTER_UNAVAILABLE',
        message: /lsof lists only sockets with a visible owner: it cannot see TIME_WAIT sockets/,
      },
    );
    await assert.rejects(
      readSocketTable({ query: { port: 3000 }, unownedSockets: true }, platform([lsof]), tools),
      { code: 'ERR_UNSUPPORTED_PLATFORM' },
    );
  });
});

describe('the rows and the query', () => {
  test("rows of the port (local or remote) and of the query's protocol only", async () => {
    const rows = [
      row({}),
      row({ localPort: 50_000, remoteAddress: '127.0.0.1', remotePort: 3000, state: 'TIME_WAIT' }),
      row({ localPort: 30_000 }),
      row({ protocol: 'udp', state: 'BOUND' }),
    ];
    const source = platform([adapter('a', 'answers', { rows })]);
    const tcp = await readSocketTable({ query: { port: 3000, protocol: 'tcp' } }, source, tools);
    assert.deepEqual(tcp.rows, [rows[0], rows[1]]);
    const both = await readSocketTable({ query: { port: 3000 } }, source, tools);
    assert.deepEqual(both.rows, [rows[0], rows[1], rows[3]]);
  });

  test("the adapter gets the query's own fields, the flags as booleans", async () => {
    const a = adapter('a');
    const inherited = Object.create({ protocol: 'udp', includeRemote: true }) as SocketQuery;
    Object.assign(inherited, { port: 3000 });
    const request = Object.create({ forced: 'b', unownedSockets: true });
    Object.assign(request, { query: inherited });
    await readSocketTable(request, platform([a, adapter('b')]), tools);
    assert.deepEqual(a.calls[0]?.query, {
      port: 3000,
      protocol: undefined,
      includeRemote: false,
      withoutOwners: false,
    });
    await readSocketTable(
      { query: { port: 3000, protocol: 'udp', includeRemote: true, withoutOwners: true } },
      platform([a]),
      tools,
    );
    assert.deepEqual(a.calls[1]?.query, {
      port: 3000,
      protocol: 'udp',
      includeRemote: true,
      withoutOwners: true,
    });
  });
});

describe('the deadline', () => {
  test('no deadline: every adapter gets the tools as they are', async () => {
    const [a, b] = [adapter('a', 'fails'), adapter('b')];
    await readSocketTable({ query: { port: 3000 } }, platform([a, b]), tools);
    assert.equal(a.calls[0]?.tools, tools);
    assert.equal(b.calls[0]?.tools, tools);
  });

  test('a hanging adapter uses its share of the time left; the next one answers in time', async () => {
    const total = 1200;
    const [a, b, c] = [adapter('a', 'hangs'), adapter('b', 'hangs'), adapter('c')];
    const started = performance.now();
    const context = createContext({ deadline: started + total });
    const table = await readSocketTable({ query: { port: 3000 } }, platform([a, b, c]), context);
    const elapsed = performance.now() - started;
    assert.equal(table.adapter, c);
    const deadlines = [a, b, c].map((entry) => (entry.calls[0]?.tools.deadline ?? 0) - started);
    // Three left: a third of the time; then two left: half of what remains; the last: the rest.
    const [first = 0, second = 0] = deadlines;
    assert.ok(first >= total / 3 - 50 && first < total / 2, `a: ${first} ms`);
    assert.ok(second > first && second < total - 100, `b: ${second} ms`);
    assert.equal(deadlines[2], total, 'the last adapter has the call’s own deadline');
    assert.ok(elapsed < total, `answered within the deadline (${Math.round(elapsed)} ms)`);
  });
});
