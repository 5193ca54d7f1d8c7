import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { encodeError } from "../wire/encode.js";
import { type Dispatch, handleWireRequest, type Implements, MAX_BODY_BYTES } from "../wire/handle.js";

/** Where the server listens. */
export interface ListenOptions {
  /** TCP port; 0 (the default of `ec2.listen()`) picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default, so nothing outside the machine can reach it. */
  host?: string;
}

/** A running server. */
export interface RunningServer {
  /** `http://HOST:PORT`, ready for `--endpoint-url` or `AWS_ENDPOINT_URL_EC2`. */
  readonly url: string;
  /** Stops accepting connections, ends the open ones, and resolves when closed. */
  close(): Promise<void>;
}

/** What the server drives: the wire door's dispatch and the mock's controls. */
export interface ServerBackend {
  dispatch: Dispatch;
  implemented: Implements;
  advance(ms: number): void;
  settle(): Promise<void>;
  reset(): void;
  /** A JSON-ready view of the fleet for `GET /_mock/state`. */
  state(): unknown;
}

/** Limits that keep one client from hurting the server (documented in the README). */
export const SERVER_LIMITS = {
  /** Request bodies above this are refused with 413 (see MAX_BODY_BYTES). */
  maxBodyBytes: MAX_BODY_BYTES,
  /** Request line and headers together. */
  maxHeaderBytes: 16 * 1024,
  /** Time to receive the headers. */
  headersTimeoutMs: 10_000,
  /** Time to receive the whole request. */
  requestTimeoutMs: 30_000,
} as const;

function sendXml(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** An EC2 error document written straight to a socket the HTTP parser gave up on. */
function rawError(socket: Socket, status: number, reason: string, code: string, message: string): void {
  if (!socket.writable) return;
  const requestId = randomUUID();
  const body = encodeError(code, message, requestId);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/xml;charset=UTF-8\r\nx-amzn-requestid: ${requestId}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Reads a body up to the limit. Past it, the rest is drained unread so the
 * client still gets its 413 answer rather than a reset connection.
 */
function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: number | undefined }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve({ body: Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES ? size : undefined }));
    req.on("error", reject);
  });
}

/** `/_mock/...` control endpoints: advance, settle, reset, state. */
async function control(backend: ServerBackend, req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case "POST /_mock/advance": {
      const ms = Number(url.searchParams.get("ms"));
      if (!url.searchParams.has("ms") || !Number.isFinite(ms) || ms < 0) {
        return sendJson(res, 400, { error: "advance takes ?ms=N, a finite, non-negative number of milliseconds" });
      }
      backend.advance(ms);
      return sendJson(res, 200, { advancedMs: ms });
    }
    case "POST /_mock/settle":
      await backend.settle();
      return sendJson(res, 200, { settled: true });
    case "POST /_mock/reset":
      backend.reset();
      return sendJson(res, 200, { reset: true });
    case "GET /_mock/state":
      return sendJson(res, 200, backend.state());
    default:
      return sendJson(res, 404, {
        error: `no control endpoint ${route}; try POST /_mock/advance?ms=N, POST /_mock/settle, POST /_mock/reset, GET /_mock/state`,
      });
  }
}

async function serve(backend: ServerBackend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname.startsWith("/_mock/")) {
    await readBody(req);
    return control(backend, req, url, res);
  }
  const { body, tooLarge } = await readBody(req);
  const answer = handleWireRequest(
    {
      method: req.method ?? "GET",
      query: url.search.slice(1),
      headers: req.headers as Record<string, string | undefined>,
      // An oversized body is refused by the door from its declared size alone.
      body: tooLarge === undefined ? body : new Uint8Array(tooLarge),
    },
    backend.dispatch,
    backend.implemented,
  );
  sendXml(res, answer.status, answer.headers, answer.body);
}

/**
 * Serves the mock over HTTP: EC2 query requests on any path, control
 * endpoints under `/_mock/`. Every answer, even to a request the HTTP parser
 * rejects, is an EC2 error document or JSON; never HTML or a stack trace.
 */
export function startServer(backend: ServerBackend, options: ListenOptions = {}): Promise<RunningServer> {
  const server = createServer({ maxHeaderSize: SERVER_LIMITS.maxHeaderBytes }, (req, res) => {
    serve(backend, req, res).catch(() => {
      if (!res.headersSent) {
        const requestId = randomUUID();
        sendXml(
          res,
          500,
          { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId },
          encodeError("InternalError", "An internal error has occurred.", requestId),
        );
      } else res.destroy();
    });
  });
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      rawError(socket, 408, "Request Timeout", "RequestTimeout", "The request was not received in time.");
    } else if (error.code === "HPE_HEADER_OVERFLOW") {
      rawError(socket, 431, "Request Header Fields Too Large", "RequestHeaderSectionTooLarge", "The request headers are too large.");
    } else {
      rawError(socket, 400, "Bad Request", "MalformedHttpRequest", "The request is not a well-formed HTTP request.");
    }
  });
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
