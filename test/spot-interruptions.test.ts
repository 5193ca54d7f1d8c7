/**
 * Spot interruptions on demand (issue 18): `ec2.spot.interrupt` and
 * `POST /_mock/spot/interrupt` play EC2's sequence: the rebalance
 * recommendation (when asked), the two-minute interruption warning, the
 * request's status at the notice, then the interruption itself two minutes
 * later on the mock's clock (advance, fake timers), with the instance's
 * StateReason; a `maintain` EC2 Fleet replaces an interrupted instance.
 */
import {
  CreateFleetCommand,
  type CreateFleetCommandInput,
  CreateLaunchTemplateCommand,
  DescribeFleetInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  EC2Client,
  RequestSpotInstancesCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type SpotInstanceRequest,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type SpotEvent } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { useFrozenClock } from "./helpers.js";
import { describedInstance, runSpot, SPOT_ZONE, spotRequest } from "./spot-helpers.js";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const ZONE = SPOT_ZONE;
const iso = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");

const status = (r: SpotInstanceRequest) => [r.State, r.Status?.Code, r.Status?.Message, r.Status?.UpdateTime?.getTime()];

/** Every Spot event and state change, as [detail-type, time, detail]. */
function record(ec2: Ec2Mock): unknown[][] {
  const seen: unknown[][] = [];
  ec2.on("spot", (e: SpotEvent) => seen.push([e["detail-type"], e.time, e.detail, e.resources[0], e.source]));
  ec2.on("state-change", (e) => seen.push([e["detail-type"], e.time, e.detail]));
  return seen;
}

/** A running Spot Instance launched at NOW (pending for the realistic boot, then settled) and the time it runs from. */
async function launched(ec2: Ec2Mock, client: EC2Client, spot: Record<string, unknown> = {}, more: Partial<RunInstancesCommandInput> = {}) {
  const out = await runSpot(client, spot, more);
  await ec2.settle();
  const i = out.Instances![0]!;
  return { id: i.InstanceId!, sir: i.SpotInstanceRequestId!, at: ec2.now() };
}

describe.each(["plugin", "server"])("Spot interruptions through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("terminate: rebalance recommendation, then the warning, the request closed at once, the instance terminated two minutes later", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, sir, at } = await launched(ec2, client);
    const seen = record(ec2);
    ec2.spot.interrupt(id, { rebalance: true });
    const arn = `arn:aws:ec2:us-east-1:123456789012:instance/${id}`;
    expect(seen).toEqual([
      ["EC2 Instance Rebalance Recommendation", iso(at), { "instance-id": id }, arn, "aws.ec2"],
      ["EC2 Spot Instance Interruption Warning", iso(at), { "instance-id": id, "instance-action": "terminate" }, arn, "aws.ec2"],
    ]);
    // EC2 sets instance-terminated-no-capacity at once; the instance stays running for the two minutes.
    const marked = await spotRequest(client, sir);
    expect(status(marked)).toEqual([
      "closed",
      "instance-terminated-no-capacity",
      "Your instance was terminated due to standard capacity management processes.",
      at,
    ]);
    expect(marked.InstanceId).toBe(id);
    ec2.advance(119_999);
    expect((await describedInstance(client, id)).State?.Name).toBe("running");
    ec2.advance(1);
    const going = await describedInstance(client, id);
    expect([going.State?.Name, going.StateReason]).toEqual([
      "shutting-down",
      { Code: "Server.SpotInstanceTermination", Message: "Server.SpotInstanceTermination: Spot instance termination" },
    ]);
    await ec2.settle();
    const gone = await describedInstance(client, id);
    expect([gone.State?.Name, gone.StateReason?.Code]).toEqual(["terminated", "Server.SpotInstanceTermination"]);
    expect(seen.slice(2, 3)).toEqual([
      ["EC2 Instance State-change Notification", iso(at + 120_000), { "instance-id": id, state: "shutting-down" }],
    ]);
    expect(seen.at(-1)?.[2]).toEqual({ "instance-id": id, state: "terminated" });
    // A one-time request stays closed: nothing is relaunched.
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["closed", "instance-terminated-no-capacity"]);
  });

  it("stop (persistent): marked-for-stop during the notice, then stopped, the request disabled, instance-stopped-no-capacity", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, sir, at } = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    const seen = record(ec2);
    ec2.spot.interrupt(id);
    expect(seen).toEqual([
      [
        "EC2 Spot Instance Interruption Warning",
        iso(at),
        { "instance-id": id, "instance-action": "stop" },
        `arn:aws:ec2:us-east-1:123456789012:instance/${id}`,
        "aws.ec2",
      ],
    ]);
    expect(status(await spotRequest(client, sir))).toEqual(["active", "marked-for-stop", "The Spot Instance is marked for stopping.", at]);
    ec2.advance(120_000);
    const stopping = await describedInstance(client, id);
    expect([stopping.State?.Name, stopping.StateReason]).toEqual([
      "stopping",
      { Code: "Server.SpotInstanceShutdown", Message: "Server.SpotInstanceShutdown: Spot instance shutdown" },
    ]);
    expect(status(await spotRequest(client, sir))).toEqual([
      "disabled",
      "instance-stopped-no-capacity",
      "Your instance was stopped due to EC2 capacity management needs.",
      at + 120_000,
    ]);
    await ec2.settle();
    expect((await describedInstance(client, id)).State?.Name).toBe("stopped");
  });

  it("hibernate (persistent, hibernation configured): the warning says hibernate and hibernation begins at once", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, sir, at } = await launched(
      ec2,
      client,
      { SpotInstanceType: "persistent" },
      {
        HibernationOptions: { Configured: true },
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 30, Encrypted: true } }],
      },
    );
    const seen = record(ec2);
    ec2.spot.interrupt(id);
    expect(seen.map((e) => [e[0], e[1], e[2]])).toEqual([
      ["EC2 Spot Instance Interruption Warning", iso(at), { "instance-id": id, "instance-action": "hibernate" }],
      ["EC2 Instance State-change Notification", iso(at), { "instance-id": id, state: "stopping" }],
    ]);
    const stopping = await describedInstance(client, id);
    expect([stopping.State?.Name, stopping.StateReason?.Code]).toEqual(["stopping", "Server.SpotInstanceShutdown"]);
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["disabled", "instance-stopped-no-capacity"]);
    // The engine hibernates it (the timeline names the stop mode).
    expect([ec2.inspect(id).timeline.at(-1)?.to, ec2.inspect(id).timeline.at(-1)?.cause]).toEqual([
      "stopping",
      "StopInstances with Hibernate",
    ]);
  });

  it("a persistent request (terminate) reopens at the notice and launches a new instance once the old one is terminated", async () => {
    const { ec2, client } = await openDoor(door);
    const out = await client.send(
      new RequestSpotInstancesCommand({
        Type: "persistent",
        LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: "m5.large", Placement: { AvailabilityZone: ZONE } },
      }),
    );
    const sir = out.SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    await ec2.settle();
    const first = (await spotRequest(client, sir)).InstanceId!;
    expect((await describedInstance(client, first)).State?.Name).toBe("running");
    ec2.spot.interrupt(first);
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["open", "instance-terminated-no-capacity"]);
    expect((await spotRequest(client, sir)).InstanceId).toBe(first);
    ec2.advance(120_000);
    await ec2.settle();
    const after = await spotRequest(client, sir);
    expect(status(after).slice(0, 2)).toEqual(["active", "fulfilled"]);
    expect(after.InstanceId).not.toBe(first);
    expect((await describedInstance(client, first)).State?.Name).toBe("terminated");
    expect((await describedInstance(client, after.InstanceId!)).InstanceLifecycle).toBe("spot");
  });

  it("fake timers move the notice: vi.advanceTimersByTime(120_000) interrupts at the next call", async () => {
    vi.useFakeTimers({ now: NOW });
    const { ec2, client } = await openDoor(door);
    const { id } = await launched(ec2, client);
    ec2.spot.interrupt(id);
    vi.advanceTimersByTime(119_000);
    expect((await describedInstance(client, id)).State?.Name).toBe("running");
    vi.advanceTimersByTime(1_000);
    expect((await describedInstance(client, id)).State?.Name).toBe("shutting-down");
  });

  it("refuses an instance that is not a running Spot Instance, changing nothing", async () => {
    const { ec2, client } = await openDoor(door);
    const onDemand = (
      await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "m5.large", MinCount: 1, MaxCount: 1 }))
    ).Instances![0]!.InstanceId!;
    const { id, sir } = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    const seen = record(ec2);
    expect(() => ec2.spot.interrupt(onDemand)).toThrow(new TypeError(`ec2-mock: spot.interrupt: ${onDemand} is not a Spot Instance`));
    expect(() => ec2.spot.interrupt("i-0123456789abcdef0")).toThrow(
      new TypeError('ec2-mock: spot.interrupt: no instance "i-0123456789abcdef0"'),
    );
    expect(() => ec2.spot.interrupt(id, { rebalance: "yes" as unknown as boolean })).toThrow(
      new TypeError('ec2-mock: spot.interrupt: rebalance must be a boolean; got "yes"'),
    );
    ec2.spot.interrupt(id);
    expect(() => ec2.spot.interrupt(id)).toThrow(new TypeError(`ec2-mock: spot.interrupt: ${id} is already being interrupted`));
    ec2.advance(120_000);
    await ec2.settle();
    expect(() => ec2.spot.interrupt(id)).toThrow(new TypeError(`ec2-mock: spot.interrupt: ${id} is stopped, not running`));
    expect(seen.filter((e) => e[0] !== "EC2 Instance State-change Notification")).toHaveLength(1);
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["disabled", "instance-stopped-no-capacity"]);
  });

  it("a maintain EC2 Fleet replaces its interrupted Spot Instance", async () => {
    const { ec2, client } = await openDoor(door);
    const lt = (
      await client.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "spot-lt",
          LaunchTemplateData: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" },
        }),
      )
    ).LaunchTemplate!.LaunchTemplateId!;
    const { FleetId } = await client.send(
      new CreateFleetCommand({
        Type: "maintain",
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: lt } }],
        TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "spot" },
      } as CreateFleetCommandInput),
    );
    await ec2.settle();
    const active = async () =>
      (await client.send(new DescribeFleetInstancesCommand({ FleetId }))).ActiveInstances!.map((i) => i.InstanceId!);
    const [first, second] = await active();
    ec2.spot.interrupt(first!);
    ec2.advance(120_000);
    await ec2.settle();
    expect((await describedInstance(client, first!)).State?.Name).toBe("terminated");
    const after = await active();
    expect(after).toHaveLength(2);
    expect(after).toContain(second);
    expect(after).not.toContain(first);
    const replacement = await describedInstance(client, after.find((i) => i !== second)!);
    expect(replacement.InstanceLifecycle).toBe("spot");
  });
});

describe("POST /_mock/spot/interrupt", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("interrupts as the control does; a bad instance is 400 and changes nothing", async () => {
    const { ec2, client } = await openDoor("server");
    const server = await ec2.listen();
    try {
      const { id, sir, at } = await launched(ec2, client);
      const seen = record(ec2);
      const post = (query: string) => fetch(`${server.url}/_mock/spot/interrupt?${query}`, { method: "POST" });
      const bad = await post("instanceId=i-0123456789abcdef0");
      expect([bad.status, await bad.json()]).toEqual([400, { error: 'ec2-mock: spot.interrupt: no instance "i-0123456789abcdef0"' }]);
      const badFlag = await post(`instanceId=${id}&rebalance=maybe`);
      expect([badFlag.status, await badFlag.json()]).toEqual([
        400,
        { error: 'ec2-mock: spot.interrupt: rebalance must be a boolean; got "maybe"' },
      ]);
      expect(seen).toEqual([]);
      expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["active", "fulfilled"]);
      const ok = await post(`instanceId=${id}&rebalance=true`);
      expect([ok.status, await ok.json()]).toEqual([200, { interrupted: { instanceId: id, rebalance: true } }]);
      expect(seen.map((e) => [e[0], e[1]])).toEqual([
        ["EC2 Instance Rebalance Recommendation", iso(at)],
        ["EC2 Spot Instance Interruption Warning", iso(at)],
      ]);
      const advanced = await fetch(`${server.url}/_mock/advance?ms=120000`, { method: "POST" });
      expect(advanced.status).toBe(200);
      expect((await describedInstance(client, id)).StateReason?.Code).toBe("Server.SpotInstanceTermination");
    } finally {
      await server.close();
    }
  });
});

describe("a pending interruption is state", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("survives a snapshot restored into another mock, in a non-default Region, and still lands two minutes after the notice", async () => {
    const { ec2, client } = await openDoor("plugin", { region: "us-west-2" });
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        InstanceType: "m5.large",
        MinCount: 1,
        MaxCount: 1,
        InstanceMarketOptions: { MarketType: "spot" },
      }),
    );
    await ec2.settle();
    const id = out.Instances![0]!.InstanceId!;
    ec2.spot.interrupt(id);
    ec2.advance(60_000);
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    const other = await openDoor("plugin", { region: "us-west-2" });
    other.ec2.restore(snapshot);
    expect(() => other.ec2.spot.interrupt(id)).toThrow(new TypeError(`ec2-mock: spot.interrupt: ${id} is already being interrupted`));
    other.ec2.advance(59_999);
    expect((await describedInstance(other.client, id)).State?.Name).toBe("running");
    other.ec2.advance(1);
    expect((await describedInstance(other.client, id)).StateReason?.Code).toBe("Server.SpotInstanceTermination");
  });
});

describe("the README recipe", () => {
  it("launch Spot, interrupt, the app drained on the warning, and the request relaunched (fake timers)", async () => {
    vi.useFakeTimers({ now: NOW });
    const client = new EC2Client({ region: "us-east-1" });
    try {
      vi.useFakeTimers();
      const ec2 = createEc2Mock();
      client.middlewareStack.use(ec2);
      const drained: string[] = [];
      ec2.on("spot", (event) => {
        if (event["detail-type"] === "EC2 Spot Instance Interruption Warning") drained.push(event.detail["instance-id"]);
      });
      const { SpotInstanceRequests } = await client.send(
        new RequestSpotInstancesCommand({
          Type: "persistent",
          LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: "m5.large" },
        }),
      );
      await ec2.settle();
      const sir = SpotInstanceRequests![0]!.SpotInstanceRequestId!;
      const spotRequest = async () =>
        (await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] }))).SpotInstanceRequests![0]!;
      const first = (await spotRequest()).InstanceId!;

      ec2.spot.interrupt(first);
      expect(drained).toEqual([first]);
      vi.advanceTimersByTime(120_000);
      await ec2.settle();
      expect((await spotRequest()).InstanceId).not.toBe(first);
      expect((await describedInstance(client, first)).State?.Name).toBe("terminated");
    } finally {
      client.destroy();
      vi.useRealTimers();
    }
  });
});
