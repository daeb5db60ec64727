#!/usr/bin/env node
// Builds the package into dist/: the library and the command line bundled with esbuild (ESM,
// code splitting: the CLI's entry loads the chunk of the command that runs, the library's code
// is shared; npm packages stay external), then the type declarations with tsc.
// Node 20 pays a few milliseconds per ES module it loads, so one bundle keeps
// `import 'portwarden'` and `portwarden check` close to bare Node start-up (bench/).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
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
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const types = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(types.status ?? 1);
