import { CommandFailedError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { parseSockstat } from '../parsers/sockstat.ts';
import type { CommandRunner } from '../system/runner.ts';
import { type ToolContext, toolRunOptions } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';
import { matchesQuery } from './query.ts';

const debug = createLogger('portwarden:adapter:sockstat');

/**
 * Flags an older sockstat does not know: `-n` (numeric users, FreeBSD 13), `-w` (wide address
 * columns, 12), `-s` (connection state, 11). Each one that a sockstat rejects is left out.
 */
const OPTIONAL_FLAGS: readonly string[] = ['-n', '-s', '-w'];

/** FreeBSD getopt: `sockstat: illegal option -- n`, then the usage text, exit status 1. */
const ILLEGAL_OPTION = /illegal option -- (\S)/;
const OPTION_ERROR = /illegal option|invalid option|unknown option|^usage: sockstat/im;

/**
 * Optional flags each runner's sockstat rejected, so that the next read does not ask again. Keyed
 * by runner so that a test's replayed runner never affects the real one.
 */
const rejectedFlags = new WeakMap<CommandRunner, Set<string>>();

/**
 * The argument array `sockstat` is run with for `query` (never a shell string): IPv4 and IPv6
 * sockets (`-4 -6`, so no UNIX sockets), numeric users (`-n`), the TCP state (`-s`), unclipped
 * addresses (`-w`), the protocol(s) (`-P tcp`, `-P udp` or `-P tcp,udp`) and the port (`-p PORT`,
 * which sockstat matches at either end: the adapter keeps the rows the query asks for). Neither
 * `-l` nor `-c` is given, so sockstat lists both listening and connected sockets, TIME_WAIT
 * included. Flags in `without` (rejected by an older sockstat) are left out.
 *
 * @example
 * ```ts
 * sockstatArguments({port: 3000, protocol: 'tcp'});
 * // ['-4', '-6', '-n', '-s', '-w', '-P', 'tcp', '-p', '3000']
 * ```
 */
export function sockstatArguments(
  query: SocketQuery,
  without: ReadonlySet<string> = new Set(),
): string[] {
  const args = ['-4', '-6', ...OPTIONAL_FLAGS.filter((flag) => !without.has(flag))];
  args.push('-P', query.protocol ?? 'tcp,udp', '-p', String(query.port));
  return args;
}

/**
 * The optional flags to leave out after sockstat failed with `stderr`: the one it names
 * (`illegal option -- n`), every optional flag still given when it complains without naming one,
 * nothing when the failure is not about options (or names a flag that is not optional).
 */
function flagsToDrop(stderr: string, args: readonly string[]): string[] {
  const named = ILLEGAL_OPTION.exec(stderr)?.[1];
  const given = OPTIONAL_FLAGS.filter((flag) => args.includes(flag));
  if (named !== undefined) return given.includes(`-${named}`) ? [`-${named}`] : [];
  return OPTION_ERROR.test(stderr) ? given : [];
}

/**
 * Reads the socket table with FreeBSD's `sockstat` (base system, no privileges needed), parsed by
 * `parseSockstat`. Only the FreeBSD platform profile lists it: Linux and NetBSD ship different
 * programs by that name.
 *
 * `listsHiddenSockets: true` — what sockstat shows, and to whom (FreeBSD kernel sources:
 * `sysctl_kern_file` in sys/kern/kern_descrip.c, `cr_canseeinpcb` in sys/netinet/in_prot.c):
 * - It reads the pcb lists (`net.inet.tcp.pcblist`, `net.inet.udp.pcblist`) and the file table
 *   (`kern.file`). The kernel leaves out of both whatever the caller may not see: another user's
 *   sockets and processes when `security.bsd.see_other_uids=0` (or `see_other_gids=0`, or a MAC
 *   policy such as mac_seeotheruids), and everything outside the caller's jail. FreeBSD's
 *   defaults are `see_other_uids=1` and `see_other_gids=1`, so an unprivileged user sees every
 *   socket on the host with its owner, root's included; root always does.
 * - A socket no process holds (TIME_WAIT, kernel sockets such as NFS's) is listed with `?`/`??`
 *   owners (`owners: []`), so TIME_WAIT can be counted.
 * - So an empty answer means "nothing there" under the defaults, as root, or inside a jail for
 *   that jail. On a host hardened with `see_other_uids=0` (bsdinstall's "Hide processes running
 *   as other users"), an unprivileged caller does NOT see other users' sockets at all, not even
 *   as hidden rows: there an empty answer needs a bind probe to confirm.
 *
 * Options an older sockstat rejects (`-n` before 13, `-w` before 12, `-s` before 11) are dropped
 * one by one and remembered for the runner (as the ss adapter does for `-H`); without `-s`, a TCP
 * socket with no peer is taken as listening. A non-zero exit for any other reason is a
 * {@link CommandFailedError}; output in no sockstat layout is an `UnparseableOutputError`; a
 * missing `sockstat` is a `CommandNotFoundError`.
 *
 * @example
 * ```ts
 * const rows = await sockstatAdapter.read({port: 3000, protocol: 'tcp'}, createContext());
 * rows.filter((row) => row.state === 'LISTEN').flatMap((row) => row.owners.map((o) => o.pid));
 * ```
 */
export const sockstatAdapter: SocketTableAdapter = {
  name: 'sockstat',
  listsHiddenSockets: true,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    const rejected = rejectedFlags.get(tools.run) ?? new Set<string>();
    for (;;) {
      const args = sockstatArguments(query, rejected);
      const result = await tools.run('sockstat', args, toolRunOptions(tools));
      if (result.exitCode === 0) {
        const rows = parseSockstat(result.stdout.toString('utf8'), { port: query.port });
        return rows.filter((row) => matchesQuery(row, query));
      }
      const stderr = result.stderr.toString('utf8');
      const drop = flagsToDrop(stderr, args);
      if (drop.length === 0) {
        throw new CommandFailedError(`sockstat ${args.join(' ')}`, result.exitCode, stderr);
      }
      debug('sockstat rejected %o (%s): retrying without', drop, stderr.trim().split('\n')[0]);
      for (const flag of drop) rejected.add(flag);
      rejectedFlags.set(tools.run, rejected);
    }
  },
};
