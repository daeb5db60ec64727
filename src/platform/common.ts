/**
 * Values several platform profiles share.
 *
 * @module
 */

/**
 * The addresses a server started with `listen(port)` or `listen(port, '127.0.0.1' | '::1' |
 * '0.0.0.0' | '::')` would use: what a bind probe tries when no host is given.
 *
 * @example
 * ```ts
 * WILDCARDS_AND_LOOPBACKS; // ['::', '0.0.0.0', '127.0.0.1', '::1']
 * ```
 */
export const WILDCARDS_AND_LOOPBACKS: readonly string[] = ['::', '0.0.0.0', '127.0.0.1', '::1'];

/**
 * Ctrl+C (SIGINT), service managers and `kill` (SIGTERM), nodemon's restart (SIGUSR2).
 *
 * @example
 * ```ts
 * POSIX_SHUTDOWN_SIGNALS; // ['SIGINT', 'SIGTERM', 'SIGUSR2']
 * ```
 */
export const POSIX_SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGUSR2'];

/**
 * What to tell someone who cannot see or stop another user's process on a POSIX system.
 *
 * @example
 * ```ts
 * POSIX_PRIVILEGE_HINT('postgres'); // 'run as root (sudo) or as postgres'
 * ```
 */
export function POSIX_PRIVILEGE_HINT(user: string | null): string {
  if (user === 'root') return 'run as root (sudo)';
  return `run as root (sudo) or as ${user ?? 'the owning user'}`;
}
