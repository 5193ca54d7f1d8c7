import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { errors } from "../../aws/ec2/errors.js";
import { encodeError } from "../../protocols/ec2-query/encode.js";
import { type Authenticate, type Dispatch, handleWireRequest, type Implements, MAX_BODY_BYTES } from "../../aws/ec2/doors/wire.js";
import { checkListenOptions, type CommonListenOptions, createLimitedServer, guardOf, listenOn, readBody, SERVER_LIMITS } from "./listen.js";
import { verifySignature } from "../../aws/sigv4/verify.js";
import { openStateFile } from "../state/state-file.js";
import { GUARD_ERROR_CODE, type GuardVerdict } from "./web-guard.js";

export { SERVER_LIMITS };

/**
 * Where and how the server listens (port, host, the web guard's allow-lists, the connection cap: see CommonListenOptions).
 * @public
 */
export interface ListenOptions extends CommonListenOptions {
  /**
   * Verify every EC2 request's SigV4 signature against the access keys of
   * the mock's principals (`iam.accessKeys`, `iam.principals.NAME.accessKeys`).
   * Off by default: any signature, or none, is accepted. The date must be
   * within 15 minutes of the real clock (`Date.now()`, not `ec2.advance`).
   * A request runs as the key verified, and only that key. The control
   * endpoints under `/_mock/` are not signature-checked (the Host and
   * Origin rules apply to them as to every path).
   */
  verifySignatures?: boolean;
  /**
   * Keep the fleet in this file: restored from it when the server starts
   * (when it exists), rewritten atomically after every change before the
   * change is acknowledged (see ./state-file.ts). One server at a time:
   * `FILE.lock` names the holder, and a second server is refused. Starting
   * fails (StateFileError) when the file is locked by a live server or holds
   * no snapshot this version can restore; a state that would not restore is
   * never written (the call answers InternalError and is rolled back).
   */
  stateFile?: string;
  /**
   * Other clouds' doors served next to EC2's (`doors: [cvm.door]`: the
   * Tencent Cloud CVM front, docs/cvm.md). A request a door claims is its
   * to answer; every other request is EC2's.
   */
  doors?: readonly ServedDoor[];
}

/**
 * Another cloud's door the server serves next to EC2's: it claims its requests and answers them in its own format.
 * @public
 */
export interface ServedDoor {
  /** Whether a request is this door's, from its path and headers (names in lower case). */
  claims(path: string, headers: Readonly<Record<string, string | string[] | undefined>>): boolean;
  /**
   * The door's answer to a request the server refuses before it reaches the
   * door (a Host or Origin the web guard refuses, docs/behaviour.md "The
   * server and the browser"); without it, the server answers JSON `{ error }`.
   */
  refuse?(request: { path: string }, status: number, message: string): { status: number; headers: Record<string, string>; body: string };
  /** Answers a claimed request; the body is as read (an oversized one is zeros of its declared size, for the door to refuse). */
  handle(request: {
    method: string;
    query: string;
    path: string;
    headers: Readonly<Record<string, string | string[] | undefined>>;
    body: Uint8Array;
  }): Promise<{ status: number; headers: Record<string, string>; body: string }>;
}

/**
 * A running server.
 * @public
 */
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
  advance(ms: number): void | Promise<void>;
  settle(): Promise<void>;
  reset(): void | Promise<void>;
  /** A JSON-ready view of the fleet for `GET /_mock/state`. */
  state(): unknown;
  /** The secret of a principal's access key, for SigV4 verification; undefined for an unknown key. */
  secretOf(accessKeyId: string): string | undefined;
  /** The region a SigV4 credential scope must name. */
  region: string;
  /** The mock's state, JSON-ready, for the state file. */
  snapshot(): unknown;
  /** Replaces the mock's state with a saved one; throws a TypeError when it is not a snapshot. */
  restore(snapshot: unknown): void;
  /** Checks a saved state as `restore` reads it, changing nothing; throws a TypeError when it is not a snapshot. */
  checkSnapshot(snapshot: unknown): void;
}

function sendXml(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  // The SDK corrects its clock from the Date header; read it from Date, as the
  // client does, so fake timers in the same process never look like clock skew.
  res.writeHead(status, { ...headers, date: new Date().toUTCString(), "content-length": Buffer.byteLength(body) });
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

/** A request target split into its path and its raw query string (without `?`). */
interface RequestTarget {
  pathname: string;
  query: string;
}

/**
 * Splits the request target by hand rather than with `new URL`, which throws
 * on targets the HTTP parser lets through (`//`, `//host:99999/`,
 * `http://x:99999/`): EC2 ignores the path, so any target must reach the
 * query door. An absolute-form target (`http://host/path?query`, as proxies
 * send) is reduced to its path.
 */
function splitTarget(raw: string): RequestTarget {
  const hash = raw.indexOf("#");
  const target = hash < 0 ? raw : raw.slice(0, hash);
  const q = target.indexOf("?");
  let pathname = q < 0 ? target : target.slice(0, q);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(pathname);
  if (scheme !== null) {
    const slash = pathname.indexOf("/", scheme[0].length);
    pathname = slash < 0 ? "/" : pathname.slice(slash);
  }
  return { pathname, query: q < 0 ? "" : target.slice(q + 1) };
}

/** `/_mock/...` control endpoints: advance, settle, reset, state. */
async function control(backend: ServerBackend, req: IncomingMessage, target: RequestTarget, res: ServerResponse): Promise<void> {
  const route = `${req.method} ${target.pathname}`;
  switch (route) {
    case "POST /_mock/advance": {
      const raw = new URLSearchParams(target.query).get("ms");
      const ms = Number(raw);
      // Number("") and Number(" ") are 0: a blank ms is as missing as no ms.
      if (raw === null || raw.trim() === "" || !Number.isFinite(ms) || ms < 0) {
        return sendJson(res, 400, { error: "advance takes ?ms=N, a finite, non-negative number of milliseconds" });
      }
      try {
        await backend.advance(ms);
      } catch (error) {
        // The clock refuses to pass the end of year 9999 (see Clock.advance).
        if (error instanceof RangeError) return sendJson(res, 400, { error: error.message });
        throw error;
      }
      return sendJson(res, 200, { advancedMs: ms });
    }
    case "POST /_mock/settle":
      await backend.settle();
      return sendJson(res, 200, { settled: true });
    case "POST /_mock/reset":
      await backend.reset();
      return sendJson(res, 200, { reset: true });
    case "GET /_mock/state":
      return sendJson(res, 200, backend.state());
    default:
      return sendJson(res, 404, {
        error: `no control endpoint ${route}; try POST /_mock/advance?ms=N, POST /_mock/settle, POST /_mock/reset, GET /_mock/state`,
      });
  }
}

/** Answers a request the web guard refused, in the format of the door it was meant for. */
async function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
  door: ServedDoor | undefined,
  status: number,
  message: string,
): Promise<void> {
  // Read (and drop) the body first: closing on unread bytes could reset the connection before the answer is read.
  await readBody(req, MAX_BODY_BYTES);
  res.shouldKeepAlive = false;
  if (door !== undefined) {
    const answer = door.refuse?.({ path: target.pathname }, status, message);
    return answer === undefined ? sendJson(res, status, { error: message }) : sendXml(res, answer.status, answer.headers, answer.body);
  }
  if (target.pathname.startsWith("/_mock/")) return sendJson(res, status, { error: message });
  const requestId = randomUUID();
  const code = status === 400 ? "MalformedHttpRequest" : GUARD_ERROR_CODE;
  sendXml(res, status, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId }, encodeError(code, message, requestId));
}

async function serve(
  backend: ServerBackend,
  authenticate: Authenticate | undefined,
  guard: (req: IncomingMessage) => GuardVerdict,
  req: IncomingMessage,
  res: ServerResponse,
  doors: readonly ServedDoor[] = [],
): Promise<void> {
  const target = splitTarget(req.url ?? "/");
  // The one dispatch point between clouds: a door that claims the request answers it whole.
  const door = doors.find((candidate) => candidate.claims(target.pathname, req.headers));
  // The web guard first, for every path: EC2's, the controls, every door's.
  const verdict = guard(req);
  if (!verdict.ok) return refuse(req, res, target, door, verdict.status, verdict.message);
  if (verdict.headers !== undefined) for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
  if (verdict.preflight) {
    await readBody(req, MAX_BODY_BYTES);
    res.writeHead(204, { "content-length": 0 });
    return void res.end();
  }
  if (door !== undefined) {
    const body = await readBody(req, MAX_BODY_BYTES);
    const answer = await door.handle({ method: req.method ?? "GET", query: target.query, path: target.pathname, headers: req.headers, body });
    return sendXml(res, answer.status, answer.headers, answer.body);
  }
  if (target.pathname.startsWith("/_mock/")) {
    await readBody(req, MAX_BODY_BYTES);
    return control(backend, req, target, res);
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  const headers = req.headers as Record<string, string | undefined>;
  // Node keeps the first of two Authorization headers; a request with two is ambiguous, so refused whoever signed it.
  if ((req.headersDistinct.authorization?.length ?? 0) > 1) {
    const requestId = randomUUID();
    const message = "The request has more than one Authorization header.";
    return sendXml(res, 400, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId }, encodeError("IncompleteSignature", message, requestId));
  }
  const answer = await handleWireRequest(
    { method: req.method ?? "GET", query: target.query, path: target.pathname, headers, body },
    backend.dispatch,
    backend.implemented,
    authenticate,
  );
  sendXml(res, answer.status, answer.headers, answer.body);
}

/**
 * Serves the mock over HTTP: EC2 query requests on any path, control
 * endpoints under `/_mock/`. Every answer, even to a request the HTTP parser
 * rejects, is an EC2 error document or JSON; never HTML or a stack trace.
 */
export async function startServer(mock: ServerBackend, options: ListenOptions = {}): Promise<RunningServer> {
  // Bad options refuse the start before the state file is opened (and written).
  checkListenOptions(options);
  const stateFile = options.stateFile === undefined ? undefined : await openStateFile(options.stateFile, mock);
  const backend = stateFile?.backend ?? mock;
  const authenticate: Authenticate | undefined = options.verifySignatures
    ? (request) => verifySignature(request, { secretOf: (id) => backend.secretOf(id), region: backend.region })
    : undefined;
  const server = createLimitedServer(options, (req, res) => {
    serve(backend, authenticate, guard, req, res, options.doors).catch(() => {
      if (!res.headersSent) {
        const requestId = randomUUID();
        const internal = errors.internal();
        sendXml(
          res,
          internal.status,
          { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId },
          encodeError(internal.code, internal.message, requestId),
        );
      } else res.destroy();
    });
  });
  const guard = guardOf(server, options);
  // Node's defaults answer these with an empty body (417) or no answer at all (CONNECT).
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    const message = `The expectation ${JSON.stringify(req.headers.expect ?? "")} is not supported: only 100-continue is.`;
    res.shouldKeepAlive = false;
    sendXml(res, 417, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId }, encodeError("ExpectationFailed", message, requestId));
  });
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    rawError(socket, 405, "Method Not Allowed", "InvalidHttpRequest", "The HTTP method CONNECT is not supported: use POST (or GET).");
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      rawError(socket, 408, "Request Timeout", "RequestTimeout", "The request was not received in time.");
    } else if (error.code === "HPE_HEADER_OVERFLOW") {
      rawError(socket, 431, "Request Header Fields Too Large", "RequestHeaderSectionTooLarge", "The request headers are too large.");
    } else {
      rawError(socket, 400, "Bad Request", "MalformedHttpRequest", "The request is not a well-formed HTTP request.");
    }
  });
  let listening: RunningServer;
  try {
    listening = await listenOn(server, options);
  } catch (error) {
    await stateFile?.close();
    throw error;
  }
  if (stateFile === undefined) return listening;
  return {
    url: listening.url,
    // The lock goes only once the last write is on disk.
    close: async () => {
      await listening.close();
      await stateFile.close();
    },
  };
}
