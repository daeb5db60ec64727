import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { listDirectory, readProcText, readProcTextSliced } from '../../src/system/proc-files.ts';
import { TimeSlicer } from '../../src/system/slices.ts';
import { LINUX_ONLY } from '../helpers/holders.ts';

const folder = mkdtempSync(join(tmpdir(), 'pw-proc-files-'));
after(() => rmSync(folder, { recursive: true, force: true }));

test('both readers give a file of several chunks byte for byte (latin1)', async () => {
  const bytes = Buffer.alloc(200_000 + 17);
  for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 7) % 256;
  const path = join(folder, 'big');
  writeFileSync(path, bytes);
  const expected = bytes.toString('latin1');
  assert.equal(await readProcText(path), expected);
  const slicer = new TimeSlicer({ sliceMs: 0 });
  assert.equal(await readProcTextSliced(path, slicer), expected);
  assert.ok(slicer.turns > 0, 'a zero-length slice yields between reads');
  writeFileSync(join(folder, 'empty'), '');
  assert.equal(await readProcText(join(folder, 'empty')), '');
});

test('a /proc file, whose size says 0, is read whole', LINUX_ONLY, async () => {
  const expected = readFileSync('/proc/self/status', 'latin1').split('\n')[0];
  assert.equal((await readProcText('/proc/self/status')).split('\n')[0], expected);
  const slicer = new TimeSlicer();
  assert.equal((await readProcTextSliced('/proc/self/status', slicer)).split('\n')[0], expected);
});

test('a missing file rejects with its error code; a listing never rejects', async () => {
  await assert.rejects(readProcText(join(folder, 'none')), { code: 'ENOENT' });
  await assert.rejects(readProcTextSliced(join(folder, 'none'), new TimeSlicer()), {
    code: 'ENOENT',
  });
  assert.deepEqual(await listDirectory(join(folder, 'none')), { error: 'ENOENT' });
  const listing = await listDirectory(folder);
  assert.ok('names' in listing && listing.names.includes('big'));
});
