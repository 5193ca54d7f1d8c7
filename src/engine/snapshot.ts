import { type Cause, causeFromJson, causeToJson, type RequestReader } from "./causes.js";
import { checkGuestConfig, type GuestConfig } from "./guest.js";
import type { Machine, PhaseChange } from "./machine.js";
import {
  array,
  boolean,
  buildsPaths,
  type Codec,
  custom,
  integer,
  invalid,
  type JsonOf,
  literal,
  mapped,
  nullable,
  number,
  object,
  optional,
  readObject,
  string,
  time,
  timeOr,
  type ValueOf,
  type WriteContext,
} from "./record.js";

/**
 * Plain, JSON-safe forms of the engine's records, for snapshots, declared
 * once (src/engine/record.ts): the JSON types, the writers and the checked
 * readers all come from the declarations below. Times are ISO 8601
 * strings; a time that never comes (Infinity) is `null`; an absent value
 * is `null`. Nothing here knows of any cloud.
 */

/**
 * A time: an ISO 8601 string, or `null` for never / none.
 * @internal
 */
export type TimeJson = string | null;

/** Encodes times, optionally moving every time by the same amount (`shiftMs` is subtracted when encoding). */
export class TimeCodec implements WriteContext {
  constructor(readonly shiftMs = 0) {}

  /** A time that exists: epoch ms → ISO string. */
  out(ms: number): string {
    return time.write(ms, this);
  }

  /** A time that may be Infinity or absent → ISO string or null. */
  outMaybe(ms: number | undefined): TimeJson {
    return timeOr(undefined).write(ms, this);
  }

  /** A date → ISO string. */
  outDate(date: Date): string {
    return this.out(date.getTime());
  }
}

/** Thrown for a snapshot that is not one: a TypeError naming the path of the bad field. */
export const badSnapshot = invalid;

const phase = literal("launching", "starting", "running", "stopping", "stopped", "terminating", "terminated");

/**
 * The cause of a phase change, as `causeToJson` writes it. Read as it
 * stands here: the machine's reader checks it with its change's phases and
 * the front's request reader (snapshots of earlier versions hold words).
 */
const causeField = custom<Cause<unknown>>({
  write: (cause) => causeToJson(cause),
  read: (json) => json as Cause<unknown>,
});

/** A `PhaseChange` (less its machine's id) as a snapshot holds it, in the order it is written. */
const phaseChangeRecord = object({
  from: phase,
  to: phase,
  cause: causeField,
  clean: optional(boolean),
  diskCheck: optional(boolean),
  hibernating: optional(boolean),
  obstacle: optional(string),
  abandoned: optional(boolean),
  at: time,
});

/**
 * A `PhaseChange` as JSON.
 * @internal
 */
export interface PhaseChangeJson extends JsonOf<typeof phaseChangeRecord> {}

/** The declaration and `PhaseChange` agree (the machine gives each entry its id back on read). */
const phaseChangeCodec: Codec<Omit<PhaseChange, "machineId">, PhaseChangeJson> = phaseChangeRecord;

/** A guest config: any object the guest check accepts (checked against the OS by the machine). */
const guestField = custom<GuestConfig>({
  write: (guest) => structuredClone(guest),
  read: (json, path) => readObject(json, path) as GuestConfig,
});

/** A `Machine` as a snapshot holds it (its history entries without the machine id). */
const machineRecord = object({
  id: string,
  os: literal("linux", "windows"),
  guest: guestField,
  hostStuck: boolean,
  phase,
  phaseSince: time,
  transition: nullable(object({ to: phase, at: timeOr(Infinity) })),
  scheduleToken: number,
  everRan: boolean,
  stopPlan: nullable(
    object({
      startedAt: time,
      gracefulAt: timeOr(Infinity),
      forceCutAt: timeOr(Infinity),
      skipCutAt: timeOr(Infinity),
      hibernating: boolean,
      obstacle: nullable(string),
      /** Only for a stop that may give up (absent otherwise, so older snapshots read the same). */
      abandonAt: optional(time, { keep: Number.isFinite, nullIsAbsent: true }),
    }),
  ),
  hibernated: boolean,
  fileSystem: literal("clean", "dirty"),
  runningSince: timeOr(undefined),
  rebootUntil: timeOr(undefined),
  expiresAt: timeOr(undefined),
  history: array(phaseChangeCodec),
  /**
   * What the changes dropped by the timeline limit left behind (issue 22): absent while none was dropped, and in
   * snapshots written before the limit, which read as a machine that dropped nothing.
   */
  folded: optional(object({ dropped: integer, periods: integer, billedSeconds: number, openSince: timeOr(undefined) })),
});

/**
 * A `Machine` as JSON.
 * @internal
 */
export interface MachineJson extends JsonOf<typeof machineRecord> {}

/** The members of a machine's JSON, in order (the state file's compact form puts back what it left out: src/engine/defaults.ts). */
export const machineMembers: readonly string[] = Object.keys(machineRecord.fields);

/**
 * A machine: its record, its guest config checked against its OS, its
 * history given its id back, and the causes in it checked; `readRequest`
 * checks the front's requests in causes (and maps the words of an earlier
 * version's string causes; the default takes them as they are).
 */
export function machineCodecOf<R>(readRequest: RequestReader<R>): Codec<Machine<R>, MachineJson> {
  return mapped(machineRecord, {
    write: (machine: Machine<R>) => machine as unknown as ValueOf<typeof machineRecord>,
    read(m, path) {
      let guest: GuestConfig;
      try {
        guest = checkGuestConfig(m.os, m.guest);
      } catch (e) {
        throw invalid(`${path}.guest`, `a guest config (${(e as Error).message})`, m.guest);
      }
      // The record is the object read, completed in place (no copy: large fleets).
      m.guest = guest;
      const history = m.history as PhaseChange<R>[];
      for (let i = 0; i < history.length; i++) {
        const change = history[i]!;
        change.machineId = m.id;
        change.cause = causeFromJson(
          change.cause,
          buildsPaths() ? `${path}.history[${i}].cause` : path,
          change.from,
          change.to,
          readRequest,
          invalid,
        );
      }
      return m as unknown as Machine<R>;
    },
  });
}

/** A machine whose requests are taken as they stand (a front with its own requests uses {@link machineCodecOf}). */
export const machineCodec: Codec<Machine, MachineJson> = machineCodecOf<unknown>((request) => request);

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

/** A machine as JSON. */
export function machineToJson(machine: Machine, time: TimeCodec): MachineJson {
  return machineCodec.write(machine, time);
}

/** A machine from JSON, checked. */
export function machineFromJson<R = unknown>(value: unknown, path: string, readRequest?: RequestReader<R>): Machine<R> {
  return (readRequest === undefined ? machineCodec : machineCodecOf(readRequest)).read(value, path) as Machine<R>;
}
