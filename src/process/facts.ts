import type { HolderFacts } from '../managers/types.ts';
import type { ToolContext } from '../system/tools.ts';

/**
 * What one OS shows about a holder for the manager detectors — without the port, the
 * co-holders of its socket and the OS traits, which the core adds.
 *
 * @example
 * ```ts
 * const base: BaseFacts = {pid: 4242, name: 'node', argv: ['node', 'server.js'], ppid: 1, ancestors: []};
 * ```
 */
export type BaseFacts = Omit<HolderFacts, 'port' | 'protocol' | 'coHolders' | 'system'>;

/**
 * Gathers the {@link BaseFacts} of several processes at once (one tool call where a tool is
 * needed). Pids that are gone are absent; a source that cannot read something leaves it out —
 * the detectors then decide on what is known. Never throws for a single unreadable process.
 *
 * @example
 * ```ts
 * const facts = await linuxHolderFacts([4242], tools);
 * facts.get(4242)?.cgroup; // '0::/user.slice/...'
 * ```
 */
export type HolderFactsSource = (
  pids: readonly number[],
  tools: ToolContext,
) => Promise<Map<number, BaseFacts>>;
