import { type CliIO, styles } from './output.ts';
import { createStatusReporter, type StatusReporter } from './status.ts';

/**
 * The status reporter of a stop command (`kill`, `free`, `run`'s freeing) on the CLI's stderr:
 * live on a terminal (not `TERM=dumb`), plain lines elsewhere, the port shown when there are
 * several; none with `-q`.
 *
 * @example
 * ```ts
 * const status = stopStatus(io, {quiet: false, json: false, ports: [3000, 3001]});
 * status?.progress(3000, event);
 * status?.finish();
 * ```
 */
export function stopStatus(
  io: CliIO,
  invocation: {
    readonly quiet: boolean;
    readonly json: boolean;
    readonly ports: readonly number[];
  },
): StatusReporter | undefined {
  if (invocation.quiet) return undefined;
  return createStatusReporter(io.stderr, {
    live: io.stderr.isTTY === true && io.env.TERM !== 'dumb',
    style: styles(io, invocation.json).err,
    showPort: invocation.ports.length > 1,
    ...(io.stderr.columns ? { columns: io.stderr.columns } : {}),
  });
}
