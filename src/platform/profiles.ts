import { DARWIN } from './darwin.ts';
import { FREEBSD } from './freebsd.ts';
import { LINUX } from './linux.ts';
import { otherPlatform } from './other.ts';
import type { PlatformProfile } from './profile.ts';
import { WIN32 } from './win32.ts';

/**
 * The profile of each operating system portwarden knows; any other gets {@link otherPlatform}.
 *
 * @example
 * ```ts
 * PLATFORMS.linux?.adapters[0]?.name; // 'ss+procfs' (passed over unless the machine is busy)
 * ```
 */
export const PLATFORMS: Readonly<Record<string, PlatformProfile>> = {
  linux: LINUX,
  darwin: DARWIN,
  freebsd: FREEBSD,
  win32: WIN32,
};

/**
 * The profile of the platform named as `process.platform` names it.
 *
 * @example
 * ```ts
 * platformProfile('linux').adapters.map((adapter) => adapter.name); // ['ss+procfs', 'procfs', 'ss', 'netstat', 'lsof']
 * ```
 */
export function platformProfile(name: string): PlatformProfile {
  return Object.hasOwn(PLATFORMS, name)
    ? (PLATFORMS[name] as PlatformProfile)
    : otherPlatform(name);
}

/**
 * Every adapter name any platform knows (for validating the `adapter` option).
 *
 * @example
 * ```ts
 * knownAdapterNames().has('ss'); // true
 * ```
 */
export function knownAdapterNames(): ReadonlySet<string> {
  const names = new Set<string>();
  for (const profile of [...Object.values(PLATFORMS), otherPlatform('other')]) {
    for (const adapter of profile.adapters) names.add(adapter.name);
  }
  return names;
}
