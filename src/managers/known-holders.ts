import { programKey } from './shared.ts';
import type { HolderFacts, ManagerKind } from './types.ts';

/**
 * A well-known port holder with a one-sentence explanation for people.
 *
 * @example
 * ```ts
 * const holder: KnownHolder = {program: 'wslrelay', kind: 'wsl', platforms: 'Windows (WSL2)',
 *   explanation: 'WSL2 forwards this port to a server running inside a WSL distribution; ...'};
 * ```
 */
export interface KnownHolder {
  /** The program as {@link programKey} spells it (`'docker-proxy'`, `'wslrelay'`). */
  readonly program: string;
  /** Only this pid is that program (pid 4 `System` on Windows, pid 1 systemd). */
  readonly pid?: number;
  /** The manager kind a detector reports for it. */
  readonly kind: ManagerKind;
  /** Where it appears. */
  readonly platforms: string;
  /** One sentence for `portwarden who` and the stop report. */
  readonly explanation: string;
}

/**
 * Well-known holders that surprise people, with what is really going on. Shown by
 * `portwarden who` and the stop report next to the manager's hint.
 *
 * @example
 * ```ts
 * KNOWN_HOLDERS.find((holder) => holder.program === 'controlcenter')?.explanation;
 * // "macOS's AirPlay Receiver listens on ports 5000 and 7000 ..."
 * ```
 */
export const KNOWN_HOLDERS: readonly KnownHolder[] = [
  {
    program: 'controlcenter',
    kind: 'launchd',
    platforms: 'macOS 12+',
    explanation:
      "macOS's AirPlay Receiver listens on ports 5000 and 7000 inside ControlCenter, which launchd restarts at once; turn the receiver off in System Settings or use another port.",
  },
  {
    program: 'system',
    pid: 4,
    kind: 'http.sys',
    platforms: 'Windows',
    explanation:
      'The Windows kernel HTTP server (http.sys) holds this port for a service or program that registered a URL on it (IIS, WinRM, a .NET HttpListener); `netsh http show servicestate view=requestq` names it.',
  },
  {
    program: 'wslrelay',
    kind: 'wsl',
    platforms: 'Windows (WSL2)',
    explanation:
      'WSL2 forwards this port to a server running inside a WSL distribution; stop that server, and the relay lets go of the port.',
  },
  {
    program: 'docker-proxy',
    kind: 'docker',
    platforms: 'Linux',
    explanation:
      "Docker's proxy publishes a container's port on the host; killing it leaves the container running with the port silently broken, so stop the container instead.",
  },
  {
    program: 'rootlessport',
    kind: 'podman',
    platforms: 'Linux (rootless Podman)',
    explanation:
      "Rootless Podman publishes a container's port through this helper; stop the container instead.",
  },
  {
    program: 'rootlesskit',
    kind: 'docker',
    platforms: 'Linux (rootless Docker)',
    explanation:
      "Rootless Docker publishes containers' ports from RootlessKit; stop the container instead.",
  },
  {
    program: 'com.docker.backend',
    kind: 'docker',
    platforms: 'macOS, Windows (Docker Desktop)',
    explanation:
      "Docker Desktop publishes containers' ports from its backend process; stop the container (`docker stop`) instead of killing Docker Desktop.",
  },
  {
    program: 'vpnkit',
    kind: 'docker',
    platforms: 'macOS, Windows (older Docker Desktop)',
    explanation:
      "Older Docker Desktop versions publish containers' ports through vpnkit; stop the container instead.",
  },
  {
    program: 'systemd',
    pid: 1,
    kind: 'systemd',
    platforms: 'Linux',
    explanation:
      'systemd holds the listening socket of a socket-activated service and starts the service again on the next connection; stop the socket unit and the service together.',
  },
];

/**
 * The known holder a process is, by its name (or `argv[0]`) and, where that matters, its pid.
 *
 * @example
 * ```ts
 * knownHolder({pid: 4, name: 'System', argv: null})?.kind; // 'http.sys'
 * knownHolder({pid: 812, name: 'node', argv: ['node', 'server.js']}); // null
 * ```
 */
export function knownHolder(facts: Pick<HolderFacts, 'pid' | 'name' | 'argv'>): KnownHolder | null {
  const keys = new Set<string>();
  if (facts.name) keys.add(programKey(facts.name));
  const first = facts.argv?.[0];
  if (first) keys.add(programKey(first));
  return (
    KNOWN_HOLDERS.find(
      (holder) =>
        keys.has(holder.program) && (holder.pid === undefined || holder.pid === facts.pid),
    ) ?? null
  );
}
