import { shellWord } from './shared.ts';
import type { HolderFacts, ProcessManager, ProcessSummary } from './types.ts';

/** pm2's daemon sets its title to `PM2 v<version>: God Daemon (<PM2_HOME>)`. */
const GOD_DAEMON = /^PM2 v(\S+): God Daemon \((.*)\)$/;
/** The same title cut to 15 bytes by the kernel (`/proc/<pid>/comm`): `PM2 v7.0.4: God`. */
const GOD_COMM = /^PM2 v\S+: God/;

/**
 * What the pm2 daemon's title tells.
 *
 * @example
 * ```ts
 * const daemon: Pm2Daemon = {pid: 13065, version: '7.0.4', home: '/root/.pm2'};
 * ```
 */
export interface Pm2Daemon {
  readonly pid: number;
  readonly version: string | null;
  /** The daemon's `PM2_HOME`, `null` when only the cut `comm` could be read. */
  readonly home: string | null;
}

/**
 * Finds the pm2 God Daemon among a holder's ancestors (its app processes are its children; a
 * script started through `npm start` is a grandchild).
 *
 * @example
 * ```ts
 * findPm2Daemon([{pid: 13065, name: 'PM2 v7.0.4: God', argv: ['PM2 v7.0.4: God Daemon (/tmp/pm2)']}]);
 * // {pid: 13065, version: '7.0.4', home: '/tmp/pm2'}
 * ```
 */
export function findPm2Daemon(ancestors: readonly ProcessSummary[]): Pm2Daemon | null {
  for (const ancestor of ancestors) {
    const title = ancestor.argv?.join(' ').trim() ?? '';
    const match = GOD_DAEMON.exec(title);
    if (match) return { pid: ancestor.pid, version: match[1] as string, home: match[2] as string };
    if (ancestor.name !== null && GOD_COMM.test(ancestor.name)) {
      const version = /^PM2 v(\S+):/.exec(ancestor.name)?.[1] ?? null;
      return { pid: ancestor.pid, version, home: null };
    }
  }
  return null;
}

/**
 * A pm2 app: a descendant of the pm2 God Daemon, which restarts it at once when it dies (measured
 * here with pm2 7.0.4: a new process listens again about 0.1 s after SIGTERM or SIGKILL). pm2
 * puts `pm_id`, `name` and `PM2_HOME` in each app's environment; the hint stops the app by name,
 * with `PM2_HOME=` in front when the daemon does not use the default `~/.pm2`. In cluster mode
 * (`pm2 start app.js -i 2`) the daemon itself is the only holder of the port (measured with
 * pm2 7.0.4); it is reported as pm2 with no app name.
 *
 * @example
 * ```ts
 * detectPm2({pid: 13093, name: 'node /tmp/pw-ap', argv: ['node', '/tmp/pw-app.cjs'], ppid: 13065,
 *   ancestors: [{pid: 13065, name: 'PM2 v7.0.4: God', argv: ['PM2 v7.0.4: God Daemon (/root/.pm2)']}],
 *   environment: {pm_id: '0', name: 'api', PM2_HOME: '/root/.pm2', HOME: '/root'}});
 * // {kind: 'pm2', name: 'api', hint: 'pm2 stop api'}
 * ```
 */
export function detectPm2(facts: HolderFacts): ProcessManager | null {
  // In cluster mode the daemon itself holds the listening socket and hands connections to its
  // workers (Node's cluster module), so the holder is the daemon and no app is named.
  const itself = findPm2Daemon([{ pid: facts.pid, name: facts.name, argv: facts.argv }]);
  const daemon = itself ?? findPm2Daemon(facts.ancestors);
  if (daemon === null) return null;
  const environment = facts.environment ?? {};
  const name =
    itself === null && environment.pm_id !== undefined ? (environment.name ?? null) : null;
  // The daemon's own title names the home it serves; where the title was cut (it only gets the
  // space of its original argv), the app's environment does.
  const home = daemon.home ?? environment.PM2_HOME ?? null;
  const prefix =
    home !== null && !isDefaultHome(home, environment.HOME) ? `PM2_HOME=${shellWord(home)} ` : '';
  return {
    kind: 'pm2',
    name,
    hint:
      name === null
        ? `${prefix}pm2 list (find the ${itself === null ? '' : 'cluster-mode '}app on ${facts.port === undefined ? 'this port' : `port ${facts.port}`}), then: ${prefix}pm2 stop <name>`
        : `${prefix}pm2 stop ${shellWord(name)}`,
  };
}

function isDefaultHome(home: string, userHome: string | undefined): boolean {
  const trimmed = home.replace(/\/+$/, '');
  if (userHome !== undefined) return trimmed === `${userHome.replace(/\/+$/, '')}/.pm2`;
  return trimmed.endsWith('/.pm2');
}
