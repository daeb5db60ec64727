/**
 * Stop strategies with a doctored signaller, for the failure paths of the stop tests.
 *
 * @module
 */
import { createPosixSignaller } from '../../src/stop/posix.ts';
import { createPosixStrategy } from '../../src/stop/posix-strategy.ts';
import type { StopStrategy } from '../../src/stop/strategies.ts';

/**
 * The real POSIX strategy, except that every signal fails with the errno `code` and reaches
 * nothing: `'EPERM'` as for another user's process, `'ESRCH'` as for one that has just exited.
 *
 * @example
 * ```ts
 * const report = await runKill(validateKillOptions(port, {}), {strategy: failingSignals('EPERM')});
 * report.failed[0]?.code; // 'EPERM'
 * ```
 */
export function failingSignals(code: 'EPERM' | 'ESRCH'): StopStrategy {
  return createPosixStrategy({
    signaller: (context) => ({
      ...createPosixSignaller(context),
      signal: () => {
        throw Object.assign(new Error(`kill ${code}`), { code });
      },
    }),
  });
}
