import { parseCgroup } from '../parsers/cgroup.ts';
import { holderKeys, protocolSuffix } from './shared.ts';
import type { HolderFacts, ProcessManager } from './types.ts';

/**
 * The published port a `docker-proxy` process forwards.
 *
 * @example
 * ```ts
 * const args: DockerProxyArgs = {proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80};
 * ```
 */
export interface DockerProxyArgs {
  readonly proto: string | null;
  readonly hostIp: string | null;
  readonly hostPort: number | null;
  readonly containerIp: string | null;
  readonly containerPort: number | null;
}

/**
 * Reads docker-proxy's arguments (`-proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip
 * 172.17.0.2 -container-port 80`, flags with one or two dashes, `-flag=value` too). The container's
 * name is not among them: Docker looks it up by published port.
 *
 * @example
 * ```ts
 * parseDockerProxyArgv(['/usr/sbin/docker-proxy', '-proto', 'tcp', '-host-ip', '127.0.0.1',
 *   '-host-port', '47180', '-container-ip', '172.17.0.2', '-container-port', '80']);
 * // {proto: 'tcp', hostIp: '127.0.0.1', hostPort: 47180, containerIp: '172.17.0.2', containerPort: 80}
 * ```
 */
export function parseDockerProxyArgv(argv: readonly string[]): DockerProxyArgs {
  const values = new Map<string, string>();
  for (let index = 1; index < argv.length; index++) {
    const match = /^--?([a-z-]+)(?:=(.*))?$/.exec(argv[index] as string);
    if (!match) continue;
    if (match[2] !== undefined) {
      values.set(match[1] as string, match[2]);
      continue;
    }
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('-')) continue; // a boolean flag (-use-listen-fd)
    values.set(match[1] as string, next);
    index++;
  }
  const port = (key: string) => {
    const text = values.get(key);
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
  };
  return {
    proto: values.get('proto') ?? null,
    hostIp: values.get('host-ip') ?? null,
    hostPort: port('host-port'),
    containerIp: values.get('container-ip') ?? null,
    containerPort: port('container-port'),
  };
}

/**
 * `docker-proxy`: Docker's userland proxy publishing a container's port. Killing it leaves the
 * container running with the port silently broken (checked with Docker 20.10: `docker ps` still
 * shows the mapping, nothing answers). The hint finds the container by its published host port
 * (`docker ps --filter publish=` matches the host port; checked live with Docker 20.10).
 *
 * @example
 * ```ts
 * detectDockerProxy({pid: 14156, name: 'docker-proxy', ppid: 13802, ancestors: [],
 *   argv: ['/usr/sbin/docker-proxy', '-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', '47180',
 *     '-container-ip', '172.17.0.2', '-container-port', '80']});
 * // {kind: 'docker', name: null, hint: 'docker ps --filter publish=47180 (the container at
 * //  172.17.0.2:80/tcp), then: docker stop <container>'}
 * ```
 */
export function detectDockerProxy(facts: HolderFacts): ProcessManager | null {
  if (!holderKeys(facts).has('docker-proxy')) return null;
  const args = parseDockerProxyArgv(facts.argv ?? []);
  const port = args.hostPort ?? facts.port ?? null;
  const proto = args.proto ?? facts.protocol ?? null;
  const target =
    args.containerIp !== null && args.containerPort !== null
      ? ` (the container at ${args.containerIp}:${args.containerPort}${proto ? `/${proto}` : ''})`
      : '';
  return {
    kind: 'docker',
    name: null,
    hint:
      port === null
        ? 'docker ps (find the container publishing this port), then: docker stop <container>'
        : `docker ps --filter publish=${port}${proto === 'udp' ? '/udp' : ''}${target}, then: docker stop <container>`,
  };
}

const DESKTOP_PROGRAMS = ['com.docker.backend', 'vpnkit', 'com.docker.vpnkit', 'rootlesskit'];

/**
 * Docker Desktop (`com.docker.backend` on macOS and Windows, `vpnkit` in older versions) and
 * rootless Docker (`rootlesskit`) publish containers' ports from one process of their own.
 *
 * @example
 * ```ts
 * detectDockerDesktop({pid: 812, name: 'com.docker.backend', argv: null, ppid: 800, ancestors: [], port: 5432});
 * // {kind: 'docker', name: null, hint: 'docker ps --filter publish=5432, then: docker stop <container>'}
 * ```
 */
export function detectDockerDesktop(facts: HolderFacts): ProcessManager | null {
  const keys = holderKeys(facts);
  if (!DESKTOP_PROGRAMS.some((program) => keys.has(program))) return null;
  return {
    kind: 'docker',
    name: null,
    hint:
      facts.port === undefined
        ? 'docker ps (find the container publishing this port), then: docker stop <container>'
        : `docker ps --filter publish=${facts.port}${protocolSuffix(facts.protocol)}, then: docker stop <container>`,
  };
}

/**
 * `rootlessport`: the helper rootless Podman starts to publish a container's port.
 *
 * @example
 * ```ts
 * detectRootlessPort({pid: 5120, name: 'rootlessport', argv: ['rootlessport'], ppid: 5100, ancestors: [], port: 8080});
 * // {kind: 'podman', name: null, hint: 'podman ps (the container publishing 8080), then: podman stop <container>'}
 * ```
 */
export function detectRootlessPort(facts: HolderFacts): ProcessManager | null {
  if (!holderKeys(facts).has('rootlessport')) return null;
  const which = facts.port === undefined ? 'this port' : String(facts.port);
  return {
    kind: 'podman',
    name: null,
    hint: `podman ps (the container publishing ${which}), then: podman stop <container>`,
  };
}

/**
 * A process inside a Docker or Podman container, seen from the host: its cgroup path names the
 * container (`/docker/<id>`, `/system.slice/docker-<id>.scope`, `libpod-<id>.scope`).
 *
 * @example
 * ```ts
 * detectContainerProcess({pid: 14192, name: 'busybox', argv: null, ppid: 14170, ancestors: [],
 *   cgroup: '0::/docker/60453f2f3bcce28dae4680ff08aec11c3312a0c052b8d0c83615b8e3728d2947\n'});
 * // {kind: 'docker', name: '60453f2f3bcc', hint: 'docker stop 60453f2f3bcc'}
 * ```
 */
export function detectContainerProcess(facts: HolderFacts): ProcessManager | null {
  if (facts.cgroup === undefined) return null;
  const container = parseCgroup(facts.cgroup).container;
  if (container === null) return null;
  // Inside the same container as the caller (a test run, a dev shell in a container): not managed
  // from where the caller stands.
  if (facts.callerCgroup !== undefined) {
    const callers = parseCgroup(facts.callerCgroup).container;
    if (callers !== null && callers.id === container.id) return null;
  }
  const shortId = container.id.slice(0, 12);
  return {
    kind: container.runtime,
    name: shortId,
    hint: `${container.runtime} stop ${shortId}`,
  };
}
