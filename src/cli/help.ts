/**
 * The help texts of the command line.
 *
 * @module
 */
import type { CommandName } from './usage-error.ts';
import { DEFAULT_WAIT_TIMEOUT } from './values.ts';

const COMMON_HELP = `Options for every command:
  --json                 one JSON document on stdout (status lines still go to stderr)
  --protocol tcp|udp     default tcp; udp looks at bound UDP sockets
  --adapter <name>       force a socket-table source (procfs, ss, netstat, lsof, ...);
                         default: $PORTWARDEN_ADAPTER, else the first that works
  -h, --help             this help`;

const EXIT_HELP = `Exit status:
  0  done: free / freed / reached / answered
  1  in use (check), still held at the end (kill, free), timed out (wait)
  2  bad usage (bad port, unknown option); nothing was done
  3  could not determine (no socket-table source works here, a tool failed)
  130 interrupted (wait)`;

const HELP: Readonly<Record<CommandName | 'global', string>> = {
  global: `portwarden — ends "port already in use"

Usage:
  portwarden who <port...>       who holds the ports (alias: list)
  portwarden check <port...>     exit 0 when every port is free, 1 when one is in use
  portwarden kill <port...>      stop the processes that hold the ports
  portwarden free <port...>      stop the holders and wait until the ports are free
  portwarden wait <port...> [--until free|in-use] [--timeout <ms>]

  portwarden <command> --help    options of a command
  portwarden --version

Examples:
  portwarden who 3000
  portwarden free 3000 5173 --grace 2000
  portwarden wait 8080 --until in-use --timeout 20s && open http://localhost:8080

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
  -q, --quiet            no status lines on stderr

${COMMON_HELP}

Exit status: 0 every port free at the end (--dry-run: answered), 1 a port still held,
2 bad usage, 3 could not determine.
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
  -q, --quiet            no status lines on stderr

${COMMON_HELP}

Exit status: 0 every port free at the end (--dry-run: answered), 1 a port still held,
2 bad usage, 3 could not determine.
`,
  wait: `Usage: portwarden wait <port...> [--until free|in-use] [--timeout <ms>] [options]

Waits until every port is in use (a server came up; the default) or free, for startup scripts.

      --until free|in-use  the state to wait for (default in-use)
  -t, --timeout <ms>       give up after this long (default ${DEFAULT_WAIT_TIMEOUT}; 0: wait forever)
      --host <address>     only this address

${COMMON_HELP}

Exit status: 0 reached, 1 timed out, 2 bad usage, 3 could not determine, 130 interrupted.
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
