/**
 * What the fuzz suites share (test/fuzz.test.ts for EC2's query door,
 * test/cvm-fuzz.test.ts for CVM's API 3.0 door): a seeded generator and the
 * shape of one hostile request.
 */

/** xorshift32: fast and replayable from its seed. */
export function prng(seed: number): () => number {
  let x = seed || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** The seed of a run: `fromEnv` when set (to replay a printed seed), else a fresh one. */
export function fuzzSeed(fromEnv: string | undefined): number {
  return Number(fromEnv ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0);
}

/** One generated request. */
export interface FuzzCase {
  /** The family of hostility it belongs to, for the printed tally. */
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | string;
}

/**
 * Numbers as query text that no EC2 `Integer` parameter accepts: out of a
 * Java int's range, fractions, exponents, NaN and infinities, hex, blanks
 * (issue 12: `VolumeSize=1e308` once overflowed usage and lost the fleet).
 */
export const OUT_OF_RANGE_NUMBERS: readonly string[] = [
  "1e308", "-1e308", "1e+308", "1.5", "-0.5", "NaN", "Infinity", "-Infinity", "2147483648", "-2147483649",
  "99999999999999999999", "1e3", "0x10", " 5", "5 ", "", "5e-324", "+", "-",
];

/** JSON numbers no CVM integer parameter accepts (`1e400` parses to Infinity). */
export const OUT_OF_RANGE_JSON_NUMBERS: readonly string[] = ["1e308", "1e400", "-1e400", "1.5", "-0.5", "9007199254740993", "-1", "0", "1e-400"];

/** Values of the wrong type for any member of an SDK input, as careless callers pass them. */
export const WRONG_VALUES: readonly unknown[] = [
  null, undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e308, 1.5, -1, 2 ** 31, 0, -0,
  "yes", "", "1e3", " 5", "x".repeat(300), {}, [], [null], [undefined], { a: 1 }, true, false,
  new Date(Number.NaN), new Date(0), new Uint8Array([1, 2]), 10n, Symbol("s"), () => 1,
];

/** The part of a smithy schema the SDK-input generator walks (structurally, so this file needs no schema import). */
export interface SchemaLike {
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isBooleanSchema(): boolean;
  isNumericSchema(): boolean;
  isTimestampSchema(): boolean;
  isBlobSchema(): boolean;
  structIterator(): Iterable<[string, SchemaLike]>;
  getValueSchema(): SchemaLike;
}

/**
 * A random SDK input for an operation's input schema: a few members of
 * each structure, each a wrong-typed value one time in three and a
 * plausible one otherwise (strings from `strings`, small integers,
 * booleans, dates, bytes). Lists hold up to three items, sometimes null.
 */
export function sdkInput(rand: () => number, schema: SchemaLike, strings: readonly string[], depth = 0): unknown {
  const int = (max: number) => Math.floor(rand() * max);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  if (rand() < 0.3) return pick(WRONG_VALUES);
  if (schema.isStructSchema()) {
    const members = [...schema.structIterator()];
    const out: Record<string, unknown> = {};
    if (depth > 3) return out;
    for (let n = int(depth === 0 ? 6 : 3); n > 0; n--) {
      const [name, member] = pick(members);
      out[name] = sdkInput(rand, member, strings, depth + 1);
    }
    return out;
  }
  if (schema.isListSchema()) return Array.from({ length: int(4) }, () => (rand() < 0.1 ? null : sdkInput(rand, schema.getValueSchema(), strings, depth + 1)));
  if (schema.isBooleanSchema()) return rand() < 0.5;
  if (schema.isNumericSchema()) return int(12) - 1;
  if (schema.isTimestampSchema()) return new Date(int(2) * 1e12);
  if (schema.isBlobSchema()) return new Uint8Array([104, 105]);
  return pick(strings);
}
