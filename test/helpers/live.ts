/**
 * Guards for the live tests (real processes, this machine's socket table): they run on every
 * OS, and skip — with the reason — only what this OS cannot do or show. Combine them with
 * {@link needs}.
 *
 * @module
 */

type Guard = { readonly skip: string | false };

const platform = process.platform;

/** Runs everywhere: the test uses nothing a particular OS lacks. */
export const EVERY_OS: Guard = { skip: false };

/**
 * The test handles or ignores SIGTERM/SIGINT in a holder, or expects signal names in a report.
 * Windows has no POSIX signals: a process cannot handle or ignore SIGTERM there, and
 * portwarden stops it with taskkill (the cross-OS version is test/live/every-os.test.ts).
 */
export const POSIX_SIGNALS: Guard = {
  skip:
    platform === 'win32' &&
    'POSIX signals: a Windows process cannot handle or ignore SIGTERM, and portwarden stops it with taskkill (see test/live/every-os.test.ts)',
};

/** Forked children that share a listening socket are each listed as its owners. */
export const SHARED_SOCKETS: Guard = {
  skip:
    platform === 'win32' &&
    'Windows lists one owning pid per socket (the process that created it): children that share it are not owners there',
};

/** The test expects Unix process names (`node`, `python3`; Windows says `node.exe`). */
export const UNIX_NAMES: Guard = {
  skip: platform === 'win32' && "Windows names processes with .exe ('node.exe')",
};

/** The socket table lists TIME_WAIT sockets. */
export const TIME_WAIT_LISTED: Guard = {
  skip: platform === 'darwin' && "macOS's netstat and lsof list no TIME_WAIT sockets",
};

/** The test reads /proc, or uses the Linux profile's /proc-backed adapters and strategies. */
export const PROC: Guard = {
  skip: platform !== 'linux' && 'reads /proc (Linux only)',
};

/**
 * The test asserts what Linux's adapters (procfs, ss, netstat, lsof) report, or Linux's bind
 * probe rules. The same scenarios with each OS's own adapters: test/live/every-os.test.ts.
 */
export const LINUX_TOOLS: Guard = {
  skip:
    platform !== 'linux' &&
    "asserts Linux's adapters (procfs, ss, netstat, lsof) and probe rules; each OS's own: test/live/every-os.test.ts",
};

/**
 * The first guard that skips, or none.
 *
 * @example
 * ```ts
 * test('forked children are stopped', needs(POSIX_SIGNALS, SHARED_SOCKETS), async () => {});
 * ```
 */
export function needs(...guards: readonly Guard[]): Guard {
  return { skip: guards.map((guard) => guard.skip).find(Boolean) || false };
}
