/**
 * The control routes of every front, under the front's prefix (`/_mock/`
 * for EC2, `/cvm/_mock/` for CVM): `POST PREFIXadvance?ms=N`,
 * `POST PREFIXsettle`, `POST PREFIXreset`, `GET PREFIXstate`, and for a
 * front with a clock `POST PREFIXspeed?factor=N`. Answers are JSON:
 * `{ advancedMs }`, the settle report (`{ settled, unsettled }`), `{ reset: true }`, the front's view
 * of its fleet (with `clock: { offsetMs, speed }`), `{ speed, offsetMs }`;
 * `{ error }` with 400 or 404 otherwise. `GET PREFIXhealth` is the
 * server's (./server.ts).
 */
import { MAX_CLOCK_SPEED } from "../../engine/clock.js";
import type { ServedClock, ServedControls } from "../controls.js";
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
      // What could not settle is part of the answer, not an error: the clock did all it could.
      return jsonAnswer(200, await controls.settle());
    case `POST ${prefix}reset`:
      await controls.reset();
      return jsonAnswer(200, { reset: true });
    case `GET ${prefix}state`:
      // A state file's controls answer it behind a promise (its catch-up may be journaled).
      return jsonAnswer(200, withClock(controls, await controls.state()));
    default: {
      if (route === `POST ${prefix}speed` && controls.clock !== undefined) return speed(controls.clock, request.query);
      const own = request.method.toUpperCase() === "POST" ? ownRoute(controls, request.path.slice(prefix.length)) : undefined;
      if (own !== undefined) return answerOwn(own, request.query);
      const others = Object.keys(controls.routes ?? {}).map((name) => `, POST ${prefix}${name}`);
      const paced = controls.clock === undefined ? "" : `, POST ${prefix}speed?factor=N`;
      return jsonAnswer(404, {
        error: `no control endpoint ${route}; try POST ${prefix}advance?ms=N, POST ${prefix}settle, POST ${prefix}reset, GET ${prefix}state, GET ${prefix}health${paced}${others.join("")}`,
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

/** The clock as `GET PREFIXstate` shows it: its offset from real time and its speed. */
function clockOf(clock: ServedClock): { offsetMs: number; speed: number } {
  return { offsetMs: clock.offset, speed: clock.speed };
}

/** A front's state with its clock (`clock: { offsetMs, speed }`), when it has one and the state is an object. */
function withClock(controls: ServedControls, state: unknown): unknown {
  if (controls.clock === undefined || typeof state !== "object" || state === null || Array.isArray(state)) return state;
  return { ...state, clock: clockOf(controls.clock) };
}

/** `POST PREFIXspeed?factor=N`: the clock runs N times as fast as real time from now on. */
function speed(clock: ServedClock, query: string): FrontResponse {
  const raw = new URLSearchParams(query).get("factor");
  const factor = raw === null || raw.trim() === "" ? Number.NaN : Number(raw);
  try {
    clock.setSpeed(factor);
  } catch (error) {
    if (error instanceof RangeError) {
      return jsonAnswer(400, {
        error: `speed takes ?factor=N, a number above 0 and at most ${MAX_CLOCK_SPEED}; got ${JSON.stringify(raw)}`,
      });
    }
    throw error;
  }
  return jsonAnswer(200, clockOf(clock));
}
