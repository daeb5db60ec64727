import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputBuffer } from '../../src/system/output-buffer.ts';

describe('OutputBuffer', () => {
  it('collects bytes in order, a byte at a time as well as in big chunks', () => {
    const out = new OutputBuffer(1_000_000);
    for (let i = 0; i < 10_000; i++) out.append(Buffer.of(i % 256));
    out.append(Buffer.alloc(100_000, 7));
    assert.equal(out.length, 110_000);
    const bytes = out.bytes();
    assert.equal(bytes.length, 110_000);
    assert.equal(bytes[9_999], 9_999 % 256);
    assert.equal(bytes[109_999], 7);
    // One buffer, at most twice its content: memory follows the byte count, not the chunk count.
    assert.ok(bytes.buffer.byteLength <= 2 * 110_000, `capacity ${bytes.buffer.byteLength}`);
  });

  it('holds exactly its limit and refuses a byte more', () => {
    const out = new OutputBuffer(10);
    out.append(Buffer.from('0123456789'));
    assert.throws(() => out.append(Buffer.from('x')), RangeError);
    assert.equal(out.bytes().toString(), '0123456789');
    assert.equal(out.bytes().buffer.byteLength, 10);
  });

  it('is empty until written to', () => {
    assert.equal(new OutputBuffer(5).bytes().length, 0);
  });
});
