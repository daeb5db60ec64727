/**
 * The recipes in recipes/, run for real where this machine can run them: each recipe folder is
 * copied to a temp folder with its ports replaced by test ports, its node_modules linked to this
 * repository's build (portwarden) and dev dependencies (nodemon, concurrently, Vite, pm2); a
 * stale server holds the port; the recipe's own command frees it, the app comes up on it, and
 * stopping it (Ctrl-C: SIGINT to the process group, `pm2 stop`, `docker stop`'s SIGTERM) leaves
 * the port free. Docker, systemd and GitHub Actions cannot run here: their files are checked
 * (systemd-analyze, YAML) and their command lines parsed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.ts';
import { isPortInUse, waitForPort } from '../../src/index.ts';
import {
  canListen,
  collect,
  getTestPort,
  REPO_ROOT,
  startHolder,
  trackHolders,
  waitForLine,
} from '../helpers/holders.ts';
import { NPM_QUIET, npmInvocation } from '../helpers/npm.ts';
import { makeTempDir } from '../helpers/temp.ts';

const RECIPES = join(REPO_ROOT, 'recipes');
const MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const POSIX = {
  skip:
    process.platform === 'win32' &&
    'the recipes are run through POSIX shims and process-group signals (Ctrl-C to the group)',
};
const TOOLS: Readonly<Record<string, string>> = {
  nodemon: 'nodemon/bin/nodemon.js',
  concurrently: 'concurrently/dist/bin/concurrently.js',
  vite: 'vite/bin/vite.js',
  pm2: 'pm2/bin/pm2',
};

const work = makeTempDir('pw-recipes-', 0o755);
const groups: number[] = [];
const cleanups: (() => void)[] = [];
after(async () => {
  for (const cleanup of cleanups) cleanup();
  // A job a failed test left running: Ctrl-C first (portwarden run then ends its command's own
  // process group), SIGKILL if that did not end it.
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGINT');
      await groupGone(pgid, 8000).catch(() => process.kill(-pgid, 'SIGKILL'));
    } catch {}
  }
  rmSync(work, { recursive: true, force: true });
});
const hold = trackHolders();

/**
 * Copies recipes/<name> into a temp folder with its ports replaced (`{3000: 41234}`), and links
 * node_modules: portwarden (this repository, built) and the tools, with .bin shims.
 */
function prepare(name: string, ports: Readonly<Record<number, number>>): string {
  const dir = join(work, name);
  cpSync(join(RECIPES, name), dir, { recursive: true });
  for (const file of readdirSync(dir)) {
    if (!/\.(js|cjs|json|sh|html|service)$/.test(file)) continue;
    let text = readFileSync(join(dir, file), 'utf8');
    for (const [from, to] of Object.entries(ports)) {
      text = text.replaceAll(new RegExp(`\\b${from}\\b`, 'g'), String(to));
    }
    writeFileSync(join(dir, file), text);
  }
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  symlinkSync(REPO_ROOT, join(modules, 'portwarden'), 'dir');
  const shim = (bin: string, script: string) =>
    writeFileSync(
      join(modules, '.bin', bin),
      `#!/bin/sh\nexec '${process.execPath}' '${script}' "$@"\n`,
      { mode: 0o755 },
    );
  shim('portwarden', MAIN);
  for (const [tool, script] of Object.entries(TOOLS)) {
    symlinkSync(join(REPO_ROOT, 'node_modules', tool), join(modules, tool), 'dir');
    shim(tool, join(REPO_ROOT, 'node_modules', script));
  }
  return dir;
}

/** `npm run <script>` in `dir`, in a process group of its own (a terminal's foreground job). */
function npmRun(dir: string, script: string): ChildProcess {
  const [file, args] = npmInvocation('npm', ['run', script]);
  const child = spawn(file, args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...NPM_QUIET, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (child.pid) groups.push(child.pid);
  return child;
}

/**
 * Edits `file` until the watcher restarts the server (a watcher may start watching a moment
 * after the server is up): resolves with the new server's line.
 */
async function editUntilRestart(child: ChildProcess, file: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const next = waitForLine(child, /^listening on .*\(pid \d+\)/, 3000);
    appendFileSync(file, `// edit ${attempt}\n`);
    try {
      return await next;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

/** Ctrl-C: SIGINT to the job's process group; resolves when the group is gone. */
async function interrupt(child: ChildProcess): Promise<void> {
  const done = collect(child);
  process.kill(-(child.pid as number), 'SIGINT');
  await done;
  await groupGone(child.pid as number);
}

async function groupGone(pgid: number, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    // Orphans are reaped by init, which some container inits do only every few seconds.
    assert.ok(performance.now() < deadline, `process group ${pgid} is gone`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function get(port: number): Promise<string> {
  const response = await fetch(`http://localhost:${port}/`);
  return response.text();
}

/** The port is released: a bind probe says free within a few seconds, and we can listen. */
async function assertReleased(port: number): Promise<void> {
  assert.equal(await waitForPort(port, { until: 'free', maxWait: 5000 }), true, `${port} free`);
  assert.equal(await canListen(port, '127.0.0.1'), true);
}

describe('recipes that run here', POSIX, () => {
  test('package.json scripts: predev frees the port, dev starts on it', async () => {
    const port = await getTestPort();
    const stale = await hold(startHolder({ port }));
    const dir = prepare('package-scripts', { 3000: port });
    const dev = npmRun(dir, 'dev');
    const line = await waitForLine(dev, /^listening on http:\/\/localhost:\d+ \(pid \d+\)/);
    assert.equal((await stale.exited).code, 0, 'the stale server was stopped politely');
    const pid = /pid (\d+)/.exec(line)?.[1];
    assert.equal(await get(port), `hello from pid ${pid}\n`);
    await interrupt(dev);
    await assertReleased(port);
  });

  test('nodemon: portwarden run frees the port, each restart comes up on it, Ctrl-C ends all', async () => {
    const port = await getTestPort();
    const stale = await hold(startHolder({ port }));
    const dir = prepare('nodemon', { 3000: port });
    const dev = npmRun(dir, 'dev');
    const first = await waitForLine(dev, /^listening on .*\(pid \d+\)/, 30_000);
    await stale.exited;
    const second = await editUntilRestart(dev, join(dir, 'server.js'));
    assert.notEqual(second, first, 'a new server after the restart');
    const pid = /pid (\d+)/.exec(second)?.[1];
    assert.equal(await get(port), `hello from pid ${pid}\n`);
    await interrupt(dev);
    await assertReleased(port);
  });

  test('node --watch under portwarden run: freed, restarted on the port, nothing left', async () => {
    const port = await getTestPort();
    const stale = await hold(startHolder({ port }));
    const dir = prepare('node-watch', { 3000: port });
    const dev = npmRun(dir, 'dev');
    const first = await waitForLine(dev, /^listening on .*\(pid \d+\)/, 30_000);
    await stale.exited;
    const second = await editUntilRestart(dev, join(dir, 'server.js'));
    assert.notEqual(second, first);
    await interrupt(dev);
    await assertReleased(port);
  });

  test('Vite with strictPort: alone it refuses a taken port; predev frees it', async () => {
    const port = await getTestPort();
    const stale = await hold(startHolder({ port }));
    const dir = prepare('vite', { 5173: port });
    const alone = await collect(
      spawn(process.execPath, [join(REPO_ROOT, 'node_modules', TOOLS.vite as string)], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      }),
    );
    assert.notEqual(alone.code, 0);
    assert.match(alone.stdout + alone.stderr, new RegExp(`Port ${port} is already in use`));
    const dev = npmRun(dir, 'dev');
    await waitForLine(dev, /Local:\s+http:\/\/localhost:\d+/, 30_000);
    await stale.exited;
    assert.match(await get(port), /vite recipe/);
    await interrupt(dev);
    await assertReleased(port);
  });

  test('concurrently: both ports freed, the API and Vite up, Ctrl-C ends both', async () => {
    const [api, web] = [await getTestPort(), await getTestPort()];
    const stale = [await hold(startHolder({ port: api })), await hold(startHolder({ port: web }))];
    const dir = prepare('concurrently', { 3001: api, 5173: web });
    const dev = npmRun(dir, 'dev');
    await waitForLine(dev, /\[api\] api listening/, 30_000);
    await waitForPort(web, { until: 'in-use', maxWait: 30_000 });
    for (const holder of stale) await holder.exited;
    assert.match(await get(api), /^api \d+\n$/);
    assert.match(await get(web), /concurrently recipe/);
    await interrupt(dev);
    await assertReleased(api);
    await assertReleased(web);
  });

  test('pm2: start frees the port and serves; stop ends the app and releases it', async () => {
    const port = await getTestPort();
    const stale = await hold(startHolder({ port }));
    const dir = prepare('pm2', { 3000: port });
    const pm2 = (...args: string[]) =>
      spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', TOOLS.pm2 as string), ...args], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PM2_HOME: join(dir, '.pm2'), NO_COLOR: '1' },
      });
    cleanups.push(() => pm2('kill'));
    const started = pm2('start', 'ecosystem.config.cjs');
    assert.equal(started.status, 0, started.stderr);
    await stale.exited;
    assert.equal(await waitForPort(port, { until: 'in-use', maxWait: 20_000 }), true);
    const pid = Number(/hello from pid (\d+)/.exec(await get(port))?.[1]);
    assert.ok(pid > 0);
    const stopped = pm2('stop', 'web');
    assert.equal(stopped.status, 0, stopped.stderr);
    await assertReleased(port);
    assert.throws(() => process.kill(pid, 0), 'the server pm2 ran through portwarden is gone');
  });

  test("Docker's entrypoint.sh, run without Docker: frees, serves, docker stop's SIGTERM ends it", async () => {
    const port = await getTestPort();
    const stale = await hold(startHolder({ port }));
    const dir = prepare('docker', {});
    const entry = spawn(join(dir, 'entrypoint.sh'), [], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), NO_COLOR: '1' },
    });
    groups.push(entry.pid as number);
    await waitForLine(entry, /^listening on/);
    await stale.exited;
    const done = collect(entry);
    const began = performance.now();
    entry.kill('SIGTERM'); // docker stop: SIGTERM to the container's main process only
    const { code } = await done;
    assert.equal(code, 143, 'the server died of the SIGTERM passed on to it');
    assert.ok(performance.now() - began < 5000, 'well before docker would SIGKILL');
    await groupGone(entry.pid as number);
    await assertReleased(port);
  });
});

/** Every `portwarden ...` command line written in the recipes. */
function recipeCommandLines(): { file: string; words: string[] }[] {
  const found: { file: string; words: string[] }[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        visit(path);
        continue;
      }
      const text = readFileSync(path, 'utf8').replace(/"\$\{\w+:-(\d+)\}"/g, '$1');
      for (const match of text.matchAll(
        /portwarden ((?:who|list|check|kill|free|wait|run)\b[^"'`\n&|;>\\]*)/g,
      )) {
        const words = (match[1] as string).trim().split(/\s+/);
        // Prose names a command alone ("`portwarden free` takes several ports").
        if (words.length > 1) found.push({ file: path.slice(RECIPES.length + 1), words });
      }
    }
  };
  visit(RECIPES);
  return found;
}

describe('recipes that cannot run here: their files are checked', () => {
  test('every portwarden command line in recipes/ is valid', () => {
    const lines = recipeCommandLines();
    assert.ok(lines.length >= 20, `found ${lines.length}`);
    for (const { file, words } of lines) {
      assert.doesNotThrow(() => parseCommandLine(words), `${file}: portwarden ${words.join(' ')}`);
    }
    const files = new Set(lines.map((line) => line.file.split('/')[0]));
    for (const recipe of readdirSync(RECIPES, { withFileTypes: true })) {
      if (recipe.isDirectory() && recipe.name !== 'pm2') {
        assert.ok(files.has(recipe.name), `${recipe.name} uses portwarden`);
      }
    }
  });

  const yaml = spawnSync('python3', ['-c', 'import yaml']).status === 0;
  test('the GitHub Actions job: valid YAML; free, run, wait, test, free (always)', {
    skip: !yaml && 'needs python3 with PyYAML to read the workflow',
  }, () => {
    const parsed = spawnSync(
      'python3',
      [
        '-c',
        'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)',
        join(RECIPES, 'github-actions', 'e2e.yml'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(parsed.status, 0, parsed.stderr);
    const workflow = JSON.parse(parsed.stdout) as {
      jobs: { e2e: { steps: { run?: string; if?: string }[] } };
    };
    const runs = workflow.jobs.e2e.steps.filter((step) => step.run);
    const order = runs
      .map((step) => /portwarden (\w+)|npm run (test:e2e)/.exec(step.run ?? ''))
      .flatMap((match) => (match ? [match[1] ?? match[2]] : []));
    assert.deepEqual(order, ['free', 'run', 'wait', 'test:e2e', 'free']);
    const last = runs.find((step) => step.run === 'npx portwarden free 3000');
    assert.equal(last?.if, 'always()');
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  test('the systemd unit: systemd-analyze verify, and its ExecStartPre frees the port', {
    skip: (!analyze || process.platform !== 'linux') && 'needs systemd-analyze (Linux)',
  }, async () => {
    const port = await getTestPort();
    const dir = prepare('systemd', { 8080: port });
    const unit = join(dir, 'web.service');
    const text = readFileSync(unit, 'utf8')
      .replaceAll(
        '/srv/web/node_modules/.bin/portwarden',
        join(dir, 'node_modules', '.bin', 'portwarden'),
      )
      .replaceAll('/usr/bin/node', process.execPath)
      .replaceAll('/srv/web', dir);
    writeFileSync(unit, text);
    const verified = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    assert.equal(verified.status, 0, verified.stderr);
    assert.doesNotMatch(verified.stderr, /Unknown|Invalid|ignoring/i, verified.stderr);
    // ExecStartPre, as systemd would run it (no shell: the words of the line).
    const line = /^ExecStartPre=(.*)$/m.exec(text)?.[1] ?? '';
    const [program, ...args] = line.split(' ');
    const stale = await hold(startHolder({ port }));
    const pre = await collect(
      spawn(program as string, args, { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    assert.equal(pre.code, 0, pre.stderr);
    await stale.exited;
    assert.equal(await isPortInUse(port), false);
  });
});
