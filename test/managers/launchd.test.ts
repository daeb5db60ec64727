/**
 * launchd detectors. DOCUMENTATION ONLY: no macOS here and no recorded `ps -E` of a job could be
 * copied, so every input is BUILT from documented facts: launchd passes a job's label in
 * `XPC_SERVICE_NAME` (seen in `ps -E` / `ps eww` output quoted in public notes, with PPID 1); a
 * Terminal shell has `XPC_SERVICE_NAME=0`; an app opened by LaunchServices has
 * `application.<bundle id>.<n>`; ControlCenter holds 5000 and 7000 for AirPlay Receiver (macOS 12+);
 * `launchctl bootout <domain>/<label>` stops and unloads a job (`gui/<uid>` agents, `system`
 * daemons).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectAirPlayReceiver, detectLaunchdJob } from '../../src/managers/launchd.ts';
import type { HolderFacts } from '../../src/managers/types.ts';

const mac = (overrides: Partial<HolderFacts>): HolderFacts => ({
  pid: 91265,
  name: 'node',
  argv: ['/opt/homebrew/bin/node', '/srv/api/server.js'],
  ppid: 1,
  uid: 501,
  ancestors: [{ pid: 1, name: 'launchd', argv: ['/sbin/launchd'] }],
  system: { launchd: true },
  ...overrides,
});

test('BUILT: ControlCenter on 5000 or 7000 is the AirPlay Receiver; a settings switch, not a kill', () => {
  const controlCenter = {
    name: 'ControlCenter',
    argv: ['/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter'],
  };
  for (const port of [5000, 7000]) {
    assert.deepEqual(detectAirPlayReceiver(mac({ ...controlCenter, port })), {
      kind: 'launchd',
      name: 'AirPlay Receiver',
      hint: 'System Settings → General → AirDrop & Handoff → AirPlay Receiver off (macOS 12: System Preferences → Sharing), or use another port',
    });
  }
  assert.equal(detectAirPlayReceiver(mac({ ...controlCenter, port: 7100 }))?.name, 'ControlCenter');
  assert.equal(
    detectAirPlayReceiver(mac({ name: null, argv: controlCenter.argv, port: 5000 }))?.name,
    'AirPlay Receiver',
  );
  assert.equal(
    detectAirPlayReceiver(mac({ port: 5000 })),
    null,
    'a Flask app on 5000 is just that',
  );
});

test('BUILT: a launchd agent (PPID 1, XPC_SERVICE_NAME=label) -> launchctl bootout gui/<uid>/<label>', () => {
  assert.deepEqual(
    detectLaunchdJob(mac({ environment: { XPC_SERVICE_NAME: 'com.hymnapp.backend' } })),
    {
      kind: 'launchd',
      name: 'com.hymnapp.backend',
      hint: 'launchctl bootout gui/501/com.hymnapp.backend',
    },
  );
  assert.equal(
    detectLaunchdJob(mac({ uid: 0, environment: { XPC_SERVICE_NAME: 'org.postgresql.postgres' } }))
      ?.hint,
    'sudo launchctl bootout system/org.postgresql.postgres',
  );
  assert.equal(
    detectLaunchdJob(mac({ uid: null, environment: { XPC_SERVICE_NAME: 'com.example.api' } }))
      ?.hint,
    'launchctl bootout gui/$(id -u)/com.example.api',
  );
});

test('BUILT: a Terminal shell, an opened app, a child of a shell, no environment: not jobs', () => {
  assert.equal(detectLaunchdJob(mac({ environment: { XPC_SERVICE_NAME: '0' } })), null);
  assert.equal(
    detectLaunchdJob(
      mac({ environment: { XPC_SERVICE_NAME: 'application.com.googlecode.iterm2.4711' } }),
    ),
    null,
  );
  assert.equal(
    detectLaunchdJob(mac({ ppid: 812, environment: { XPC_SERVICE_NAME: 'com.example.api' } })),
    null,
  );
  assert.equal(detectLaunchdJob(mac({})), null);
  assert.equal(
    detectLaunchdJob(mac({ system: {}, environment: { XPC_SERVICE_NAME: 'com.example.api' } })),
    null,
    'not on a launchd system',
  );
});
