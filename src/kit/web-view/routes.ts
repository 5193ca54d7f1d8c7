/**
 * The web view's routes under a front's control prefix (`/_mock/` for EC2,
 * `/cvm/_mock/` for CVM), all `GET` and read-only:
 *
 * - `ui` (and `ui/`): the page (./page.ts), live: it polls `ui/data`;
 * - `ui/data`: the view (./view.ts) as JSON, with an `ETag` over everything
 *   but the time and billing so far, so that a poll with `If-None-Match` is
 *   answered `304` while the fleet did not change (the time in `x-mock-now`,
 *   the billing, URI-encoded JSON, in `x-mock-billing`);
 * - `ui/instance?id=`: one instance's detail (guest, console), or 404.
 *
 * The server's web guard has already run (the same Host and Origin rules as
 * every endpoint). The page's headers forbid framing (its buttons are
 * controls) and every load but its own inline code and same-origin fetches.
 */
import { createHash } from "node:crypto";
import type { FrontResponse } from "../front.js";
import { webViewPage } from "./page.js";
import type { WebViewSource } from "./view.js";

/** The Content-Security-Policy of the page, served and reported: inline code, same-origin fetches, nothing else. */
export const WEB_VIEW_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Whether a request (method, path under the prefix) is one of the web view's. */
export function isWebViewRoute(method: string, route: string): boolean {
  return (
    (method.toUpperCase() === "GET" || method.toUpperCase() === "HEAD") && (route === "ui" || route === "ui/" || route.startsWith("ui/"))
  );
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): FrontResponse => ({
  status,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  body: status === 304 ? "" : `${JSON.stringify(value)}\n`,
});

/** Answers one of the web view's routes (`route` is the path under the prefix). */
export function answerWebView(
  source: WebViewSource,
  route: string,
  query: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): FrontResponse {
  if (route === "ui" || route === "ui/") {
    return {
      status: 200,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy": WEB_VIEW_CSP,
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      },
      body: webViewPage(),
    };
  }
  if (route === "ui/data") {
    const view = source.view();
    // The time and billing so far move on every poll while anything runs; the rest changes only with the fleet.
    const rest = JSON.stringify({ ...view, now: 0, billing: [] });
    const etag = `"${createHash("sha1").update(rest).digest("base64url")}"`;
    const moving = { "x-mock-now": String(view.now), "x-mock-billing": encodeURIComponent(JSON.stringify(view.billing)) };
    if (headers["if-none-match"] === etag) return json(304, undefined, { etag, ...moving });
    return json(200, view, { etag, ...moving });
  }
  if (route === "ui/instance") {
    const id = new URLSearchParams(query).get("id") ?? "";
    const detail = id === "" ? undefined : source.detail(id);
    if (detail === undefined) return json(404, { error: `no instance ${JSON.stringify(id.slice(0, 64))}` });
    return json(200, detail);
  }
  return json(404, { error: `no web view route ${route}; try GET ui, GET ui/data, GET ui/instance?id=` });
}
