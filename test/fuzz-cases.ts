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
