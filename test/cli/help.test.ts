/**
 * src/cli/help.ts, in process: the global help names every command; each command's help lists
 * only options that the command line parser takes, and the exit statuses; lines fit 100 columns.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.ts';
import { helpText } from '../../src/cli/help.ts';

const COMMANDS = ['who', 'check', 'kill', 'free', 'wait'] as const;

/** A value each option that takes one accepts. */
const VALUES: Readonly<Record<string, string>> = {
  signal: 'TERM',
  grace: '1s',
  'max-wait': '1s',
  timeout: '1s',
  until: 'free',
  host: '::1',
  protocol: 'udp',
  adapter: 'ss',
  filter: 'node',
  managed: 'signal',
};

test('the global help names every command', () => {
  const text = helpText();
  for (const command of COMMANDS) assert.match(text, new RegExp(`\\b${command}\\b`), command);
  assert.ok(text.endsWith('\n'));
});

test("each command's help: its usage line, options the parser takes, the exit statuses", () => {
  for (const command of COMMANDS) {
    const text = helpText(command);
    assert.match(text, new RegExp(`^Usage: portwarden ${command}\\b`), command);
    assert.match(text, /Exit status: 0 /, command);
    const options = [
      ...new Set([...text.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1] as string)),
    ];
    assert.ok(options.length > 0, command);
    for (const option of options) {
      if (option === 'help') continue;
      const args = [
        command,
        '80',
        `--${option}`,
        ...(option in VALUES ? [VALUES[option] as string] : []),
      ];
      assert.doesNotThrow(() => parseCommandLine(args), `${command} --${option}`);
    }
  }
});

test('help lines fit 100 columns and hold no tabs', () => {
  for (const topic of [undefined, ...COMMANDS]) {
    for (const line of helpText(topic).split('\n')) {
      assert.ok(line.length <= 100, `${topic ?? 'global'}: ${line}`);
      assert.ok(!line.includes('\t'), `${topic ?? 'global'}: ${line}`);
    }
  }
});
