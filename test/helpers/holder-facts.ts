/**
 * A live process's {@link HolderFacts} from Linux's /proc, read by the library's own reader
 * (src/process/linux-facts.ts), for the live manager tests.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { HolderFacts } from '../../src/managers/types.ts';
import { readLinuxFacts } from '../../src/process/linux-facts.ts';

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
 * Everything {@link HolderFacts} holds about `pid` that /proc shows, plus the port under
 * examination (and co-holders), as the library reads it.
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
  const facts = readLinuxFacts(pid, '/proc', readFileSync('/proc/self/cgroup', 'utf8'));
  if (!facts) throw new Error(`pid ${pid} is gone`);
  return { ...facts, ...extra };
}
