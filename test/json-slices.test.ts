/**
 * The snapshot's text in slices (src/kit/state/json-slices.ts, issue 22):
 * whatever the value, the slices joined are `JSON.stringify`'s text, and
 * the sliced atomic write leaves exactly that file.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonSlices, SLICE, writeSlicesAtomically } from "../src/kit/state/json-slices.js";
import { useTempDir } from "./helpers.js";

const temp = useTempDir("ec2-mock-json-slices-");

/** JSON values with arrays long enough to be sliced, a few levels down. */
const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !Object.is(v, -0));
const withLong = fc.record({
  a: fc.array(json, { minLength: SLICE - 2, maxLength: 2 * SLICE + 3 }),
  b: fc.record({ c: fc.array(fc.integer(), { minLength: 0, maxLength: SLICE + 1 }), d: json }),
  e: fc.array(fc.record({ f: fc.array(fc.string(), { minLength: SLICE, maxLength: SLICE + 2 }) }), { maxLength: 3 }),
});

describe("a snapshot's text in slices (issue 22 (c))", () => {
  it("joins to JSON.stringify's text, for any JSON value and long arrays near the top", () => {
    fc.assert(
      fc.property(fc.oneof(json, withLong), (value) => {
        expect([...jsonSlices(value)].join("")).toBe(JSON.stringify(value));
      }),
      { numRuns: 60 },
    );
  });

  it("writes that text to the file, and leaves the file as it was when the write is abandoned before the rename", async () => {
    const path = temp.fresh("slices");
    const value = { instances: Array.from({ length: 3 * SLICE + 1 }, (_, i) => ({ i, s: "é\n\u2028" })) };
    const bytes = await writeSlicesAtomically(path, jsonSlices(value));
    expect(readFileSync(path, "utf8")).toBe(JSON.stringify(value));
    expect(bytes).toBe(Buffer.byteLength(JSON.stringify(value)));
    await expect(
      writeSlicesAtomically(path, jsonSlices({ other: 1 }), path, () => {
        throw new Error("abandoned");
      }),
    ).rejects.toThrow("abandoned");
    expect(readFileSync(path, "utf8")).toBe(JSON.stringify(value));
  });
});
