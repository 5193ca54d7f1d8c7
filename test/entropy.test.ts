import { describe, expect, it } from "vitest";
import { bytes, hex, int, keyPair, openTape, recordTape, replayTape, untapedUuid, uuid } from "../src/kit/entropy.js";

describe("entropy (src/kit/entropy.ts)", () => {
  it("draws UUIDs in crypto.randomUUID's form, version 4, all different", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = uuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });

  it("draws integers within the range, every value of a small range", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = int(3, 9);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThan(9);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8]);
    expect(() => int(5, 5)).toThrow(RangeError);
  });

  it("crosses the pool's refill (64 KiB) without repeating itself", () => {
    const first = hex(32);
    for (let i = 0; i < 300; i++) bytes(256);
    expect(hex(32)).not.toBe(first);
  });

  it("replays a tape: the same ids in the same order, and the same key pairs", () => {
    const live = recordTape(() => [uuid(), hex(8), int(0, 1000), keyPair("ed25519").publicKey.export({ format: "jwk" }).x]);
    expect(live.used).toBe(true);
    expect(live.tape.keys).toHaveLength(1);
    const again = replayTape(live.tape, () => [uuid(), hex(8), int(0, 1000), keyPair("ed25519").publicKey.export({ format: "jwk" }).x]);
    expect(again.value).toEqual(live.value);
    // Another seed draws other values.
    const other = recordTape(() => [uuid(), hex(8)]);
    expect(other.value[0]).not.toBe(live.value[0]);
  });

  it("keeps request ids off the tape: a run that only names its answer drew nothing", () => {
    const run = recordTape(() => untapedUuid());
    expect(run.used).toBe(false);
    const open = openTape();
    untapedUuid();
    expect(open.close()).toBe(false);
  });

  it("ends a tape even when the run throws, and nests tapes", () => {
    expect(() =>
      recordTape(() => {
        throw new Error("no");
      }),
    ).toThrow("no");
    const outer = openTape();
    const inner = recordTape(() => uuid());
    expect(inner.used).toBe(true);
    expect(outer.close()).toBe(false);
  });

  it("refuses a tape whose seed is not 32 hex digits", () => {
    expect(() => replayTape({ seed: "zz", keys: [] }, () => 1)).toThrow(RangeError);
  });
});
