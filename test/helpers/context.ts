/**
 * The public functions, run with a context the test chooses: a replayed command runner, a fixture
 * `/proc`, another OS's profile, a doctored stop strategy. Each validates its input exactly as
 * the public function does (the same validators), then calls the same core function.
 *
 * @module
 */

import { forcedAdapter } from '../../src/api/common.ts';
import { ownerQuestion, probeQuestion } from '../../src/api/inspect.ts';
import type {
  FreeOptions,
  KillOptions,
  PortInUseOptions,
  ProcessesOptions,
} from '../../src/api/options.ts';
import { freeSettings, killSettings } from '../../src/api/stop.ts';
import { type ContextOverrides, createContext } from '../../src/core/context.ts';
import { probeTarget, probeTargetNow } from '../../src/core/in-use.ts';
import { inspect } from '../../src/core/inspect.ts';
import { portReport } from '../../src/core/port-report.ts';
import { freeOwners } from '../../src/core/stop/free.ts';
import { killOwners } from '../../src/core/stop/kill.ts';
import { hasTimeWait, timeWaitReport } from '../../src/core/time-wait.ts';
import { validatePort } from '../../src/input.ts';

/**
 * The public API bound to a context built from `overrides` (a fresh one per call, with the call's
 * own deadline where the public function has one).
 *
 * @example
 * ```ts
 * const darwin = withContext({platform: 'darwin', run: replay.run});
 * await darwin.getProcessesOnPort(port);
 * ```
 */
export function withContext(overrides: ContextOverrides) {
  const context = (maxWait?: number) =>
    createContext({
      ...overrides,
      ...(maxWait === undefined ? {} : { deadline: performance.now() + maxWait }),
    });
  const probePort = async (port: unknown, options?: PortInUseOptions) => {
    const { question } = probeQuestion(port, options);
    const callContext = context();
    return probeTargetNow(await probeTarget(question, callContext), callContext);
  };
  const freePort = async (port: unknown, options?: FreeOptions) => {
    const settings = freeSettings(port, options);
    return freeOwners(settings, context(settings.maxWait));
  };
  const timeWaitQuestion = (port: unknown, options?: { adapter?: string }) => ({
    port: validatePort(port),
    forcedAdapter: forcedAdapter(options?.adapter, overrides.env ?? process.env),
  });
  return {
    probePort,
    isPortInUse: async (port: unknown, options?: PortInUseOptions) =>
      (await probePort(port, options)).inUse,
    getProcessesOnPort: async (port: unknown, options?: ProcessesOptions) => [
      ...(await inspect(ownerQuestion(port, options).question, context())).owners,
    ],
    inspectPort: (port: unknown, options?: ProcessesOptions) =>
      portReport(ownerQuestion(port, options).question, context()),
    killProcessOnPort: (port: unknown, options?: KillOptions) =>
      killOwners(killSettings(port, options), context()),
    freePort,
    ensurePortFree: async (port: unknown, options?: FreeOptions) =>
      (await freePort(port, options)).free,
    checkPortTimeWait: (port: unknown, options?: { adapter?: string }) =>
      hasTimeWait(timeWaitQuestion(port, options), context()),
    inspectTimeWait: (port: unknown, options?: { adapter?: string }) =>
      timeWaitReport(timeWaitQuestion(port, options), context()),
  };
}
