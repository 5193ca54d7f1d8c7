/**
 * The server's request log: one entry per request once it is answered
 * (`listen({ onRequest })`), and the one-line form `ec2-mock serve`
 * prints. An entry holds what the server and the front know of the
 * request (never a body, a header, a signature or a query string of an
 * API call): what it was, how it was answered, how long that took.
 */

/**
 * What a front tells the request log about a request it answered (every
 * member optional): the API call, as far as it was read, and the error
 * code of the answer, if any. Never a body or a secret.
 * @public
 */
export interface AnsweredCall {
  /** The service: `ec2`, `autoscaling`, `elasticloadbalancing`, `sts`, `cvm`. */
  readonly service?: string;
  /** The action (`RunInstances`), once read from the request. */
  readonly action?: string;
  /** The region the request names (its SigV4 credential scope, `X-TC-Region`); absent when it names none (the default region serves it). */
  readonly region?: string;
  /** The error code of the answer (`InvalidInstanceID.NotFound`), when it is an error; CVM answers errors with HTTP 200 and this code. */
  readonly code?: string;
}

/**
 * What answered a request:
 * - `call`: a front (an API call of any service, or another path a front serves, such as IMDS);
 * - `control`: a control route (`/_mock/...`, `/cvm/_mock/...`, `GET /_mock/health` included);
 * - `refused`: the web guard refused it (a Host or Origin; docs/behaviour.md, "The server and the browser");
 * - `fault`: the server answered for the front (a timeout, headers too large, malformed HTTP, an `Expect`, a CONNECT, an internal failure).
 * @public
 */
export type RequestLogKind = "call" | "control" | "refused" | "fault";

/**
 * One request, once answered, as `listen({ onRequest })` receives it.
 * @public
 */
export interface RequestLogEntry extends AnsweredCall {
  /** When the answer was written: real time (`Date.now()`), epoch ms. */
  readonly time: number;
  /** What answered it. */
  readonly kind: RequestLogKind;
  /** The HTTP method; `-` when the HTTP parser gave up before reading it. */
  readonly method: string;
  /** The path, without the query string; `-` when the HTTP parser gave up before reading it. */
  readonly path: string;
  /** A control route's query string (`ms=1000`), without `?`; absent for every other request. */
  readonly query?: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** From the request's arrival at the server to its answer written, in ms (fractional). */
  readonly durationMs: number;
}

/** At most this many characters of a name taken from the request. */
const MAX_SHOWN = 160;

/** A value taken from the request, as one printable word: no spaces or control characters (a log line stays one line), bounded. */
function word(value: string): string {
  const bounded = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
  return bounded.replace(/[^\x21-\x7e…]/g, "?");
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * An entry as one line (no newline), local time:
 * `10:31:02.123  ec2 us-east-1 RunInstances  200  3 ms`,
 * `10:31:02.180  ec2 us-east-1 DescribeVpcEndpoints  501 Ec2MockNotImplemented  0.4 ms`,
 * `10:31:02.200  POST /_mock/advance?ms=60000  200  0.2 ms`. A call shows its
 * service, region (`-`: none named, the default region's) and action (or
 * the method and path when the action was not read); every other request
 * its method and path. Durations under 10 ms have one decimal.
 * @public
 */
export function formatRequestLogEntry(entry: RequestLogEntry): string {
  const at = new Date(entry.time);
  const time = `${pad2(at.getHours())}:${pad2(at.getMinutes())}:${pad2(at.getSeconds())}.${pad3(at.getMilliseconds())}`;
  const target = `${word(entry.method)} ${word(entry.path)}${entry.query ? `?${word(entry.query)}` : ""}`;
  const what =
    entry.service === undefined
      ? target
      : `${word(entry.service)} ${entry.region === undefined ? "-" : word(entry.region)} ${entry.action ? word(entry.action) : target}`;
  const status = entry.code === undefined ? String(entry.status) : `${entry.status} ${word(entry.code)}`;
  const ms = entry.durationMs;
  const duration = ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
  return `${time}  ${what}  ${status}  ${duration} ms`;
}
