/**
 * Benchmark: time from the call until the port can be bound again, with a holder that exits
 * 100 ms after SIGTERM, for
 *
 * - `ensurePortFree(port)` (SIGTERM, waits for the exit itself, checks with a bind probe);
 * - `ensurePortFree(port, {force: true})` (SIGKILL at once: what kill-port does);
 * - `kill-port` followed by polling (it runs `lsof` through a shell, then `kill -9`);
 * - `fkill(':port')` followed by polling (pid-port to find the pid, `kill -15` as a subprocess);
 * - the floor: `process.kill(pid, 'SIGTERM')` with the pid already known, followed by polling —
 *   the holder's own exit time, which no tool that asks politely can beat.
 *
 * "Polling" is a Node bind probe on `::` every 2 ms (generous to the peers: they have none).
 * Rounds are interleaved so machine noise hits every contender alike; a new holder is started
 * (untimed) before each timed call. Prints medians, p90 and the ratio to ensurePortFree.
 *
 *   node --import tsx bench/free.ts [rounds]
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import fkill from 'fkill';
import { ensurePortFree } from '../src/index.ts';
import { getTestPort, startHolder } from '../test/helpers/holders.ts';

const require = createRequire(import.meta.url);
const killPort = require('kill-port') as (port: number, method?: string) => Promise<unknown>;
const rounds = Number(process.argv[2] ?? 15);
const EXIT_DELAY = 100;

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '::', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function pollUntilBindable(port: number, timeout = 10_000): Promise<void> {
  const end = performance.now() + timeout;
  while (!(await canBind(port))) {
    if (performance.now() > end) throw new Error(`port ${port} still taken after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface Contender {
  readonly name: string;
  /** Frees `port` (held by `pid`) and resolves once it can be bound. */
  run(port: number, pid: number): Promise<void>;
}

const contenders: Contender[] = [
  {
    name: 'portwarden ensurePortFree',
    async run(port) {
      if (!(await ensurePortFree(port))) throw new Error('ensurePortFree said false');
    },
  },
  {
    name: 'portwarden ensurePortFree force',
    async run(port) {
      if (!(await ensurePortFree(port, { force: true })))
        throw new Error('ensurePortFree said false');
    },
  },
  {
    name: 'kill-port + polling',
    async run(port) {
      await killPort(port);
      await pollUntilBindable(port);
    },
  },
  {
    name: "fkill(':port') + polling",
    async run(port) {
      await fkill(`:${port}`);
      await pollUntilBindable(port);
    },
  },
  {
    name: 'floor: process.kill(known pid) + polling',
    async run(port, pid) {
      process.kill(pid, 'SIGTERM');
      await pollUntilBindable(port);
    },
  },
];

const samples = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
const signals = new Map<string, Set<string>>(
  contenders.map((contender) => [contender.name, new Set()]),
);
const warmup = 2;
for (let round = 0; round < warmup + rounds; round++) {
  for (const contender of contenders) {
    const port = await getTestPort();
    const holder = await startHolder({
      port,
      host: '::',
      onSigterm: 'exit',
      exitDelay: EXIT_DELAY,
    });
    const started = performance.now();
    try {
      await contender.run(port, holder.pid);
      const elapsed = performance.now() - started;
      if (round >= warmup) samples.get(contender.name)?.push(elapsed);
      const { code, signal } = await holder.exited;
      signals.get(contender.name)?.add(signal ?? `exit ${code}`);
    } finally {
      await holder.stop();
    }
  }
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (fraction === 0.5) {
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}

const baseline = percentile(samples.get('portwarden ensurePortFree') ?? [], 0.5);
const width = Math.max(...contenders.map((contender) => contender.name.length));
console.log(
  `\nFree a port held by a process that exits ${EXIT_DELAY} ms after SIGTERM — time until the port can be bound (${rounds} rounds, node ${process.version}, ${process.platform})`,
);
console.log(
  `${'contender'.padEnd(width)}  ${'median ms'.padStart(9)}  ${'p90 ms'.padStart(7)}  ${'× ensurePortFree'.padStart(16)}  how the holder ended`,
);
for (const contender of contenders) {
  const values = samples.get(contender.name) ?? [];
  const median = percentile(values, 0.5);
  console.log(
    `${contender.name.padEnd(width)}  ${median.toFixed(1).padStart(9)}  ${percentile(values, 0.9).toFixed(1).padStart(7)}  ${(median / baseline).toFixed(2).padStart(16)}  ${[...(signals.get(contender.name) ?? [])].join(', ')}`,
  );
}
const floor = percentile(samples.get('floor: process.kill(known pid) + polling') ?? [], 0.5);
console.log(
  `\nensurePortFree − floor (the holder's own exit): ${(baseline - floor).toFixed(1)} ms`,
);
