#!/usr/bin/env node
// Builds the package into dist/: the library and the command line bundled with esbuild (ESM,
// code splitting: the CLI's entry loads the chunk of the command that runs, the library's code
// is shared; npm packages stay external), then ONE type declaration file, dist/index.d.ts.
// Node 20 pays a few milliseconds per ES module it loads, so one bundle keeps
// `import 'portwarden'` and `portwarden check` close to bare Node start-up (bench/).
//
// Types: tsc emits a .d.ts per source file into a temporary folder; API Extractor rolls the
// public ones into dist/index.d.ts. One file means no relative imports with `.ts` suffixes
// (TypeScript 4.9 rejects them) and no internal modules in the package; API Extractor brings its
// own TypeScript compiler, so it works whatever TypeScript the project uses (7, without a JS API).
// The public types must need nothing a consumer did not install: the build fails when the
// rolled-up file refers to Node's types (`node:` modules, `NodeJS.*`, `Buffer`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

const declarations = mkdtempSync(join(tmpdir(), 'portwarden-dts-'));
try {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const emitted = spawnSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', declarations],
    { cwd: root, stdio: 'inherit' },
  );
  if (emitted.status !== 0) process.exit(emitted.status ?? 1);
  await rollUpDeclarations(join(declarations, 'index.d.ts'), join(dist, 'index.d.ts'));
} finally {
  rmSync(declarations, { recursive: true, force: true });
}

/** Rolls the declarations reachable from `entry` into the single file `output`. */
async function rollUpDeclarations(entry, output) {
  const { Extractor, ExtractorConfig } = await import('@microsoft/api-extractor');
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: entry,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2023'],
            // Node's types only to follow internal declarations; the output is checked below.
            types: ['node'],
            strict: true,
            allowImportingTsExtensions: true,
            noEmit: true,
          },
          files: [entry],
        },
      },
      dtsRollup: { enabled: true, untrimmedFilePath: output },
      apiReport: { enabled: false },
      docModel: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          // pre-1.0: no @public/@beta release tags.
          'ae-missing-release-tag': { logLevel: 'none' },
          // A type of the public API that index.ts does not export cannot be named by users.
          'ae-forgotten-export': { logLevel: 'error' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, {
    localBuild: true,
    messageCallback(message) {
      // "Analysis will use the bundled TypeScript version ..." and similar notes.
      if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
    },
  });
  if (!result.succeeded) {
    console.error(`build: API Extractor failed (${result.errorCount} errors)`);
    process.exit(1);
  }
  const text = readFileSync(output, 'utf8');
  const nodeTypes = text
    .split('\n')
    .filter((line) => !/^\s*(\/\*\*|\*)/.test(line))
    .filter((line) => /from ['"]node:|\bNodeJS\.|\bBuffer\b|reference types=/.test(line));
  if (nodeTypes.length > 0) {
    console.error(
      `build: dist/index.d.ts needs Node's types, which a user may not have installed:\n${nodeTypes.join('\n')}`,
    );
    process.exit(1);
  }
}
