import { readFileSync, readlinkSync } from 'node:fs';
import { parseProcStat } from '../parsers/proc-stat.ts';
import { programName } from '../parsers/program-name.ts';
import type { ToolContext } from '../system/tools.ts';
import type { ProcessInfo, ProcessInfoSource } from './info.ts';
import { lookupUserName } from './users.ts';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/**
 * Reads one process from `/proc/<pid>`: cmdline (NUL-separated), the executable, comm, the real
 * uid from `status`, ppid and start time from `stat`. The name is the program's (see
 * {@link programName}), never only a thread's. `undefined` when the process is gone.
 *
 * @example
 * ```ts
 * readLinuxProcess(process.pid, '/proc')?.name; // 'node'
 * ```
 */
export function readLinuxProcess(pid: number, procRoot = '/proc'): ProcessInfo | undefined {
  const base = `${procRoot}/${pid}`;
  const stat = readText(`${base}/stat`);
  if (stat === undefined) return undefined;
  const parsedStat = parseProcStat(stat);
  const rawCmdline = readText(`${base}/cmdline`);
  let argv: string[] | null = null;
  if (rawCmdline !== undefined && rawCmdline.length > 0) {
    argv = rawCmdline.replace(/\0+$/, '').split('\0');
  }
  const comm = readText(`${base}/comm`)?.replace(/\n$/, '') ?? null;
  const status = readText(`${base}/status`);
  const uidMatch = status ? /^Uid:\s+(\d+)/m.exec(status) : null;
  const uid = uidMatch ? Number(uidMatch[1]) : null;
  return {
    pid,
    name: programName({ argv0: argv?.[0] ?? null, exe: readLink(`${base}/exe`), comm }),
    argv,
    commandLine: argv ? argv.join(' ') : null,
    uid,
    user: uid === null ? null : lookupUserName(uid),
    ppid: parsedStat?.ppid ?? null,
    startTime: parsedStat?.startTime ?? null,
  };
}

/**
 * {@link ProcessInfoSource} for Linux: everything from /proc, no subprocess.
 *
 * @example
 * ```ts
 * const info = await linuxProcessInfo([4242], tools);
 * info.get(4242)?.commandLine; // 'node server.js'
 * ```
 */
export const linuxProcessInfo: ProcessInfoSource = async (pids, tools: ToolContext) => {
  const result = new Map<number, ProcessInfo>();
  for (const pid of pids) {
    const info = readLinuxProcess(pid, tools.procRoot);
    if (info) result.set(pid, info);
  }
  return result;
};
