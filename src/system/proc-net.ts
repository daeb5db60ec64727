/**
 * The rows of Linux's `/proc/net/{tcp,tcp6,udp,udp6}` for one port: how big the table is (from
 * `/proc/net/sockstat`), how to read it (in the thread pool while the owner scan runs, or on the
 * main thread in slices when it is big) and the rows themselves (only the port's lines parsed).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseProcNet } from '../parsers/proc-net.ts';
import { parseProcSockstat } from '../parsers/proc-sockstat.ts';
import type { Family, Protocol, SocketRow } from '../types.ts';
import { readProcText, readProcTextSliced } from './proc-files.ts';
import type { TimeSlicer } from './slices.ts';

const SOURCES: readonly { file: string; protocol: Protocol; family: Family }[] = [
  { file: 'tcp', protocol: 'tcp', family: 'IPv4' },
  { file: 'tcp6', protocol: 'tcp', family: 'IPv6' },
  { file: 'udp', protocol: 'udp', family: 'IPv4' },
  { file: 'udp6', protocol: 'udp', family: 'IPv6' },
];

/** Which rows of `/proc/net/*` to read. */
export interface ProcNetQuery {
  readonly port: number;
  /** Only this protocol; both when undefined. */
  readonly protocol?: Protocol | undefined;
  /** Also rows whose remote port is `port`. */
  readonly includeRemote?: boolean | undefined;
}

/** From how many rows on (the estimate of {@link socketRowEstimate}) `/proc/net/*` is read sliced. */
const MANY_ROWS = 2000;

/**
 * About how many rows `/proc/net/*` has for `protocol` (both when undefined): the counts of
 * `/proc/net/sockstat` and `sockstat6` (TCP sockets in use, TIME_WAIT sockets; UDP sockets in
 * use), read in a few microseconds (and kept for 50 ms: a hint, not an answer). `undefined` when
 * they cannot be read.
 *
 * @example
 * ```ts
 * socketRowEstimate('tcp', '/proc'); // 8127 with 4,000 loopback connection pairs
 * ```
 */
export function socketRowEstimate(
  protocol: Protocol | undefined,
  procRoot: string,
): number | undefined {
  const counts = sockstatCounts(procRoot);
  if (counts === undefined) return undefined;
  const [v4, v6] = counts;
  let rows = 0;
  if (protocol !== 'udp') {
    rows += (v4.TCP?.inuse ?? 0) + (v4.TCP?.tw ?? 0) + (v6.TCP6?.inuse ?? 0);
  }
  if (protocol !== 'tcp') rows += (v4.UDP?.inuse ?? 0) + (v6.UDP6?.inuse ?? 0);
  return rows;
}

type Sockstat = Record<string, Record<string, number>>;

/** How long (ms) one read of the sockstat files answers: the adapters of one lookup ask twice. */
const SOCKSTAT_FRESH = 50;
let lastSockstat: { procRoot: string; at: number; counts: [Sockstat, Sockstat] } | undefined;

function sockstatCounts(procRoot: string): [Sockstat, Sockstat] | undefined {
  const now = performance.now();
  if (lastSockstat?.procRoot === procRoot && now - lastSockstat.at < SOCKSTAT_FRESH) {
    return lastSockstat.counts;
  }
  let v4: Sockstat;
  let v6: Sockstat = {};
  try {
    v4 = parseProcSockstat(readFileSync(`${procRoot}/net/sockstat`, 'latin1'));
  } catch {
    return undefined;
  }
  try {
    v6 = parseProcSockstat(readFileSync(`${procRoot}/net/sockstat6`, 'latin1'));
  } catch {}
  lastSockstat = { procRoot, at: now, counts: [v4, v6] };
  return lastSockstat.counts;
}

/**
 * How to read `/proc/net/*` for `query`: in the thread pool while the owner scan runs
 * (`'parallel'`, for a table of ordinary size), or on the main thread in slices before it
 * (`'sliced'`, from {@link MANY_ROWS} rows on: hundreds of page-sized reads would each wait for
 * a round trip through the pool).
 *
 * @example
 * ```ts
 * procNetReading({port: 3000, protocol: 'tcp'}, '/proc'); // 'parallel' on a quiet machine
 * ```
 */
export function procNetReading(query: ProcNetQuery, procRoot: string): 'parallel' | 'sliced' {
  const estimate = socketRowEstimate(query.protocol, procRoot);
  return estimate !== undefined && estimate >= MANY_ROWS ? 'sliced' : 'parallel';
}

/**
 * Reads the `/proc/net/{tcp,tcp6,udp,udp6}` rows whose local port is `query.port` (and, with
 * `includeRemote`, whose remote port is). The files are read at the same time in the thread pool,
 * or — with a `slicer` — one after the other on the main thread in slices (see
 * {@link procNetReading}); only the lines of the port are parsed. A missing IPv6 file (IPv6 disabled) is skipped; a
 * missing IPv4 file rejects.
 *
 * @example
 * ```ts
 * await readProcNetRows({port: 8080, protocol: 'tcp'}, '/proc');
 * ```
 */
export async function readProcNetRows(
  query: ProcNetQuery,
  procRoot: string,
  slicer?: TimeSlicer,
): Promise<SocketRow[]> {
  const sources = SOURCES.filter((source) => !query.protocol || source.protocol === query.protocol);
  const read = async (source: (typeof SOURCES)[number]) => {
    const path = `${procRoot}/net/${source.file}`;
    try {
      return await (slicer ? readProcTextSliced(path, slicer) : readProcText(path));
    } catch (error) {
      if (source.family === 'IPv6' && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  };
  const texts: (string | undefined)[] = [];
  if (slicer) for (const source of sources) texts.push(await read(source));
  else texts.push(...(await Promise.all(sources.map(read))));
  const rows: SocketRow[] = [];
  for (const [index, text] of texts.entries()) {
    if (text === undefined) continue;
    rows.push(
      ...parseProcNet(text, {
        ...(sources[index] as (typeof SOURCES)[number]),
        port: query.port,
        ...(query.includeRemote ? { includeRemote: true } : {}),
      }),
    );
  }
  return rows;
}
