import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type IdPrefix, isWellFormedId, newId } from "../src/aws/ec2/model/ids.js";

/**
 * `isWellFormedId` reads ids character by character (issue 22: the regular
 * expression was a visible part of every call naming an instance). It must
 * accept exactly what `^prefix-(?:[0-9a-f]{8}|[0-9a-f]{17})$` accepts.
 */
const prefixes: readonly IdPrefix[] = [
  "i",
  "r",
  "vol",
  "eni",
  "eipalloc",
  "eipassoc",
  "ami",
  "subnet",
  "vpc",
  "sg",
  "sgr",
  "snap",
  "key",
  "lt",
];
const shapeOf = (prefix: string) => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);

/** Strings near an id: a prefix (maybe another family's), a separator, digits of any case and length, maybe a tail. */
const nearId = fc
  .tuple(
    fc.constantFrom(...prefixes, "", "I", "i-i", "vol-"),
    fc.constantFrom("-", "", "_", "--"),
    fc.stringMatching(/^[0-9a-fA-G]{0,19}$/),
    fc.constantFrom("", "\n", " ", "x", "0"),
  )
  .map(([prefix, dash, digits, tail]) => `${prefix}${dash}${digits}${tail}`);

describe("isWellFormedId", () => {
  it("accepts exactly what EC2's id shape accepts, for every family", () => {
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.oneof(nearId, fc.string()), (prefix, value) => {
        expect(isWellFormedId(prefix, value)).toBe(shapeOf(prefix).test(value));
      }),
      { numRuns: 5000 },
    );
  });

  it("accepts the ids the mock mints, and their 8-digit forms; refuses non-strings", () => {
    for (const prefix of prefixes) {
      const id = newId(prefix);
      expect(isWellFormedId(prefix, id)).toBe(true);
      expect(isWellFormedId(prefix, id.slice(0, prefix.length + 9))).toBe(true);
      expect(isWellFormedId(prefix, id.toUpperCase())).toBe(false);
    }
    for (const value of [undefined, null, 12345678, ["i-12345678"], { toString: () => "i-12345678" }]) {
      expect(isWellFormedId("i", value)).toBe(false);
    }
  });
});
