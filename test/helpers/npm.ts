/**
 * Running npm and npx from tests on any OS without a shell: `node npm-cli.js ...` (on Windows
 * `npm` is a `.cmd` file, which Node does not spawn without a shell).
 *
 * @module
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';

function findNpmCli(): string {
  const fromNpm = process.env.npm_execpath;
  if (fromNpm && basename(fromNpm) === 'npm-cli.js' && existsSync(fromNpm)) return fromNpm;
  // Beside this node (an install from nodejs.org), else the npm on PATH (a node binary from the
  // registry, as .ci/run uses, has no npm of its own).
  const dirs = [dirname(process.execPath), ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs.filter(Boolean)) {
    const candidates = [
      join(dir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), // POSIX installs
      join(dir, 'node_modules', 'npm', 'bin', 'npm-cli.js'), // Windows installs
    ];
    const npmLink = join(dir, 'npm');
    if (process.platform !== 'win32' && existsSync(npmLink)) {
      const target = realpathSync(npmLink); // /usr/bin/npm -> .../npm/bin/npm-cli.js
      if (basename(target) === 'npm-cli.js') return target;
    }
    const found = candidates.find((path) => existsSync(path));
    if (found) return found;
  }
  throw new Error(`npm-cli.js not found beside ${process.execPath} or on PATH`);
}

let npmCli: string | undefined;

/** The result of an npm run, with the command line for messages. */
export interface NpmResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** `npm install ...`, for assertion messages. */
  readonly command: string;
}

/**
 * The program and arguments that run `npm <args>` (or `npx <args>`) without a shell: npm's own
 * Node when npm started the tests (npm_node_execpath) — so the tests may run on a Node this npm
 * does not support — and npm's CLI script.
 *
 * @example
 * ```ts
 * const [file, args] = npmInvocation('npm', ['run', 'dev']);
 * spawn(file, args, {cwd: recipe});
 * ```
 */
export function npmInvocation(
  script: 'npm' | 'npx',
  args: readonly string[],
): [file: string, args: string[]] {
  npmCli ??= findNpmCli();
  const cli = script === 'npm' ? npmCli : join(dirname(npmCli), 'npx-cli.js');
  return [process.env.npm_node_execpath || process.execPath, [cli, ...args]];
}

function run(script: 'npm' | 'npx', args: readonly string[], cwd: string, env = {}): NpmResult {
  const [node, nodeArgs] = npmInvocation(script, args);
  const result: SpawnSyncReturns<string> = spawnSync(node, nodeArgs, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...NPM_QUIET, ...env },
    timeout: 300_000,
  });
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
    command: `${script} ${args.join(' ')}`,
  };
}

/**
 * Runs `npm <args>` in `cwd` with the npm that runs this Node (no shell), synchronously.
 *
 * @example
 * ```ts
 * const result = npm(['pack', '--json'], dir);
 * ```
 */
export function npm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): NpmResult {
  return run('npm', args, cwd, env);
}

/**
 * Runs `npx <args>` in `cwd` (no shell), synchronously.
 *
 * @example
 * ```ts
 * npx(['--no', 'portwarden', '--version'], consumer).stdout; // '0.1.0\n'
 * ```
 */
export function npx(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): NpmResult {
  return run('npx', args, cwd, env);
}

/** Environment for npm in tests: no update notice. */
export const NPM_QUIET = { npm_config_update_notifier: 'false' } as const;

/** npm install flags for tests: from the cache where it can, no audit, no funding notes. */
export const OFFLINE_FIRST = ['--prefer-offline', '--no-audit', '--no-fund'] as const;
