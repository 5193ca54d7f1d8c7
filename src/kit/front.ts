/**
 * A front as the server sees it: one cloud's API (EC2's query protocol,
 * Tencent Cloud's API 3.0) over the engine. The server (./server/server.ts)
 * serves a list of fronts on one port: it routes each request to the front
 * that claims it, answers the front's control routes (./server/control-routes.ts)
 * under the front's prefix, and asks the front for its own error document
 * when it must refuse a request (the web guard) or answer one the HTTP
 * parser gave up on (timeouts, oversized headers, ...). Nothing here names
 * a cloud.
 */
import type { ServedControls } from "./controls.js";
import type { AnsweredCall } from "./server/request-log.js";

/**
 * Request headers: names in lower case, a repeated header as Node gives it.
 * @public
 */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * An HTTP request as every front sees it, whatever carried it.
 * @public
 */
export interface FrontRequest {
  /** The HTTP method. */
  method: string;
  /** The raw query string, without `?` (may be empty). */
  query: string;
  /** The raw (still percent-encoded) path. */
  path: string;
  /** Header names in lower case. */
  headers: RequestHeaders;
  /** Every value of each header (as Node's `headersDistinct`), for a front that must refuse a repeated one; absent outside a server. */
  headersDistinct?: Readonly<Record<string, string[] | undefined>>;
  /** The body as read: an oversized one is zeros of its declared size, for the front to refuse from its size alone. */
  body: Uint8Array;
}

/**
 * A front's answer: status, headers (names in lower case), a text body.
 * @public
 */
export interface FrontResponse {
  /** The HTTP status. */
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** The document: the front's XML or JSON. */
  body: string;
  /** What the request log shows of the request (service, action, region, error code); read by the server, never sent. */
  call?: AnsweredCall;
}

/**
 * What went wrong before a front could answer a request, as the server
 * names it; each front renders it in its own error document:
 * - `request-timeout` (408): the headers or the body did not arrive in time;
 * - `headers-too-large` (431): the request line and headers exceed the limit;
 * - `expectation-failed` (417): an `Expect` other than `100-continue`;
 * - `method-not-allowed` (405): a `CONNECT`;
 * - `malformed` (400): anything else the HTTP parser refused;
 * - `internal` (the front's status): the front failed unexpectedly.
 * @public
 */
export type ServerFaultKind =
  | "request-timeout"
  | "headers-too-large"
  | "expectation-failed"
  | "method-not-allowed"
  | "malformed"
  | "internal";

/**
 * A fault with the status the server suggests and a message in the mock's words.
 * @public
 */
export interface ServerFault {
  kind: ServerFaultKind;
  status: number;
  message: string;
}

/**
 * A front's control routes: `POST PREFIXadvance?ms=N`, `POST PREFIXsettle`, `POST PREFIXreset`, `GET PREFIXstate`.
 * @public
 */
export interface ControlRoutes {
  /** Where they live, with both slashes: `/_mock/` (EC2), `/cvm/_mock/` (CVM). */
  readonly prefix: string;
  /** What they drive. */
  readonly controls: ServedControls;
}

/**
 * What a state file keeps of a front served beside the main one (CVM's next
 * to EC2's): its snapshot, under its own member of the file, and which of
 * its requests may change it (../state/state-file.ts).
 * @public
 */
export interface FrontState {
  /** The state file's member that holds this front's snapshot (`cvm`), beside the main front's members. */
  readonly member: string;
  /** The front's state, JSON-ready. */
  snapshot(): unknown;
  /** Checks a parsed snapshot exactly as `restore` reads it, changing nothing; throws when it would not restore. */
  check(snapshot: unknown): void;
  /** Replaces the front's state with a parsed snapshot (checked first: nothing changes when it throws). */
  restore(snapshot: unknown): void;
  /** Whether answering the request may change the state: a state file saves it before the answer is sent. */
  changes(request: FrontRequest): boolean;
}

/**
 * A front as the server sees it. Only `claims` and `handle` are required
 * (the shape of a `ServedDoor`); a front without `refuse`, `fault` or
 * `controls` gets the server's JSON `{ error }` answers and no control routes.
 * @public
 */
export interface Front {
  /**
   * Whether a request is this front's, from its path and headers. The
   * first front of a server's list (the one whose `listen` started it) also
   * gets every request no other front claims.
   */
  claims(path: string, headers: RequestHeaders): boolean;
  /** Answers a request of this front (its control routes excepted: the server answers those). */
  handle(request: FrontRequest): Promise<FrontResponse>;
  /**
   * The front's answer to a request the web guard refuses (a Host or
   * Origin, docs/behaviour.md "The server and the browser"): 403, or 400
   * for a request that is not valid HTTP/1.1.
   */
  refuse?(request: { path: string }, status: number, message: string): FrontResponse;
  /** The front's error document for a fault the server met before the front could answer. */
  fault?(fault: ServerFault): FrontResponse;
  /** The front's control routes, answered by the server for every front alike. */
  readonly controls?: ControlRoutes;
  /** What a state file keeps of this front, when it is served beside EC2's with one (`ec2-mock serve --state FILE`). */
  readonly state?: FrontState;
}
