import type { Phase } from "./phase.js";

/**
 * Why a machine changed phase, as a value. The engine writes what it saw
 * happen in its own terms; what a front asked for is the front's request
 * (`R`), carried and never read. Each front renders causes in its own words
 * where it shows them (see `describeCause`).
 */
export type Cause<R = unknown> = RequestCause<R> | RebootCause<R> | ArrivalCause;

/** A front's call began the change: a launch, start, stop, termination, or a shutdown from inside the guest. */
export interface RequestCause<R = unknown> {
  kind: "request";
  /** What the front asked, in its own terms (the engine never reads it). */
  request: R;
}

/**
 * What a reboot asked of the guest came to: `restarted` (the guest
 * complied), `abandoned` (it did not, and the reboot gave up), `hard` (it did
 * not, and the host restarted it), `power-cycled` (it was not asked).
 */
export type RebootOutcome = "restarted" | "abandoned" | "hard" | "power-cycled";

/** A reboot a front asked for, and what the guest made of it (the phase stays `running`). */
export interface RebootCause<R = unknown> {
  kind: "reboot";
  /** What the front asked, in its own terms (the engine never reads it). */
  request: R;
  outcome: RebootOutcome;
  /** What in the guest held the reboot up (`abandoned` and `hard`; absent: it did not restart in time). */
  obstacle?: string;
}

/** How a power cut came: after the guest had its chance (a `force` stop), or without asking it (`skip-os`). */
export type PowerCutBy = "timeout" | "immediate";

/** What the engine saw happen when a transition arrived. */
export type ArrivalCause =
  /** Arrived in `running` from a boot (with a disk check after a power cut). */
  | { kind: "booted"; afterDiskCheck: boolean }
  /** Arrived in `running` with memory restored from the root volume. */
  | { kind: "resumed" }
  /** Arrived in `stopped`: the guest shut down cleanly. */
  | { kind: "guest-shut-down" }
  /** Arrived in `stopped`: memory was saved to the root volume (hibernation). */
  | { kind: "memory-saved" }
  /** Arrived in `stopped`: the power was cut before the guest finished. */
  | { kind: "power-cut"; by: PowerCutBy }
  /** Arrived back in `running`: a stop that may not force gave up (absent obstacle: it did not shut down in time). */
  | { kind: "stop-abandoned"; obstacle?: string }
  /** Arrived in `terminated`. */
  | { kind: "terminated" };

/**
 * The engine's arrival causes, one shared value each (frozen): a fleet's
 * histories hold references, not copies (memory at scale). Being
 * immutable, they go into snapshots as they are.
 */
export const arrivals = {
  booted: Object.freeze({ kind: "booted", afterDiskCheck: false }),
  bootedAfterDiskCheck: Object.freeze({ kind: "booted", afterDiskCheck: true }),
  resumed: Object.freeze({ kind: "resumed" }),
  guestShutDown: Object.freeze({ kind: "guest-shut-down" }),
  memorySaved: Object.freeze({ kind: "memory-saved" }),
  powerCutAfterTimeout: Object.freeze({ kind: "power-cut", by: "timeout" }),
  powerCutAtOnce: Object.freeze({ kind: "power-cut", by: "immediate" }),
  stopAbandoned: Object.freeze({ kind: "stop-abandoned" }),
  terminated: Object.freeze({ kind: "terminated" }),
} as const satisfies Record<string, ArrivalCause>;

const requestCauses = new WeakMap<object, RequestCause>();

/**
 * The cause of a front's request. A frozen request (a front's constant) gets
 * one shared, frozen cause, so a fleet's histories share them; any other
 * request gets a cause of its own.
 */
export function requestCause<R>(request: R): RequestCause<R> {
  if (typeof request !== "object" || request === null || !Object.isFrozen(request)) return { kind: "request", request };
  let cause = requestCauses.get(request);
  if (cause === undefined) {
    cause = Object.freeze({ kind: "request", request }) as RequestCause;
    requestCauses.set(request, cause);
  }
  return cause as RequestCause<R>;
}

/** What only a front can put in words: its requests and its ways of cutting the power. */
export interface CauseWords<R> {
  /** A request, as the front names it (e.g. its API call). */
  request(request: R): string;
  /** A power cut, as the front names what asked for it. */
  powerCut(by: PowerCutBy): string;
}

/**
 * A cause in words: the engine's own events in plain, cloud-neutral
 * English, and the front's words (`words`) for what only the front names.
 * Fronts call it where they show a cause (timelines, operation errors).
 */
export function describeCause<R>(cause: Cause<R>, words: CauseWords<R>): string {
  switch (cause.kind) {
    case "request":
      return words.request(cause.request);
    case "reboot":
      return `${words.request(cause.request)}${rebootDetail(cause)}`;
    case "booted":
      return cause.afterDiskCheck ? "booted after a disk check" : "booted";
    case "resumed":
      return "resumed from hibernation";
    case "guest-shut-down":
      return "the guest shut down";
    case "memory-saved":
      return "memory saved to the root volume";
    case "power-cut":
      return words.powerCut(cause.by);
    case "stop-abandoned":
      return `the guest did not shut down (${cause.obstacle ?? NO_SHUTDOWN_IN_TIME}), so the stop was abandoned`;
    case "terminated":
      return "shutdown complete";
  }
}

const NO_SHUTDOWN_IN_TIME = "it did not shut down in time";
const NO_RESTART_IN_TIME = "it did not restart in time";

function rebootDetail(cause: RebootCause<unknown>): string {
  const why = cause.obstacle ?? NO_RESTART_IN_TIME;
  switch (cause.outcome) {
    case "restarted":
      return "";
    case "abandoned":
      return `; the guest did not respond (${why}), so the reboot was abandoned`;
    case "power-cycled":
      return "; the power was cycled without asking the guest";
    case "hard":
      return `; the guest did not respond (${why}), so a hard reboot followed`;
  }
}

/**
 * Reads the text an earlier version wrote as a cause (snapshot version 1
 * before causes were values) back into a cause: the engine's own words are
 * matched here; what is left, the front's request, is read by `request`
 * (a front maps its own words; it throws for text it never wrote). `from`
 * and `to` tell a reboot (`running` → `running`) from the rest.
 */
export function causeFromText<R>(text: string, from: Phase, to: Phase, request: (text: string) => R): Cause<R> {
  if (from === "running" && to === "running") {
    for (const [outcome, pattern] of rebootPatterns) {
      const match = pattern.exec(text);
      if (match === null) continue;
      const obstacle = match[2];
      return {
        kind: "reboot",
        request: request(match[1]!),
        outcome,
        ...(obstacle === undefined || obstacle === NO_RESTART_IN_TIME ? {} : { obstacle }),
      };
    }
    return { kind: "reboot", request: request(text), outcome: "restarted" };
  }
  const own = ownWords.get(text);
  if (own !== undefined) return own;
  const abandoned = /^the guest did not shut down \((.*)\), so the stop was abandoned$/s.exec(text);
  if (abandoned !== null)
    return abandoned[1] === NO_SHUTDOWN_IN_TIME ? arrivals.stopAbandoned : { kind: "stop-abandoned", obstacle: abandoned[1]! };
  // Earlier versions named the option that cut the power: "power cut by <option>" after a timeout, "power cut (<option>)" at once.
  if (to === "stopped" && text.startsWith("power cut by ")) return arrivals.powerCutAfterTimeout;
  if (to === "stopped" && text.startsWith("power cut (")) return arrivals.powerCutAtOnce;
  return requestCause(request(text));
}

/** The engine's own words of earlier versions, each with the cause it stood for. */
const ownWords = new Map<string, ArrivalCause>([
  ["booted", arrivals.booted],
  ["booted after a disk check", arrivals.bootedAfterDiskCheck],
  ["resumed from hibernation", arrivals.resumed],
  ["the guest shut down", arrivals.guestShutDown],
  ["memory saved to the root volume", arrivals.memorySaved],
  ["shutdown complete", arrivals.terminated],
]);

const rebootPatterns: [RebootOutcome, RegExp][] = [
  ["abandoned", /^(.*); the guest did not respond \((.*)\), so the reboot was abandoned$/s],
  ["power-cycled", /^(.*); the power was cycled without asking the guest$/s],
  ["hard", /^(.*); the guest did not respond \((.*)\), so a hard reboot followed$/s],
];

/** Checks a front's request read from a snapshot (a string: text an earlier version wrote); throws for a bad one. */
export type RequestReader<R> = (value: unknown, path: string) => R;

/** Makes the error for a bad field of a snapshot (the snapshot module's `badSnapshot`). */
export type SnapshotFault = (path: string, expected: string, value: unknown) => Error;

const arrivalKinds = ["booted", "resumed", "guest-shut-down", "memory-saved", "power-cut", "stop-abandoned", "terminated"] as const;
const causeKinds: readonly Cause["kind"][] = ["request", "reboot", ...arrivalKinds];
const rebootOutcomes: readonly RebootOutcome[] = ["restarted", "abandoned", "hard", "power-cycled"];
const powerCuts: readonly PowerCutBy[] = ["timeout", "immediate"];

/**
 * A cause from a snapshot, checked: the value `causeToJson` wrote, or the
 * text an earlier version wrote (read by `causeFromText`, its request by
 * `readRequest`). `from` and `to` are the change's phases.
 */
export function causeFromJson<R>(
  value: unknown,
  path: string,
  from: Phase,
  to: Phase,
  readRequest: RequestReader<R>,
  bad: SnapshotFault,
): Cause<R> {
  if (typeof value === "string") return causeFromText(value, from, to, (text) => readRequest(text, path));
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(path, "a cause (an object with a kind)", value);
  const c = value as Record<string, unknown>;
  const kind = c.kind as Cause["kind"];
  switch (kind) {
    case "request":
      return requestCause(readRequest(c.request, `${path}.request`));
    case "reboot": {
      if (!rebootOutcomes.includes(c.outcome as RebootOutcome))
        throw bad(`${path}.outcome`, `one of ${rebootOutcomes.join(", ")}`, c.outcome);
      return { kind, request: readRequest(c.request, `${path}.request`), outcome: c.outcome as RebootOutcome, ...obstacleOf(c, path, bad) };
    }
    case "booted":
      if (typeof c.afterDiskCheck !== "boolean") throw bad(`${path}.afterDiskCheck`, "a boolean", c.afterDiskCheck);
      return c.afterDiskCheck ? arrivals.bootedAfterDiskCheck : arrivals.booted;
    case "power-cut":
      if (!powerCuts.includes(c.by as PowerCutBy)) throw bad(`${path}.by`, `one of ${powerCuts.join(", ")}`, c.by);
      return c.by === "timeout" ? arrivals.powerCutAfterTimeout : arrivals.powerCutAtOnce;
    case "stop-abandoned": {
      const found = obstacleOf(c, path, bad);
      return found.obstacle === undefined ? arrivals.stopAbandoned : { kind, ...found };
    }
    case "resumed":
      return arrivals.resumed;
    case "guest-shut-down":
      return arrivals.guestShutDown;
    case "memory-saved":
      return arrivals.memorySaved;
    case "terminated":
      return arrivals.terminated;
    default:
      throw bad(`${path}.kind`, `one of ${causeKinds.join(", ")}`, c.kind);
  }
}

/** The optional `obstacle` of a cause read from a snapshot. */
function obstacleOf(c: Record<string, unknown>, path: string, bad: SnapshotFault): { obstacle?: string } {
  if (c.obstacle === undefined) return {};
  if (typeof c.obstacle !== "string") throw bad(`${path}.obstacle`, "a string", c.obstacle);
  return { obstacle: c.obstacle };
}

/**
 * A cause as JSON, sharing nothing mutable with the live machine: a frozen
 * cause (the shared ones) is immutable and is written as it is; any other is
 * copied (the front's request must be JSON-safe: plain objects, arrays,
 * strings, finite numbers, booleans, null; a frozen request is taken as
 * immutable).
 */
export function causeToJson<R>(cause: Cause<R>): Cause<R> {
  if (Object.isFrozen(cause)) return cause;
  const copy = { ...cause };
  if (copy.kind === "request" || copy.kind === "reboot") copy.request = copyJson(copy.request);
  return copy;
}

function copyJson<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}
