import { readFileSync, statSync } from 'node:fs';
import { parsePasswd } from '../parsers/passwd.ts';

let cache: { mtimeMs: number; names: Map<number, string> } | undefined;

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
