import { own } from '../input.ts';
import type { PlatformProfile } from '../platform/profile.ts';
import { platformProfile } from '../platform/profiles.ts';
import { runCommand } from '../system/runner.ts';
import type { ToolContext } from '../system/tools.ts';

/**
 * Milliseconds one tool may run before it counts as hung (never past the call's deadline).
 *
 * @example
 * ```ts
 * createContext({toolTimeout: DEFAULT_TOOL_TIMEOUT * 2}); // a slow machine
 * ```
 */
const DEFAULT_TOOL_TIMEOUT = 5000;

/**
 * What one public call runs with: the platform profile, and the tools (command runner, `/proc`
 * root, environment, the call's deadline and abort signal). Built once per call and reused by
 * everything the call does, polling loops included.
 *
 * @example
 * ```ts
 * const context: Context = createContext({deadline: performance.now() + 3000});
 * ```
 */
export interface Context extends ToolContext {
  readonly platform: PlatformProfile;
}

/**
 * What may be replaced in a {@link Context}: tests replay recorded tool output (`run`), point at
 * a fixture `/proc` tree (`procRoot`), or emulate another OS (`platform`, a profile or a name).
 *
 * @example
 * ```ts
 * const overrides: ContextOverrides = {platform: 'darwin', run: replay.run};
 * ```
 */
export interface ContextOverrides extends Partial<Omit<Context, 'platform'>> {
  readonly platform?: PlatformProfile | string;
}

/**
 * Builds a call's context: the real command runner, `/proc`, this platform's profile, no
 * deadline — unless overridden. The one place that reads `process.platform`. Only the overrides'
 * own properties count, so a polluted `Object.prototype` cannot redirect `/proc` or the runner.
 *
 * @example
 * ```ts
 * const context = createContext({platform: 'darwin', run: replayRunner});
 * ```
 */
export function createContext(overrides: ContextOverrides = {}): Context {
  const named = own(overrides, 'platform') ?? process.platform;
  const platform = typeof named === 'string' ? platformProfile(named) : named;
  return {
    platform,
    processGroups: platform.processGroups,
    run: own(overrides, 'run') ?? runCommand,
    procRoot: own(overrides, 'procRoot') ?? '/proc',
    env: own(overrides, 'env') ?? process.env,
    toolTimeout: own(overrides, 'toolTimeout') ?? DEFAULT_TOOL_TIMEOUT,
    deadline: own(overrides, 'deadline') ?? Number.POSITIVE_INFINITY,
    signal: own(overrides, 'signal'),
  };
}
