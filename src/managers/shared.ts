import type { HolderFacts } from './types.ts';

/**
 * A program name for matching: the last path segment, without a Windows `.exe`, lower-cased.
 *
 * @example
 * ```ts
 * programKey('C:\\Windows\\System32\\wslrelay.exe'); // 'wslrelay'
 * programKey('/usr/bin/docker-proxy'); // 'docker-proxy'
 * ```
 */
export function programKey(nameOrPath: string): string {
  const base = nameOrPath.split(/[\\/]/).at(-1) ?? nameOrPath;
  return base.replace(/\.exe$/i, '').toLowerCase();
}

/**
 * The names a holder goes by: its short name and its `argv[0]`, as {@link programKey}s.
 *
 * @example
 * ```ts
 * holderKeys({pid: 9, name: 'docker-proxy', argv: ['/usr/sbin/docker-proxy', '-proto', 'tcp'],
 *   ppid: 1, ancestors: []}); // Set {'docker-proxy'}
 * ```
 */
export function holderKeys(facts: Pick<HolderFacts, 'name' | 'argv'>): Set<string> {
  const keys = new Set<string>();
  if (facts.name) keys.add(programKey(facts.name));
  const first = facts.argv?.[0];
  if (first) keys.add(programKey(first));
  return keys;
}

/**
 * Quotes a word for a POSIX shell when it needs it, so that a hint can be pasted as it is.
 *
 * @example
 * ```ts
 * shellWord('api'); // 'api'
 * shellWord("my app's api"); // `'my app'\''s api'`
 * ```
 */
export function shellWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * `/udp` for a UDP port, nothing for TCP (Docker's and Podman's default).
 *
 * @example
 * ```ts
 * protocolSuffix('udp'); // '/udp'
 * ```
 */
export function protocolSuffix(protocol: HolderFacts['protocol']): string {
  return protocol === 'udp' ? '/udp' : '';
}
