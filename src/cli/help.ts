/**
 * The help texts of the command line.
 *
 * @module
 */
import type { CommandName } from './usage-error.ts';
import { DEFAULT_WAIT_TIMEOUT } from './values.ts';

const SHARED_HELP = `  --protocol tcp|udp     default tcp; udp looks at bound UDP sockets
  --adapter <name>       force a socket-table source (procfs, ss, netstat, lsof, ...);
                         default: $PORTWARDEN_ADAPTER, else the first that works
  -q, --quiet            print nothing but errors (the exit status says the rest)
  -h, --help             this help`;

const COMMON_HELP = `Options for every command:
  --json                 one JSON document on stdout (status lines still go to stderr;
                         with -q only the document)
${SHARED_HELP}`;

const EXIT_HELP = `Exit status:
  0  done: free / freed / reached / answered
  1  in use (check), still held at the end (kill, free), timed out (wait)
  2  bad usage (bad port, unknown option); nothing was done
  3  could not determine (no socket-table source works here, a tool failed)
  130 interrupted (wait)
  run exits with the command's own status (128 + signal number when a signal ended it)`;

const HELP: Readonly<Record<CommandName | 'global', string>> = {
  global: `portwarden — ends "port already in use"

Usage:
  portwarden who <port...>       who holds the ports (alias: list)
  portwarden check <port...>     exit 0 when every port is free, 1 when one is in use
  portwarden kill <port...>      stop the processes that hold the ports
  portwarden free <port...>      stop the holders and wait until the ports are free
  portwarden wait <port...> [--until free|in-use] [--timeout <ms>]
  portwarden run --port <port>... -- <command> [args...]
                                 free the ports, run the command, and leave nothing behind

  portwarden <command> --help    options of a command
  portwarden --version

Examples:
  portwarden who 3000
  portwarden free 3000 5173 --grace 2000
  portwarden wait 8080 --until in-use --timeout 20s && open http://localhost:8080
  portwarden run --port 3000 -- npm run dev

${COMMON_HELP}

Durations are milliseconds, or a number with ms, s or m (500, 2s, 1.5m).
Colour only on a terminal; never with NO_COLOR or --json.

${EXIT_HELP}
`,
  who: `Usage: portwarden who <port...> [options]   (alias: list)

Shows who holds each port: pid, name, user, address, protocol/state and command line, plus the
TCP connections on the port (ESTABLISHED, TIME_WAIT, ...). An owner portwarden may not see
(another user's process) is listed as hidden; run as root or as its owner to see it.

${COMMON_HELP}

Exit status: 0 answered, 2 bad usage, 3 could not determine.
`,
  check: `Usage: portwarden check <port...> [options]

Exit status 0 when a Node server could listen on every port now, 1 when one is in use.
Decided by bind probes (no subprocess); prints one line per port unless --json.

  --host <address>       only this address (default: every address listen(port) would use)

${COMMON_HELP}

Exit status: 0 all free, 1 one in use, 2 bad usage, 3 could not determine.
`,
  kill: `Usage: portwarden kill <port...> [options]

Stops the processes that hold the ports (never a connected client, never portwarden itself or
its parents, never pid 0 or 1): the polite signal first, SIGKILL after the grace period.

  -s, --signal <name>    polite signal (default SIGTERM); TERM, INT, HUP, 15 ... are accepted
  -g, --grace <ms>       time between the polite signal and SIGKILL (default 5000)
  -f, --force            SIGKILL at once
  -n, --dry-run          show what would be stopped, stop nothing
      --filter <name>    only stop processes with this name (repeatable: any of them)
      --host <address>   only the holders in the way of this address (default: every
                         address listen(port) would use)
      --managed <mode>   skip (default): a holder that Docker, systemd, launchd, pm2 or a
                         Windows service runs is left alone, with the command that stops it
                         properly; signal: stop it like any other holder

${COMMON_HELP}

Ctrl-C stops waiting and sends no further signal: what was done is printed (valid JSON
under --json) and the exit status is 130.

Exit status: 0 every port free at the end (--dry-run: answered), 1 a port still held (a
managed holder: with its manager's hint), 2 bad usage, 3 could not determine, 130 interrupted.
`,
  free: `Usage: portwarden free <port...> [options]

Makes the ports free: stops their holders as kill does, then waits until a Node server could
listen on each port. Made for package.json scripts: "predev": "portwarden free 3000".

  -s, --signal <name>    polite signal (default SIGTERM)
  -g, --grace <ms>       time between the polite signal and SIGKILL (default 5000)
  -f, --force            SIGKILL at once
  -w, --max-wait <ms>    give up after this long in all (default 15000)
  -n, --dry-run          show what would be stopped, stop nothing
      --filter <name>    only stop processes with this name (repeatable: any of them)
      --host <address>   only the holders in the way of this address (default: every
                         address listen(port) would use)
      --managed <mode>   skip (default): a holder that Docker, systemd, launchd, pm2 or a
                         Windows service runs is left alone, with the command that stops it
                         properly; signal: stop it like any other holder

${COMMON_HELP}

The summary counts TIME_WAIT sockets left on a port: they do not stop a Node server, but they
do stop programs that bind without SO_REUSEADDR (Python's socketserver.TCPServer) for up to a
minute.

Ctrl-C stops waiting and sends no further signal: what was done is printed (valid JSON
under --json) and the exit status is 130.

Exit status: 0 every port free at the end (--dry-run: answered), 1 a port still held (a
managed holder: with its manager's hint; one its manager started again: respawned), 2 bad
usage, 3 could not determine, 130 interrupted.
`,
  wait: `Usage: portwarden wait <port...> [--until free|in-use] [--timeout <ms>] [options]

Waits until every port is in use (a server came up; the default) or free, for startup scripts.

      --until free|in-use  the state to wait for (default in-use)
  -t, --timeout <ms>       give up after this long (default ${DEFAULT_WAIT_TIMEOUT}; 0: wait forever)
      --host <address>     only this address

${COMMON_HELP}

Exit status: 0 reached, 1 timed out, 2 bad usage, 3 could not determine, 130 interrupted.
`,
  run: `Usage: portwarden run --port <port> [--port <port>...] [options] -- <command> [args...]

Frees the ports (as free does), then runs the command — as given, never through a shell — in
a process group of its own. SIGINT (Ctrl-C), SIGTERM, SIGHUP (a closed terminal), SIGQUIT and
SIGUSR2 (nodemon's restart) are passed on to the whole group. When the command exits, or
portwarden is told to stop, whatever the command left running in its group is stopped
(SIGTERM, then SIGKILL after the grace period), and the ports are checked: a port still held
(by a process that left the group) is reported on stderr.

  -p, --port <port>      a port to free first and to check at the end (repeatable)
  -g, --grace <ms>       time between SIGTERM and SIGKILL, for the port's holders and for
                         the command's group (default 5000)
  -s, --signal <name>    polite signal for the port's holders (default SIGTERM)
  -f, --force            SIGKILL the port's holders at once
  -w, --max-wait <ms>    how long freeing the ports may take (default 15000)
      --host <address>   only the holders in the way of this address
      --managed <mode>   skip (default) or signal holders a manager runs (see free --help)
${SHARED_HELP}

The command starts at --, or at the first word that is not an option of run:
  portwarden run -p 3000 -- npm run dev
  portwarden run -p 5173 vite --port 5173 --strictPort

Windows: the command runs in the same console (Ctrl-C reaches it directly) and is ended with
taskkill /T /F; a .cmd program (npm, npx) needs a shell, which portwarden never uses: start
node or an .exe.

Exit status: the command's (128 + the signal number when a signal ended it), 1 when a port
could not be freed (the command was not started), 2 bad usage, 3 could not determine,
127 command not found, 126 command could not be started, 130 interrupted (Ctrl-C) while the
ports were being freed (no further signal to their holders, the command was not started).
`,
};

/**
 * The help text of one command, or the global help.
 *
 * @example
 * ```ts
 * process.stdout.write(helpText('free'));
 * ```
 */
export function helpText(topic?: CommandName): string {
  return HELP[topic ?? 'global'];
}
