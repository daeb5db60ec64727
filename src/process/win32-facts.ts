import { createLogger } from '../log.ts';
import type { HostedService } from '../managers/types.ts';
import { parseNetshHttpQueues } from '../parsers/netsh-http.ts';
import { parseTasklistServices } from '../parsers/tasklist-svc.ts';
import type { ToolContext } from '../system/tools.ts';
import { runConsoleTool } from '../system/windows-console.ts';
import type { BaseFacts, HolderFactsSource } from './facts.ts';

const debug = createLogger('portwarden:process:win32');

/** The System process: http.sys serves its ports. */
const SYSTEM_PID = 4;

async function hostedServices(tools: ToolContext): Promise<Map<number, HostedService[]>> {
  const services = new Map<number, HostedService[]>();
  try {
    const result = await runConsoleTool('tasklist', ['/svc', '/FO', 'CSV', '/NH'], tools);
    for (const row of parseTasklistServices(result.stdout)) {
      if (row.services.length > 0)
        services.set(
          row.pid,
          row.services.map((name) => ({ name })),
        );
    }
  } catch (error) {
    debug('tasklist /svc failed: %s', (error as Error).message);
  }
  return services;
}

async function httpSysQueues(tools: ToolContext) {
  try {
    const args = ['http', 'show', 'servicestate', 'view=requestq'];
    return parseNetshHttpQueues((await runConsoleTool('netsh', args, tools)).stdout);
  } catch (error) {
    debug('netsh http show servicestate failed: %s', (error as Error).message);
    return undefined;
  }
}

/**
 * {@link HolderFactsSource} for Windows: the services each process hosts (`tasklist /svc`, image names and service
 * key names in any display language), and — when pid 4 `System` holds the port — http.sys's
 * request queues (`netsh http show servicestate view=requestq`), which name the service or
 * program that registered the URL. Nothing is thrown: what cannot be read stays out.
 *
 * @example
 * ```ts
 * (await win32HolderFacts([3040], tools)).get(3040)?.services; // [{name: 'WinRM'}]
 * ```
 */
export const win32HolderFacts: HolderFactsSource = async (pids, tools: ToolContext) => {
  const result = new Map<number, BaseFacts>();
  const wanted = [...new Set(pids)];
  if (wanted.length === 0) return result;
  const [services, queues] = await Promise.all([
    hostedServices(tools),
    wanted.includes(SYSTEM_PID) ? httpSysQueues(tools) : Promise.resolve(undefined),
  ]);
  for (const pid of wanted) {
    const hosted = services.get(pid);
    // Name, command line and parent: the owner's own (CIM), filled in by the core.
    result.set(pid, {
      pid,
      name: pid === SYSTEM_PID ? 'System' : null,
      argv: null,
      ppid: null,
      ancestors: [],
      ...(hosted ? { services: hosted } : {}),
      ...(pid === SYSTEM_PID && queues ? { httpSys: queues } : {}),
    });
  }
  return result;
};
