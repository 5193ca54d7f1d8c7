import { RebootInstancesCommand, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { realisticDurations as d, type InstanceStateChangeEvent } from "../src/index.js";
import { launchIds, setup, useFrozenClock } from "./helpers.js";

const T0 = Date.parse("2026-06-01T00:00:00.000Z");
useFrozenClock({ now: T0 });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("state-change events", () => {
  it("are EventBridge's EC2 Instance State-change Notifications, in order, timed when the transition happened", async () => {
    const { ec2, client } = setup({ accountId: "111122223333" });
    const events: InstanceStateChangeEvent[] = [];
    ec2.on("state-change", (event) => events.push(event));
    const [id] = await launchIds(client);
    ec2.advance(HOUR); // observed late: the event still carries the arrival time
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    await ec2.settle();

    expect(events.map((e) => e.detail.state)).toEqual([
      "pending",
      "running",
      "stopping",
      "stopped",
      "pending",
      "shutting-down",
      "terminated",
    ]);
    const at = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
    expect(events[0]).toEqual({
      version: "0",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      "detail-type": "EC2 Instance State-change Notification",
      source: "aws.ec2",
      account: "111122223333",
      time: at(T0),
      region: "us-east-1",
      resources: [`arn:aws:ec2:us-east-1:111122223333:instance/${id}`],
      detail: { "instance-id": id, state: "pending" },
    });
    expect(events[1]!.time).toBe(at(T0 + d.launch.linux));
    expect(events[2]!.time).toBe(at(T0 + HOUR));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it("are delivered by advance() alone, and stop after off()", async () => {
    const { ec2, client } = setup();
    const states: string[] = [];
    const handler = (event: InstanceStateChangeEvent) => states.push(event.detail.state);
    ec2.on("state-change", handler);
    await launchIds(client);
    ec2.advance(d.launch.linux);
    expect(states).toEqual(["pending", "running"]);
    ec2.off("state-change", handler);
    await launchIds(client);
    ec2.advance(d.launch.linux);
    expect(states).toEqual(["pending", "running"]);
  });
});

describe("inspect()", () => {
  it("shows the timeline of every transition with its time and cause", async () => {
    const { ec2, client } = setup();
    const [id] = await launchIds(client);
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], Force: true }));
    await ec2.settle();
    const inspection = ec2.inspect(id!);
    expect(inspection).toMatchObject({
      instanceId: id,
      state: "stopped",
      memory: "lost",
      fileSystem: "clean",
      hostStuck: false,
      rebooting: false,
    });
    expect(inspection.guest).toEqual({ os: "linux", config: {} });
    expect(inspection.timeline).toEqual([
      { at: new Date(T0), from: "pending", to: "pending", cause: "RunInstances" },
      { at: new Date(T0 + d.launch.linux), from: "pending", to: "running", cause: "booted" },
      { at: expect.any(Date), from: "running", to: "stopping", cause: "StopInstances with Force" },
      { at: expect.any(Date), from: "stopping", to: "stopped", cause: "the guest shut down" },
    ]);
  });
});

describe("usage(): billing for a scripted day", () => {
  it("bills each start at least 60 s then per second, only while running or hibernating; a reboot is no new period", async () => {
    const { ec2, client } = setup({
      timing: { launch: 0, start: 0, resume: 0, stop: 0, hibernate: 30_000, terminate: 0, statusChecks: 0 },
    });
    const [id] = await launchIds(client, { HibernationOptions: { Configured: true }, InstanceType: "m5.large" });
    ec2.advance(0);
    // 08:00–10:00 running, with a reboot at 09:00.
    ec2.advance(HOUR);
    await client.send(new RebootInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(HOUR);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(HOUR);
    // A start that lasts 10 s is billed 60 s.
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(10_000);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(HOUR);
    // 5 minutes running, then a hibernation whose 30 s of stopping are billed.
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(5 * MINUTE);
    await client.send(new StopInstancesCommand({ InstanceIds: [id!], Hibernate: true }));
    ec2.advance(HOUR);
    // Running again at the end of the day: the open period is billed so far (at least 60 s).
    await client.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(90_000);

    const usage = ec2.usage(id!);
    expect(usage.periods.map((p) => p.billedSeconds)).toEqual([2 * 3600, 60, 300 + 30, 90]);
    expect(usage.periods.at(-1)!.end).toBeUndefined();
    expect(usage.billedSeconds).toBe(7200 + 60 + 330 + 90);
    // The 8 GiB root volume has existed the whole time.
    const elapsed = (ec2.now() - T0) / 1000;
    expect(usage.ebsGibSeconds).toBe(8 * elapsed);
  });

  it("sums the fleet, keeping what expired instances cost", async () => {
    const { ec2, client } = setup({ timing: "instant" });
    const [a, b] = await launchIds(client, { MaxCount: 2 });
    ec2.advance(0);
    ec2.advance(10 * MINUTE);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [a!] }));
    ec2.advance(2 * HOUR); // a expires from DescribeInstances, not from the bill
    const fleet = ec2.usage();
    expect(fleet.instances.map((u) => u.instanceId).sort()).toEqual([a, b].sort());
    expect(ec2.usage(a!).billedSeconds).toBe(600);
    expect(ec2.usage(b!).billedSeconds).toBe(600 + 7200);
    expect(fleet.billedSeconds).toBe(600 + 600 + 7200);
    // a's root volume was deleted on termination; b's still exists.
    expect(fleet.ebsGibSeconds).toBe(8 * 600 + 8 * (600 + 7200));
  });
});
