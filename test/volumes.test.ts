import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeVolumesCommand,
  type DescribeVolumesCommandInput,
  type EC2Client,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Volume,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { VolumeStore } from "../src/aws/ec2/model/volumes.js";
import { type Ec2MockOptions, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { type DoorSetup, doorOpener, doors } from "./doors.js";
import { describeAll, expectEc2Error, launch, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
useFrozenClock({ now: NOW });

/** The built-in Linux image's root snapshot. */
const LINUX_ROOT_SNAPSHOT = "snap-0a1b2c3d4e5f60718";

/** A launch with three data volumes next to the root: one kept on termination, two deleted. */
const withDataVolumes = {
  BlockDeviceMappings: [
    { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 100, VolumeType: "gp2" as const, DeleteOnTermination: false } },
    { DeviceName: "/dev/sdg", Ebs: { VolumeSize: 50, VolumeType: "io2" as const, Iops: 4000 } },
    { DeviceName: "/dev/sdh", Ebs: { VolumeSize: 20, VolumeType: "gp3" as const, Iops: 5000, Throughput: 250 } },
  ],
};

async function volumes(client: EC2Client, input: DescribeVolumesCommandInput = {}): Promise<Volume[]> {
  return (await client.send(new DescribeVolumesCommand(input))).Volumes ?? [];
}

/** The volumes by device name. */
function byDevice(list: readonly Volume[]): Map<string, Volume> {
  return new Map(list.map((v) => [v.Attachments?.[0]?.Device ?? `available:${v.VolumeId}`, v]));
}

describe.each(Object.keys(doors))("Volumes through the %s", (door) => {
  const openDoor = doorOpener();
  /** A fresh mock and a real EC2Client wired to it through this door (closed after the test). */
  const setup = (options?: Ec2MockOptions): Promise<DoorSetup> => openDoor(door, options);

  describe("volumes created by RunInstances", () => {
    it("shows the root and data volumes in-use, attached, in the SDK's Volume shape", async () => {
      const { client } = await setup({ timing: "instant" });
      const [instance] = await launch(client, withDataVolumes);
      const id = instance!.InstanceId!;
      const list = await volumes(client);
      expect(list.map((v) => v.Attachments![0]!.Device)).toEqual(["/dev/xvda", "/dev/sdf", "/dev/sdg", "/dev/sdh"]);
      const root = list[0]!;
      expect(root).toEqual({
        Attachments: [
          { AttachTime: NOW, Device: "/dev/xvda", InstanceId: id, State: "attached", VolumeId: root.VolumeId, DeleteOnTermination: true },
        ],
        AvailabilityZone: "us-east-1a",
        CreateTime: NOW,
        Encrypted: true,
        KmsKeyId: expect.stringMatching(
          /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        ),
        Size: 8,
        SnapshotId: LINUX_ROOT_SNAPSHOT,
        State: "in-use",
        VolumeId: expect.stringMatching(/^vol-[0-9a-f]{17}$/),
        Iops: 3000,
        VolumeType: "gp3",
        MultiAttachEnabled: false,
        Throughput: 125,
      });
      const [, gp2, io2, gp3] = list;
      expect([gp2!.Size, gp2!.VolumeType, gp2!.Iops, gp2!.Throughput, gp2!.SnapshotId]).toEqual([100, "gp2", 300, undefined, ""]);
      expect([io2!.Size, io2!.VolumeType, io2!.Iops, io2!.Throughput]).toEqual([50, "io2", 4000, undefined]);
      expect([gp3!.Size, gp3!.VolumeType, gp3!.Iops, gp3!.Throughput]).toEqual([20, "gp3", 5000, 250]);
      expect(list.every((v) => v.State === "in-use" && v.Encrypted === true && v.KmsKeyId === root.KmsKeyId)).toBe(true);
      expect(list.map((v) => v.Attachments![0]!.DeleteOnTermination)).toEqual([true, false, true, true]);
    });

    it("agrees with DescribeInstances' BlockDeviceMappings and DescribeInstanceAttribute's blockDeviceMapping", async () => {
      const { client } = await setup({ timing: "instant" });
      const [instance] = await launch(client, withDataVolumes);
      const id = instance!.InstanceId!;
      const fromVolumes = (await volumes(client)).map((v) => ({
        DeviceName: v.Attachments![0]!.Device,
        Ebs: {
          AttachTime: v.Attachments![0]!.AttachTime,
          DeleteOnTermination: v.Attachments![0]!.DeleteOnTermination,
          Status: "attached",
          VolumeId: v.VolumeId,
        },
      }));
      expect(instance!.BlockDeviceMappings).toEqual(fromVolumes);
      expect((await describeAll(client, [id])).get(id)!.BlockDeviceMappings).toEqual(fromVolumes);
      const attribute = await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "blockDeviceMapping" }));
      expect(attribute.BlockDeviceMappings).toEqual(fromVolumes);
    });

    it("a gp2 volume has 3 IOPS per GiB, at least 100; io1 and io2 need Iops", async () => {
      const { client } = await setup({ timing: "instant" });
      await launch(client, { BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 10, VolumeType: "gp2" } }] });
      expect((await volumes(client, { Filters: [{ Name: "volume-type", Values: ["gp2"] }] }))[0]!.Iops).toBe(100);
      await expectEc2Error(
        client.send(
          new RunInstancesCommand({
            ImageId: LINUX_AMI_ID,
            MinCount: 1,
            MaxCount: 1,
            BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 10, VolumeType: "io1" } }],
          }),
        ),
        { name: "InvalidParameterCombination", message: "The parameter iops must be specified for io1 volumes.", status: 400 },
      );
      expect(await volumes(client)).toHaveLength(2);
    });

    it("each instance of a launch gets its own volumes, in its zone", async () => {
      const { client } = await setup({ timing: "instant" });
      const [a, b] = await launch(client, { MinCount: 2, MaxCount: 2, Placement: { AvailabilityZone: "us-east-1c" } });
      const list = await volumes(client);
      expect(list.map((v) => v.Attachments![0]!.InstanceId)).toEqual([a!.InstanceId, b!.InstanceId]);
      expect(new Set(list.map((v) => v.VolumeId)).size).toBe(2);
      expect(list.map((v) => v.AvailabilityZone)).toEqual(["us-east-1c", "us-east-1c"]);
    });

    it("an instance-store image creates no volume unless the request adds one", async () => {
      const { client } = await setup({ timing: "instant" });
      await launch(client, { ImageId: "ami-0c3d4e5f607182930" });
      expect(await volumes(client)).toEqual([]);
    });
  });

  describe("what stop, start and terminate do to volumes", () => {
    it("volumes stay attached and in-use through stop and start", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [instance] = await launch(client, withDataVolumes);
      const id = instance!.InstanceId!;
      const before = await volumes(client);
      await ec2.settle();
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      expect(await volumes(client)).toEqual(before);
      await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      expect(await volumes(client)).toEqual(before);
    });

    it("terminate deletes DeleteOnTermination volumes (NotFound) and leaves the others available, detached", async () => {
      const { ec2, client } = await setup();
      const [instance] = await launch(client, withDataVolumes);
      const id = instance!.InstanceId!;
      const devices = byDevice(await volumes(client));
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      // Shutting down: nothing has happened to the volumes yet.
      expect((await volumes(client)).map((v) => v.State)).toEqual(["in-use", "in-use", "in-use", "in-use"]);
      await ec2.settle();
      const kept = devices.get("/dev/sdf")!;
      expect(await volumes(client)).toEqual([{ ...kept, Attachments: [], State: "available" }]);
      const rootId = devices.get("/dev/xvda")!.VolumeId!;
      await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: [rootId] })), {
        name: "InvalidVolume.NotFound",
        message: `The volume '${rootId}' does not exist.`,
        status: 400,
      });
      expect((await describeAll(client, [id])).get(id)!.BlockDeviceMappings).toEqual([]);
      // The available volume outlives the instance's visibility.
      ec2.advance(2 * 60 * 60 * 1000);
      expect(await describeAll(client)).toEqual(new Map());
      expect((await volumes(client, { VolumeIds: [kept.VolumeId!] }))[0]!.State).toBe("available");
    });

    it("ModifyInstanceAttribute's DeleteOnTermination changes what terminate does, and DescribeVolumes shows it at once", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [instance] = await launch(client, withDataVolumes);
      const id = instance!.InstanceId!;
      const devices = byDevice(await volumes(client));
      await client.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: id,
          BlockDeviceMappings: [
            { DeviceName: "/dev/xvda", Ebs: { DeleteOnTermination: false } },
            { DeviceName: "/dev/sdf", Ebs: { DeleteOnTermination: true } },
          ],
        }),
      );
      const now = byDevice(await volumes(client));
      expect(now.get("/dev/xvda")!.Attachments![0]!.DeleteOnTermination).toBe(false);
      expect(now.get("/dev/sdf")!.Attachments![0]!.DeleteOnTermination).toBe(true);
      const mapping = (await describeAll(client, [id])).get(id)!.BlockDeviceMappings!;
      expect(mapping.map((m) => m.Ebs!.DeleteOnTermination)).toEqual([false, true, true, true]);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      const left = await volumes(client);
      expect(left.map((v) => v.VolumeId)).toEqual([devices.get("/dev/xvda")!.VolumeId]);
      expect(left[0]).toMatchObject({ State: "available", Attachments: [], SnapshotId: LINUX_ROOT_SNAPSHOT, Size: 8 });
    });
  });

  describe("DescribeVolumes filters", () => {
    async function fleet() {
      const { ec2, client } = await setup({ timing: "instant" });
      const [a] = await launch(client, {
        ...withDataVolumes,
        TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "team", Value: "storage" }] }],
      });
      const [b] = await launch(client, { ImageId: WINDOWS_AMI_ID, Placement: { AvailabilityZone: "us-east-1b" } });
      return { ec2, client, a: a!.InstanceId!, b: b!.InstanceId! };
    }

    /** The devices (or "available") of the volumes a filter set selects. */
    async function select(client: EC2Client, Filters: DescribeVolumesCommandInput["Filters"]): Promise<string[]> {
      return (await volumes(client, { Filters })).map((v) => v.Attachments?.[0]?.Device ?? "available");
    }

    it("attachment.*, status, volume-type, size, availability-zone, encrypted, snapshot-id, create-time, volume-id", async () => {
      const { ec2, client, a, b } = await fleet();
      expect(await select(client, [{ Name: "attachment.instance-id", Values: [b] }])).toEqual(["/dev/sda1"]);
      expect(await select(client, [{ Name: "attachment.device", Values: ["/dev/sd?"] }])).toEqual(["/dev/sdf", "/dev/sdg", "/dev/sdh"]);
      expect(await select(client, [{ Name: "attachment.delete-on-termination", Values: ["false"] }])).toEqual(["/dev/sdf"]);
      expect(await select(client, [{ Name: "attachment.status", Values: ["attached"] }])).toHaveLength(5);
      expect(await select(client, [{ Name: "attachment.attach-time", Values: [NOW.toISOString()] }])).toHaveLength(5);
      expect(await select(client, [{ Name: "status", Values: ["in-use"] }])).toHaveLength(5);
      expect(await select(client, [{ Name: "volume-type", Values: ["gp2", "io2"] }])).toEqual(["/dev/sdf", "/dev/sdg"]);
      expect(await select(client, [{ Name: "size", Values: ["30", "100"] }])).toEqual(["/dev/sdf", "/dev/sda1"]);
      expect(await select(client, [{ Name: "availability-zone", Values: ["us-east-1b"] }])).toEqual(["/dev/sda1"]);
      expect(await select(client, [{ Name: "encrypted", Values: ["true"] }])).toHaveLength(5);
      expect(await select(client, [{ Name: "encrypted", Values: ["false"] }])).toEqual([]);
      expect(await select(client, [{ Name: "multi-attach-enabled", Values: ["false"] }])).toHaveLength(5);
      expect(await select(client, [{ Name: "snapshot-id", Values: [LINUX_ROOT_SNAPSHOT] }])).toEqual(["/dev/xvda"]);
      // A name without values: volumes that have a snapshot (blank data volumes have none).
      expect(await select(client, [{ Name: "snapshot-id" }])).toEqual(["/dev/xvda", "/dev/sda1"]);
      expect(await select(client, [{ Name: "create-time", Values: ["2026-03-01T12:00:00*"] }])).toHaveLength(5);
      const [root] = await volumes(client, { Filters: [{ Name: "attachment.device", Values: ["/dev/xvda"] }] });
      expect(await select(client, [{ Name: "volume-id", Values: [root!.VolumeId!, "vol-0123456789abcdef0"] }])).toEqual(["/dev/xvda"]);
      // Filters are ANDed.
      expect(
        await select(client, [
          { Name: "attachment.instance-id", Values: [a] },
          { Name: "volume-type", Values: ["gp3"] },
        ]),
      ).toEqual(["/dev/xvda", "/dev/sdh"]);
      // After termination: the kept volume is available, with no attachment to match.
      await client.send(new TerminateInstancesCommand({ InstanceIds: [a] }));
      await ec2.settle();
      expect(await select(client, [{ Name: "status", Values: ["available"] }])).toEqual(["available"]);
      expect(await select(client, [{ Name: "attachment.instance-id", Values: [a] }])).toEqual([]);
      expect(await select(client, [{ Name: "attachment.status", Values: ["attached"] }])).toEqual(["/dev/sda1"]);
    });

    it("availability-zone-id (the Region catalogue's zone ids), operator.managed and operator.principal", async () => {
      const { client } = await fleet();
      // us-east-1b is use1-az4 in the shipped Region catalogue (data/offerings.json).
      expect(await select(client, [{ Name: "availability-zone-id", Values: ["use1-az4"] }])).toEqual(["/dev/sda1"]);
      expect(await select(client, [{ Name: "availability-zone-id", Values: ["use1-az*"] }])).toHaveLength(5);
      // No volume of the mock is managed by an AWS service.
      expect(await select(client, [{ Name: "operator.managed", Values: ["false"] }])).toHaveLength(5);
      expect(await select(client, [{ Name: "operator.managed", Values: ["true"] }])).toEqual([]);
      expect(await select(client, [{ Name: "operator.principal", Values: ["*"] }])).toEqual([]);
      // No fast snapshot restore in the mock: no volume is fast-restored.
      expect(await select(client, [{ Name: "fast-restored", Values: ["false"] }])).toHaveLength(5);
      expect(await select(client, [{ Name: "fast-restored", Values: ["true"] }])).toEqual([]);
    });

    it("IncludeManagedResources is read, and changes nothing: the mock has no managed volume", async () => {
      const { client } = await fleet();
      const all = await volumes(client);
      expect(all).toHaveLength(5);
      expect(await volumes(client, { IncludeManagedResources: true })).toStrictEqual(all);
      expect(await volumes(client, { IncludeManagedResources: false })).toStrictEqual(all);
    });

    it("tag:KEY, tag-key, tag-value; an unknown filter is refused", async () => {
      const { client } = await fleet();
      expect(await select(client, [{ Name: "tag:team", Values: ["stor*"] }])).toEqual(["/dev/xvda", "/dev/sdf", "/dev/sdg", "/dev/sdh"]);
      expect(await select(client, [{ Name: "tag-key", Values: ["team"] }])).toHaveLength(4);
      expect(await select(client, [{ Name: "tag-value", Values: ["storage"] }])).toHaveLength(4);
      expect(await select(client, [{ Name: "tag:team", Values: ["other"] }])).toEqual([]);
      await expectEc2Error(client.send(new DescribeVolumesCommand({ Filters: [{ Name: "instance-id", Values: ["x"] }] })), {
        name: "InvalidParameterValue",
        message: "The filter 'instance-id' is invalid",
        status: 400,
      });
    });
  });

  describe("DescribeVolumes pagination", () => {
    it("pages in creation order with MaxResults and NextToken; NextToken only when more remain", async () => {
      const { client } = await setup({ timing: "instant" });
      await launch(client, { MinCount: 6, MaxCount: 6, BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 1 } }] });
      const all = (await volumes(client)).map((v) => v.VolumeId);
      expect(all).toHaveLength(12);
      const seen: (string | undefined)[] = [];
      const sizes: number[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: token }));
        sizes.push(page.Volumes!.length);
        seen.push(...page.Volumes!.map((v) => v.VolumeId));
        token = page.NextToken;
      } while (token !== undefined);
      expect(sizes).toEqual([5, 5, 2]);
      expect(seen).toEqual(all);
      // Exactly a full last page: no token.
      const filtered = await client.send(
        new DescribeVolumesCommand({ MaxResults: 6, Filters: [{ Name: "attachment.device", Values: ["/dev/sdf"] }] }),
      );
      expect(filtered.Volumes).toHaveLength(6);
      expect(filtered.NextToken).toBeUndefined();
      // A token belongs to its query.
      const first = await client.send(new DescribeVolumesCommand({ MaxResults: 5 }));
      await expectEc2Error(
        client.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: first.NextToken, Filters: [{ Name: "size", Values: ["1"] }] })),
        { name: "InvalidParameterValue", message: "Unable to parse pagination token", status: 400 },
      );
    });

    it("MaxResults: 5..500, a larger value gives at most 500; not with VolumeIds", async () => {
      const { client } = await setup({ timing: "instant" });
      const [instance] = await launch(client);
      const volumeId = instance!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      expect(await volumes(client, { MaxResults: 501 })).toHaveLength(1);
      // With more than 500 volumes, a page is at most 500 whatever the MaxResults (the AWS CLI sends 1000).
      await launch(client, { MinCount: 250, MaxCount: 250, BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 1 } }] });
      const page = await client.send(new DescribeVolumesCommand({ MaxResults: 1000 }));
      expect(page.Volumes).toHaveLength(500);
      expect((await client.send(new DescribeVolumesCommand({ MaxResults: 1000, NextToken: page.NextToken }))).Volumes).toHaveLength(1);
      await expectEc2Error(client.send(new DescribeVolumesCommand({ MaxResults: 4 })), {
        name: "InvalidParameterValue",
        message: "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId], MaxResults: 5 })), {
        name: "InvalidParameterCombination",
        message: "The parameter volumeSet cannot be used with the parameter maxResults",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeVolumesCommand({ NextToken: "garbage" })), {
        name: "InvalidParameterValue",
        message: "Unable to parse pagination token",
        status: 400,
      });
    });
  });

  describe("DescribeVolumes errors and DryRun", () => {
    it("malformed ids, then unknown ids (one, several), each with EC2's words; DryRun is 412", async () => {
      const { client } = await setup({ timing: "instant" });
      const [instance] = await launch(client);
      const volumeId = instance!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: ["vol-0123456789abcdef0", "foo"] })), {
        name: "InvalidVolumeID.Malformed",
        message: 'Invalid id: "foo" (expecting "vol-...")',
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: ["vol-xyz"] })), {
        name: "InvalidVolumeID.Malformed",
        message: 'Invalid id: "vol-xyz"',
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId, "vol-1a2b3c4d"] })), {
        name: "InvalidVolume.NotFound",
        message: "The volume 'vol-1a2b3c4d' does not exist.",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: ["vol-1a2b3c4d", "vol-0123456789abcdef0"] })), {
        name: "InvalidVolume.NotFound",
        message: "The volumes 'vol-1a2b3c4d, vol-0123456789abcdef0' do not exist.",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeVolumesCommand({ DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      // Ids are checked before DryRun.
      await expectEc2Error(client.send(new DescribeVolumesCommand({ VolumeIds: ["vol-1a2b3c4d"], DryRun: true })), {
        name: "InvalidVolume.NotFound",
        message: "The volume 'vol-1a2b3c4d' does not exist.",
        status: 400,
      });
      // A named id given twice is shown once.
      expect((await volumes(client, { VolumeIds: [volumeId, volumeId] })).map((v) => v.VolumeId)).toEqual([volumeId]);
    });

    it("an empty region has no volumes; reset forgets them", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      expect(await client.send(new DescribeVolumesCommand({}))).toMatchObject({ Volumes: [] });
      await launch(client);
      ec2.reset();
      expect(await volumes(client)).toEqual([]);
    });
  });

  describe("volume tags", () => {
    it("TagSpecifications of type volume land on every volume of every instance, not on the instance", async () => {
      const { client } = await setup({ timing: "instant" });
      const [a, b] = await launch(client, {
        ...withDataVolumes,
        MinCount: 2,
        MaxCount: 2,
        TagSpecifications: [
          { ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] },
          { ResourceType: "volume", Tags: [{ Key: "backup", Value: "daily" }, { Key: "team" }] },
        ],
      });
      const list = await volumes(client);
      expect(list).toHaveLength(8);
      for (const v of list) {
        expect(v.Tags).toEqual([
          { Key: "backup", Value: "daily" },
          { Key: "team", Value: "" },
        ]);
      }
      expect(a!.Tags).toEqual([{ Key: "Name", Value: "web" }]);
      expect(b!.Tags).toEqual([{ Key: "Name", Value: "web" }]);
      // Each volume has its own tag set.
      await client.send(new CreateTagsCommand({ Resources: [list[0]!.VolumeId!], Tags: [{ Key: "only", Value: "root" }] }));
      expect((await volumes(client, { Filters: [{ Name: "tag-key", Values: ["only"] }] })).map((v) => v.VolumeId)).toEqual([
        list[0]!.VolumeId,
      ]);
    });

    it("a volume without tags has no Tags member", async () => {
      const { client } = await setup({ timing: "instant" });
      await launch(client, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] }] });
      const [root] = await volumes(client);
      expect(root).not.toHaveProperty("Tags");
    });

    it("CreateTags and DeleteTags work on an available volume; a deleted volume is NotFound", async () => {
      const { ec2, client } = await setup({ timing: "instant" });
      const [instance] = await launch(client, withDataVolumes);
      const devices = byDevice(await volumes(client));
      await client.send(new TerminateInstancesCommand({ InstanceIds: [instance!.InstanceId!] }));
      await ec2.settle();
      const kept = devices.get("/dev/sdf")!.VolumeId!;
      await client.send(
        new CreateTagsCommand({
          Resources: [kept],
          Tags: [
            { Key: "keep", Value: "yes" },
            { Key: "x", Value: "1" },
          ],
        }),
      );
      await client.send(new DeleteTagsCommand({ Resources: [kept], Tags: [{ Key: "x" }] }));
      expect((await volumes(client, { VolumeIds: [kept] }))[0]!.Tags).toEqual([{ Key: "keep", Value: "yes" }]);
      const gone = devices.get("/dev/xvda")!.VolumeId!;
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [gone], Tags: [{ Key: "k", Value: "v" }] })), {
        name: "InvalidVolume.NotFound",
        message: `The volume '${gone}' does not exist.`,
        status: 400,
      });
    });

    it("CreateTags on an attached volume shows in DescribeVolumes; DryRun tags nothing", async () => {
      const { client } = await setup({ timing: "instant" });
      const [instance] = await launch(client);
      const volumeId = instance!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [volumeId], Tags: [{ Key: "a", Value: "1" }], DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect((await volumes(client))[0]).not.toHaveProperty("Tags");
      await client.send(new CreateTagsCommand({ Resources: [volumeId], Tags: [{ Key: "a", Value: "1" }] }));
      expect((await volumes(client))[0]!.Tags).toEqual([{ Key: "a", Value: "1" }]);
    });
  });
});
describe("the volume store keeps deleted volumes (for usage and billing)", () => {
  it("a deleted volume leaves the live ones, keeps its deletion time, and stays in all()", () => {
    const store = new VolumeStore();
    const t0 = Date.UTC(2026, 2, 1);
    const spec = { sizeGiB: 8, volumeType: "gp3", snapshotId: "", availabilityZone: "us-east-1a" };
    const a = store.create("vol-0000000000000000a", spec, new Date(t0));
    const b = store.create("vol-0000000000000000b", { ...spec, sizeGiB: 100 }, new Date(t0 + 1000));
    store.delete(b, t0 + 11_000);
    expect(store.get(b.volumeId)).toBeUndefined();
    expect(b.deleteTime).toEqual(new Date(t0 + 11_000));
    expect(store.all().map((v) => v.volumeId)).toEqual([a.volumeId, b.volumeId]);
  });
});
