/**
 * The BUILT command line (`node dist/cli/main.js ...`) for end-to-end tests: built first when
 * missing or older than `src/`, started with an environment free of the runner's colour, debug and
 * adapter settings.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collect, REPO_ROOT, type ScriptResult } from './holders.ts';

/** The built CLI's entry point. */
export const CLI_MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds when dist/cli/main.js is missing or older than src/ (so a test file also runs alone);
 * call it from a `before` hook.
 *
 * @example
 * ```ts
 * before(ensureBuiltCli);
 * ```
 */
export function ensureBuiltCli(): void {
  const stale =
    !existsSync(CLI_MAIN) || statSync(CLI_MAIN).mtimeMs < newestMtime(join(REPO_ROOT, 'src'));
  if (stale) {
    // `npm run build`, without npm's shell shim (Windows).
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, `the build failed: ${build.stderr}`);
  }
  assert.ok(existsSync(CLI_MAIN), 'npm run build must produce dist/cli/main.js');
}

/**
 * The environment of the CLI: no colour or debug settings inherited from the runner, plus `extra`.
 *
 * @example
 * ```ts
 * cliEnv({PM2_HOME: home});
 * ```
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'PORTWARDEN_ADAPTER', 'NODE_OPTIONS']) {
    delete env[key];
  }
  return { ...env, ...extra };
}

/** Options of {@link spawnCli}. */
export interface CliRunOptions {
  readonly env?: Record<string, string>;
  readonly nodeArgs?: readonly string[];
}

/**
 * Starts the built CLI with `args` (stdin ignored, stdout and stderr piped).
 *
 * @example
 * ```ts
 * const child = spawnCli(['free', '3000', '--json']);
 * ```
 */
export function spawnCli(args: readonly string[], options: CliRunOptions = {}): ChildProcess {
  return spawn(process.execPath, [...(options.nodeArgs ?? []), CLI_MAIN, ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs the built CLI to its end (asynchronously: holders it stops are our children, and the
 * event loop reaps them).
 *
 * @example
 * ```ts
 * const {code, stdout} = await runBuiltCli(['who', '3000', '--json']);
 * ```
 */
export function runBuiltCli(
  args: readonly string[],
  options: CliRunOptions = {},
): Promise<ScriptResult> {
  return collect(spawnCli(args, options));
}
