/**
 * Pure parser for `/etc/passwd`.
 *
 * @module
 */

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
