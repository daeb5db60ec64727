#!/usr/bin/env node
// Bundles the command line into dist/cli/ with esbuild: one entry file plus a chunk per command
// (loaded with dynamic import() only when that command runs), npm packages left external.
// Node 20 pays a few milliseconds per ES module it loads; `portwarden check` loads a handful of
// files instead of the library's ~20, which keeps it near bare Node start-up (bench/cli.ts).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/cli/', import.meta.url).pathname.replace(/^\/([A-Za-z]:)/, '$1');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [
    new URL('../src/cli/main.ts', import.meta.url).pathname.replace(/^\/([A-Za-z]:)/, '$1'),
  ],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
