/**
 * src/core/context.ts: a call's context — this platform's profile and the real tools by default;
 * another OS's profile by name (any name: a profile of its own or the generic one), or a profile
 * given whole; and only the overrides' own properties count (an inherited or a polluted
 * `Object.prototype` property changes nothing).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ContextOverrides, createContext } from '../../src/core/context.ts';
import { DARWIN } from '../../src/platform/darwin.ts';
import { LINUX } from '../../src/platform/linux.ts';
import { platformProfile } from '../../src/platform/profiles.ts';
import { WIN32 } from '../../src/platform/win32.ts';
import { runCommand } from '../../src/system/runner.ts';

const run: ContextOverrides['run'] = async () => ({
  stdout: Buffer.alloc(0),
  stderr: Buffer.alloc(0),
  exitCode: 0,
});

test('defaults: this platform, the real runner and /proc, the environment, no deadline', () => {
  const context = createContext();
  assert.equal(context.platform, platformProfile(process.platform));
  assert.equal(context.platform.name, process.platform);
  assert.equal(context.run, runCommand);
  assert.equal(context.procRoot, '/proc');
  assert.equal(context.env, process.env);
  assert.equal(context.toolTimeout, 5000);
  assert.equal(context.deadline, Number.POSITIVE_INFINITY);
  assert.equal(context.signal, undefined);
  assert.equal(context.processGroups, context.platform.processGroups);
});

test('another platform by name, or a profile given whole; processGroups follows it', () => {
  assert.equal(createContext({ platform: 'darwin' }).platform, DARWIN);
  const windows = createContext({ platform: 'win32' });
  assert.equal(windows.platform, WIN32);
  assert.equal(windows.processGroups, false);
  const openbsd = createContext({ platform: 'openbsd' }).platform;
  assert.deepEqual([openbsd.name, openbsd.supported], ['openbsd', false]);
  const doctored = { ...LINUX, systemPids: [0, 1, 2] };
  assert.equal(createContext({ platform: doctored }).platform, doctored);
});

test('every override is used', () => {
  const controller = new AbortController();
  const env = { PATH: '/nowhere' };
  const context = createContext({
    run,
    procRoot: '/fixture/proc',
    env,
    toolTimeout: 250,
    deadline: 1234,
    signal: controller.signal,
  });
  assert.equal(context.run, run);
  assert.equal(context.procRoot, '/fixture/proc');
  assert.equal(context.env, env);
  assert.equal(context.toolTimeout, 250);
  assert.equal(context.deadline, 1234);
  assert.equal(context.signal, controller.signal);
});

test('inherited properties are not overrides', () => {
  const inherited = Object.create({
    platform: 'win32',
    procRoot: '/nonexistent',
    run,
    toolTimeout: 0,
    deadline: 0,
  }) as ContextOverrides;
  const context = createContext(inherited);
  assert.equal(context.platform, platformProfile(process.platform));
  assert.equal(context.procRoot, '/proc');
  assert.equal(context.run, runCommand);
  assert.equal(context.toolTimeout, 5000);
  assert.equal(context.deadline, Number.POSITIVE_INFINITY);
});

test('a polluted Object.prototype changes nothing', () => {
  const prototype = Object.prototype as Record<string, unknown>;
  const hostile: Record<string, unknown> = {
    platform: 'win32',
    procRoot: '/nonexistent',
    run,
    env: { PATH: '/nowhere' },
    toolTimeout: 0,
    deadline: 0,
  };
  let context: ReturnType<typeof createContext>;
  let empty: ReturnType<typeof createContext>;
  try {
    for (const [key, value] of Object.entries(hostile)) prototype[key] = value;
    context = createContext();
    empty = createContext({});
  } finally {
    for (const key of Object.keys(hostile)) delete prototype[key];
  }
  for (const made of [context, empty]) {
    assert.equal(made.platform, platformProfile(process.platform));
    assert.equal(made.procRoot, '/proc');
    assert.equal(made.run, runCommand);
    assert.equal(made.env, process.env);
    assert.equal(made.toolTimeout, 5000);
    assert.equal(made.deadline, Number.POSITIVE_INFINITY);
  }
});
