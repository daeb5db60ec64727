import type { StopTarget } from '../../process/stop-strategy.ts';
import type { PortOwner, ProcessManager } from '../../types.ts';
import type { Context } from '../context.ts';

function sameManager(a: ProcessManager | null, b: ProcessManager | null): boolean {
  return a !== null && b !== null && a.kind === b.kind && a.name === b.name;
}

/**
 * Who started a new holder of the port again, right after its predecessor was stopped: the same
 * manager (a pm2 app restarted by its daemon, a systemd service with `Restart=always`), or the
 * same parent process (a supervisor of its own, `nodemon`, a shell loop) — then stopping holders
 * again would only repeat. The parent becomes `{kind: 'parent', name: 'pid 812 (nodemon)', hint}`.
 * `null` when the new holders have nothing in common with the stopped ones.
 *
 * @example
 * ```ts
 * await respawnedBy(fresh, stopped, context); // {kind: 'pm2', name: 'api', hint: 'pm2 stop api'}
 * ```
 */
export async function respawnedBy(
  fresh: readonly StopTarget[],
  stopped: readonly PortOwner[],
  context: Context,
): Promise<ProcessManager | null> {
  for (const { owner } of fresh) {
    const manager = stopped.find((before) => sameManager(before.manager, owner.manager))?.manager;
    if (manager) return manager;
  }
  for (const { owner } of fresh) {
    const ppid = owner.ppid;
    if (ppid === null || ppid <= 1 || ppid === process.pid) continue;
    if (!stopped.some((before) => before.ppid === ppid && before.pid !== owner.pid)) continue;
    const parent = (await context.platform.processInfo([ppid], context)).get(ppid);
    const label = `pid ${ppid}${parent?.name ? ` (${parent.name})` : ''}`;
    return {
      kind: 'parent',
      name: label,
      hint: `stop ${label}, which starts the holder again, or change what it runs`,
      explanation: null,
    };
  }
  return null;
}
