/**
 * The machine a benchmark ran on, for the report's header: CPU, cores, RAM, kernel, Node, tool
 * versions, date and the git commit measured.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { ROOT, versionOf } from './subjects.ts';

/** What the report says about the machine and the code. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly ss: string;
  readonly lsof: string;
  readonly date: string;
  readonly commit: string;
  readonly versions: Readonly<Record<string, string>>;
  /** 1-minute load average when the run started (other work on the machine skews every number). */
  readonly loadAtStart: number;
}

/** The 1-minute load average now. */
export function loadNow(): number {
  return loadavg()[0] ?? Number.NaN;
}

/** The first line of a tool's output that matches `pattern` ('not installed' when it cannot run). */
function toolLine(file: string, args: readonly string[], pattern = /\S/): string {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 5_000, cwd: ROOT });
  if (result.error) return 'not installed';
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return (
    text
      .split('\n')
      .find((line) => pattern.test(line))
      ?.trim() ?? '?'
  );
}

/** The current commit, with `+changes` when the worktree differs from it. */
function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], {
    encoding: 'utf8',
    timeout: 5_000,
    cwd: ROOT,
  });
  if (head.status !== 0) return 'unknown';
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    encoding: 'utf8',
    timeout: 5_000,
    cwd: ROOT,
  });
  const dirty = status.status === 0 && status.stdout.trim() !== '';
  const branch = spawnSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], {
    encoding: 'utf8',
    timeout: 5_000,
    cwd: ROOT,
  });
  return `${head.stdout.trim()}${dirty ? '+changes' : ''} (${branch.stdout.trim() || '?'})`;
}

/** Collects the machine's description. */
export function describeMachine(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    ramGiB: totalmem() / 1024 ** 3,
    kernel: `${type()} ${release()}`,
    node: process.version,
    ss: toolLine('ss', ['-V']),
    lsof: toolLine('lsof', ['-v'], /^\s*revision:/).replace(/^revision:\s*/, 'lsof '),
    loadAtStart: loadNow(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: gitCommit(),
    versions: Object.fromEntries(
      [
        'portwarden',
        'pid-port',
        'find-process',
        'get-port',
        'detect-port',
        'tcp-port-used',
        'kill-port',
        'fkill',
      ].map((name) => [name, versionOf(name)]),
    ),
  };
}

/** The one-line description used in the README block. */
export function machineLine(info: MachineInfo): string {
  return `${info.cpu}, ${info.cores} cores, ${info.ramGiB.toFixed(0)} GiB RAM, ${info.kernel}, Node ${info.node}`;
}
