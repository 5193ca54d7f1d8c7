/**
 * What stop, hibernate and terminate do to EBS volumes (issue 17), from the
 * one volume model: attachments are kept through stop and hibernate
 * (DescribeVolumes: `in-use`, `attached`, same device and attach time);
 * at `terminated` DeleteOnTermination decides, volume by volume (the
 * launch's, AttachVolume's which default to false, and the flags
 * ModifyInstanceAttribute changed); hibernation's prerequisite on the root
 * volume (its size against the type's memory) at RunInstances, and at
 * StopInstances a hibernation that cannot hold the memory is a normal stop.
 */
import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DescribeVolumesCommand,
  type EC2Client,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Volume,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { realisticDurations } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, launch, stateOf, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");

/** Every live volume, by id, as DescribeVolumes shows it. */
async function volumes(client: EC2Client): Promise<Map<string, Volume>> {
  const out = await client.send(new DescribeVolumesCommand({}));
  return new Map((out.Volumes ?? []).map((v) => [v.VolumeId!, v]));
}

/** The volumes' states and attachments, by id: what must survive a stop. */
async function attachments(client: EC2Client): Promise<[string, string, unknown][]> {
  return [...(await volumes(client)).values()].map((v) => [v.VolumeId!, v.State!, v.Attachments]);
}

/** Launches one t3.micro in us-east-1a with a second EBS device kept at termination; returns its id and its volumes by device. */
async function launchWithData(client: EC2Client, ec2: { settle(): Promise<unknown> }, input = {}) {
  const [instance] = await launch(client, {
    InstanceType: "t3.micro",
    Placement: { AvailabilityZone: "us-east-1a" },
    BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 4, DeleteOnTermination: false } }],
    ...input,
  });
  await ec2.settle();
  const id = instance!.InstanceId!;
  const byDevice = new Map([...(await volumes(client)).values()].map((v) => [v.Attachments![0]!.Device!, v.VolumeId!]));
  return { id, root: byDevice.get("/dev/xvda")!, data: byDevice.get("/dev/sdf")! };
}

/** Creates a blank volume in us-east-1a, waits for it and attaches it at `device`; AttachVolume's DeleteOnTermination is false. */
async function attachNew(client: EC2Client, ec2: { advance(ms: number): void }, instanceId: string, device: string): Promise<string> {
  const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 2 }));
  ec2.advance(realisticDurations.volumeCreate);
  await client.send(new AttachVolumeCommand({ VolumeId, InstanceId: instanceId, Device: device }));
  ec2.advance(realisticDurations.volumeAttach);
  return VolumeId!;
}

describe.each(["plugin", "httpHandler", "server"])("volumes through stop, hibernate and terminate, through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("a stop keeps every attachment: in-use, attached, same device and attach time, while stopping, stopped and after the start", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, root, data } = await launchWithData(client, ec2);
    const extra = await attachNew(client, ec2, id, "/dev/sdg");
    const before = await attachments(client);
    expect(before.map(([v, state]) => [v, state])).toEqual([
      [root, "in-use"],
      [data, "in-use"],
      [extra, "in-use"],
    ]);
    expect(before.map(([, , a]) => (a as { Device: string; State: string }[]).map((x) => [x.Device, x.State]))).toEqual([
      [["/dev/xvda", "attached"]],
      [["/dev/sdf", "attached"]],
      [["/dev/sdg", "attached"]],
    ]);
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(await stateOf(client, id)).toBe("stopping");
    expect(await attachments(client)).toEqual(before);
    ec2.advance(realisticDurations.stop.linux);
    expect(await stateOf(client, id)).toBe("stopped");
    expect(await attachments(client)).toEqual(before);
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    ec2.advance(realisticDurations.start.linux);
    expect(await stateOf(client, id)).toBe("running");
    expect(await attachments(client)).toEqual(before);
  });

  it("hibernation keeps every attachment, the memory saved on the root volume; the start resumes with the same volumes", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, root, data } = await launchWithData(client, ec2, { InstanceType: "m5.large", HibernationOptions: { Configured: true } });
    const before = await attachments(client);
    expect(before.map(([v, state]) => [v, state])).toEqual([
      [root, "in-use"],
      [data, "in-use"],
    ]);
    await client.send(new StopInstancesCommand({ InstanceIds: [id], Hibernate: true }));
    ec2.advance(realisticDurations.hibernate.linux - 1);
    expect(await stateOf(client, id)).toBe("stopping");
    expect(await attachments(client)).toEqual(before);
    ec2.advance(1);
    expect(await stateOf(client, id)).toBe("stopped");
    expect(ec2.inspect(id).memory).toBe("saved");
    expect(await attachments(client)).toEqual(before);
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    ec2.advance(realisticDurations.resume.linux);
    expect(await stateOf(client, id)).toBe("running");
    expect(ec2.inspect(id).memory).toBe("in-use");
    expect(await attachments(client)).toEqual(before);
  });

  it("termination applies DeleteOnTermination at `terminated`: the root is deleted, the others are available with no attachment", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, root, data } = await launchWithData(client, ec2);
    const extra = await attachNew(client, ec2, id, "/dev/sdg");
    const before = await attachments(client);
    expect([...(await volumes(client)).values()].map((v) => [v.VolumeId, v.Attachments![0]!.DeleteOnTermination])).toEqual([
      [root, true],
      [data, false],
      [extra, false],
    ]);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    // While shutting down, every volume is still attached.
    ec2.advance(realisticDurations.terminate.linux - 1);
    expect(await stateOf(client, id)).toBe("shutting-down");
    expect(await attachments(client)).toEqual(before);
    ec2.advance(1);
    expect(await stateOf(client, id)).toBe("terminated");
    expect(await attachments(client)).toEqual([
      [data, "available", []],
      [extra, "available", []],
    ]);
    await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: [root] })), {
      name: "InvalidVolume.NotFound",
      message: `The volume '${root}' does not exist.`,
      status: 400,
    });
  });

  it("a terminated stopped instance releases its volumes the same way", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, root, data } = await launchWithData(client, ec2);
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    expect(await stateOf(client, id)).toBe("terminated");
    const left = await volumes(client);
    expect([...left.keys()]).toEqual([data]);
    expect(left.has(root)).toBe(false);
    expect(left.get(data)).toMatchObject({ State: "available", Attachments: [] });
  });

  it("ModifyInstanceAttribute's DeleteOnTermination changes the outcome: a kept root, a deleted data volume and attached one", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, root, data } = await launchWithData(client, ec2);
    const extra = await attachNew(client, ec2, id, "/dev/sdg");
    await client.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: id,
        BlockDeviceMappings: [
          { DeviceName: "/dev/xvda", Ebs: { DeleteOnTermination: false } },
          { DeviceName: "/dev/sdf", Ebs: { DeleteOnTermination: true } },
          { DeviceName: "/dev/sdg", Ebs: { VolumeId: extra, DeleteOnTermination: true } },
        ],
      }),
    );
    const flags = [...(await volumes(client)).values()].map((v) => [v.VolumeId, v.Attachments![0]!.DeleteOnTermination]);
    expect(flags).toEqual([
      [root, false],
      [data, true],
      [extra, true],
    ]);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    expect(await attachments(client)).toEqual([[root, "available", []]]);
    // The kept root is an ordinary volume: deletable once available.
    expect((await volumes(client)).get(root)).toMatchObject({ Size: 8, SnapshotId: "snap-0a1b2c3d4e5f60718" });
  });
});

describe.each(["plugin", "httpHandler", "server"])("hibernation's root volume prerequisite, through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("RunInstances refuses a root volume smaller than the type's memory, and launches nothing", async () => {
    const { client } = await openDoor(door);
    // m5.xlarge: 16 GiB of memory; the built-in Linux image's root is 8 GiB.
    await expectEc2Error(launch(client, { InstanceType: "m5.xlarge", HibernationOptions: { Configured: true } }), {
      name: "UnsupportedHibernationConfiguration",
      message: "For hibernation, the root device volume must be large enough to store the instance's memory: 8 GiB is smaller than 16 GiB.",
      status: 400,
    });
    await expectEc2Error(
      launch(client, {
        InstanceType: "m5.xlarge",
        HibernationOptions: { Configured: true },
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 15 } }],
      }),
      {
        name: "UnsupportedHibernationConfiguration",
        message:
          "For hibernation, the root device volume must be large enough to store the instance's memory: 15 GiB is smaller than 16 GiB.",
        status: 400,
      },
    );
    expect((await volumes(client)).size).toBe(0);
    // Without hibernation the same launch is fine; with a root of the memory's size too.
    const [plain] = await launch(client, { InstanceType: "m5.xlarge" });
    const [hibernating] = await launch(client, {
      InstanceType: "m5.xlarge",
      HibernationOptions: { Configured: true },
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 16 } }],
    });
    expect(plain!.HibernationOptions).toEqual({ Configured: false });
    expect(hibernating!.HibernationOptions).toEqual({ Configured: true });
    const sizes = [...(await volumes(client)).values()].map((v) => [v.Attachments![0]!.InstanceId, v.Size, v.Encrypted]);
    expect(sizes).toEqual([
      [plain!.InstanceId, 8, true],
      [hibernating!.InstanceId, 16, true],
    ]);
  });

  it("a hibernating stop whose root no longer holds the memory (a bigger type) is a normal stop: the memory is lost", async () => {
    const { ec2, client } = await openDoor(door);
    const [instance] = await launch(client, { InstanceType: "m5.large", HibernationOptions: { Configured: true } });
    const id = instance!.InstanceId!;
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "m5.xlarge" } }));
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await ec2.settle();
    const out = await client.send(new StopInstancesCommand({ InstanceIds: [id], Hibernate: true }));
    expect(out.StoppingInstances![0]!.CurrentState!.Name).toBe("stopping");
    // A normal stop takes the stop's time, not hibernation's.
    ec2.advance(realisticDurations.stop.linux);
    expect(await stateOf(client, id)).toBe("stopped");
    expect(ec2.inspect(id).memory).toBe("lost");
    expect([...(await volumes(client)).values()].map((v) => [v.State, v.Attachments![0]!.Device])).toEqual([["in-use", "/dev/xvda"]]);
  });
});
