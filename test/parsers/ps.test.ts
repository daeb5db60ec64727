/**
 * parseDarwinPs: macOS `ps -ww -o pid=,ppid=,uid=,user=,lstart=,comm=,args=` output. No real
 * capture is kept: the input in test/fixtures/built/ was BUILT from the documented layout (see
 * test/fixtures/SOURCES-other-os.md). Moved from test/process/darwin-win32.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseDarwinPs } from '../../src/parsers/ps.ts';

const built = (name: string) => readFileSync(new URL(`../fixtures/built/${name}`, import.meta.url));

const psOutput = built('darwin/ps-ww-o-pid-ppid-uid-user-lstart-comm-args.txt');

test('BUILT ps output: names from comm (argv[0] paths with spaces), args as command line, lstart as start time', () => {
  const processes = parseDarwinPs(psOutput.toString('utf8'));
  assert.equal(processes.length, 7);
  const byPid = new Map(processes.map((info) => [info.pid, info]));
  assert.deepEqual(byPid.get(45121), {
    pid: 45121,
    ppid: 45100,
    uid: 501,
    user: 'me',
    startTime: 'Tue Jan  7 18:40:55 2025',
    name: 'node',
    commandLine: 'node server.js --port 3000',
    argv: null,
  });
  const chrome = byPid.get(5120);
  assert.equal(chrome?.name, 'Google Chrome Helper');
  assert.ok(chrome?.commandLine?.startsWith('/Applications/Google Chrome.app/'));
  assert.ok(
    chrome?.commandLine?.endsWith(
      ' --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US',
    ),
  );
  assert.equal(byPid.get(812)?.name, 'postgres');
  assert.equal(byPid.get(402)?.name, 'mDNSResponder'); // `(mDNSResponder)`: arguments not readable
  assert.equal(byPid.get(402)?.user, 'root');
  assert.equal(byPid.get(77)?.name, 'zsh'); // login shell `-zsh`
  assert.equal(byPid.get(1)?.name, 'launchd');
  assert.equal(byPid.get(1)?.startTime, 'Mon Jan  6 09:10:41 2025');
  // `x x` could be split after the first `x`; the shared column width says otherwise.
  assert.equal(byPid.get(31337)?.name, 'x x');
  assert.equal(byPid.get(31337)?.commandLine, 'x x --name=a  b');
});
