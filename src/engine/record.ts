/**
 * Declared records: a record's fields are declared once, as codecs, and its
 * JSON form (the type and the value), its reader and the checks on that
 * reader all come from the declaration.
 *
 * A codec holds a value's two forms: `T` in memory (a `Date`, a `Map`, a
 * number of ms) and `J` in JSON (an ISO string, an array of pairs). `write`
 * turns a value into plain JSON; `read` takes anything (what `JSON.parse`
 * gave) and returns a value or throws a TypeError naming the path of the
 * first bad field: `ec2-mock: not a valid snapshot: instances[0].launchIndex
 * must be a finite number; got "3"`. A read never writes into anything, so
 * a refused read changes nothing.
 *
 * Hand-written rather than a schema library (zod, valibot, ...): the whole
 * kit is about 4 kB minified (1.7 kB gzipped), has no runtime dependency,
 * keeps a value's in-memory and JSON forms apart (a Date and its ISO text,
 * a Map and its pairs, a shifted clock), and writes the exact error
 * messages restore has always written; what it does not need (unions,
 * async checks, coercion) it lacks.
 */

/** What writing needs: every time moves back by `shiftMs` (the fixture builder uses it to end at clock offset 0). */
export interface WriteContext {
  readonly shiftMs: number;
}

/** Nothing moved. */
export const NO_SHIFT: WriteContext = { shiftMs: 0 };

/** A value's codec: `T` in memory, `J` in JSON. */
export interface Codec<T, J = T> {
  /** The JSON form of a value. */
  readonly write: (value: T, ctx: WriteContext) => J;
  /** A value from JSON, checked: a TypeError names `path` (see {@link invalid}) when it is not one. */
  readonly read: (json: unknown, path: string) => T;
}

/** A member of an {@link object} that may be absent (see {@link optional}). */
export interface Optional<T, J> {
  readonly optional: Codec<T, J>;
  /** Whether a defined value is written (a value it refuses is left out, as an undefined one is). */
  readonly keep: ((value: T) => boolean) | undefined;
  /** Whether `null` reads as absent (else it is read by the codec, which refuses it unless nullable). */
  readonly nullIsAbsent: boolean;
}

/** One member of an {@link object}. */
export type Field = Codec<any, any> | Optional<any, any>;
/** The members of an {@link object}, in the order they are written. */
export type Fields = { readonly [key: string]: Field };

/** The in-memory type of a codec or field. */
export type ValueOf<C> = C extends Codec<infer T, any> ? T : C extends Optional<infer T, any> ? T : never;
/** The JSON type of a codec or field. */
export type JsonOf<C> = C extends Codec<any, infer J> ? J : C extends Optional<any, infer J> ? J : never;

type Flat<T> = { [K in keyof T]: T[K] } & {};
/** The in-memory type of an object's members: optional ones may be absent. */
export type ValuesOf<F extends Fields> = Flat<
  { -readonly [K in keyof F as F[K] extends Optional<any, any> ? never : K]: ValueOf<F[K]> } & {
    -readonly [K in keyof F as F[K] extends Optional<any, any> ? K : never]?: ValueOf<F[K]>;
  }
>;
/** The JSON type of an object's members: optional ones may be absent. */
export type JsonsOf<F extends Fields> = Flat<
  { -readonly [K in keyof F as F[K] extends Optional<any, any> ? never : K]: JsonOf<F[K]> } & {
    -readonly [K in keyof F as F[K] extends Optional<any, any> ? K : never]?: JsonOf<F[K]>;
  }
>;

/** The error a read throws: a TypeError naming the path of the bad field, what it must be, and (the start of) what it is. */
export function invalid(path: string, expected: string, value: unknown): TypeError {
  const shown = value === undefined ? "undefined" : (JSON.stringify(value)?.slice(0, 60) ?? String(value));
  return new TypeError(`ec2-mock: not a valid snapshot: ${path} must be ${expected}; got ${shown}`);
}

/**
 * Whether reads build the paths of what they read (see {@link readWithoutPaths}): a path is only ever
 * shown in an error, and a read that succeeds (every read of a good file) need not build one per member.
 */
let paths = true;

/** Whether reads are building paths now: false inside {@link readWithoutPaths}'s first pass, whose errors are thrown away. */
export function buildsPaths(): boolean {
  return paths;
}

/** The path of a member below `path` (`""` is the root); `path` itself while no paths are built. */
export function below(path: string, key: string): string {
  if (!paths) return path;
  return path === "" ? key : `${path}.${key}`;
}

/** The path of an array's item `i` below `path`; `path` itself while no paths are built. */
export function item(path: string, i: number): string {
  return paths ? `${path}[${i}]` : path;
}

/**
 * Runs `read` without building the paths of what it reads (issue 22: at a
 * restart of 100k instances, one string per member read is millions of
 * strings for the collector, none of them ever shown). A read changes
 * nothing, so when it throws it is run again with the paths built, and
 * throws what it throws then: the same error, naming the path, as a read
 * with paths throughout.
 */
export function readWithoutPaths<T>(read: () => T): T {
  if (!paths) return read();
  paths = false;
  try {
    return read();
  } catch {
    // Run again below, with the paths.
  } finally {
    paths = true;
  }
  return read();
}

/** A plain object (not null, not an array), checked. */
export function readObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(path, "an object", value);
  return value as Record<string, unknown>;
}

function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, "an array", value);
  return value;
}

/** A codec whose value is its JSON form, checked by `is`. */
function scalar<T>(expected: string, is: (value: unknown) => value is T): Codec<T, T> {
  return {
    write: (value) => value,
    read(json, path) {
      if (!is(json)) throw invalid(path, expected, json);
      return json;
    },
  };
}

/** A string. */
export const string: Codec<string> = scalar("a string", (v): v is string => typeof v === "string");
/** A finite number (JSON has no NaN or Infinity). */
export const number: Codec<number> = scalar("a finite number", (v): v is number => typeof v === "number" && Number.isFinite(v));
/** A safe integer. */
export const integer: Codec<number> = scalar("an integer", (v): v is number => Number.isSafeInteger(v));
/** A boolean. */
export const boolean: Codec<boolean> = scalar("a boolean", (v): v is boolean => typeof v === "boolean");

/** One of a few literal values (an enum): `literal("stop", "terminate")`. */
export function literal<const L extends readonly (string | number | boolean)[]>(...allowed: L): Codec<L[number]> {
  return scalar(`one of ${allowed.join(", ")}`, (v): v is L[number] => allowed.includes(v as L[number]));
}

/** Days in each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by the `count` decimal digits of `s` from `at`, or -1 when one is not a digit. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch ms of `YYYY-MM-DDTHH:mm:ss.sssZ` (what `toISOString` writes), read
 * by character codes: `Date.parse` costs about 1 µs a time, and a snapshot
 * of 100k instances holds millions (issue 22). NaN for anything else, and
 * for a date or time out of range (a day 31 of April, an hour 24, a year
 * before 100, which `Date.UTC` would read as 19xx), which `Date.parse`
 * then reads as it always did. Equal to `Date.parse` wherever it answers
 * (a property test holds it to that).
 */
export function isoTimeMs(s: string): number {
  if (
    s.length !== 24 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46 ||
    s.charCodeAt(23) !== 90
  ) {
    return NaN;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  if (second < 0 || second > 59 || ms < 0) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > MONTH_DAYS[month - 1]! + (month === 2 && leap ? 1 : 0)) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** "00" to "99". */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
/** 9999-12-31T23:59:59.999Z: the last instant whose year has four digits. */
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;

/**
 * `new Date(ms).toISOString()`, written from the number (the civil date by
 * Howard Hinnant's days-to-date arithmetic) for a whole ms from 1970 to
 * 9999: a snapshot of 100k instances writes millions of times, and a Date
 * and its text each cost about three times this (issue 22, the compaction's
 * pause). Any other value (before 1970, past 9999, a fraction, NaN) goes to
 * `toISOString`, which also throws for what it cannot write. A property
 * test holds the two equal.
 */
export function isoText(ms: number): string {
  if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  // Days since 0000-03-01, in eras of 400 years (146,097 days); a year counted from March, so February ends it.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  const msText = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${msText}Z`;
}

/**
 * The last time text read and its ms: an instance's record holds its launch time five times over (launch,
 * creation, its machine's phase and running since, its history), read one after the other (issue 22).
 */
let lastTimeText: string | null = null;
let lastTimeMs = 0;

/** Epoch ms in memory, an ISO 8601 string in JSON. */
export const time: Codec<number, string> = {
  write: (ms, ctx) => isoText(ms - ctx.shiftMs),
  read(json, path) {
    if (typeof json === "string" && json === lastTimeText) return lastTimeMs;
    let ms = NaN;
    if (typeof json === "string") {
      ms = isoTimeMs(json);
      if (Number.isNaN(ms)) ms = Date.parse(json);
    }
    if (Number.isNaN(ms)) throw invalid(path, "an ISO 8601 time", json);
    lastTimeText = json as string;
    lastTimeMs = ms;
    return ms;
  },
};

/** A Date in memory, an ISO 8601 string in JSON. */
export const date: Codec<Date, string> = {
  write: (value, ctx) => time.write(value.getTime(), ctx),
  read: (json, path) => new Date(time.read(json, path)),
};

/**
 * A time that may never come or be none: epoch ms, or `never` (Infinity or
 * undefined) in memory; an ISO string or `null` in JSON. Any time that is
 * not finite is written as `null`.
 */
export function timeOr<N extends number | undefined>(never: N): Codec<number | N, string | null> {
  return {
    write: (ms, ctx) => (ms === undefined || !Number.isFinite(ms) ? null : time.write(ms, ctx)),
    read: (json, path) => (json === null || json === undefined ? never : time.read(json, path)),
  };
}

/** A value or none: undefined in memory, `null` in JSON (an absent member reads as none too). */
export function nullable<T, J>(codec: Codec<T, J>): Codec<T | undefined, J | null> {
  return {
    write: (value, ctx) => (value === undefined ? null : codec.write(value, ctx)),
    read: (json, path) => (json === null || json === undefined ? undefined : codec.read(json, path)),
  };
}

/**
 * A member of an {@link object} that may be absent: written only when
 * defined (and, with `keep`, when kept), read only when present. With
 * `nullIsAbsent`, `null` reads as absent too.
 */
export function optional<T, J>(codec: Codec<T, J>, options: { keep?: (value: T) => boolean; nullIsAbsent?: boolean } = {}): Optional<T, J> {
  return { optional: codec, keep: options.keep, nullIsAbsent: options.nullIsAbsent === true };
}

/** An array of values. */
export function array<T, J>(codec: Codec<T, J>): Codec<T[], J[]> {
  return {
    write: (values, ctx) => values.map((value) => codec.write(value, ctx)),
    read: (json, path) => readArray(json, path).map((value, i) => codec.read(value, item(path, i))),
  };
}

/** A fixed-length array of values of their own types: `[string, number]`. */
export function tuple<const C extends readonly Codec<any, any>[]>(
  ...codecs: C
): Codec<{ -readonly [I in keyof C]: ValueOf<C[I]> }, { -readonly [I in keyof C]: JsonOf<C[I]> }> {
  return {
    write: (values, ctx) => codecs.map((codec, i) => codec.write(values[i], ctx)) as never,
    read(json, path) {
      const items = readArray(json, path);
      return codecs.map((codec, i) => codec.read(items[i], item(path, i))) as never;
    },
  };
}

/** A Map in memory, an array of `[key, value]` pairs in JSON, in the map's order. */
export function mapOf<K, KJ, V, VJ>(key: Codec<K, KJ>, value: Codec<V, VJ>): Codec<Map<K, V>, [KJ, VJ][]> {
  const pair = tuple(key, value);
  return {
    write: (map, ctx) => Array.from(map, (entry) => pair.write(entry, ctx) as [KJ, VJ]),
    read(json, path) {
      const map = new Map<K, V>();
      readArray(json, path).forEach((entry, i) => {
        const [k, v] = pair.read(entry, item(path, i)) as [K, V];
        map.set(k, v);
      });
      return map;
    },
  };
}

/** An object whose keys are data (`{ [key: string]: V }`), in JSON as in memory. */
export function dictionary<T, J>(codec: Codec<T, J>): Codec<Record<string, T>, Record<string, J>> {
  return {
    write: (values, ctx) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, codec.write(v, ctx)])),
    read: (json, path) => Object.fromEntries(Object.entries(readObject(json, path)).map(([k, v]) => [k, codec.read(v, below(path, k))])),
  };
}

/** Getters for some members of an {@link object}, computing them from a record that holds something else (an object for an id). */
export type Getters<F extends Fields, R> = { readonly [K in keyof F]?: (record: R) => ValueOf<F[K]> };

/** What an absent optional member reads as, inside a compiled reader. */
const ABSENT = Symbol("absent");

/** An {@link object}'s codec, with its declaration. */
export interface ObjectCodec<F extends Fields> extends Codec<ValuesOf<F>, JsonsOf<F>> {
  readonly fields: F;
  /** A writer of records that hold some members as something else: `get` computes those (e.g. an image's id from the image). */
  writer<R>(get: Getters<F, R>): (record: R, ctx: WriteContext) => JsonsOf<F>;
  /** A reader that sets the members named in `aside` apart, in a second object (ids, for the caller to link). */
  reader<K extends keyof F & string>(
    aside: readonly K[],
  ): (json: unknown, path: string) => [Omit<ValuesOf<F>, K>, Pick<ValuesOf<F>, K & keyof ValuesOf<F>>];
}

/**
 * A record of named members, written in the order they are declared.
 * Members not declared are not written (a value may carry more) and not
 * read (a JSON object may hold more).
 */
export function object<const F extends Fields>(fields: F): ObjectCodec<F> {
  const keys = Object.keys(fields);
  const codecs: Codec<unknown, unknown>[] = [];
  const optional: boolean[] = [];
  const keep: (((value: unknown) => boolean) | undefined)[] = [];
  const nullIsAbsent: boolean[] = [];
  for (const key of keys) {
    const field = fields[key]!;
    const opt = "optional" in field;
    codecs.push(opt ? field.optional : field);
    optional.push(opt);
    keep.push(opt ? field.keep : undefined);
    nullIsAbsent.push(opt && field.nullIsAbsent);
  }
  // Writers and readers are compiled once per declaration, with the member names as constants: a record is
  // then built as an object literal (V8 sizes it once) rather than member by member under variable names,
  // which is many times slower over a large fleet. Members are read and checked in declaration order.
  const q = keys.map((key) => JSON.stringify(key));
  const firstOptional = (skip: (i: number) => boolean) => {
    let i = 0;
    while (i < keys.length && (skip(i) || !optional[i])) i++;
    return i;
  };
  const compileWriter = <R>(get: Getters<F, R>) => {
    const getters = keys.map((key) => get[key] as ((record: R) => unknown) | undefined);
    const lines = keys.map((_, i) => `const m${i} = ${getters[i] === undefined ? `v[${q[i]}]` : `g[${i}](v)`};`);
    const absent = (i: number) => `m${i} === undefined${keep[i] === undefined ? "" : ` || !k[${i}](m${i})`}`;
    const literalEnd = firstOptional(() => false);
    lines.push(
      `const o = {${keys
        .slice(0, literalEnd)
        .map((_, i) => `${q[i]}: c[${i}].write(m${i}, ctx)`)
        .join(", ")}};`,
    );
    for (let i = literalEnd; i < keys.length; i++) {
      const store = `o[${q[i]}] = c[${i}].write(m${i}, ctx);`;
      lines.push(optional[i] ? `if (!(${absent(i)})) ${store}` : store);
    }
    const body = `return function write(v, ctx) {\n${lines.join("\n")}\nreturn o;\n};`;
    return new Function("c", "g", "k", body)(codecs, getters, keep) as (record: R, ctx: WriteContext) => JsonsOf<F>;
  };
  const compileReader = <K extends keyof F & string>(aside: readonly K[]) => {
    const apart = keys.map((key) => (aside as readonly string[]).includes(key));
    const lines = keys.map((_, i) => {
      const read = `c[${i}].read(o[${q[i]}], b(path, ${q[i]}))`;
      if (!optional[i]) return `const m${i} = ${read};`;
      const absent = `o[${q[i]}] === undefined${nullIsAbsent[i] ? ` || o[${q[i]}] === null` : ""}`;
      return `const m${i} = ${absent} ? A : ${read};`;
    });
    const build = (name: string, mine: (i: number) => boolean) => {
      const literalEnd = firstOptional((i) => !mine(i));
      const inLiteral = keys.map((_, i) => i).filter((i) => i < literalEnd && mine(i));
      lines.push(`const ${name} = {${inLiteral.map((i) => `${q[i]}: m${i}`).join(", ")}};`);
      for (let i = literalEnd; i < keys.length; i++) {
        if (!mine(i)) continue;
        lines.push(optional[i] ? `if (m${i} !== A) ${name}[${q[i]}] = m${i};` : `${name}[${q[i]}] = m${i};`);
      }
    };
    build("out", (i) => !apart[i]);
    build("set", (i) => apart[i]!);
    const body = `return function read(json, path) {\nconst o = r(json, path);\n${lines.join("\n")}\nreturn [out, set];\n};`;
    return new Function("c", "r", "b", "A", body)(codecs, readObject, below, ABSENT) as (
      json: unknown,
      path: string,
    ) => [Omit<ValuesOf<F>, K>, Pick<ValuesOf<F>, K & keyof ValuesOf<F>>];
  };
  // Compiled on first use, not when the module loads: every declaration loads with the package, while
  // snapshots are taken only when asked (import cost: bench/README.md, figure f).
  const writer = <R>(get: Getters<F, R>) => {
    let write: ((record: R, ctx: WriteContext) => JsonsOf<F>) | undefined;
    return (record: R, ctx: WriteContext): JsonsOf<F> => (write ??= compileWriter(get))(record, ctx);
  };
  const reader = <K extends keyof F & string>(aside: readonly K[]) => {
    let read: ReturnType<typeof compileReader<K>> | undefined;
    return (json: unknown, path: string) => (read ??= compileReader(aside))(json, path);
  };
  const whole = reader([]);
  return {
    fields,
    write: writer<ValuesOf<F>>({}),
    read: (json, path) => whole(json, path)[0] as ValuesOf<F>,
    writer,
    reader,
  };
}

/**
 * A codec whose in-memory value is built from another's (and taken back
 * apart for writing): `read` may check what the declaration cannot say
 * (throwing {@link invalid}) and links or adds what JSON does not hold.
 */
export function mapped<T, J, U>(codec: Codec<T, J>, how: { read: (value: T, path: string) => U; write: (value: U) => T }): Codec<U, J> {
  return {
    write: (value, ctx) => codec.write(how.write(value), ctx),
    read: (json, path) => how.read(codec.read(json, path), path),
  };
}

/** A codec with one more check on read: `check` throws {@link invalid} for a value the type allows but the record does not. */
export function checked<T, J>(codec: Codec<T, J>, check: (value: T, path: string) => void): Codec<T, J> {
  return {
    write: codec.write,
    read(json, path) {
      const value = codec.read(json, path);
      check(value, path);
      return value;
    },
  };
}

/** A codec written by hand, for a value no combination above describes. */
export function custom<T, J = T>(codec: Codec<T, J>): Codec<T, J> {
  return codec;
}
