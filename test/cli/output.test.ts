/**
 * src/cli/output.ts, in process: when to colour, styles, tables, escaping what other processes
 * wrote, one-line errors, durations and addresses. The first two tests moved from
 * test/cli/cli.test.ts ("CLI building blocks").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createStyle,
  formatAddress,
  formatMs,
  printable,
  printError,
  renderTable,
  shouldColor,
  styles,
  type TextStream,
  visibleLength,
  writeJson,
} from '../../src/cli/output.ts';

const ESC = '\u001B';

/** A stream that keeps what is written. */
function sink(isTTY = false): TextStream & { text: string } {
  const stream = {
    isTTY,
    text: '',
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

test('printable escapes control characters of other processes (moved)', () => {
  assert.equal(printable('python3 -c \nimport x'), 'python3 -c \\nimport x');
  assert.equal(printable('evil\u001B[2J'), 'evil\\x1b[2J');
  assert.equal(printable('node server.js'), 'node server.js');
});

test('colour rules (moved)', () => {
  const tty = { isTTY: true, write: () => true };
  const pipe = { write: () => true };
  assert.equal(shouldColor(tty, {}, false), true);
  assert.equal(shouldColor(tty, {}, true), false);
  assert.equal(shouldColor(tty, { NO_COLOR: '1' }, false), false);
  assert.equal(shouldColor(tty, { TERM: 'dumb' }, false), false);
  assert.equal(shouldColor(pipe, {}, false), false);
  assert.equal(shouldColor(pipe, { FORCE_COLOR: '1' }, false), true);
  assert.equal(shouldColor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, false), false);
});

test('colour rules: empty NO_COLOR is unset; FORCE_COLOR=0 or false turns colour off', () => {
  const tty = { isTTY: true, write: () => true };
  assert.equal(shouldColor(tty, { NO_COLOR: '' }, false), true);
  assert.equal(shouldColor(tty, { FORCE_COLOR: '0' }, false), false);
  assert.equal(shouldColor(tty, { FORCE_COLOR: 'false' }, false), false);
  assert.equal(shouldColor(tty, { FORCE_COLOR: '', TERM: 'dumb' }, false), false);
  assert.equal(shouldColor({ write: () => true }, { FORCE_COLOR: '1' }, true), false, '--json');
  const io = { stdout: sink(true), stderr: sink(false), env: {} };
  const both = styles(io, false);
  assert.deepEqual([both.out.enabled, both.err.enabled], [true, false]);
  assert.equal(styles(io, true).out.enabled, false);
});

test('styles: SGR codes when enabled, the text itself otherwise', () => {
  const on = createStyle(true);
  assert.equal(on.bold('a'), '\u001B[1ma\u001B[22m');
  assert.equal(on.red('a'), '\u001B[31ma\u001B[39m');
  assert.equal(on.green('a'), '\u001B[32ma\u001B[39m');
  assert.equal(on.dim('a'), '\u001B[2ma\u001B[22m');
  const off = createStyle(false);
  for (const name of ['bold', 'dim', 'red', 'green', 'yellow', 'cyan'] as const) {
    assert.equal(off[name]('text'), 'text');
  }
  assert.equal(visibleLength(on.yellow(on.bold('four'))), 4);
  assert.equal(visibleLength('plain'), 5);
});

test('renderTable: columns as wide as their widest cell, the last cell cut to the width', () => {
  const table = renderTable(
    ['PID', 'NAME', 'COMMAND'],
    [
      ['1', 'node', 'node server.js'],
      ['12345', createStyle(true).red('py'), 'python3 -m http.server'],
    ],
    { indent: '  ' },
  );
  assert.equal(
    table.replaceAll(`${ESC}[31m`, '').replaceAll(`${ESC}[39m`, ''),
    '  PID    NAME  COMMAND\n  1      node  node server.js\n  12345  py    python3 -m http.server\n',
  );
  const cut = renderTable(['A', 'COMMAND'], [['1', 'x'.repeat(200)]], { maxWidth: 40 });
  const line = cut.split('\n')[1] ?? '';
  assert.ok(line.endsWith('…'));
  assert.equal(line.length, 40);
  assert.equal(renderTable(['A'], []), 'A\n');
});

test('printError: one line, prefixed with the command, control characters escaped', () => {
  const stream = sink();
  printError(stream, 'free', 'port 3000 is still in use:\n  held by pid 1\u001B[2J');
  printError(stream, undefined, 'missing command');
  assert.equal(
    stream.text,
    'portwarden free: port 3000 is still in use: held by pid 1\\x1b[2J\nportwarden: missing command\n',
  );
});

test('writeJson: one indented document and a newline', () => {
  const stream = sink();
  writeJson(stream, { ok: true, ports: [1] });
  assert.equal(stream.text, '{\n  "ok": true,\n  "ports": [\n    1\n  ]\n}\n');
  assert.deepEqual(JSON.parse(stream.text), { ok: true, ports: [1] });
});

test('formatMs and formatAddress', () => {
  assert.equal(formatMs(0), '0 ms');
  assert.equal(formatMs(99.4), '99 ms');
  assert.equal(formatMs(100), '0.10 s');
  assert.equal(formatMs(9999), '10.00 s');
  assert.equal(formatMs(12_345), '12.3 s');
  assert.equal(formatAddress('127.0.0.1', 80), '127.0.0.1:80');
  assert.equal(formatAddress('::1', 80), '[::1]:80');
  assert.equal(formatAddress('0.0.0.0', 3000), '0.0.0.0:3000');
});
