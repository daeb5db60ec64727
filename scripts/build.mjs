#!/usr/bin/env node
// Builds the package into dist/ with esbuild (npm packages stay external), then ONE type
// declaration file:
// - dist/index.js: the library, one ES module (`import 'portwarden'`);
// - dist/cli/main.js: the command line, one CommonJS file (dist/cli/package.json says so). A
//   command run pays Node's start-up on every call; Node 20's ES module loader adds ~10–15 ms to
//   it (resolving, reading and linking asynchronously, and building a namespace for every builtin
//   module), which CommonJS does not: `portwarden check` measured 1.22× bare `node -e 0` as
//   CommonJS against 1.45× as ES modules in the same run (bench/, `--only startup`);
// - dist/index.d.ts: tsc emits a .d.ts per source file into a temporary folder; API Extractor
//   rolls the public ones into one file. One file means no relative imports with `.ts` suffixes
//   (TypeScript 4.9 rejects them) and no internal modules in the package; API Extractor brings
//   its own TypeScript compiler, so it works whatever TypeScript the project uses (7, without a
//   JS API). The public types must need nothing a consumer did not install: the build fails when
//   the rolled-up file refers to Node's types (`node:` modules, `NodeJS.*`, `Buffer`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  format: 'esm',
});
// The CommonJS command line: `import.meta.url` (package.json, createRequire) is the bundle's URL.
const shim = fileURLToPath(new URL('../dist/cli/import-meta-url.js', import.meta.url));
mkdirSync(fileURLToPath(new URL('../dist/cli/', import.meta.url)), { recursive: true });
writeFileSync(
  shim,
  "export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;\n",
);
await build({
  ...common,
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  format: 'cjs',
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [shim],
});
rmSync(shim);
writeFileSync(
  fileURLToPath(new URL('../dist/cli/package.json', import.meta.url)),
  `${JSON.stringify({ type: 'commonjs' })}\n`,
);
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
