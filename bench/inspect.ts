/**
 * Benchmark of the inspection functions against their peers, in one run on this machine:
 * getProcessesOnPort vs pid-port's portToPid({host: '*'}) and find-process, with the cost of
 * spawning `ss` as a floor; isPortInUse vs tcp-port-used and detect-port.
 *
 *   npm run build && node --import tsx bench/inspect.ts [rounds]
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { getProcessesOnPort, isPortInUse } from '../src/index.ts';
import { runCommand } from '../src/system/runner.ts';
import { printTable, timeInterleaved } from './stats.ts';

const require = createRequire(import.meta.url);
const rounds = Number(process.argv[2] ?? 40);

const port = 40_000 + Math.floor(Math.random() * 20_000);
const holder = spawn(
  process.execPath,
  ['-e', `require('net').createServer().listen(${port},'0.0.0.0',()=>console.log('ready'))`],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await new Promise((resolve) => holder.stdout?.once('data', resolve));

try {
  const { portToPid } = await import('pid-port');
  const findProcess = require('find-process').default ?? require('find-process');
  const tcpPortUsed = require('tcp-port-used');
  const detectPort =
    require('detect-port').default ?? require('detect-port').detect ?? require('detect-port');

  // Check every contender finds the holder before timing anything.
  const ours = await getProcessesOnPort(port);
  const theirs = await portToPid({ port, host: '*' });
  const found = await findProcess('port', port);
  console.log(
    `holder pid ${holder.pid} on 0.0.0.0:${port}; portwarden: ${ours.map((o) => o.pid)}; pid-port: ${theirs}; find-process: ${found.map((p: { pid: number }) => p.pid)}`,
  );

  const owners = await timeInterleaved(
    [
      { name: 'portwarden getProcessesOnPort', run: () => getProcessesOnPort(port) },
      { name: "pid-port portToPid({host:'*'})", run: () => portToPid({ port, host: '*' }) },
      { name: "find-process('port')", run: () => findProcess('port', port) },
      {
        name: 'spawn ss -tlnp (floor)',
        run: () =>
          runCommand('ss', ['-H', '-t', '-l', '-n', '-p', 'sport', '=', `:${port}`], {
            timeout: 5000,
          }),
      },
    ],
    rounds,
  );
  printTable(`Who holds the port (${rounds} rounds, interleaved)`, owners);

  const inUse = await timeInterleaved(
    [
      { name: 'portwarden isPortInUse (held)', run: () => isPortInUse(port) },
      { name: 'portwarden isPortInUse (free)', run: () => isPortInUse(port + 1) },
      { name: 'tcp-port-used check (held)', run: () => tcpPortUsed.check(port, '127.0.0.1') },
      { name: 'detect-port (held)', run: () => detectPort(port) },
    ],
    rounds * 5,
  );
  printTable(`Is the port in use (${rounds * 5} rounds, interleaved)`, inUse);
} finally {
  holder.kill('SIGKILL');
}
