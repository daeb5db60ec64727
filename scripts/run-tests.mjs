#!/usr/bin/env node
// Runs every test file under test/ with node's test runner and tsx, on any OS (Node 20's
// `--test` does not expand glob patterns itself, and Windows shells do not either).
// Extra arguments are passed to node before the files (e.g. --test-only).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/^\/([A-Za-z]:)/, '$1');

function testFiles(directory) {
  const files = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'fixtures' || entry.name === 'helpers') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) files.push(relative(root, path));
  }
  return files.sort();
}

const files = testFiles(join(root, 'test'));
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=120000',
    ...process.argv.slice(2),
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
