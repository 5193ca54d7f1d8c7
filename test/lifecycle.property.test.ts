import {
  type EC2Client,
  type InstanceState,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WINDOWS_AMI_ID } from "../src/index.js";
import { describeAll, launchIds, setup, useFrozenClock } from "./helpers.js";

/** EC2's state names and their low-byte codes. */
const codes: Record<string, number> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

/** Direct transitions EC2 can make; observations may skip several, so reachability is what is checked. */
const edges: Record<string, string[]> = {
  pending: ["running", "shutting-down"],
  running: ["stopping", "shutting-down"],
  stopping: ["stopped", "shutting-down"],
  stopped: ["pending", "shutting-down"],
  "shutting-down": ["terminated"],
  terminated: [],
};

function reachable(from: string): Set<string> {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0)
    for (const next of edges[queue.shift()!]!)
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
  return seen;
}

type Op = "stop" | "stopForce" | "stopSkip" | "stopHibernate" | "start" | "terminate" | "reboot";
type Step = { kind: "call"; op: Op; targets: number[] } | { kind: "advance"; ms: number } | { kind: "settle" };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("call" as const),
      op: fc.constantFrom<Op>("stop", "stopForce", "stopSkip", "stopHibernate", "start", "terminate", "reboot"),
      targets: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 90_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("settle" as const) }) },
);

/** What the reference model says a call on instances in these states must do: succeed, or fail with this code. */
function expectedOutcome(op: Op, states: string[], flags: { stopProtected: boolean; hibernation: boolean }[]): string | "ok" {
  const stopLike = op.startsWith("stop");
  if (stopLike && flags.some((f) => f.stopProtected)) return "OperationNotPermitted";
  if (op === "terminate" && states.some((s, i) => flags[i]!.stopProtected && s !== "shutting-down" && s !== "terminated")) {
    return "OperationNotPermitted";
  }
  if (op === "stopHibernate" && flags.some((f) => !f.hibernation)) return "UnsupportedHibernationConfiguration";
  const refused: Record<string, string[]> = {
    stop: ["pending", "shutting-down", "terminated"],
    start: ["stopping", "shutting-down", "terminated"],
    reboot: ["pending", "stopping", "stopped"],
    terminate: [],
  };
  const base = stopLike ? "stop" : op;
  return states.some((s) => refused[base]!.includes(s)) ? "IncorrectInstanceState" : "ok";
}

function send(client: EC2Client, op: Op, ids: string[]) {
  const InstanceIds = ids;
  switch (op) {
    case "stop":
      return client.send(new StopInstancesCommand({ InstanceIds }));
    case "stopForce":
      return client.send(new StopInstancesCommand({ InstanceIds, Force: true }));
    case "stopSkip":
      return client.send(new StopInstancesCommand({ InstanceIds, SkipOsShutdown: true }));
    case "stopHibernate":
      return client.send(new StopInstancesCommand({ InstanceIds, Hibernate: true }));
    case "start":
      return client.send(new StartInstancesCommand({ InstanceIds }));
    case "terminate":
      return client.send(new TerminateInstancesCommand({ InstanceIds }));
    case "reboot":
      return client.send(new RebootInstancesCommand({ InstanceIds }));
  }
}

describe("lifecycle invariants under random operations and clock moves", () => {
  useFrozenClock({ timers: true });

  it("only legal transitions, code matches name, rejected calls change nothing, terminated never comes back", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 255 }), async (steps, highByte) => {
        const { ec2, client } = setup({ stateCodeHighByte: highByte });
        const ids = [
          ...(await launchIds(client, { MaxCount: 2 })),
          ...(await launchIds(client, { ImageId: WINDOWS_AMI_ID, HibernationOptions: { Configured: true }, InstanceType: "t3.large" })),
          ...(await launchIds(client, { DisableApiStop: true })),
          ...(await launchIds(client, { HibernationOptions: { Configured: true }, InstanceType: "t3.micro" })),
        ];
        const flags = [
          { stopProtected: false, hibernation: false },
          { stopProtected: false, hibernation: false },
          { stopProtected: false, hibernation: true },
          { stopProtected: true, hibernation: false },
          { stopProtected: false, hibernation: true },
        ];
        let seen = await observe(client, ids, highByte);
        for (const s of steps) {
          if (s.kind === "advance") ec2.advance(s.ms);
          else if (s.kind === "settle") await ec2.settle();
          else {
            const targetIds = s.targets.map((t) => ids[t]!);
            const before = await observe(client, ids, highByte);
            const snapshot = JSON.stringify([...(await describeAll(client)).values()]);
            const expected = expectedOutcome(
              s.op,
              s.targets.map((t) => before.get(ids[t]!)!),
              s.targets.map((t) => flags[t]!),
            );
            const result = await send(client, s.op, targetIds).then(
              (out) => ({ ok: true as const, out }),
              (e: { name: string }) => ({ ok: false as const, code: e.name }),
            );
            if (expected === "ok") {
              expect(result).toMatchObject({ ok: true });
              const changes = (
                result as { out: { StoppingInstances?: unknown; StartingInstances?: unknown; TerminatingInstances?: unknown } }
              ).out;
              const list = (changes.StoppingInstances ?? changes.StartingInstances ?? changes.TerminatingInstances ?? []) as {
                InstanceId: string;
                PreviousState: InstanceState;
              }[];
              for (const change of list) expect(change.PreviousState.Name).toBe(before.get(change.InstanceId));
            } else {
              expect(result).toEqual({ ok: false, code: expected });
              expect(JSON.stringify([...(await describeAll(client)).values()])).toBe(snapshot);
            }
          }
          const now = await observe(client, ids, highByte);
          for (const id of ids) {
            const was = seen.get(id);
            const is = now.get(id);
            if (was === undefined)
              expect(is).toBeUndefined(); // gone stays gone
            else if (is === undefined)
              expect(was).toBe("terminated"); // only terminated instances disappear
            else expect(reachable(was).has(is), `${id}: ${was} → ${is}`).toBe(true);
          }
          seen = now;
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
    // A few seconds on an idle machine; CI's two cores may be busy with other suites.
  }, 120_000);
});

/** Each instance's state name (undefined once gone), checking code/name agreement and the high byte. */
async function observe(client: EC2Client, ids: string[], highByte: number): Promise<Map<string, string | undefined>> {
  const all = await describeAll(client);
  const out = new Map<string, string | undefined>();
  for (const id of ids) {
    const state = all.get(id)?.State;
    if (state !== undefined) {
      expect(state.Code! & 0xff).toBe(codes[state.Name!]);
      expect(state.Code! >> 8).toBe(highByte);
    }
    out.set(id, state?.Name);
  }
  return out;
}
