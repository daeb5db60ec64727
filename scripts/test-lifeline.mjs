// Preloaded (`--import`) into every test file process that scripts/run-tests.mjs starts. The runner
// starts each file as the leader of its own process group; when the runner goes away (killed with
// SIGKILL, so it could not clean up), this process notices that its parent changed and SIGKILLs
// its whole group: itself and every holder, client or tool the file started and that is still in
// the group, after removing the run's temporary folder (the runner cannot any more). Holders also
// exit on their own when their stdin pipe closes (test/helpers/holders.ts).
import { rmSync } from 'node:fs';

const runner = process.ppid;

if (process.env.PORTWARDEN_TEST_RUN) {
  setInterval(() => {
    if (process.ppid === runner) return;
    const runDir = process.env.PORTWARDEN_TEST_TMPDIR;
    if (runDir) rmSync(runDir, { recursive: true, force: true });
    if (process.platform !== 'win32') {
      try {
        process.kill(-process.pid, 'SIGKILL');
      } catch {}
    }
    process.exit(1);
  }, 500).unref();
}
