/**
 * Shared pieces of the shutdown tests: the committed TLS test certificate, listening on a port
 * the OS picks, and raw HTTP/1.1 clients (plain TCP or TLS) that see exactly what the server
 * sends — every response byte, `Connection` headers, and whether the connection ended cleanly
 * (EOF) or was reset.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';

const tlsDirectory = new URL('../fixtures/tls/', import.meta.url);

/**
 * The committed self-signed test certificate for localhost, 127.0.0.1 and ::1 (see
 * test/fixtures/tls/README.md): `key` and `cert` for servers, `ca` for clients, which trust
 * nothing else.
 *
 * @example
 * ```ts
 * https.createServer({ key: TLS.key, cert: TLS.cert });
 * ```
 */
export const TLS = {
  key: readFileSync(new URL('key.pem', tlsDirectory)),
  cert: readFileSync(new URL('cert.pem', tlsDirectory)),
  ca: readFileSync(new URL('cert.pem', tlsDirectory)),
} as const;

/**
 * Listens on a port the OS picks (as every server test does) and resolves with it.
 *
 * @example
 * ```ts
 * const port = await listening(http.createServer());
 * ```
 */
export function listening(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * ```ts
 * await delay(100);
 * ```
 */
export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every 10 ms until it is true; rejects after `ms` milliseconds.
 *
 * @example
 * ```ts
 * await until(() => requests.length === 2);
 * ```
 */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await delay(10);
  }
}

/** One HTTP/1.1 response as the raw client parsed it. */
interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a raw client saw on its connection. */
interface RawOutcome {
  /** Every complete response, in order. */
  readonly responses: RawResponse[];
  /** `'eof'` when the server ended the connection cleanly, otherwise the error code. */
  readonly ending: string;
  /** Bytes after the last complete response (an incomplete one). */
  readonly rest: string;
}

/**
 * Parses the complete HTTP/1.1 responses at the start of `text` (Content-Length or chunked
 * bodies; a response without either runs to the end of the text).
 *
 * @example
 * ```ts
 * parseResponses('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok').responses[0]?.body; // 'ok'
 * ```
 */
function parseResponses(text: string): { responses: RawResponse[]; rest: string } {
  const responses: RawResponse[] = [];
  let rest = text;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine.split(' ')[1]);
    let body = '';
    let after = rest.slice(headEnd + 4);
    if (headers['transfer-encoding'] === 'chunked') {
      let complete = false;
      for (;;) {
        const lineEnd = after.indexOf('\r\n');
        if (lineEnd < 0) break;
        const size = Number.parseInt(after.slice(0, lineEnd), 16);
        if (after.length < lineEnd + 2 + size + 2) break;
        if (size === 0) {
          after = after.slice(lineEnd + 4);
          complete = true;
          break;
        }
        body += after.slice(lineEnd + 2, lineEnd + 2 + size);
        after = after.slice(lineEnd + 2 + size + 2);
      }
      if (!complete) break;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (after.length < length) break;
      body = after.slice(0, length);
      after = after.slice(length);
    } else {
      body = after;
      after = '';
    }
    responses.push({ status, headers, body });
    rest = after;
  }
  return { responses, rest };
}

/** A raw HTTP/1.1 client connection. */
export interface RawClient {
  readonly socket: Socket;
  /** Sends bytes as they are (one or more requests). */
  send(text: string): void;
  /** The complete responses received so far. */
  responses(): RawResponse[];
  /** Resolves when the server ended or reset the connection. */
  readonly outcome: Promise<RawOutcome>;
}

/**
 * Opens a raw HTTP/1.1 connection (TLS when `secure`, trusting the test certificate) that
 * records everything the server sends and how the connection ends.
 *
 * @example
 * ```ts
 * const client = await rawClient(port);
 * client.send(get('/a') + get('/b')); // pipelined
 * const { responses, ending } = await client.outcome;
 * ```
 */
export function rawClient(port: number, secure = false): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = secure
      ? tls.connect({ host: '127.0.0.1', port, ca: TLS.ca, ALPNProtocols: ['http/1.1'] })
      : net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    const outcome = new Promise<RawOutcome>((settle) => {
      let ending = 'eof';
      socket.on('error', (error: NodeJS.ErrnoException) => {
        ending = error.code ?? error.message;
      });
      socket.on('close', () => settle({ ...parseResponses(received), ending }));
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        send: (text) => socket.write(text),
        responses: () => parseResponses(received).responses,
        outcome,
      });
    });
    socket.once('error', reject);
  });
}

/**
 * A GET request for `path` as raw HTTP/1.1 text (keep-alive, the HTTP/1.1 default).
 *
 * @example
 * ```ts
 * client.send(get('/slow'));
 * ```
 */
export const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
