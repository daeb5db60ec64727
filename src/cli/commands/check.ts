import { type Protocol, probePort } from '../../index.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import type { CheckInvocation } from '../invocation.ts';
import { type CliIO, styles, writeJson } from '../output.ts';

interface CheckResult {
  readonly port: number;
  readonly protocol: Protocol;
  readonly inUse: boolean;
  readonly decidedBy: 'bind' | 'socket-table';
}

async function checkPorts(invocation: CheckInvocation): Promise<CheckResult[]> {
  const { protocol } = invocation;
  const options = {
    protocol,
    ...(invocation.adapter ? { adapter: invocation.adapter } : {}),
    ...(invocation.host ? { host: invocation.host } : {}),
  };
  const results: CheckResult[] = [];
  for (const port of invocation.ports) {
    const probe = await probePort(port, options);
    results.push({ port, protocol, inUse: probe.inUse, decidedBy: probe.decidedBy });
  }
  return results;
}

/**
 * `portwarden check <port...>`: exit status 0 when a Node server could listen on every port now,
 * 1 when one is in use. Bind probes only (no subprocess, no /proc scan) unless binding cannot
 * tell (a privileged port): `probePort` loads the socket-table code and `debug` only when it needs
 * them, so the command costs little more than Node's own start-up.
 *
 * @example
 * ```ts
 * const status = await runCheck({command: 'check', ports: [3000], json: true, quiet: false, protocol: 'tcp', adapter: undefined, host: undefined}, io);
 * // stdout: {"command": "check", "ok": true, "exitCode": 0, "ports": [{"port": 3000, "inUse": false, ...}]}
 * ```
 */
export async function runCheck(invocation: CheckInvocation, io: CliIO): Promise<ExitCodeValue> {
  const probes = await checkPorts(invocation);
  const exitCode = probes.some((probe) => probe.inUse) ? ExitCode.NOT_FREE : ExitCode.OK;
  if (invocation.json) {
    writeJson(io.stdout, {
      command: 'check',
      ok: exitCode === ExitCode.OK,
      exitCode,
      ports: probes.map((probe) => ({
        port: probe.port,
        protocol: probe.protocol,
        inUse: probe.inUse,
        decidedBy: probe.decidedBy,
        ...(invocation.host ? { host: invocation.host } : {}),
      })),
    });
    return exitCode;
  }
  if (invocation.quiet) return exitCode;
  const { out } = styles(io, false);
  for (const probe of probes) {
    const where = `${probe.port}/${probe.protocol}${invocation.host ? ` on ${invocation.host}` : ''}`;
    io.stdout.write(
      probe.inUse
        ? `${where}: ${out.red('in use')} ${out.dim(`(portwarden who ${probe.port}${probe.protocol === 'udp' ? ' --protocol udp' : ''})`)}\n`
        : `${where}: ${out.green('free')}\n`,
    );
  }
  return exitCode;
}
