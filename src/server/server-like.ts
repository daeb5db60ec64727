/**
 * The Node.js server types of the public API, declared by their shape. portwarden's type
 * declarations must not need `@types/node` (a TypeScript 6+ project loads no `@types` package
 * unless its `types` lists it), so the public functions take a {@link ServerLike} and resolve
 * with a {@link ServerAddress} instead of `net.Server` and `net.AddressInfo`. A `net.Server`, and
 * the `http`, `https`, `tls` and `http2` servers built on it, fit them; at run time the
 * functions still check `server instanceof net.Server` and reject anything else with
 * `ERR_INVALID_OPTION`.
 *
 * @module
 */

/**
 * Where a server listens: the shape of Node's `net.AddressInfo`, which `server.address()`
 * returns.
 *
 * @example
 * ```ts
 * const address: ServerAddress = {address: '127.0.0.1', family: 'IPv4', port: 3000};
 * ```
 */
export interface ServerAddress {
  /** The address the server listens on: `'127.0.0.1'`, `'::'`. */
  readonly address: string;
  /** `'IPv4'` or `'IPv6'`. */
  readonly family: string;
  readonly port: number;
}

/**
 * A Node.js server: a `net.Server` or one built on it (`http.createServer()`,
 * `https.createServer()`, `tls.createServer()`, `http2.createServer()`). Only the members
 * portwarden's types need are listed; the functions that take one check at run time that it
 * really is a `net.Server`.
 *
 * @example
 * ```ts
 * import {createServer} from 'node:http';
 * import {closeServer, type ServerLike} from 'portwarden';
 *
 * const server: ServerLike = createServer();
 * await closeServer(server);
 * ```
 */
export interface ServerLike {
  /** Whether the server is listening. */
  readonly listening: boolean;
  /** Where it listens (`net.Server#address()`): null before `listen()`, a path for a pipe. */
  address(): ServerAddress | string | null;
  /** Stops accepting connections (`net.Server#close()`). */
  close(callback?: (error?: Error) => void): unknown;
}
