import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  type CreateVolumeCommandInput,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  type DetachVolumeCommandInput,
  type EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StopInstancesCommand,
  type Volume,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { LINUX_AMI_ID, realisticDurations } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, launchIds, setup, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const DRY_RUN = { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 };

/** A ready (`available`) 10 GiB volume in us-east-1a. */
async function readyVolume(client: EC2Client, advance: (ms: number) => void): Promise<string> {
  const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 } as CreateVolumeCommandInput));
  advance(realisticDurations.volumeCreate);
  return VolumeId!;
}

async function volume(client: EC2Client, id: string): Promise<Volume> {
  return (await client.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes![0]!;
}

/** DescribeInstances' block devices of one instance, as [device, volume, status]. */
async function devices(client: EC2Client, instanceId: string): Promise<[string, string, string][]> {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations![0]!.Instances![0]!.BlockDeviceMappings!.map((m) => [m.DeviceName!, m.Ebs!.VolumeId!, m.Ebs!.Status!]);
}

function detach(client: EC2Client, input: Partial<DetachVolumeCommandInput>) {
  return client.send(new DetachVolumeCommand(input as DetachVolumeCommandInput));
}

/** `count` device names an instance may use besides its root (/dev/sdb…/dev/sdz, then /dev/xvdba…). */
function dataDevices(count: number): string[] {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const names = [...letters.slice(1)].map((l) => `/dev/sd${l}`);
  for (const l of letters) names.push(`/dev/xvdb${l}`);
  return names.slice(0, count);
}

const withoutMetadata = <T extends { $metadata?: unknown }>({ $metadata: _, ...rest }: T) => rest;

/** Launches one `InstanceType` instance in us-east-1a with `count` EBS volumes (its root and count - 1 of 1 GiB). */
function runWithVolumes(client: EC2Client, InstanceType: string, count: number) {
  return client.send(
    new RunInstancesCommand({
      ImageId: LINUX_AMI_ID,
      MinCount: 1,
      MaxCount: 1,
      InstanceType,
      Placement: { AvailabilityZone: "us-east-1a" },
      BlockDeviceMappings: dataDevices(count - 1).map((DeviceName) => ({ DeviceName, Ebs: { VolumeSize: 1 } })),
    } as RunInstancesCommandInput),
  );
}

/** EC2's refusal of an attachment beyond the type's limit (AttachVolume and RunInstances alike). */
function attachmentLimitError(limit: number) {
  return {
    name: "AttachmentLimitExceeded",
    message:
      `You may attach up to ${limit} devices for this instance type. Please use a larger instance size to attach more volumes. ` +
      "For a detailed list of limits please refer to https://docs.aws.amazon.com/ebs/latest/userguide/volume_limits.html",
    status: 400,
  };
}

describe.each(["plugin", "httpHandler", "server"])("DetachVolume through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  /** Two running instances in us-east-1a and a ready volume attached (and `attached`) to the first at /dev/sdf. */
  async function attachedSetup() {
    const { ec2, client } = await openDoor(door, {});
    const [first, second] = await launchIds(client, { MinCount: 2, MaxCount: 2, Placement: { AvailabilityZone: "us-east-1a" } });
    await ec2.settle();
    const volumeId = await readyVolume(client, (ms) => ec2.advance(ms));
    const attached = await client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: first, Device: "/dev/sdf" }));
    expect(await devices(client, first!)).toContainEqual(["/dev/sdf", volumeId, "attaching"]);
    ec2.advance(realisticDurations.volumeAttach);
    return { ec2, client, first: first!, second: second!, volumeId, attachTime: attached.AttachTime! };
  }

  it("detaching for the detach time (volume in-use, device taken), then available; attaches again elsewhere", async () => {
    const { ec2, client, first, second, volumeId, attachTime } = await attachedSetup();
    const root = (await devices(client, first))[0]!;
    expect(await devices(client, first)).toEqual([root, ["/dev/sdf", volumeId, "attached"]]);
    const out = await detach(client, { VolumeId: volumeId });
    expect(withoutMetadata(out)).toEqual({
      AttachTime: attachTime,
      Device: "/dev/sdf",
      InstanceId: first,
      State: "detaching",
      VolumeId: volumeId,
    });
    const shown = await volume(client, volumeId);
    expect(shown.State).toBe("in-use");
    expect(shown.Attachments).toEqual([
      { AttachTime: attachTime, Device: "/dev/sdf", InstanceId: first, State: "detaching", VolumeId: volumeId, DeleteOnTermination: false },
    ]);
    expect(await devices(client, first)).toEqual([root, ["/dev/sdf", volumeId, "detaching"]]);
    const filtered = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.status", Values: ["detaching"] }] }));
    expect(filtered.Volumes!.map((v) => v.VolumeId)).toEqual([volumeId]);
    // While detaching: still in use, still attached to the first instance.
    await expectEc2Error(client.send(new DeleteVolumeCommand({ VolumeId: volumeId })), {
      name: "VolumeInUse",
      message: `Volume ${volumeId} is currently attached to ${first}`,
      status: 400,
    });
    await expectEc2Error(client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: second, Device: "/dev/sdg" })), {
      name: "VolumeInUse",
      message: `${volumeId} is already attached to an instance`,
      status: 400,
    });
    ec2.advance(realisticDurations.volumeDetach - 1);
    expect((await volume(client, volumeId)).Attachments![0]!.State).toBe("detaching");
    ec2.advance(1);
    expect(await volume(client, volumeId)).toMatchObject({ State: "available", Attachments: [] });
    expect(await devices(client, first)).toEqual([root]);
    await expectEc2Error(detach(client, { VolumeId: volumeId }), {
      name: "IncorrectState",
      message: `Volume '${volumeId}' is in the 'available' state.`,
      status: 400,
    });
    const again = await client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: second, Device: "/dev/sdg" }));
    expect(again).toMatchObject({ InstanceId: second, Device: "/dev/sdg", State: "attaching" });
    ec2.advance(realisticDurations.volumeAttach);
    expect((await volume(client, volumeId)).Attachments).toMatchObject([{ InstanceId: second, Device: "/dev/sdg", State: "attached" }]);
    expect((await devices(client, second)).slice(1)).toEqual([["/dev/sdg", volumeId, "attached"]]);
  });

  it("refuses every documented case exactly, and changes nothing", async () => {
    const { ec2, client, first, second, volumeId } = await attachedSetup();
    await expectEc2Error(detach(client, {}), {
      name: "MissingParameter",
      message: "The request must contain the parameter VolumeId",
      status: 400,
    });
    await expectEc2Error(detach(client, { VolumeId: "disk-1" }), {
      name: "InvalidVolumeID.Malformed",
      message: 'Invalid id: "disk-1" (expecting "vol-...")',
      status: 400,
    });
    await expectEc2Error(detach(client, { VolumeId: "vol-0123456789abcdef0" }), {
      name: "InvalidVolume.NotFound",
      message: "The volume 'vol-0123456789abcdef0' does not exist.",
      status: 400,
    });
    await expectEc2Error(detach(client, { VolumeId: volumeId, InstanceId: "i-0123456789abcdef0" }), {
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
      status: 400,
    });
    await expectEc2Error(detach(client, { VolumeId: volumeId, InstanceId: second }), {
      name: "InvalidAttachment.NotFound",
      message: `Volume '${volumeId}' is not attached to instance '${second}'.`,
      status: 400,
    });
    await expectEc2Error(detach(client, { VolumeId: volumeId, InstanceId: first, Device: "/dev/sdg" }), {
      name: "InvalidAttachment.NotFound",
      message: `Volume '${volumeId}' is not attached to device '/dev/sdg'.`,
      status: 400,
    });
    await expectEc2Error(detach(client, { VolumeId: volumeId, DryRun: true }), DRY_RUN);
    const [rootDevice, rootVolume] = (await devices(client, first))[0]!;
    expect(rootDevice).toBe("/dev/xvda");
    for (const Force of [false, true]) {
      await expectEc2Error(detach(client, { VolumeId: rootVolume, Force }), {
        name: "IncorrectState",
        message: `Unable to detach root volume '${rootVolume}' from instance '${first}'`,
        status: 400,
      });
    }
    const creating = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 } as CreateVolumeCommandInput));
    await expectEc2Error(detach(client, { VolumeId: creating.VolumeId }), {
      name: "IncorrectState",
      message: `Volume '${creating.VolumeId}' is in the 'creating' state.`,
      status: 400,
    });
    // A pending instance (just launched): not a state volumes can be detached in.
    const [pending] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    const [, pendingRoot] = (await devices(client, pending!))[0]!;
    await expectEc2Error(detach(client, { VolumeId: pendingRoot }), {
      name: "IncorrectInstanceState",
      message: `Unable to detach volume '${pendingRoot}' from instance '${pending}'. The instance is not in a state in which volumes can be detached.`,
      status: 400,
    });
    expect((await volume(client, volumeId)).Attachments).toMatchObject([{ InstanceId: first, State: "attached" }]);
    expect((await volume(client, rootVolume)).Attachments).toMatchObject([{ InstanceId: first, State: "attached" }]);
    ec2.advance(60_000);
    expect(await devices(client, first)).toEqual([
      [rootDevice, rootVolume, "attached"],
      ["/dev/sdf", volumeId, "attached"],
    ]);
  });

  it("IAM: DetachVolume is authorized on the volume and instance before DryRun (403), nothing changed", async () => {
    const { ec2, client } = await openDoor(door, {
      iam: {
        policies: [
          {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "ec2:*", Resource: "*" },
              { Effect: "Deny", Action: ["ec2:DetachVolume"], Resource: "arn:aws:ec2:*:*:instance/*" },
            ],
          },
        ],
      },
    });
    const [instanceId] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    await ec2.settle();
    const volumeId = await readyVolume(client, (ms) => ec2.advance(ms));
    await client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: "/dev/sdf" }));
    for (const DryRun of [false, true]) {
      await expectEc2Error(detach(client, { VolumeId: volumeId, DryRun }), {
        name: "UnauthorizedOperation",
        message: expect.stringContaining("You are not authorized to perform this operation.") as unknown as string,
        status: 403,
      });
    }
    ec2.advance(realisticDurations.volumeDetach);
    expect((await volume(client, volumeId)).State).toBe("in-use");
  });

  it("the root volume of a stopped instance detaches; it attaches back", async () => {
    const { ec2, client } = await openDoor(door, {});
    const [instanceId] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [instanceId!] }));
    await ec2.settle();
    const [[device, rootVolume]] = (await devices(client, instanceId!)) as [[string, string, string]];
    const out = await detach(client, { VolumeId: rootVolume, InstanceId: instanceId, Device: device });
    expect(out).toMatchObject({ State: "detaching", VolumeId: rootVolume, InstanceId: instanceId, Device: device });
    ec2.advance(realisticDurations.volumeDetach);
    expect(await devices(client, instanceId!)).toEqual([]);
    expect((await volume(client, rootVolume)).State).toBe("available");
    await client.send(new AttachVolumeCommand({ VolumeId: rootVolume, InstanceId: instanceId, Device: device }));
    ec2.advance(realisticDurations.volumeAttach);
    expect(await devices(client, instanceId!)).toEqual([[device, rootVolume, "attached"]]);
  });

  it("Force ends a detach at once; a second detach without Force changes nothing", async () => {
    const { ec2, client, first, volumeId, attachTime } = await attachedSetup();
    await detach(client, { VolumeId: volumeId });
    ec2.advance(1_000);
    const repeated = await detach(client, { VolumeId: volumeId, InstanceId: first });
    expect(withoutMetadata(repeated)).toEqual({
      AttachTime: attachTime,
      Device: "/dev/sdf",
      InstanceId: first,
      State: "detaching",
      VolumeId: volumeId,
    });
    // Still the first call's detach time: it ends volumeDetach after that call.
    ec2.advance(realisticDurations.volumeDetach - 1_000);
    expect((await volume(client, volumeId)).State).toBe("available");

    await client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: first, Device: "/dev/sdh" }));
    ec2.advance(realisticDurations.volumeAttach);
    const forced = await detach(client, { VolumeId: volumeId, Force: true });
    expect(forced).toMatchObject({ State: "detaching", Device: "/dev/sdh" });
    expect(await volume(client, volumeId)).toMatchObject({ State: "available", Attachments: [] });
    expect((await devices(client, first)).map(([d]) => d)).toEqual(["/dev/xvda"]);
    // Force also ends a detach in progress.
    await client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: first, Device: "/dev/sdh" }));
    await detach(client, { VolumeId: volumeId });
    expect((await volume(client, volumeId)).State).toBe("in-use");
    await detach(client, { VolumeId: volumeId, Force: true });
    expect((await volume(client, volumeId)).State).toBe("available");
  });

  it("settle() ends every detach and deletion in flight", async () => {
    const { ec2, client, first, volumeId } = await attachedSetup();
    const other = await readyVolume(client, (ms) => ec2.advance(ms));
    await detach(client, { VolumeId: volumeId });
    await client.send(new DeleteVolumeCommand({ VolumeId: other }));
    const start = ec2.now();
    await ec2.settle();
    expect(ec2.now() - start).toBe(realisticDurations.volumeDetach);
    expect(await volume(client, volumeId)).toMatchObject({ State: "available", Attachments: [] });
    expect((await devices(client, first)).map(([d]) => d)).toEqual(["/dev/xvda"]);
    const left = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "volume-id", Values: [volumeId, other] }] }));
    expect(left.Volumes!.map((v) => v.VolumeId)).toEqual([volumeId]);
  });

  it("with the instant timing, a detached volume is available at once", async () => {
    const { client } = await openDoor(door, { timing: "instant" });
    const [instanceId] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    const volumeId = await readyVolume(client, () => {});
    await client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: "/dev/sdf" }));
    expect(await detach(client, { VolumeId: volumeId })).toMatchObject({ State: "detaching" });
    expect(await volume(client, volumeId)).toMatchObject({ State: "available", Attachments: [] });
    await client.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    expect((await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "volume-id", Values: [volumeId] }] }))).Volumes).toEqual([]);
  });

  it("DeleteVolume: deleting for the delete time, then gone; billed until the call", async () => {
    const { ec2, client } = await openDoor(door, {});
    const [instanceId] = await launchIds(client, { Placement: { AvailabilityZone: "us-east-1a" } });
    await ec2.settle();
    const before = ec2.usage().ebsGibSeconds;
    const start = ec2.now();
    const volumeId = await readyVolume(client, (ms) => ec2.advance(ms));
    expect(await client.send(new DeleteVolumeCommand({ VolumeId: volumeId }))).toEqual({ $metadata: expect.anything() });
    const deletedAt = ec2.now();
    expect((await volume(client, volumeId)).State).toBe("deleting");
    const filtered = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "status", Values: ["deleting"] }] }));
    expect(filtered.Volumes!.map((v) => v.VolumeId)).toEqual([volumeId]);
    await expectEc2Error(client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: "/dev/sdf" })), {
      name: "IncorrectState",
      message: `Volume '${volumeId}' is in the 'deleting' state.`,
      status: 400,
    });
    // Deleting it again: nothing changes (decision).
    await client.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    ec2.advance(realisticDurations.volumeDelete - 1);
    expect((await volume(client, volumeId)).State).toBe("deleting");
    ec2.advance(1);
    await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })), {
      name: "InvalidVolume.NotFound",
      message: `The volume '${volumeId}' does not exist.`,
      status: 400,
    });
    // The instance's root volume keeps counting; the deleted one counts 10 GiB from creation to DeleteVolume,
    // billed per second with EBS's 60-second minimum (docs/behaviour.md, "EBS billing").
    const rootGiB = 8;
    const after = ec2.usage().ebsGibSeconds;
    const deletedSeconds = Math.max(60, Math.ceil((deletedAt - start) / 1000));
    expect(after - before).toBeCloseTo(10 * deletedSeconds + rootGiB * ((ec2.now() - start) / 1000), 6);
  });

  it("AttachVolume and RunInstances stop at the type's EBS attachment limit", async () => {
    const { ec2, client } = await openDoor(door, {});
    const run = (InstanceType: string, count: number) => runWithVolumes(client, InstanceType, count);
    // Shared Nitro limit (27 EBS with the primary interface), less the instance store (m5d), a dedicated limit (m7i).
    await expectEc2Error(run("t3.micro", 28), attachmentLimitError(27));
    await expectEc2Error(run("m5d.large", 27), attachmentLimitError(26));
    await expectEc2Error(run("m7i.large", 33), attachmentLimitError(32));
    const full = (await run("t3.micro", 27)).Instances![0]!.InstanceId!;
    expect((await client.send(new DescribeVolumesCommand({}))).Volumes).toHaveLength(27);
    await ec2.settle();
    const volumeId = await readyVolume(client, (ms) => ec2.advance(ms));
    await expectEc2Error(
      client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: full, Device: "/dev/xvdbz" })),
      attachmentLimitError(27),
    );
    expect((await volume(client, volumeId)).State).toBe("available");
    // A detaching volume still counts; once detached, its place is free.
    const data = (await devices(client, full))[1]!;
    await detach(client, { VolumeId: data[1] });
    await expectEc2Error(
      client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: full, Device: "/dev/xvdbz" })),
      attachmentLimitError(27),
    );
    ec2.advance(realisticDurations.volumeDetach);
    await client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: full, Device: "/dev/xvdbz" }));
    expect(await devices(client, full)).toHaveLength(27);
    expect((await run("m7i.large", 32)).Instances![0]!.BlockDeviceMappings).toHaveLength(32);
  });
});

describe.each(["plugin", "server"])("the attachment limit of an added instance type, through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();
  const added = (InstanceType: string, ebs: object) => ({
    InstanceType,
    ProcessorInfo: { SupportedArchitectures: ["x86_64" as const] },
    VCpuInfo: { DefaultVCpus: 2, DefaultCores: 1, DefaultThreadsPerCore: 2 },
    MemoryInfo: { SizeInMiB: 4096 },
    ...ebs,
  });

  it("is its record's MaximumEbsAttachments, else 27", async () => {
    const { client } = await openDoor(door, {
      instanceTypes: { add: [added("x8z.large", { EbsInfo: { MaximumEbsAttachments: 3 } }), added("x8z.xlarge", {})] },
    });
    const run = (InstanceType: string, count: number) => runWithVolumes(client, InstanceType, count);
    await expectEc2Error(run("x8z.large", 4), attachmentLimitError(3));
    expect((await run("x8z.large", 3)).Instances![0]!.BlockDeviceMappings).toHaveLength(3);
    await expectEc2Error(run("x8z.xlarge", 28), attachmentLimitError(27));
  });
});

describe("a detach and a deletion in progress survive a state snapshot (eu-west-1)", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("restores `detaching` and `deleting`, which then end on time", async () => {
    const { ec2, client } = await openDoor("plugin", { region: "eu-west-1" });
    const [instanceId] = await launchIds(client, { Placement: { AvailabilityZone: "eu-west-1a" } });
    await ec2.settle();
    const create = () => client.send(new CreateVolumeCommand({ AvailabilityZone: "eu-west-1a", Size: 4 } as CreateVolumeCommandInput));
    const { VolumeId: attached } = await create();
    const { VolumeId: deleted } = await create();
    ec2.advance(realisticDurations.volumeCreate);
    await client.send(new AttachVolumeCommand({ VolumeId: attached, InstanceId: instanceId, Device: "/dev/sdf" }));
    ec2.advance(realisticDurations.volumeAttach);
    await detach(client, { VolumeId: attached });
    await client.send(new DeleteVolumeCommand({ VolumeId: deleted }));
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    const { ec2: restored, client: restoredClient } = setup({ region: "eu-west-1" });
    restored.restore(snapshot);
    const states = async () =>
      (await restoredClient.send(new DescribeVolumesCommand({}))).Volumes!.map((v) => [v.VolumeId, v.State, v.Attachments![0]?.State]);
    expect(await states()).toEqual([
      [expect.any(String), "in-use", "attached"],
      [attached, "in-use", "detaching"],
      [deleted, "deleting", undefined],
    ]);
    restored.advance(realisticDurations.volumeDetach);
    expect(await states()).toEqual([
      [expect.any(String), "in-use", "attached"],
      [attached, "available", undefined],
    ]);
    expect(await devices(restoredClient, instanceId!)).toHaveLength(1);
    restoredClient.destroy();
  });
});
