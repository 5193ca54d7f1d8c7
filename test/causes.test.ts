/**
 * Causes are values (src/engine/causes.ts): the engine records what it saw
 * and carries the front's request unread; each front renders them. The EC2
 * words are pinned here as earlier versions wrote them, snapshots written
 * by an earlier version (causes as words) restore to the same timeline and
 * console, and CVM shows none of EC2's words.
 */
import {
  type EC2Client,
  GetConsoleOutputCommand,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createCvmMock } from "../src/cvm.js";
import { type Cause, causeFromText, describeCause } from "../src/engine/causes.js";
import { type Ec2Mock, type Ec2MockSnapshot, WINDOWS_AMI_ID } from "../src/index.js";
import { launchIds, setup, useFrozenClock } from "./helpers.js";

useFrozenClock();

async function consoleOf(client: EC2Client, id: string): Promise<string> {
  const out = await client.send(new GetConsoleOutputCommand({ InstanceId: id, Latest: true }));
  return Buffer.from(out.Output ?? "", "base64").toString("utf8");
}

/** A fleet whose timelines hold every kind of cause the EC2 front writes. */
async function fleet(): Promise<{ ec2: Ec2Mock; client: EC2Client; ids: string[] }> {
  const { ec2, client } = setup();
  const [skip, forced, hibernating, guest, harsher] = [
    ...(await launchIds(client, { MinCount: 1, MaxCount: 1 })),
    ...(await launchIds(client, { ImageId: WINDOWS_AMI_ID, MinCount: 1, MaxCount: 1 })),
    ...(await launchIds(client, { HibernationOptions: { Configured: true }, InstanceType: "m5.large" })),
    ...(await launchIds(client, { InstanceInitiatedShutdownBehavior: "terminate" })),
    ...(await launchIds(client)),
  ] as [string, string, string, string, string];
  await ec2.settle();
  ec2.guest(forced).configure({ shutdownEventTracker: true });
  await client.send(new StopInstancesCommand({ InstanceIds: [skip], SkipOsShutdown: true }));
  await client.send(new StopInstancesCommand({ InstanceIds: [forced], Force: true }));
  await client.send(new StopInstancesCommand({ InstanceIds: [hibernating], Hibernate: true }));
  await client.send(new StopInstancesCommand({ InstanceIds: [harsher] }));
  await client.send(new StopInstancesCommand({ InstanceIds: [harsher], SkipOsShutdown: true }));
  ec2.guest(guest).shutdown();
  await ec2.settle();
  await client.send(new StartInstancesCommand({ InstanceIds: [skip, forced, hibernating, harsher] }));
  await ec2.settle();
  await client.send(new RebootInstancesCommand({ InstanceIds: [forced] }));
  await ec2.settle();
  await client.send(new TerminateInstancesCommand({ InstanceIds: [skip], SkipOsShutdown: true }));
  await client.send(new TerminateInstancesCommand({ InstanceIds: [hibernating], Force: true }));
  await client.send(new TerminateInstancesCommand({ InstanceIds: [harsher] }));
  await ec2.settle();
  return { ec2, client, ids: [skip, forced, hibernating, guest, harsher] };
}

describe("EC2 renders the engine's causes in its own words", () => {
  it("the timeline words are those earlier versions wrote", async () => {
    const { ec2, ids } = await fleet();
    const [skip, forced, hibernating, guest, harsher] = ids.map((id) => ec2.inspect(id).timeline.map((t) => t.cause));
    expect(skip).toEqual([
      "RunInstances",
      "booted",
      "StopInstances with SkipOsShutdown",
      "power cut (SkipOsShutdown)",
      "StartInstances",
      "booted after a disk check",
      "TerminateInstances with SkipOsShutdown",
      "shutdown complete",
    ]);
    expect(forced).toEqual([
      "RunInstances",
      "booted",
      "StopInstances with Force",
      "power cut by Force",
      "StartInstances",
      "booted after a disk check",
      "RebootInstances; the guest did not respond (the Shutdown Event Tracker is waiting for a reason for the shutdown), so a hard reboot followed",
    ]);
    expect(hibernating).toEqual([
      "RunInstances",
      "booted",
      "StopInstances with Hibernate",
      "memory saved to the root volume",
      "StartInstances",
      "resumed from hibernation",
      "TerminateInstances with Force",
      "shutdown complete",
    ]);
    expect(guest).toEqual(["RunInstances", "booted", "instance-initiated shutdown (behaviour: terminate)", "shutdown complete"]);
    expect(harsher).toEqual([
      "RunInstances",
      "booted",
      "StopInstances",
      "power cut (SkipOsShutdown)",
      "StartInstances",
      "booted after a disk check",
      "TerminateInstances",
      "shutdown complete",
    ]);
  });

  it("a snapshot holds causes as values, not words", async () => {
    const { ec2, ids } = await fleet();
    const history = ec2.snapshot().instances.find((i) => i.instanceId === ids[0])!.machine.history;
    expect(history.map((h) => h.cause)).toEqual([
      { kind: "request", request: { action: "RunInstances" } },
      { kind: "booted", afterDiskCheck: false },
      { kind: "request", request: { action: "StopInstances", mode: "skip-os" } },
      { kind: "power-cut", by: "immediate" },
      { kind: "request", request: { action: "StartInstances" } },
      { kind: "booted", afterDiskCheck: true },
      { kind: "request", request: { action: "TerminateInstances", mode: "skip-os" } },
      { kind: "terminated" },
    ]);
  });

  it("a snapshot shares nothing mutable with the live mock: a cause is a copy, or a frozen shared value", async () => {
    const { ec2, ids } = await fleet();
    const before = ids.map((id) => ec2.inspect(id).timeline);
    for (const instance of ec2.snapshot().instances) {
      for (const change of instance.machine.history) {
        const cause = change.cause as { kind: string; request?: { action: string }; outcome?: string };
        try {
          cause.kind = "changed";
          if (cause.request !== undefined) cause.request.action = "changed";
          cause.outcome = "changed";
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError); // frozen: immutable, so safely shared
        }
      }
    }
    expect(ids.map((id) => ec2.inspect(id).timeline)).toEqual(before);
  });

  it("a snapshot of an earlier version (causes as words) restores to the same timelines and consoles", async () => {
    const { ec2, client, ids } = await fleet();
    const current = ec2.snapshot();
    // What an earlier version wrote: the same snapshot with each cause as the words the timeline shows.
    const legacy = JSON.parse(JSON.stringify(current)) as Ec2MockSnapshot;
    for (const instance of legacy.instances) {
      const words = ec2.inspect(instance.instanceId).timeline.map((t) => t.cause);
      instance.machine.history.forEach((change, i) => {
        (change as { cause: unknown }).cause = words[i];
      });
    }
    expect(typeof legacy.instances[0]!.machine.history[0]!.cause).toBe("string");
    const restored = setup();
    restored.ec2.restore(legacy);
    for (const id of ids) {
      expect(restored.ec2.inspect(id).timeline).toEqual(ec2.inspect(id).timeline);
      expect(await consoleOf(restored.client, id)).toBe(await consoleOf(client, id));
    }
    expect(JSON.parse(JSON.stringify(restored.ec2.snapshot()))).toEqual({ ...JSON.parse(JSON.stringify(current)) });
  });

  it("restore refuses a request EC2 never makes, and a cause of no known kind, naming the path", async () => {
    const source = setup({ timing: "instant" });
    await launchIds(source.client);
    const snapshot = JSON.parse(JSON.stringify(source.ec2.snapshot())) as Ec2MockSnapshot;
    const withCause = (cause: unknown): Ec2MockSnapshot => {
      const copy = structuredClone(snapshot);
      (copy.instances[0]!.machine.history[0] as { cause: unknown }).cause = cause;
      return copy;
    };
    const { ec2 } = setup();
    expect(() => ec2.restore(withCause("RunInstances twice"))).toThrow(
      /instances\[0\]\.machine\.history\[0\]\.cause must be a request of the EC2 front/,
    );
    expect(() => ec2.restore(withCause({ kind: "exploded" }))).toThrow(/history\[0\]\.cause\.kind must be one of request, reboot/);
    const sideways = { kind: "request", request: { action: "StopInstances", mode: "sideways" } };
    expect(() => ec2.restore(withCause(sideways))).toThrow(/history\[0\]\.cause\.request must be a request of the EC2 front/);
  });
});

describe("CVM renders the engine's causes in CVM's words", () => {
  it("a forced shutdown is named in CVM's terms, never with EC2's flags", async () => {
    const cvm = createCvmMock();
    const [soft, hard, guest] = cvm.launch({ InstanceCount: 3 }) as [string, string, string];
    await cvm.settle();
    cvm.guest(soft).configure({ damaged: true });
    const client = cvm.attach(await import("./cvm-doors.js").then((m) => m.newClient()));
    await client.StopInstances({ InstanceIds: [soft], StopType: "SOFT_FIRST" });
    await client.StopInstances({ InstanceIds: [hard], StopType: "HARD", StoppedMode: "STOP_CHARGING" });
    cvm.guest(guest).shutdown();
    await cvm.settle();
    const words = (id: string) => cvm.inspect(id).timeline.map((t) => t.cause);
    expect(words(soft)).toEqual([
      "RunInstances",
      "booted",
      "StopInstances (SOFT_FIRST, KEEP_CHARGING)",
      "forced shutdown: the soft shutdown did not finish in time",
    ]);
    expect(words(hard)).toEqual([
      "RunInstances",
      "booted",
      "StopInstances (HARD, STOP_CHARGING)",
      "forced shutdown without a soft shutdown",
    ]);
    expect(words(guest)).toEqual(["RunInstances", "booted", "instance-initiated shutdown", "the guest shut down"]);
    for (const id of [soft, hard, guest]) {
      for (const cause of words(id)) expect(cause).not.toMatch(/Force|SkipOsShutdown|Hibernate/);
    }
  });
});

describe("the engine's causes", () => {
  const words = { request: (r: string) => r, powerCut: (by: "timeout" | "immediate") => `cut:${by}` };

  it("reads every word it wrote before causes were values back into the cause it stood for", () => {
    const cases: [string, "running" | "stopped" | "terminated" | "stopping", Cause<string>][] = [
      ["booted", "running", { kind: "booted", afterDiskCheck: false }],
      ["booted after a disk check", "running", { kind: "booted", afterDiskCheck: true }],
      ["resumed from hibernation", "running", { kind: "resumed" }],
      ["the guest shut down", "stopped", { kind: "guest-shut-down" }],
      ["memory saved to the root volume", "stopped", { kind: "memory-saved" }],
      ["shutdown complete", "terminated", { kind: "terminated" }],
      ["power cut by an option", "stopped", { kind: "power-cut", by: "timeout" }],
      ["power cut (an option)", "stopped", { kind: "power-cut", by: "immediate" }],
      [
        "the guest did not shut down (it hung (badly)), so the stop was abandoned",
        "running",
        { kind: "stop-abandoned", obstacle: "it hung (badly)" },
      ],
      ["the guest did not shut down (it did not shut down in time), so the stop was abandoned", "running", { kind: "stop-abandoned" }],
      ["Anything a front asked", "stopping", { kind: "request", request: "Anything a front asked" }],
    ];
    for (const [text, to, cause] of cases) {
      const from = to === "running" && cause.kind === "stop-abandoned" ? "stopping" : "launching";
      expect(causeFromText(text, from, to, (t) => t)).toEqual(cause);
      expect(
        describeCause(
          causeFromText(text, from, to, (t) => t),
          { ...words, powerCut: () => text },
        ),
      ).toBe(text);
    }
  });

  it("reads a reboot's words: the front's request, then what the guest did", () => {
    const reboots: [string, Cause<string>][] = [
      ["Reboot", { kind: "reboot", request: "Reboot", outcome: "restarted" }],
      ["Reboot; the power was cycled without asking the guest", { kind: "reboot", request: "Reboot", outcome: "power-cycled" }],
      [
        "Reboot; the guest did not respond (it did not restart in time), so a hard reboot followed",
        { kind: "reboot", request: "Reboot", outcome: "hard" },
      ],
      [
        "Reboot (x); the guest did not respond (a (veto)), so the reboot was abandoned",
        { kind: "reboot", request: "Reboot (x)", outcome: "abandoned", obstacle: "a (veto)" },
      ],
    ];
    for (const [text, cause] of reboots) {
      expect(causeFromText(text, "running", "running", (t) => t)).toEqual(cause);
      expect(describeCause(cause, words)).toBe(text);
    }
  });
});
