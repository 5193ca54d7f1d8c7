/**
 * What the EC2 query codec's property tests share: EC2's operation names as
 * the SDK's schemas list them, and a seeded generator for their random
 * inputs (test/wire-decoder.test.ts, test/wire-encoder.test.ts).
 */
import { loadWireDeps, wireDeps } from "../src/protocols/ec2-query/deps.js";

/** Every EC2 operation the user's SDK has a schema for (`StopInstances$` and friends: `[9, …]`), sorted. */
export async function ec2OperationNames(): Promise<string[]> {
  await loadWireDeps();
  return Object.entries(wireDeps().sdk)
    .filter(([name, schema]) => name.endsWith("$") && Array.isArray(schema) && schema[0] === 9)
    .map(([name]) => name.slice(0, -1))
    .sort();
}

/** A small deterministic generator (the property's seed drives it), so that a failure replays. */
export function randomOf(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
