/**
 * DescribeVolumes' narrowed candidates (bench/issue17.mjs keeps it flat from
 * 1k to 100k volumes): literal `attachment.instance-id` filters read the
 * instances' attachments and tag filters the volume store's tag index. The
 * answers must stay exactly the scan's, whole and paged, after every kind
 * of change: tags on creation (CreateVolume, RunInstances), CreateTags
 * (new and overwritten), DeleteTags, DeleteVolume, AttachVolume,
 * termination (DeleteOnTermination), a state file restored, reset. The
 * region holds many untagged volumes, so that the rare tags are looked up in
 * the index (below an eighth of the region) and the common ones scanned.
 */
import {
  AttachVolumeCommand,
  EC2Client as Client,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteTagsCommand,
  DeleteVolumeCommand,
  DescribeVolumesCommand,
  type EC2Client,
  type Filter,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Volume,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { useFrozenClock } from "./helpers.js";

const ZONE = "us-east-1a";

/** Every page of a DescribeVolumes, `MaxResults` 5 when paged. */
async function describe_(client: EC2Client, Filters: Filter[], paged: boolean): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const out = await client.send(new DescribeVolumesCommand({ Filters, ...(paged ? { MaxResults: 5 } : {}), NextToken }));
    ids.push(...(out.Volumes ?? []).map((v) => v.VolumeId!));
    NextToken = out.NextToken;
  } while (NextToken !== undefined);
  return ids;
}

/** The filters' answer computed here from the whole list (a scan, in creation order). */
function scan(all: Volume[], filters: Filter[]): string[] {
  const tag = (v: Volume, key: string) => v.Tags?.find((t) => t.Key === key)?.Value;
  const matches = (v: Volume, f: Filter): boolean => {
    const values = f.Values!;
    const like = (s: string | undefined) =>
      s !== undefined && values.some((p) => (p.endsWith("*") ? s.startsWith(p.slice(0, -1)) : s === p));
    if (f.Name!.startsWith("tag:")) return like(tag(v, f.Name!.slice(4)));
    if (f.Name === "tag-key") return (v.Tags ?? []).some((t) => like(t.Key));
    if (f.Name === "tag-value") return (v.Tags ?? []).some((t) => like(t.Value));
    if (f.Name === "attachment.instance-id") return (v.Attachments ?? []).some((a) => like(a.InstanceId));
    if (f.Name === "volume-id") return like(v.VolumeId);
    if (f.Name === "status") return like(v.State);
    throw new Error(`no scan for ${f.Name}`);
  };
  return all.filter((v) => filters.every((f) => matches(v, f))).map((v) => v.VolumeId!);
}

/** Every filter of the list answers as the scan does, whole and paged; returns how many answers were not empty. */
async function expectScanAnswers(client: EC2Client, instanceIds: string[], where: string): Promise<number> {
  const all = (await client.send(new DescribeVolumesCommand({}))).Volumes ?? [];
  const someVolume = all.find((v) => v.Tags !== undefined)?.VolumeId ?? "vol-00000000000000000";
  const cases: Filter[][] = [
    [{ Name: "tag:Team", Values: ["rare"] }],
    [{ Name: "tag:Team", Values: ["bulk"] }],
    [{ Name: "tag:Team", Values: ["rare", "bulk"] }],
    [{ Name: "tag:Team", Values: ["r*"] }],
    [{ Name: "tag-key", Values: ["Team"] }],
    [{ Name: "tag-value", Values: ["rare"] }],
    [{ Name: "tag:Other", Values: ["x"] }],
    [
      { Name: "tag:Team", Values: ["rare"] },
      { Name: "status", Values: ["available"] },
    ],
    [
      { Name: "tag:Team", Values: ["bulk"] },
      { Name: "volume-id", Values: [someVolume] },
    ],
    ...instanceIds.map((id) => [{ Name: "attachment.instance-id", Values: [id] }]),
    [{ Name: "attachment.instance-id", Values: instanceIds }],
    [
      { Name: "attachment.instance-id", Values: instanceIds },
      { Name: "tag:Team", Values: ["rare"] },
    ],
    [{ Name: "attachment.instance-id", Values: ["i-00000000000000000"] }],
  ];
  let answered = 0;
  for (const filters of cases) {
    const want = scan(all, filters);
    if (want.length > 0) answered++;
    for (const paged of [false, true])
      expect(await describe_(client, filters, paged), `${where}: ${JSON.stringify(filters)}`).toEqual(want);
  }
  return answered;
}

const volumeTags = (Value: string) => [{ ResourceType: "volume" as const, Tags: [{ Key: "Team", Value }] }];

async function build(client: EC2Client): Promise<{ instanceIds: string[]; rare: string[]; plain: string[] }> {
  const run = await client.send(
    new RunInstancesCommand({
      ImageId: LINUX_AMI_ID,
      MinCount: 3,
      MaxCount: 3,
      Placement: { AvailabilityZone: ZONE },
      BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 1, DeleteOnTermination: true } }],
      TagSpecifications: volumeTags("bulk"),
    }),
  );
  const plain: string[] = [];
  for (let k = 0; k < 30; k++) plain.push((await client.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 1 }))).VolumeId!);
  const rare: string[] = [];
  for (let k = 0; k < 2; k++) {
    rare.push(
      (await client.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 1, TagSpecifications: volumeTags("rare") }))).VolumeId!,
    );
  }
  return { instanceIds: run.Instances!.map((i) => i.InstanceId!), rare, plain };
}

describe.each(["plugin", "server"])("DescribeVolumes' indexed filters answer as a scan, through the %s", (door) => {
  useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z") });
  const openDoor = doorOpener();

  it("after every kind of change", async () => {
    const { ec2, client } = await openDoor(door, { timing: "instant" });
    const { instanceIds, rare, plain } = await build(client);
    expect(await expectScanAnswers(client, instanceIds, "built")).toBeGreaterThanOrEqual(10);
    await client.send(new CreateTagsCommand({ Resources: [plain[0]!, plain[1]!], Tags: [{ Key: "Team", Value: "rare" }] }));
    await expectScanAnswers(client, instanceIds, "tagged");
    // Overwrite a launched volume's tag, delete a rare one's.
    const launched = (
      await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instanceIds[0]!] }] }))
    ).Volumes!;
    await client.send(new CreateTagsCommand({ Resources: [launched[1]!.VolumeId!], Tags: [{ Key: "Team", Value: "rare" }] }));
    await client.send(new DeleteTagsCommand({ Resources: [rare[0]!], Tags: [{ Key: "Team" }] }));
    await expectScanAnswers(client, instanceIds, "retagged");
    await client.send(new DeleteVolumeCommand({ VolumeId: rare[1]! }));
    await client.send(new AttachVolumeCommand({ VolumeId: plain[0]!, InstanceId: instanceIds[1]!, Device: "/dev/sdg" }));
    await expectScanAnswers(client, instanceIds, "deleted and attached");
    await client.send(new TerminateInstancesCommand({ InstanceIds: [instanceIds[1]!] }));
    await ec2.settle();
    // plain[0] (attached, DeleteOnTermination false) is left available, still tagged rare; the launch's volumes are gone.
    const left = await describe_(client, [{ Name: "tag:Team", Values: ["rare"] }], false);
    expect(left).toContain(plain[0]);
    await expectScanAnswers(client, instanceIds, "terminated");
    const restored: Ec2Mock = createEc2Mock({ timing: "instant" });
    restored.restore(JSON.parse(JSON.stringify(ec2.snapshot())));
    const other = new Client({ region: "us-east-1" });
    other.middlewareStack.use(restored);
    try {
      await expectScanAnswers(other, instanceIds, "restored");
      expect(await describe_(other, [{ Name: "tag:Team", Values: ["rare"] }], false)).toEqual(left);
    } finally {
      other.destroy();
    }
    ec2.reset();
    expect(await describe_(client, [{ Name: "tag:Team", Values: ["rare"] }], false)).toEqual([]);
    expect(await describe_(client, [{ Name: "attachment.instance-id", Values: instanceIds }], false)).toEqual([]);
  });
});
