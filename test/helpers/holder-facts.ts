/**
 * Reads a live process's {@link HolderFacts} from Linux's /proc, as the wiring will: short name,
 * argv, parent chain, uid, cgroup, the manager-relevant environment variables. For the live
 * manager tests only (the library's own reader belongs to the process layer).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { HolderFacts, ProcessSummary } from '../../src/managers/types.ts';
import { parseEnviron } from '../../src/parsers/environ.ts';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `/proc/<pid>/cmdline` split at NUL bytes, without the empty strings a rewritten process title
 * leaves behind (`PM2 v7.0.4: God Daemon (/root/.pm2)\0\0\0...`).
 *
 * @example
 * ```ts
 * splitCmdline('node\0server.js\0\0\0'); // ['node', 'server.js']
 * ```
 */
export function splitCmdline(text: string): string[] {
  const argv = text.split('\0');
  while (argv.length > 0 && argv.at(-1) === '') argv.pop();
  return argv;
}

/**
 * The parent pid from `/proc/<pid>/stat` (field 4, after the parenthesised name that may hold
 * spaces and parentheses); `null` when unreadable.
 *
 * @example
 * ```ts
 * parentPid(process.pid); // process.ppid
 * ```
 */
export function parentPid(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

function summary(pid: number): ProcessSummary {
  const cmdline = read(`/proc/${pid}/cmdline`);
  return {
    pid,
    name: read(`/proc/${pid}/comm`)?.replace(/\n$/, '') ?? null,
    argv: cmdline === undefined ? null : splitCmdline(cmdline),
  };
}

/**
 * Everything {@link HolderFacts} holds about `pid` that /proc shows, plus the port under
 * examination and the caller's own cgroup.
 *
 * @example
 * ```ts
 * const facts = readProcFacts(holder.pid, {port});
 * detectManager(facts); // null for a plain node holder
 * ```
 */
export function readProcFacts(
  pid: number,
  extra: Partial<Pick<HolderFacts, 'port' | 'protocol' | 'coHolders'>> = {},
): HolderFacts {
  const ancestors: ProcessSummary[] = [];
  const ppid = parentPid(pid);
  for (let parent = ppid; parent !== null && parent > 0 && ancestors.length < 64; ) {
    ancestors.push(summary(parent));
    parent = parent === 1 ? null : parentPid(parent);
  }
  const uid = /^Uid:\s+(\d+)/m.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  const environ = read(`/proc/${pid}/environ`);
  const cgroup = read(`/proc/${pid}/cgroup`);
  const callerCgroup = read('/proc/self/cgroup');
  return {
    ...summary(pid),
    ppid,
    uid: uid === undefined ? null : Number(uid),
    ancestors,
    ...(cgroup === undefined ? {} : { cgroup }),
    ...(callerCgroup === undefined ? {} : { callerCgroup }),
    ...(environ === undefined ? {} : { environment: parseEnviron(environ) }),
    ...extra,
  };
}
