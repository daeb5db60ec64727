import { readFileSync, statSync } from 'node:fs';
import { parsePasswd } from '../parsers/passwd.ts';

/** The last file read, by path and modification time (and size: an edit in the same ms). */
let cache: { path: string; mtimeMs: number; size: number; names: Map<number, string> } | undefined;

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
    const { mtimeMs, size } = statSync(passwdPath);
    if (!cache || cache.path !== passwdPath || cache.mtimeMs !== mtimeMs || cache.size !== size) {
      cache = {
        path: passwdPath,
        mtimeMs,
        size,
        names: parsePasswd(readFileSync(passwdPath, 'utf8')),
      };
    }
    return cache.names.get(uid) ?? null;
  } catch {
    return null;
  }
}
