/**
 * A tiny terminal screen for tests: replays what a program wrote to a terminal (carriage return,
 * newline, cursor up, erase line / to the end of the screen, colours ignored) and gives the rows
 * a person would see at the end.
 *
 * @module
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences are the input
const TOKENS = /\u001B\[([0-9;]*)([A-Za-z])|\r|\n|[^\u001B\r\n]+/g;

/**
 * The rows of the screen after `output` was written to a terminal (trailing empty row dropped).
 *
 * @example
 * ```ts
 * screenRows('a\rb\n'); // ['b']
 * screenRows('one\ntwo\r\u001B[1A\u001B[Jdone\n'); // ['done']
 * ```
 */
export function screenRows(output: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  let column = 0;
  for (const match of output.matchAll(TOKENS)) {
    const [token, parameter, command] = match;
    if (token === '\r') {
      column = 0;
    } else if (token === '\n') {
      row++;
      column = 0;
      if (rows.length <= row) rows.push('');
    } else if (command !== undefined) {
      const count = Number(parameter || '1');
      if (command === 'A') row = Math.max(0, row - count);
      else if (command === 'J') {
        rows[row] = (rows[row] ?? '').slice(0, column);
        rows.length = row + 1;
      } else if (command === 'K' && parameter === '2') rows[row] = '';
      else if (command === 'K') rows[row] = (rows[row] ?? '').slice(0, column);
      // 'm' (colours) and anything else: no effect on the text.
    } else {
      const current = (rows[row] ?? '').padEnd(column, ' ');
      rows[row] = current.slice(0, column) + token + current.slice(column + token.length);
      column += token.length;
    }
  }
  while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
  return rows;
}
