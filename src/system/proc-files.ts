/**
 * Reading `/proc` without blocking the event loop for long: a file through libuv's thread pool,
 * or on the main thread a page at a time with turns of the event loop in between; directory
 * listings through the pool. The kernel hands out a `/proc` seq file (`/proc/net/tcp`) at most a
 * page per read, so a big one takes hundreds of reads.
 *
 * @module
 */
import { close, closeSync, open, openSync, read, readdir, readSync } from 'node:fs';
import type { TimeSlicer } from './slices.ts';

/** Bytes asked for per read; the kernel answers a `/proc` seq file with at most a page anyway. */
const CHUNK = 64 * 1024;

/** Reads chunks with `next` (bytes read into the buffer at the offset; 0 at the end) as latin1. */
async function collect(
  next: (buffer: Buffer, offset: number) => number | Promise<number>,
): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  let buffer = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  for (;;) {
    const bytes = await next(buffer, used);
    if (bytes === 0) break;
    used += bytes;
    total += bytes;
    if (used === buffer.length) {
      chunks.push(buffer);
      buffer = Buffer.allocUnsafe(CHUNK);
      used = 0;
    }
  }
  chunks.push(buffer.subarray(0, used));
  return (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total)).toString(
    'latin1',
  );
}

/**
 * Reads a whole file as latin1 text off the event loop (every read runs in libuv's thread pool).
 * Made for small `/proc` files, whose size is unknown until the end (`stat` says 0): each read
 * is a round trip through the pool, so a big one is better read with {@link readProcTextSliced}.
 * Rejects with the filesystem error (`ENOENT`, `EACCES`, ...).
 *
 * @example
 * ```ts
 * const text = await readProcText('/proc/net/tcp6');
 * ```
 */
export async function readProcText(path: string): Promise<string> {
  const fd = await new Promise<number>((resolve, reject) =>
    open(path, 'r', (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  try {
    return await collect(
      (buffer, offset) =>
        new Promise((resolve, reject) =>
          read(fd, buffer, offset, buffer.length - offset, null, (error, bytes) =>
            error ? reject(error) : resolve(bytes),
          ),
        ),
    );
  } finally {
    close(fd, () => {});
  }
}

/**
 * Reads a whole file as latin1 text on the main thread, a read at a time, giving the event loop a
 * turn whenever `slicer`'s slice is used up: for a big `/proc/net/tcp`, whose hundreds of reads
 * would each cost a round trip through the thread pool. Rejects with the filesystem error.
 *
 * @example
 * ```ts
 * const text = await readProcTextSliced('/proc/net/tcp', new TimeSlicer());
 * ```
 */
export async function readProcTextSliced(path: string, slicer: TimeSlicer): Promise<string> {
  const fd = openSync(path, 'r');
  try {
    return await collect(async (buffer, offset) => {
      if (slicer.due) await slicer.yield();
      return readSync(fd, buffer, offset, buffer.length - offset, null);
    });
  } finally {
    closeSync(fd);
  }
}

/** A directory listing, or the error code that prevented it (`ENOENT`, `EACCES`, ...). */
export type Listing = { readonly names: string[] } | { readonly error: string };

/**
 * Lists a directory off the event loop; never rejects: a directory that cannot be read gives
 * its error code instead (a process that exited, another user's `/proc/<pid>/fd`).
 *
 * @example
 * ```ts
 * const listing = await listDirectory('/proc/4242/fd');
 * if ('names' in listing) console.log(listing.names.length, 'descriptors');
 * ```
 */
export function listDirectory(path: string): Promise<Listing> {
  return new Promise((resolve) =>
    readdir(path, (error, names) =>
      resolve(error ? { error: error.code ?? 'EIO' } : { names: names as string[] }),
    ),
  );
}
