/**
 * Pure parser for `ps -ww -o pid=,ppid=,uid=,user=,lstart=,comm=,args=` (macOS and the BSDs, run
 * in the C locale).
 *
 * @module
 */
import type { ProcessInfo } from './process-info.ts';

/**
 * One line of `ps -o pid=,ppid=,uid=,user=,lstart=,comm=,args=` in the C locale: four numeric or
 * word columns, then `lstart` (`Mon Jan  6 09:12:03 2025`, 24 characters, padded), then the rest.
 */
const LINE =
  /^\s*([0-9]+)\s+([0-9]+)\s+(-?[0-9]+)\s+(\S+)\s+([A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4})\s+(.*)$/;

/**
 * Splits what follows `lstart` into `comm` and `args`. macOS prints `comm` as argv[0] (often the
 * executable's full path, spaces included; `(name)` when the arguments of another user's process
 * cannot be read) padded to the widest one, then `args`, which starts with that same argv[0].
 * So the split is where a run of spaces is followed by text that starts with what came before it.
 * Returns every possible `args` offset, first the likeliest.
 */
function splitCandidates(rest: string): number[] {
  const offsets: number[] = [];
  const gaps = /( +)/g;
  for (let match = gaps.exec(rest); match !== null; match = gaps.exec(rest)) {
    const comm = rest.slice(0, match.index);
    const start = match.index + (match[1] ?? '').length;
    if (comm !== '' && rest.startsWith(comm, start)) offsets.push(start);
  }
  return offsets;
}

/** The short name from `comm`: basename of the path, without `(...)` or a login shell's `-`. */
function nameOf(comm: string): string | null {
  let name = comm.trim();
  if (name.startsWith('(') && name.endsWith(')')) name = name.slice(1, -1);
  name = name.slice(name.lastIndexOf('/') + 1);
  if (name.startsWith('-')) name = name.slice(1);
  return name === '' ? null : name;
}

/**
 * Parses macOS `ps -ww -o pid=,ppid=,uid=,user=,lstart=,comm=,args=` output (run in the C locale,
 * so `lstart` reads `Mon Jan  6 09:12:03 2025`). `name` is the basename of `comm`; `commandLine`
 * is `args` (arguments joined by spaces as ps prints them; `argv` is `null`, since spaces inside
 * an argument cannot be told apart); `startTime` is the `lstart` text. The `comm` column's width is
 * the same on every line, which settles the rare line that could be split in two ways.
 *
 * @example
 * ```ts
 * parseDarwinPs('45121 45100   501 me  Tue Jan  7 18:40:55 2025     node   node server.js\n');
 * // [{pid: 45121, ppid: 45100, uid: 501, user: 'me', name: 'node', commandLine: 'node server.js',
 * //   argv: null, startTime: 'Tue Jan  7 18:40:55 2025'}]
 * ```
 */
export function parseDarwinPs(text: string): ProcessInfo[] {
  const parsed: { match: RegExpExecArray; rest: string; offsets: number[] }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line.trimEnd());
    if (!match) continue;
    const rest = match[6] ?? '';
    parsed.push({ match, rest, offsets: splitCandidates(rest) });
  }
  // The offset of `args` that every line allows (all lines share the comm column's width).
  const shared = parsed[0]?.offsets.find((offset) =>
    parsed.every((line) => line.offsets.includes(offset)),
  );
  return parsed.map(({ match, rest, offsets }) => {
    const offset = shared !== undefined && offsets.includes(shared) ? shared : offsets[0];
    let name: string | null;
    let commandLine: string | null;
    if (offset === undefined) {
      // No split fits (should not happen): the first word names the process, no command line.
      name = nameOf(rest.split(' ')[0] ?? '');
      commandLine = null;
    } else {
      name = nameOf(rest.slice(0, offset));
      commandLine = rest.slice(offset);
    }
    const uid = Number(match[3]);
    return {
      pid: Number(match[1]),
      ppid: Number(match[2]),
      uid: Number.isInteger(uid) ? uid : null,
      user: match[4] ?? null,
      startTime: match[5] ?? null,
      name,
      commandLine,
      argv: null,
    };
  });
}
