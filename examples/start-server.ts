/**
 * A startup script for any server, Node or not: free the port, say what was stopped, start the
 * server, wait until it really listens, and pass Ctrl+C / SIGTERM on to it.
 *
 * Run:   node --import tsx examples/start-server.ts <port> [command [args...]]
 *        (`{port}` in the arguments is replaced by the port)
 * e.g.   node --import tsx examples/start-server.ts 8000
 *          → python3 -m http.server 8000 --bind 127.0.0.1
 *        node --import tsx examples/start-server.ts 8000 node server.js --port {port}
 *
 * The command is started with an argument array, never through a shell.
 * In your own project, import from 'portwarden' instead of '../src/index.ts'.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { freePort, waitForPort } from '../src/index.ts';

const [portText, ...commandLine] = process.argv.slice(2);
if (!portText) {
  console.error('usage: start-server.ts <port> [command [args...]]');
  process.exit(2);
}
const port = Number(portText);
const [command, ...args] =
  commandLine.length > 0
    ? commandLine.map((arg) => arg.replaceAll('{port}', String(port)))
    : ['python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1'];

// 1. Free the port, and say what that took.
const report = await freePort(port, { gracePeriod: 3000, maxWait: 10_000 });
for (const stopped of report.kill?.processes ?? []) {
  console.log(
    `stopped pid ${stopped.pid} (${stopped.name ?? '?'}) with ${stopped.signal ?? stopped.signals.join(', ')} in ${stopped.elapsedMs} ms`,
  );
}
for (const skipped of report.kill?.skipped ?? []) console.log(`left alone: ${skipped.message}`);
for (const failed of report.kill?.failed ?? [])
  console.log(`could not stop pid ${failed.pid}: ${failed.code}`);
if (!report.free) {
  console.error(`port ${port} is still taken (${report.outcome}); not starting`);
  process.exit(1);
}
if (report.timeWait > 0) {
  console.log(
    `${report.timeWait} TIME_WAIT socket(s) on port ${port}: harmless for servers using SO_REUSEADDR`,
  );
}

// 2. Start the server and wait until it listens (a bind probe, so ::1-only servers count too).
if (!command) process.exit(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (error) => {
  console.error(`cannot start ${command}: ${error.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  console.log(`server exited (${signal ?? code})`);
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
if (await waitForPort(port, { until: 'in-use', maxWait: 10_000 })) {
  console.log(`server is up on port ${port} (pid ${child.pid})`);
} else {
  console.error(`server did not start listening on port ${port} within 10 s`);
  child.kill('SIGTERM');
}
