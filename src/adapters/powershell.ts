import { CommandFailedError, UnparseableOutputError } from '../errors.ts';
import { validatePort } from '../input.ts';
import { createLogger } from '../log.ts';
import {
  parsePowerShellTcp,
  parsePowerShellUdp,
  powerShellRecords,
} from '../parsers/powershell.ts';
import type { ToolContext } from '../system/tools.ts';
import { runPowerShell } from '../system/windows-console.ts';
import type { Protocol, SocketRow } from '../types.ts';
import type { SocketQuery, SocketTableAdapter } from './adapter.ts';

const debug = createLogger('portwarden:adapter:powershell');

/** Marks the start of the TCP / UDP JSON in the script's output. */
const TCP_MARKER = '#portwarden-tcp';
const UDP_MARKER = '#portwarden-udp';

/**
 * The PowerShell script the adapter runs. The port is validated as an integer 1–65535 before it is
 * put into the text; everything else is constant, without double quotes (which Windows argument
 * quoting would have to escape). `-ErrorAction SilentlyContinue` turns "no matching object" into
 * empty output; a PowerShell without the NetTCPIP module exits 3.
 *
 * @example
 * ```ts
 * powerShellSocketScript(8080, 'tcp');
 * // "$ErrorActionPreference = 'SilentlyContinue'; ... Get-NetTCPConnection -LocalPort 8080 ..."
 * ```
 */
export function powerShellSocketScript(
  port: number,
  protocol?: Protocol,
  includeRemote = false,
): string {
  const checked = validatePort(port);
  const tcpSources = includeRemote
    ? `(@(Get-NetTCPConnection -LocalPort ${checked} -ErrorAction SilentlyContinue) + @(Get-NetTCPConnection -RemotePort ${checked} -ErrorAction SilentlyContinue))`
    : `Get-NetTCPConnection -LocalPort ${checked} -ErrorAction SilentlyContinue`;
  const lines = [
    "$ErrorActionPreference = 'SilentlyContinue'",
    "$ProgressPreference = 'SilentlyContinue'",
    'if (-not (Get-Command Get-NetTCPConnection -ErrorAction SilentlyContinue)) { exit 3 }',
  ];
  if (protocol !== 'udp') {
    lines.push(
      `'${TCP_MARKER}'`,
      `${tcpSources} | Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,State,OwningProcess | ConvertTo-Json -Compress`,
    );
  }
  if (protocol !== 'tcp') {
    lines.push(
      `'${UDP_MARKER}'`,
      `Get-NetUDPEndpoint -LocalPort ${checked} -ErrorAction SilentlyContinue | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json -Compress`,
    );
  }
  lines.push('exit 0');
  return lines.join('; ');
}

/**
 * Splits the script's output at its `#portwarden-tcp` / `#portwarden-udp` marker lines.
 *
 * @example
 * ```ts
 * splitPowerShellSections('#portwarden-tcp\r\n{"LocalPort":80}\r\n#portwarden-udp\r\n');
 * // {tcp: '{"LocalPort":80}', udp: ''}
 * ```
 */
export function splitPowerShellSections(text: string): { tcp?: string; udp?: string } {
  const collected: { tcp?: string[]; udp?: string[] } = {};
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === TCP_MARKER) current = collected.tcp = [];
    else if (trimmed === UDP_MARKER) current = collected.udp = [];
    else current?.push(line);
  }
  return {
    ...(collected.tcp ? { tcp: collected.tcp.join('\n').trim() } : {}),
    ...(collected.udp ? { udp: collected.udp.join('\n').trim() } : {}),
  };
}

/**
 * The `powershell` adapter (Windows): `Get-NetTCPConnection` / `Get-NetUDPEndpoint` for the port,
 * as JSON, in one PowerShell process (Windows PowerShell 5.1, or pwsh when it is missing). States
 * come as numbers, not translated words. It fails (and the socket table falls through to netstat)
 * when PowerShell or the NetTCPIP module is missing, the WMI repository is broken, or the rows
 * have no `OwningProcess` (Windows Server 2012 R2). Slower to
 * start than netstat (~0.5 s).
 *
 * @example
 * ```ts
 * await powershellAdapter.read({port: 3000, protocol: 'tcp'}, createContext());
 * // [{state: 'LISTEN', rawState: 'Listen', localAddress: '::', owners: [{pid: 7316}], ...}]
 * ```
 */
export const powershellAdapter: SocketTableAdapter = {
  name: 'powershell',
  listsHiddenSockets: true,
  async read(query: SocketQuery, tools: ToolContext): Promise<SocketRow[]> {
    const script = powerShellSocketScript(query.port, query.protocol, query.includeRemote === true);
    const result = await runPowerShell(script, tools);
    if (result.exitCode !== 0) {
      throw new CommandFailedError(
        'powershell Get-NetTCPConnection',
        result.exitCode,
        result.stderr.toString('utf8'),
      );
    }
    const sections = splitPowerShellSections(result.stdout.toString('utf8'));
    if (
      (query.protocol !== 'udp' && sections.tcp === undefined) ||
      (query.protocol !== 'tcp' && sections.udp === undefined)
    ) {
      // Never read "no marker" as "no socket": an empty answer would say the port is free.
      throw new UnparseableOutputError(
        'powershell',
        'the output lacks the section markers of the script',
      );
    }
    for (const section of [sections.tcp, sections.udp]) {
      if (section && powerShellRecords(section).some((record) => record.OwningProcess == null)) {
        // Windows Server 2012 R2 has no OwningProcess: its owners would all look hidden, while
        // `netstat -ano` names them. Fall through instead of answering with less than we can.
        throw new UnparseableOutputError(
          'powershell',
          'Get-NetTCPConnection gives no OwningProcess on this Windows (Server 2012 R2?)',
        );
      }
    }
    const rows = [
      ...(sections.tcp ? parsePowerShellTcp(sections.tcp) : []),
      ...(sections.udp ? parsePowerShellUdp(sections.udp) : []),
    ];
    debug('port %d: %d rows', query.port, rows.length);
    return rows;
  },
};
