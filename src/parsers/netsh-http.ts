/**
 * A process attached to an http.sys request queue.
 *
 * @example
 * ```ts
 * const process: HttpSysProcess = {pid: 2688, image: 'C:\\Windows\\System32\\svchost.exe', services: ['NcHostAgent']};
 * ```
 */
interface HttpSysProcess {
  readonly pid: number;
  /** Executable path; `null` when netsh prints none (`Process IDs:` layout) or `<?>`. */
  readonly image: string | null;
  /** Services on the process (`Services:` and `Tagged Service:` lines), without duplicates. */
  readonly services: readonly string[];
}

/**
 * An http.sys request queue: the processes that serve it and the URLs registered on it.
 *
 * @example
 * ```ts
 * const queue: HttpSysQueue = {name: null, processes: [{pid: 2312, image: null, services: []}], urls: ['HTTP://LOCALHOST:8082/']};
 * ```
 */
export interface HttpSysQueue {
  /** The queue's name (an IIS application pool), `null` for "Request queue is unnamed." */
  readonly name: string | null;
  readonly processes: readonly HttpSysProcess[];
  /** Registered URL prefixes as netsh prints them, e.g. `'HTTP://+:5985/WSMAN/'`. */
  readonly urls: readonly string[];
}

interface Builder {
  name: string | null;
  processes: { pid: number; image: string | null; services: string[] }[];
  urls: string[];
  /** Indentation of this queue's `URL groups:` line: deeper `Request queue name:` lines are nested. */
  urlGroupsIndent: number | null;
}

type Section = 'none' | 'pids' | 'processes' | 'urls';
const UNNAMED = /^Request queue is unnamed\.?$/i;

/**
 * Parses `netsh http show servicestate view=requestq` (and the `Request queues:` part of the
 * default session view): every request queue with its processes and registered URLs. Both
 * layouts are read: Windows 10 / Server 2016 print `Process IDs:` with bare pids and the URLs
 * inside `URL groups:`; later builds print `Processes:` with `ID: <pid>, image: <path>` and
 * `Services:` / `Tagged Service:` lines, and the URLs directly under the queue. Indentation may
 * be spaces or no-break spaces; URLs wrapped in `<...>` by a Markdown copy are unwrapped.
 * Older builds' session view lists no URLs under `Request queues:`, which is why the adapter
 * should ask for `view=requestq`.
 *
 * @example
 * ```ts
 * parseNetshHttpQueues([
 *   'Request queue name: Request queue is unnamed.',
 *   '    Process IDs:',
 *   '        2312',
 *   '    URL groups:',
 *   '    URL group ID: BE00000340000001',
 *   '        Request queue name: Request queue is unnamed.',
 *   '            Registered URLs:',
 *   '                HTTP://LOCALHOST:8082/',
 * ].join('\r\n'));
 * // [{name: null, processes: [{pid: 2312, image: null, services: []}], urls: ['HTTP://LOCALHOST:8082/']}]
 * ```
 */
export function parseNetshHttpQueues(text: string): HttpSysQueue[] {
  let lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const section = lines.findIndex((line) => line.trim() === 'Request queues:');
  if (section >= 0) lines = lines.slice(section + 1);
  const queues: Builder[] = [];
  let current: Builder | null = null;
  let mode: Section = 'none';
  for (const raw of lines) {
    const content = raw.trim();
    if (content === '') continue;
    const indent = raw.length - raw.trimStart().length;
    const queueName = /^Request queue name:\s*(.*)$/.exec(content);
    if (queueName) {
      const nested =
        current !== null && current.urlGroupsIndent !== null && indent > current.urlGroupsIndent;
      if (!nested) {
        const name = (queueName[1] as string).trim();
        current = {
          name: UNNAMED.test(name) ? null : name,
          processes: [],
          urls: [],
          urlGroupsIndent: null,
        };
        queues.push(current);
        mode = 'none';
      }
      continue;
    }
    if (current === null) continue;
    if (content === 'URL groups:') {
      current.urlGroupsIndent ??= indent;
      mode = 'none';
    } else if (content === 'Process IDs:') {
      mode = 'pids';
    } else if (content === 'Processes:') {
      mode = 'processes';
    } else if (content === 'Registered URLs:') {
      mode = 'urls';
    } else if (mode === 'pids' && /^\d+(?:\s|$)/.test(content)) {
      current.processes.push({ pid: Number.parseInt(content, 10), image: null, services: [] });
    } else if (mode === 'processes' && readProcessLine(current, content)) {
      // consumed
    } else if (mode === 'urls' && /^<?[a-z][a-z0-9+.-]*:\/\//i.test(content)) {
      current.urls.push((content.split(/\s+/)[0] as string).replace(/^<(.*)>$/, '$1'));
    } else {
      mode = 'none';
    }
  }
  return queues.map(({ name, processes, urls }) => ({ name, processes, urls }));
}

function readProcessLine(queue: Builder, content: string): boolean {
  const id = /^ID:\s*(\d+)\s*(?:,\s*image:\s*(.*))?$/i.exec(content);
  if (id) {
    const image = id[2]?.trim() ?? '';
    queue.processes.push({
      pid: Number(id[1]),
      image: image === '' || image === '<?>' ? null : image,
      services: [],
    });
    return true;
  }
  const services = /^(?:Tagged )?Services?:\s*(.*)$/i.exec(content);
  const last = queue.processes.at(-1);
  if (services && last) {
    for (const service of (services[1] as string).split(',')) {
      const name = service.trim();
      if (name !== '' && !last.services.includes(name)) last.services.push(name);
    }
    return true;
  }
  return false;
}

/**
 * The port of an http.sys URL prefix (`HTTP://+:5985/WSMAN/` -> 5985); the scheme's default
 * (80, 443) when the prefix names none; `null` for something that is not such a URL.
 *
 * @example
 * ```ts
 * httpSysUrlPort('HTTPS://+:443/HOSTAGENT/VSWITCH/'); // 443
 * httpSysUrlPort('http://[::1]:8080/'); // 8080
 * ```
 */
export function httpSysUrlPort(url: string): number | null {
  const match = /^(https?):\/\/(\[[^\]]*\]|[^/:]*)(?::(\d+))?(?:\/|$)/i.exec(url);
  if (!match) return null;
  if (match[3] !== undefined) return Number(match[3]);
  return (match[1] as string).toLowerCase() === 'https' ? 443 : 80;
}

/**
 * The request queues with a URL registered on `port`.
 *
 * @example
 * ```ts
 * httpSysQueuesOnPort(parseNetshHttpQueues(text), 5985); // the WinRM queue
 * ```
 */
export function httpSysQueuesOnPort(queues: readonly HttpSysQueue[], port: number): HttpSysQueue[] {
  return queues.filter((queue) => queue.urls.some((url) => httpSysUrlPort(url) === port));
}
