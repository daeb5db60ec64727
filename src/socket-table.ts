import type { AdapterContext, SocketQuery, SocketTableAdapter } from './adapters/types.ts';
import {
  AdapterUnavailableError,
  InvalidOptionError,
  NoAdapterError,
  PortwardenError,
  UnsupportedPlatformError,
} from './errors.ts';
import { createLogger } from './log.ts';
import { FALLBACK_PLATFORM, knownAdapterNames, platformProfile } from './platforms.ts';
import type { SocketRow } from './types.ts';

const debug = createLogger('portwarden:socket-table');

/** The rows one adapter gave, and which adapter it was. */
export interface SocketTable {
  readonly rows: readonly SocketRow[];
  readonly adapter: SocketTableAdapter;
}

/**
 * Checks an adapter name (from the `adapter` option or `PORTWARDEN_ADAPTER`) before anything
 * runs: `undefined` means "choose"; a name no platform knows is `ERR_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * resolveAdapterName(undefined, {PORTWARDEN_ADAPTER: 'ss'}); // 'ss'
 * ```
 */
export function resolveAdapterName(
  option: unknown,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const name = option ?? (env.PORTWARDEN_ADAPTER || undefined);
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !knownAdapterNames().has(name)) {
    throw new InvalidOptionError(
      'adapter',
      `Unknown adapter ${JSON.stringify(name)}${option === undefined ? ' (from PORTWARDEN_ADAPTER)' : ''}: expected one of ${[...knownAdapterNames()].join(', ')}`,
    );
  }
  return name;
}

/**
 * Reads the socket rows for `query` with the forced adapter, or with the first adapter of the
 * platform's list that works: a missing tool, a failing or hanging one, or unparseable output
 * falls through to the next, and the debug log says why. With `requirements.unownedSockets`, only
 * adapters that list sockets without a visible owner (TIME_WAIT rows) are used.
 *
 * @example
 * ```ts
 * const {rows, adapter} = await readSocketTable({port: 3000, protocol: 'tcp'}, createContext());
 * ```
 */
export async function readSocketTable(
  query: SocketQuery,
  context: AdapterContext,
  forced?: string,
  requirements: { readonly unownedSockets?: boolean } = {},
): Promise<SocketTable> {
  const profile = platformProfile(context.platform);
  const adapters = requirements.unownedSockets
    ? profile.adapters.filter((adapter) => adapter.listsHiddenSockets)
    : profile.adapters;
  if (forced !== undefined) {
    if (
      requirements.unownedSockets &&
      profile.adapters.some(
        (candidate) => candidate.name === forced && !candidate.listsHiddenSockets,
      )
    ) {
      throw new AdapterUnavailableError(
        forced,
        `Adapter ${forced} lists only sockets with a visible owner: it cannot see TIME_WAIT sockets`,
      );
    }
    const adapter = adapters.find((candidate) => candidate.name === forced);
    if (!adapter) {
      throw new AdapterUnavailableError(
        forced,
        `Adapter ${forced} does not run on ${context.platform} (available: ${profile.adapters.map((a) => a.name).join(', ') || 'none'})`,
      );
    }
    try {
      return { rows: await readWith(adapter, query, context), adapter };
    } catch (error) {
      if (error instanceof PortwardenError && error.code === 'ERR_ABORTED') throw error;
      throw new AdapterUnavailableError(
        forced,
        `Adapter ${forced} could not read the socket table: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (adapters.length === 0) throw new UnsupportedPlatformError(context.platform);
  const failures: Error[] = [];
  for (const adapter of adapters) {
    try {
      return { rows: await readWith(adapter, query, context), adapter };
    } catch (error) {
      if (error instanceof PortwardenError && error.code === 'ERR_ABORTED') throw error;
      debug('adapter %s skipped: %s', adapter.name, (error as Error).message);
      failures.push(error as Error);
    }
  }
  const summary = failures
    .map((error, index) => `${adapters[index]?.name}: ${error.message}`)
    .join('; ');
  const cause = new AggregateError(failures);
  if (profile === FALLBACK_PLATFORM) {
    throw new UnsupportedPlatformError(
      context.platform,
      `Nothing can read the socket table on ${context.platform} (no dedicated adapter; ${summary})`,
      { cause },
    );
  }
  throw new NoAdapterError(
    `No adapter could read the socket table on ${context.platform}: ${summary}`,
    {
      cause,
    },
  );
}

async function readWith(
  adapter: SocketTableAdapter,
  query: SocketQuery,
  context: AdapterContext,
): Promise<SocketRow[]> {
  const started = performance.now();
  const rows = await adapter.read(query, context);
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
