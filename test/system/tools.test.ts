/**
 * src/system/tools.ts: a tool's run options come from the call's context: its timeout is the
 * tool timeout capped by what is left of the call's deadline (never negative), its environment the
 * context's (plus extras, without changing the context's), and the caller's AbortSignal.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ToolContext, toolRunOptions } from '../../src/system/tools.ts';

const context = (overrides: Partial<ToolContext> = {}): ToolContext => ({
  run: async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 }),
  procRoot: '/proc',
  env: { PATH: '/usr/bin' },
  toolTimeout: 5000,
  deadline: performance.now() + 60_000,
  ...overrides,
});

test('far from the deadline: the tool timeout', () => {
  assert.equal(toolRunOptions(context()).timeout, 5000);
});

test('near the deadline: what is left, whole milliseconds; past it: 0', () => {
  const near = toolRunOptions(context({ deadline: performance.now() + 1000 })).timeout ?? -1;
  assert.ok(near <= 1000 && near > 500, `timeout ${near}`);
  assert.ok(Number.isInteger(near));
  assert.equal(toolRunOptions(context({ deadline: performance.now() - 50 })).timeout, 0);
});

test('the environment: the context’s, or a copy with extras; the context’s is untouched', () => {
  const tools = context();
  assert.equal(toolRunOptions(tools).env, tools.env);
  const options = toolRunOptions(tools, { LC_ALL: 'C' });
  assert.deepEqual(options.env, { PATH: '/usr/bin', LC_ALL: 'C' });
  assert.deepEqual(tools.env, { PATH: '/usr/bin' });
  assert.deepEqual(toolRunOptions(tools, { PATH: '/bin' }).env, { PATH: '/bin' });
});

test('the caller’s signal is passed on; none, no signal key', () => {
  const controller = new AbortController();
  assert.equal(toolRunOptions(context({ signal: controller.signal })).signal, controller.signal);
  assert.ok(!('signal' in toolRunOptions(context())));
});
