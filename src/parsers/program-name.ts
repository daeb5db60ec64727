/**
 * The name of the program a user started, from what the OS shows of a process.
 *
 * @module
 */

/** The last path segment, for `/` and `\` paths. */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/**
 * Names a process by the program that was started, not by its thread: Node 24 names its main
 * thread `MainThread`, and any program may rename it, so Linux's `comm` (a thread's name, cut to
 * 15 bytes) comes last. In order:
 * 1. the base name of `argv[0]` when it is one word (a path or a program name: `node`,
 *    `/usr/bin/python3`) — what the user typed;
 * 2. the base name of the executable (`/proc/<pid>/exe`), when `argv[0]` was rewritten into a
 *    process title (`nginx: master process ...`, `PM2 v6.0.5: God Daemon (...)`) or is empty;
 * 3. `comm`, where nothing better can be read (kernel threads, another user's process whose
 *    executable is hidden and whose title has spaces).
 * A login shell's leading `-` (`-bash`) is dropped.
 *
 * @example
 * ```ts
 * programName({argv0: '/usr/local/bin/node', exe: '/usr/local/bin/node', comm: 'MainThread'}); // 'node'
 * programName({argv0: 'nginx: master process /usr/sbin/nginx', exe: '/usr/sbin/nginx', comm: 'nginx'}); // 'nginx'
 * programName({argv0: null, exe: null, comm: 'kworker/0:1'}); // 'kworker/0:1'
 * ```
 */
export function programName(facts: {
  readonly argv0: string | null;
  readonly exe: string | null;
  readonly comm: string | null;
}): string | null {
  const argv0 = facts.argv0?.trim() ?? '';
  if (argv0 !== '' && !/\s/.test(argv0)) {
    const name = baseName(argv0).replace(/^-/, '');
    if (name !== '') return name;
  }
  // A deleted executable reads `/usr/bin/node (deleted)`.
  const exe = facts.exe?.replace(/ \(deleted\)$/, '') ?? '';
  if (exe !== '') {
    const name = baseName(exe);
    if (name !== '') return name;
  }
  return facts.comm === null || facts.comm === '' ? null : facts.comm;
}
