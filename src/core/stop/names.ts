import type { NameRules } from '../../platform/profile.ts';
import type { PortOwner } from '../../types.ts';

/**
 * Whether an owner's program is one of `names`: its name, or the base name of its `argv[0]`,
 * compared as the OS compares program names (case-insensitive and without `.exe` on Windows,
 * case-insensitive on macOS).
 *
 * @example
 * ```ts
 * matchesNames({name: 'node', argv: ['/usr/bin/node', 'server.js']}, ['node'], {caseInsensitive: false, suffix: null}); // true
 * matchesNames({name: 'Node.exe', argv: null}, ['node'], {caseInsensitive: true, suffix: '.exe'}); // true
 * ```
 */
export function matchesNames(
  owner: Pick<PortOwner, 'name' | 'argv'>,
  names: readonly string[],
  rules: NameRules,
): boolean {
  const fold = (text: string) => {
    let folded = rules.caseInsensitive ? text.toLowerCase() : text;
    const suffix = rules.caseInsensitive ? rules.suffix?.toLowerCase() : rules.suffix;
    if (suffix && folded.endsWith(suffix)) folded = folded.slice(0, -suffix.length);
    return folded;
  };
  const wanted = new Set(names.map(fold));
  const candidates = [owner.name, owner.argv?.[0]?.split(/[\\/]/).pop()];
  return candidates.some((candidate) => candidate && wanted.has(fold(candidate)));
}
