/**
 * What `portwarden kill` and `portwarden free` say about a stop, for people: why a port is still
 * held, who was stopped, what a dry run would do.
 *
 * @module
 */
import type { FreeReport, KillReport, PortOwner, ProcessManager, Protocol } from '../index.ts';
import { formatMs, printable, type Style } from './output.ts';
import { skipReasonText } from './status.ts';

function ownerLabel(owner: { readonly pid: number | null; readonly name: string | null }): string {
  return `${owner.pid ?? 'hidden'}${owner.name ? ` ${printable(owner.name)}` : ''}`;
}

/**
 * Who runs a process, in words: `pm2 (app api)`, `systemd (web.service)`, `pid 812 (nodemon)`.
 *
 * @example
 * ```ts
 * managerLabel({kind: 'pm2', name: 'api', hint: 'pm2 stop api'}); // 'pm2 (api)'
 * managerLabel({kind: 'parent', name: 'pid 812 (nodemon)', hint: '...'}); // 'its parent, pid 812 (nodemon)'
 * ```
 */
export function managerLabel(manager: ProcessManager): string {
  if (manager.kind === 'parent') return `its parent, ${printable(manager.name ?? 'unknown')}`;
  return `${printable(manager.kind)}${manager.name ? ` (${printable(manager.name)})` : ''}`;
}

function managedText(label: string, owner: PortOwner | undefined, hint: string | undefined) {
  const manager = owner?.manager ?? null;
  const by = manager ? managerLabel(manager) : 'a manager';
  const how = hint ?? manager?.hint;
  return `${label} is run by ${by}, which would start it again or depends on it: left alone${how ? `; stop it there: ${printable(how)}` : ''} (--managed signal stops it anyway)`;
}

/**
 * One line per reason a port is still held, from what a stop reported.
 *
 * @example
 * ```ts
 * explainKill(report); // ['not permitted to stop 4242 node (user postgres): run as root (sudo) or as postgres']
 * ```
 */
export function explainKill(report: KillReport): string[] {
  const reasons: string[] = [];
  const owners = new Map<number | null, PortOwner>(
    report.owners.map((owner) => [owner.pid, owner]),
  );
  for (const failure of report.failed) {
    const owner = owners.get(failure.pid);
    const label = ownerLabel({ pid: failure.pid, name: owner?.name ?? null });
    if (failure.code === 'EPERM' || failure.code === 'EACCES') {
      reasons.push(
        `not permitted to stop ${label}${owner?.user ? ` (user ${printable(owner.user)})` : ''}${failure.hint ? `: ${failure.hint}` : ''}`,
      );
    } else if (failure.code === 'ETIMEDOUT') {
      reasons.push(`${label} did not exit (${printable(failure.message)})`);
    } else {
      reasons.push(`could not stop ${label}: ${failure.code} ${printable(failure.message)}`);
    }
  }
  for (const skipped of report.skipped) {
    if (skipped.reason === 'dry-run') continue;
    if (skipped.reason === 'hidden') {
      const user = report.owners.find((owner) => owner.pid === null)?.user ?? null;
      reasons.push(
        `held by a process of ${user ? `user ${printable(user)}` : 'another user'} that portwarden cannot see or stop${skipped.hint ? `: ${skipped.hint}` : ''}`,
      );
    } else if (skipped.reason === 'managed') {
      reasons.push(managedText(ownerLabel(skipped), owners.get(skipped.pid), skipped.hint));
    } else {
      reasons.push(`${ownerLabel(skipped)} ${skipReasonText(skipped.reason)}`);
    }
  }
  return reasons;
}

const OUTCOME_REASONS: Partial<Record<FreeReport['outcome'], string>> = {
  denied:
    'binding is refused (EACCES) though nothing holds the port: a privileged port (run as root) or an excluded port range',
};

function respawnedText(by: ProcessManager | null): string {
  if (by === null) {
    return 'new processes kept taking the port after each stop (something starts them again)';
  }
  return `a new holder took the port right after the stop: ${managerLabel(by)} starts it again; ${printable(by.hint)}`;
}

/**
 * One line per reason a port could not be freed.
 *
 * @example
 * ```ts
 * explainFree(report); // ['still held after 15.0 s by 4242 node']
 * ```
 */
export function explainFree(report: FreeReport): string[] {
  const reasons = report.kill ? explainKill(report.kill) : [];
  if (
    report.outcome === 'hidden-owner' &&
    !reasons.some((reason) => reason.includes('cannot see'))
  ) {
    reasons.push('held by a process of another user that portwarden cannot see or stop');
  }
  const known = OUTCOME_REASONS[report.outcome];
  if (known) reasons.push(known);
  if (report.outcome === 'respawned') reasons.push(respawnedText(report.respawnedBy));
  if (report.outcome === 'timeout') {
    const remaining = report.remaining.map(ownerLabel).join(', ');
    reasons.push(
      `still held after ${formatMs(report.elapsedMs)}${remaining ? ` by ${remaining}` : ''}`,
    );
  }
  if (report.outcome === 'self' && reasons.length === 0) {
    reasons.push('held by portwarden itself or one of its parent processes');
  }
  if (reasons.length === 0 && report.remaining.length > 0) {
    reasons.push(`still held by ${report.remaining.map(ownerLabel).join(', ')}`);
  }
  if (reasons.length === 0 && report.timeWait > 0) {
    reasons.push(
      report.timeWait === 1
        ? 'nothing holds it, but 1 TIME_WAIT socket on the port refuses the bind (left by an outgoing connection from this port); it expires within a minute or two'
        : `nothing holds it, but ${report.timeWait} TIME_WAIT sockets on the port refuse the bind (left by an outgoing connection from this port); they expire within a minute or two`,
    );
  }
  return reasons;
}

/**
 * The line `free` adds below a free port's summary when TIME_WAIT sockets are left on it
 * (`--json` has the count as `timeWait`), with what they mean: nothing for a Node server, which
 * binds with SO_REUSEADDR; but a program that binds without it — Python's
 * `socketserver.TCPServer`, whose `allow_reuse_address` is off (`http.server.HTTPServer` turns
 * it on) — fails with EADDRINUSE until they expire (Linux: 60 s).
 *
 * @example
 * ```ts
 * timeWaitNote(3); // '  3 TIME_WAIT sockets remain: no obstacle to a Node server; ...'
 * timeWaitNote(0); // ''
 * ```
 */
export function timeWaitNote(count: number): string {
  if (count <= 0) return '';
  return `  ${count} TIME_WAIT ${count === 1 ? 'socket remains' : 'sockets remain'}: no obstacle to a Node server; programs that bind without SO_REUSEADDR (Python's socketserver.TCPServer) fail until ${count === 1 ? 'it expires' : 'they expire'} (Linux: 60 s)`;
}

/**
 * Who was stopped, with which signal and how fast: `stopped 4242 node (SIGTERM, 0.21 s)`.
 *
 * @example
 * ```ts
 * stoppedSummary(report.kill); // 'stopped 4242 node (SIGTERM, 0.21 s)'
 * ```
 */
export function stoppedSummary(report: KillReport | null): string {
  if (!report || report.processes.length === 0) return 'nothing held it';
  const parts = report.processes
    .filter((process) => report.killed.includes(process.pid))
    .map(
      (process) =>
        `${process.pid}${process.name ? ` ${printable(process.name)}` : ''} (${process.signal ?? process.signals.join(', ')}, ${formatMs(process.elapsedMs)})`,
    );
  return parts.length > 0 ? `stopped ${parts.join(', ')}` : 'nothing was stopped';
}

/**
 * What a dry run would do, one line per process: `3000/tcp: would send SIGTERM → 4242 node server.js`.
 *
 * @example
 * ```ts
 * process.stdout.write(dryRunLines(3000, 'tcp', report, style));
 * ```
 */
export function dryRunLines(port: number, protocol: Protocol, report: KillReport, style: Style) {
  const where = `${port}/${protocol}`;
  const skipped = new Map(report.skipped.map((entry) => [entry.pid, entry]));
  if (report.owners.length === 0) return `${where}: free, nothing to stop\n`;
  let out = '';
  const seen = new Set<number | null>();
  for (const owner of report.owners) {
    // One line per process: a process with an IPv4 and an IPv6 socket is one stop.
    if (owner.pid !== null && seen.has(owner.pid)) continue;
    seen.add(owner.pid);
    const skip = skipped.get(owner.pid);
    const what = printable(owner.commandLine ?? owner.name ?? '');
    if (skip && skip.reason !== 'dry-run') {
      out += `${where}: ${style.yellow('would skip')} ${ownerLabel(owner)}: ${skipReasonText(skip.reason)}\n`;
    } else {
      out += `${where}: would send ${style.bold(skip?.wouldSend ?? '?')} → ${owner.pid}${what ? ` ${what}` : ''}\n`;
    }
  }
  return out;
}
