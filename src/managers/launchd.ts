import { holderKeys, shellWord } from './shared.ts';
import type { HolderFacts, ProcessManager } from './types.ts';

/** Ports macOS's AirPlay Receiver (ControlCenter) listens on since macOS 12. */
const AIRPLAY_PORTS: readonly number[] = [5000, 7000];

/**
 * `ControlCenter` on macOS 12+ holds ports 5000 and 7000 for the AirPlay Receiver, and launchd
 * starts it again at once. The fix is a settings switch (or another port), never a kill.
 *
 * @example
 * ```ts
 * detectAirPlayReceiver({pid: 512, name: 'ControlCenter', argv: null, ppid: 1, ancestors: [], port: 5000});
 * // {kind: 'launchd', name: 'AirPlay Receiver', hint: 'System Settings → General → AirDrop & Handoff →
 * //  AirPlay Receiver off (macOS 12: System Preferences → Sharing), or use another port'}
 * ```
 */
export function detectAirPlayReceiver(facts: HolderFacts): ProcessManager | null {
  if (!holderKeys(facts).has('controlcenter')) return null;
  const airplay = facts.port === undefined || AIRPLAY_PORTS.includes(facts.port);
  return {
    kind: 'launchd',
    name: airplay ? 'AirPlay Receiver' : 'ControlCenter',
    hint: airplay
      ? 'System Settings → General → AirDrop & Handoff → AirPlay Receiver off (macOS 12: System Preferences → Sharing), or use another port'
      : 'ControlCenter is part of macOS and restarted by launchd: use another port',
  };
}

/**
 * A launchd job: a process whose parent is launchd (pid 1) and whose environment carries the
 * job's label in `XPC_SERVICE_NAME`. A shell in Terminal has `XPC_SERVICE_NAME=0` and an app
 * opened from the Finder `application.<bundle id>.<n>`: neither is a job. The hint boots the job
 * out of its domain (`gui/<uid>` for an agent of a logged-in user, `system` for a root daemon);
 * `launchctl disable <same target>` keeps it off after the next login or boot.
 *
 * @example
 * ```ts
 * detectLaunchdJob({pid: 91265, name: 'node', argv: null, ppid: 1, uid: 501, ancestors: [],
 *   environment: {XPC_SERVICE_NAME: 'com.example.api'}, system: {launchd: true}});
 * // {kind: 'launchd', name: 'com.example.api', hint: 'launchctl bootout gui/501/com.example.api'}
 * ```
 */
export function detectLaunchdJob(facts: HolderFacts): ProcessManager | null {
  if (!facts.system?.launchd || facts.ppid !== 1) return null;
  const label = facts.environment?.XPC_SERVICE_NAME;
  if (label === undefined || label === '' || label === '0' || label.startsWith('application.')) {
    return null;
  }
  const target =
    facts.uid === 0
      ? `sudo launchctl bootout system/${shellWord(label)}`
      : `launchctl bootout gui/${facts.uid ?? '$(id -u)'}/${shellWord(label)}`;
  return { kind: 'launchd', name: label, hint: target };
}
