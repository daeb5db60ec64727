/**
 * Which command-line tools this machine has, for tests that skip with a reason when one is
 * missing (`{skip: needs('ss')}` → "needs ss").
 *
 * @module
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where `tool` is on PATH (an executable file), or undefined.
 *
 * @example
 * ```ts
 * onPath('ss'); // '/usr/bin/ss'
 * ```
 */
export function onPath(tool: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, tool);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * A skip reason naming the tools of `tools` that are not on PATH (`'needs lsof, python3'`), or
 * `false` when all are there: use as `{skip: needs('lsof')}`.
 *
 * @example
 * ```ts
 * test('lsof sees it', {skip: needs('lsof')}, async () => {});
 * ```
 */
export function needs(...tools: readonly string[]): string | false {
  const missing = tools.filter((tool) => onPath(tool) === undefined);
  return missing.length > 0 && `needs ${missing.join(', ')}`;
}

/** The tool each Linux socket-table adapter runs (procfs reads /proc and runs none). */
export const ADAPTER_TOOL: Readonly<Record<string, string | undefined>> = {
  procfs: undefined,
  ss: 'ss',
  netstat: 'netstat',
  lsof: 'lsof',
};
