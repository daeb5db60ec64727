/**
 * Start-up costs, each a fresh `node` process timed until it has exited (spawned from a fixed
 * argument array, stdio ignored), interleaved round by round:
 *
 * - import cost: `node -e "import(url)"` of the built `dist/index.js`, of get-port and of
 *   kill-port, against bare `node -e 0` (the cost is the difference of medians);
 * - the command line: `portwarden check <port>` on a free and on a held port and
 *   `portwarden who <held port>` (dist/cli/main.js) against `node -e 0`, with kill-port's CLI
 *   (on the free port only: it would SIGKILL the holder) and `lsof -ti :port` for reference.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  type Contestant,
  type ContestResult,
  contestant,
  type Kind,
  runContest,
} from '../contest.ts';
import { runProcess } from '../processes.ts';
import { DIST_CLI, DIST_INDEX, entryPath, entryUrl, ROOT } from '../subjects.ts';

/** The name of the bare start-up row (the baseline of both tables). */
export const BARE = 'node -e 0 (bare start-up)';

function processContestant(
  name: string,
  kind: Kind,
  file: string,
  args: readonly string[],
  expectedCode = 0,
): Contestant {
  return contestant({
    name,
    kind,
    stall: false,
    run: () =>
      runProcess(file, args, {
        timeout: 20_000,
        cwd: ROOT,
        capture: false,
        env: { ...process.env, DEBUG: '' },
      }),
    check: (result) =>
      result.code === expectedCode
        ? undefined
        : `exit ${result.code ?? result.signal} instead of ${expectedCode}`,
  });
}

const IMPORT = 'import(process.argv[1])';

/** Runs the import-cost contest. */
export function runImportCost(options: {
  rounds: number;
  progress: (line: string) => void;
}): Promise<ContestResult> {
  const node = process.execPath;
  return runContest(
    'Import cost: a fresh node that imports the package (wall time until exit)',
    [
      processContestant(BARE, 'floor', node, ['-e', '0']),
      processContestant('portwarden (dist/index.js)', 'portwarden', node, [
        '-e',
        IMPORT,
        pathToFileURL(DIST_INDEX).href,
      ]),
      processContestant('get-port', 'peer', node, ['-e', IMPORT, entryUrl('get-port')]),
      processContestant('kill-port', 'peer', node, ['-e', IMPORT, entryUrl('kill-port')]),
    ],
    { rounds: options.rounds, warmup: 3, timeout: 30_000, progress: options.progress },
  );
}

/** Runs the command-line contest (`heldPort` is held by the benchmark's holder). */
export function runCli(options: {
  rounds: number;
  freePort: number;
  heldPort: number;
  progress: (line: string) => void;
}): Promise<ContestResult> {
  const node = process.execPath;
  const free = String(options.freePort);
  const held = String(options.heldPort);
  const contestants = [
    processContestant(BARE, 'floor', node, ['-e', '0']),
    processContestant('portwarden check (free port)', 'portwarden', node, [
      DIST_CLI,
      'check',
      free,
    ]),
    processContestant(
      'portwarden check (held port)',
      'portwarden',
      node,
      [DIST_CLI, 'check', held],
      1,
    ),
    processContestant('portwarden who (held port)', 'portwarden', node, [DIST_CLI, 'who', held]),
    processContestant('kill-port CLI (free port; exits 0)', 'peer', node, [
      entryPath('kill-port/cli.js'),
      free,
    ]),
  ];
  if (spawnSync('lsof', ['-v'], { stdio: 'ignore' }).error === undefined) {
    contestants.push(
      processContestant('lsof -ti :port (held port; native)', 'reference', 'lsof', [
        '-ti',
        `:${held}`,
      ]),
    );
  }
  return runContest('Command line: wall time of one run', contestants, {
    rounds: options.rounds,
    warmup: 3,
    timeout: 30_000,
    progress: options.progress,
  });
}
