import {
  AllocateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeTagsCommand,
  type DescribeTagsCommandInput,
  type EC2Client,
  type Filter,
  ReleaseAddressCommand,
  type TagDescription,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { decodeAuthorizationMessage, type Ec2MockOptions } from "../src/index.js";
import { type DoorSetup, doorOpener } from "./doors.js";
import { expectEc2Error, launch, launchIds } from "./helpers.js";

/** One DescribeTags call's tags ([] when EC2 sends none). */
async function describeTags(client: EC2Client, input: DescribeTagsCommandInput = {}): Promise<TagDescription[]> {
  return (await client.send(new DescribeTagsCommand(input))).Tags ?? [];
}

/** Every page of a query, as the SDK's paginator would walk it: the pages' sizes and all the tags. */
async function allPages(client: EC2Client, input: DescribeTagsCommandInput): Promise<{ sizes: number[]; tags: TagDescription[] }> {
  const sizes: number[] = [];
  const tags: TagDescription[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new DescribeTagsCommand({ ...input, NextToken }));
    sizes.push(page.Tags?.length ?? 0);
    tags.push(...(page.Tags ?? []));
    NextToken = page.NextToken;
  } while (NextToken !== undefined);
  return { sizes, tags };
}

/** A row as DescribeTags shows it. */
const row = (ResourceId: string, ResourceType: string, Key: string, Value = ""): TagDescription => ({
  Key,
  ResourceId,
  ResourceType: ResourceType as TagDescription["ResourceType"],
  Value,
});

/** Rows in the mock's order: by resource id, then by key (code units). */
const ordered = (rows: TagDescription[]) =>
  [...rows].sort((a, b) => (a.ResourceId! < b.ResourceId! ? -1 : a.ResourceId! > b.ResourceId! ? 1 : a.Key! < b.Key! ? -1 : 1));

/** `n` distinct tags `k0=v0`, `k1=v1`, ... */
const manyTags = (n: number, prefix = "k") => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));

const badFilter = (name: string) => ({ name: "InvalidParameterValue", message: `The filter '${name}' is invalid`, status: 400 });

for (const door of ["plugin", "httpHandler", "server"] as const) {
  describe(`DescribeTags (${door})`, () => {
    const openDoor = doorOpener();
    const open = (options: Ec2MockOptions = {}): Promise<DoorSetup> => openDoor(door, options);

    /** An instance with two tags, its root volume with one, an address with one, an untagged address. */
    async function world(client: EC2Client) {
      const [instance] = await launch(client, {
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "Name", Value: "web" },
              { Key: "env", Value: "dev" },
            ],
          },
          { ResourceType: "volume", Tags: [{ Key: "env", Value: "dev" }] },
        ],
      });
      const instanceId = instance!.InstanceId!;
      const volumeId = instance!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      const { AllocationId } = await client.send(
        new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "role", Value: "front" }] }] }),
      );
      const { AllocationId: untagged } = await client.send(new AllocateAddressCommand({}));
      const rows = [
        row(instanceId, "instance", "Name", "web"),
        row(instanceId, "instance", "env", "dev"),
        row(volumeId, "volume", "env", "dev"),
        row(AllocationId!, "elastic-ip", "role", "front"),
      ];
      return { instanceId, volumeId, allocationId: AllocationId!, untagged: untagged!, rows };
    }

    it("lists every tag of instances, volumes and Elastic IPs, by resource id then key; untagged resources show nothing", async () => {
      const { client } = await open({ timing: "instant" });
      const empty = await client.send(new DescribeTagsCommand({}));
      expect(empty.Tags).toEqual([]);
      expect(empty.NextToken).toBeUndefined();
      const w = await world(client);
      const all = await describeTags(client);
      // eipalloc- < i- < vol-; "Name" < "env" in code units.
      expect(all).toEqual([w.rows[3], w.rows[0], w.rows[1], w.rows[2]]);
      expect(all.map((t) => t.ResourceId)).not.toContain(w.untagged);
      // A tag without a value shows the empty value; CreateTags and DeleteTags show at once.
      await client.send(new CreateTagsCommand({ Resources: [w.untagged, w.instanceId], Tags: [{ Key: "a" }] }));
      await client.send(new DeleteTagsCommand({ Resources: [w.volumeId] }));
      expect(await describeTags(client)).toEqual(
        ordered([
          ...w.rows.filter((r) => r.ResourceId !== w.volumeId),
          row(w.untagged, "elastic-ip", "a"),
          row(w.instanceId, "instance", "a"),
        ]),
      );
    });

    it("shows a terminated instance's tags while it is visible; a released address's tags go with it", async () => {
      const { ec2, client } = await open({ timing: "instant" });
      const w = await world(client);
      await client.send(new TerminateInstancesCommand({ InstanceIds: [w.instanceId] }));
      await client.send(new ReleaseAddressCommand({ AllocationId: w.allocationId }));
      await ec2.settle();
      // The root volume is deleted with the instance (DeleteOnTermination); the instance is still shown.
      expect(await describeTags(client)).toEqual([w.rows[0], w.rows[1]]);
      ec2.advance(3_600_000);
      expect(await describeTags(client)).toEqual([]);
    });

    it("filters by key, value, resource-id, resource-type and tag:<key>, with wildcards; values are ORed, filters ANDed", async () => {
      const { client } = await open({ timing: "instant" });
      const w = await world(client);
      const [i, iEnv, vEnv, eRole] = w.rows as [TagDescription, TagDescription, TagDescription, TagDescription];
      const cases: Array<[Filter[], TagDescription[]]> = [
        [[{ Name: "key", Values: ["env"] }], [iEnv, vEnv]],
        [[{ Name: "key", Values: ["N*", "ro?e"] }], [eRole, i]],
        [[{ Name: "key", Values: ["name"] }], []],
        [[{ Name: "value", Values: ["dev"] }], [iEnv, vEnv]],
        [[{ Name: "value", Values: ["*o*"] }], [eRole]],
        [[{ Name: "resource-id", Values: [w.instanceId, w.volumeId] }], [i, iEnv, vEnv]],
        [[{ Name: "resource-id", Values: ["i-*"] }], [i, iEnv]],
        [[{ Name: "resource-id", Values: [w.untagged, "vpc-0123456789abcdef0", "nonsense"] }], []],
        [[{ Name: "resource-type", Values: ["volume", "elastic-ip"] }], [eRole, vEnv]],
        [[{ Name: "resource-type", Values: ["vol*"] }], [vEnv]],
        [[{ Name: "resource-type", Values: ["vpc"] }], []],
        // tag:<key> keeps every tag of the resources that have that tag with that value.
        [[{ Name: "tag:Name", Values: ["web"] }], [i, iEnv]],
        [[{ Name: "tag:env", Values: ["d*"] }], [i, iEnv, vEnv]],
        [[{ Name: "tag:env", Values: ["prod"] }], []],
        // A filter without values matches every row that has some value for it.
        [[{ Name: "tag:role" }], [eRole]],
        [
          [
            { Name: "resource-type", Values: ["instance", "volume"] },
            { Name: "key", Values: ["env"] },
          ],
          [iEnv, vEnv],
        ],
        [
          [
            { Name: "tag:env", Values: ["dev"] },
            { Name: "key", Values: ["Name", "role"] },
          ],
          [i],
        ],
      ];
      for (const [Filters, expected] of cases) expect(await describeTags(client, { Filters }), JSON.stringify(Filters)).toEqual(expected);
    });

    it("refuses an unknown filter, one without a name, and more than 200 filter values, before anything else", async () => {
      const { client } = await open({ timing: "instant" });
      await world(client);
      for (const name of ["tag-key", "tag-value", "resource", "Key", "instance-id"]) {
        await expectEc2Error(
          client.send(
            new DescribeTagsCommand({
              Filters: [
                { Name: "key", Values: ["a"] },
                { Name: name, Values: ["x"] },
              ],
            }),
          ),
          badFilter(name),
        );
      }
      await expectEc2Error(client.send(new DescribeTagsCommand({ Filters: [{ Values: ["x"] }] })), badFilter("null"));
      await expectEc2Error(
        client.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: Array.from({ length: 201 }, (_, n) => `k${n}`) }] })),
        { name: "FilterLimitExceeded", message: "The maximum number of filter values specified on a single call is 200", status: 400 },
      );
      // Checked before DryRun.
      await expectEc2Error(
        client.send(new DescribeTagsCommand({ Filters: [{ Name: "bad", Values: ["x"] }], DryRun: true })),
        badFilter("bad"),
      );
    });

    it("MaxResults: 5..1000, EC2's error under 5, a page of 1000 above; pages follow by NextToken without repeats or gaps", async () => {
      const { client } = await open({ timing: "instant" });
      for (const max of [4, 0, -1]) {
        await expectEc2Error(client.send(new DescribeTagsCommand({ MaxResults: max })), {
          name: "InvalidParameterValue",
          message: `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
          status: 400,
        });
      }
      // 21 instances with 50 tags each: 1050 rows.
      const ids = await launchIds(client, {
        MinCount: 21,
        MaxCount: 21,
        TagSpecifications: [{ ResourceType: "instance", Tags: manyTags(50) }],
      });
      const expected = ordered(ids.flatMap((id) => manyTags(50).map((t) => row(id, "instance", t.Key, t.Value))));
      expect(await describeTags(client)).toEqual(expected);
      const big = await client.send(new DescribeTagsCommand({ MaxResults: 5000 }));
      expect(big.Tags).toEqual(expected.slice(0, 1000));
      expect(big.NextToken).toBeDefined();
      const rest = await client.send(new DescribeTagsCommand({ MaxResults: 1001, NextToken: big.NextToken }));
      expect(rest.Tags).toEqual(expected.slice(1000));
      expect(rest.NextToken).toBeUndefined();
      const pages = await allPages(client, { MaxResults: 7, Filters: [{ Name: "key", Values: ["k1*"] }] });
      const k1 = expected.filter((t) => t.Key!.startsWith("k1"));
      expect(pages.tags).toEqual(k1);
      expect(pages.sizes).toEqual([...Array.from({ length: Math.floor(k1.length / 7) }, () => 7), k1.length % 7].filter((n) => n > 0));
      // Exactly one page's worth: no token.
      const exact = await client.send(
        new DescribeTagsCommand({
          MaxResults: 21,
          Filters: [
            { Name: "resource-type", Values: ["instance"] },
            { Name: "key", Values: ["k1"] },
          ],
        }),
      );
      expect(exact.Tags).toEqual(expected.filter((t) => t.Key === "k1"));
      expect(exact.NextToken).toBeUndefined();
    });

    it("NextToken: refused with another query or garbage; a page resumes after the last tag shown whatever changed in between", async () => {
      const { client } = await open({ timing: "instant" });
      const ids = await launchIds(client, {
        MinCount: 3,
        MaxCount: 3,
        TagSpecifications: [{ ResourceType: "instance", Tags: manyTags(3) }],
      });
      const query = { MaxResults: 5, Filters: [{ Name: "resource-type", Values: ["instance"] }] };
      const first = await client.send(new DescribeTagsCommand(query));
      const all = ordered(ids.flatMap((id) => manyTags(3).map((t) => row(id, "instance", t.Key, t.Value))));
      expect(first.Tags).toEqual(all.slice(0, 5));
      const badToken = { name: "InvalidParameterValue", message: "Unable to parse pagination token", status: 400 };
      for (const NextToken of ["garbage", "!!", Buffer.from('{"v":1}').toString("base64url")]) {
        await expectEc2Error(client.send(new DescribeTagsCommand({ ...query, NextToken })), badToken);
      }
      await expectEc2Error(client.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: first.NextToken })), badToken);
      // Another page size keeps the token (the page size is not part of the query).
      const [a, b, c] = all.map((t) => t.ResourceId!).filter((id, n, list) => list.indexOf(id) === n) as [string, string, string];
      // Between pages: the last resource shown loses a tag before the position, gains one after it; the first gains one.
      await client.send(new DeleteTagsCommand({ Resources: [b], Tags: [{ Key: "k0" }] }));
      await client.send(new CreateTagsCommand({ Resources: [b, a], Tags: [{ Key: "k9", Value: "new" }] }));
      const second = await client.send(new DescribeTagsCommand({ ...query, MaxResults: 100, NextToken: first.NextToken }));
      expect(second.Tags).toEqual([
        row(b, "instance", "k2", "v2"),
        row(b, "instance", "k9", "new"),
        ...manyTags(3).map((t) => row(c, "instance", t.Key, t.Value)),
      ]);
      expect(second.NextToken).toBeUndefined();
    });

    it("with a resource-id filter, MaxResults is ignored: one page, no NextToken (as EC2 answers)", async () => {
      const { client } = await open({ timing: "instant" });
      const [id] = await launchIds(client, { TagSpecifications: [{ ResourceType: "instance", Tags: manyTags(50) }] });
      const out = await client.send(new DescribeTagsCommand({ MaxResults: 5, Filters: [{ Name: "resource-id", Values: [id!] }] }));
      expect(out.Tags).toHaveLength(50);
      expect(out.NextToken).toBeUndefined();
      // Its range is still checked.
      await expectEc2Error(client.send(new DescribeTagsCommand({ MaxResults: 3, Filters: [{ Name: "resource-id", Values: [id!] }] })), {
        name: "InvalidParameterValue",
        message: "Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5.",
        status: 400,
      });
    });

    it("DryRun answers DryRunOperation 412 after every check", async () => {
      const { client } = await open({ timing: "instant" });
      await world(client);
      await expectEc2Error(
        client.send(new DescribeTagsCommand({ DryRun: true, MaxResults: 5, Filters: [{ Name: "key", Values: ["env"] }] })),
        {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        },
      );
    });

    it("IAM: ec2:DescribeTags on '*'", async () => {
      const statement = (Action: string) => ({ Effect: "Allow" as const, Action, Resource: "*" });
      const { client } = await open({
        timing: "instant",
        iam: {
          policies: [
            {
              Version: "2012-10-17",
              Statement: [statement("ec2:RunInstances"), statement("ec2:CreateTags"), statement("ec2:DescribeInstances")],
            },
          ],
        },
      });
      await launchIds(client, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "k", Value: "v" }] }] });
      const error = await expectEc2Error(client.send(new DescribeTagsCommand({})), {
        name: "UnauthorizedOperation",
        message: expect.stringMatching(/^You are not authorized to perform this operation\. Encoded authorization failure message: /),
        status: 403,
      });
      const blob = /Encoded authorization failure message: ([A-Za-z0-9_-]+)$/.exec(error.message)![1]!;
      expect(decodeAuthorizationMessage(blob).context).toMatchObject({ action: "ec2:DescribeTags", resource: "*" });
      const { client: allowed } = await open({
        timing: "instant",
        iam: {
          policies: [
            {
              Version: "2012-10-17",
              Statement: [statement("ec2:RunInstances"), statement("ec2:CreateTags"), statement("ec2:DescribeTags")],
            },
          ],
        },
      });
      const [id] = await launchIds(allowed, { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "k", Value: "v" }] }] });
      expect(await describeTags(allowed)).toEqual([row(id!, "instance", "k", "v")]);
    });
  });
}
