import { readFileSync } from 'node:fs';
import type { AdapterContext } from '../adapters/types.ts';
import type { ProcessInfo, ProcessInfoSource } from './types.ts';
import { lookupUserName } from './users.ts';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Parses `/proc/<pid>/stat`: the name sits in parentheses and may itself contain spaces and
 * parentheses, so fields are counted from the *last* `)`. Returns the parent pid (field 4) and the
 * start time in clock ticks since boot (field 22), which identifies a process across pid reuse.
 *
 * @example
 * ```ts
 * parseProcStat('4242 (node) S 1 4242 ... 123456 ...'); // {ppid: 1, startTime: '123456'}
 * ```
 */
export function parseProcStat(text: string): { ppid: number; startTime: string } | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // fields[0] is field 3 (state); field N is fields[N - 3].
  const ppid = Number(fields[1]);
  const startTime = fields[19];
  if (!Number.isInteger(ppid) || startTime === undefined || !/^[0-9]+$/.test(startTime))
    return undefined;
  return { ppid, startTime };
}

/**
 * Reads one process from `/proc/<pid>`: comm, cmdline (NUL-separated), real uid from `status`,
 * ppid and start time from `stat`. `undefined` when the process is gone.
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
  const comm = readText(`${base}/comm`)?.replace(/\n$/, '') ?? null;
  const rawCmdline = readText(`${base}/cmdline`);
  let argv: string[] | null = null;
  if (rawCmdline !== undefined && rawCmdline.length > 0) {
    argv = rawCmdline.replace(/\0+$/, '').split('\0');
  }
  const status = readText(`${base}/status`);
  const uidMatch = status ? /^Uid:\s+(\d+)/m.exec(status) : null;
  const uid = uidMatch ? Number(uidMatch[1]) : null;
  return {
    pid,
    name: comm,
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
 * const info = await linuxProcessInfo([4242], createContext());
 * info.get(4242)?.commandLine; // 'node server.js'
 * ```
 */
export const linuxProcessInfo: ProcessInfoSource = async (pids, context: AdapterContext) => {
  const result = new Map<number, ProcessInfo>();
  for (const pid of pids) {
    const info = readLinuxProcess(pid, context.procRoot);
    if (info) result.set(pid, info);
  }
  return result;
};
