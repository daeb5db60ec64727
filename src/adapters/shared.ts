import { UnsupportedPlatformError } from '../errors.ts';
import type { RunOptions } from '../runner.ts';
import type { SocketRow } from '../types.ts';
import type { AdapterContext, SocketQuery } from './types.ts';

/**
 * Whether a row answers the query: its protocol, and its local port (or its remote port, when
 * the query includes remote rows). Port numbers are compared as numbers, so 80 never matches 8080.
 *
 * @example
 * ```ts
 * rows.filter((row) => matchesQuery(row, {port: 80, protocol: 'tcp'}));
 * ```
 */
export function matchesQuery(row: SocketRow, query: SocketQuery): boolean {
  if (query.protocol !== undefined && row.protocol !== query.protocol) return false;
  return (
    row.localPort === query.port || (query.includeRemote === true && row.remotePort === query.port)
  );
}

/**
 * The options a tool runs with in `context`: its timeout, abort signal and environment (with
 * `extraEnv` on top, e.g. `{LC_ALL: 'C'}`).
 *
 * @example
 * ```ts
 * await context.run('ss', args, toolRunOptions(context));
 * ```
 */
export function toolRunOptions(context: AdapterContext, extraEnv?: NodeJS.ProcessEnv): RunOptions {
  return {
    timeout: context.timeout,
    env: extraEnv ? { ...context.env, ...extraEnv } : context.env,
    ...(context.signal ? { signal: context.signal } : {}),
  };
}

/**
 * Throws {@link UnsupportedPlatformError} unless the context serves `platform`: an adapter for one
 * OS's tool never runs another OS's namesake (macOS `netstat -anv` is not Windows `netstat -ano`).
 *
 * @example
 * ```ts
 * requirePlatform(context, 'darwin', 'macOS netstat');
 * ```
 */
export function requirePlatform(
  context: AdapterContext,
  platform: NodeJS.Platform,
  source: string,
): void {
  if (context.platform !== platform) {
    throw new UnsupportedPlatformError(
      context.platform,
      `The ${source} adapter reads ${platform}'s tool, not ${context.platform}'s`,
    );
  }
}
