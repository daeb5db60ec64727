/**
 * Running Windows console tools: the one place that knows that their output is in the console's
 * OEM code page, and how PowerShell is started. Parsing stays in src/parsers.
 *
 * @module
 */
import { CommandNotFoundError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { decodeConsoleOutput, oemCodePageForLocale } from '../parsers/code-pages.ts';
import type { CommandResult } from './runner.ts';
import { type ToolContext, toolRunOptions } from './tools.ts';

const debug = createLogger('portwarden:run');

/**
 * The OEM code page Windows console tools most likely write in, without spawning anything:
 * derived from the locale `Intl` reports (437 en-US, 850 de/fr/es/..., 866 ru, 936 zh-CN, ...).
 * Asking the console (`chcp`) costs a process and answers in a localized sentence.
 *
 * @example
 * ```ts
 * defaultConsoleCodePage(); // 850 on a German Windows
 * ```
 */
export function defaultConsoleCodePage(): number {
  return oemCodePageForLocale(Intl.DateTimeFormat().resolvedOptions().locale);
}

/**
 * A finished console tool, its output decoded: as UTF-8 when it is valid UTF-8, otherwise in
 * `codePage`. Only ASCII matters to the parsers (protocols, addresses, numbers), so a wrong guess
 * changes nothing but localized words.
 *
 * @example
 * ```ts
 * const {stdout, exitCode} = await runConsoleTool('netstat', ['-ano'], tools);
 * ```
 */
export async function runConsoleTool(
  file: string,
  args: readonly string[],
  tools: ToolContext,
  codePage = defaultConsoleCodePage(),
): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  const result = await tools.run(file, args, toolRunOptions(tools));
  return {
    stdout: decodeConsoleOutput(result.stdout, codePage),
    stderr: decodeConsoleOutput(result.stderr, codePage),
    exitCode: result.exitCode,
  };
}

/** Windows PowerShell 5.1 first (always installed), then PowerShell 7. */
const POWERSHELL_EXECUTABLES = ['powershell.exe', 'pwsh.exe'] as const;

/**
 * Runs a fixed PowerShell script: `powershell.exe -NoProfile -NonInteractive -Command <script>`,
 * or `pwsh.exe` when Windows PowerShell is missing. The script is one argument, not a shell line;
 * callers build it from constants and validated integers only. Throws the
 * {@link CommandNotFoundError} of `powershell.exe` when neither exists; returns any exit status.
 *
 * @example
 * ```ts
 * const {stdout} = await runPowerShell('Get-Date -Format o', tools);
 * ```
 */
export async function runPowerShell(script: string, tools: ToolContext): Promise<CommandResult> {
  let missing: CommandNotFoundError | undefined;
  for (const executable of POWERSHELL_EXECUTABLES) {
    try {
      return await tools.run(
        executable,
        ['-NoProfile', '-NonInteractive', '-Command', script],
        toolRunOptions(tools),
      );
    } catch (error) {
      if (!(error instanceof CommandNotFoundError)) throw error;
      debug('%s not found', executable);
      missing ??= error;
    }
  }
  throw missing ?? new CommandNotFoundError(POWERSHELL_EXECUTABLES[0]);
}
