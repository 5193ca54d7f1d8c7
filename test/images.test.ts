import {
  CopyImageCommand,
  CreateImageCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandInput,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type EC2ServiceException,
  type Image,
  type ImageAttributeName,
  RegisterImageCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { publicImages } from "../src/aws/ec2/model/image-catalogue.js";
import { createImageDurationMs, DEREGISTERED_VISIBLE_MS } from "../src/aws/ec2/model/images.js";
import { builtInImages, createEc2Mock, INSTANCE_STORE_AMI_ID, LINUX_AMI_ID, WINDOWS_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, iamPolicy, useFrozenClock, useTempDir } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
useFrozenClock({ now: NOW });

const AMI_ID = /^ami-[0-9a-f]{17}$/;
const SNAP_ID = /^snap-[0-9a-f]{17}$/;
const ACCOUNT = "123456789012";

async function images(client: EC2Client, input: DescribeImagesCommandInput = {}): Promise<Image[]> {
  return (await client.send(new DescribeImagesCommand(input))).Images ?? [];
}

async function refusal(call: Promise<unknown>): Promise<EC2ServiceException> {
  return call.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: EC2ServiceException) => e,
  );
}

/** Launches one instance from `imageId` and waits until it runs. */
async function runningFrom(client: EC2Client, ec2: { settle(): Promise<unknown> }, imageId = LINUX_AMI_ID): Promise<string> {
  const out = await client.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
  await ec2.settle();
  return out.Instances![0]!.InstanceId!;
}

describe.each(["plugin", "httpHandler", "server"])("images through the %s", (door) => {
  const openDoor = doorOpener();

  describe("DescribeImages", () => {
    it("finds the latest Amazon Linux 2023 by name among Amazon's images, with wildcards", async () => {
      const { client } = await openDoor(door);
      const found = await images(client, {
        Owners: ["amazon"],
        Filters: [
          { Name: "name", Values: ["al2023-ami-2023.*-kernel-6.1-x86_64"] },
          { Name: "architecture", Values: ["x86_64"] },
          { Name: "state", Values: ["available"] },
        ],
      });
      // Written from the data, independently of the operation: the built-in and the Region's public image.
      const expected = [...builtInImages, ...publicImages("us-east-1")]
        .map((i) => i.Name!)
        .filter((name) => name.startsWith("al2023-ami-2023.") && name.endsWith("-kernel-6.1-x86_64"));
      expect(found.map((i) => i.Name).sort()).toEqual(expected.sort());
      expect(found.map((i) => i.Name).sort()).toEqual([
        "al2023-ami-2023.11.20260427.1-kernel-6.1-x86_64",
        "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64",
      ]);
      for (const image of found)
        expect(image).toMatchObject({ OwnerId: expect.stringMatching(/^\d{12}$/), Public: true, State: "available" });
    });

    it("shows a public image with its launch facts completed (an EBS root mapping), and launches it", async () => {
      const { client } = await openDoor(door);
      const al2023 = publicImages("us-east-1").find((i) => i.Name === "al2023-ami-2023.11.20260427.1-kernel-6.1-x86_64")!;
      const [image] = await images(client, { ImageIds: [al2023.ImageId!] });
      expect(image).toMatchObject({
        ImageId: al2023.ImageId,
        ImageOwnerAlias: "amazon",
        OwnerId: "137112412989",
        Public: true,
        RootDeviceType: "ebs",
        RootDeviceName: "/dev/xvda",
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: `snap-${al2023.ImageId!.slice(4)}`, VolumeSize: 8 } }],
      });
      const run = await client.send(
        new RunInstancesCommand({ ImageId: al2023.ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }),
      );
      expect(run.Instances![0]!.ImageId).toBe(al2023.ImageId);
    });

    it("refuses malformed and unknown ids, bad owners and users, unknown filters, MaxResults with ids; DryRun is 412", async () => {
      const { client } = await openDoor(door);
      await expectEc2Error(client.send(new DescribeImagesCommand({ ImageIds: ["ami-xyz"] })), {
        name: "InvalidAMIID.Malformed",
        message: 'Invalid id: "ami-xyz" (expecting "ami-...")',
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeImagesCommand({ ImageIds: [LINUX_AMI_ID, "ami-00000000000000001"] })), {
        name: "InvalidAMIID.NotFound",
        message: "The image id '[ami-00000000000000001]' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeImagesCommand({ Owners: ["nobody"] })), {
        name: "InvalidUserID.Malformed",
        message: 'Invalid user id: "nobody"',
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeImagesCommand({ ExecutableUsers: ["everyone"] })), {
        name: "InvalidUserID.Malformed",
        message: 'Invalid user id: "everyone"',
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeImagesCommand({ Filters: [{ Name: "colour", Values: ["red"] }] })), {
        name: "InvalidParameterValue",
        message: "The filter 'colour' is invalid",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeImagesCommand({ Filters: [{ Name: "image-allowed", Values: ["true"] }] })), {
        name: "UnsupportedOperation",
        message: "ec2-mock does not model the filter 'image-allowed' of DescribeImages.",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeImagesCommand({ ImageIds: [LINUX_AMI_ID], MaxResults: 5 })), {
        name: "InvalidParameterCombination",
        message: "The parameter ImageId cannot be used with the parameter maxResults",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeImagesCommand({ Owners: ["self"], DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
    });

    it("selects by owner: self (none yet), amazon, an account id; ExecutableUsers all is the public images", async () => {
      const { client } = await openDoor(door);
      expect(await images(client, { Owners: ["self"] })).toEqual([]);
      const amazon = await images(client, { Owners: ["amazon"] });
      expect(amazon.length).toBe(builtInImages.length + publicImages("us-east-1").length);
      const byAccount = await images(client, { Owners: ["099720109477"] });
      expect(byAccount.length).toBeGreaterThan(0);
      for (const image of byAccount) expect(image.OwnerId).toBe("099720109477");
      expect((await images(client, { ExecutableUsers: ["all"] })).length).toBe(amazon.length);
      expect(await images(client, { ExecutableUsers: ["self"] })).toEqual([]);
      const windows = await images(client, { Filters: [{ Name: "platform", Values: ["windows"] }], Owners: ["amazon"] });
      expect(windows.map((i) => i.ImageId)).toContain(WINDOWS_AMI_ID);
      const store = await images(client, { Filters: [{ Name: "root-device-type", Values: ["instance-store"] }] });
      expect(store.map((i) => i.ImageId)).toContain(INSTANCE_STORE_AMI_ID);
      for (const image of store) expect(image.RootDeviceType).toBe("instance-store");
    });

    it("pages with MaxResults and NextToken: the pages are the whole list, in order, each once", async () => {
      const { client } = await openDoor(door);
      const all = await images(client, { Owners: ["amazon"] });
      const paged: Image[] = [];
      let NextToken: string | undefined;
      let pages = 0;
      do {
        const out = await client.send(new DescribeImagesCommand({ Owners: ["amazon"], MaxResults: 20, NextToken }));
        expect((out.Images ?? []).length).toBeLessThanOrEqual(20);
        paged.push(...(out.Images ?? []));
        NextToken = out.NextToken;
        pages++;
      } while (NextToken !== undefined);
      expect(pages).toBe(Math.ceil(all.length / 20));
      expect(paged.map((i) => i.ImageId)).toEqual(all.map((i) => i.ImageId));
      await expectEc2Error(client.send(new DescribeImagesCommand({ Owners: ["self"], MaxResults: 4 })), {
        name: "InvalidParameterValue",
        message: "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.",
        status: 400,
      });
    });

    it("hides deprecated images unless IncludeDeprecated, except the account's own", async () => {
      const { client } = await openDoor(door, {
        images: [
          {
            ImageId: "ami-0000000000000d001",
            Name: "old",
            OwnerId: "111122223333",
            Public: true,
            DeprecationTime: "2026-01-01T00:00:00.000Z",
          },
          { ImageId: "ami-0000000000000d002", Name: "mine-old", DeprecationTime: "2026-01-01T00:00:00.000Z" },
          {
            ImageId: "ami-0000000000000d003",
            Name: "later",
            OwnerId: "111122223333",
            Public: true,
            DeprecationTime: "2027-01-01T00:00:00.000Z",
          },
        ],
      });
      const ids = ["ami-0000000000000d001", "ami-0000000000000d002", "ami-0000000000000d003"];
      expect((await images(client, { ImageIds: ids })).map((i) => i.Name)).toEqual(["mine-old", "later"]);
      expect((await images(client, { ImageIds: ids, IncludeDeprecated: true })).map((i) => i.Name)).toEqual(["old", "mine-old", "later"]);
    });
  });

  describe("CreateImage, the image's life, DeregisterImage", () => {
    it("bakes an image from a running instance: pending, then available on the engine clock; one snapshot per volume; launchable", async () => {
      const { client, ec2 } = await openDoor(door);
      const instanceId = await runningFrom(client, ec2);
      const volumes = (await client.send(new DescribeVolumesCommand({}))).Volumes!;
      const created = await client.send(
        new CreateImageCommand({
          InstanceId: instanceId,
          Name: "web (v1) [2026-03-01]",
          Description: "the web tier",
          TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "team", Value: "web" }] }],
        }),
      );
      expect(created.ImageId).toMatch(AMI_ID);
      // Without NoReboot, EC2 reboots the instance to snapshot its volumes at rest.
      expect(ec2.inspect(instanceId).rebooting).toBe(true);
      const [pending] = await images(client, { ImageIds: [created.ImageId!] });
      expect(pending).toMatchObject({
        ImageId: created.ImageId,
        Name: "web (v1) [2026-03-01]",
        Description: "the web tier",
        State: "pending",
        OwnerId: ACCOUNT,
        Public: false,
        ImageType: "machine",
        ImageLocation: `${ACCOUNT}/web (v1) [2026-03-01]`,
        Architecture: "x86_64",
        RootDeviceType: "ebs",
        RootDeviceName: "/dev/xvda",
        VirtualizationType: "hvm",
        PlatformDetails: "Linux/UNIX",
        BootMode: "uefi-preferred",
        ImdsSupport: "v2.0",
        Tags: [{ Key: "team", Value: "web" }],
      });
      expect(pending!.CreationDate).toBe(new Date(ec2.now()).toISOString());
      expect(pending!.BlockDeviceMappings).toEqual([
        {
          DeviceName: "/dev/xvda",
          Ebs: {
            DeleteOnTermination: true,
            SnapshotId: expect.stringMatching(SNAP_ID),
            VolumeSize: volumes[0]!.Size,
            VolumeType: "gp3",
            Iops: 3000,
            Throughput: 125,
            Encrypted: true,
          },
        },
      ]);
      await expectEc2Error(
        client.send(new RunInstancesCommand({ ImageId: created.ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })),
        { name: "InvalidAMIID.Unavailable", message: `AMI '${created.ImageId}' is pending, and cannot be run`, status: 400 },
      );
      ec2.advance(createImageDurationMs(8) - 1);
      expect((await images(client, { ImageIds: [created.ImageId!] }))[0]!.State).toBe("pending");
      ec2.advance(1);
      expect((await images(client, { ImageIds: [created.ImageId!] }))[0]!.State).toBe("available");
      expect((await images(client, { Owners: ["self"] })).map((i) => i.ImageId)).toEqual([created.ImageId]);
      // Launch from it: the root volume comes from the image's snapshot; IMDSv2 required, as the image says.
      const run = await client.send(
        new RunInstancesCommand({ ImageId: created.ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }),
      );
      const launched = run.Instances![0]!;
      expect(launched.ImageId).toBe(created.ImageId);
      expect(launched.MetadataOptions).toMatchObject({ HttpTokens: "required", HttpPutResponseHopLimit: 2 });
      const rootVolume = (await client.send(new DescribeVolumesCommand({ VolumeIds: [launched.BlockDeviceMappings![0]!.Ebs!.VolumeId!] })))
        .Volumes![0]!;
      expect(rootVolume.SnapshotId).toBe(pending!.BlockDeviceMappings![0]!.Ebs!.SnapshotId);
    });

    it("checks the name, the instance and its state in EC2's order; names are unique among the account's images", async () => {
      const { client, ec2 } = await openDoor(door);
      const instanceId = await runningFrom(client, ec2);
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "ab" })), {
        name: "InvalidAMIName.Malformed",
        message: "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'",
        status: 400,
      });
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "web#1" })), {
        name: "InvalidAMIName.Malformed",
        message: "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'",
        status: 400,
      });
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: "i-nope", Name: "web" })), {
        name: "InvalidInstanceID.Malformed",
        message: 'Invalid id: "i-nope"',
        status: 400,
      });
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: "i-0123456789abcdef0", Name: "web" })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-0123456789abcdef0' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "web", DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect(await images(client, { Owners: ["self"] })).toEqual([]);
      const first = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "web", NoReboot: true }));
      expect(ec2.inspect(instanceId).rebooting).toBe(false);
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "web", NoReboot: true })), {
        name: "InvalidAMIName.Duplicate",
        message: `AMI name web is already in use by AMI ${first.ImageId}`,
        status: 400,
      });
      const store = (
        await client.send(new RunInstancesCommand({ ImageId: INSTANCE_STORE_AMI_ID, InstanceType: "m1.small", MinCount: 1, MaxCount: 1 }))
      ).Instances![0]!.InstanceId!;
      await ec2.settle();
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: store, Name: "store" })), {
        name: "UnsupportedOperation",
        message: `The instance '${store}' does not have an 'ebs' root device type and cannot be used to create an Amazon EBS-backed AMI.`,
        status: 400,
      });
      await client.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
      await ec2.settle();
      await expectEc2Error(client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "late" })), {
        name: "IncorrectInstanceState",
        message: `The instance '${instanceId}' is not in a state from which it can be imaged.`,
        status: 400,
      });
      expect((await images(client, { Owners: ["self"] })).map((i) => i.Name)).toEqual(["web"]);
    });

    it("deregisters the account's own images only; a deregistered image shows, then goes; launching it is refused", async () => {
      const { client, ec2 } = await openDoor(door);
      const instanceId = await runningFrom(client, ec2);
      const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "to-go" }));
      ec2.advance(createImageDurationMs(8));
      const child = (await client.send(new RunInstancesCommand({ ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })))
        .Instances![0]!.InstanceId!;
      await expectEc2Error(client.send(new DeregisterImageCommand({ ImageId: LINUX_AMI_ID })), {
        name: "AuthFailure",
        message: `Not authorized for image:${LINUX_AMI_ID}`,
        status: 401,
      });
      await expectEc2Error(client.send(new DeregisterImageCommand({ ImageId: "ami-00000000000000001" })), {
        name: "InvalidAMIID.NotFound",
        message: "The image id '[ami-00000000000000001]' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DeregisterImageCommand({ ImageId, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect((await client.send(new DeregisterImageCommand({ ImageId }))).Return).toBe(true);
      expect((await images(client, { ImageIds: [ImageId!] })).map((i) => i.State)).toEqual(["deregistered"]);
      await expectEc2Error(client.send(new DeregisterImageCommand({ ImageId })), {
        name: "InvalidAMIID.Unavailable",
        message: `The image ID '${ImageId}' is no longer available`,
        status: 400,
      });
      await expectEc2Error(client.send(new RunInstancesCommand({ ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })), {
        name: "InvalidAMIID.Unavailable",
        message: `AMI '${ImageId}' is deregistered, and cannot be run`,
        status: 400,
      });
      // Its instance is not affected.
      const shown = await client.send(new DescribeInstancesCommand({ InstanceIds: [child] }));
      expect(shown.Reservations![0]!.Instances![0]!.ImageId).toBe(ImageId);
      ec2.advance(DEREGISTERED_VISIBLE_MS);
      expect(await images(client, { Owners: ["self"] })).toEqual([]);
      // Still referenced by an instance: an empty answer; once none is, NotFound.
      expect(await images(client, { ImageIds: [ImageId!] })).toEqual([]);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [child] }));
      await ec2.settle();
      await expectEc2Error(client.send(new DescribeImagesCommand({ ImageIds: [ImageId!] })), {
        name: "InvalidAMIID.NotFound",
        message: `The image id '[${ImageId}]' does not exist`,
        status: 400,
      });
      await expectEc2Error(client.send(new RunInstancesCommand({ ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })), {
        name: "InvalidAMIID.NotFound",
        message: `The image id '[${ImageId}]' does not exist`,
        status: 400,
      });
      // The name is free again.
      const again = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "to-go", NoReboot: true }));
      expect(again.ImageId).toMatch(AMI_ID);
    });

    it("tags images with CreateTags and DeleteTags; DescribeTags lists them as resource-type image", async () => {
      const { client, ec2 } = await openDoor(door);
      const instanceId = await runningFrom(client, ec2);
      const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "tagged", NoReboot: true }));
      await client.send(
        new CreateTagsCommand({
          Resources: [ImageId!],
          Tags: [
            { Key: "env", Value: "prod" },
            { Key: "tier", Value: "web" },
          ],
        }),
      );
      const tags = await client.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-type", Values: ["image"] }] }));
      expect(tags.Tags).toEqual([
        { Key: "env", ResourceId: ImageId, ResourceType: "image", Value: "prod" },
        { Key: "tier", ResourceId: ImageId, ResourceType: "image", Value: "web" },
      ]);
      expect((await images(client, { Filters: [{ Name: "tag:env", Values: ["prod"] }] })).map((i) => i.ImageId)).toEqual([ImageId]);
      expect((await images(client, { Filters: [{ Name: "tag-key", Values: ["tier"] }] })).map((i) => i.ImageId)).toEqual([ImageId]);
      await client.send(new DeleteTagsCommand({ Resources: [ImageId!], Tags: [{ Key: "env" }] }));
      expect((await images(client, { ImageIds: [ImageId!] }))[0]!.Tags).toEqual([{ Key: "tier", Value: "web" }]);
      // A public image can be tagged too: the tags are the account's alone.
      const al2023 = publicImages("us-east-1")[3]!.ImageId!;
      await client.send(new CreateTagsCommand({ Resources: [al2023, LINUX_AMI_ID], Tags: [{ Key: "pick", Value: "me" }] }));
      expect((await images(client, { Filters: [{ Name: "tag:pick", Values: ["me"] }] })).map((i) => i.ImageId)).toEqual([
        LINUX_AMI_ID,
        al2023,
      ]);
      const picked = await client.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["pick"] }] }));
      expect(picked.Tags?.map((t) => [t.ResourceId, t.ResourceType])).toEqual([
        [LINUX_AMI_ID, "image"],
        [al2023, "image"],
      ]);
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: ["ami-00000000000000001"], Tags: [{ Key: "a", Value: "b" }] })), {
        name: "InvalidAMIID.NotFound",
        message: "The image id '[ami-00000000000000001]' does not exist",
        status: 400,
      });
    });
  });

  describe("DescribeImageAttribute", () => {
    it("answers the documented attributes, refuses the deprecated blockDeviceMapping and names the unmodelled ones", async () => {
      const { client } = await openDoor(door);
      const attribute = (Attribute: string, ImageId = LINUX_AMI_ID) =>
        client.send(new DescribeImageAttributeCommand({ ImageId, Attribute: Attribute as ImageAttributeName }));
      expect(await attribute("description")).toMatchObject({
        ImageId: LINUX_AMI_ID,
        Description: { Value: "Amazon Linux 2023 AMI (ec2-mock built-in)" },
      });
      expect(await attribute("bootMode")).toMatchObject({ BootMode: { Value: "uefi-preferred" } });
      expect(await attribute("imdsSupport")).toMatchObject({ ImdsSupport: { Value: "v2.0" } });
      expect((await attribute("launchPermission")).LaunchPermissions).toEqual([{ Group: "all" }]);
      // An HVM image has no kernel nor ramdisk: the attribute is empty.
      expect((await attribute("kernel")).KernelId).toEqual({});
      expect((await attribute("ramdisk")).RamdiskId).toEqual({});
      expect((await attribute("tpmSupport")).TpmSupport).toEqual({});
      expect((await attribute("deregistrationProtection")).DeregistrationProtection).toEqual({ Value: "disabled" });
      await expectEc2Error(attribute("blockDeviceMapping"), {
        name: "AuthFailure",
        message: "The blockDeviceMapping attribute is deprecated. To get the block device mappings of an AMI, use DescribeImages.",
        status: 401,
      });
      await expectEc2Error(attribute("uefiData"), {
        name: "UnsupportedOperation",
        message: "ec2-mock does not model the image attribute 'uefiData' of DescribeImageAttribute.",
        status: 400,
      });
      await expectEc2Error(attribute("colour"), {
        name: "InvalidParameterValue",
        message: "Value (colour) for parameter attribute is invalid. Unknown attribute.",
        status: 400,
      });
      await expectEc2Error(attribute("description", "ami-00000000000000001"), {
        name: "InvalidAMIID.NotFound",
        message: "The image id '[ami-00000000000000001]' does not exist",
        status: 400,
      });
    });
  });

  describe("RegisterImage and CopyImage", () => {
    it("registers an image from a snapshot the region knows; EC2's defaults i386 and paravirtual", async () => {
      const { client } = await openDoor(door);
      const snapshot = "snap-0a1b2c3d4e5f60718";
      const registered = await client.send(
        new RegisterImageCommand({
          Name: "from-snapshot",
          RootDeviceName: "/dev/xvda",
          BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: snapshot } }],
        }),
      );
      const [image] = await images(client, { ImageIds: [registered.ImageId!] });
      expect(image).toMatchObject({
        State: "available",
        Architecture: "i386",
        VirtualizationType: "paravirtual",
        RootDeviceName: "/dev/xvda",
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: snapshot, VolumeSize: 8 } }],
      });
      await expectEc2Error(
        client.send(
          new RegisterImageCommand({
            Name: "ghost",
            RootDeviceName: "/dev/xvda",
            BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: "snap-00000000000000001" } }],
          }),
        ),
        { name: "InvalidSnapshot.NotFound", message: "The snapshot 'snap-00000000000000001' does not exist.", status: 400 },
      );
      // An hvm x86_64 image launches without IMDSv2 required unless it says so.
      const hvm = await client.send(
        new RegisterImageCommand({
          Name: "hvm",
          RootDeviceName: "/dev/xvda",
          Architecture: "x86_64",
          VirtualizationType: "hvm",
          EnaSupport: true,
          BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: snapshot } }],
        }),
      );
      const run = await client.send(new RunInstancesCommand({ ImageId: hvm.ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
      expect(run.Instances![0]!.MetadataOptions).toMatchObject({ HttpTokens: "optional", HttpPutResponseHopLimit: 1 });
    });

    it("copies another Region's image into the call's Region: pending, then available", async () => {
      const { client, ec2 } = await openDoor(door);
      const source = publicImages("eu-west-1").find((i) => i.Name?.startsWith("al2023-ami-2023.") && i.Architecture === "x86_64")!;
      await expectEc2Error(
        client.send(new CopyImageCommand({ Name: "copy", SourceRegion: "eu-west-1", SourceImageId: "ami-00000000000000001" })),
        {
          name: "InvalidAMIID.NotFound",
          message: "The image id '[ami-00000000000000001]' does not exist",
          status: 400,
        },
      );
      const { ImageId } = await client.send(
        new CopyImageCommand({ Name: "copy", SourceRegion: "eu-west-1", SourceImageId: source.ImageId }),
      );
      const [copy] = await images(client, { ImageIds: [ImageId!] });
      expect(copy).toMatchObject({ State: "pending", OwnerId: ACCOUNT, Public: false, Name: "copy", Architecture: "x86_64" });
      expect(copy!.BlockDeviceMappings![0]!.Ebs!.SnapshotId).toMatch(SNAP_ID);
      await ec2.settle();
      ec2.advance(10 * 60_000);
      expect((await images(client, { ImageIds: [ImageId!] }))[0]!.State).toBe("available");
    });
  });
});

describe.each(["plugin", "httpHandler", "server"])("images' pending time follows the timing option, through the %s", (door) => {
  const openDoor = doorOpener();
  const copySource = () => publicImages("eu-west-1").find((i) => i.Name?.startsWith("al2023-ami-2023.") && i.Architecture === "x86_64")!;

  it("under timing \"instant\", CreateImage's and CopyImage's images are available at once", async () => {
    const { client, ec2 } = await openDoor(door, { timing: "instant" });
    const instanceId = await runningFrom(client, ec2);
    const before = ec2.now();
    const { ImageId: baked } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "baked", NoReboot: true }));
    const { ImageId: copied } = await client.send(
      new CopyImageCommand({ Name: "copied", SourceRegion: "eu-west-1", SourceImageId: copySource().ImageId }),
    );
    expect(ec2.now()).toBe(before);
    const shown = await images(client, { ImageIds: [baked!, copied!] });
    expect(shown.map((i) => [i.ImageId, i.State])).toEqual([
      [baked, "available"],
      [copied, "available"],
    ]);
    // Launchable at once.
    const run = await client.send(new RunInstancesCommand({ ImageId: baked, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
    expect(run.Instances![0]!.ImageId).toBe(baked);
  });

  it("imageCreate and imageCopy set the pending time: the duration plus a twelfth of it per GiB", async () => {
    const { client, ec2 } = await openDoor(door, { timing: { imageCreate: 12_000, imageCopy: 24_000 } });
    const instanceId = await runningFrom(client, ec2);
    const { ImageId: baked } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "baked", NoReboot: true }));
    const { ImageId: copied } = await client.send(
      new CopyImageCommand({ Name: "copied", SourceRegion: "eu-west-1", SourceImageId: copySource().ImageId }),
    );
    const copyMappings = (await images(client, { ImageIds: [copied!] }))[0]!.BlockDeviceMappings!;
    const sourceGiB = copyMappings.reduce((sum, m) => sum + (m.Ebs?.VolumeSize ?? 0), 0);
    expect(sourceGiB).toBeGreaterThan(0);
    const state = async (id: string) => (await images(client, { ImageIds: [id] }))[0]!.State;
    // The instance's 8 GiB root volume: 12 s + 8 × 1 s.
    ec2.advance(12_000 + 8 * 1_000 - 1);
    expect(await state(baked!)).toBe("pending");
    ec2.advance(1);
    expect(await state(baked!)).toBe("available");
    expect(await state(copied!)).toBe("pending");
    ec2.advance(24_000 + sourceGiB * 2_000 - (12_000 + 8 * 1_000) - 1);
    expect(await state(copied!)).toBe("pending");
    ec2.advance(1);
    expect(await state(copied!)).toBe("available");
  });
});

describe.each(["plugin", "server"])("members the mock does not model, through the %s", (door) => {
  const openDoor = doorOpener();

  it("are refused by name, and nothing is made", async () => {
    const { client, ec2 } = await openDoor(door);
    const instanceId = await runningFrom(client, ec2);
    const refused: Array<[() => Promise<unknown>, string, string]> = [
      [
        () =>
          client.send(
            new CreateImageCommand({
              InstanceId: instanceId,
              Name: "bdm",
              BlockDeviceMappings: [{ DeviceName: "/dev/sdf", NoDevice: "" }],
            }),
          ),
        "BlockDeviceMappings",
        "CreateImage",
      ],
      [
        () =>
          client.send(
            new RegisterImageCommand({ Name: "s3-image", ImageLocation: "bucket/image.manifest.xml", RootDeviceName: "/dev/sda1" }),
          ),
        "ImageLocation",
        "RegisterImage",
      ],
      [
        () =>
          client.send(
            new CopyImageCommand({
              Name: "slow",
              SourceRegion: "us-east-1",
              SourceImageId: LINUX_AMI_ID,
              SnapshotCopyCompletionDurationMinutes: 15,
            }),
          ),
        "SnapshotCopyCompletionDurationMinutes",
        "CopyImage",
      ],
      [
        () => client.send(new CopyImageCommand({ Name: "enc", SourceRegion: "us-east-1", SourceImageId: LINUX_AMI_ID, Encrypted: true })),
        "Encrypted",
        "CopyImage",
      ],
    ];
    for (const [call, member, action] of refused) {
      await expectEc2Error(call(), {
        name: "UnsupportedOperation",
        message: `ec2-mock does not model the parameter '${member}' of ${action}.`,
        status: 400,
      });
    }
    expect(await images(client, { Owners: ["self"] })).toEqual([]);
  });
});

describe("CopyImage of the account's own image (plugin)", () => {
  it("copies an image baked in one Region into another; the source must be available; names are per Region", async () => {
    const ec2 = createEc2Mock();
    const east = new EC2Client({ region: "us-east-1" });
    east.middlewareStack.use(ec2);
    const west = new EC2Client({ region: "eu-west-1" });
    west.middlewareStack.use(ec2);
    const instanceId = await runningFrom(east, ec2);
    const { ImageId: source } = await east.send(new CreateImageCommand({ InstanceId: instanceId, Name: "baked", NoReboot: true }));
    await expectEc2Error(west.send(new CopyImageCommand({ Name: "baked", SourceRegion: "us-east-1", SourceImageId: source })), {
      name: "InvalidAMIID.Unavailable",
      message: `AMI '${source}' is pending, and cannot be run`,
      status: 400,
    });
    ec2.advance(createImageDurationMs(8));
    await expectEc2Error(west.send(new CopyImageCommand({ Name: "baked", SourceRegion: "mars-1", SourceImageId: source })), {
      name: "InvalidParameterValue",
      message: "Value (mars-1) for parameter SourceRegion is invalid. Invalid region.",
      status: 400,
    });
    const { ImageId: copy } = await west.send(new CopyImageCommand({ Name: "baked", SourceRegion: "us-east-1", SourceImageId: source }));
    const [copied] = await images(west, { ImageIds: [copy!] });
    const [original] = await images(east, { ImageIds: [source!] });
    expect(copied).toMatchObject({
      Name: "baked",
      State: "pending",
      Architecture: original!.Architecture,
      RootDeviceName: original!.RootDeviceName,
      ImdsSupport: original!.ImdsSupport,
      SourceImageId: source,
      SourceImageRegion: "us-east-1",
    });
    expect(copied!.BlockDeviceMappings![0]!.Ebs!.SnapshotId).not.toBe(original!.BlockDeviceMappings![0]!.Ebs!.SnapshotId);
    expect(copied!.BlockDeviceMappings![0]!.Ebs!.VolumeSize).toBe(original!.BlockDeviceMappings![0]!.Ebs!.VolumeSize);
    // The copy is the west Region's alone.
    await expectEc2Error(east.send(new DescribeImagesCommand({ ImageIds: [copy!] })), {
      name: "InvalidAMIID.NotFound",
      message: `The image id '[${copy}]' does not exist`,
      status: 400,
    });
  });
});

describe("images and IAM", () => {
  const openDoor = doorOpener();

  it("authorizes DeregisterImage on the image's ARN, before DryRun, and changes nothing when refused", async () => {
    for (const door of ["plugin", "server"]) {
      const { client, ec2 } = await openDoor(
        door,
        iamPolicy({ Effect: "Allow", Action: "ec2:*", Resource: "*" }, { Effect: "Deny", Action: "ec2:DeregisterImage", Resource: "*" }),
      );
      const instanceId = await runningFrom(client, ec2);
      const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "kept", NoReboot: true }));
      for (const DryRun of [false, true]) {
        const error = await refusal(client.send(new DeregisterImageCommand({ ImageId, DryRun })));
        expect([error.name, error.$metadata.httpStatusCode], door).toEqual(["UnauthorizedOperation", 403]);
      }
      expect((await images(client, { Owners: ["self"] })).map((i) => i.State)).toEqual(["pending"]);
    }
  });
});

describe("CreateImage and IAM (plugin)", () => {
  const openDoor = doorOpener();

  it("authorizes on the instance and the new image; tags on creation also need ec2:CreateTags with ec2:CreateAction", async () => {
    const { client, ec2 } = await openDoor(
      "plugin",
      iamPolicy(
        { Effect: "Allow", Action: "ec2:*", Resource: "*" },
        { Effect: "Deny", Action: "ec2:CreateTags", Resource: "*", Condition: { StringEquals: { "ec2:CreateAction": "CreateImage" } } },
        {
          Effect: "Deny",
          Action: "ec2:CreateImage",
          Resource: "arn:aws:ec2:*:*:instance/*",
          Condition: { StringEquals: { "aws:ResourceTag/locked": "yes" } },
        },
      ),
    );
    const instanceId = await runningFrom(client, ec2);
    const tagged = refusal(
      client.send(
        new CreateImageCommand({
          InstanceId: instanceId,
          Name: "tagged",
          NoReboot: true,
          TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "a", Value: "b" }] }],
        }),
      ),
    );
    expect([(await tagged).name, (await tagged).$metadata.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
    await client.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: "locked", Value: "yes" }] }));
    const locked = await refusal(client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "locked", NoReboot: true })));
    expect([locked.name, locked.$metadata.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
    expect(await images(client, { Owners: ["self"] })).toEqual([]);
    expect(ec2.inspect(instanceId).rebooting).toBe(false);
  });
});

describe("images in the snapshot and per Region", () => {
  it("round-trips the account's images of every Region, with their state, tags and deregistration", async () => {
    const ec2 = createEc2Mock();
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const west = new EC2Client({ region: "eu-west-1" });
    west.middlewareStack.use(ec2);
    const instanceId = await runningFrom(client, ec2);
    const { ImageId: baked } = await client.send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: "baked",
        TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "k", Value: "v" }] }],
      }),
    );
    const { ImageId: gone } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "gone", NoReboot: true }));
    ec2.advance(createImageDurationMs(8));
    await client.send(new DeregisterImageCommand({ ImageId: gone }));
    const { ImageId: westImage } = await west.send(
      new RegisterImageCommand({
        Name: "west",
        RootDeviceName: "/dev/xvda",
        Architecture: "x86_64",
        VirtualizationType: "hvm",
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: "snap-0a1b2c3d4e5f60718" } }],
      }),
    );
    // The account's tag on a built-in image is its own, and kept too.
    await client.send(new CreateTagsCommand({ Resources: [LINUX_AMI_ID], Tags: [{ Key: "mine", Value: "yes" }] }));
    // Images are per Region.
    expect((await images(west, { Owners: ["self"] })).map((i) => i.ImageId)).toEqual([westImage]);
    const before = { east: await images(client, { Owners: ["self"] }), west: await images(west, { Owners: ["self"] }) };
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    expect(snapshot.accountImages.own.map((o: { image: Image }) => o.image.ImageId)).toEqual([baked, gone]);
    expect(snapshot.accountImages.tagsOfOthers).toEqual([[LINUX_AMI_ID, [["mine", "yes"]]]]);

    const restored = createEc2Mock();
    restored.restore(snapshot);
    const c2 = new EC2Client({ region: "us-east-1" });
    c2.middlewareStack.use(restored);
    const w2 = new EC2Client({ region: "eu-west-1" });
    w2.middlewareStack.use(restored);
    expect(await images(c2, { Owners: ["self"] })).toEqual(before.east);
    expect(await images(w2, { Owners: ["self"] })).toEqual(before.west);
    expect((await images(c2, { ImageIds: [LINUX_AMI_ID] }))[0]!.Tags).toEqual([{ Key: "mine", Value: "yes" }]);
    expect(before.east.map((i) => [i.Name, i.State, i.Tags])).toEqual([
      ["baked", "available", [{ Key: "k", Value: "v" }]],
      ["gone", "deregistered", undefined],
    ]);
    // The name of the account's images stays taken after restore.
    await expectEc2Error(c2.send(new CreateImageCommand({ InstanceId: instanceId, Name: "baked", NoReboot: true })), {
      name: "InvalidAMIName.Duplicate",
      message: `AMI name baked is already in use by AMI ${baked}`,
      status: 400,
    });
    // A snapshot without images (older ones) restores to none.
    const { accountImages: _own, ...older } = snapshot;
    restored.restore(older);
    expect(await images(c2, { Owners: ["self"] })).toEqual([]);
  });
});

describe("images in the state file", () => {
  const tmp = useTempDir("images-state-");

  it("a server started on the file another saved shows the account's images and tags, in each Region", async () => {
    const stateFile = tmp.fresh("state");
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
    const serve = async <T>(body: (east: EC2Client, west: EC2Client) => Promise<T>): Promise<T> => {
      const server = await createEc2Mock({ timing: "instant" }).listen({ stateFile });
      const east = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
      const west = new EC2Client({ region: "eu-west-1", endpoint: server.url, credentials, maxAttempts: 1 });
      try {
        return await body(east, west);
      } finally {
        east.destroy();
        west.destroy();
        await server.close();
      }
    };
    const before = await serve(async (east, west) => {
      const run = await east.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
      await east.send(new CreateImageCommand({ InstanceId: run.Instances![0]!.InstanceId, Name: "saved", NoReboot: true }));
      await west.send(
        new RegisterImageCommand({
          Name: "saved-west",
          RootDeviceName: "/dev/xvda",
          BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: "snap-0a1b2c3d4e5f60718" } }],
          TagSpecifications: [{ ResourceType: "image", Tags: [{ Key: "k", Value: "v" }] }],
        }),
      );
      return { east: await images(east, { Owners: ["self"] }), west: await images(west, { Owners: ["self"] }) };
    });
    expect(before.east.map((i) => i.Name)).toEqual(["saved"]);
    expect(before.west.map((i) => [i.Name, i.Tags])).toEqual([["saved-west", [{ Key: "k", Value: "v" }]]]);
    const after = await serve(async (east, west) => ({
      east: await images(east, { Owners: ["self"] }),
      west: await images(west, { Owners: ["self"] }),
    }));
    expect(after.east.map((i) => [i.ImageId, i.Name, i.CreationDate])).toEqual(before.east.map((i) => [i.ImageId, i.Name, i.CreationDate]));
    expect(after.west).toEqual(before.west);
  });
});
