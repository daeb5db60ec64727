import type { SocketQuery, SocketTableAdapter } from '../adapters/adapter.ts';
import {
  AdapterUnavailableError,
  NoAdapterError,
  PortwardenError,
  UnsupportedPlatformError,
} from '../errors.ts';
import { own } from '../input.ts';
import { createLogger } from '../log.ts';
import type { ToolContext } from '../system/tools.ts';
import type { SocketRow } from '../types.ts';

const debug = createLogger('portwarden:socket-table');

/**
 * The adapters a platform offers, in order (a platform profile is one).
 *
 * @example
 * ```ts
 * const source: AdapterList = {name: 'linux', supported: true, adapters: [procfsAdapter, ssAdapter]};
 * ```
 */
export interface AdapterList {
  /** The platform's name, for messages. */
  readonly name: string;
  /** `false` where only a last-resort adapter exists: nothing working then means "unsupported". */
  readonly supported: boolean;
  readonly adapters: readonly SocketTableAdapter[];
}

/**
 * What to read: the query, the adapter the caller forced (if any), and whether only adapters that
 * list sockets without a visible owner (TIME_WAIT rows) will do.
 *
 * @example
 * ```ts
 * const request: TableRequest = {query: {port: 3000, protocol: 'tcp'}, forced: 'ss'};
 * ```
 */
export interface TableRequest {
  readonly query: SocketQuery;
  readonly forced?: string | undefined;
  readonly unownedSockets?: boolean | undefined;
}

/**
 * The rows one adapter gave, and which adapter it was.
 *
 * @example
 * ```ts
 * const {rows, adapter}: SocketTable = await readSocketTable(request, context.platform, context);
 * ```
 */
export interface SocketTable {
  readonly rows: readonly SocketRow[];
  readonly adapter: SocketTableAdapter;
}

/**
 * Reads the socket rows for the request with the forced adapter, or with the first adapter of the
 * list that works: a missing tool, a failing or hanging one, or unparseable output falls through
 * to the next, and the debug log says why; an adapter that is not `preferred` for the query now is
 * passed over unless forced. Within a deadline, each adapter may use a fair share of
 * the time left (a hanging tool cannot use it all). A forced adapter that cannot answer is
 * `ERR_ADAPTER_UNAVAILABLE`; nothing working is `ERR_NO_ADAPTER` (or `ERR_UNSUPPORTED_PLATFORM`
 * where the platform has no adapter of its own). Rows are those of the query's port.
 *
 * @example
 * ```ts
 * const {rows, adapter} = await readSocketTable({query: {port: 3000, protocol: 'tcp'}}, context.platform, context);
 * ```
 */
export async function readSocketTable(
  request: TableRequest,
  source: AdapterList,
  tools: ToolContext,
): Promise<SocketTable> {
  // Only the caller's own fields count: a polluted Object.prototype cannot change the question.
  const query: SocketQuery = {
    port: request.query.port,
    protocol: own(request.query, 'protocol'),
    includeRemote: own(request.query, 'includeRemote') === true,
    withoutOwners: own(request.query, 'withoutOwners') === true,
  };
  const forced = own(request, 'forced');
  const unownedSockets = own(request, 'unownedSockets') === true;
  const asked: TableRequest = { query, forced, unownedSockets };
  const adapters = unownedSockets
    ? source.adapters.filter((adapter) => adapter.listsHiddenSockets)
    : source.adapters;
  if (forced !== undefined) {
    return readForced(forced, adapters, asked, source, tools);
  }
  const candidates = adapters.filter((adapter) => adapter.preferred?.(query, tools) ?? true);
  if (candidates.length === 0) throw new UnsupportedPlatformError(source.name);
  const failures: Error[] = [];
  for (const [index, adapter] of candidates.entries()) {
    try {
      const share = fairShare(tools, candidates.length - index);
      return { rows: await readWith(adapter, query, share), adapter };
    } catch (error) {
      if (error instanceof PortwardenError && error.code === 'ERR_ABORTED') throw error;
      debug('adapter %s skipped: %s', adapter.name, (error as Error).message);
      failures.push(error as Error);
    }
  }
  const summary = failures
    .map((error, index) => `${candidates[index]?.name}: ${error.message}`)
    .join('; ');
  const cause = new AggregateError(failures);
  if (!source.supported) {
    throw new UnsupportedPlatformError(
      source.name,
      `Nothing can read the socket table on ${source.name} (no dedicated adapter; ${summary})`,
      { cause },
    );
  }
  throw new NoAdapterError(`No adapter could read the socket table on ${source.name}: ${summary}`, {
    cause,
  });
}

/**
 * The tools one adapter of `left` still to try may use: the call's time left is shared, so a tool
 * that hangs leaves the next adapters time to answer within the deadline.
 */
function fairShare(tools: ToolContext, left: number): ToolContext {
  if (!Number.isFinite(tools.deadline) || left <= 1) return tools;
  const now = performance.now();
  return { ...tools, deadline: now + Math.max(0, tools.deadline - now) / left };
}

async function readForced(
  forced: string,
  adapters: readonly SocketTableAdapter[],
  request: TableRequest,
  source: AdapterList,
  tools: ToolContext,
): Promise<SocketTable> {
  const adapter = adapters.find((candidate) => candidate.name === forced);
  if (!adapter) {
    const exists = source.adapters.some((candidate) => candidate.name === forced);
    throw new AdapterUnavailableError(
      forced,
      exists && request.unownedSockets
        ? `Adapter ${forced} lists only sockets with a visible owner: it cannot see TIME_WAIT sockets`
        : `Adapter ${forced} does not run on ${source.name} (available: ${source.adapters.map((a) => a.name).join(', ') || 'none'})`,
    );
  }
  try {
    return { rows: await readWith(adapter, request.query, tools), adapter };
  } catch (error) {
    if (error instanceof PortwardenError && error.code === 'ERR_ABORTED') throw error;
    throw new AdapterUnavailableError(
      forced,
      `Adapter ${forced} could not read the socket table: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function readWith(
  adapter: SocketTableAdapter,
  query: SocketQuery,
  tools: ToolContext,
): Promise<SocketRow[]> {
  const started = performance.now();
  const rows = await adapter.read(query, tools);
  const matching = rows.filter(
    (row) =>
      (query.protocol === undefined || row.protocol === query.protocol) &&
      (row.localPort === query.port || row.remotePort === query.port),
  );
  debug(
    'adapter %s: %d rows for port %d in %s ms',
    adapter.name,
    matching.length,
    query.port,
    (performance.now() - started).toFixed(2),
  );
  return matching;
}
