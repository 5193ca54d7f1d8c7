/**
 * The control routes of every front, under the front's prefix (`/_mock/`
 * for EC2, `/cvm/_mock/` for CVM): `POST PREFIXadvance?ms=N`,
 * `POST PREFIXsettle`, `POST PREFIXreset`, `GET PREFIXstate`. Answers are
 * JSON: `{ advancedMs }`, `{ settled: true }`, `{ reset: true }`, the
 * front's view of its fleet; `{ error }` with 400 or 404 otherwise.
 */
import type { ServedControls } from "../controls.js";
import type { ControlRoutes, FrontResponse } from "../front.js";
import { answerWebView, isWebViewRoute } from "../web-view/routes.js";

/** A JSON answer (pretty-printed, as a person reads it with curl). */
export function jsonAnswer(status: number, value: unknown): FrontResponse {
  return { status, headers: { "content-type": "application/json" }, body: `${JSON.stringify(value, null, 2)}\n` };
}

/** Whether a path is one of a front's control routes. */
export function isControlPath(routes: ControlRoutes | undefined, path: string): routes is ControlRoutes {
  return routes !== undefined && path.startsWith(routes.prefix);
}

/** Answers a request to a front's control routes (the path starts with `routes.prefix`). */
export async function answerControl(
  routes: ControlRoutes,
  request: { method: string; path: string; query: string; headers?: Readonly<Record<string, string | string[] | undefined>> },
): Promise<FrontResponse> {
  const { prefix, controls } = routes;
  // The web view (GET PREFIXui, PREFIXui/data, PREFIXui/instance): read-only.
  if (controls.web !== undefined && isWebViewRoute(request.method, request.path.slice(prefix.length))) {
    return answerWebView(controls.web, request.path.slice(prefix.length), request.query, request.headers ?? {});
  }
  const route = `${request.method.toUpperCase()} ${request.path}`;
  switch (route) {
    case `POST ${prefix}advance`:
      return advance(controls, request.query);
    case `POST ${prefix}settle`:
      await controls.settle();
      return jsonAnswer(200, { settled: true });
    case `POST ${prefix}reset`:
      await controls.reset();
      return jsonAnswer(200, { reset: true });
    case `GET ${prefix}state`:
      return jsonAnswer(200, controls.state());
    default: {
      const own = request.method.toUpperCase() === "POST" ? ownRoute(controls, request.path.slice(prefix.length)) : undefined;
      if (own !== undefined) return answerOwn(own, request.query);
      const others = Object.keys(controls.routes ?? {}).map((name) => `, POST ${prefix}${name}`);
      return jsonAnswer(404, {
        error: `no control endpoint ${route}; try POST ${prefix}advance?ms=N, POST ${prefix}settle, POST ${prefix}reset, GET ${prefix}state${others.join("")}`,
      });
    }
  }
}

/** One of the front's own routes, by its path under the prefix. */
function ownRoute(controls: ServedControls, name: string): ((query: URLSearchParams) => unknown) | undefined {
  const routes = controls.routes;
  return routes !== undefined && Object.hasOwn(routes, name) ? routes[name] : undefined;
}

/** Runs a front's own route: its answer (200), or `{ error }` (400) for bad parameters. */
async function answerOwn(route: (query: URLSearchParams) => unknown, query: string): Promise<FrontResponse> {
  try {
    return jsonAnswer(200, await route(new URLSearchParams(query)));
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) return jsonAnswer(400, { error: error.message });
    throw error;
  }
}

async function advance(controls: ServedControls, query: string): Promise<FrontResponse> {
  const raw = new URLSearchParams(query).get("ms");
  const ms = Number(raw);
  // Number("") and Number(" ") are 0: a blank ms is as missing as no ms.
  if (raw === null || raw.trim() === "" || !Number.isFinite(ms) || ms < 0) {
    return jsonAnswer(400, { error: "advance takes ?ms=N, a finite, non-negative number of milliseconds" });
  }
  try {
    await controls.advance(ms);
  } catch (error) {
    // The clock refuses to pass the end of year 9999 (see Clock.advance).
    if (error instanceof RangeError) return jsonAnswer(400, { error: error.message });
    throw error;
  }
  return jsonAnswer(200, { advancedMs: ms });
}
