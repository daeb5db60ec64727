/**
 * Platform profiles with a doctored stop strategy, for the failure paths of the stop tests.
 *
 * @module
 */
import { type Context, type ContextOverrides, createContext } from '../../src/core/context.ts';
import { LINUX } from '../../src/platform/linux.ts';
import { createPosixSignaller } from '../../src/process/posix-signaller.ts';
import { createPosixStrategy } from '../../src/process/posix-stop.ts';
import type { StopStrategy } from '../../src/process/stop-strategy.ts';

/**
 * The real POSIX strategy, except that every signal fails with the errno `code` and reaches
 * nothing: `'EPERM'` as for another user's process, `'ESRCH'` as for one that has just exited.
 *
 * @example
 * ```ts
 * const report = await killOwners(killSettings(port, {}), linuxWith(failingSignals('EPERM')));
 * report.failed[0]?.code; // 'EPERM'
 * ```
 */
export function failingSignals(code: 'EPERM' | 'ESRCH'): StopStrategy {
  return createPosixStrategy({
    source: { procfs: true },
    signaller: (tools, source) => ({
      ...createPosixSignaller(tools, source),
      signal: () => {
        throw Object.assign(new Error(`kill ${code}`), { code });
      },
    }),
  });
}

/**
 * A context on this Linux machine whose platform profile stops processes with `stop`.
 *
 * @example
 * ```ts
 * const context = linuxWith(failingSignals('EPERM'), {deadline: performance.now() + 5000});
 * ```
 */
export function linuxWith(stop: StopStrategy, overrides: ContextOverrides = {}): Context {
  return createContext({ ...overrides, platform: { ...LINUX, stop } });
}
