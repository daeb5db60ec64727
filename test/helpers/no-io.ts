/**
 * Proof that a call does no I/O: records every process spawn and file read the library would make
 * while `call` runs, by wrapping the built-in functions (`syncBuiltinESMExports` makes the ES
 * module imports of `node:fs` and `node:child_process` see the wrappers), and puts the real ones
 * back afterwards.
 *
 * @module
 */
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

type Target = Record<string, unknown>;

const WATCHED: readonly [Target, readonly string[], string][] = [
  [
    childProcess as unknown as Target,
    ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork'],
    'child_process',
  ],
  [
    fs as unknown as Target,
    [
      'readFileSync',
      'readdirSync',
      'readlinkSync',
      'openSync',
      'statSync',
      'readFile',
      'readdir',
      'readlink',
      'open',
    ],
    'fs',
  ],
  [
    fs.promises as unknown as Target,
    ['readFile', 'readdir', 'readlink', 'open', 'stat'],
    'fs/promises',
  ],
];

/**
 * Runs `call` and resolves with what it settled with and the I/O it tried
 * (`['child_process.spawn', 'fs.readFileSync', ...]`).
 *
 * @example
 * ```ts
 * const {calls} = await recordIo(() => isPortInUse('80; rm -rf /').catch(() => {}));
 * assert.deepEqual(calls, []);
 * ```
 */
export async function recordIo<T>(
  call: () => Promise<T>,
): Promise<{ calls: string[]; settled: PromiseSettledResult<T> }> {
  const calls: string[] = [];
  const originals: [Target, string, unknown][] = [];
  for (const [target, names, label] of WATCHED) {
    for (const name of names) {
      const original = target[name];
      if (typeof original !== 'function') continue;
      originals.push([target, name, original]);
      target[name] = function (this: unknown, ...args: unknown[]) {
        calls.push(`${label}.${name}`);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
  }
  syncBuiltinESMExports();
  try {
    const [settled] = await Promise.allSettled([call()]);
    return { calls, settled: settled as PromiseSettledResult<T> };
  } finally {
    for (const [target, name, original] of originals) target[name] = original;
    syncBuiltinESMExports();
  }
}
