/**
 * "Is P in use": isPortInUse against tcp-port-used (connects to 127.0.0.1), detect-port and
 * get-port (both answer with another port when P is taken) and the floor, one exclusive bind on
 * `::`. Run once on a held port and once on a free one; every answer is checked.
 *
 * @module
 */
import getPort, { clearLockedPorts } from 'get-port';
import { type Contestant, type ContestResult, contestant, runContest } from '../contest.ts';
import { bindProbeInUse } from '../floors.ts';
import { type Api, type DetectPort, requireModule, type TcpPortUsed } from '../subjects.ts';

function checkBoolean(truth: boolean) {
  return (inUse: boolean) => (inUse === truth ? undefined : `wrong answer: ${inUse}`);
}

/** The contestants of "is `port` in use" whose true answer is `truth`. */
function inUseContestants(api: Api, port: number, truth: boolean): Contestant[] {
  const tcpPortUsed = requireModule<TcpPortUsed>('tcp-port-used');
  const detectPort = requireModule<{ detectPort: DetectPort }>('detect-port').detectPort;
  const check = checkBoolean(truth);
  return [
    contestant({
      name: 'portwarden isPortInUse',
      kind: 'portwarden',
      run: () => api.isPortInUse(port),
      check,
    }),
    contestant({
      name: "tcp-port-used check(port, '127.0.0.1')",
      kind: 'peer',
      run: () => tcpPortUsed.check(port, '127.0.0.1'),
      check,
    }),
    contestant({
      name: 'detect-port (answer !== port)',
      kind: 'peer',
      run: async () => (await detectPort(port)) !== port,
      check,
    }),
    contestant({
      name: 'get-port({port}) (answer !== port)',
      kind: 'peer',
      // get-port locks every port it hands out for 15-30 s: unlock before each (untimed) call.
      setup: () => clearLockedPorts(),
      run: async () => (await getPort({ port })) !== port,
      check,
    }),
    contestant({
      name: "bind probe floor (one exclusive listen on '::')",
      kind: 'floor',
      run: () => bindProbeInUse(port),
      check,
    }),
  ];
}

/** Runs "is `port` in use". */
export function runInUse(
  title: string,
  api: Api,
  port: number,
  truth: boolean,
  options: { rounds: number; progress: (line: string) => void },
): Promise<ContestResult> {
  return runContest(title, inUseContestants(api, port, truth), {
    rounds: options.rounds,
    warmup: 5,
    timeout: 10_000,
    progress: options.progress,
  });
}
