import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isJsonFaithful } from "../src/kit/state/json-faithful.js";

describe("isJsonFaithful (issue 22: the state file checks the snapshot object instead of parsing it back)", () => {
  it("holds only for values JSON reads back deep-equal", () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withDate: true,
          withNullPrototype: true,
          withSparseArray: true,
          withTypedArray: true,
        }),
        (value) => {
          let text: string | undefined;
          try {
            text = JSON.stringify(value);
          } catch {
            return;
          }
          if (isJsonFaithful(value)) expect(isDeepStrictEqual(JSON.parse(text!), value) || isNullProtoEqual(text!, value)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("holds for plain JSON values, read from JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(isJsonFaithful(JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
    );
  });

  it("refuses what JSON would change", () => {
    const holey: unknown[] = [1];
    holey[2] = 3;
    const hidden = { a: 1 };
    Object.defineProperty(hidden, "b", { value: 2, enumerable: false });
    for (const value of [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      { a: undefined },
      [undefined],
      holey,
      { at: new Date(0) },
      { m: new Map() },
      { f: () => 1 },
      { toJSON: "x" },
      hidden,
      { n: [1, { deep: Number.NEGATIVE_INFINITY }] },
    ]) {
      expect(isJsonFaithful(value)).toBe(false);
    }
    expect(isJsonFaithful({ a: [1, "x", null, true, { b: -1.5 }] })).toBe(true);
  });
});

/** A null-prototype object reads back with Object's prototype: the same members, which is what a reader sees. */
function isNullProtoEqual(text: string, value: unknown): boolean {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]))
        : v;
  return isDeepStrictEqual(JSON.parse(text), strip(value));
}
