#!/usr/bin/env node
// Builds the package into dist/ with esbuild (npm packages stay external), then the type
// declarations with tsc:
// - dist/index.js: the library, one ES module (`import 'portwarden'`);
// - dist/cli/main.js: the command line, one CommonJS file (dist/cli/package.json says so). A
//   command run pays Node's start-up on every call; Node 20's ES module loader adds ~10–15 ms to
//   it (resolving, reading and linking asynchronously, and building a namespace for every builtin
//   module), which CommonJS does not: `portwarden check` measured 1.22× bare `node -e 0` as
//   CommonJS against 1.45× as ES modules in the same run (bench/, `--only startup`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
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
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const types = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(types.status ?? 1);
