/**
 * A host process for the command-runner tests: it runs the real `runCommand` and prints what
 * happened as one JSON line on stdout, then ends by itself (no `process.exit`), so a test can see
 * whether anything the runner left keeps a host alive. Run by {@link Toolbox.runNode} with one
 * argument, a JSON {@link ChildConfig}.
 *
 * - `run`: runs `calls` one after the other; reports each outcome and the peak rss growth. With
 *   `rssLimit`, a watchdog exits with status 3 when rss grows past it (so a runaway cannot take
 *   the test machine down).
 * - `emfile`: opens `/dev/null` until `EMFILE`, runs `file`, waits 300 ms (an unhandled `'error'`
 *   would crash it now), closes the files and runs `file` again.
 * - `exit-mid-call`: starts `file`, waits until the pid file `args[0]` is written, then calls
 *   `process.exit(0)` while the call is still running.
 *
 * @module
 */
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { PortwardenError } from '../../src/errors.ts';
import { type RunOptions, runCommand } from '../../src/system/runner.ts';

/** One runner call. */
interface ChildCall {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: RunOptions;
}

/** What the child is asked to do. */
type ChildConfig =
  | { readonly mode: 'run'; readonly calls: readonly ChildCall[]; readonly rssLimit?: number }
  | ({ readonly mode: 'emfile' | 'exit-mid-call' } & ChildCall);

/** How one call ended, as printed. */
export interface CallOutcome {
  readonly ms: number;
  readonly exitCode?: number | null;
  readonly stdout?: string;
  readonly stdoutLength?: number;
  readonly code?: string;
  readonly name?: string;
  readonly reason?: string;
  readonly errno?: string;
  readonly causeCode?: string;
  readonly isPortwardenError?: boolean;
}

async function call({ file, args, options }: ChildCall): Promise<CallOutcome> {
  const started = performance.now();
  try {
    const result = await runCommand(file, args, options);
    return {
      ms: Math.round(performance.now() - started),
      exitCode: result.exitCode,
      stdout: result.stdout.subarray(0, 200).toString(),
      stdoutLength: result.stdout.length,
    };
  } catch (error) {
    const fields = error as Record<string, unknown> & { cause?: { code?: string } };
    return {
      ms: Math.round(performance.now() - started),
      code: String(fields.code),
      name: String(fields.name),
      reason: String(fields.reason),
      errno: String(fields.errno),
      causeCode: String(fields.cause?.code),
      isPortwardenError: error instanceof PortwardenError,
    };
  }
}

async function run(calls: readonly ChildCall[], rssLimit: number | undefined): Promise<object> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    peak = Math.max(peak, rss);
    if (rssLimit !== undefined && rss - base > rssLimit) {
      console.log(JSON.stringify({ overLimit: true, rssGrowth: rss - base }));
      process.exit(3);
    }
  };
  const watchdog = setInterval(sample, 10);
  const outcomes: CallOutcome[] = [];
  for (const each of calls) {
    outcomes.push(await call(each));
    sample();
  }
  clearInterval(watchdog);
  return { outcomes, rssGrowth: peak - base };
}

async function emfile(tool: ChildCall): Promise<object> {
  const files: number[] = [];
  try {
    for (;;) files.push(openSync('/dev/null', 'r'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EMFILE') throw error;
  }
  const exhausted = await call(tool);
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const fd of files) closeSync(fd);
  return { opened: files.length, exhausted, recovered: await call(tool) };
}

async function exitMidCall(tool: ChildCall): Promise<never> {
  void runCommand(tool.file, tool.args, tool.options).catch(() => {});
  const pidFile = tool.args[0] ?? '';
  while (!(existsSync(pidFile) && /^\d+\n/.test(readFileSync(pidFile, 'utf8')))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.exit(0);
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const report =
  config.mode === 'run'
    ? await run(config.calls, config.rssLimit)
    : config.mode === 'emfile'
      ? await emfile(config)
      : await exitMidCall(config);
console.log(JSON.stringify(report));
