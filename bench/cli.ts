/**
 * Start-up benchmark of the command line, in one run on this machine: wall time of
 * `portwarden check <port>` (the built binary, `node dist/cli/main.js`) against `lsof -ti :<port>`
 * and kill-port's CLI (the installed bin run with node, as `npx kill-port` runs it, without npx's
 * own start-up and network), with bare `node -e 0` as the floor. Every contender is a fresh
 * process, spawned with an argument array, timed until it has exited, round by round interleaved.
 *
 *   npm run build && node --import tsx bench/cli.ts [rounds]
 *
 * The aim: `portwarden check` at most 1.3× the floor.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTestPort } from '../test/helpers/holders.ts';
import { type Contender, median, printTable, timeInterleaved } from './stats.ts';

const require = createRequire(import.meta.url);
const rounds = Number(process.argv[2] ?? 40);
const root = fileURLToPath(new URL('../', import.meta.url));
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) throw new Error('Build first: npm run build');

/** Runs one process to its end (stdout and stderr discarded); resolves with its exit status. */
function run(file: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, DEBUG: '' },
    });
    child.once('error', reject);
    child.once('close', resolve);
  });
}

const freePort = await getTestPort();
const heldPort = await getTestPort();
const holder = spawn(
  process.execPath,
  ['-e', `require('net').createServer().listen(${heldPort},'0.0.0.0',()=>console.log('ready'))`],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise((resolve) => holder.stdout?.once('data', resolve));

try {
  const hasLsof = spawnSync('lsof', ['-v'], { stdio: 'ignore' }).error === undefined;
  let killPortBin: string | undefined;
  try {
    killPortBin = require.resolve('kill-port/cli.js');
  } catch {
    console.log('kill-port is not installed (npm i -D kill-port): left out');
  }

  // Sanity: each contender answers as expected before anything is timed.
  const checks = {
    'check free': await run(process.execPath, [main, 'check', String(freePort)]),
    'check held': await run(process.execPath, [main, 'check', String(heldPort)]),
    ...(hasLsof ? { 'lsof held': await run('lsof', ['-ti', `:${heldPort}`]) } : {}),
  };
  console.log(
    `ports: free ${freePort}, held ${heldPort} (pid ${holder.pid}); exit statuses ${JSON.stringify(checks)}`,
  );
  if (checks['check free'] !== 0 || checks['check held'] !== 1)
    throw new Error('portwarden check answers wrongly');

  // The least any bind-probing check can cost: an ES module that binds once and exits.
  const minimal = join(mkdtempSync(join(tmpdir(), 'pw-bench-')), 'bind-once.mjs');
  writeFileSync(
    minimal,
    "import {createServer} from 'node:net'; const s = createServer(); s.once('error', () => process.exit(1));" +
      ' s.listen({port: Number(process.argv[2]), exclusive: true}, () => s.close(() => process.exit(0)));',
  );

  const contenders: Contender[] = [
    { name: 'node -e 0 (floor)', run: () => run(process.execPath, ['-e', '0']) },
    {
      name: 'node: one bind, bare (reference)',
      run: () => run(process.execPath, [minimal, String(freePort)]),
    },
    {
      name: 'portwarden check (free port)',
      run: () => run(process.execPath, [main, 'check', String(freePort)]),
    },
    {
      name: 'portwarden check (held port)',
      run: () => run(process.execPath, [main, 'check', String(heldPort)]),
    },
    {
      name: 'portwarden who (held port)',
      run: () => run(process.execPath, [main, 'who', String(heldPort)]),
    },
  ];
  if (hasLsof) {
    contenders.push(
      { name: 'lsof -ti :port (free port)', run: () => run('lsof', ['-ti', `:${freePort}`]) },
      { name: 'lsof -ti :port (held port)', run: () => run('lsof', ['-ti', `:${heldPort}`]) },
    );
  }
  if (killPortBin) {
    // Only on the free port: kill-port would SIGKILL the holder (and does so through a shell).
    const bin = killPortBin;
    contenders.push({
      name: 'kill-port cli (free port)',
      run: () => run(process.execPath, [bin, String(freePort)]),
    });
  }

  const samples = await timeInterleaved(contenders, rounds, 3);
  printTable(
    `CLI wall time, ${rounds} rounds, node ${process.version}, ${process.platform} (ms per run, ratio to node -e 0)`,
    samples,
    'node -e 0 (floor)',
  );
  const floor = median(samples.get('node -e 0 (floor)') ?? []);
  const check = median(samples.get('portwarden check (free port)') ?? []);
  const ratio = check / floor;
  console.log(
    `\nportwarden check / node -e 0 = ${ratio.toFixed(2)} (aim: <= 1.30) ${ratio <= 1.3 ? 'ok' : 'OVER'}`,
  );
} finally {
  holder.kill('SIGKILL');
}
