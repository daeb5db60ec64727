/**
 * The published package, as a user gets it: a copy of the checkout without dist/ is packed with
 * `npm pack` (so `prepack` must build), the tarball is installed into fresh consumer projects
 * (from the npm cache where it can), and each consumer uses it: an ESM import, a CommonJS
 * `require` (on the Node versions that have require(esm)), TypeScript with the oldest and the
 * newest TypeScript this package supports under `moduleResolution` `nodenext` and `bundler` with
 * default `types` (no `@types/node`), the bin through `npx`, and publint / arethetypeswrong on
 * the tarball.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../helpers/holders.ts';
import { type NpmResult, npm, npx, OFFLINE_FIRST } from '../helpers/npm.ts';
import { makeTempDir } from '../helpers/temp.ts';

/** The oldest TypeScript supported with `moduleResolution: nodenext` (4.7+ has it; 4.9 is the
 * oldest a Node 20 project with `@types/node@20` type-checks with, see README). */
const OLDEST_TS = '4.9.5';
/** `moduleResolution: bundler` exists since TypeScript 5.0. */
const OLDEST_TS_BUNDLER = '5.0.4';

/** What a clean checkout needs to build (everything else stays behind, dist/ above all). */
const CHECKOUT = [
  'package.json',
  'README.md',
  'PORT_MANAGEMENT.md',
  'LICENSE',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts',
  'src',
];

/** Node 20.19+, 22.12+ and 23+ load an ES module with require(); older versions throw. */
function hasRequireEsm(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;
}

function node(args: readonly string[], cwd: string) {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** npm could reach neither the registry nor a cached copy: a bare machine, not a defect. */
function offlineReason(result: NpmResult): string | undefined {
  if (result.status === 0) return undefined;
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED/.test(
    result.stderr,
  )
    ? `the npm registry is unreachable and the npm cache lacks what the consumer installs (${result.command})`
    : undefined;
}

function assertOk(result: { status: number | null; stdout: string; stderr: string }, what: string) {
  assert.equal(result.status, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`);
}

const work = makeTempDir('pw-pack-', 0o755);
after(() => rmSync(work, { recursive: true, force: true }));

let tarball = '';
let version = '';

before(
  () => {
    const checkout = join(work, 'checkout');
    mkdirSync(checkout);
    for (const entry of CHECKOUT) {
      cpSync(join(REPO_ROOT, entry), join(checkout, entry), { recursive: true });
    }
    // The dependencies the build needs, without copying them.
    symlinkSync(
      join(REPO_ROOT, 'node_modules'),
      join(checkout, 'node_modules'),
      process.platform === 'win32' ? 'junction' : 'dir',
    );
    const packed = npm(['pack', '--json', '--pack-destination', work], checkout);
    assertOk({ ...packed }, packed.command);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
      filename: string;
      version: string;
      files: { path: string }[];
    }[];
    assert.ok(info);
    tarball = join(work, info.filename);
    version = info.version;
    writeFileSync(join(work, 'files.json'), JSON.stringify(info.files.map((file) => file.path)));
  },
  { timeout: 300_000 },
);

describe('npm pack', () => {
  test('prepack builds: the tarball holds the bundle, one .d.ts, the docs, and no sources', () => {
    const files = (JSON.parse(readFileSync(join(work, 'files.json'), 'utf8')) as string[]).sort();
    for (const needed of [
      'LICENSE',
      'PORT_MANAGEMENT.md',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
    ]) {
      assert.ok(files.includes(needed), `${needed} is packed: ${files.join(', ')}`);
    }
    const other = files.filter(
      (file) =>
        !/^(LICENSE|PORT_MANAGEMENT\.md|README\.md|package\.json|dist\/index\.(js|d\.ts)|dist\/cli\/(main\.js|package\.json))$/.test(
          file,
        ),
    );
    assert.deepEqual(
      other,
      [],
      'besides these, nothing: one library bundle, one CommonJS command-line bundle',
    );
  });
});

describe('a project that installed the tarball', () => {
  /** A consumer project without @types/node. */
  const plain = join(work, 'plain');
  /** Set when the consumers could not be installed for want of the registry: tests skip. */
  let offline: string | undefined;
  /** A consumer project with @types/node (the version this repository uses). */
  const withNodeTypes = join(work, 'with-node-types');

  before(
    () => {
      // TypeScript 4.9-5.x load every node_modules/@types of the folder and its parents: the
      // consumer without @types/node proves nothing inside a project that has them.
      for (let dir = work; dirname(dir) !== dir; dir = dirname(dir)) {
        assert.ok(
          !existsSync(join(dir, 'node_modules', '@types', 'node')),
          `${dir} has node_modules/@types/node: set PORTWARDEN_TEST_TMPDIR (or TMPDIR) outside any project`,
        );
      }
      const nodeTypes = (
        JSON.parse(
          readFileSync(join(REPO_ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8'),
        ) as { version: string }
      ).version;
      for (const [dir, extra] of [
        [plain, []],
        [withNodeTypes, [`@types/node@${nodeTypes}`]],
      ] as const) {
        mkdirSync(dir);
        writeFileSync(
          join(dir, 'package.json'),
          JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
        );
        const installed = npm(['install', ...OFFLINE_FIRST, tarball, ...extra], dir);
        offline ??= offlineReason(installed);
        if (offline) return;
        assertOk(installed, installed.command);
      }
    },
    { timeout: 300_000 },
  );

  test('ESM: import works and answers', async (t) => {
    if (offline) return t.skip(offline);
    const { getTestPort } = await import('../helpers/holders.ts');
    const port = await getTestPort();
    const result = node(
      [
        '--input-type=module',
        '-e',
        `import * as pw from 'portwarden';
         const names = ['isPortInUse', 'getProcessesOnPort', 'checkPortTimeWait', 'killProcessOnPort', 'ensurePortFree', 'closeServer', 'PortwardenError'];
         for (const name of names) if (typeof pw[name] !== 'function') throw new Error(name + ' missing');
         console.log(JSON.stringify({inUse: await pw.isPortInUse(${port}), port: pw.parsePort('8080')}));
         const error = await pw.isPortInUse(0).catch((e) => e);
         console.log(error.code, error instanceof pw.PortwardenError);`,
      ],
      plain,
    );
    assertOk(result, 'import');
    assert.equal(result.stdout, '{"inUse":false,"port":8080}\nERR_INVALID_PORT true\n');
  });

  test(`CommonJS: require() works on Node 20.19+, 22.12+ (this is ${process.version})`, (t) => {
    if (offline) return t.skip(offline);
    const result = node(
      [
        '-e',
        `const pw = require('portwarden');
         console.log(typeof pw.ensurePortFree, typeof pw.PortwardenError);`,
      ],
      plain,
    );
    if (hasRequireEsm()) {
      assertOk(result, 'require');
      assert.equal(result.stdout, 'function function\n');
    } else {
      // The documented rule: an older Node cannot require() an ES module.
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /ERR_REQUIRE_ESM/);
    }
  });

  test('the bin through npx: portwarden --version', (t) => {
    if (offline) return t.skip(offline);
    // The local install answers (npx would ask the registry only for a package it cannot find).
    const result = npx(['portwarden', '--version'], plain);
    assertOk(result, result.command);
    assert.equal(result.stdout, `${version}\n`);
    const help = npx(['portwarden', 'check', '--help'], plain);
    assertOk(help, help.command);
    assert.match(help.stdout, /Usage: portwarden check/);
  });

  test('TypeScript: oldest and newest, nodenext and bundler, default types', {
    timeout: 600_000,
  }, (t) => {
    if (offline) return t.skip(offline);
    const compilers = [
      { version: OLDEST_TS, resolutions: ['nodenext'] },
      { version: OLDEST_TS_BUNDLER, resolutions: ['bundler'] },
      { version: 'repo', resolutions: ['nodenext', 'bundler', 'nodenext-cjs'] },
    ];
    for (const compiler of compilers) {
      let tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      if (compiler.version !== 'repo') {
        const dir = join(work, `typescript-${compiler.version}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'package.json'), '{"private": true}');
        const installed = npm(['install', ...OFFLINE_FIRST, `typescript@${compiler.version}`], dir);
        const unreachable = offlineReason(installed);
        if (unreachable) {
          t.skip(unreachable);
          return;
        }
        assertOk(installed, installed.command);
        tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
      }
      const tscVersion = node([tsc, '--version'], work).stdout.trim();
      for (const resolution of compiler.resolutions) {
        for (const [project, source] of [
          [plain, CONSUMER_SOURCE],
          [withNodeTypes, NODE_CONSUMER_SOURCE],
        ] as const) {
          const name = `ts-${compiler.version}-${resolution}`;
          const dir = join(project, name);
          mkdirSync(dir);
          const cjs = resolution === 'nodenext-cjs';
          const file = cjs ? 'consumer.cts' : 'consumer.ts';
          writeFileSync(join(dir, file), source);
          writeFileSync(
            join(dir, 'tsconfig.json'),
            JSON.stringify({
              compilerOptions: {
                ...(resolution === 'bundler'
                  ? { module: 'esnext', moduleResolution: 'bundler', target: 'es2022' }
                  : { module: 'nodenext', moduleResolution: 'nodenext' }),
                strict: true,
                noEmit: true,
                // Only the consumer that uses Node's own modules names Node's types (TypeScript
                // 6+ loads none by default); the other keeps the default.
                ...(project === withNodeTypes ? { types: ['node'] } : {}),
              },
              files: [file],
            }),
          );
          const checked = node([tsc, '-p', dir], dir);
          const label = `${tscVersion}, ${resolution}, ${project === plain ? 'no @types/node' : '@types/node'}`;
          assertOk(checked, `tsc --noEmit (${label})`);
          t.diagnostic(`ok: ${label}`);
        }
      }
    }
  });

  test('publint and arethetypeswrong (esm-only profile) pass on the tarball', () => {
    const publint = node(
      [join(REPO_ROOT, 'node_modules', 'publint', 'src', 'cli.js'), 'run', tarball, '--strict'],
      work,
    );
    assertOk(publint, 'publint');
    assert.match(publint.stdout, /All good/);
    const attwCli = join(REPO_ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const attw = node([attwCli, tarball, '--profile', 'esm-only', '--format', 'json'], work);
    assertOk(attw, 'attw');
    const report = JSON.parse(attw.stdout) as { analysis: { problems: unknown[] } };
    assert.ok(Array.isArray(report.analysis.problems));
  });
});

/** A consumer without Node's types: every line must type-check, and a wrong call must not. */
const CONSUMER_SOURCE = `import {
  ensurePortFree,
  findFreePort,
  freePort,
  getProcessesOnPort,
  isPortInUse,
  parsePort,
  PortwardenError,
  type FindFreePortOptions,
  type FreeReport,
  type PortOwner,
} from 'portwarden';

export async function main(): Promise<string> {
  const port: number = parsePort('3000');
  const inUse: boolean = await isPortInUse(port, { host: '127.0.0.1', protocol: 'tcp' });
  const owners: PortOwner[] = await getProcessesOnPort(port);
  const pids: (number | null)[] = owners.map((owner) => owner.pid);
  const report: FreeReport = await freePort(port, { maxWait: 2000, gracePeriod: 500 });
  const range: FindFreePortOptions = { preferred: 3000, range: { from: 3001, to: 3100 } };
  const other: number = await findFreePort(range);
  try {
    await ensurePortFree('80; rm -rf /');
  } catch (error) {
    if (error instanceof PortwardenError) return error.code;
  }
  // @ts-expect-error -- 'sctp' is no protocol: proves the types are loaded, not \`any\`.
  await isPortInUse(port, { protocol: 'sctp' });
  return \`\${inUse} \${pids.length} \${report.free} \${other}\`;
}
`;

/** A consumer that uses Node's modules: Node's servers and signals fit portwarden's types. */
const NODE_CONSUMER_SOURCE = `import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import {
  closeServer,
  handleShutdownSignals,
  listenWhenFree,
  trackConnections,
  waitForPort,
} from 'portwarden';

export async function main(): Promise<number> {
  const server = createServer((_request, response) => response.end('ok'));
  trackConnections(server);
  const address: AddressInfo = await listenWhenFree(server, 3000, {
    host: '127.0.0.1',
    signal: AbortSignal.timeout(5000),
  });
  const dispose = handleShutdownSignals(server, {
    signals: ['SIGINT', 'SIGTERM'],
    // The hook's signal is the project's own AbortSignal type (here @types/node's).
    beforeExit: (signal: NodeJS.Signals, abortSignal) => {
      const host: AbortSignal = abortSignal;
      console.log(signal, host.aborted);
    },
  });
  await waitForPort(address.port, { until: 'in-use', signal: new AbortController().signal });
  dispose();
  await closeServer(server, { timeout: 1000 });
  await closeServer(createNetServer());
  // @ts-expect-error -- a plain object is no server.
  await closeServer({ port: 3000 });
  return address.port;
}
`;
