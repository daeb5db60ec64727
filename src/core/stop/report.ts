import type { KillReport, SkippedOwner } from '../../reports.ts';
import type { PortOwner } from '../../types.ts';
import type { StopResults } from './execute.ts';
import type { KillSettings } from './settings.ts';

/**
 * Collects what a stop did — across several rounds for `freePort` — and builds the
 * {@link KillReport} at the end. Shared by `killProcessOnPort` and `freePort`.
 *
 * @example
 * ```ts
 * const report = new KillReportBuilder(settings);
 * report.addOwners(inspection.owners);
 * report.addResults(await executeStop(targets, settings, context));
 * return report.build();
 * ```
 */
export class KillReportBuilder {
  private readonly killed: number[] = [];
  private readonly failed: KillReport['failed'][number][] = [];
  private readonly skipped: SkippedOwner[] = [];
  private readonly gone: number[] = [];
  private readonly processes: KillReport['processes'][number][] = [];
  private readonly owners = new Map<string, PortOwner>();
  private readonly started = performance.now();

  constructor(private readonly settings: Pick<KillSettings, 'port' | 'protocol' | 'dryRun'>) {}

  /** Remembers owners found (each socket of each process once, in the order found). */
  addOwners(owners: readonly PortOwner[]): void {
    for (const owner of owners) {
      this.owners.set(`${owner.pid}|${owner.family}|${owner.address}|${owner.state}`, owner);
    }
  }

  /** Adds owners left alone; one entry per pid and reason however many rounds saw it. */
  addSkipped(skipped: readonly SkippedOwner[]): void {
    for (const entry of skipped) {
      const known = this.skipped.some(
        (seen) => seen.pid === entry.pid && seen.reason === entry.reason,
      );
      if (!known) this.skipped.push(entry);
    }
  }

  addResults(results: StopResults): void {
    this.killed.push(...results.killed);
    this.failed.push(...results.failed);
    this.gone.push(...results.gone);
    this.processes.push(...results.processes);
  }

  build(): KillReport {
    return {
      port: this.settings.port,
      protocol: this.settings.protocol,
      killed: [...this.killed],
      failed: [...this.failed],
      skipped: [...this.skipped],
      gone: [...this.gone],
      processes: [...this.processes],
      owners: [...this.owners.values()],
      dryRun: this.settings.dryRun,
      elapsedMs: Math.round(performance.now() - this.started),
    };
  }
}
