/**
 * The environment variables the manager detectors read, and nothing else: a holder's environment
 * can hold secrets, so only these are ever kept in memory or passed on.
 *
 * - pm2 sets `pm_id`, `name` and `PM2_HOME` in every app it starts;
 * - `HOME` tells whether `PM2_HOME` is the default `~/.pm2`;
 * - launchd sets `XPC_SERVICE_NAME` to a job's label (`0` in a Terminal shell);
 * - systemd socket activation passes `LISTEN_PID`, `LISTEN_FDS`, `LISTEN_FDNAMES`; every
 *   service process gets `INVOCATION_ID`.
 *
 * @example
 * ```ts
 * MANAGER_ENV_KEYS.includes('pm_id'); // true
 * ```
 */
export const MANAGER_ENV_KEYS: readonly string[] = [
  'pm_id',
  'name',
  'PM2_HOME',
  'HOME',
  'XPC_SERVICE_NAME',
  'LISTEN_PID',
  'LISTEN_FDS',
  'LISTEN_FDNAMES',
  'INVOCATION_ID',
];

/**
 * Parses `/proc/<pid>/environ` (`KEY=value` entries, each ended by a NUL byte) and keeps only
 * `keys`. The first entry of a key wins (as `getenv` does); entries without `=` and a last entry
 * cut short without its NUL are kept as read. Decode the file as UTF-8 or latin1 before calling:
 * this function does no I/O.
 *
 * @example
 * ```ts
 * parseEnviron('PATH=/usr/bin\0pm_id=0\0name=api\0', ['pm_id', 'name']);
 * // {pm_id: '0', name: 'api'}
 * ```
 */
export function parseEnviron(
  text: string,
  keys: readonly string[] = MANAGER_ENV_KEYS,
): Record<string, string> {
  const wanted = new Set(keys);
  const result: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    const equals = entry.indexOf('=');
    if (equals <= 0) continue;
    const key = entry.slice(0, equals);
    if (!wanted.has(key) || Object.hasOwn(result, key)) continue;
    result[key] = entry.slice(equals + 1);
  }
  return result;
}
