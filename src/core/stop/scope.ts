import type { Context } from '../context.ts';
import { bindProbes, type ProbeTarget, probeTarget } from '../in-use.ts';
import type { KillSettings } from './settings.ts';

/**
 * The probe target of a stop (its `host`'s addresses resolved once), and the addresses that scope
 * it: `undefined` without a `host` (every holder counts). A `host` that is no address of this
 * machine is `ERR_INVALID_OPTION`, before anything is signalled.
 *
 * @example
 * ```ts
 * const {target, scope} = await stopScope(settings, context); // scope: ['127.0.0.1']
 * ```
 */
export async function stopScope(
  settings: KillSettings,
  context: Context,
): Promise<{ target: ProbeTarget; scope: readonly string[] | undefined }> {
  const target = await probeTarget(settings, context);
  if (settings.host === undefined) return { target, scope: undefined };
  await bindProbes(target, context);
  return { target, scope: target.addresses };
}
