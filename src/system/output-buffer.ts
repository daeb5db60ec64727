const FIRST_CAPACITY = 4096;

/**
 * Collects one stream's bytes into a single buffer that grows by doubling, never past `limit`.
 * One buffer instead of a list of chunks: a tool that writes a byte at a time would otherwise
 * cost a `Buffer` object (~100 bytes of bookkeeping) per byte, so memory would not be bounded by
 * the byte count. The capacity stays below twice the content (or {@link FIRST_CAPACITY}).
 *
 * @example
 * ```ts
 * const out = new OutputBuffer(1024);
 * out.append(Buffer.from('tcp LISTEN 0 511 *:80\n'));
 * out.bytes().toString(); // 'tcp LISTEN 0 511 *:80\n'
 * ```
 */
export class OutputBuffer {
  readonly #limit: number;
  #buffer: Buffer = Buffer.alloc(0);
  #length = 0;

  /** @param limit - the most bytes this buffer will ever hold. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Bytes held so far. */
  get length(): number {
    return this.#length;
  }

  /** Appends `chunk`; throws a `RangeError` when that would pass the limit (check first). */
  append(chunk: Buffer): void {
    const needed = this.#length + chunk.length;
    if (needed > this.#limit) throw new RangeError(`OutputBuffer limit ${this.#limit} passed`);
    if (needed > this.#buffer.length) {
      const capacity = Math.min(
        Math.max(needed, this.#buffer.length * 2, FIRST_CAPACITY),
        this.#limit,
      );
      const grown = Buffer.alloc(capacity);
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    chunk.copy(this.#buffer, this.#length);
    this.#length = needed;
  }

  /** The bytes collected (a view, not a copy). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}
