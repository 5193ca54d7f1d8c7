import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeAddressesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type EC2Client,
  RebootInstancesCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, type Ec2MockSnapshot, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { launchIds, setup, stateOf, useFrozenClock } from "./helpers.js";

/** Everything the API shows: instances, statuses, volumes, addresses. */
async function view(client: EC2Client) {
  const strip = <T extends { $metadata?: unknown }>(out: T) => ({ ...out, $metadata: undefined });
  return {
    instances: strip(await client.send(new DescribeInstancesCommand({}))),
    status: strip(await client.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }))),
    volumes: strip(await client.send(new DescribeVolumesCommand({}))),
    addresses: strip(await client.send(new DescribeAddressesCommand({}))),
  };
}

/** A busy fleet with something of everything, several transitions in flight. */
async function busyFleet(ec2: Ec2Mock, client: EC2Client): Promise<string[]> {
  const [a, b, c, d] = await launchIds(client, {
    MinCount: 4,
    MaxCount: 4,
    ClientToken: "token-1",
    HibernationOptions: { Configured: true },
    InstanceType: "t3.micro",
  });
  const [win] = await launchIds(client, {
    ImageId: WINDOWS_AMI_ID,
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "win" }] }],
  });
  const [gone] = await launchIds(client);
  await ec2.settle();
  ec2.guest(win!).configure({ installingUpdatesMs: 90_000 });
  ec2.faults.hostStuck(d!);
  const eip = await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
  await client.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: a }));
  await client.send(new AllocateAddressCommand({ Domain: "vpc" }));
  await client.send(new TerminateInstancesCommand({ InstanceIds: [gone!] }));
  ec2.advance(2 * 60 * 60 * 1000); // `gone` expires: its usage is retired
  await client.send(new StopInstancesCommand({ InstanceIds: [b!], Hibernate: true }));
  await client.send(new StopInstancesCommand({ InstanceIds: [win!, d!] }));
  await client.send(new RebootInstancesCommand({ InstanceIds: [c!] }));
  await launchIds(client, { MaxCount: 2 }); // pending
  ec2.advance(5_000);
  return [a!, b!, c!, d!, win!];
}

describe("snapshot() and restore()", () => {
  useFrozenClock();

  it("restores a busy fleet mid-transition into a new mock: same API view, then the same future", async () => {
    const source = setup();
    const ids = await busyFleet(source.ec2, source.client);
    const snapshot = source.ec2.snapshot();
    const target = setup();
    target.ec2.restore(JSON.parse(JSON.stringify(snapshot)) as Ec2MockSnapshot);

    expect(target.ec2.now()).toBe(source.ec2.now());
    expect(await view(target.client)).toEqual(await view(source.client));
    expect(target.ec2.inspect(ids[3]!)).toEqual(source.ec2.inspect(ids[3]!));
    expect(target.ec2.usage()).toEqual(source.ec2.usage());

    for (const step of [1_000, 30_000, 120_000, 600_000, 4 * 60 * 60 * 1000]) {
      source.ec2.advance(step);
      target.ec2.advance(step);
      expect(await view(target.client)).toEqual(await view(source.client));
      for (const id of ids) expect(target.ec2.inspect(id)).toEqual(source.ec2.inspect(id));
    }
    // The stuck host is still stuck in both; a forced stop ends it in both.
    for (const { ec2, client } of [source, target]) {
      await client.send(new StopInstancesCommand({ InstanceIds: [ids[3]!], Force: true }));
      await ec2.settle();
    }
    expect(await view(target.client)).toEqual(await view(source.client));
    expect(target.ec2.usage()).toEqual(source.ec2.usage());
    expect(target.ec2.snapshot()).toEqual(source.ec2.snapshot());
  });

  it("is plain JSON: no Map, Date or class instance, and a version", async () => {
    const { ec2, client } = setup();
    await busyFleet(ec2, client);
    const snapshot = ec2.snapshot();
    expect(snapshot.version).toBe(1);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    const walk = (value: unknown): void => {
      if (value === null || typeof value !== "object") {
        expect(["string", "number", "boolean"].includes(typeof value) || value === null, String(value)).toBe(true);
        return;
      }
      expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(value));
      for (const item of Object.values(value)) if (item !== undefined) walk(item);
    };
    walk(snapshot);
  });

  it("keeps client tokens: a retried launch after restore replays the reservation", async () => {
    const source = setup();
    const first = await source.client.send(
      new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ClientToken: "once" }),
    );
    const target = setup();
    target.ec2.restore(source.ec2.snapshot());
    const again = await target.client.send(
      new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ClientToken: "once" }),
    );
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.map((i) => i.InstanceId)).toEqual(first.Instances?.map((i) => i.InstanceId));
  });

  it("rolls a mock back to an earlier snapshot", async () => {
    const { ec2, client } = setup({ timing: "instant" });
    const [id] = await launchIds(client);
    await ec2.settle();
    const before = ec2.snapshot();
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    await launchIds(client, { MaxCount: 3 });
    await ec2.settle();
    ec2.restore(before);
    const out = await client.send(new DescribeInstancesCommand({}));
    expect(out.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, i.State?.Name])).toEqual([[id, "running"]]);
    // New private addresses do not collide with the restored instance's.
    const [next] = await launchIds(client);
    expect(next).not.toBe(id);
    expect(await stateOf(client, id!)).toBe("running");
  });

  it("refuses garbage with a TypeError and changes nothing", async () => {
    const { ec2, client } = setup();
    const [id] = await launchIds(client);
    const good = ec2.snapshot();
    const bad: unknown[] = [
      null,
      "snapshot",
      {},
      // Version 2 is the state file's form, which restore reads too (issue 22): 3 is no version.
      { ...good, version: 3 },
      { ...good, instances: "none" },
      { ...good, instances: [{ ...good.instances[0], machine: { ...good.instances[0]!.machine, phase: "dancing" } }] },
      { ...good, instances: [{ ...good.instances[0], imageId: "ami-00000000000000000" }], images: [] },
      { ...good, reservations: [{ reservationId: "r-1", seq: 1, instanceIds: ["i-0000000000000000f"] }] },
    ];
    for (const value of bad) expect(() => ec2.restore(value as Ec2MockSnapshot)).toThrow(TypeError);
    expect(() => ec2.restore({ ...good, version: 3 } as unknown as Ec2MockSnapshot)).toThrow(/version must be 1; got 3/);
    expect(() => ec2.restore({ ...good, instances: "none" } as unknown as Ec2MockSnapshot)).toThrow(/instances must be an array/);
    expect(await stateOf(client, id!)).toBe("pending");
  });

  it("refuses an instance whose address is outside its subnet, the second of a subnet too (each block parsed once, issue 22)", async () => {
    const { ec2, client } = setup();
    await launchIds(client, { MinCount: 2, MaxCount: 2 });
    const good = ec2.snapshot();
    const [first, second] = good.instances as unknown as { privateIp: string }[];
    for (const [k, which] of [first, second].entries()) {
      const instances = good.instances.map((instance, j) => (j === k ? { ...instance, privateIp: "192.0.2.1" } : instance));
      expect(() => ec2.restore({ ...good, instances } as Ec2MockSnapshot)).toThrow(
        new RegExp(`instances\\[${k}\\]\\.privateIp must be an address of [0-9./]+; got "192\\.0\\.2\\.1"`),
      );
      expect(which!.privateIp).not.toBe("192.0.2.1");
    }
    expect(() => ec2.restore(good)).not.toThrow();
  });

  it("never writes a number JSON cannot hold: a usage that overflows to Infinity throws a RangeError naming it (issue 12)", async () => {
    const { ec2, client } = setup({ timing: "instant" });
    const [id] = await launchIds(client);
    // A volume so large that its GiB-seconds overflow (restore takes any finite size; the door limits are elsewhere).
    const huge = JSON.parse(JSON.stringify(ec2.snapshot())) as Ec2MockSnapshot;
    huge.volumes.live[0]!.sizeGiB = 1e308;
    ec2.restore(huge);
    ec2.advance(60 * 60 * 1000);
    expect(() => ec2.snapshot()).not.toThrow();
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
    ec2.advance(2 * 60 * 60 * 1000); // expired: its usage, Infinity GiB-seconds, is retired into the snapshot
    expect(() => ec2.snapshot()).toThrow(RangeError);
    expect(() => ec2.snapshot()).toThrow(
      "ec2-mock: cannot take a snapshot: snapshot.retiredUsage[0].ebsGibSeconds is Infinity, which JSON cannot hold (it would be saved as null)",
    );
  });

  it("refuses a snapshot of another region or account", () => {
    const snapshot = createEc2Mock({ region: "eu-west-1" }).snapshot();
    expect(() => createEc2Mock().restore(snapshot)).toThrow(/region eu-west-1/);
  });

  it("an empty mock's snapshot restores to an empty mock, and reset() still works after restore", async () => {
    const { ec2, client } = setup();
    await launchIds(client);
    ec2.restore(createEc2Mock().snapshot());
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    await launchIds(client);
    ec2.reset();
    expect(ec2.snapshot().instances).toEqual([]);
  });
});
