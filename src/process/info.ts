import type { ProcessInfo } from '../parsers/process-info.ts';
import type { ToolContext } from '../system/tools.ts';

export type { ProcessInfo } from '../parsers/process-info.ts';

/**
 * Looks up several processes at once (one tool call for all pids where a tool is needed). Pids
 * that are gone are absent from the map. Never throws for a single unreadable process.
 *
 * @example
 * ```ts
 * const info = await linuxProcessInfo([4242], tools);
 * info.get(4242)?.commandLine; // 'node server.js'
 * ```
 */
export type ProcessInfoSource = (
  pids: readonly number[],
  tools: ToolContext,
) => Promise<Map<number, ProcessInfo>>;
