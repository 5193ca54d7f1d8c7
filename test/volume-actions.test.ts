import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  type CreateVolumeCommandInput,
  DeleteVolumeCommand,
  DescribeVolumesCommand,
  type EC2Client,
  TerminateInstancesCommand,
  waitUntilVolumeAvailable,
  waitUntilVolumeDeleted,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { realisticDurations } from "../src/index.js";
import { type DoorSetup, doorOpener } from "./doors.js";
import { expectEc2Error, launch, setup as plainSetup, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");

/** The built-in Linux image's root snapshot (8 GiB). */
const LINUX_ROOT_SNAPSHOT = "snap-0a1b2c3d4e5f60718";

function create(client: EC2Client, input: Partial<CreateVolumeCommandInput>) {
  return client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", ...input } as CreateVolumeCommandInput));
}

async function stateOfVolume(client: EC2Client, id: string): Promise<string | undefined> {
  return (await client.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes?.[0]?.State;
}

describe.each(["plugin", "server"])("CreateVolume and DeleteVolume through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();
  const setup = (): Promise<DoorSetup> => openDoor(door, {});

  it("creates a blank volume `creating`, then `available` after the creation time", async () => {
    const { ec2, client } = await setup();
    const out = await create(client, {
      Size: 10,
      VolumeType: "gp3",
      TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "Name", Value: "data" }] }],
    });
    expect(out).toMatchObject({
      AvailabilityZone: "us-east-1a",
      CreateTime: NOW,
      Encrypted: true,
      Size: 10,
      SnapshotId: "",
      State: "creating",
      VolumeType: "gp3",
      Iops: 3000,
      Throughput: 125,
      MultiAttachEnabled: false,
      Tags: [{ Key: "Name", Value: "data" }],
    });
    expect(out.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);
    expect(out.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:/);
    expect(await stateOfVolume(client, out.VolumeId!)).toBe("creating");
    ec2.advance(realisticDurations.volumeCreate - 1);
    expect(await stateOfVolume(client, out.VolumeId!)).toBe("creating");
    ec2.advance(1);
    const [shown] = (await client.send(new DescribeVolumesCommand({ VolumeIds: [out.VolumeId!] }))).Volumes!;
    expect(shown).toMatchObject({ State: "available", Attachments: [], Size: 10 });
    const filtered = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "status", Values: ["available"] }] }));
    expect(filtered.Volumes!.map((v) => v.VolumeId)).toEqual([out.VolumeId]);
  });

  it("creates from an image's snapshot: its size by default, not smaller", async () => {
    const { client } = await setup();
    const out = await create(client, { SnapshotId: LINUX_ROOT_SNAPSHOT });
    expect(out).toMatchObject({ Size: 8, SnapshotId: LINUX_ROOT_SNAPSHOT, VolumeType: "gp2", Iops: 100 });
    await expectEc2Error(create(client, { SnapshotId: LINUX_ROOT_SNAPSHOT, Size: 4 }), {
      name: "InvalidBlockDeviceMapping",
      message: `Volume of size 4GB is smaller than snapshot '${LINUX_ROOT_SNAPSHOT}', expect size >= 8GB`,
      status: 400,
    });
    await expectEc2Error(create(client, { SnapshotId: "snap-00000000000000000" }), {
      name: "InvalidSnapshot.NotFound",
      message: "The snapshot 'snap-00000000000000000' does not exist.",
      status: 400,
    });
  });

  it("refuses a missing or unknown zone, a missing size, bad types and ranges, and creates nothing", async () => {
    const { client } = await setup();
    await expectEc2Error(client.send(new CreateVolumeCommand({ Size: 10 } as CreateVolumeCommandInput)), {
      name: "MissingParameter",
      message: "The request must contain the parameter AvailabilityZone",
      status: 400,
    });
    await expectEc2Error(create(client, { AvailabilityZone: "us-east-1z", Size: 10 }), {
      name: "InvalidZone.NotFound",
      message: "The zone 'us-east-1z' does not exist.",
      status: 400,
    });
    await expectEc2Error(create(client, {}), {
      name: "MissingParameter",
      message: "The request must contain the parameter size or snapshotId",
      status: 400,
    });
    await expectEc2Error(create(client, { Size: 10, VolumeType: "io2" }), {
      name: "InvalidParameterCombination",
      message: "The parameter iops must be specified for io2 volumes.",
      status: 400,
    });
    await expectEc2Error(create(client, { Size: 100, VolumeType: "st1" }), {
      name: "InvalidParameterValue",
      message: "Volume of 100GiB is too small; minimum is 125GiB.",
      status: 400,
    });
    await expectEc2Error(create(client, { Size: 10, VolumeType: "gp2", Throughput: 200 }), {
      name: "InvalidParameterCombination",
      message: "throughput can only be specified for volumeType gp3.",
      status: 400,
    });
    await expectEc2Error(create(client, { Size: 10, VolumeType: "gp3", Iops: 6000 }), {
      name: "InvalidParameterValue",
      message: "Iops to volume size ratio of 600.000000 is too high; maximum is 500",
      status: 400,
    });
    await expectEc2Error(create(client, { Size: 10, KmsKeyId: "alias/mine" }), {
      name: "UnsupportedOperation",
      message: expect.stringContaining("KmsKeyId") as unknown as string,
      status: 400,
    });
    await expectEc2Error(create(client, { Size: 10, DryRun: true }), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect((await client.send(new DescribeVolumesCommand({}))).Volumes).toEqual([]);
  });

  it("a repeated ClientToken returns the volume the first call made", async () => {
    const { client } = await setup();
    const first = await create(client, { Size: 10, ClientToken: "volumes17-token" });
    const again = await create(client, { Size: 10, ClientToken: "volumes17-token" });
    expect(again.VolumeId).toBe(first.VolumeId);
    const other = await create(client, { Size: 10, ClientToken: "volumes17-other" });
    expect(other.VolumeId).not.toBe(first.VolumeId);
    expect((await client.send(new DescribeVolumesCommand({}))).Volumes).toHaveLength(2);
  });

  it("DeleteVolume removes an available volume; an attached one is VolumeInUse; unknown ids are NotFound", async () => {
    const { ec2, client } = await setup();
    const { VolumeId } = await create(client, { Size: 10 });
    await expectEc2Error(client.send(new DeleteVolumeCommand({ VolumeId, DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect(await client.send(new DeleteVolumeCommand({ VolumeId }))).toEqual({ $metadata: expect.anything() });
    expect(await stateOfVolume(client, VolumeId!)).toBe("deleting");
    ec2.advance(realisticDurations.volumeDelete);
    await expectEc2Error(client.send(new DeleteVolumeCommand({ VolumeId })), {
      name: "InvalidVolume.NotFound",
      message: `The volume '${VolumeId}' does not exist.`,
      status: 400,
    });
    await expectEc2Error(client.send(new DeleteVolumeCommand({ VolumeId: "disk-1" })), {
      name: "InvalidVolumeID.Malformed",
      message: 'Invalid id: "disk-1" (expecting "vol-...")',
      status: 400,
    });
    const [instance] = await launch(client);
    const root = (await client.send(new DescribeVolumesCommand({}))).Volumes![0]!;
    await expectEc2Error(client.send(new DeleteVolumeCommand({ VolumeId: root.VolumeId })), {
      name: "VolumeInUse",
      message: `Volume ${root.VolumeId} is currently attached to ${instance!.InstanceId}`,
      status: 400,
    });
    expect((await client.send(new DescribeVolumesCommand({}))).Volumes!.map((v) => v.VolumeId)).toEqual([root.VolumeId]);
  });
});

describe.each(["plugin", "server"])("AttachVolume through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("attaches an available volume of the instance's zone: attaching, then attached; refusals change nothing", async () => {
    const { ec2, client } = await openDoor(door, {});
    const [instance] = await launch(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    const InstanceId = instance!.InstanceId!;
    await ec2.settle();
    const { VolumeId } = await create(client, { Size: 10 });
    await expectEc2Error(client.send(new AttachVolumeCommand({ VolumeId, InstanceId, Device: "/dev/sdf" })), {
      name: "IncorrectState",
      message: `Volume '${VolumeId}' is in the 'creating' state.`,
      status: 400,
    });
    ec2.advance(realisticDurations.volumeCreate);
    const other = await create(client, { Size: 10, AvailabilityZone: "us-east-1b" });
    ec2.advance(realisticDurations.volumeCreate);
    await expectEc2Error(client.send(new AttachVolumeCommand({ VolumeId: other.VolumeId, InstanceId, Device: "/dev/sdf" })), {
      name: "InvalidVolume.ZoneMismatch",
      message: `The volume '${other.VolumeId}' is not in the same availability zone as instance '${InstanceId}'`,
      status: 400,
    });
    await expectEc2Error(client.send(new AttachVolumeCommand({ VolumeId, InstanceId, Device: "/dev/xvda" })), {
      name: "InvalidParameterValue",
      message: "Invalid value '/dev/xvda' for unixDevice. Attachment point /dev/xvda is already in use",
      status: 400,
    });
    await expectEc2Error(client.send(new AttachVolumeCommand({ VolumeId, InstanceId, Device: "/dev/sdf", DryRun: true })), {
      name: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
      status: 412,
    });
    expect(await stateOfVolume(client, VolumeId!)).toBe("available");
    const out = await client.send(new AttachVolumeCommand({ VolumeId, InstanceId, Device: "/dev/sdf" }));
    expect(out).toMatchObject({ Device: "/dev/sdf", InstanceId, State: "attaching", VolumeId });
    const shown = async () => (await client.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] }))).Volumes![0]!;
    expect((await shown()).State).toBe("in-use");
    expect((await shown()).Attachments![0]).toMatchObject({ State: "attaching", Device: "/dev/sdf", DeleteOnTermination: false });
    ec2.advance(realisticDurations.volumeAttach);
    expect((await shown()).Attachments![0]!.State).toBe("attached");
    await expectEc2Error(client.send(new AttachVolumeCommand({ VolumeId, InstanceId, Device: "/dev/sdg" })), {
      name: "VolumeInUse",
      message: `${VolumeId} is already attached to an instance`,
      status: 400,
    });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [InstanceId] }));
    await ec2.settle();
    // The root (DeleteOnTermination) is gone; the attached data volume stays, available.
    const left = (await client.send(new DescribeVolumesCommand({}))).Volumes!.map((v) => [v.VolumeId, v.State, v.Attachments]);
    expect(left).toEqual([
      [VolumeId, "available", []],
      [other.VolumeId, "available", []],
    ]);
  });
});

describe("the volume waiters under fake timers", () => {
  useFrozenClock({ timers: true });

  it("VolumeAvailable succeeds once creation is over; VolumeDeleted after DeleteVolume", async () => {
    const { ec2, client } = plainSetup();
    const { VolumeId } = await create(client, { Size: 10 });
    const start = ec2.now();
    const waiting = waitUntilVolumeAvailable({ client, maxWaitTime: 120 }, { VolumeIds: [VolumeId!] });
    let settled = false;
    const tracked = waiting.finally(() => {
      settled = true;
    });
    for (let t = 0; t < 120_000 && !settled; t += 5_000) await vi.advanceTimersByTimeAsync(5_000);
    expect((await tracked).state).toBe("SUCCESS");
    expect(ec2.now() - start).toBeGreaterThanOrEqual(realisticDurations.volumeCreate);
    await client.send(new DeleteVolumeCommand({ VolumeId }));
    const deletedAt = ec2.now();
    const deleted = waitUntilVolumeDeleted({ client, maxWaitTime: 120 }, { VolumeIds: [VolumeId!] });
    let gone = false;
    const trackedDelete = deleted.finally(() => {
      gone = true;
    });
    for (let t = 0; t < 120_000 && !gone; t += 5_000) await vi.advanceTimersByTimeAsync(5_000);
    expect((await trackedDelete).state).toBe("SUCCESS");
    expect(ec2.now() - deletedAt).toBeGreaterThanOrEqual(realisticDurations.volumeDelete);
  });
});
