/**
 * "Who holds P": getProcessesOnPort against pid-port, find-process and the floors (`ss` with the
 * kernel's port filter, a synchronous procfs scan), every answer checked against the pid the
 * benchmark started. Also "where the time goes": the phases of a procfs lookup and the `ss`
 * variants, timed with the same engine (their stall included).
 *
 * @module
 */
import { portBindings, portToPid } from 'pid-port';
import { type Contestant, type ContestResult, contestant, runContest } from '../contest.ts';
import {
  listeningInodes,
  parseEveryRow,
  readProcNet,
  readProcNetAsync,
  SS_FLOOR_NAME,
  scanFds,
  ssOwners,
  syncProcfsOwners,
} from '../floors.ts';
import { runProcess } from '../processes.ts';
import { type Api, type FindProcess, requireDefault } from '../subjects.ts';

/** Checks a list of pids (null: hidden owner) against the one true holder. */
function checkPids(
  pids: readonly (number | null | undefined)[],
  truth: number,
): string | undefined {
  const sorted = [...pids].sort((a, b) => (a ?? -1) - (b ?? -1));
  return sorted.length === 1 && sorted[0] === truth
    ? undefined
    : `wrong answer: [${sorted.join(', ')}] instead of [${truth}]`;
}

/** The contestants of "who holds `port`" (held by `holderPid` alone). */
function whoHoldsContestants(api: Api, port: number, holderPid: number): Contestant[] {
  const findProcess = requireDefault<FindProcess>('find-process');
  return [
    contestant({
      name: 'portwarden getProcessesOnPort',
      kind: 'portwarden',
      run: () => api.getProcessesOnPort(port),
      check: (owners) =>
        checkPids(
          owners.map((owner) => owner.pid),
          holderPid,
        ),
    }),
    contestant({
      name: "pid-port portToPid({host: '*'})",
      kind: 'peer',
      run: () => portToPid({ port, host: '*' }),
      check: (pid) => checkPids([pid], holderPid),
    }),
    contestant({
      name: "pid-port portBindings({host: '*'})",
      kind: 'peer',
      run: () => portBindings(port, { host: '*' }),
      check: (bindings) =>
        checkPids([...new Set(bindings.map((binding) => binding.pid))], holderPid),
    }),
    contestant({
      name: "find-process('port')",
      kind: 'peer',
      run: () => findProcess('port', port),
      check: (found) => checkPids([...new Set(found.map((entry) => entry.pid))], holderPid),
    }),
    contestant({
      name: SS_FLOOR_NAME,
      kind: 'floor',
      run: () => ssOwners(port),
      check: (pids) => checkPids(pids, holderPid),
    }),
    contestant({
      name: 'sync procfs floor (tcp, tcp6, /proc/*/fd)',
      kind: 'floor',
      run: () => syncProcfsOwners(port),
      check: (pids) => checkPids(pids, holderPid),
    }),
  ];
}

/** Runs "who holds `port`". */
export function runWhoHolds(
  title: string,
  api: Api,
  port: number,
  holderPid: number,
  options: { rounds: number; progress: (line: string) => void },
): Promise<ContestResult> {
  return runContest(title, whoHoldsContestants(api, port, holderPid), {
    rounds: options.rounds,
    warmup: 3,
    timeout: 60_000,
    progress: options.progress,
  });
}

/** The phases of a lookup, each timed on its own (reference rows, not contestants). */
export function runWhereTimeGoes(
  title: string,
  port: number,
  options: { rounds: number; progress: (line: string) => void },
): Promise<ContestResult> {
  const tcp = readProcNet('tcp');
  const tcp6 = readProcNet('tcp6');
  const inodes = new Set([...listeningInodes(tcp, port), ...listeningInodes(tcp6, port)]);
  const sizeCheck = (expected: number) => (count: number) =>
    count >= expected ? undefined : `only ${count} rows`;
  const rows = parseEveryRow(tcp) + parseEveryRow(tcp6);
  const phases: Contestant[] = [
    contestant({
      name: 'readFileSync /proc/net/tcp',
      kind: 'reference',
      run: () => readProcNet('tcp'),
    }),
    contestant({
      name: 'readFileSync /proc/net/tcp6',
      kind: 'reference',
      run: () => readProcNet('tcp6'),
    }),
    contestant({
      name: 'fs/promises readFile tcp + tcp6 (parallel)',
      kind: 'reference',
      run: () => Promise.all([readProcNetAsync('tcp'), readProcNetAsync('tcp6')]),
    }),
    contestant({
      name: "parse only the port's rows (indexOf)",
      kind: 'reference',
      run: () => listeningInodes(tcp, port).length + listeningInodes(tcp6, port).length,
      check: (found) => (found === inodes.size ? undefined : `found ${found} inodes`),
    }),
    contestant({
      name: `parse every row (split) — ${rows} rows`,
      kind: 'reference',
      run: () => parseEveryRow(tcp) + parseEveryRow(tcp6),
      check: sizeCheck(rows),
    }),
    contestant({
      name: 'scan /proc/*/fd (readdirSync + readlinkSync)',
      kind: 'reference',
      run: () => scanFds(inodes),
      check: (scan) => (scan.pids.length > 0 ? undefined : 'no owner found'),
    }),
    contestant({
      name: SS_FLOOR_NAME,
      kind: 'reference',
      run: () => ssOwners(port),
    }),
    contestant({
      name: 'spawn ss -Htln sport = :P (no -p: no process scan)',
      kind: 'reference',
      run: () => runProcess('ss', ['-Htln', 'sport', '=', `:${port}`], { timeout: 15_000 }),
    }),
    contestant({
      name: 'spawn ss -tunlp (all listeners: pid-port, find-process)',
      kind: 'reference',
      run: () => runProcess('ss', ['-tunlp'], { timeout: 15_000 }),
    }),
  ];
  return runContest(title, phases, {
    rounds: options.rounds,
    warmup: 2,
    timeout: 60_000,
    progress: options.progress,
  });
}

/** What the socket table and /proc hold right now (for the report). */
export function machineLoad(): {
  tcpRows: number;
  tcp6Rows: number;
  processes: number;
  fdLinks: number;
} {
  const count = (text: string) => Math.max(0, text.split('\n').filter(Boolean).length - 1);
  const scan = scanFds(new Set());
  return {
    tcpRows: count(readProcNet('tcp')),
    tcp6Rows: count(readProcNet('tcp6')),
    processes: scan.processes,
    fdLinks: scan.links,
  };
}
