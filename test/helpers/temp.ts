/**
 * Temporary folders for tests that leave nothing behind: made under the run's folder
 * (`PORTWARDEN_TEST_TMPDIR`, which scripts/run-tests.mjs makes and removes) or the OS's temp
 * folder, and removed when the test process exits, whether its tests passed or failed.
 *
 * @module
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where this test process makes its temporary folders. */
export const TEST_TMPDIR = process.env.PORTWARDEN_TEST_TMPDIR ?? tmpdir();

const made = new Set<string>();
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * Makes a fresh folder `<TEST_TMPDIR>/<prefix>XXXXXX` that is removed when this process exits
 * (or earlier with {@link removeTempDir}). `mode` 0o755 lets other users (`nobody`) read it.
 *
 * @example
 * ```ts
 * const dir = makeTempDir('pw-fake-tools-');
 * ```
 */
export function makeTempDir(prefix: string, mode = 0o700): string {
  const dir = mkdtempSync(join(TEST_TMPDIR, prefix));
  chmodSync(dir, mode);
  made.add(dir);
  return dir;
}

/**
 * Removes a folder made by {@link makeTempDir} now.
 *
 * @example
 * ```ts
 * t.after(() => removeTempDir(dir));
 * ```
 */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}
