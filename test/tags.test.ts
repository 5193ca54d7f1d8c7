import {
  AllocateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  type EC2Client,
  ReleaseAddressCommand,
  type Tag,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { decodeAuthorizationMessage, type Ec2MockOptions } from "../src/index.js";
import { type DoorSetup, doors } from "./doors.js";
import { describeAll, expectEc2Error, launch, launchIds } from "./helpers.js";

/** The tags DescribeInstances shows for one instance, in order ([] for none). */
async function tagsOf(client: EC2Client, id: string): Promise<Tag[]> {
  return (await describeAll(client, [id])).get(id)?.Tags ?? [];
}

/** `n` distinct tags `k0=v0`, `k1=v1`, ... */
function manyTags(n: number, prefix = "k"): Tag[] {
  return Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));
}

/** The end of EC2-mock's refusal of an untaggable resource: the families it tags. */
const TAGGABLE =
  "only instance (i-), volume (vol-), elastic-ip (eipalloc-), vpc (vpc-), subnet (subnet-), security-group (sg-), security-group-rule (sgr-), key-pair (key-), launch-template (lt-), image (ami-), snapshot (snap-), fleet (fleet-) and spot-instances-request (sir-) resources can be tagged.";

// Every test runs through the plugin and through the server (the SDK's whole query serialize/parse path).
for (const door of ["plugin", "server"] as const) {
  let current: DoorSetup | undefined;
  /** A fresh mock behind `door`, closed after the test. */
  const open = async (options: Ec2MockOptions = {}) => (current = await doors[door]!(options));
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });

  describe(`CreateTags (${door})`, () => {
    it("adds tags shown by DescribeInstances, in order; an overwritten key keeps its place; no Value is ''", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      const out = await client.send(
        new CreateTagsCommand({
          Resources: [id!],
          Tags: [
            { Key: "Name", Value: "web" },
            { Key: "env", Value: "dev" },
          ],
        }),
      );
      expect(Object.keys(out)).toEqual(["$metadata"]);
      await client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "team" }, { Key: "Name", Value: "api" }] }));
      expect(await tagsOf(client, id!)).toEqual([
        { Key: "Name", Value: "api" },
        { Key: "env", Value: "dev" },
        { Key: "team", Value: "" },
      ]);
    });

    it("tags several instances at once, and a terminated instance while it is visible", async () => {
      const { ec2, client } = await open({ timing: "instant" });
      const [a, b] = await launchIds(client, { MinCount: 2, MaxCount: 2 });
      await client.send(new TerminateInstancesCommand({ InstanceIds: [b!] }));
      await ec2.settle();
      await client.send(new CreateTagsCommand({ Resources: [a!, b!, a!], Tags: [{ Key: "k", Value: "v" }] }));
      expect(await tagsOf(client, a!)).toEqual([{ Key: "k", Value: "v" }]);
      expect(await tagsOf(client, b!)).toEqual([{ Key: "k", Value: "v" }]);
    });

    it("accepts the id of a volume attached to an instance (alone or with the instance)", async () => {
      const { client } = await open({ timing: "instant" });
      const [instance] = await launch(client);
      const volumeId = instance!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      await client.send(new CreateTagsCommand({ Resources: [instance!.InstanceId!, volumeId], Tags: [{ Key: "k", Value: "v" }] }));
      await client.send(new DeleteTagsCommand({ Resources: [volumeId] }));
      expect(await tagsOf(client, instance!.InstanceId!)).toEqual([{ Key: "k", Value: "v" }]);
    });

    it("MissingParameter for missing or empty Resources, then for missing or empty Tags", async () => {
      const { client } = await open();
      const noResources = { name: "MissingParameter", message: "The request must contain the parameter resourceIdSet", status: 400 };
      await expectEc2Error(client.send(new CreateTagsCommand({ Tags: [{ Key: "k" }] } as never)), noResources);
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [], Tags: [] })), noResources);
      const noTags = { name: "MissingParameter", message: "The request must contain the parameter Tag", status: 400 };
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: ["i-1a2b3c4d"] } as never)), noTags);
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: ["i-1a2b3c4d"], Tags: [] })), noTags);
    });

    it("InvalidID for an id of no known shape, before anything is looked up", async () => {
      const { client } = await open();
      for (const bad of ["xyz", "foo-12345678", "i-XYZ", "i-123"]) {
        await expectEc2Error(client.send(new CreateTagsCommand({ Resources: ["i-1a2b3c4d", bad], Tags: [{ Key: "k" }] })), {
          name: "InvalidID",
          message: `The ID '${bad}' is not valid`,
          status: 400,
        });
      }
    });

    it("InvalidInstanceID.NotFound names every missing instance; nothing is tagged", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [id!, "i-1a2b3c4d"], Tags: [{ Key: "k" }] })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-1a2b3c4d' does not exist",
        status: 400,
      });
      await expectEc2Error(
        client.send(new CreateTagsCommand({ Resources: ["i-1a2b3c4d", id!, "i-0123456789abcdef0"], Tags: [{ Key: "k" }] })),
        { name: "InvalidInstanceID.NotFound", message: "The instance IDs 'i-1a2b3c4d, i-0123456789abcdef0' do not exist", status: 400 },
      );
      expect(await tagsOf(client, id!)).toEqual([]);
    });

    it("InvalidVolume.NotFound for an unknown volume; UnsupportedOperation for resources the mock does not tag", async () => {
      const { client } = await open({ timing: "instant" });
      const [instance] = await launch(client);
      const id = instance!.InstanceId!;
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [id, "vol-0123456789abcdef0"], Tags: [{ Key: "k" }] })), {
        name: "InvalidVolume.NotFound",
        message: "The volume 'vol-0123456789abcdef0' does not exist.",
        status: 400,
      });
      const eni = instance!.NetworkInterfaces![0]!.NetworkInterfaceId!;
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [id, eni], Tags: [{ Key: "k" }] })), {
        name: "UnsupportedOperation",
        message: `ec2-mock does not model tags on the resource '${eni}': ${TAGGABLE}`,
        status: 400,
      });
      expect(await tagsOf(client, id)).toEqual([]);
    });

    it("refuses aws: keys (checked before the ids exist) and empty or oversized keys and values", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: ["i-1a2b3c4d"], Tags: [{ Key: "AWS:name", Value: "x" }] })), {
        name: "InvalidParameterValue",
        message: "Value ( AWS:name ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use",
        status: 400,
      });
      const invalid = (message: string) => ({ name: "InvalidParameterValue", message, status: 400 });
      await expectEc2Error(
        client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "" }] })),
        invalid("Tag key must not be empty"),
      );
      await expectEc2Error(
        client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "k".repeat(129) }] })),
        invalid("Tag key exceeds the maximum length of 128 characters"),
      );
      await expectEc2Error(
        client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "k", Value: "v".repeat(257) }] })),
        invalid("Tag value exceeds the maximum length of 256 characters"),
      );
      expect(await tagsOf(client, id!)).toEqual([]);
    });

    it("TagLimitExceeded beyond 50 tags on a resource; overwriting does not count; nothing changes on any resource", async () => {
      const { client } = await open({ timing: "instant" });
      const [a, b] = await launchIds(client, { MinCount: 2, MaxCount: 2 });
      await client.send(new CreateTagsCommand({ Resources: [a!], Tags: manyTags(50) }));
      await client.send(new CreateTagsCommand({ Resources: [a!], Tags: [{ Key: "k0", Value: "again" }] }));
      await client.send(new CreateTagsCommand({ Resources: [b!], Tags: manyTags(49) }));
      const limit = { name: "TagLimitExceeded", message: "The maximum number of Tags for a resource has been reached.", status: 400 };
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [b!, a!], Tags: [{ Key: "new" }] })), limit);
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [b!], Tags: manyTags(2, "x") })), limit);
      expect(await tagsOf(client, a!)).toHaveLength(50);
      expect((await tagsOf(client, a!))[0]).toEqual({ Key: "k0", Value: "again" });
      expect(await tagsOf(client, b!)).toEqual(manyTags(49));
      await client.send(new CreateTagsCommand({ Resources: [b!], Tags: [{ Key: "new" }] }));
      expect(await tagsOf(client, b!)).toHaveLength(50);
    });

    it("DryRun: DryRunOperation 412 after every check, and nothing changes", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      const dryRun = { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 };
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "k" }], DryRun: true })), dryRun);
      await client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "k", Value: "v" }] }));
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [id!], DryRun: true })), dryRun);
      expect(await tagsOf(client, id!)).toEqual([{ Key: "k", Value: "v" }]);
      // DryRun does not hide an error: the id checks come first.
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: ["i-1a2b3c4d"], Tags: [{ Key: "k" }], DryRun: true })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-1a2b3c4d' does not exist",
        status: 400,
      });
    });
  });

  describe(`DeleteTags (${door})`, () => {
    async function tagged(): Promise<{ client: EC2Client; id: string }> {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client, {
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "a", Value: "1" },
              { Key: "b", Value: "2" },
              { Key: "c", Value: "" },
              { Key: "d", Value: "4" },
            ],
          },
        ],
      });
      return { client, id: id! };
    }

    it("a tag without Value deletes the key whatever its value; with a Value only when it matches", async () => {
      const { client, id } = await tagged();
      const out = await client.send(
        new DeleteTagsCommand({
          Resources: [id],
          Tags: [{ Key: "a" }, { Key: "b", Value: "other" }, { Key: "d", Value: "4" }, { Key: "zz" }],
        }),
      );
      expect(Object.keys(out)).toEqual(["$metadata"]);
      expect(await tagsOf(client, id)).toEqual([
        { Key: "b", Value: "2" },
        { Key: "c", Value: "" },
      ]);
    });

    it("Value '' deletes only a tag whose value is ''", async () => {
      const { client, id } = await tagged();
      await client.send(
        new DeleteTagsCommand({
          Resources: [id],
          Tags: [
            { Key: "a", Value: "" },
            { Key: "c", Value: "" },
          ],
        }),
      );
      expect((await tagsOf(client, id)).map((t) => t.Key)).toEqual(["a", "b", "d"]);
    });

    it("without Tags (or with an empty list) deletes every tag of the resources", async () => {
      const { client, id } = await tagged();
      await client.send(new DeleteTagsCommand({ Resources: [id], Tags: [] }));
      expect(await tagsOf(client, id)).toEqual([]);
      await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "x" }] }));
      await client.send(new DeleteTagsCommand({ Resources: [id] }));
      expect(await tagsOf(client, id)).toEqual([]);
    });

    it("the same errors as CreateTags: resources, ids, aws: keys; a rejected call changes nothing", async () => {
      const { client, id } = await tagged();
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [] })), {
        name: "MissingParameter",
        message: "The request must contain the parameter resourceIdSet",
        status: 400,
      });
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [id, "xyz"] })), {
        name: "InvalidID",
        message: "The ID 'xyz' is not valid",
        status: 400,
      });
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [id, "i-1a2b3c4d"] })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-1a2b3c4d' does not exist",
        status: 400,
      });
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "aws:cloudformation:stack-name" }] })), {
        name: "InvalidParameterValue",
        message:
          "Value ( aws:cloudformation:stack-name ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use",
        status: 400,
      });
      expect(await tagsOf(client, id)).toHaveLength(4);
    });
  });

  describe(`CreateTags and DeleteTags: limits and idempotency (${door})`, () => {
    it("ResourceCountExceeded above 1000 resource ids (repeats counted), before the ids are read; 1000 pass on", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      const count = {
        name: "ResourceCountExceeded",
        message: "You have exceeded the number of resources allowed in a single call of this type",
        status: 400,
      };
      const many = (n: number) => Array.from({ length: n }, () => "xyz");
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: many(1001), Tags: [{ Key: "k" }] })), count);
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [id!, ...many(1000)] })), count);
      // 1000 ids are within the limit: the next check (the id's shape) answers.
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: many(1000), Tags: [{ Key: "k" }] })), {
        name: "InvalidID",
        message: "The ID 'xyz' is not valid",
        status: 400,
      });
      expect(await tagsOf(client, id!)).toEqual([]);
    });

    it("DeleteTags takes up to 1000 tags", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "k1", Value: "v" }] }] });
      const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}` }));
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [id!], Tags: tags(1001) })), {
        name: "InvalidParameterValue",
        message: "Value (1001) for parameter Tag is invalid. DeleteTags takes up to 1000 tags.",
        status: 400,
      });
      expect(await tagsOf(client, id!)).toEqual([{ Key: "k1", Value: "v" }]);
      await client.send(new DeleteTagsCommand({ Resources: [id!], Tags: tags(1000) }));
      expect(await tagsOf(client, id!)).toEqual([]);
    });

    it("is idempotent: the same CreateTags twice leaves one set; deleting an absent tag succeeds and changes nothing; keys are case-sensitive", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      const tags = [
        { Key: "a", Value: "1" },
        { Key: "b", Value: "" },
      ];
      await client.send(new CreateTagsCommand({ Resources: [id!], Tags: tags }));
      await client.send(new CreateTagsCommand({ Resources: [id!], Tags: tags }));
      expect(await tagsOf(client, id!)).toEqual(tags);
      await client.send(new DeleteTagsCommand({ Resources: [id!], Tags: [{ Key: "a" }] }));
      await client.send(new DeleteTagsCommand({ Resources: [id!], Tags: [{ Key: "a" }] }));
      await client.send(new DeleteTagsCommand({ Resources: [id!], Tags: [{ Key: "zz", Value: "1" }] }));
      expect(await tagsOf(client, id!)).toEqual([{ Key: "b", Value: "" }]);
      // Keys are case-sensitive: `B` is another tag, and deleting `B` leaves `b`.
      await client.send(new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: "B", Value: "2" }] }));
      await client.send(new DeleteTagsCommand({ Resources: [id!], Tags: [{ Key: "B" }] }));
      expect(await tagsOf(client, id!)).toEqual([{ Key: "b", Value: "" }]);
    });

    it("an id of another family the mock holds that names nothing is that family's NotFound; one it holds, or of a family it does not model, UnsupportedOperation", async () => {
      const { ec2, client } = await open({ timing: "instant" });
      const [instance, doomed] = await launch(client, { MinCount: 2, MaxCount: 2 });
      await client.send(new TerminateInstancesCommand({ InstanceIds: [doomed!.InstanceId!] }));
      await ec2.settle();
      const id = instance!.InstanceId!;
      const tag = (other: string) => client.send(new CreateTagsCommand({ Resources: [id, other], Tags: [{ Key: "k" }] }));
      const notFound: Array<[string, string, string]> = [
        ["eni-0123456789abcdef0", "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID 'eni-0123456789abcdef0' does not exist"],
        // The interface of a terminated instance is deleted with it.
        [
          doomed!.NetworkInterfaces![0]!.NetworkInterfaceId!,
          "InvalidNetworkInterfaceID.NotFound",
          `The networkInterface ID '${doomed!.NetworkInterfaces![0]!.NetworkInterfaceId!}' does not exist`,
        ],
        ["ami-0123456789abcdef0", "InvalidAMIID.NotFound", "The image id '[ami-0123456789abcdef0]' does not exist"],
        ["snap-0123456789abcdef0", "InvalidSnapshot.NotFound", "The snapshot 'snap-0123456789abcdef0' does not exist."],
        ["subnet-0123456789abcdef0", "InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist"],
        ["vpc-0123456789abcdef0", "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist"],
        ["sg-0123456789abcdef0", "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist"],
        ["eipalloc-0123456789abcdef0", "InvalidAllocationID.NotFound", "The allocation ID 'eipalloc-0123456789abcdef0' does not exist"],
      ];
      for (const [other, name, message] of notFound) await expectEc2Error(tag(other), { name, message, status: 400 });
      // Subnets, VPCs and security groups are taggable since issue 15 (test/vpcs.test.ts, test/security-groups.test.ts); images since issue 16 (test/images.test.ts).
      const held = [instance!.NetworkInterfaces![0]!.NetworkInterfaceId!, "igw-0123456789abcdef0"];
      for (const other of held) {
        await expectEc2Error(tag(other), {
          name: "UnsupportedOperation",
          message: `ec2-mock does not model tags on the resource '${other}': ${TAGGABLE}`,
          status: 400,
        });
      }
      // Instances are looked up first, then the other families; nothing changed.
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: ["vpc-0123456789abcdef0", "i-0123456789abcdef0"] })), {
        name: "InvalidInstanceID.NotFound",
        message: "The instance ID 'i-0123456789abcdef0' does not exist",
        status: 400,
      });
      expect(await tagsOf(client, id)).toEqual([]);
    });

    it("one missing resource fails the whole batch: no resource of it changes", async () => {
      const { client } = await open({ timing: "instant" });
      const [a, b] = await launchIds(client, {
        MinCount: 2,
        MaxCount: 2,
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "k", Value: "v" }] }],
      });
      for (const call of [
        new CreateTagsCommand({ Resources: [a!, b!, "i-0123456789abcdef0"], Tags: [{ Key: "new" }] }),
        new DeleteTagsCommand({ Resources: [a!, "i-0123456789abcdef0", b!] }),
      ]) {
        await expectEc2Error(client.send(call as CreateTagsCommand), {
          name: "InvalidInstanceID.NotFound",
          message: "The instance ID 'i-0123456789abcdef0' does not exist",
          status: 400,
        });
      }
      expect([await tagsOf(client, a!), await tagsOf(client, b!)]).toEqual([[{ Key: "k", Value: "v" }], [{ Key: "k", Value: "v" }]]);
    });
  });

  describe(`CreateTags and DeleteTags on Elastic IPs (${door})`, () => {
    /** The tags DescribeAddresses shows for one allocation ([] for none). */
    const addressTags = async (client: EC2Client, id: string) =>
      (await client.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses![0]!.Tags ?? [];
    /** The allocation ids DescribeAddresses answers for these filters. */
    const allocationsWith = async (client: EC2Client, Filters: { Name: string; Values: string[] }[]) =>
      (await client.send(new DescribeAddressesCommand({ Filters }))).Addresses!.map((a) => a.AllocationId);

    it("tags an address (alone or with an instance) as it tags an instance; DescribeAddresses and its tag filters follow", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client);
      const { AllocationId: a } = await client.send(
        new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "Name", Value: "front" }] }] }),
      );
      const { AllocationId: b } = await client.send(new AllocateAddressCommand({}));
      await client.send(new CreateTagsCommand({ Resources: [a!, id!, b!], Tags: [{ Key: "env", Value: "dev" }, { Key: "team" }] }));
      await client.send(new CreateTagsCommand({ Resources: [a!], Tags: [{ Key: "Name", Value: "edge" }] }));
      expect(await addressTags(client, a!)).toEqual([
        { Key: "Name", Value: "edge" },
        { Key: "env", Value: "dev" },
        { Key: "team", Value: "" },
      ]);
      expect(await addressTags(client, b!)).toEqual([
        { Key: "env", Value: "dev" },
        { Key: "team", Value: "" },
      ]);
      expect(await tagsOf(client, id!)).toEqual([
        { Key: "env", Value: "dev" },
        { Key: "team", Value: "" },
      ]);
      expect(await allocationsWith(client, [{ Name: "tag:Name", Values: ["edge"] }])).toEqual([a]);
      expect(await allocationsWith(client, [{ Name: "tag:env", Values: ["dev"] }])).toEqual([a, b]);
      await client.send(new DeleteTagsCommand({ Resources: [b!], Tags: [{ Key: "env", Value: "prod" }, { Key: "team" }] }));
      expect(await addressTags(client, b!)).toEqual([{ Key: "env", Value: "dev" }]);
      await client.send(new DeleteTagsCommand({ Resources: [a!], Tags: [{ Key: "env" }] }));
      expect(await allocationsWith(client, [{ Name: "tag-key", Values: ["env"] }])).toEqual([b]);
      expect(await allocationsWith(client, [{ Name: "tag-value", Values: ["edge"] }])).toEqual([a]);
      await client.send(new DeleteTagsCommand({ Resources: [a!, b!] }));
      expect([await addressTags(client, a!), await addressTags(client, b!)]).toEqual([[], []]);
      expect(await allocationsWith(client, [{ Name: "tag-key", Values: ["*"] }])).toEqual([]);
    });

    it("InvalidAllocationID.NotFound for an unknown or released allocation, after instances and volumes; nothing changes", async () => {
      const { client } = await open({ timing: "instant" });
      const [instance] = await launch(client);
      const id = instance!.InstanceId!;
      const { AllocationId: kept } = await client.send(new AllocateAddressCommand({}));
      const { AllocationId: released } = await client.send(new AllocateAddressCommand({}));
      await client.send(new ReleaseAddressCommand({ AllocationId: released! }));
      for (const gone of [released!, "eipalloc-0123456789abcdef0", "eipalloc-1a2b3c4d"]) {
        await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [kept!, id, gone], Tags: [{ Key: "k" }] })), {
          name: "InvalidAllocationID.NotFound",
          message: `The allocation ID '${gone}' does not exist`,
          status: 400,
        });
      }
      // Instances are looked up first, then volumes, then addresses.
      await expectEc2Error(
        client.send(new DeleteTagsCommand({ Resources: ["eipalloc-0123456789abcdef0", "vol-0123456789abcdef0", "i-0123456789abcdef0"] })),
        { name: "InvalidInstanceID.NotFound", message: "The instance ID 'i-0123456789abcdef0' does not exist", status: 400 },
      );
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: ["eipalloc-0123456789abcdef0", "vol-0123456789abcdef0", id] })), {
        name: "InvalidVolume.NotFound",
        message: "The volume 'vol-0123456789abcdef0' does not exist.",
        status: 400,
      });
      expect([await addressTags(client, kept!), await tagsOf(client, id)]).toEqual([[], []]);
    });

    it("TagLimitExceeded counts the tags given at allocation; DryRun answers 412 and changes nothing", async () => {
      const { client } = await open({ timing: "instant" });
      const { AllocationId: a } = await client.send(
        new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: manyTags(30, "old") }] }),
      );
      await expectEc2Error(client.send(new CreateTagsCommand({ Resources: [a!], Tags: manyTags(21) })), {
        name: "TagLimitExceeded",
        message: "The maximum number of Tags for a resource has been reached.",
        status: 400,
      });
      await client.send(new CreateTagsCommand({ Resources: [a!], Tags: manyTags(20) }));
      expect(await addressTags(client, a!)).toHaveLength(50);
      await expectEc2Error(client.send(new DeleteTagsCommand({ Resources: [a!], DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      expect(await addressTags(client, a!)).toHaveLength(50);
    });

    it("IAM authorizes ec2:CreateTags on the address's elastic-ip ARN, with its ec2:ResourceTag keys", async () => {
      const { client } = await open({
        timing: "instant",
        iam: {
          policies: [
            {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: ["ec2:AllocateAddress", "ec2:DescribeAddresses"], Resource: "*" },
                {
                  Effect: "Allow",
                  Action: "ec2:CreateTags",
                  Resource: "*",
                  Condition: { StringEquals: { "ec2:CreateAction": "AllocateAddress" } },
                },
                {
                  Effect: "Allow",
                  Action: ["ec2:CreateTags", "ec2:DeleteTags"],
                  Resource: "*",
                  Condition: { StringEquals: { "ec2:ResourceTag/owner": "me" } },
                },
              ],
            },
          ],
        },
      });
      const tagged = { TagSpecifications: [{ ResourceType: "elastic-ip" as const, Tags: [{ Key: "owner", Value: "me" }] }] };
      const { AllocationId: mine } = await client.send(new AllocateAddressCommand(tagged));
      const { AllocationId: other } = await client.send(new AllocateAddressCommand({}));
      await client.send(new CreateTagsCommand({ Resources: [mine!], Tags: [{ Key: "k", Value: "v" }] }));
      const error = await expectEc2Error(
        client.send(new CreateTagsCommand({ Resources: [mine!, other!], Tags: [{ Key: "k", Value: "v" }] })),
        {
          name: "UnauthorizedOperation",
          message: expect.stringMatching(/^You are not authorized to perform this operation\. Encoded authorization failure message: /),
          status: 403,
        },
      );
      const blob = /Encoded authorization failure message: ([A-Za-z0-9_-]+)$/.exec(error.message)![1]!;
      expect(decodeAuthorizationMessage(blob).context).toMatchObject({
        action: "ec2:CreateTags",
        resource: `arn:aws:ec2:us-east-1:123456789012:elastic-ip/${other}`,
      });
      await client.send(new DeleteTagsCommand({ Resources: [mine!], Tags: [{ Key: "k" }] }));
      expect(await addressTags(client, mine!)).toEqual([{ Key: "owner", Value: "me" }]);
      expect(await addressTags(client, other!)).toEqual([]);
    });
  });
}
