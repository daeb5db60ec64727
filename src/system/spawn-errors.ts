import {
  CommandNotFoundError,
  PortwardenError,
  SpawnFailedError,
  type SpawnFailureReason,
} from '../errors.ts';

const REASONS: ReadonlyMap<string, SpawnFailureReason> = new Map<string, SpawnFailureReason>([
  ['EACCES', 'permission-denied'],
  ['EPERM', 'permission-denied'],
  ['EMFILE', 'out-of-resources'],
  ['ENFILE', 'out-of-resources'],
  ['EAGAIN', 'out-of-resources'],
  ['ENOMEM', 'out-of-resources'],
  ['E2BIG', 'invalid-arguments'],
  ['ENAMETOOLONG', 'invalid-arguments'],
  ['ENOTDIR', 'invalid-arguments'],
  ['EINVAL', 'invalid-arguments'],
  ['ERR_INVALID_ARG_TYPE', 'invalid-arguments'],
  ['ERR_INVALID_ARG_VALUE', 'invalid-arguments'],
]);

/**
 * The typed error for a failure to start `command` (a synchronous throw of `spawn` or the
 * child's `'error'` event before it ran): `ENOENT` is a {@link CommandNotFoundError}, everything
 * else a {@link SpawnFailedError} whose `reason` classifies the system code. The raw error is kept
 * as `cause`; a {@link PortwardenError} is returned as it is.
 *
 * @example
 * ```ts
 * toSpawnError('ss', Object.assign(new Error('spawn ss EMFILE'), {code: 'EMFILE'}));
 * // SpawnFailedError {code: 'ERR_SPAWN_FAILED', reason: 'out-of-resources', errno: 'EMFILE'}
 * ```
 */
export function toSpawnError(command: string, error: unknown): PortwardenError {
  if (error instanceof PortwardenError) return error;
  const errno = systemCode(error);
  if (errno === 'ENOENT') return new CommandNotFoundError(command, { cause: error });
  const reason = (errno !== undefined && REASONS.get(errno)) || 'other';
  return new SpawnFailedError(command, reason, errno, { cause: error });
}

function systemCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
