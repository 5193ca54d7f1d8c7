/**
 * Issue 22 (d): each instance's timeline keeps its latest `timelineLimit`
 * changes and folds the older ones into running totals, so usage stays exact
 * while memory and snapshots stay bounded; the call history bounds the
 * records its outputs hold (`history.outputLimit`).
 */
import {
  DescribeInstanceAttributeCommand,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { billedPeriods } from "../src/aws/ec2/observe/controls.js";
import { createCvmMock } from "../src/cvm.js";
import { Clock } from "../src/engine/clock.js";
import { Engine } from "../src/engine/engine.js";
import { billedSecondsOf } from "../src/engine/history.js";
import type { StopMode } from "../src/engine/machine.js";
import { resolveDurations } from "../src/engine/timing.js";
import { createEc2Mock, type Ec2MockSnapshot, LINUX_AMI_ID } from "../src/index.js";
import "../src/vitest.js";
import { newClient } from "./cvm-doors.js";
import { launchIds, setup, useFrozenClock } from "./helpers.js";

type Op =
  | { kind: "stop"; mode: StopMode }
  | { kind: "start" }
  | { kind: "reboot" }
  | { kind: "advance"; ms: number }
  | { kind: "terminate" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("stop" as const),
      mode: fc.constantFrom<StopMode>("graceful", "hibernate", "force", "skip-os"),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "start" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "reboot" as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 400_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "terminate" as const }) },
);

/** Billed seconds of a machine: the folded totals plus the periods its kept timeline shows. */
function billed(engine: Engine, id: string): { seconds: number; periods: number; listed: number } {
  const machine = engine.get(id)!;
  const periods = billedPeriods(machine.history, engine.clock.now(), machine.folded);
  const folded = machine.folded;
  return {
    seconds: periods.reduce((sum, p) => sum + p.billedSeconds, folded?.billedSeconds ?? 0),
    periods: periods.length + (folded?.periods ?? 0),
    listed: periods.length,
  };
}

describe("the engine's bounded timeline", () => {
  useFrozenClock();

  it("folds dropped changes into totals equal to the uncapped timeline's, for any sequence of changes", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), fc.constantFrom(16, 17, 40), (ops, limit) => {
        const clock = new Clock();
        const durations = resolveDurations("realistic");
        const capped = new Engine(durations, clock, limit);
        const whole = new Engine(durations, clock, Number.POSITIVE_INFINITY);
        for (const engine of [capped, whole]) engine.launch("i-1", "linux", "launch");
        for (const step of ops) {
          for (const engine of [capped, whole]) {
            const m = engine.get("i-1");
            if (m === undefined) continue;
            engine.catchUp();
            if (step.kind === "stop" && m.phase === "running") engine.stop(m, step.mode, "stop");
            else if (step.kind === "start" && m.phase === "stopped") engine.start(m, "start");
            else if (step.kind === "reboot" && m.phase === "running") engine.reboot(m, "reboot");
            else if (step.kind === "terminate" && m.phase !== "terminated") engine.terminate(m, "terminate");
          }
          if (step.kind === "advance") clock.advance(step.ms);
          capped.catchUp();
          whole.catchUp();
          const a = capped.get("i-1");
          const b = whole.get("i-1");
          if (a === undefined || b === undefined) {
            expect(a).toBe(b);
            continue;
          }
          expect(a.history.length).toBe(Math.min(limit, b.history.length));
          expect(a.history).toEqual(b.history.slice(b.history.length - a.history.length));
          expect(a.folded?.dropped ?? 0).toBe(b.history.length - a.history.length);
          const cappedBill = billed(capped, "i-1");
          const wholeBill = billed(whole, "i-1");
          expect(cappedBill.seconds).toBe(wholeBill.seconds);
          expect(cappedBill.periods).toBe(wholeBill.periods);
          // The listed periods are the latest of the whole list, the first possibly opened among the dropped changes.
          const all = billedPeriods(b.history, clock.now());
          expect(billedPeriods(a.history, clock.now(), a.folded)).toEqual(all.slice(all.length - cappedBill.listed));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("bills each period per second with a 60 s minimum", () => {
    expect(billedSecondsOf(0, 1)).toBe(60);
    expect(billedSecondsOf(0, 60_001)).toBe(61);
  });
});

describe("createEc2Mock({ timelineLimit })", () => {
  useFrozenClock();

  /** Stop/start cycles through the plugin (realistic timing: each stop and start takes its time). */
  async function cycle(ec2: ReturnType<typeof setup>["ec2"], client: ReturnType<typeof setup>["client"], id: string, times: number) {
    for (let n = 0; n < times; n++) {
      await client.send(new StopInstancesCommand({ InstanceIds: [id], Force: n % 3 === 0 }));
      ec2.advance(97_000 + n * 1_013);
      await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      ec2.advance(150_000 + n * 517);
      if (n % 4 === 1) await client.send(new RebootInstancesCommand({ InstanceIds: [id] }));
    }
  }

  it("keeps the latest N transitions, says how many were dropped, and keeps usage() and fleetUsage() exact", async () => {
    const capped = setup({ timelineLimit: 16 });
    const whole = setup({ timelineLimit: Number.POSITIVE_INFINITY });
    const [a] = await launchIds(capped.client);
    const [b] = await launchIds(whole.client);
    for (const { ec2 } of [capped, whole]) ec2.advance(60_000);
    await cycle(capped.ec2, capped.client, a!, 12);
    await cycle(whole.ec2, whole.client, b!, 12);

    const kept = capped.ec2.inspect(a!);
    const all = whole.ec2.inspect(b!);
    expect(all.timelineDropped).toBeUndefined();
    expect(all.timeline.length).toBeGreaterThan(40);
    expect(kept.timeline).toHaveLength(16);
    expect(kept.timelineDropped).toBe(all.timeline.length - 16);
    expect(kept.timeline).toEqual(all.timeline.slice(-16));

    const usage = capped.ec2.usage(a!);
    const wholeUsage = whole.ec2.usage(b!);
    expect(usage.billedSeconds).toBe(wholeUsage.billedSeconds);
    expect(wholeUsage.droppedPeriods).toBeUndefined();
    expect(usage.droppedPeriods! + usage.periods.length).toBe(wholeUsage.periods.length);
    expect(usage.periods).toEqual(wholeUsage.periods.slice(-usage.periods.length));
    expect(capped.ec2.usage().billedSeconds).toBe(whole.ec2.usage().billedSeconds);

    // A terminated instance's usage, frozen when its visibility runs out, keeps the totals too.
    await capped.client.send(new TerminateInstancesCommand({ InstanceIds: [a!] }));
    await whole.client.send(new TerminateInstancesCommand({ InstanceIds: [b!] }));
    for (const { ec2 } of [capped, whole]) ec2.advance(5 * 3_600_000);
    expect(() => capped.ec2.inspect(a!)).toThrow();
    expect(capped.ec2.usage(a!).droppedPeriods).toBeGreaterThan(0);
    expect(capped.ec2.usage(a!).billedSeconds).toBe(whole.ec2.usage(b!).billedSeconds);
    expect(capped.ec2.usage().billedSeconds).toBe(whole.ec2.usage().billedSeconds);
  });

  it("passes toHaveTransitioned on what is kept", async () => {
    const { ec2, client } = setup({ timelineLimit: 16, timing: "instant" });
    const [id] = await launchIds(client);
    await cycle(ec2, client, id!, 8);
    expect(ec2.inspect(id!).timelineDropped).toBeGreaterThan(0);
    expect(ec2).toHaveTransitioned(id!, ["stopped", "running"]);
  });

  it("carries the folded totals through a snapshot (JSON and back)", async () => {
    const source = setup({ timelineLimit: 16 });
    const [id] = await launchIds(source.client);
    source.ec2.advance(60_000);
    await cycle(source.ec2, source.client, id!, 10);
    const snapshot = JSON.parse(JSON.stringify(source.ec2.snapshot())) as Ec2MockSnapshot;
    const machine = findMachine(snapshot);
    expect(machine.folded).toMatchObject({ dropped: source.ec2.inspect(id!).timelineDropped });

    const target = setup({ timelineLimit: 16 });
    target.ec2.restore(snapshot);
    expect(target.ec2.inspect(id!)).toEqual(source.ec2.inspect(id!));
    expect(target.ec2.usage(id!)).toEqual(source.ec2.usage(id!));
    expect(target.ec2.snapshot()).toEqual(source.ec2.snapshot());
  });

  it("restores a snapshot written without a limit (no folded totals) under one, with the same usage", async () => {
    const source = setup({ timelineLimit: Number.POSITIVE_INFINITY });
    const [id] = await launchIds(source.client);
    source.ec2.advance(60_000);
    await cycle(source.ec2, source.client, id!, 10);
    const snapshot = JSON.parse(JSON.stringify(source.ec2.snapshot())) as Ec2MockSnapshot;
    expect(JSON.stringify(snapshot)).not.toContain('"folded"');

    const target = setup({ timelineLimit: 16 });
    target.ec2.restore(snapshot);
    const all = source.ec2.inspect(id!);
    const kept = target.ec2.inspect(id!);
    expect(kept.timeline).toEqual(all.timeline.slice(-16));
    expect(kept.timelineDropped).toBe(all.timeline.length - 16);
    expect(target.ec2.usage(id!).billedSeconds).toBe(source.ec2.usage(id!).billedSeconds);
  });

  it("refuses a bad limit with a RangeError", () => {
    for (const bad of [0, 15, 2.5, -1, Number.NaN, "20"]) {
      expect(() => createEc2Mock({ timelineLimit: bad as number })).toThrow(RangeError);
    }
    expect(() => createEc2Mock({ timelineLimit: 16 })).not.toThrow();
  });
});

/** The machine of the snapshot's first instance, wherever the snapshot keeps it. */
function findMachine(snapshot: Ec2MockSnapshot): { folded?: unknown } {
  const walk = (v: unknown): { folded?: unknown } | undefined => {
    if (typeof v !== "object" || v === null) return undefined;
    if ("history" in v && "scheduleToken" in v) return v as { folded?: unknown };
    for (const child of Object.values(v)) {
      const hit = walk(child);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  return walk(snapshot) ?? {};
}

describe("createCvmMock({ timelineLimit }): the same engine records, the same cap", () => {
  useFrozenClock();

  it("keeps the latest N changes and counts the dropped ones", async () => {
    const cvm = createCvmMock({ timing: "instant", timelineLimit: 16 });
    const client = cvm.attach(newClient());
    const [id] = cvm.launch({});
    await cvm.settle();
    for (let n = 0; n < 8; n++) {
      await client.StopInstances({ InstanceIds: [id!] });
      await cvm.settle();
      await client.StartInstances({ InstanceIds: [id!] });
      await cvm.settle();
    }
    const inspection = cvm.inspect(id!);
    expect(inspection.timeline).toHaveLength(16);
    expect(inspection.timelineDropped).toBeGreaterThan(0);
    expect(inspection.timeline.at(-1)?.to).toBe("RUNNING");
    expect(() => createCvmMock({ timelineLimit: 3 })).toThrow(RangeError);
  });
});

describe("the call history's outputLimit", () => {
  it("drops the oldest outputs past the limit, keeps the calls, and the matchers still read them", async () => {
    const { ec2, client } = setup({ timing: "instant", history: { outputLimit: 40 } });
    const launches: string[][] = [];
    for (let n = 0; n < 4; n++) launches.push(await launchIds(client, { MinCount: 3, MaxCount: 3 }));
    const calls = ec2.calls({ action: "RunInstances" });
    expect(calls).toHaveLength(4);
    const kept = calls.filter((c) => c.output !== undefined);
    const dropped = calls.filter((c) => c.outputDropped === true);
    expect(kept.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
    // Oldest first: every dropped output comes before every kept one.
    expect(calls.findIndex((c) => c.output !== undefined)).toBe(dropped.length);
    for (const call of dropped) expect(call.output).toBeUndefined();
    expect((kept.at(-1)!.output as { Instances: { InstanceId: string }[] }).Instances.map((i) => i.InstanceId)).toEqual(launches[3]);
    expect(ec2).toHaveReceivedCallTimes("RunInstances", 4);
    expect(ec2).toHaveReceivedCall("RunInstances", { ImageId: LINUX_AMI_ID, MinCount: 3 });
  });

  it("keeps a call whose output alone is over the limit without it; 0 keeps no output; Infinity keeps every one", async () => {
    const small = setup({ timing: "instant", history: { outputLimit: 0 } });
    await launchIds(small.client);
    expect(small.ec2.calls()[0]).toMatchObject({ action: "RunInstances", outputDropped: true });
    expect(small.ec2.calls()[0]!.output).toBeUndefined();
    // An output without records (no array) is not kept either.
    const [id] = await launchIds(small.client);
    await small.client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "disableApiStop" }));
    expect(small.ec2.calls().at(-1)).toMatchObject({ action: "DescribeInstanceAttribute", outputDropped: true });

    const all = setup({ timing: "instant", history: { outputLimit: Number.POSITIVE_INFINITY } });
    for (let n = 0; n < 3; n++) await launchIds(all.client, { MinCount: 50, MaxCount: 50 });
    expect(all.ec2.calls().every((c) => c.output !== undefined && c.outputDropped === undefined)).toBe(true);

    expect(() => createEc2Mock({ history: { outputLimit: -1 } })).toThrow(RangeError);
    expect(() => createEc2Mock({ history: { outputLimit: 1.5 } })).toThrow(RangeError);
  });
});
