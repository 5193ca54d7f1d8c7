/**
 * Issue 22 (e), seventh pass: the rendered instances are made from one object naming every member
 * (src/kit/ordered-literal.ts `from`) and the region renders through one context object it rewrites at each
 * render. What a caller is handed must stay its own: two answers describing the same instances are equal and share
 * no object, and writing into one answer changes neither the mock nor the next answer.
 */
import { DescribeInstancesCommand, type Instance, RunInstancesCommand, type RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { setup, useFrozenClock } from "./helpers.js";

useFrozenClock();

/** Every object reachable from `root` (Dates and arrays included). */
function objectsOf(root: unknown, into = new Set<object>()): Set<object> {
  if (typeof root !== "object" || root === null || into.has(root)) return into;
  into.add(root);
  for (const value of Object.values(root)) objectsOf(value, into);
  return into;
}

/** Writes into every object of an answer: strings and numbers changed, arrays emptied, Dates moved. */
function scribble(root: unknown): void {
  for (const o of objectsOf(root)) {
    if (o instanceof Date) o.setTime(0);
    else if (Array.isArray(o)) o.length = 0;
    else for (const key of Object.keys(o)) (o as Record<string, unknown>)[key] = "scribbled";
  }
}

const launches = fc.array(
  fc.record({
    count: fc.integer({ min: 1, max: 4 }),
    windows: fc.boolean(),
    tags: fc.array(fc.tuple(fc.constantFrom("Name", "Team", "Env"), fc.string({ maxLength: 8 })), { maxLength: 3 }),
  }),
  { minLength: 1, maxLength: 3 },
);

describe("rendered instances stay the caller's own (issue 22 (e), seventh pass)", () => {
  it("two answers are equal, share no object, and a write into one reaches neither the mock nor the next", async () => {
    await fc.assert(
      fc.asyncProperty(launches, async (plan) => {
        const { client } = setup({ timing: "instant" });
        const launched: Instance[][] = [];
        for (const l of plan) {
          const input: RunInstancesCommandInput = {
            ImageId: l.windows ? WINDOWS_AMI_ID : LINUX_AMI_ID,
            MinCount: l.count,
            MaxCount: l.count,
            ...(l.tags.length > 0 && {
              TagSpecifications: [{ ResourceType: "instance", Tags: l.tags.map(([Key, Value]) => ({ Key, Value })) }],
            }),
          };
          launched.push((await client.send(new RunInstancesCommand(input))).Instances ?? []);
        }
        const first = (await client.send(new DescribeInstancesCommand({}))).Reservations ?? [];
        const second = (await client.send(new DescribeInstancesCommand({}))).Reservations ?? [];
        expect(second).toStrictEqual(first);
        const seen = objectsOf(first);
        for (const o of objectsOf(second)) expect(seen.has(o)).toBe(false);
        for (const answer of launched) for (const o of objectsOf(answer)) expect(seen.has(o)).toBe(false);
        const kept = structuredClone(second);
        scribble(first);
        scribble(launched);
        expect(second).toStrictEqual(kept);
        const third = (await client.send(new DescribeInstancesCommand({}))).Reservations ?? [];
        expect(third).toStrictEqual(kept);
      }),
      { numRuns: 25 },
    );
  });
});
