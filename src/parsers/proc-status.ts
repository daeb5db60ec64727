/**
 * The number of descriptor slots a process's fd table has (`FDSize:` in `/proc/<pid>/status`):
 * every open descriptor is below it. `undefined` when the line is missing or malformed.
 *
 * @example
 * ```ts
 * parseFdSize('Name:\tnode\nFDSize:\t8192\nGroups:\t\n'); // 8192
 * ```
 */
export function parseFdSize(status: string): number | undefined {
  const match = /^FDSize:\s*(\d+)\s*$/m.exec(status);
  return match ? Number(match[1]) : undefined;
}
