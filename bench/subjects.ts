/**
 * What is measured: the built library (only its three contract functions, loaded from
 * `dist/index.js` so the numbers are the package's, not tsx's) and the peers, loaded from
 * node_modules. Paths and versions for the report.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Source from '../src/index.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The built entry point. */
export const DIST_INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url));
/** The built command line. */
export const DIST_CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const require = createRequire(import.meta.url);

/** The three public functions the benchmark calls (names fixed by the contract). */
export type Api = Pick<typeof Source, 'getProcessesOnPort' | 'isPortInUse' | 'ensurePortFree'>;

/** Loads the built library; throws with a hint when it is not built. */
export async function loadApi(): Promise<Api> {
  if (!existsSync(DIST_INDEX)) throw new Error('dist/index.js is missing: run `npm run build`');
  return (await import(pathToFileURL(DIST_INDEX).href)) as Api;
}

/** A package's installed version ('?' when unknown). */
export function versionOf(name: string): string {
  try {
    // Not require.resolve: packages whose `exports` hide package.json (get-port) would throw.
    const path = `${ROOT}${name === 'portwarden' ? '' : `node_modules/${name}/`}package.json`;
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** The file `require(name)` loads (a path). */
export function entryPath(name: string): string {
  return require.resolve(name);
}

/** The file `import(name)` loads, as a file: URL (for a fresh `node` to import by path). */
export function entryUrl(name: string): string {
  return pathToFileURL(require.resolve(name)).href;
}

/** A CommonJS peer's `module.exports`. */
export function requireModule<T>(name: string): T {
  return require(name) as T;
}

/** A peer's default export (CJS interop: `exports.default` when there is one). */
export function requireDefault<T>(name: string): T {
  const loaded = require(name) as { default?: T } & T;
  return (loaded.default ?? loaded) as T;
}

/** find-process: `find('port', port)` resolves with the processes it found. */
export type FindProcess = (by: 'port', port: number) => Promise<{ pid: number; name: string }[]>;
/** kill-port: `killPort(port)` (lsof through a shell, then `kill -9`). */
export type KillPort = (port: number, method?: string) => Promise<unknown>;
/** tcp-port-used: `check(port, host)` connects. */
export interface TcpPortUsed {
  check(port: number, host?: string): Promise<boolean>;
}
/** detect-port: resolves with `port` when free, else another port. */
export type DetectPort = (port: number) => Promise<number>;
