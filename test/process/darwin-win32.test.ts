/**
 * Process information on macOS (`ps`) and Windows (PowerShell `Get-CimInstance Win32_Process`,
 * `tasklist`), replayed (the parsers' own tests: test/parsers/ps, win32-process, tasklist). No real capture of these outputs is kept: the inputs in
 * test/fixtures/built/ were BUILT from the documented layouts (see test/fixtures/SOURCES-other-os.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createContext } from '../../src/core/context.ts';
import { AbortError, CommandFailedError, CommandNotFoundError } from '../../src/errors.ts';
import {
  psProcessInfo as darwinProcessInfo,
  psArguments as darwinPsArguments,
} from '../../src/process/ps.ts';
import { win32ProcessInfo, win32ProcessScript } from '../../src/process/win32.ts';
import type { CommandResult, CommandRunner, RunOptions } from '../../src/system/runner.ts';

const built = (name: string) => readFileSync(new URL(`../fixtures/built/${name}`, import.meta.url));

interface Call {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: RunOptions;
}

/** Replays answers in order and records what was asked; an answer may be an error to throw. */
function replay(
  answers: readonly (Partial<CommandResult> | Error)[],
): CommandRunner & { calls: Call[] } {
  const calls: Call[] = [];
  let next = 0;
  const runner = async (file: string, args: readonly string[], options: RunOptions) => {
    calls.push({ file, args, options });
    const answer = answers[next++];
    if (answer === undefined) throw new Error(`unexpected call: ${file} ${args.join(' ')}`);
    if (answer instanceof Error) throw answer;
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0, ...answer };
  };
  return Object.assign(runner, { calls });
}

describe('macOS ps', () => {
  const psOutput = built('darwin/ps-ww-o-pid-ppid-uid-user-lstart-comm-args.txt');

  test('one ps call for all pids, fixed arguments, C locale; exit 1 (some gone) is normal', async () => {
    const runner = replay([{ stdout: psOutput, exitCode: 1 }]);
    const context = createContext({
      platform: 'darwin',
      run: runner,
      env: { PATH: '/usr/bin', LANG: 'de_DE.UTF-8' },
    });
    const info = await darwinProcessInfo([45121, 5120, 99999, 45121], context);
    assert.equal(runner.calls.length, 1);
    assert.equal(runner.calls[0]?.file, 'ps');
    assert.deepEqual(runner.calls[0]?.args, darwinPsArguments([45121, 5120, 99999]));
    assert.deepEqual(runner.calls[0]?.args, [
      '-ww',
      '-o',
      'pid=',
      '-o',
      'ppid=',
      '-o',
      'uid=',
      '-o',
      'user=',
      '-o',
      'lstart=',
      '-o',
      'comm=',
      '-o',
      'args=',
      '-p',
      '45121,5120,99999',
    ]);
    assert.equal(runner.calls[0]?.options.env?.LC_ALL, 'C');
    assert.equal(runner.calls[0]?.options.env?.PATH, '/usr/bin');
    assert.deepEqual(
      [...info.keys()].sort((a, b) => a - b),
      [5120, 45121],
    ); // 99999 is gone; unasked pids dropped
    assert.equal(info.get(45121)?.name, 'node');
  });

  test('no pids: no call; ps failing otherwise is an error', async () => {
    const none = replay([]);
    assert.equal((await darwinProcessInfo([], createContext({ run: none }))).size, 0);
    assert.equal(none.calls.length, 0);
    const broken = replay([{ exitCode: 2, stderr: Buffer.from('ps: illegal option -- w') }]);
    await assert.rejects(
      darwinProcessInfo([1], createContext({ run: broken })),
      CommandFailedError,
    );
  });
});

describe('Windows Win32_Process and tasklist', () => {
  test('the script carries pids only as validated integers, and no double quotes', () => {
    const script = win32ProcessScript([4, 7316]);
    assert.ok(script.includes("-Filter 'ProcessId=4 OR ProcessId=7316'"));
    assert.ok(!script.includes('"'));
    assert.throws(() => win32ProcessScript([Number.NaN]), RangeError);
    assert.throws(() => win32ProcessScript([1.5]), RangeError);
  });

  test('PowerShell first: one call for all pids', async () => {
    const runner = replay([{ stdout: built('win32/cim-win32-process-ps51-array.json') }]);
    const info = await win32ProcessInfo(
      [7316, 4, 5555],
      createContext({ platform: 'win32', run: runner }),
    );
    assert.equal(runner.calls.length, 1);
    assert.equal(runner.calls[0]?.file, 'powershell.exe');
    assert.deepEqual(runner.calls[0]?.args.slice(0, 3), [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
    ]);
    assert.equal(runner.calls[0]?.args[3], win32ProcessScript([7316, 4, 5555]));
    assert.deepEqual(
      [...info.keys()].sort((a, b) => a - b),
      [4, 7316],
    );
    assert.equal(info.get(7316)?.ppid, 5012);
  });

  test('PowerShell and pwsh missing: tasklist (names only)', async () => {
    const runner = replay([
      new CommandNotFoundError('powershell.exe'),
      new CommandNotFoundError('pwsh.exe'),
      { stdout: built('win32/tasklist-fo-csv-nh.txt') },
    ]);
    const info = await win32ProcessInfo(
      [7316, 8120],
      createContext({ platform: 'win32', run: runner }),
    );
    assert.deepEqual(
      runner.calls.map((call) => call.file),
      ['powershell.exe', 'pwsh.exe', 'tasklist'],
    );
    assert.deepEqual(runner.calls[2]?.args, ['/FO', 'CSV', '/NH']);
    assert.equal(info.get(7316)?.name, 'node.exe');
    assert.equal(info.get(7316)?.commandLine, null);
    assert.equal(info.get(8120)?.name, 'My "quoted", app.exe');
  });

  test('PowerShell failing (no Get-CimInstance: exit 3) falls back; both failing throws; abort does not fall back', async () => {
    const fallback = replay([{ exitCode: 3 }, { stdout: built('win32/tasklist-fo-csv-nh.txt') }]);
    const info = await win32ProcessInfo([4], createContext({ platform: 'win32', run: fallback }));
    assert.equal(info.get(4)?.name, 'System');
    const both = replay([{ exitCode: 3 }, new CommandNotFoundError('tasklist')]);
    await assert.rejects(
      win32ProcessInfo([4], createContext({ platform: 'win32', run: both })),
      CommandNotFoundError,
    );
    const aborted = replay([new AbortError()]);
    await assert.rejects(
      win32ProcessInfo([4], createContext({ platform: 'win32', run: aborted })),
      AbortError,
    );
    assert.equal(aborted.calls.length, 1);
  });
});
