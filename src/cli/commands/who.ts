import { createContext } from '../../context.ts';
import { probePort } from '../../in-use.ts';
import { inspectPort } from '../../owners.ts';
import { resolveAdapterName } from '../../socket-table.ts';
import type { PortOwner, Protocol } from '../../types.ts';
import type { WhoInvocation } from '../args.ts';
import { ExitCode } from '../exit-codes.ts';
import {
  type CliIO,
  formatAddress,
  printable,
  privilegeHint,
  renderTable,
  type Style,
  styles,
  writeJson,
} from '../output.ts';

/**
 * What `who` found on one port (also its `--json` shape, inside `ports`).
 *
 * @example
 * ```ts
 * const [result]: WhoPortResult[] = await inspectPorts([3000], 'tcp', undefined);
 * // {port: 3000, protocol: 'tcp', inUse: true, owners: [...], hidden: 0, connections: {TIME_WAIT: 2}, timeWait: 2, adapter: 'procfs'}
 * ```
 */
export interface WhoPortResult {
  readonly port: number;
  readonly protocol: Protocol;
  /** Whether a Node server could not listen on the port now (bind probe). */
  readonly inUse: boolean;
  /** The holders, as `getProcessesOnPort` returns them (`pid: null`: hidden owner). */
  readonly owners: readonly PortOwner[];
  /** How many holders are hidden (another user's process, no privilege). */
  readonly hidden: number;
  /** TCP sockets on the port by state, holders excluded (`ESTABLISHED`, `TIME_WAIT`, ...). */
  readonly connections: Readonly<Record<string, number>>;
  /** TCP sockets in TIME_WAIT on the port (they own no process and never stop a Node server). */
  readonly timeWait: number;
  /** The socket-table adapter that answered. */
  readonly adapter: string;
}

/**
 * Inspects each port: holders with names, users and command lines, TCP socket counts by state,
 * and a bind probe.
 *
 * @example
 * ```ts
 * const [result] = await inspectPorts([3000], 'tcp', undefined);
 * result.owners[0]?.commandLine; // 'node server.js'
 * ```
 */
export async function inspectPorts(
  ports: readonly number[],
  protocol: Protocol,
  adapter: string | undefined,
): Promise<WhoPortResult[]> {
  const forced = resolveAdapterName(adapter);
  const context = createContext();
  return Promise.all(
    ports.map(async (port) => {
      const inspection = await inspectPort(port, protocol, context, forced);
      const probe = await probePort(port, { protocol, ...(forced ? { adapter: forced } : {}) });
      const connections: Record<string, number> = {};
      for (const row of inspection.rows) {
        if (row.protocol !== 'tcp' || row.localPort !== port || row.state === 'LISTEN') continue;
        connections[row.state] = (connections[row.state] ?? 0) + 1;
      }
      return {
        port,
        protocol,
        inUse: probe.inUse || inspection.owners.length > 0,
        owners: inspection.owners,
        hidden: inspection.owners.filter((owner) => owner.pid === null).length,
        connections,
        timeWait: connections.TIME_WAIT ?? 0,
        adapter: inspection.adapter,
      };
    }),
  );
}

function describeConnections(connections: Readonly<Record<string, number>>): string {
  return Object.entries(connections)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
}

/**
 * Renders one port of `who` for people.
 *
 * @example
 * ```ts
 * process.stdout.write(renderWhoPort(result, createStyle(false), 'linux'));
 * // Port 3000/tcp: in use
 * //   PID   NAME  USER  ADDRESS     PROTO/STATE  COMMAND
 * //   4242  node  me    [::]:3000   tcp/LISTEN   node server.js
 * ```
 */
export function renderWhoPort(
  result: WhoPortResult,
  style: Style,
  platform: NodeJS.Platform,
  maxWidth?: number,
): string {
  const title = `Port ${result.port}/${result.protocol}`;
  let out = `${style.bold(title)}: ${result.inUse ? style.red('in use') : style.green('free')}\n`;
  if (result.owners.length > 0) {
    const rows = result.owners.map((owner) => [
      owner.pid === null ? style.yellow('hidden') : String(owner.pid),
      printable(owner.name ?? '?'),
      printable(owner.user ?? (owner.uid === null ? '?' : String(owner.uid))),
      formatAddress(owner.address, owner.port),
      `${owner.protocol}/${owner.state}`,
      owner.commandLine === null
        ? owner.pid === null
          ? style.dim('(cannot be seen)')
          : '?'
        : printable(owner.commandLine),
    ]);
    const headers = ['PID', 'NAME', 'USER', 'ADDRESS', 'PROTO/STATE', 'COMMAND'].map(style.dim);
    out += renderTable(headers, rows, { indent: '  ', ...(maxWidth ? { maxWidth } : {}) });
  } else if (result.inUse) {
    out += `  ${style.dim('no holder found in the socket table, yet binding fails')}\n`;
  }
  if (result.hidden > 0) {
    const users = [
      ...new Set(result.owners.filter((owner) => owner.pid === null).map((owner) => owner.user)),
    ];
    const hint =
      users.length === 1
        ? privilegeHint(users[0] ?? null, platform)
        : privilegeHint(null, platform);
    out += `  ${style.yellow('hint:')} ${result.hidden === 1 ? 'an owner is' : `${result.hidden} owners are`} hidden (another user's process): ${hint} to see it\n`;
  }
  const connections = describeConnections(result.connections);
  if (connections) {
    out += `  ${style.dim('connections:')} ${connections}`;
    if (result.timeWait > 0) {
      out += style.dim(
        result.inUse && result.owners.length === 0
          ? ' (TIME_WAIT blocks binding here)'
          : ' (server-side TIME_WAIT does not stop a Node server)',
      );
    }
    out += '\n';
  }
  return out;
}

/**
 * `portwarden who <port...>`: who holds each port. Exit status 0 once answered, whether the ports
 * are free or not (`check` is the command for scripts that branch on that).
 *
 * @example
 * ```ts
 * const status = await runWho({command: 'who', ports: [3000], json: false, protocol: 'tcp', adapter: undefined}, io);
 * ```
 */
export async function runWho(invocation: WhoInvocation, io: CliIO): Promise<0> {
  const results = await inspectPorts(invocation.ports, invocation.protocol, invocation.adapter);
  if (invocation.json) {
    writeJson(io.stdout, { command: 'who', ok: true, exitCode: ExitCode.OK, ports: results });
    return ExitCode.OK;
  }
  const { out } = styles(io, false);
  const maxWidth = io.stdout.isTTY ? io.stdout.columns : undefined;
  io.stdout.write(
    results.map((result) => renderWhoPort(result, out, io.platform, maxWidth)).join('\n'),
  );
  return ExitCode.OK;
}
