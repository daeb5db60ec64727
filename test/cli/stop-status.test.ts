/**
 * src/cli/stop-status.ts: which status reporter a stop command gets from its streams and flags —
 * none with `-q`; a live line on a terminal (not `TERM=dumb`), plain lines elsewhere; the port
 * shown with several ports; colour as the CLI decides it; the terminal's width. Driven in process
 * with a collecting stream (the reporter itself: test/cli/status.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CliIO, visibleLength } from '../../src/cli/output.ts';
import { stopStatus } from '../../src/cli/stop-status.ts';
import type { PortOwner, StopProgress } from '../../src/index.ts';

const CLEAR = '\r\u001B[J';

function io(stderr: { isTTY: boolean; columns?: number }, env: NodeJS.ProcessEnv = {}) {
  const written: string[] = [];
  const stream = {
    ...stderr,
    write: (text: string) => written.push(text) > 0,
  };
  const cli: CliIO = { stdout: { write: () => true }, stderr: stream, env };
  return { cli, text: () => written.join('') };
}

const command = 'node a-rather-long-server-script-name.js --port 3000';
const events: StopProgress[] = [
  { type: 'signal', pid: 4242, signal: 'SIGTERM', owner: { commandLine: command } as PortOwner },
  { type: 'exited', pid: 4242, signal: 'SIGTERM', elapsedMs: 210 },
];

function run(
  stderr: { isTTY: boolean; columns?: number },
  flags: { quiet?: boolean; json?: boolean; ports?: number[] } = {},
  env: NodeJS.ProcessEnv = {},
) {
  const { cli, text } = io(stderr, env);
  const status = stopStatus(cli, {
    quiet: flags.quiet ?? false,
    json: flags.json ?? false,
    ports: flags.ports ?? [3000],
  });
  for (const event of events) status?.progress(3000, event);
  status?.finish();
  return { status, text: text() };
}

test('-q: no reporter, nothing written', () => {
  const { status, text } = run({ isTTY: true }, { quiet: true });
  assert.equal(status, undefined);
  assert.equal(text, '');
});

test('off a terminal: one plain line per event', () => {
  const { text } = run({ isTTY: false });
  assert.equal(text, `SIGTERM → 4242 ${command} …\nSIGTERM → 4242 ${command} … exited in 0.21 s\n`);
});

test('on a terminal: a live line, rewritten in place; TERM=dumb gets plain lines', () => {
  const live = run({ isTTY: true }, {}, { NO_COLOR: '1' }).text;
  assert.equal(
    live,
    `SIGTERM → 4242 ${command} …${CLEAR}SIGTERM → 4242 ${command} … exited in 0.21 s\n`,
  );
  assert.equal(run({ isTTY: true }, {}, { TERM: 'dumb' }).text, run({ isTTY: false }).text);
});

test('several ports: each line says its port; one port: it does not', () => {
  assert.match(run({ isTTY: false }, { ports: [3000, 3001] }).text, /^:3000 SIGTERM → 4242 /);
  assert.match(run({ isTTY: false }, { ports: [3000] }).text, /^SIGTERM → 4242 /);
});

test('colour: on a terminal unless --json or NO_COLOR; FORCE_COLOR off a terminal', () => {
  const bold = '\u001B[1mSIGTERM\u001B[22m';
  assert.ok(run({ isTTY: true }).text.includes(bold));
  assert.ok(!run({ isTTY: true }, { json: true }).text.includes('\u001B[1m'));
  assert.ok(!run({ isTTY: true }, {}, { NO_COLOR: '1' }).text.includes('\u001B[1m'));
  assert.ok(run({ isTTY: false }, {}, { FORCE_COLOR: '1' }).text.includes(bold));
});

test("a live line is cut to the terminal's width", () => {
  const narrow = run({ isTTY: true, columns: 40 }).text;
  const [first] = narrow.split(CLEAR);
  assert.ok(visibleLength(first ?? '') <= 39, JSON.stringify(first));
  assert.ok(visibleLength(first ?? '') >= 30, JSON.stringify(first));
  assert.ok(run({ isTTY: true }).text.includes(command), 'no width: the whole command line');
});
