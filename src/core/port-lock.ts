/**
 * Keeps this process's own bind probes out of its own socket-table reads. A probe briefly holds
 * the port (a listening socket of this process); a table read that happened at that moment would
 * see this process as an owner — and `freePort` would give up with `'self'`. So, per port, probes
 * run one at a time and never while a table of the port is being read; reads may overlap each
 * other. (Probes of another process cannot be coordinated: the stop functions' check that a
 * process still holds the socket before it is signalled covers those.)
 *
 * @module
 */

interface PortState {
  /** Settles when every probe queued so far has finished. */
  probes: Promise<void>;
  /** Reads under way (each settles when its read has finished). */
  readonly reads: Set<Promise<void>>;
}

const ports = new Map<string, PortState>();

function stateOf(key: string): PortState {
  let state = ports.get(key);
  if (state === undefined) {
    state = { probes: Promise.resolve(), reads: new Set() };
    ports.set(key, state);
  }
  return state;
}

function forget(key: string, state: PortState, probes: Promise<void>): void {
  if (state.reads.size === 0 && state.probes === probes) ports.delete(key);
}

/**
 * Runs a bind probe of a port: after every earlier probe and every read under way, alone.
 *
 * @example
 * ```ts
 * await asProbe('tcp:3000', () => probeInOrder(...));
 * ```
 */
export async function asProbe<T>(key: string, task: () => Promise<T>): Promise<T> {
  const state = stateOf(key);
  const earlier = state.probes;
  const reads = [...state.reads];
  let done = () => {};
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const queued = earlier.then(() => mine);
  state.probes = queued;
  try {
    await earlier;
    await Promise.all(reads);
    return await task();
  } finally {
    done();
    forget(key, state, queued);
  }
}

/**
 * Runs a socket-table read of a port: after the probes queued so far; other reads may overlap.
 *
 * @example
 * ```ts
 * const table = await asRead('tcp:3000', () => readSocketTable(...));
 * ```
 */
export async function asRead<T>(key: string, task: () => Promise<T>): Promise<T> {
  const state = stateOf(key);
  let done = () => {};
  const entry = new Promise<void>((resolve) => {
    done = resolve;
  });
  state.reads.add(entry);
  try {
    await state.probes;
    return await task();
  } finally {
    done();
    state.reads.delete(entry);
    forget(key, state, state.probes);
  }
}
