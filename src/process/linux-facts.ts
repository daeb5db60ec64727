import { readFileSync } from 'node:fs';
import type { ProcessSummary } from '../managers/types.ts';
import { parseEnviron } from '../parsers/environ.ts';
import { parseProcStat } from '../parsers/proc-stat.ts';
import type { ToolContext } from '../system/tools.ts';
import type { BaseFacts, HolderFactsSource } from './facts.ts';

/** Deepest parent chain followed; a longer one is a loop in stale data. */
const MAX_ANCESTORS = 64;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `cmdline` split at NUL bytes, without the empty strings a rewritten process title leaves. */
function argvOf(cmdline: string | undefined): string[] | null {
  if (cmdline === undefined) return null;
  const argv = cmdline.split('\0');
  while (argv.length > 0 && argv.at(-1) === '') argv.pop();
  return argv;
}

function summary(pid: number, procRoot: string): ProcessSummary {
  return {
    pid,
    // The thread name as the detectors know it (pm2's daemon: `PM2 v7.0.4: God`).
    name: read(`${procRoot}/${pid}/comm`)?.replace(/\n$/, '') ?? null,
    argv: argvOf(read(`${procRoot}/${pid}/cmdline`)),
  };
}

function parentOf(pid: number, procRoot: string): number | null {
  const stat = read(`${procRoot}/${pid}/stat`);
  return stat === undefined ? null : (parseProcStat(stat)?.ppid ?? null);
}

/**
 * The manager facts of one process from `/proc` (see {@link linuxHolderFacts}); `undefined` when
 * it is gone. `callerCgroup` is the caller's own `/proc/self/cgroup`, read once per call.
 *
 * @example
 * ```ts
 * readLinuxFacts(4242, '/proc', readFileSync('/proc/self/cgroup', 'utf8'))?.cgroup;
 * ```
 */
export function readLinuxFacts(
  pid: number,
  procRoot: string,
  callerCgroup: string | undefined,
): BaseFacts | undefined {
  const ppid = parentOf(pid, procRoot);
  if (ppid === null && read(`${procRoot}/${pid}/stat`) === undefined) return undefined;
  const ancestors: ProcessSummary[] = [];
  for (let parent = ppid; parent !== null && parent > 0 && ancestors.length < MAX_ANCESTORS; ) {
    ancestors.push(summary(parent, procRoot));
    parent = parent === 1 ? null : parentOf(parent, procRoot);
  }
  const uid = /^Uid:\s+(\d+)/m.exec(read(`${procRoot}/${pid}/status`) ?? '')?.[1];
  const environ = read(`${procRoot}/${pid}/environ`);
  const cgroup = read(`${procRoot}/${pid}/cgroup`);
  return {
    ...summary(pid, procRoot),
    ppid,
    uid: uid === undefined ? null : Number(uid),
    ancestors,
    ...(cgroup === undefined ? {} : { cgroup }),
    ...(callerCgroup === undefined ? {} : { callerCgroup }),
    ...(environ === undefined ? {} : { environment: parseEnviron(environ) }),
  };
}

/**
 * {@link HolderFactsSource} for Linux, from `/proc` alone: name (`comm`), argv, the parent chain
 * up to pid 1, uid, `cgroup` (the systemd unit, a container), the manager-relevant environment
 * variables (pm2's `pm_id`/`name`, `LISTEN_FDNAMES`; only readable for one's own processes or as
 * root), and the caller's own cgroup.
 *
 * @example
 * ```ts
 * (await linuxHolderFacts([4242], tools)).get(4242)?.ancestors[0]?.name; // 'PM2 v7.0.4: God'
 * ```
 */
export const linuxHolderFacts: HolderFactsSource = async (pids, tools: ToolContext) => {
  const callerCgroup = read(`${tools.procRoot}/self/cgroup`);
  const result = new Map<number, BaseFacts>();
  for (const pid of new Set(pids)) {
    const facts = readLinuxFacts(pid, tools.procRoot, callerCgroup);
    if (facts) result.set(pid, facts);
  }
  return result;
};
