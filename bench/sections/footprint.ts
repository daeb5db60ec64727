/**
 * Installed footprint: `npm pack` the project into a temp folder, install the tarball into a
 * fresh temp project with `--omit=dev` (from the npm cache where it can: `--prefer-offline`), and
 * count the packages in node_modules and their bytes; once more with `--omit=optional` (no
 * pid-port); the same for get-port and kill-port at the versions installed here. Temp folders are removed afterwards.
 *
 * @module
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup, runProcess } from '../processes.ts';
import { ROOT, versionOf } from '../subjects.ts';

/** One installed package's footprint. */
export interface Footprint {
  readonly name: string;
  readonly spec: string;
  /** Packages in node_modules, the installed one included. */
  readonly packages: number;
  /** Bytes of every file under node_modules (apparent sizes). */
  readonly bytes: number;
  readonly error?: string;
}

/**
 * The row of portwarden installed without its optional dependency (pid-port, the last-resort
 * adapter of platforms without one of their own).
 */
export const OMIT_OPTIONAL = 'portwarden (--omit=optional)';

const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--no-update-notifier'];

/** Counts the packages under a node_modules folder (scoped and nested ones too). */
function countPackages(nodeModules: string): number {
  let count = 0;
  let entries: string[];
  try {
    entries = readdirSync(nodeModules);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of readdirSync(join(nodeModules, entry))) {
        count += 1 + countPackages(join(nodeModules, entry, scoped, 'node_modules'));
      }
      continue;
    }
    count += 1 + countPackages(join(nodeModules, entry, 'node_modules'));
  }
  return count;
}

/** Sums the sizes of every file under `path` (symbolic links not followed). */
function totalBytes(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  let sum = 0;
  for (const entry of readdirSync(path)) {
    if (path.endsWith('node_modules') && entry === '.package-lock.json') continue;
    sum += totalBytes(join(path, entry));
  }
  return sum;
}

async function npm(args: readonly string[], cwd: string): Promise<string> {
  const result = await runProcess('npm', args, { timeout: 180_000, cwd });
  if (result.code !== 0) {
    throw new Error(
      `npm ${args.join(' ')} exited ${result.code}: ${result.stderr.trim().slice(-400)}`,
    );
  }
  return result.stdout;
}

async function installInto(
  dir: string,
  name: string,
  spec: string,
  flags: readonly string[] = [],
): Promise<Footprint> {
  const folder = mkdtempSync(join(dir, `${name.replace(/\W+/g, '-')}-`));
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: 'footprint-probe', version: '1.0.0', private: true }),
  );
  try {
    await npm(['install', spec, '--omit=dev', ...flags, '--ignore-scripts', ...NPM_FLAGS], folder);
    const nodeModules = join(folder, 'node_modules');
    return { name, spec, packages: countPackages(nodeModules), bytes: totalBytes(nodeModules) };
  } catch (error) {
    return { name, spec, packages: 0, bytes: 0, error: (error as Error).message };
  }
}

/**
 * Measures the installed footprint of portwarden (packed from this checkout; build first),
 * get-port and kill-port.
 *
 * @example
 * ```ts
 * const rows = await measureFootprints((line) => console.error(line));
 * ```
 */
export async function measureFootprints(progress: (line: string) => void): Promise<Footprint[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-footprint-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onCleanup(remove);
  try {
    progress('  footprint: npm pack');
    const packed = await npm(
      ['pack', '--pack-destination', dir, '--ignore-scripts', '--silent'],
      ROOT,
    );
    const tarball = join(dir, packed.trim().split('\n').pop() as string);
    const rows: Footprint[] = [];
    for (const [name, spec, flags] of [
      ['portwarden', tarball, []],
      [OMIT_OPTIONAL, tarball, ['--omit=optional']],
      ['get-port', `get-port@${versionOf('get-port')}`, []],
      ['kill-port', `kill-port@${versionOf('kill-port')}`, []],
    ] as const) {
      progress(`  footprint: npm install ${name}`);
      rows.push(await installInto(dir, name, spec, flags));
    }
    return rows;
  } finally {
    remove();
    unregister();
  }
}
