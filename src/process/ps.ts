import { CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseDarwinPs } from '../parsers/ps.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { ProcessInfo, ProcessInfoSource } from './info.ts';

const debug = createLogger('portwarden:process:ps');

/**
 * The `ps` arguments for `pids`: one call for all of them. `-ww` stops ps from cutting `args` to
 * the terminal width (79 columns when stdout is a pipe); each `-o` names one column with an empty
 * header, so no header line is printed.
 *
 * @example
 * ```ts
 * psArguments([1, 42]);
 * // ['-ww', '-o', 'pid=', '-o', 'ppid=', '-o', 'uid=', '-o', 'user=', '-o', 'lstart=',
 * //  '-o', 'comm=', '-o', 'args=', '-p', '1,42']
 * ```
 */
export function psArguments(pids: readonly number[]): string[] {
  const columns = ['pid', 'ppid', 'uid', 'user', 'lstart', 'comm', 'args'];
  return ['-ww', ...columns.flatMap((column) => ['-o', `${column}=`]), '-p', pids.join(',')];
}

/**
 * {@link ProcessInfoSource} for macOS and other POSIX systems without `/proc`: one `ps` call for
 * every pid, in the C locale. ps exits 1 when some (or all) of the pids are gone; that is normal
 * and the gone ones are simply absent.
 *
 * @example
 * ```ts
 * const info = await psProcessInfo([45121], tools);
 * info.get(45121)?.name; // 'node'
 * ```
 */
export const psProcessInfo: ProcessInfoSource = async (pids, tools: ToolContext) => {
  const result = new Map<number, ProcessInfo>();
  const wanted = [...new Set(pids)].filter((pid) => Number.isInteger(pid) && pid > 0);
  if (wanted.length === 0) return result;
  const args = psArguments(wanted);
  const output = await tools.run('ps', args, toolRunOptions(tools, { LC_ALL: 'C' }));
  if (output.exitCode !== 0 && output.exitCode !== 1) {
    throw new CommandFailedError(
      `ps ${args.join(' ')}`,
      output.exitCode,
      output.stderr.toString('utf8'),
    );
  }
  for (const info of parseDarwinPs(output.stdout.toString('utf8'))) {
    if (wanted.includes(info.pid)) result.set(info.pid, info);
  }
  debug('%d of %d pids found', result.size, wanted.length);
  return result;
};
