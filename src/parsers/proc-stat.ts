/**
 * Pure parsers for `/proc/<pid>/stat` (Linux): the process name in parentheses may contain
 * anything — spaces, parentheses, newlines — so every field is counted from the *last* `)`.
 *
 * @module
 */

/**
 * Parses `/proc/<pid>/stat`: the name sits in parentheses and may itself contain spaces and
 * parentheses, so fields are counted from the *last* `)`. Returns the parent pid (field 4) and the
 * start time in clock ticks since boot (field 22), which identifies a process across pid reuse.
 *
 * @example
 * ```ts
 * parseProcStat('4242 (node) S 1 4242 ... 123456 ...'); // {ppid: 1, startTime: '123456'}
 * ```
 */
export function parseProcStat(text: string): { ppid: number; startTime: string } | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // fields[0] is field 3 (state); field N is fields[N - 3].
  const ppid = Number(fields[1]);
  const startTime = fields[19];
  if (!Number.isInteger(ppid) || startTime === undefined || !/^[0-9]+$/.test(startTime))
    return undefined;
  return { ppid, startTime };
}

/**
 * Parses the state letter (field 3) of `/proc/<pid>/stat`: `'R'`, `'S'`, `'D'`, `'Z'` (zombie),
 * `'X'` (dead), ... The name in parentheses may contain anything, so it is read after the last `)`.
 *
 * @example
 * ```ts
 * parseProcState('4242 (node) Z 1 ...'); // 'Z'
 * ```
 */
export function parseProcState(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const state = stat.charAt(close + 2);
  return state === '' ? undefined : state;
}
