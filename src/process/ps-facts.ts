import { createLogger } from '../log.ts';
import type { ProcessSummary } from '../managers/types.ts';
import type { ProcessInfo } from '../parsers/process-info.ts';
import { parseDarwinPs } from '../parsers/ps.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { BaseFacts, HolderFactsSource } from './facts.ts';

const debug = createLogger('portwarden:process:ps');

/** Deepest parent chain followed; a longer one is a loop in stale data. */
const MAX_ANCESTORS = 64;

function summary(info: ProcessInfo): ProcessSummary {
  return {
    pid: info.pid,
    name: info.name,
    argv: info.commandLine === null ? null : [info.commandLine],
  };
}

/**
 * {@link HolderFactsSource} for macOS and other systems without `/proc`: one
 * `ps -A -ww -o pid=,ppid=,uid=,user=,lstart=,comm=,args=` (C locale) for the whole process table,
 * from which each holder's name, command line (as one string: ps joins the arguments), uid and
 * parent chain are read. No environment (ps shows it only for one's own processes, mixed into the
 * command line) and no cgroup. A failing ps leaves the facts empty, never throws.
 *
 * @example
 * ```ts
 * (await psHolderFacts([512], tools)).get(512)?.name; // 'ControlCenter'
 * ```
 */
export const psHolderFacts: HolderFactsSource = async (pids, tools: ToolContext) => {
  const result = new Map<number, BaseFacts>();
  if (pids.length === 0) return result;
  const columns = ['pid', 'ppid', 'uid', 'user', 'lstart', 'comm', 'args'];
  const args = ['-A', '-ww', ...columns.flatMap((column) => ['-o', `${column}=`])];
  let table: Map<number, ProcessInfo>;
  try {
    const output = await tools.run('ps', args, toolRunOptions(tools, { LC_ALL: 'C' }));
    table = new Map(parseDarwinPs(output.stdout.toString('utf8')).map((info) => [info.pid, info]));
  } catch (error) {
    debug('ps for manager facts failed: %s', (error as Error).message);
    return result;
  }
  for (const pid of new Set(pids)) {
    const info = table.get(pid);
    if (!info) continue;
    const ancestors: ProcessSummary[] = [];
    for (
      let parent = info.ppid;
      parent !== null && parent > 0 && ancestors.length < MAX_ANCESTORS;
    ) {
      const parentInfo = table.get(parent);
      if (!parentInfo) break;
      ancestors.push(summary(parentInfo));
      parent = parent === 1 ? null : parentInfo.ppid;
    }
    result.set(pid, { ...summary(info), ppid: info.ppid, uid: info.uid, ancestors });
  }
  return result;
};
