import { type Cause, causeFromJson, causeToJson, type RequestReader } from "./causes.js";
import { checkGuestConfig, type GuestConfig } from "./guest.js";
import type { Machine, Phase, PhaseChange } from "./machine.js";
import type { GuestOs } from "./timing.js";

/**
 * Plain, JSON-safe forms of the engine's records, for snapshots. Times are
 * ISO 8601 strings; a time that never comes (Infinity) is `null`; an absent
 * value is `null`. Nothing here knows of any cloud.
 */

/**
 * A time: an ISO 8601 string, or `null` for never / none.
 * @internal
 */
export type TimeJson = string | null;

/**
 * A `PhaseChange` as JSON.
 * @internal
 */
export interface PhaseChangeJson {
  from: Phase;
  to: Phase;
  at: string;
  /** A `Cause` (snapshots of earlier versions hold its words: a string, still read). */
  cause: Cause;
  clean?: boolean;
  diskCheck?: boolean;
  hibernating?: boolean;
  obstacle?: string;
  abandoned?: boolean;
}

/**
 * A `Machine` as JSON.
 * @internal
 */
export interface MachineJson {
  id: string;
  os: GuestOs;
  guest: GuestConfig;
  hostStuck: boolean;
  phase: Phase;
  phaseSince: string;
  transition: { to: Phase; at: TimeJson } | null;
  scheduleToken: number;
  everRan: boolean;
  stopPlan: {
    startedAt: string;
    gracefulAt: TimeJson;
    forceCutAt: TimeJson;
    skipCutAt: TimeJson;
    hibernating: boolean;
    obstacle: string | null;
    /** Only for a stop that may give up (absent otherwise, so older snapshots read the same). */
    abandonAt?: string;
  } | null;
  hibernated: boolean;
  fileSystem: "clean" | "dirty";
  runningSince: TimeJson;
  rebootUntil: TimeJson;
  expiresAt: TimeJson;
  history: PhaseChangeJson[];
}

/** Encodes and decodes times, optionally moving every time by the same amount (`shiftMs` is subtracted when encoding). */
export class TimeCodec {
  constructor(private readonly shiftMs = 0) {}

  /** A time that exists: epoch ms → ISO string. */
  out(ms: number): string {
    return new Date(ms - this.shiftMs).toISOString();
  }

  /** A time that may be Infinity or absent → ISO string or null. */
  outMaybe(ms: number | undefined): TimeJson {
    return ms === undefined || !Number.isFinite(ms) ? null : this.out(ms);
  }

  /** A date → ISO string. */
  outDate(date: Date): string {
    return this.out(date.getTime());
  }
}

const phases: readonly Phase[] = ["launching", "starting", "running", "stopping", "stopped", "terminating", "terminated"];

/** Thrown for a snapshot that is not one: a TypeError naming the path of the bad field. */
export function badSnapshot(path: string, expected: string, value: unknown): TypeError {
  const shown = value === undefined ? "undefined" : JSON.stringify(value)?.slice(0, 60) ?? String(value);
  return new TypeError(`ec2-mock: not a valid snapshot: ${path} must be ${expected}; got ${shown}`);
}

/**
 * The first number in a JSON-ready value that JSON cannot hold (NaN,
 * ±Infinity: `JSON.stringify` writes them as `null`), with its path; or
 * undefined. The path is built only on the way back from a find, so a clean
 * walk allocates nothing.
 */
export function nonFiniteNumber(value: unknown, root = "snapshot"): { path: string; value: number } | undefined {
  let found: number | undefined;
  const walk = (v: unknown): string | undefined => {
    if (typeof v === "number") {
      if (Number.isFinite(v)) return undefined;
      found = v;
      return "";
    }
    if (typeof v !== "object" || v === null) return undefined;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const below = walk(v[i]);
        if (below !== undefined) return `[${i}]${below}`;
      }
      return undefined;
    }
    for (const key of Object.keys(v)) {
      const below = walk((v as Record<string, unknown>)[key]);
      if (below !== undefined) return `.${key}${below}`;
    }
    return undefined;
  };
  const path = walk(value);
  return path === undefined ? undefined : { path: `${root}${path}`, value: found! };
}

/** Small readers that check a field's type and throw {@link badSnapshot} otherwise. */
export const read = {
  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw badSnapshot(path, "an object", value);
    return value as Record<string, unknown>;
  },
  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) throw badSnapshot(path, "an array", value);
    return value;
  },
  string(value: unknown, path: string): string {
    if (typeof value !== "string") throw badSnapshot(path, "a string", value);
    return value;
  },
  optString(value: unknown, path: string): string | undefined {
    return value === null || value === undefined ? undefined : read.string(value, path);
  },
  number(value: unknown, path: string): number {
    if (typeof value !== "number" || !Number.isFinite(value)) throw badSnapshot(path, "a finite number", value);
    return value;
  },
  boolean(value: unknown, path: string): boolean {
    if (typeof value !== "boolean") throw badSnapshot(path, "a boolean", value);
    return value;
  },
  /** An ISO time → epoch ms. */
  time(value: unknown, path: string): number {
    const ms = typeof value === "string" ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw badSnapshot(path, "an ISO 8601 time", value);
    return ms;
  },
  /** An ISO time or null → epoch ms, or `never` (Infinity or undefined) for null. */
  timeOr<T extends number | undefined>(value: unknown, path: string, never: T): number | T {
    return value === null || value === undefined ? never : read.time(value, path);
  },
  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) throw badSnapshot(path, `one of ${allowed.join(", ")}`, value);
    return value as T;
  },
  /** `[[key, value], ...]` of strings → a Map, in order. */
  pairs(value: unknown, path: string): Map<string, string> {
    const map = new Map<string, string>();
    read.array(value, path).forEach((pair, i) => {
      const [k, v] = read.array(pair, `${path}[${i}]`);
      map.set(read.string(k, `${path}[${i}][0]`), read.string(v, `${path}[${i}][1]`));
    });
    return map;
  },
};

/** A machine as JSON. */
export function machineToJson(machine: Machine<unknown>, time: TimeCodec): MachineJson {
  const plan = machine.stopPlan;
  return {
    id: machine.id,
    os: machine.os,
    guest: structuredClone(machine.guest),
    hostStuck: machine.hostStuck,
    phase: machine.phase,
    phaseSince: time.out(machine.phaseSince),
    transition: machine.transition === undefined ? null : { to: machine.transition.to, at: time.outMaybe(machine.transition.at) },
    scheduleToken: machine.scheduleToken,
    everRan: machine.everRan,
    stopPlan:
      plan === undefined
        ? null
        : {
            startedAt: time.out(plan.startedAt),
            gracefulAt: time.outMaybe(plan.gracefulAt),
            forceCutAt: time.outMaybe(plan.forceCutAt),
            skipCutAt: time.outMaybe(plan.skipCutAt),
            hibernating: plan.hibernating,
            obstacle: plan.obstacle ?? null,
            ...(plan.abandonAt === undefined || !Number.isFinite(plan.abandonAt) ? {} : { abandonAt: time.out(plan.abandonAt) }),
          },
    hibernated: machine.hibernated,
    fileSystem: machine.fileSystem,
    runningSince: time.outMaybe(machine.runningSince),
    rebootUntil: time.outMaybe(machine.rebootUntil),
    expiresAt: time.outMaybe(machine.expiresAt),
    history: machine.history.map((change) => {
      const { machineId: _id, at, ...rest } = change;
      return { ...rest, cause: causeToJson(change.cause), at: time.out(at) };
    }),
  };
}

/**
 * A machine from JSON, checked; `readRequest` checks the front's requests in
 * its causes (and maps the words of an earlier version's string causes; the
 * default takes any value as it is).
 */
export function machineFromJson<R = unknown>(value: unknown, path: string, readRequest: RequestReader<R> = (request) => request as R): Machine<R> {
  const m = read.object(value, path);
  const id = read.string(m.id, `${path}.id`);
  const os = read.oneOf(m.os, `${path}.os`, ["linux", "windows"] as GuestOs[]);
  const transition = m.transition === null || m.transition === undefined ? undefined : read.object(m.transition, `${path}.transition`);
  const plan = m.stopPlan === null || m.stopPlan === undefined ? undefined : read.object(m.stopPlan, `${path}.stopPlan`);
  let guest: GuestConfig;
  try {
    guest = checkGuestConfig(os, read.object(m.guest, `${path}.guest`) as GuestConfig);
  } catch (e) {
    throw badSnapshot(`${path}.guest`, `a guest config (${(e as Error).message})`, m.guest);
  }
  const history: PhaseChange<R>[] = read.array(m.history, `${path}.history`).map((entry, i) => {
    const p = `${path}.history[${i}]`;
    const c = read.object(entry, p);
    const from = read.oneOf(c.from, `${p}.from`, phases);
    const to = read.oneOf(c.to, `${p}.to`, phases);
    const change: PhaseChange<R> = {
      machineId: id,
      from,
      to,
      at: read.time(c.at, `${p}.at`),
      cause: causeFromJson(c.cause, `${p}.cause`, from, to, readRequest, badSnapshot),
    };
    if (c.clean !== undefined) change.clean = read.boolean(c.clean, `${p}.clean`);
    if (c.diskCheck !== undefined) change.diskCheck = read.boolean(c.diskCheck, `${p}.diskCheck`);
    if (c.hibernating !== undefined) change.hibernating = read.boolean(c.hibernating, `${p}.hibernating`);
    if (c.obstacle !== undefined) change.obstacle = read.string(c.obstacle, `${p}.obstacle`);
    if (c.abandoned !== undefined) change.abandoned = read.boolean(c.abandoned, `${p}.abandoned`);
    return change;
  });
  return {
    id,
    os,
    guest,
    hostStuck: read.boolean(m.hostStuck, `${path}.hostStuck`),
    phase: read.oneOf(m.phase, `${path}.phase`, phases),
    phaseSince: read.time(m.phaseSince, `${path}.phaseSince`),
    transition:
      transition === undefined
        ? undefined
        : { to: read.oneOf(transition.to, `${path}.transition.to`, phases), at: read.timeOr(transition.at, `${path}.transition.at`, Infinity) },
    scheduleToken: read.number(m.scheduleToken, `${path}.scheduleToken`),
    everRan: read.boolean(m.everRan, `${path}.everRan`),
    stopPlan:
      plan === undefined
        ? undefined
        : {
            startedAt: read.time(plan.startedAt, `${path}.stopPlan.startedAt`),
            gracefulAt: read.timeOr(plan.gracefulAt, `${path}.stopPlan.gracefulAt`, Infinity),
            forceCutAt: read.timeOr(plan.forceCutAt, `${path}.stopPlan.forceCutAt`, Infinity),
            skipCutAt: read.timeOr(plan.skipCutAt, `${path}.stopPlan.skipCutAt`, Infinity),
            hibernating: read.boolean(plan.hibernating, `${path}.stopPlan.hibernating`),
            obstacle: read.optString(plan.obstacle, `${path}.stopPlan.obstacle`),
            ...(plan.abandonAt === undefined || plan.abandonAt === null ? {} : { abandonAt: read.time(plan.abandonAt, `${path}.stopPlan.abandonAt`) }),
          },
    hibernated: read.boolean(m.hibernated, `${path}.hibernated`),
    fileSystem: read.oneOf(m.fileSystem, `${path}.fileSystem`, ["clean", "dirty"] as const),
    runningSince: read.timeOr(m.runningSince, `${path}.runningSince`, undefined),
    rebootUntil: read.timeOr(m.rebootUntil, `${path}.rebootUntil`, undefined),
    expiresAt: read.timeOr(m.expiresAt, `${path}.expiresAt`, undefined),
    history,
  };
}
