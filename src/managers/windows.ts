import { httpSysQueuesOnPort } from '../parsers/netsh-http.ts';
import { holderKeys, programKey } from './shared.ts';
import type { HolderFacts, HttpSysQueue, ProcessManager } from './types.ts';

const NETSH_HINT = 'netsh http show servicestate view=requestq';

/**
 * Pid 4 (`System`) on Windows holds ports that http.sys serves for whoever registered a URL on
 * them: IIS, WinRM (5985, 47001), WSDAPI (5357), Reporting Services, any .NET `HttpListener`.
 * With the request queues (`netsh http show servicestate view=requestq`) the detector names the
 * registering service or program; without them the hint is that netsh command.
 *
 * @example
 * ```ts
 * detectHttpSys({pid: 4, name: 'System', argv: null, ppid: 0, ancestors: [], port: 5985,
 *   system: {serviceControlManager: true},
 *   httpSys: [{name: null, urls: ['HTTP://+:5985/WSMAN/'],
 *     processes: [{pid: 3040, image: 'C:\\Windows\\System32\\svchost.exe', services: ['WinRM']}]}]});
 * // {kind: 'http.sys', name: 'WinRM', hint: 'sc.exe stop WinRM'}
 * ```
 */
export function detectHttpSys(facts: HolderFacts): ProcessManager | null {
  if (!facts.system?.serviceControlManager || facts.pid !== 4) return null;
  const queues =
    facts.httpSys !== undefined && facts.port !== undefined
      ? httpSysQueuesOnPort(facts.httpSys, facts.port)
      : [];
  const owner = describeQueues(queues, facts.port);
  if (owner !== null) return { kind: 'http.sys', ...owner };
  const where = facts.port === undefined ? 'this port' : `port ${facts.port}`;
  return {
    kind: 'http.sys',
    name: null,
    hint: `${NETSH_HINT} (the process that registered a URL on ${where}), then stop that program or service`,
  };
}

function describeQueues(
  queues: readonly HttpSysQueue[],
  port: number | undefined,
): { name: string; hint: string } | null {
  const processes = queues.flatMap((queue) => queue.processes);
  const services = [...new Set(processes.flatMap((process) => process.services))];
  if (services.length > 0) return { name: services.join(', '), hint: stopServices(services) };
  const pool = queues.find((queue) => queue.name !== null)?.name;
  // A named queue is an IIS application pool: IIS (W3SVC) registered the site's URL for it.
  if (pool != null)
    return {
      name: pool,
      hint: `sc.exe stop W3SVC (IIS serves port ${port} from application pool ${pool})`,
    };
  const first = processes[0];
  if (first === undefined) return null;
  const program = first.image === null ? `pid ${first.pid}` : programName(first.image);
  return { name: program, hint: `taskkill /PID ${first.pid} (${program} registered the URL)` };
}

function programName(image: string): string {
  return image.split(/[\\/]/).at(-1) ?? image;
}

function stopServices(services: readonly string[]): string {
  return services.length === 1
    ? `sc.exe stop ${services[0]}`
    : `Stop-Service -Name ${services.join(', ')} (PowerShell; the process hosts these services)`;
}

/**
 * A process hosting Windows services (`tasklist /svc`, CIM `Win32_Service`): the Service Control
 * Manager restarts it according to the services' recovery settings, and other services may
 * depend on it. The hint stops the service(s) by name.
 *
 * @example
 * ```ts
 * detectWindowsService({pid: 2280, name: 'sqlservr.exe', argv: null, ppid: 700, ancestors: [],
 *   services: [{name: 'MSSQLSERVER', state: 'Running'}], system: {serviceControlManager: true}});
 * // {kind: 'windows-service', name: 'MSSQLSERVER', hint: 'sc.exe stop MSSQLSERVER'}
 * ```
 */
export function detectWindowsService(facts: HolderFacts): ProcessManager | null {
  if (!facts.system?.serviceControlManager || facts.pid === 4 || facts.pid === 0) return null;
  const running = (facts.services ?? []).filter(
    (service) => service.state == null || service.state === 'Running',
  );
  if (running.length === 0) return null;
  const names = running.map((service) => service.name);
  return { kind: 'windows-service', name: names.join(', '), hint: stopServices(names) };
}

/**
 * `wslrelay.exe` forwards a port of a WSL2 distribution to Windows' localhost: the listener is a
 * server inside WSL, and the relay comes back with it.
 *
 * @example
 * ```ts
 * detectWslRelay({pid: 9060, name: 'wslrelay.exe', argv: null, ppid: 9000, ancestors: [], port: 3000});
 * // {kind: 'wsl', name: null, hint: 'stop the server on port 3000 inside WSL,
 * //  or: wsl --shutdown (stops every WSL distribution)'}
 * ```
 */
export function detectWslRelay(facts: HolderFacts): ProcessManager | null {
  if (!holderKeys(facts).has(programKey('wslrelay.exe'))) return null;
  const where = facts.port === undefined ? 'this port' : `port ${facts.port}`;
  return {
    kind: 'wsl',
    name: null,
    hint: `stop the server on ${where} inside WSL, or: wsl --shutdown (stops every WSL distribution)`,
  };
}
