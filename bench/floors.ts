/**
 * The floors: the least this machine lets any program pay for an answer, written here in the
 * plainest way, independent of the library's code.
 *
 * - "who holds P": spawning `ss -Htlnp sport = :P` (netlink, port filtered in the kernel), and a
 *   synchronous procfs scan (read `/proc/net/tcp{,6}`, parse only the port's rows, readlink every
 *   `/proc/<pid>/fd/*`), the latter also split into its phases for "where the time goes";
 * - "is P in use": one exclusive bind on `::`.
 *
 * @module
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { canBind } from './ports.ts';
import { runProcess } from './processes.ts';

/** How the `ss` floor is named in the report (the port written as P). */
export const SS_FLOOR_NAME = 'spawn ss -Htlnp sport = :P';

/** The `ss` arguments of the floor: listening TCP sockets of local port `port`, with processes. */
function ssArgs(port: number): string[] {
  return ['-Htlnp', 'sport', '=', `:${port}`];
}

/** The pids in `ss -p` output (`users:(("node",pid=4242,fd=21))`). */
function pidsInSsOutput(stdout: string): number[] {
  return [...new Set([...stdout.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1])))];
}

/**
 * Floor: spawns `ss -Htlnp sport = :P` and returns the pids it names.
 *
 * @example
 * ```ts
 * await ssOwners(3000); // [4242]
 * ```
 */
export async function ssOwners(port: number): Promise<number[]> {
  const result = await runProcess('ss', ssArgs(port), { timeout: 15_000 });
  if (result.code !== 0) throw new Error(`ss exited ${result.code}: ${result.stderr.trim()}`);
  return pidsInSsOutput(result.stdout);
}

/** Reads `/proc/net/<file>` synchronously ('' when it does not exist, e.g. no IPv6). */
export function readProcNet(file: string): string {
  try {
    return readFileSync(`/proc/net/${file}`, 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Same as {@link readProcNet}, off the event loop (libuv's thread pool). */
export async function readProcNetAsync(file: string): Promise<string> {
  try {
    return await readFile(`/proc/net/${file}`, 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * The inodes of the LISTEN rows whose local port is `port`, looking only at the lines that
 * contain `:PORT ` in hex (the cheapest parse: no line of another port is split).
 */
export function listeningInodes(text: string, port: number): number[] {
  const needle = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const inodes: number[] = [];
  let at = text.indexOf(needle);
  while (at !== -1) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = text.length;
    const fields = text.slice(lineStart, lineEnd).trim().split(/\s+/);
    // sl local remote st tx:rx tr:when retrnsmt uid timeout inode
    if (fields[1]?.endsWith(needle.trimEnd()) && fields[3] === '0A') {
      const inode = Number(fields[9]);
      if (inode > 0) inodes.push(inode);
    }
    at = text.indexOf(needle, lineEnd);
  }
  return inodes;
}

/**
 * A naive full parse, for comparison: every row split into its fields and its local port decoded
 * (what a parser that does not look for the port first pays). Returns the number of rows.
 */
export function parseEveryRow(text: string): number {
  let rows = 0;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const local = fields[1] as string;
    const port = Number.parseInt(local.slice(local.indexOf(':') + 1), 16);
    if (port >= 0) rows++;
  }
  return rows;
}

/** What a scan of every `/proc/<pid>/fd` found. */
export interface FdScan {
  readonly pids: number[];
  readonly processes: number;
  readonly links: number;
}

/** Scans every `/proc/<pid>/fd` synchronously for `socket:[inode]` links to `inodes`. */
export function scanFds(inodes: ReadonlySet<number>): FdScan {
  const pids: number[] = [];
  let processes = 0;
  let links = 0;
  for (const entry of readdirSync('/proc')) {
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    processes++;
    const directory = `/proc/${entry}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(directory);
    } catch {
      continue;
    }
    for (const fd of fds) {
      links++;
      let target: string;
      try {
        target = readlinkSync(`${directory}/${fd}`);
      } catch {
        continue;
      }
      if (!target.startsWith('socket:[')) continue;
      if (inodes.has(Number(target.slice(8, -1))) && !pids.includes(Number(entry))) {
        pids.push(Number(entry));
      }
    }
  }
  return { pids, processes, links };
}

/**
 * Floor: the synchronous procfs scan — both `/proc/net/tcp` files, the port's LISTEN rows, every
 * process's fd links. Returns the owning pids.
 *
 * @example
 * ```ts
 * syncProcfsOwners(3000); // [4242]
 * ```
 */
export function syncProcfsOwners(port: number): number[] {
  const inodes = new Set([
    ...listeningInodes(readProcNet('tcp'), port),
    ...listeningInodes(readProcNet('tcp6'), port),
  ]);
  if (inodes.size === 0) return [];
  return scanFds(inodes).pids;
}

/** Floor: one exclusive bind on `::` (on Linux a dual-stack bind conflicts with any listener). */
export async function bindProbeInUse(port: number): Promise<boolean> {
  return !(await canBind(port, '::'));
}
