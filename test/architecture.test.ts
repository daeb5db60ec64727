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
      // The bottom modules may use each other (types only, and no cycle: see the cycle test).
      if (BOTTOM.has(from) && BOTTOM.has(to)) continue;
      if (heightOf(to) >= heightOf(from)) {
        wrong.push(`src/${relative(SRC, file)} -> ${specifier} (${from} may not import ${to})`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

/** Each source file and the source files it imports. */
function importGraph(sources: readonly string[]): Map<string, string[]> {
  const known = new Set(sources);
  return new Map(
    sources.map((file) => [
      relative(SRC, file),
      importsOf(readFileSync(file, 'utf8'))
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => resolve(dirname(file), specifier))
        .filter((target) => known.has(target))
        .map((target) => relative(SRC, target)),
    ]),
  );
}

/**
 * The import cycles of a graph, each as the files on it (Tarjan's strongly connected components;
 * a file importing itself is one too).
 */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

test('no import cycles, type-only imports included', () => {
  const graph = importGraph(files);
  assert.ok(graph.size > 100 && [...graph.values()].some((targets) => targets.length > 0));
  assert.deepEqual(importCycles(graph), []);
});

test('the cycle finder reports a cycle and a self-import (it can fail)', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['d.ts']],
    ['e.ts', ['a.ts']],
  ]);
  assert.deepEqual(
    importCycles(graph).map((cycle) => cycle.sort()),
    [['a.ts', 'b.ts', 'c.ts'], ['d.ts']],
  );
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
