/**
 * The command runner now lives in `src/system/runner.ts`; this module re-exports it until every
 * import points there.
 *
 * @module
 */
export {
  type CommandResult,
  type CommandRunner,
  DEFAULT_MAX_OUTPUT,
  EXIT_DRAIN_WINDOW,
  type RunOptions,
  runCommand,
} from './system/runner.ts';
