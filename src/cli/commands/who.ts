import { inspectPort, type PortReport } from '../../index.ts';
import { ExitCode } from '../exit-codes.ts';
import type { WhoInvocation } from '../invocation.ts';
import {
  type CliIO,
  formatAddress,
  printable,
  renderTable,
  type Style,
  styles,
  writeJson,
} from '../output.ts';
import { managerLabel } from '../stop-text.ts';

function describeConnections(connections: PortReport['connections']): string {
  return Object.entries(connections)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
}

/**
 * Below the table, per managed owner (each process once): who runs it, what is going on for a
 * well-known holder, and the command that stops it properly.
 */
function managedLines(owners: PortReport['owners'], style: Style): string {
  let out = '';
  const seen = new Set<number | null>();
  for (const owner of owners) {
    const manager = owner.manager;
    if (manager === null || seen.has(owner.pid)) continue;
    seen.add(owner.pid);
    const who = `${owner.pid ?? 'hidden'}${owner.name ? ` ${printable(owner.name)}` : ''}`;
    out += `  ${style.yellow('managed:')} ${who} is run by ${managerLabel(manager)}\n`;
    if (manager.explanation) out += `    ${printable(manager.explanation)}\n`;
    out += `    ${style.dim('stop it with:')} ${printable(manager.hint)}\n`;
  }
  return out;
}

/**
 * Renders one port of `who` for people.
 *
 * @example
 * ```ts
 * process.stdout.write(renderWhoPort(await inspectPort(3000), createStyle(false)));
 * // Port 3000/tcp: in use
 * //   PID   NAME  USER  ADDRESS     PROTO/STATE  COMMAND
 * //   4242  node  me    [::]:3000   tcp/LISTEN   node server.js
 * // A managed owner adds, below the table:
 * //   managed: 4242 node is run by pm2 (api)
 * //     stop it with: pm2 stop api
 * ```
 */
export function renderWhoPort(result: PortReport, style: Style, maxWidth?: number): string {
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
    out += managedLines(result.owners, style);
  } else if (result.inUse) {
    out += `  ${style.dim('no holder found in the socket table, yet binding fails')}\n`;
  }
  if (result.hidden > 0) {
    out += `  ${style.yellow('hint:')} ${result.hidden === 1 ? 'an owner is' : `${result.hidden} owners are`} hidden (another user's process): ${result.privilegeHint} to see it\n`;
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
 * `portwarden who <port...>`: who holds each port (`inspectPort`). Exit status 0 once answered,
 * whether the ports are free or not (`check` is the command for scripts that branch on that).
 *
 * @example
 * ```ts
 * const status = await runWho({command: 'who', ports: [3000], json: false, quiet: false, protocol: 'tcp', adapter: undefined}, io);
 * ```
 */
export async function runWho(invocation: WhoInvocation, io: CliIO): Promise<0> {
  const { protocol, adapter } = invocation;
  const results = await Promise.all(
    invocation.ports.map((port) =>
      inspectPort(port, { protocol, ...(adapter === undefined ? {} : { adapter }) }),
    ),
  );
  if (invocation.json) {
    writeJson(io.stdout, { command: 'who', ok: true, exitCode: ExitCode.OK, ports: results });
    return ExitCode.OK;
  }
  if (invocation.quiet) return ExitCode.OK;
  const { out } = styles(io, false);
  const maxWidth = io.stdout.isTTY ? io.stdout.columns : undefined;
  io.stdout.write(results.map((result) => renderWhoPort(result, out, maxWidth)).join('\n'));
  return ExitCode.OK;
}
