/**
 * "Free a port whose holder exits 100 ms after SIGTERM": time from the call until the port can be
 * bound again. A fresh holder (node on `::`) is started before every call (untimed).
 *
 * - `ensurePortFree(port)` and `ensurePortFree(port, {force: true})`;
 * - kill-port + polling (lsof through a shell, then `kill -9`);
 * - fkill(':port') + polling (pid-port to find the pid, then a kill);
 * - the floor: SIGTERM to the known pid + bind-probe polling — the holder's own exit time, which no
 *   polite tool can beat.
 *
 * "Polling" is an exclusive bind on `::` every 2 ms. A call is right when, afterwards, the port
 * can be bound and the holder has exited.
 *
 * @module
 */
import fkill from 'fkill';
import { type Contestant, type ContestResult, contestant, runContest } from '../contest.ts';
import { canBind, getBenchPort, type Holder, startHolder } from '../ports.ts';
import { sleep } from '../processes.ts';
import { type Api, type KillPort, requireModule } from '../subjects.ts';

/** How long the holder takes to exit after SIGTERM. */
const EXIT_DELAY = 100;

async function pollUntilBindable(port: number, timeout = 10_000): Promise<void> {
  const end = performance.now() + timeout;
  while (!(await canBind(port))) {
    if (performance.now() > end) throw new Error(`port ${port} still taken after ${timeout} ms`);
    await sleep(2);
  }
}

async function freshHolder(): Promise<Holder> {
  const port = await getBenchPort();
  return startHolder({ port, host: '::', exitDelay: EXIT_DELAY });
}

async function checkFreed(said: boolean, holder: Holder): Promise<string | undefined> {
  if (!said) return 'said the port was not freed';
  if (!(await canBind(holder.port))) return 'port still taken afterwards';
  const exited = await Promise.race([
    holder.exited.then(() => true),
    sleep(2_000).then(() => false),
  ]);
  return exited ? undefined : 'holder still running 2 s afterwards';
}

/** The contestants of "free a port". */
function freeContestants(api: Api): Contestant[] {
  const killPort = requireModule<KillPort>('kill-port');
  const common = {
    setup: freshHolder,
    check: checkFreed,
    teardown: (holder: Holder) => holder.stop(),
  };
  return [
    contestant({
      name: 'portwarden ensurePortFree',
      kind: 'portwarden',
      ...common,
      run: (holder) => api.ensurePortFree(holder.port),
    }),
    contestant({
      name: 'portwarden ensurePortFree {force: true}',
      kind: 'portwarden',
      ...common,
      run: (holder) => api.ensurePortFree(holder.port, { force: true }),
    }),
    contestant({
      name: 'kill-port + polling (kill -9 at once)',
      kind: 'peer',
      ...common,
      run: async (holder) => {
        await killPort(holder.port);
        await pollUntilBindable(holder.port);
        return true;
      },
    }),
    contestant({
      name: "fkill(':port') + polling",
      kind: 'peer',
      ...common,
      run: async (holder) => {
        await fkill(`:${holder.port}`);
        await pollUntilBindable(holder.port);
        return true;
      },
    }),
    contestant({
      name: 'floor: SIGTERM to the known pid + bind-probe poll',
      kind: 'floor',
      ...common,
      run: async (holder) => {
        process.kill(holder.pid, 'SIGTERM');
        await pollUntilBindable(holder.port);
        return true;
      },
    }),
  ];
}

/** Runs "free a port". */
export function runFree(
  api: Api,
  options: { rounds: number; progress: (line: string) => void },
): Promise<ContestResult> {
  return runContest(
    `Free a port whose holder exits ${EXIT_DELAY} ms after SIGTERM (time until it can be bound)`,
    freeContestants(api),
    { rounds: options.rounds, warmup: 2, timeout: 20_000, progress: options.progress },
  );
}
