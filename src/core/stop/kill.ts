import type { KillReport } from '../../reports.ts';
import type { Context } from '../context.ts';
import { inspect } from '../inspect.ts';
import { executeStop } from './execute.ts';
import { planStop } from './plan.ts';
import { KillReportBuilder } from './report.ts';
import { stopScope } from './scope.ts';
import type { KillSettings } from './settings.ts';

/**
 * `killProcessOnPort` on validated settings: inspect the port once, plan (who may be stopped, in
 * the `host`'s scope), stop every target at once, report.
 *
 * @example
 * ```ts
 * const report = await killOwners(settings, createContext());
 * ```
 */
export async function killOwners(settings: KillSettings, context: Context): Promise<KillReport> {
  const report = new KillReportBuilder(settings);
  const { scope } = await stopScope(settings, context);
  const inspection = await inspect(settings, context);
  report.addOwners(inspection.owners);
  const plan = await planStop(inspection.owners, settings, context, scope);
  report.addSkipped(plan.skipped);
  report.addResults(await executeStop(plan.targets, settings, context));
  return report.build();
}
