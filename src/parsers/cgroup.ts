/**
 * One line of `/proc/<pid>/cgroup`: `hierarchy-ID:controller-list:cgroup-path`.
 *
 * @example
 * ```ts
 * const line: CgroupLine = {hierarchy: 1, controllers: ['name=systemd'], path: '/init.scope'};
 * ```
 */
interface CgroupLine {
  readonly hierarchy: number;
  /** `[]` for the cgroup v2 line (`0::/...`); `['name=systemd']` for systemd's v1 hierarchy. */
  readonly controllers: readonly string[];
  readonly path: string;
}

/**
 * The systemd unit a cgroup path belongs to.
 *
 * @example
 * ```ts
 * const unit: SystemdUnitInfo = {name: 'api.service', type: 'service', manager: 'user', uid: 1000, slice: 'app.slice'};
 * ```
 */
export interface SystemdUnitInfo {
  /** The unit's full name, e.g. `'nginx.service'`, `'session-2.scope'`, `'init.scope'`. */
  readonly name: string;
  /** `'service'`, `'scope'`, `'socket'`, ... (the suffix). */
  readonly type: string;
  /** `'user'` for a unit of a per-user manager (below `user@<uid>.service`). */
  readonly manager: 'system' | 'user';
  /** With `manager: 'user'`: the uid of `user@<uid>.service`. */
  readonly uid: number | null;
  /** The slice the unit sits in, e.g. `'system.slice'`, `'app.slice'`; `null` at the root. */
  readonly slice: string | null;
}

/**
 * A container the process runs in, as its cgroup path shows from the host.
 *
 * @example
 * ```ts
 * const container: CgroupContainer = {runtime: 'podman', id: 'af097fa761cd92daf9ac2e18b6d59959b1212e12621a0951223f9f55d99b452c'};
 * ```
 */
interface CgroupContainer {
  readonly runtime: 'docker' | 'podman';
  /** The full container id (64 hex digits). */
  readonly id: string;
}

/**
 * What `/proc/<pid>/cgroup` tells about a process.
 *
 * @example
 * ```ts
 * const info: CgroupInfo = parseCgroup('0::/init.scope\n');
 * // {layout: 'v2', systemdPath: '/init.scope', unit: {name: 'init.scope', ...}, container: null, ...}
 * ```
 */
export interface CgroupInfo {
  readonly lines: readonly CgroupLine[];
  /** `'v2'`: only a `0::` line; `'v1'`: no `0::` line; `'hybrid'`: both. */
  readonly layout: 'v1' | 'v2' | 'hybrid';
  /**
   * systemd's view: the `name=systemd` or the `0::` path, whichever is not the root (`/`);
   * `null` when neither line exists.
   */
  readonly systemdPath: string | null;
  /** The unit of `systemdPath`; `null` at the root (`/`) or outside systemd's layout. */
  readonly unit: SystemdUnitInfo | null;
  /** A Docker or Podman container, seen on any hierarchy. */
  readonly container: CgroupContainer | null;
}

const LINE = /^(\d+):([^:]*):(.*)$/;
const CONTAINER_PATTERNS: readonly [RegExp, CgroupContainer['runtime']][] = [
  [/\/docker-([0-9a-f]{64})\.scope(?:\/|$)/, 'docker'],
  [/\/docker\/([0-9a-f]{64})(?:\/|$)/, 'docker'],
  [/\/libpod-([0-9a-f]{64})\.scope(?:\/|$)/, 'podman'],
  [/\/libpod_parent\/libpod-([0-9a-f]{64})(?:\/|$)/, 'podman'],
];
const UNIT_SUFFIX = /\.(service|scope|socket|mount|swap|device|target|timer|path|automount)$/;
const USER_MANAGER = /^user@(\d+)\.service$/;

/**
 * Parses `/proc/<pid>/cgroup` (cgroup v1, v2 and hybrid layouts) and finds the systemd unit and
 * the container, if any. A pure function: the text is read by the caller.
 *
 * The unit is the first path segment that is not a slice (`/system.slice/nginx.service` ->
 * `nginx.service`; a sub-cgroup such as `/system.slice/systemd-udevd.service/udev` still belongs to
 * `systemd-udevd.service`). Below `user@<uid>.service` the same rule finds the per-user manager's
 * unit (`.../user@1000.service/app.slice/api.service` -> `api.service`, manager `'user'`).
 *
 * @example
 * ```ts
 * parseCgroup('0::/system.slice/nginx.service\n').unit;
 * // {name: 'nginx.service', type: 'service', manager: 'system', uid: null, slice: 'system.slice'}
 * parseCgroup('12:memory:/docker/4426af...69d\n').container; // {runtime: 'docker', id: '4426af...69d'}
 * ```
 */
export function parseCgroup(text: string): CgroupInfo {
  const lines: CgroupLine[] = [];
  for (const raw of text.split('\n')) {
    const match = LINE.exec(raw.trim());
    if (!match) continue;
    const controllers = (match[2] as string) === '' ? [] : (match[2] as string).split(',');
    lines.push({ hierarchy: Number(match[1]), controllers, path: match[3] as string });
  }
  const v2 = lines.find((line) => line.hierarchy === 0 && line.controllers.length === 0);
  const named = lines.find((line) => line.controllers.includes('name=systemd'));
  const layout = v2 === undefined ? 'v1' : lines.length > 1 ? 'hybrid' : 'v2';
  // Hybrid layouts mirror systemd's tree in both; when one of them sits at `/` (an unused unified
  // mount next to name=systemd, or a name=systemd kept only for compatibility next to a unified
  // tree) the deeper one is systemd's.
  const candidates = [named, v2].filter((line) => line !== undefined);
  const systemdPath = (candidates.find((line) => line.path !== '/') ?? candidates[0])?.path ?? null;
  return {
    lines,
    layout,
    systemdPath,
    unit: systemdPath === null ? null : unitOfPath(systemdPath),
    container: containerOf(lines),
  };
}

function containerOf(lines: readonly CgroupLine[]): CgroupContainer | null {
  for (const line of lines) {
    for (const [pattern, runtime] of CONTAINER_PATTERNS) {
      const match = pattern.exec(line.path);
      if (match) return { runtime, id: match[1] as string };
    }
  }
  return null;
}

/**
 * The systemd unit a cgroup path (as in `/proc/<pid>/cgroup`) belongs to; `null` for the root
 * and for paths that are not systemd's (`/docker/<id>` under the cgroupfs driver, `/lxc/...`).
 *
 * @example
 * ```ts
 * unitOfPath('/user.slice/user-1000.slice/user@1000.service/app.slice/api.service');
 * // {name: 'api.service', type: 'service', manager: 'user', uid: 1000, slice: 'app.slice'}
 * unitOfPath('/'); // null
 * ```
 */
export function unitOfPath(path: string): SystemdUnitInfo | null {
  const segments = path.split('/').filter((segment) => segment !== '');
  const system = firstUnit(segments, 0);
  if (system === null) return null;
  const userManager = USER_MANAGER.exec(system.name);
  if (userManager) {
    const inner = firstUnit(segments, system.index + 1);
    if (inner !== null) {
      return { ...inner.unit, manager: 'user', uid: Number(userManager[1]) };
    }
  }
  return system.unit;
}

function firstUnit(
  segments: readonly string[],
  from: number,
): { name: string; index: number; unit: SystemdUnitInfo } | null {
  let slice: string | null = null;
  for (let index = from; index < segments.length; index++) {
    const segment = segments[index] as string;
    if (segment.endsWith('.slice')) {
      slice = segment;
      continue;
    }
    const suffix = UNIT_SUFFIX.exec(segment);
    if (!suffix) return null;
    return {
      name: segment,
      index,
      unit: { name: segment, type: suffix[1] as string, manager: 'system', uid: null, slice },
    };
  }
  return null;
}
