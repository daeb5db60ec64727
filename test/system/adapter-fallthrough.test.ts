/**
 * A tool past the runner's output cap counts as a failed adapter: the next adapter answers. Real
 * listener, real netstat; `ss` is a fake that prints socket lines endlessly, and `/proc` is
 * pointed at a folder that does not exist so that procfs (tried first) steps aside.
 */
import assert from 'node:assert/strict';
import { existsSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createContext } from '../../src/core/context.ts';
import { readSocketTable } from '../../src/socket-table/read.ts';
import { createToolbox, type Toolbox } from '../helpers/fake-tools.ts';

function onPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    if (folder && existsSync(join(folder, name))) return join(folder, name);
  }
  return undefined;
}

const [yes, netstat] = [onPath('yes'), onPath('netstat')];

describe('socket table: an endless ss falls through to netstat', {
  skip: (process.platform !== 'linux' || !yes || !netstat) && 'needs Linux, yes and netstat',
}, () => {
  let box: Toolbox;
  let server: Server;
  let port: number;
  before(async () => {
    box = createToolbox();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => {
    server.close();
    box.cleanup();
  });

  it('ss is stopped at the output cap and netstat lists the listener', async () => {
    box.tool('ss', `exec ${yes} 'tcp LISTEN 0 511 127.0.0.1:1 0.0.0.0:* users:(("x",pid=1,fd=3))'`);
    symlinkSync(netstat as string, box.file('netstat'));
    const context = createContext({
      procRoot: box.file('no-proc'),
      env: { ...process.env, PATH: box.dir },
      toolTimeout: 3000,
    });
    const started = performance.now();
    const { rows, adapter } = await readSocketTable(
      { query: { port, protocol: 'tcp' } },
      context.platform,
      context,
    );
    const ms = performance.now() - started;
    assert.equal(adapter.name, 'netstat');
    // The cap stops ss within tens of ms; waiting out its 3 s timeout would mean no cap.
    assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
    assert.ok(
      rows.some((row) => row.localPort === port && row.state === 'LISTEN'),
      JSON.stringify(rows),
    );
  });
});
