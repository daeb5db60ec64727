import type { CommandRunner, RunOptions } from './runner.ts';

/**
 * Everything code that reads the system may touch, injectable for tests: the command runner
 * (replayed output), the `/proc` root (a fixture tree), the environment tools run with, and the
 * call's time budget. One is built per public call and shared by everything the call does, so a
 * polling loop reuses it.
 *
 * @example
 * ```ts
 * const tools: ToolContext = {run: runCommand, procRoot: '/proc', env: process.env, toolTimeout: 5000,
 *   deadline: performance.now() + 3000};
 * ```
 */
export interface ToolContext {
  /** Runs tools with argument arrays and timeouts. */
  readonly run: CommandRunner;
  /** Root of the proc filesystem (`'/proc'`). */
  readonly procRoot: string;
  /** Environment for tools (PATH). */
  readonly env: NodeJS.ProcessEnv;
  /** Milliseconds a single tool may run at most. */
  readonly toolTimeout: number;
  /** `performance.now()` time after which the call waits for nothing more (its `maxWait`). */
  readonly deadline: number;
  /** The caller's AbortSignal. */
  readonly signal?: AbortSignal | undefined;
  /** Whether tools run in a process group of their own (the platform says; Windows: no). */
  readonly processGroups?: boolean | undefined;
}

/**
 * The options one tool runs with: its timeout — the tool timeout, but never past the call's
 * deadline — the abort signal, and the environment (with `extraEnv` on top, e.g. `{LC_ALL: 'C'}`).
 *
 * @example
 * ```ts
 * await tools.run('ss', args, toolRunOptions(tools));
 * ```
 */
export function toolRunOptions(tools: ToolContext, extraEnv?: NodeJS.ProcessEnv): RunOptions {
  const left = Math.floor(tools.deadline - performance.now());
  return {
    timeout: Math.max(0, Math.min(tools.toolTimeout, left)),
    env: extraEnv ? { ...tools.env, ...extraEnv } : tools.env,
    processGroup: tools.processGroups !== false,
    ...(tools.signal ? { signal: tools.signal } : {}),
  };
}
