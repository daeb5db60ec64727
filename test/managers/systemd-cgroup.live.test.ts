/**
 * LIVE look-alike for systemd, on machines where pid 1 is NOT systemd (so nothing of a real
 * systemd is touched) and the test runs as root: a node holder is moved into a cgroup named like a
 * service (`system.slice/portwarden-<n>.service`) on the `name=systemd` v1 hierarchy and on the
 * cgroup2 mount, where they exist. The kernel then writes those paths into the holder's
 * /proc/<pid>/cgroup, and the detector reads them as systemd would have laid them out. Skipped
 * elsewhere (a real systemd host, no root, a read-only cgroup mount).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { detectManager } from '../../src/managers/detect.ts';
import { readProcFacts } from '../helpers/holder-facts.ts';
import { getTestPort, startHolder, trackHolders } from '../helpers/holders.ts';

const hold = trackHolders();
const unit = `portwarden-${process.pid}.service`;
const created: string[] = [];

function readable(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The hierarchies to use: systemd's v1 one and the cgroup2 mount (hybrid), else a v2 root. */
const hasProcs = (root: string) => existsSync(join(root, 'cgroup.procs'));
const hybrid = ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'].filter(hasProcs);
const roots = hybrid.length > 0 ? hybrid : ['/sys/fs/cgroup'].filter(hasProcs);

const skip =
  process.platform !== 'linux'
    ? 'live Linux test'
    : process.getuid?.() !== 0
      ? 'needs root to create cgroups'
      : readable('/proc/1/comm') === 'systemd'
        ? 'pid 1 is systemd: its cgroup tree is left alone'
        : roots.length === 0
          ? 'no cgroup hierarchy mounted'
          : false;

after(async () => {
  // Holders first (trackHolders' hook was registered earlier and has run), then the empty cgroups.
  for (const path of created.reverse()) {
    try {
      rmdirSync(path);
    } catch {
      // still populated or already gone: nothing more to do here
    }
  }
});

test('a holder in system.slice/<name>.service is detected as that systemd service', {
  skip,
}, async (t) => {
  const port = await getTestPort();
  const holder = await hold(startHolder({ port }));
  for (const root of roots) {
    const slice = join(root, 'system.slice');
    const service = join(slice, unit);
    try {
      if (!existsSync(slice)) {
        mkdirSync(slice);
        created.push(slice);
      }
      mkdirSync(service);
      created.push(service);
      writeFileSync(join(service, 'cgroup.procs'), String(holder.pid));
    } catch (error) {
      t.skip(`cannot create cgroups under ${root}: ${(error as Error).message}`);
      return;
    }
  }
  const facts = readProcFacts(holder.pid, { port });
  t.diagnostic(`/proc/${holder.pid}/cgroup:\n${facts.cgroup}`);
  assert.match(facts.cgroup ?? '', new RegExp(`:/system\\.slice/${unit.replace('.', '\\.')}\\n`));
  assert.deepEqual(detectManager(facts), {
    kind: 'systemd',
    name: unit,
    hint: `systemctl stop ${unit}`,
  });
  await holder.stop();
});
