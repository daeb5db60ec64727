#!/usr/bin/env node
/**
 * The `portwarden` command line. This entry point only parses the command line (node:util
 * `parseArgs`) and loads the module of the command that runs, with a dynamic `import()`, so that
 * `portwarden check 3000` loads the bind probe and little else (not even `node:fs`). Exit
 * statuses: see `exit-codes.ts`. This module is the `bin` and runs when loaded; it exports nothing.
 *
 * @example
 * ```sh
 * portwarden who 3000
 * portwarden free 3000 --json
 * ```
 *
 * @module
 */
import { type Invocation, parseCommandLine, type UsageError, wantsJson } from './args.ts';
import { debug } from './debug.ts';
import { ExitCode, type ExitCodeValue, exitCodeForError } from './exit-codes.ts';
import { helpText } from './help.ts';
import { type CliIO, printError, writeJson } from './output.ts';

/**
 * The package version, read at run time from the package.json beside the build
 * (`dist/cli/main.js` → `../../package.json`).
 *
 * @example
 * ```ts
 * await readVersion(); // '0.1.0'
 * ```
 */
async function readVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The exit status: an {@link ExitCodeValue}, or for `run` the command's own. */
async function dispatch(invocation: Invocation, io: CliIO): Promise<ExitCodeValue | number> {
  switch (invocation.command) {
    case 'help':
      io.stdout.write(helpText(invocation.topic));
      return ExitCode.OK;
    case 'version':
      io.stdout.write(`${await readVersion()}\n`);
      return ExitCode.OK;
    case 'who':
      return (await import('./commands/who.ts')).runWho(invocation, io);
    case 'check':
      return (await import('./commands/check.ts')).runCheck(invocation, io);
    case 'kill':
    case 'free':
      return (await import('./commands/stop.ts')).runStop(invocation, io);
    case 'wait':
      return (await import('./commands/wait.ts')).runWait(invocation, io);
    case 'run':
      return (await import('./commands/run.ts')).runRun(invocation, io);
  }
}

/**
 * Runs the command line `argv` (without `node` and the script) and resolves with the exit status.
 * Bad usage prints one line on stderr and resolves with 2 before anything is done; with `--json`
 * an error is also one JSON document on stdout (`{ok: false, exitCode, error: {code, message}}`).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['check', '3000'], {
 *   stdout: process.stdout, stderr: process.stderr, env: process.env,
 * });
 * ```
 */
async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCodeValue | number> {
  const json = wantsJson(argv);
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv);
  } catch (error) {
    const usage = error as UsageError;
    const hint = usage.command ? `portwarden ${usage.command} --help` : 'portwarden --help';
    printError(io.stderr, usage.command, `${usage.message} (see ${hint})`);
    if (json) {
      writeJson(io.stdout, {
        command: usage.command ?? null,
        ok: false,
        exitCode: ExitCode.USAGE,
        error: { code: 'ERR_CLI_USAGE', message: usage.message },
      });
    }
    return ExitCode.USAGE;
  }
  debug('invocation %o', invocation);
  try {
    return await dispatch(invocation, io);
  } catch (error) {
    const exitCode = exitCodeForError(error);
    const code = (error as { code?: unknown }).code;
    const message = (error as Error).message ?? String(error);
    debug('command failed: %O', error);
    const command =
      invocation.command === 'help' || invocation.command === 'version'
        ? undefined
        : invocation.command;
    const unexpected = typeof code !== 'string' || !code.startsWith('ERR_');
    printError(
      io.stderr,
      command,
      exitCode === ExitCode.INTERRUPTED
        ? 'interrupted'
        : unexpected && exitCode === ExitCode.UNKNOWN
          ? `${message} (DEBUG=portwarden:* shows details)`
          : message.charAt(0).toLowerCase() + message.slice(1),
    );
    if (json) {
      writeJson(io.stdout, {
        command: command ?? null,
        ok: false,
        exitCode,
        error: { code: typeof code === 'string' ? code : 'ERR_UNEXPECTED', message },
      });
    }
    return exitCode;
  }
}

/** Runs the process's command line and exits with its status once the output is flushed. */
function main(): void {
  // `portwarden who 3000 | head -1`: a closed pipe is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
  runCli(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
    // Flush both streams, then exit even if a library handle would keep the loop alive.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}

main();
