/**
 * The server of the mock: one HTTP server that serves a list of fronts
 * (../front.ts) on one port. `ec2.listen()` serves EC2's front (and the
 * doors it is given, such as CVM's), `cvm.listen()` CVM's alone; both get
 * the same limits (SERVER_LIMITS), the same web guard (./web-guard.ts),
 * the same control routes (./control-routes.ts) and the same answers to
 * what the HTTP parser refuses (408, 431, 417, 405, 400), each in the
 * front's own error document. Nothing here names a cloud.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Front, FrontResponse, ServerFault, ServerFaultKind } from "../front.js";
import { answerControl, isControlPath, jsonAnswer } from "./control-routes.js";
import { health } from "./health.js";
import {
  type CommonListenOptions,
  createLimitedServer,
  guardOf,
  type InternalListenOptions,
  listenOn,
  readBody,
  SERVER_LIMITS,
} from "./listen.js";
import type { RequestLogEntry, RequestLogKind } from "./request-log.js";
import type { GuardVerdict } from "./web-guard.js";

export { SERVER_LIMITS };

/**
 * Another cloud's door served next to EC2's (`ec2.listen({ doors: [cvm.door] })`):
 * a front (../front.ts). It claims its requests and answers them in its own format.
 * @public
 */
export type ServedDoor = Front;

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

/** How {@link serveFronts} listens: the options every server takes, and what to do once closed. */
export interface ServeOptions extends CommonListenOptions, InternalListenOptions {
  /** Runs once the server has closed, or failed to listen (a state file lets go of its lock). */
  onClose?: () => Promise<void>;
}

/** The server's words for each fault; the front chooses the code (and may choose the status). */
const faults: Record<Exclude<ServerFaultKind, "expectation-failed">, { status: number; message: string }> = {
  "request-timeout": { status: 408, message: "The request was not received in time." },
  "headers-too-large": { status: 431, message: "The request headers are too large." },
  "method-not-allowed": { status: 405, message: "The HTTP method CONNECT is not supported: use POST (or GET)." },
  malformed: { status: 400, message: "The request is not a well-formed HTTP request." },
  internal: { status: 500, message: "An internal error occurred." },
};

/** A front's document for a fault; JSON `{ error }` from a front that has none. */
function faultAnswer(front: Front, fault: ServerFault): FrontResponse {
  return front.fault?.(fault) ?? jsonAnswer(fault.status, { error: fault.message });
}

/** The last Date header written, and the second it names (an HTTP date has a resolution of one second). */
let lastDate = { second: Number.NaN, text: "" };

/**
 * The Date header's value. The SDK corrects its clock from the Date header;
 * read it from Date, as the client does, so fake timers in the same process
 * never look like clock skew. Formatted once a second, not once an answer.
 */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== lastDate.second) lastDate = { second, text: new Date(now).toUTCString() };
  return lastDate.text;
}

/** Above this length (UTF-16 code units), an answer is encoded once before it is sent. */
const ENCODE_FIRST = 16 * 1024;

function send(res: ServerResponse, answer: FrontResponse): void {
  const text = answer.body;
  // A small answer stays a string: node writes it in one piece with the headers. A large one is
  // encoded once (its length is the Content-Length, its bytes what node writes): measuring a
  // string's UTF-8 length, then writing it, walked a large answer twice (issue 22).
  const body = text.length > ENCODE_FIRST ? Buffer.from(text) : text;
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  res.writeHead(answer.status, { ...answer.headers, date: httpDate(), "content-length": length });
  res.end(body);
}

/** An answer written straight to a socket the HTTP parser gave up on; false when the socket was already gone. */
function sendRaw(socket: Socket, answer: FrontResponse): boolean {
  if (!socket.writable) return false;
  const headers = Object.entries(answer.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? "Error"}\r\n${headers}` +
      `content-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`,
  );
  return true;
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
 * front. An absolute-form target (`http://host/path?query`, as proxies
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

/** The front a request is for: the first of the others that claims it, else the first front (the one whose `listen` started the server). */
function frontOf(fronts: readonly [Front, ...Front[]], path: string, headers: IncomingMessage["headers"]): Front {
  for (let i = 1; i < fronts.length; i++) if (fronts[i]!.claims(path, headers)) return fronts[i]!;
  return fronts[0];
}

/** What the server sent for a request, for the request log. */
interface Sent {
  kind: RequestLogKind;
  answer: FrontResponse;
}

/** Sends an answer and says what it was. */
function sent(res: ServerResponse, answer: FrontResponse, kind: RequestLogKind): Sent {
  send(res, answer);
  return { kind, answer };
}

/** What the server itself knows, for `GET PREFIXhealth`. */
interface ServerFacts {
  /** `performance.now()` when the server started. */
  startedAt: number;
}

async function serve(
  front: Front,
  guard: (req: IncomingMessage) => GuardVerdict,
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
  facts: ServerFacts,
): Promise<Sent> {
  const control = isControlPath(front.controls, target.pathname);
  // The web guard first, for every path: every front's, and their control routes.
  const verdict = guard(req);
  if (!verdict.ok) {
    // Read (and drop) the body first: closing on unread bytes could reset the connection before the answer is read.
    await readBody(req, SERVER_LIMITS.maxBodyBytes);
    res.shouldKeepAlive = false;
    const refusal = control ? undefined : front.refuse?.({ path: target.pathname }, verdict.status, verdict.message);
    return sent(res, refusal ?? jsonAnswer(verdict.status, { error: verdict.message }), "refused");
  }
  if (verdict.headers !== undefined) for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
  const body = await readBody(req, SERVER_LIMITS.maxBodyBytes);
  if (verdict.preflight) return sent(res, { status: 204, headers: {}, body: "" }, control ? "control" : "call");
  const method = req.method ?? "GET";
  if (control) {
    const routes = front.controls!;
    if (target.pathname === `${routes.prefix}health` && method.toUpperCase() === "GET") {
      return sent(res, jsonAnswer(200, health(facts.startedAt)), "control");
    }
    return sent(res, await answerControl(routes, { method, path: target.pathname, query: target.query, headers: req.headers }), "control");
  }
  const answer = await front.handle({
    method,
    query: target.query,
    path: target.pathname,
    headers: req.headers,
    headersDistinct: req.headersDistinct,
    body,
  });
  return sent(res, answer, "call");
}

/**
 * The request log's entry for an answered request. Only a control route's
 * query string is kept (`ms=1000`): an API call's may carry a signature.
 */
function logEntry(
  req: IncomingMessage | undefined,
  target: RequestTarget | undefined,
  { kind, answer }: Sent,
  startedAt: number,
): RequestLogEntry {
  return {
    ...answer.call,
    time: Date.now(),
    kind,
    method: req?.method ?? "-",
    path: target?.pathname ?? "-",
    ...(kind === "control" && target !== undefined && target.query !== "" && { query: target.query }),
    status: answer.status,
    durationMs: performance.now() - startedAt,
  };
}

/** Hands an entry to the user's `onRequest`; what it throws must not reach the server. */
function report(onRequest: (entry: RequestLogEntry) => void, entry: RequestLogEntry): void {
  try {
    onRequest(entry);
  } catch {
    // The log is the user's; the server goes on.
  }
}

/**
 * Serves `fronts` over HTTP on one port and resolves once listening. A
 * request goes to the first front after the first that claims it, else to
 * the first, which also answers what comes before any request (a socket the
 * HTTP parser gave up on, a CONNECT). Every answer, even to a request the
 * parser rejects, is a front's document or JSON; never HTML or a stack trace.
 * Bad options throw a TypeError.
 */
export async function serveFronts(fronts: readonly [Front, ...Front[]], options: ServeOptions = {}): Promise<RunningServer> {
  const home = fronts[0];
  const facts: ServerFacts = { startedAt: performance.now() };
  const onRequest = options.onRequest;
  let server: ReturnType<typeof createLimitedServer>;
  try {
    server = createLimitedServer(options, (req, res) => {
      // No log, no clock read: the server is benchmarked without one.
      const startedAt = onRequest === undefined ? 0 : performance.now();
      const target = splitTarget(req.url ?? "/");
      const front = frontOf(fronts, target.pathname, req.headers);
      serve(front, guard, req, res, target, facts).then(
        (done) => {
          if (onRequest !== undefined) report(onRequest, logEntry(req, target, done, startedAt));
        },
        () => {
          if (res.headersSent) return res.destroy();
          const done = sent(res, faultAnswer(front, { kind: "internal", ...faults.internal }), "fault");
          if (onRequest !== undefined) report(onRequest, logEntry(req, target, done, startedAt));
        },
      );
    });
  } catch (error) {
    await options.onClose?.();
    throw error;
  }
  const guard = guardOf(server, options);
  // Node's defaults answer these with an empty body (417) or no answer at all (CONNECT).
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => {
    const front = frontOf(fronts, splitTarget(req.url ?? "/").pathname, req.headers);
    const message = `The expectation ${JSON.stringify(req.headers.expect ?? "")} is not supported: only 100-continue is.`;
    res.shouldKeepAlive = false;
    const startedAt = onRequest === undefined ? 0 : performance.now();
    const done = sent(res, faultAnswer(front, { kind: "expectation-failed", status: 417, message }), "fault");
    if (onRequest !== undefined) report(onRequest, logEntry(req, splitTarget(req.url ?? "/"), done, startedAt));
  });
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    const startedAt = onRequest === undefined ? 0 : performance.now();
    const answer = faultAnswer(home, { kind: "method-not-allowed", ...faults["method-not-allowed"] });
    sendRaw(socket, answer);
    if (onRequest !== undefined)
      report(onRequest, logEntry(req, { pathname: req.url ?? "-", query: "" }, { kind: "fault", answer }, startedAt));
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    const kind =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "request-timeout"
        : error.code === "HPE_HEADER_OVERFLOW"
          ? "headers-too-large"
          : "malformed";
    const answer = faultAnswer(home, { kind, ...faults[kind] });
    // A client that went away (ECONNRESET) got no answer: nothing to log.
    if (sendRaw(socket, answer) && onRequest !== undefined) {
      report(onRequest, logEntry(undefined, undefined, { kind: "fault", answer }, performance.now()));
    }
  });
  let listening: RunningServer;
  try {
    listening = await listenOn(server, options);
  } catch (error) {
    await options.onClose?.();
    throw error;
  }
  const onClose = options.onClose;
  if (onClose === undefined) return listening;
  return {
    url: listening.url,
    // What holds on to the server (a state file's lock) goes only once it is closed.
    close: async () => {
      await listening.close();
      await onClose();
    },
  };
}
