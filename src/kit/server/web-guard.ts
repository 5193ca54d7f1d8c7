/**
 * The local server as a web target: which requests a browser could have
 * been made to send, and are therefore refused. A page the user visits can
 * POST a form to `http://127.0.0.1:4599` (no preflight) or, by DNS
 * rebinding, make its own name resolve to 127.0.0.1 and read the answers.
 * Two checks stop both, for every path (EC2, `/_mock/`, the CVM door):
 *
 * - the `Host` header must name the server as it listens (rebinding sends
 *   the attacker's name);
 * - a browser's cross-origin request is refused: an `Origin` header not in
 *   the allow-list, or `Sec-Fetch-Site: cross-site`/`same-site` (sent by
 *   browsers on every request, even a form or an image that has no Origin).
 *
 * The AWS CLI, boto3, the SDKs and curl send `Host: 127.0.0.1:PORT` and no
 * Origin or Sec-Fetch-Site, so they are unaffected. Every rule and why:
 * docs/behaviour.md, "The server and the browser". Shared by the EC2 server
 * and the CVM front's, and free of either's wire code.
 */
import { isIP } from "node:net";

/**
 * Who may reach the server from a browser or by another name; options of `listen` and `ec2-mock serve`.
 * @public
 */
export interface WebGuardOptions {
  /**
   * More names the `Host` header may carry besides the address the server
   * listens on (and `localhost` when that is a loopback address): `name`
   * (any port, e.g. for an SSH tunnel or a container's name), `name:port`
   * (that port only), or `*` (any Host at all). Bound to a wildcard address
   * (`0.0.0.0`, `::`), the server accepts any Host unless this is given.
   * CLI: `--allowed-host NAME`, repeatable.
   */
  allowedHosts?: readonly string[];
  /**
   * Browser origins allowed to call the server (`https://app.example:8443`,
   * `null`, or `*` for any): their requests are served, with CORS headers
   * and preflights answered. Every other cross-origin request is refused.
   * CLI: `--allowed-origin ORIGIN`, repeatable.
   */
  allowedOrigins?: readonly string[];
}

/** What the guard says about one request. */
export type GuardVerdict =
  | {
      ok: true;
      /** Headers to add to the answer (CORS, for an allowed origin). */
      headers?: Record<string, string>;
      /** An allowed origin's CORS preflight: answer 204 with `headers`, nothing else. */
      preflight?: boolean;
    }
  | {
      ok: false;
      /** 403 for a refused name or origin; 400 for a request that is not valid HTTP/1.1 (two Host headers). */
      status: 400 | 403;
      message: string;
    };

/** The request as the guard sees it: method and headers (names in lower case; repeated ones as Node gives them in `headersDistinct`). */
export interface GuardedRequest {
  method: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Every value of each header, for the ones that must appear once. */
  headersDistinct: Readonly<Record<string, string[] | undefined>>;
}

/** The code every refusal carries in an EC2 error document (decision: EC2 has none for this). */
export const GUARD_ERROR_CODE = "AccessDenied";

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** `[v6]`, lower-cased; IPv4 and names lower-cased. */
function bracket(host: string): string {
  const lower = host.toLowerCase();
  return isIP(lower) === 6 ? `[${lower}]` : lower;
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.") || address === "localhost";
}

const isWildcard = (address: string): boolean => address === "0.0.0.0" || address === "::" || address === "";

/** `name[:port]` or `[v6][:port]`, lower-cased; undefined when it is neither. */
function splitHost(value: string): { name: string; port: string | undefined } | undefined {
  const text = value.trim().toLowerCase();
  if (text === "" || text.length > 300) return undefined;
  let name: string;
  let rest: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return undefined;
    name = text.slice(0, close + 1);
    rest = text.slice(close + 1);
  } else {
    const colon = text.indexOf(":");
    name = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? "" : text.slice(colon);
  }
  if (name === "" || name === "[]") return undefined;
  if (rest === "") return { name, port: undefined };
  const port = rest.slice(1);
  if (!rest.startsWith(":") || port === "" || port.length > 5 || ![...port].every((c) => c >= "0" && c <= "9")) return undefined;
  return { name, port: String(Number(port)) };
}

/** An origin as browsers serialize it (`scheme://host[:port]`, lower case, no path), `null` or `*`; undefined for anything else. */
function normalizeOrigin(value: string): string | undefined {
  if (value === "null" || value === "*") return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // Nothing but the origin itself: no path, query, credentials; `http://x/` is tolerated as `http://x`.
  const bare = value.toLowerCase().replace(/\/$/, "");
  return url.origin !== "null" && url.origin === bare ? url.origin : undefined;
}

/** Checks `allowedHosts` and `allowedOrigins` (a TypeError names the bad entry). */
export function checkWebGuardOptions(options: WebGuardOptions): void {
  for (const host of options.allowedHosts ?? []) {
    if (typeof host !== "string" || (host !== "*" && splitHost(host) === undefined) || /[\s/@]/.test(host)) {
      throw new TypeError(`allowedHosts: ${JSON.stringify(host)} is not a host name, a host:port or "*"`);
    }
  }
  for (const origin of options.allowedOrigins ?? []) {
    if (typeof origin !== "string" || normalizeOrigin(origin) === undefined) {
      throw new TypeError(`allowedOrigins: ${JSON.stringify(origin)} is not an origin (scheme://host[:port]), "null" or "*"`);
    }
  }
}

/** A Host value quoted into a message: short, printable. */
const quoted = (value: string): string => `'${value.length > 100 ? `${value.slice(0, 100)}…` : value}'`;

/**
 * The guard of one listening server. `address` is where it listens (from
 * `server.address()`), `host` the `host` option it was started with (a name
 * such as `localhost`, or the address itself).
 */
export function createWebGuard(
  listening: { address: string; port: number; host: string },
  options: WebGuardOptions,
): (request: GuardedRequest) => GuardVerdict {
  checkWebGuardOptions(options);
  const port = String(listening.port);
  const loopback = isLoopback(listening.address) || isLoopback(listening.host);
  const wildcard = isWildcard(listening.address);
  const allowed = options.allowedHosts ?? [];
  const anyHost = allowed.includes("*") || (wildcard && allowed.length === 0);

  // Names accepted at the server's own port, and names accepted at any port.
  const atPort = new Set<string>();
  const anyPort = new Set<string>();
  if (!wildcard) {
    atPort.add(bracket(listening.host));
    atPort.add(bracket(listening.address));
  }
  if (loopback || wildcard) for (const name of LOOPBACK_NAMES) atPort.add(name);
  const exact = new Set<string>();
  for (const entry of allowed) {
    if (entry === "*") continue;
    const parts = splitHost(entry)!;
    if (parts.port === undefined) anyPort.add(parts.name);
    else exact.add(`${parts.name}:${parts.port}`);
  }
  const shown = [...[...atPort].map((name) => `${name}:${port}`), ...exact, ...anyPort].join(", ");
  // A request without Host cannot come from a browser; served where only this machine can send it, or where any Host goes.
  const noHostServed = anyHost || loopback;

  const origins = new Set((options.allowedOrigins ?? []).map((origin) => normalizeOrigin(origin)!));
  const anyOrigin = origins.has("*");
  if (!wildcard) origins.add(`http://${bracket(listening.host)}:${port}`);
  if (loopback) origins.add(`http://localhost:${port}`).add(`http://${bracket(listening.address)}:${port}`);
  const listed = new Set((options.allowedOrigins ?? []).map((origin) => normalizeOrigin(origin)!));

  function hostAllowed(value: string): boolean {
    if (anyHost) return true;
    const parts = splitHost(value);
    if (parts === undefined) return false;
    // No port means HTTP's default, 80.
    const at = parts.port ?? "80";
    return (at === port && atPort.has(parts.name)) || anyPort.has(parts.name) || exact.has(`${parts.name}:${at}`);
  }

  return (request) => {
    const hosts = request.headersDistinct.host;
    if (hosts !== undefined && hosts.length > 1) {
      // RFC 9112, section 3.2: a request with more than one Host is answered 400.
      return { ok: false, status: 400, message: "The request has more than one Host header." };
    }
    const host = hosts?.[0];
    if (host === undefined) {
      if (!noHostServed) return { ok: false, status: 403, message: `The request has no Host header; this server answers to ${shown}.` };
    } else if (!hostAllowed(host)) {
      return {
        ok: false,
        status: 403,
        message: `The Host header ${quoted(host)} does not name this server (${shown}): allow it with --allowed-host or listen({ allowedHosts }).`,
      };
    }
    const originHeader = request.headers.origin;
    const origin = typeof originHeader === "string" ? originHeader : undefined;
    const site = request.headers["sec-fetch-site"];
    if (origin !== undefined) {
      const normalized = origin.trim().toLowerCase().replace(/\/$/, "");
      if (!(anyOrigin || origins.has(normalized))) {
        return {
          ok: false,
          status: 403,
          message: `Cross-origin requests are refused: the Origin ${quoted(origin)} is not allowed; allow it with --allowed-origin or listen({ allowedOrigins }).`,
        };
      }
      if (!(anyOrigin || listed.has(normalized))) return { ok: true };
      const headers: Record<string, string> = {
        "access-control-allow-origin": origin,
        vary: "Origin",
        "access-control-expose-headers": "x-amzn-requestid, date",
      };
      const method = request.method?.toUpperCase();
      const asked = request.headers["access-control-request-method"];
      if (method === "OPTIONS" && typeof asked === "string") {
        headers["access-control-allow-methods"] = "GET, POST";
        const askedHeaders = request.headers["access-control-request-headers"];
        if (typeof askedHeaders === "string" && /^[A-Za-z0-9!#$%&'*+.^_`|~, -]*$/.test(askedHeaders))
          headers["access-control-allow-headers"] = askedHeaders;
        headers["access-control-max-age"] = "600";
        return { ok: true, headers, preflight: true };
      }
      return { ok: true, headers };
    }
    if ((site === "cross-site" || site === "same-site") && !anyOrigin) {
      return {
        ok: false,
        status: 403,
        message: `Cross-site browser requests are refused (Sec-Fetch-Site: ${site}); allow an origin with --allowed-origin or listen({ allowedOrigins }).`,
      };
    }
    return { ok: true };
  };
}
