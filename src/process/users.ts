import { readFileSync, statSync } from 'node:fs';

let cache: { mtimeMs: number; names: Map<number, string> } | undefined;

/**
 * Parses `/etc/passwd` into uid → user name.
 *
 * @example
 * ```ts
 * parsePasswd('root:x:0:0:root:/root:/bin/bash\n').get(0); // 'root'
 * ```
 */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [name, , uidText] = line.split(':');
    const uid = Number(uidText);
    if (name && uidText && Number.isInteger(uid) && !names.has(uid)) names.set(uid, name);
  }
  return names;
}

/**
 * The user name of a uid from `/etc/passwd` (cached until the file changes), or `null`.
 * Users from LDAP/NSS that are not in the file are `null`.
 *
 * @example
 * ```ts
 * lookupUserName(0); // 'root'
 * ```
 */
export function lookupUserName(uid: number, passwdPath = '/etc/passwd'): string | null {
  try {
    const { mtimeMs } = statSync(passwdPath);
    if (!cache || cache.mtimeMs !== mtimeMs) {
      cache = { mtimeMs, names: parsePasswd(readFileSync(passwdPath, 'utf8')) };
    }
    return cache.names.get(uid) ?? null;
  } catch {
    return null;
  }
}
