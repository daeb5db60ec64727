/**
 * The structure the code promises (ARCHITECTURE.md): every import points down the layers, the
 * command line lives on the public entry only, and only the platform profiles know OS names.
 * Read from the sources' own import lines, so a change that breaks a rule fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/holders.ts';

const SRC = join(REPO_ROOT, 'src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (static, re-exports, dynamic), as written. */
function importsOf(text: string): string[] {
  const code = text.replace(/^\s*(?:\/\/|\*|\/\*).*$/gm, '');
  const found = [
    ...code.matchAll(/(?:^|\s)(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/(?:^|\s)import\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((match) => match[1] as string);
}

/**
 * The layers, top down. A module may import its own folder's modules and any lower layer, never a
 * higher one nor a sibling layer of the same height.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['index.ts'],
  ['api'],
  ['server'],
  ['core'],
  ['platform'],
  ['socket-table', 'process'],
  ['adapters', 'managers'],
  ['system'],
  ['parsers'],
  ['errors.ts', 'reports.ts', 'types.ts', 'input.ts', 'log.ts'],
];

function unitOf(file: string): string {
  return relative(SRC, file).split(/[\\/]/)[0] as string;
}

function heightOf(unit: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(unit));
  assert.notEqual(index, -1, `src/${unit} is in no layer: add it to LAYERS and ARCHITECTURE.md`);
  return LAYERS.length - index;
}

const files = sourceFiles(SRC);
const BOTTOM = new Set(LAYERS.at(-1));

test('every import points down the layers', () => {
  const wrong: string[] = [];
  for (const file of files) {
    const from = unitOf(file);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      const to = unitOf(target);
      if (to === from) continue;
      // The bottom modules may use each other (types only, and no cycle: see madge in CI).
      if (BOTTOM.has(from) && BOTTOM.has(to)) continue;
      if (heightOf(to) >= heightOf(from)) {
        wrong.push(`src/${relative(SRC, file)} -> ${specifier} (${from} may not import ${to})`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('the command line imports only the public entry of the library', () => {
  const wrong: string[] = [];
  for (const file of files.filter((path) => unitOf(path) === 'cli')) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (unitOf(target) === 'cli' || target === join(SRC, 'index.ts')) continue;
      wrong.push(`src/${relative(SRC, file)} -> ${specifier}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('process.platform is read in one place: the default of the context', () => {
  const readers = files
    .filter((file) => /\bprocess\.platform\b/.test(codeOf(file)))
    .map((file) => relative(SRC, file));
  assert.deepEqual(readers, ['core/context.ts']);
});

test('only the platform profiles compare platform names', () => {
  const names = /['"](?:linux|darwin|win32|freebsd|openbsd|sunos|aix|android)['"]/;
  const comparers = files
    .filter((file) => unitOf(file) !== 'platform' && names.test(codeOf(file)))
    .map((file) => relative(SRC, file));
  assert.deepEqual(comparers, []);
});

/** A file's code without comments (TSDoc examples may name platforms). */
function codeOf(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}
