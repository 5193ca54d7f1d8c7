/**
 * Spot requests against capacity and price (issue 18): open requests wait
 * `capacity-not-available` while their pools are withdrawn and are
 * fulfilled once restored; a price rise above a request's maximum
 * interrupts its instance (warning, `marked-for-*`, then `*-by-price` two
 * minutes later); EC2 restarts an interrupted, stopped or hibernated
 * instance when capacity and price allow; launch groups, Availability Zone
 * groups and client tokens of RequestSpotInstances; every filter of
 * DescribeSpotInstanceRequests.
 */
import {
  CancelSpotInstanceRequestsCommand,
  DescribeSpotInstanceRequestsCommand,
  EC2Client,
  RequestSpotInstancesCommand,
  type RequestSpotLaunchSpecification,
  type RunInstancesCommandInput,
  type SpotInstanceRequest,
  StartInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type SpotEvent } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, useFrozenClock } from "./helpers.js";
import { describedInstance, requestSpot, runSpot, SPOT_TYPE, SPOT_ZONE, spotRequest, spotRequests } from "./spot-helpers.js";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const TYPE = SPOT_TYPE;
const ZONE = SPOT_ZONE;
const OTHER = "us-east-1b";
const MINUTE = 60_000;
const iso = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");

const status = (r: SpotInstanceRequest) => [r.State, r.Status?.Code, r.Status?.Message, r.Status?.UpdateTime?.getTime()];
const ids = (list: readonly SpotInstanceRequest[]) => list.map((r) => r.SpotInstanceRequestId);
const CAPACITY_NOT_AVAILABLE = "There is not enough capacity available for the instances that you requested.";
const FULFILLED = "Your spot request is fulfilled.";
const TERMINATION = { Code: "Server.SpotInstanceTermination", Message: "Server.SpotInstanceTermination: Spot instance termination" };
const SHUTDOWN = { Code: "Server.SpotInstanceShutdown", Message: "Server.SpotInstanceShutdown: Spot instance shutdown" };

/** The Spot events, as [detail-type, time, detail]. */
function record(ec2: Ec2Mock): unknown[][] {
  const seen: unknown[][] = [];
  ec2.on("spot", (e: SpotEvent) => seen.push([e["detail-type"], e.time, e.detail]));
  return seen;
}

/** A running Spot Instance launched by RunInstances, with its request id and the time it runs from. */
async function launched(ec2: Ec2Mock, client: EC2Client, spot: Record<string, unknown> = {}, more: Partial<RunInstancesCommandInput> = {}) {
  const out = await runSpot(client, spot, more);
  await ec2.settle();
  const i = out.Instances![0]!;
  return { id: i.InstanceId!, sir: i.SpotInstanceRequestId!, at: ec2.now() };
}

const pool = (availabilityZone = ZONE) => ({ instanceType: TYPE, availabilityZone });

describe.each(["plugin", "httpHandler", "server"])("Spot requests against capacity and price through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("an open request waits capacity-not-available while its pool is withdrawn, and is fulfilled at the first call after the restore", async () => {
    const { ec2, client } = await openDoor(door);
    ec2.capacity.withdraw(pool());
    const out = await requestSpot(client, { InstanceCount: 2 });
    // EC2's answer: the requests as submitted.
    expect(out.SpotInstanceRequests!.map((r) => [r.State, r.Status?.Code])).toEqual([
      ["open", "pending-evaluation"],
      ["open", "pending-evaluation"],
    ]);
    const sirs = out.SpotInstanceRequests!.map((r) => r.SpotInstanceRequestId!);
    for (const sir of sirs)
      expect(status(await spotRequest(client, sir))).toEqual(["open", "capacity-not-available", CAPACITY_NOT_AVAILABLE, NOW]);
    ec2.advance(5 * MINUTE);
    // Still held: the status time does not move while nothing changes.
    expect(status(await spotRequest(client, sirs[0]!))).toEqual(["open", "capacity-not-available", CAPACITY_NOT_AVAILABLE, NOW]);
    expect((await spotRequest(client, sirs[0]!)).InstanceId).toBeUndefined();
    ec2.capacity.restore(pool());
    const after = await spotRequests(client, { SpotInstanceRequestIds: sirs });
    expect(after.map(status)).toEqual([
      ["active", "fulfilled", FULFILLED, NOW + 5 * MINUTE],
      ["active", "fulfilled", FULFILLED, NOW + 5 * MINUTE],
    ]);
    expect(after.map((r) => r.LaunchedAvailabilityZone)).toEqual([ZONE, ZONE]);
    expect((await describedInstance(client, after[0]!.InstanceId!)).InstanceLifecycle).toBe("spot");
  });

  it("a request naming no zone goes to a zone with capacity, and waits only when no zone has any", async () => {
    const { ec2, client } = await openDoor(door);
    const spec: RequestSpotLaunchSpecification = { ImageId: LINUX_AMI_ID, InstanceType: TYPE };
    ec2.capacity.withdraw(pool(ZONE));
    const placed = (await requestSpot(client, { LaunchSpecification: spec })).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    const fulfilled = await spotRequest(client, placed);
    expect([fulfilled.State, fulfilled.LaunchedAvailabilityZone]).toEqual(["active", OTHER]);
    const zones = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"];
    for (const zone of zones) ec2.capacity.withdraw(pool(zone));
    const held = (await requestSpot(client, { LaunchSpecification: spec })).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    expect(status(await spotRequest(client, held)).slice(0, 2)).toEqual(["open", "capacity-not-available"]);
    ec2.capacity.restore(pool("us-east-1c"));
    const later = await spotRequest(client, held);
    expect([later.State, later.Status?.Code, later.LaunchedAvailabilityZone]).toEqual(["active", "fulfilled", "us-east-1c"]);
  });

  it("a persistent RunInstances request terminated by its user relaunches only once capacity is back", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, sir } = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    ec2.capacity.withdraw(pool());
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    const held = await spotRequest(client, sir);
    expect([held.State, held.Status?.Code, held.InstanceId]).toEqual(["open", "capacity-not-available", id]);
    ec2.capacity.restore(pool());
    const relaunched = await spotRequest(client, sir);
    expect([relaunched.State, relaunched.Status?.Code]).toEqual(["active", "fulfilled"]);
    expect(relaunched.InstanceId).not.toBe(id);
  });

  it("price (terminate): the warning and marked-for-termination at once, instance-terminated-by-price two minutes later", async () => {
    const { ec2, client } = await openDoor(door);
    ec2.spot.setPrice({ ...pool(), price: 0.05 });
    const { id, sir, at } = await launched(ec2, client, { MaxPrice: "0.06" });
    const seen = record(ec2);
    // At the maximum: nothing happens.
    ec2.spot.setPrice({ ...pool(), price: 0.06 });
    expect(seen).toEqual([]);
    // Another pool: nothing happens.
    ec2.spot.setPrice({ ...pool(OTHER), price: 0.5 });
    expect(seen).toEqual([]);
    ec2.spot.setPrice({ ...pool(), price: 0.07 });
    expect(seen).toEqual([["EC2 Spot Instance Interruption Warning", iso(at), { "instance-id": id, "instance-action": "terminate" }]]);
    expect(status(await spotRequest(client, sir))).toEqual([
      "active",
      "marked-for-termination",
      "The Spot Instance is marked for termination.",
      at,
    ]);
    // No second warning while the notice runs.
    ec2.spot.setPrice({ ...pool(), price: 0.08 });
    expect(seen).toHaveLength(1);
    ec2.advance(119_999);
    expect((await describedInstance(client, id)).State?.Name).toBe("running");
    ec2.advance(1);
    const going = await describedInstance(client, id);
    expect([going.State?.Name, going.StateReason]).toEqual(["shutting-down", TERMINATION]);
    expect(status(await spotRequest(client, sir))).toEqual([
      "closed",
      "instance-terminated-by-price",
      "Your instance was terminated because the Spot price exceeded your maximum price.",
      at + 120_000,
    ]);
    await ec2.settle();
    expect((await describedInstance(client, id)).State?.Name).toBe("terminated");
  });

  it("price (stop, persistent): marked-for-stop, instance-stopped-by-price, then restarted when the price falls back", async () => {
    const { ec2, client } = await openDoor(door);
    ec2.spot.setPrice({ ...pool(), price: 0.05 });
    const { id, sir, at } = await launched(ec2, client, {
      MaxPrice: "0.06",
      SpotInstanceType: "persistent",
      InstanceInterruptionBehavior: "stop",
    });
    const seen = record(ec2);
    ec2.spot.setPrice({ ...pool(), price: 0.09 });
    expect(seen).toEqual([["EC2 Spot Instance Interruption Warning", iso(at), { "instance-id": id, "instance-action": "stop" }]]);
    expect(status(await spotRequest(client, sir))).toEqual(["active", "marked-for-stop", "The Spot Instance is marked for stopping.", at]);
    ec2.advance(120_000);
    const stopping = await describedInstance(client, id);
    expect([stopping.State?.Name, stopping.StateReason]).toEqual(["stopping", SHUTDOWN]);
    expect(status(await spotRequest(client, sir))).toEqual([
      "disabled",
      "instance-stopped-by-price",
      "Your instance was stopped because the Spot price exceeded your maximum price.",
      at + 120_000,
    ]);
    await ec2.settle();
    ec2.advance(60 * MINUTE);
    // The price is still above the maximum: it stays stopped.
    expect((await describedInstance(client, id)).State?.Name).toBe("stopped");
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["disabled", "instance-stopped-by-price"]);
    ec2.spot.setPrice({ ...pool(), price: 0.06 });
    const restarting = await describedInstance(client, id);
    expect(restarting.State?.Name).toBe("pending");
    const back = await spotRequest(client, sir);
    expect(status(back)).toEqual(["active", "fulfilled", FULFILLED, ec2.now()]);
    expect(back.InstanceId).toBe(id);
    await ec2.settle();
    expect((await describedInstance(client, id)).State?.Name).toBe("running");
  });

  it("price (hibernate): hibernation begins at once", async () => {
    const { ec2, client } = await openDoor(door);
    ec2.spot.setPrice({ ...pool(), price: 0.05 });
    const { id, sir } = await launched(
      ec2,
      client,
      { MaxPrice: "0.06", SpotInstanceType: "persistent" },
      {
        HibernationOptions: { Configured: true },
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 30, Encrypted: true } }],
      },
    );
    ec2.spot.setPrice({ ...pool(), price: 0.1 });
    const stopping = await describedInstance(client, id);
    expect([stopping.State?.Name, stopping.StateReason?.Code]).toEqual(["stopping", "Server.SpotInstanceShutdown"]);
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["disabled", "instance-stopped-by-price"]);
    expect(ec2.inspect(id).timeline.at(-1)?.cause).toBe("StopInstances with Hibernate");
  });

  it("a capacity interruption (stop) that withdrew nothing: restarted timing.spotCapacityReturn after it took effect", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, sir, at } = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    ec2.spot.interrupt(id);
    ec2.advance(120_000);
    await ec2.settle();
    expect((await describedInstance(client, id)).State?.Name).toBe("stopped");
    ec2.advance(at + 120_000 + 10 * MINUTE - 1 - ec2.now());
    expect((await describedInstance(client, id)).State?.Name).toBe("stopped");
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["disabled", "instance-stopped-no-capacity"]);
    ec2.advance(1);
    expect((await describedInstance(client, id)).State?.Name).toBe("pending");
    expect(status(await spotRequest(client, sir))).toEqual(["active", "fulfilled", FULFILLED, at + 120_000 + 10 * MINUTE]);
  });

  it("a capacity interruption in a withdrawn pool: restarted at the first call after the restore; a cancelled request is not", async () => {
    const { ec2, client } = await openDoor(door);
    const a = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    const b = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    ec2.capacity.withdraw(pool());
    ec2.spot.interrupt(a.id);
    ec2.spot.interrupt(b.id);
    ec2.advance(120_000);
    await ec2.settle();
    await client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [b.sir] }));
    ec2.advance(60 * MINUTE);
    expect((await describedInstance(client, a.id)).State?.Name).toBe("stopped");
    // "Only Amazon EC2 can restart an interrupted stopped Spot Instance."
    await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [a.id] })), {
      name: "IncorrectSpotRequestState",
      message: "You can't start the Spot Instance because the associated Spot Instance request is not in an appropriate state",
      status: 400,
    });
    expect((await describedInstance(client, a.id)).State?.Name).toBe("stopped");
    ec2.capacity.restore(pool());
    expect((await describedInstance(client, a.id)).State?.Name).toBe("pending");
    expect(status(await spotRequest(client, a.sir)).slice(0, 2)).toEqual(["active", "fulfilled"]);
    expect((await describedInstance(client, b.id)).State?.Name).toBe("stopped");
    expect(status(await spotRequest(client, b.sir)).slice(0, 2)).toEqual(["cancelled", "request-canceled-and-instance-running"]);
  });

  it("LaunchGroup: requests of a group launch together (launch-group-constraint) and EC2 terminates them together", async () => {
    const { ec2, client } = await openDoor(door);
    await expectEc2Error(requestSpot(client, { LaunchGroup: "lg", Type: "persistent", InstanceInterruptionBehavior: "stop" }), {
      name: "InvalidParameterCombination",
      message: "A launch group is not supported when instanceInterruptionBehavior is set to 'stop'.",
      status: 400,
    });
    await expectEc2Error(requestSpot(client, { LaunchGroup: " " }), {
      name: "InvalidParameterValue",
      message: "Invalid value ' ' for LaunchGroup.",
      status: 400,
    });
    expect(await spotRequests(client)).toEqual([]);
    ec2.spot.setPrice({ ...pool(OTHER), price: 0.5 });
    const first = (
      await requestSpot(client, {
        LaunchGroup: "lg",
        SpotPrice: "0.2",
        LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: TYPE, Placement: { AvailabilityZone: OTHER } },
      })
    ).SpotInstanceRequests![0]!;
    expect(first.LaunchGroup).toBe("lg");
    const firstId = first.SpotInstanceRequestId!;
    expect(status(await spotRequest(client, firstId)).slice(0, 2)).toEqual(["open", "price-too-low"]);
    const second = (await requestSpot(client, { LaunchGroup: "lg", InstanceCount: 2 })).SpotInstanceRequests!.map(
      (r) => r.SpotInstanceRequestId!,
    );
    for (const sir of second) {
      expect(status(await spotRequest(client, sir))).toEqual([
        "open",
        "launch-group-constraint",
        "Amazon EC2 cannot launch all the instances that you requested at the same time.",
        NOW,
      ]);
    }
    // Another group is not held by this one.
    const alone = (await requestSpot(client, { LaunchGroup: "other" })).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    expect((await spotRequest(client, alone)).State).toBe("active");
    ec2.spot.setPrice({ ...pool(OTHER), price: 0.1 });
    const all = await spotRequests(client, { SpotInstanceRequestIds: [firstId, ...second] });
    expect(all.map((r) => [r.State, r.Status?.Code])).toEqual([
      ["active", "fulfilled"],
      ["active", "fulfilled"],
      ["active", "fulfilled"],
    ]);
    expect(ids(await spotRequests(client, { Filters: [{ Name: "launch-group", Values: ["lg"] }] }))).toEqual([firstId, ...second]);
    await ec2.settle();
    const victim = all[1]!.InstanceId!;
    ec2.spot.interrupt(victim);
    ec2.advance(120_000);
    const after = await spotRequests(client, { SpotInstanceRequestIds: [firstId, ...second] });
    expect(after.map((r) => [r.State, r.Status?.Code])).toEqual([
      ["closed", "instance-terminated-launch-group-constraint"],
      ["closed", "instance-terminated-no-capacity"],
      ["closed", "instance-terminated-launch-group-constraint"],
    ]);
    expect(after[0]!.Status?.Message).toBe(
      "One or more of the instances in your launch group was terminated, so the launch group constraint is no longer fulfilled.",
    );
    for (const r of after) expect((await describedInstance(client, r.InstanceId!)).StateReason).toEqual(TERMINATION);
    expect((await describedInstance(client, (await spotRequest(client, alone)).InstanceId!)).State?.Name).toBe("running");
  });

  it("AvailabilityZoneGroup: one zone for the group while one of its instances is active (az-group-constraint)", async () => {
    const { ec2, client } = await openDoor(door);
    const spec: RequestSpotLaunchSpecification = { ImageId: LINUX_AMI_ID, InstanceType: TYPE };
    ec2.capacity.withdraw(pool(ZONE));
    const out = await requestSpot(client, { AvailabilityZoneGroup: "azg", InstanceCount: 2, LaunchSpecification: spec });
    expect(out.SpotInstanceRequests![0]!.AvailabilityZoneGroup).toBe("azg");
    const first = await spotRequests(client, { SpotInstanceRequestIds: out.SpotInstanceRequests!.map((r) => r.SpotInstanceRequestId!) });
    expect(first.map((r) => [r.State, r.LaunchedAvailabilityZone])).toEqual([
      ["active", OTHER],
      ["active", OTHER],
    ]);
    // The zone comes back: a later request of the group still goes to the group's zone.
    ec2.capacity.restore(pool(ZONE));
    const later = (await requestSpot(client, { AvailabilityZoneGroup: "azg", LaunchSpecification: spec })).SpotInstanceRequests![0]!;
    expect((await spotRequest(client, later.SpotInstanceRequestId!)).LaunchedAvailabilityZone).toBe(OTHER);
    // Naming another zone: held.
    const elsewhere = (
      await requestSpot(client, { AvailabilityZoneGroup: "azg", LaunchSpecification: { ...spec, Placement: { AvailabilityZone: ZONE } } })
    ).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    expect(status(await spotRequest(client, elsewhere))).toEqual([
      "open",
      "az-group-constraint",
      "Amazon EC2 cannot launch all the instances you requested in the same Availability Zone.",
      NOW,
    ]);
    // The group's zone without capacity: held too.
    ec2.capacity.withdraw(pool(OTHER));
    const noRoom = (await requestSpot(client, { AvailabilityZoneGroup: "azg", LaunchSpecification: spec })).SpotInstanceRequests![0]!;
    expect(status(await spotRequest(client, noRoom.SpotInstanceRequestId!)).slice(0, 2)).toEqual(["open", "az-group-constraint"]);
    // Another type is another group.
    const small = (await requestSpot(client, { AvailabilityZoneGroup: "azg", LaunchSpecification: { ...spec, InstanceType: "t3.micro" } }))
      .SpotInstanceRequests![0]!;
    expect((await spotRequest(client, small.SpotInstanceRequestId!)).LaunchedAvailabilityZone).toBe(ZONE);
    expect(ids(await spotRequests(client, { Filters: [{ Name: "availability-zone-group", Values: ["azg"] }] }))).toHaveLength(6);
  });

  it("ClientToken: a retry answers the same requests and makes none; other parameters are IdempotentParameterMismatch", async () => {
    const { ec2, client } = await openDoor(door);
    const first = await requestSpot(client, { ClientToken: "tok-1", InstanceCount: 2 });
    const made = first.SpotInstanceRequests!.map((r) => r.SpotInstanceRequestId!);
    ec2.advance(MINUTE);
    const again = await requestSpot(client, { ClientToken: "tok-1", InstanceCount: 2 });
    expect(again.SpotInstanceRequests!.map((r) => [r.SpotInstanceRequestId, r.State, r.Status?.Code])).toEqual([
      [made[0], "active", "fulfilled"],
      [made[1], "active", "fulfilled"],
    ]);
    expect(await spotRequests(client)).toHaveLength(2);
    await expectEc2Error(requestSpot(client, { ClientToken: "tok-1", InstanceCount: 3 }), {
      name: "IdempotentParameterMismatch",
      message: "The client token 'tok-1' has already been used with different parameters.",
      status: 400,
    });
    await expectEc2Error(requestSpot(client, { ClientToken: "x".repeat(65) }), {
      name: "InvalidParameterValue",
      message: `Value (${"x".repeat(64)}...) for parameter clientToken is invalid. The client token must be at most 64 ASCII characters.`,
      status: 400,
    });
    expect(await spotRequests(client)).toHaveLength(2);
  });

  it("DescribeSpotInstanceRequests: the time, group, launch and network-interface filters", async () => {
    const { ec2, client } = await openDoor(door);
    const withDisks = (
      await requestSpot(client, {
        ValidUntil: new Date(NOW + 60 * MINUTE),
        LaunchSpecification: {
          ImageId: LINUX_AMI_ID,
          InstanceType: TYPE,
          Placement: { AvailabilityZone: ZONE },
          Monitoring: { Enabled: true },
          BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 20, VolumeType: "gp3", DeleteOnTermination: false } }],
        },
      })
    ).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    ec2.advance(MINUTE);
    const later = (await requestSpot(client, { ValidFrom: new Date(NOW + 30 * MINUTE), LaunchGroup: "lg" })).SpotInstanceRequests![0]!
      .SpotInstanceRequestId!;
    const by = async (Name: string, ...Values: string[]) => ids(await spotRequests(client, { Filters: [{ Name, Values }] }));
    expect(await by("create-time", new Date(NOW).toISOString())).toEqual([withDisks]);
    expect(await by("create-time", "2026-03-01T12:01*")).toEqual([later]);
    expect(await by("valid-until", new Date(NOW + 60 * MINUTE).toISOString())).toEqual([withDisks]);
    expect(await by("valid-from", new Date(NOW + 30 * MINUTE).toISOString())).toEqual([later]);
    expect(await by("launch-group", "lg")).toEqual([later]);
    expect(await by("launch.block-device-mapping.device-name", "/dev/sdf")).toEqual([withDisks]);
    expect(await by("launch.block-device-mapping.volume-size", "20")).toEqual([withDisks]);
    expect(await by("launch.block-device-mapping.volume-type", "gp3")).toEqual([withDisks]);
    expect(await by("launch.block-device-mapping.delete-on-termination", "false")).toEqual([withDisks]);
    expect(await by("launch.block-device-mapping.snapshot-id", "snap-*")).toEqual([]);
    expect(await by("launch.monitoring-enabled", "true")).toEqual([withDisks]);
    expect(await by("launch.monitoring-enabled", "false")).toEqual([later]);
    expect(await by("launch.group-name", "default")).toEqual([]);
    expect(await by("launch.kernel-id", "*")).toEqual([]);
    expect(await by("launch.ramdisk-id", "*")).toEqual([]);
    expect(await by("fault-code", "*")).toEqual([]);
    expect(await by("fault-message", "*")).toEqual([]);
    expect(await by("network-interface.device-index", "0")).toEqual([]);
    const subnet = (await describedInstance(client, (await spotRequest(client, withDisks)).InstanceId!)).SubnetId!;
    const withInterface = (
      await requestSpot(client, {
        LaunchSpecification: {
          ImageId: LINUX_AMI_ID,
          InstanceType: TYPE,
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, DeleteOnTermination: true, Description: "primary" }],
        },
      })
    ).SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    expect(await by("network-interface.device-index", "0")).toEqual([withInterface]);
    expect(await by("network-interface.subnet-id", subnet)).toEqual([withInterface]);
    expect(await by("network-interface.delete-on-termination", "true")).toEqual([withInterface]);
    expect(await by("network-interface.description", "primary")).toEqual([withInterface]);
    expect(await by("network-interface.network-interface-id", "*")).toEqual([]);
  });
});

describe("the server's control routes", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("POST /_mock/spot/price interrupts by price (a cancelled request's instance too); POST /_mock/capacity/restore restarts", async () => {
    const { ec2, client } = await openDoor("server");
    const server = await ec2.listen();
    try {
      const post = (path: string) => fetch(`${server.url}/_mock/${path}`, { method: "POST" });
      const q = `instanceType=${TYPE}&availabilityZone=${ZONE}`;
      expect((await post(`spot/price?${q}&price=0.05`)).status).toBe(200);
      const { id, sir, at } = await launched(ec2, client, {
        MaxPrice: "0.06",
        SpotInstanceType: "persistent",
        InstanceInterruptionBehavior: "stop",
      });
      await client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] }));
      const seen = record(ec2);
      expect((await post(`spot/price?${q}&price=0.07`)).status).toBe(200);
      expect(seen).toEqual([["EC2 Spot Instance Interruption Warning", iso(at), { "instance-id": id, "instance-action": "stop" }]]);
      expect(status(await spotRequest(client, sir))).toEqual([
        "cancelled",
        "marked-for-stop",
        "The Spot Instance is marked for stopping.",
        at,
      ]);
      expect((await post("advance?ms=120000")).status).toBe(200);
      expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["cancelled", "instance-stopped-by-price"]);
      expect((await describedInstance(client, id)).StateReason?.Code).toBe("Server.SpotInstanceShutdown");

      // A second instance, interrupted for capacity in a withdrawn pool, comes back at the restore.
      const b = await launched(
        ec2,
        client,
        { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" },
        { InstanceType: "c5.large" },
      );
      const cq = `instanceType=c5.large&availabilityZone=${ZONE}`;
      expect((await post(`capacity/withdraw?${cq}`)).status).toBe(200);
      expect((await post(`spot/interrupt?instanceId=${b.id}`)).status).toBe(200);
      expect((await post("advance?ms=120000")).status).toBe(200);
      await ec2.settle();
      expect((await describedInstance(client, b.id)).State?.Name).toBe("stopped");
      expect((await post(`capacity/restore?${cq}`)).status).toBe(200);
      expect((await describedInstance(client, b.id)).State?.Name).toBe("pending");
      expect(status(await spotRequest(client, b.sir)).slice(0, 2)).toEqual(["active", "fulfilled"]);
      // The cancelled request's instance is not restarted, even with the price back.
      expect((await post(`spot/price?${q}&price=0.05`)).status).toBe(200);
      expect((await describedInstance(client, id)).State?.Name).toBe("stopped");
    } finally {
      await server.close();
    }
  });
});

describe("Spot price interruptions under fake timers", () => {
  it("vi.advanceTimersByTime(120_000) ends the price notice at the next call", async () => {
    vi.useFakeTimers({ now: NOW });
    try {
      const ec2 = createEc2Mock();
      const client = new EC2Client({ region: "us-east-1" });
      client.middlewareStack.use(ec2);
      ec2.spot.setPrice({ ...pool(), price: 0.05 });
      const out = await runSpot(client, { MaxPrice: "0.06" });
      const id = out.Instances![0]!.InstanceId!;
      vi.advanceTimersByTime(60_000);
      ec2.spot.setPrice({ ...pool(), price: 0.07 });
      vi.advanceTimersByTime(119_000);
      expect((await describedInstance(client, id)).State?.Name).toBe("running");
      vi.advanceTimersByTime(1_000);
      const going = await describedInstance(client, id);
      expect([going.State?.Name, going.StateReason?.Code]).toEqual(["shutting-down", "Server.SpotInstanceTermination"]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("state", () => {
  useFrozenClock({ now: NOW });

  it("a snapshot keeps the groups, the client token and a pending price interruption and restart, in another Region too", async () => {
    const a = createEc2Mock();
    const west = new EC2Client({ region: "us-west-2" });
    west.middlewareStack.use(a);
    const westPool = { instanceType: TYPE, availabilityZone: "us-west-2a", region: "us-west-2" };
    a.spot.setPrice({ ...westPool, price: 0.05 });
    const out = await west.send(
      new RequestSpotInstancesCommand({
        ClientToken: "tok-west",
        AvailabilityZoneGroup: "azg",
        SpotPrice: "0.06",
        Type: "persistent",
        InstanceInterruptionBehavior: "stop",
        LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: TYPE, Placement: { AvailabilityZone: "us-west-2a" } },
      }),
    );
    const sir = out.SpotInstanceRequests![0]!.SpotInstanceRequestId!;
    await west.send(
      new RequestSpotInstancesCommand({
        LaunchGroup: "lg",
        LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", Placement: { AvailabilityZone: "us-west-2b" } },
      }),
    );
    await a.settle();
    const at = a.now();
    a.spot.setPrice({ ...westPool, price: 0.07 });
    const json = JSON.parse(JSON.stringify(a.snapshot()));
    const [saved, grouped] = json.regions.find((r: { region: string }) => r.region === "us-west-2").spotRequests;
    expect(grouped.launchGroup).toBe("lg");
    expect([saved.availabilityZoneGroup, saved.clientToken, saved.interruptReason, saved.statusCode]).toEqual([
      "azg",
      "tok-west",
      "price",
      "marked-for-stop",
    ]);
    const b = createEc2Mock();
    b.restore(json);
    expect(b.snapshot()).toEqual(a.snapshot());
    const client = new EC2Client({ region: "us-west-2" });
    client.middlewareStack.use(b);
    // The restored mock ends the notice by price, and knows the token.
    b.advance(120_000);
    const after = (await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] }))).SpotInstanceRequests![0]!;
    expect([after.State, after.Status?.Code, after.AvailabilityZoneGroup]).toEqual(["disabled", "instance-stopped-by-price", "azg"]);
    const lg = (await client.send(new DescribeSpotInstanceRequestsCommand({ Filters: [{ Name: "launch-group", Values: ["lg"] }] })))
      .SpotInstanceRequests!;
    expect(lg.map((r) => [r.LaunchGroup, r.State])).toEqual([["lg", "active"]]);
    const saved2 = JSON.parse(JSON.stringify(b.snapshot())).regions.find((r: { region: string }) => r.region === "us-west-2")
      .spotRequests[0];
    expect(saved2.restartAt).toBe(new Date(at + 120_000).toISOString());
    await expectEc2Error(
      client.send(
        new RequestSpotInstancesCommand({
          ClientToken: "tok-west",
          LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: TYPE },
        }),
      ),
      {
        name: "IdempotentParameterMismatch",
        message: "The client token 'tok-west' has already been used with different parameters.",
        status: 400,
      },
    );
  });
});

describe("timing.spotCapacityReturn", () => {
  useFrozenClock({ now: NOW });

  it("is 10 minutes in both profiles, and set by the timing option", async () => {
    const { resolveDurations } = await import("../src/engine/timing.js");
    expect([resolveDurations("realistic").spotCapacityReturn, resolveDurations("instant").spotCapacityReturn]).toEqual([
      10 * MINUTE,
      10 * MINUTE,
    ]);
    expect(() => resolveDurations({ spotCapacityReturn: -1 })).toThrow(
      "timing.spotCapacityReturn must be a finite, non-negative number of milliseconds; got -1",
    );
    const ec2 = createEc2Mock({ timing: { spotCapacityReturn: MINUTE } });
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const { id, sir, at } = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    ec2.spot.interrupt(id);
    ec2.advance(120_000);
    await ec2.settle();
    ec2.advance(at + 120_000 + MINUTE - ec2.now());
    expect((await describedInstance(client, id)).State?.Name).toBe("pending");
    expect(status(await spotRequest(client, sir)).slice(0, 2)).toEqual(["active", "fulfilled"]);
  });
});
