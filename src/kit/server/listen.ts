import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { RequestLogEntry } from "./request-log.js";
import { checkWebGuardOptions, createWebGuard, type GuardedRequest, type GuardVerdict, type WebGuardOptions } from "./web-guard.js";

/** A listening server, as every door's server hands it back. */
export interface Listening {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** Stops accepting connections, ends the open ones, and resolves when closed. */
  close(): Promise<void>;
}

/**
 * Limits that keep one client from hurting the server, the same for the EC2
 * server and the CVM front's (documented in the README).
 * @public
 */
export const SERVER_LIMITS = {
  /** Request bodies above this are refused with 413. */
  maxBodyBytes: 1024 * 1024,
  /** Request line and headers together; more is 431. */
  maxHeaderBytes: 16 * 1024,
  /** Time to receive the headers, from the connection's first byte (or its opening); then 408. */
  headersTimeoutMs: 10_000,
  /** Time to receive the whole request; then 408. */
  requestTimeoutMs: 30_000,
  /** Open connections at once (the default of the `maxConnections` option); a connection past it is closed at once. */
  maxConnections: 512,
  /**
   * An idle keep-alive connection is closed after this long (sent as
   * `Keep-Alive: timeout=60`). Node's 5 s made a client that reused its
   * connection after a pause of 5 s (a test generating a 4096-bit key
   * between two calls, in the server's own process) meet a connection the
   * server was closing: ECONNRESET. 60 s is an Application Load Balancer's
   * default idle timeout.
   */
  keepAliveTimeoutMs: 60_000,
} as const;

/**
 * Where and how a server of the mock listens: options shared by `ec2.listen()` and `cvm.listen()`.
 * @public
 */
export interface CommonListenOptions extends WebGuardOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Interface to bind; 127.0.0.1 by default, so nothing outside the machine
   * can reach it. The `Host` header must then name it (see `allowedHosts`).
   */
  host?: string;
  /**
   * Most connections open at once (default `SERVER_LIMITS.maxConnections`,
   * 512); a connection past it is closed as soon as it opens. CLI:
   * `--max-connections N`.
   */
  maxConnections?: number;
  /**
   * Called once per request, after its answer is written, with what the
   * server knows of it: service, region, action, status, error code,
   * duration (never a body or a secret). `ec2-mock serve` prints each as
   * one line (`formatRequestLogEntry`); nothing is logged without it. An
   * exception it throws is ignored.
   */
  onRequest?: (entry: RequestLogEntry) => void;
}

/**
 * Options the mock's own tests pass through `listen` (a cast), kept out of
 * the public types: shorter header and request timeouts, so that a test of
 * the timeouts need not wait 10 s.
 */
export interface InternalListenOptions {
  timeoutsForTests?: { headersMs: number; requestMs: number };
}

/** Checks the options every server takes (the web guard's lists, `maxConnections`); a TypeError names the bad one. */
export function checkListenOptions(options: CommonListenOptions): void {
  checkWebGuardOptions(options);
  if (options.onRequest !== undefined && typeof options.onRequest !== "function") {
    throw new TypeError(`onRequest must be a function; got ${typeof options.onRequest}`);
  }
  const maxConnections = options.maxConnections ?? SERVER_LIMITS.maxConnections;
  if (!Number.isSafeInteger(maxConnections) || maxConnections < 1) {
    throw new TypeError(`maxConnections must be a positive integer; got ${String(options.maxConnections)}`);
  }
}

/**
 * A Node HTTP server with the mock's limits: header size, header and request
 * timeouts, open connections. Node checks its two timeouts only every
 * `connectionsCheckingInterval` (30 s by default), which made them 30 s and
 * 60 s in effect; the interval here is a tenth of the shorter timeout (at
 * most 1 s), so a request times out within 10 % of its limit.
 * Bad options throw a TypeError.
 */
export function createLimitedServer(options: CommonListenOptions & InternalListenOptions, handler: RequestListener): Server {
  checkListenOptions(options);
  const maxConnections = options.maxConnections ?? SERVER_LIMITS.maxConnections;
  const headersTimeout = options.timeoutsForTests?.headersMs ?? SERVER_LIMITS.headersTimeoutMs;
  const requestTimeout = options.timeoutsForTests?.requestMs ?? SERVER_LIMITS.requestTimeoutMs;
  const server = createServer(
    {
      maxHeaderSize: SERVER_LIMITS.maxHeaderBytes,
      // No Host header is no reason for Node's bare 400: the web guard decides (./web-guard.ts).
      requireHostHeader: false,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(Math.min(headersTimeout, requestTimeout) / 10))),
    },
    handler,
  );
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  server.maxConnections = maxConnections;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
  return server;
}

/**
 * The web guard of a server (./web-guard.ts), built on its first request,
 * when the address it listens on is known (a port 0 is only known then).
 */
export function guardOf(server: Server, options: CommonListenOptions): (request: IncomingMessage) => GuardVerdict {
  let guard: ((request: GuardedRequest) => GuardVerdict) | undefined;
  return (request) => {
    if (guard === undefined) {
      const address = server.address();
      const bound =
        typeof address === "object" && address !== null ? address : { address: options.host ?? "127.0.0.1", port: options.port ?? 0 };
      guard = createWebGuard({ address: bound.address, port: bound.port, host: options.host ?? "127.0.0.1" }, options);
    }
    return guard({ method: request.method, headers: request.headers, headersDistinct: request.headersDistinct });
  };
}

/**
 * Starts `server` on `host` (127.0.0.1 by default) and `port` (0, the
 * default, picks a free one) and resolves with its URL.
 */
export function listenOn(server: Server, options: { port?: number; host?: string }): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : options.port;
      const shownHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Reads a request body up to `limit` bytes. Past it, the rest is drained
 * unread, so the client still gets its answer (413) rather than a reset
 * connection, and the result is zeros of the body's full size: a door
 * refuses an oversized body from its size alone.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? new Uint8Array(size) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
