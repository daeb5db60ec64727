import type { Context } from '../core/context.ts';
import { type ProbeTarget, probeTargetNow } from '../core/in-use.ts';
import { pollUntil } from '../system/timing.ts';

/**
 * `waitForPort` on a resolved probe target: bind probes with backoff (5 ms up to 100 ms) until
 * the port is in use (`'in-use'`) or free (`'free'`), or the context's deadline passes.
 *
 * @example
 * ```ts
 * await waitUntil(target, 'in-use', createContext({deadline: performance.now() + 10000})); // true
 * ```
 */
export function waitUntil(
  target: ProbeTarget,
  until: 'free' | 'in-use',
  context: Context,
): Promise<boolean> {
  return pollUntil(
    async () => (await probeTargetNow(target, context)).inUse === (until === 'in-use'),
    context.deadline,
    { first: 5, max: 100, signal: context.signal },
  );
}
