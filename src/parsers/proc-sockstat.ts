/**
 * Parses `/proc/net/sockstat` or `/proc/net/sockstat6`: one line per protocol, a label and
 * `name value` pairs (`TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1`). Lines of another shape are
 * skipped; a value that is not a number is left out.
 *
 * @example
 * ```ts
 * parseProcSockstat('TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1\nUDP: inuse 3 mem 2\n');
 * // {TCP: {inuse: 5, orphan: 0, tw: 2, alloc: 7, mem: 1}, UDP: {inuse: 3, mem: 2}}
 * ```
 */
export function parseProcSockstat(text: string): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9]+):((?:\s+\S+\s+\S+)+)\s*$/.exec(line);
    if (!match) continue;
    const words = (match[2] as string).trim().split(/\s+/);
    const counts: Record<string, number> = {};
    for (let index = 0; index + 1 < words.length; index += 2) {
      const value = Number(words[index + 1]);
      if (Number.isInteger(value)) counts[words[index] as string] = value;
    }
    result[match[1] as string] = counts;
  }
  return result;
}
