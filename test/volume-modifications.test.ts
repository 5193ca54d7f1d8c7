import {
  AttachVolumeCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  type CreateVolumeCommandInput,
  DeleteVolumeCommand,
  DescribeVolumeAttributeCommand,
  DescribeVolumeStatusCommand,
  type DescribeVolumeStatusCommandInput,
  DescribeVolumesCommand,
  DescribeVolumesModificationsCommand,
  type DescribeVolumesModificationsCommandInput,
  EC2Client,
  ModifyVolumeAttributeCommand,
  ModifyVolumeCommand,
  type ModifyVolumeCommandInput,
  type VolumeAttributeName,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, type Ec2MockSnapshot, realisticDurations } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, launch, sdkOutputView, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const T0 = NOW.getTime();
const { volumeCreate, volumeDelete, volumeModify, volumeOptimize } = realisticDurations;
/** What a client of the installed SDK reads of VolumeStatuses (CI's oldest SDK may lack newer members). */
const seenStatuses = await sdkOutputView("DescribeVolumeStatus", ["VolumeStatuses"]);
const DRY_RUN = { name: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.", status: 412 };

/** A new volume of us-east-1a, past its `creating` time. */
async function available(ec2: { advance(ms: number): void }, client: EC2Client, input: Partial<CreateVolumeCommandInput>): Promise<string> {
  const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", ...input } as CreateVolumeCommandInput));
  ec2.advance(volumeCreate);
  return VolumeId!;
}

function modify(client: EC2Client, input: ModifyVolumeCommandInput) {
  return client.send(new ModifyVolumeCommand(input));
}

async function volume(client: EC2Client, id: string) {
  return (await client.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes![0]!;
}

async function modifications(client: EC2Client, input: DescribeVolumesModificationsCommandInput = {}) {
  return (await client.send(new DescribeVolumesModificationsCommand(input))).VolumesModifications ?? [];
}

for (const door of ["plugin", "httpHandler", "server"]) {
  describe(`ModifyVolume and DescribeVolumesModifications through the ${door}`, () => {
    useFrozenClock({ now: NOW });
    const openDoor = doorOpener();

    it("grows a volume: modifying, then optimizing (the volume shows its target), then completed with EndTime", async () => {
      const { ec2, client } = await openDoor(door);
      const id = await available(ec2, client, { Size: 10, VolumeType: "gp3" });
      const start = T0 + volumeCreate;
      const out = await modify(client, { VolumeId: id, Size: 20, Iops: 4000, Throughput: 250 });
      const original = {
        OriginalSize: 10,
        OriginalIops: 3000,
        OriginalVolumeType: "gp3",
        OriginalThroughput: 125,
        OriginalMultiAttachEnabled: false,
      };
      const target = { TargetSize: 20, TargetIops: 4000, TargetVolumeType: "gp3", TargetThroughput: 250, TargetMultiAttachEnabled: false };
      expect(out.VolumeModification).toEqual({
        VolumeId: id,
        ModificationState: "modifying",
        ...target,
        ...original,
        Progress: 0,
        StartTime: new Date(start),
      });
      // While modifying, the volume keeps its size and performance.
      expect(await volume(client, id)).toMatchObject({ Size: 10, Iops: 3000, Throughput: 125, VolumeType: "gp3" });
      ec2.advance(volumeModify - 1);
      expect((await modifications(client))[0]).toMatchObject({ ModificationState: "modifying" });
      expect((await volume(client, id)).Size).toBe(10);
      ec2.advance(1);
      expect(await modifications(client)).toEqual([
        { VolumeId: id, ModificationState: "optimizing", ...target, ...original, Progress: 14, StartTime: new Date(start) },
      ]);
      expect(await volume(client, id)).toMatchObject({ Size: 20, Iops: 4000, Throughput: 250, VolumeType: "gp3" });
      // Everything that reads the volume sees the new size: DescribeVolumes' filter, a snapshot of it.
      const bySize = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "size", Values: ["20"] }] }));
      expect(bySize.Volumes!.map((v) => v.VolumeId)).toEqual([id]);
      expect((await client.send(new CreateSnapshotCommand({ VolumeId: id }))).VolumeSize).toBe(20);
      ec2.advance(volumeOptimize - 1);
      expect((await modifications(client))[0]).toMatchObject({ ModificationState: "optimizing", Progress: 99 });
      ec2.advance(1);
      expect(await modifications(client, { VolumeIds: [id] })).toEqual([
        {
          VolumeId: id,
          ModificationState: "completed",
          ...target,
          ...original,
          Progress: 100,
          StartTime: new Date(start),
          EndTime: new Date(start + volumeModify + volumeOptimize),
        },
      ]);
      expect(await volume(client, id)).toMatchObject({ Size: 20, Iops: 4000, Throughput: 250 });
    });

    it("changes the type with EC2's defaults: gp2 to io1 at 3,000 IOPS, gp2 to gp3 at its baseline, io1 to gp2 at 3 IOPS per GiB", async () => {
      const { ec2, client } = await openDoor(door, { timing: { volumeModify: 0, volumeOptimize: 0 } });
      const a = await available(ec2, client, { Size: 100, VolumeType: "gp2" });
      const b = await available(ec2, client, { Size: 100, VolumeType: "gp2" });
      const toIo1 = (await modify(client, { VolumeId: a, VolumeType: "io1" })).VolumeModification!;
      expect(toIo1).toMatchObject({ OriginalVolumeType: "gp2", OriginalIops: 300, TargetVolumeType: "io1", TargetIops: 3000 });
      expect(toIo1.TargetThroughput).toBeUndefined();
      // Instant durations: completed at once, and the volume shows the target.
      expect(toIo1).toMatchObject({ ModificationState: "completed", Progress: 100, EndTime: new Date(T0 + 2 * volumeCreate) });
      expect(await volume(client, a)).toMatchObject({ VolumeType: "io1", Iops: 3000, Size: 100 });
      const toGp3 = (await modify(client, { VolumeId: b, VolumeType: "gp3" })).VolumeModification!;
      expect(toGp3).toMatchObject({ TargetVolumeType: "gp3", TargetIops: 3000, TargetThroughput: 125 });
      const back = (await modify(client, { VolumeId: a, VolumeType: "gp2", Size: 200 })).VolumeModification!;
      expect(back).toMatchObject({
        OriginalVolumeType: "io1",
        OriginalIops: 3000,
        TargetVolumeType: "gp2",
        TargetIops: 600,
        TargetSize: 200,
      });
      expect(await volume(client, a)).toMatchObject({ VolumeType: "gp2", Iops: 600, Size: 200 });
    });

    it("refuses a smaller size, no change, bad types and ranges, Multi-Attach, unknown volumes and DryRun, changing nothing", async () => {
      const { ec2, client } = await openDoor(door);
      const id = await available(ec2, client, { Size: 10, VolumeType: "gp2" });
      const refusals: [ModifyVolumeCommandInput, { name: string; message: string; status: number }][] = [
        [
          { VolumeId: id, Size: 5 },
          { name: "InvalidParameterValue", message: "New size cannot be smaller than existing size", status: 400 },
        ],
        [
          { VolumeId: id },
          {
            name: "InvalidParameterCombination",
            message: `The modification requested for volume ${id} changes none of its size, type, IOPS or throughput.`,
            status: 400,
          },
        ],
        [
          { VolumeId: id, Size: 10, VolumeType: "gp2" },
          {
            name: "InvalidParameterCombination",
            message: `The modification requested for volume ${id} changes none of its size, type, IOPS or throughput.`,
            status: 400,
          },
        ],
        [
          { VolumeId: id, VolumeType: "st1" },
          { name: "InvalidParameterValue", message: "Volume of 10GiB is too small; minimum is 125GiB.", status: 400 },
        ],
        [
          { VolumeId: id, Iops: 4000 },
          { name: "InvalidParameterCombination", message: "The parameter iops is not supported for gp2 volumes.", status: 400 },
        ],
        [
          { VolumeId: id, Throughput: 200 },
          { name: "InvalidParameterCombination", message: "throughput can only be specified for volumeType gp3.", status: 400 },
        ],
        [
          { VolumeId: id, Size: 20_000 },
          { name: "InvalidParameterValue", message: "Volume of 20000GiB is too large; maximum is 16384GiB.", status: 400 },
        ],
        [
          { VolumeId: id, VolumeType: "io1" },
          { name: "InvalidParameterValue", message: "Iops to volume size ratio of 300.000000 is too high; maximum is 50", status: 400 },
        ],
        [
          { VolumeId: id, VolumeType: "gp9" as never },
          {
            name: "InvalidParameterValue",
            message: "Value (gp9) for parameter volumeType is invalid. Valid values: gp2, gp3, io1, io2, st1, sc1, standard.",
            status: 400,
          },
        ],
        [
          { VolumeId: id, Size: 20, MultiAttachEnabled: true },
          {
            name: "UnsupportedOperation",
            message: "ec2-mock does not model the parameter 'MultiAttachEnabled' of ModifyVolume.",
            status: 400,
          },
        ],
        [{ VolumeId: "" }, { name: "MissingParameter", message: "The request must contain the parameter VolumeId", status: 400 }],
        [
          { VolumeId: "disk-1", Size: 20 },
          { name: "InvalidVolumeID.Malformed", message: 'Invalid id: "disk-1" (expecting "vol-...")', status: 400 },
        ],
        [
          { VolumeId: "vol-00000000000000000", Size: 20 },
          { name: "InvalidVolume.NotFound", message: "The volume 'vol-00000000000000000' does not exist.", status: 400 },
        ],
        [{ VolumeId: id, Size: 20, DryRun: true }, DRY_RUN],
      ];
      for (const [input, expected] of refusals) await expectEc2Error(modify(client, input), expected);
      expect(await modifications(client)).toEqual([]);
      expect(await volume(client, id)).toMatchObject({ Size: 10, VolumeType: "gp2", Iops: 100 });
      // A volume still creating cannot be modified.
      const { VolumeId: young } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }));
      await expectEc2Error(modify(client, { VolumeId: young, Size: 20 }), {
        name: "IncorrectState",
        message: `Volume '${young}' is in the 'creating' state.`,
        status: 400,
      });
      expect(await modifications(client)).toEqual([]);
    });

    it("refuses a new modification until the previous one is completed, and a fifth one within 24 hours", async () => {
      const { ec2, client } = await openDoor(door);
      const id = await available(ec2, client, { Size: 10 });
      const first = T0 + volumeCreate;
      await modify(client, { VolumeId: id, Size: 11 });
      await expectEc2Error(modify(client, { VolumeId: id, Size: 12 }), {
        name: "IncorrectModificationState",
        message: `Volume ${id} cannot be modified in modification state MODIFYING`,
        status: 400,
      });
      ec2.advance(volumeModify);
      await expectEc2Error(modify(client, { VolumeId: id, Size: 12 }), {
        name: "IncorrectModificationState",
        message: `Volume ${id} cannot be modified in modification state OPTIMIZING`,
        status: 400,
      });
      ec2.advance(volumeOptimize);
      for (const size of [12, 13, 14]) {
        await modify(client, { VolumeId: id, Size: size });
        ec2.advance(volumeModify + volumeOptimize);
      }
      const until = new Date(first + 24 * 60 * 60 * 1000).toISOString();
      const rate = {
        name: "VolumeModificationRateExceeded",
        message: `You've reached the maximum modification rate per volume limit. Wait until ${until} before you can issue the next modification request for this volume.`,
        status: 400,
      };
      await expectEc2Error(modify(client, { VolumeId: id, Size: 15 }), rate);
      ec2.advance(first + 24 * 60 * 60 * 1000 - ec2.now() - 1);
      await expectEc2Error(modify(client, { VolumeId: id, Size: 15 }), rate);
      ec2.advance(1);
      expect((await modify(client, { VolumeId: id, Size: 15 })).VolumeModification).toMatchObject({ OriginalSize: 14, TargetSize: 15 });
      // DescribeVolumesModifications shows each volume's latest modification only.
      expect(await modifications(client)).toMatchObject([
        { VolumeId: id, OriginalSize: 14, TargetSize: 15, ModificationState: "modifying" },
      ]);
    });

    it("IAM: ModifyVolume and ModifyVolumeAttribute are authorized after the parameters and before DryRun (403), nothing changed", async () => {
      const { ec2, client } = await openDoor(door, {
        iam: {
          policies: [
            {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: "ec2:*", Resource: "*" },
                { Effect: "Deny", Action: ["ec2:ModifyVolume", "ec2:ModifyVolumeAttribute"], Resource: "*" },
              ],
            },
          ],
        },
      });
      const VolumeId = await available(ec2, client, { Size: 10 });
      await expectEc2Error(modify(client, { VolumeId, Size: 5 }), {
        name: "InvalidParameterValue",
        message: "New size cannot be smaller than existing size",
        status: 400,
      });
      for (const DryRun of [false, true]) {
        for (const call of [
          modify(client, { VolumeId, Size: 20, DryRun }),
          client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: true }, DryRun })),
        ]) {
          const error = (await call.catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode?: number } };
          expect([error.name, error.$metadata.httpStatusCode]).toEqual(["UnauthorizedOperation", 403]);
        }
      }
      expect(await modifications(client)).toEqual([]);
      expect((await volume(client, VolumeId)).Size).toBe(10);
      expect((await client.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute: "autoEnableIO" }))).AutoEnableIO).toEqual({
        Value: false,
      });
    });

    it("DescribeVolumesModifications: filters, pages, a volume never modified, deleted volumes left out", async () => {
      const { ec2, client } = await openDoor(door);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await available(ec2, client, { Size: 10, VolumeType: i % 2 === 0 ? "gp2" : "gp3" }));
      const never = await available(ec2, client, { Size: 10 });
      for (const id of ids) await modify(client, { VolumeId: id, Size: 20 });
      ec2.advance(volumeModify);
      const byFilter = async (Name: string, Values: string[]) =>
        (await modifications(client, { Filters: [{ Name, Values }] })).map((m) => m.VolumeId);
      expect(await byFilter("original-volume-type", ["gp3"])).toEqual([ids[1], ids[3], ids[5]]);
      expect(await byFilter("modification-state", ["optimizing"])).toEqual(ids);
      expect(await byFilter("modification-state", ["modifying", "completed"])).toEqual([]);
      expect(await byFilter("target-size", ["20"])).toEqual(ids);
      expect(await byFilter("original-iops", ["3000"])).toEqual([ids[1], ids[3], ids[5]]);
      expect(await byFilter("target-iops", ["100"])).toEqual([ids[0], ids[2], ids[4]]);
      expect(await byFilter("volume-id", [ids[2]!, never])).toEqual([ids[2]]);
      expect(await byFilter("start-time", [new Date(T0 + 7 * volumeCreate).toISOString()])).toEqual(ids);
      await expectEc2Error(modifications(client, { Filters: [{ Name: "target-color", Values: ["x"] }] }), {
        name: "InvalidParameterValue",
        message: "The filter 'target-color' is invalid",
        status: 400,
      });
      const first = await client.send(new DescribeVolumesModificationsCommand({ MaxResults: 5 }));
      expect(first.VolumesModifications!.map((m) => m.VolumeId)).toEqual(ids.slice(0, 5));
      const second = await client.send(new DescribeVolumesModificationsCommand({ MaxResults: 5, NextToken: first.NextToken }));
      expect({ ids: second.VolumesModifications!.map((m) => m.VolumeId), next: second.NextToken }).toEqual({
        ids: ids.slice(5),
        next: undefined,
      });
      await expectEc2Error(modifications(client, { VolumeIds: [ids[0]!, never] }), {
        name: "InvalidVolumeModification.NotFound",
        message: `Modification for volume '${never}' does not exist.`,
        status: 400,
      });
      await expectEc2Error(modifications(client, { VolumeIds: [ids[0]!], MaxResults: 5 }), {
        name: "InvalidParameterCombination",
        message: "The parameter volumeSet cannot be used with the parameter maxResults",
        status: 400,
      });
      await expectEc2Error(modifications(client, { DryRun: true }), DRY_RUN);
      await client.send(new DeleteVolumeCommand({ VolumeId: ids[0] }));
      // Still listed while the volume is `deleting` (DescribeVolumes shows it too), gone with it.
      expect((await modifications(client)).map((m) => m.VolumeId)).toEqual(ids);
      ec2.advance(volumeDelete);
      expect((await modifications(client)).map((m) => m.VolumeId)).toEqual(ids.slice(1));
    });
  });

  describe(`DescribeVolumeStatus and the volume attributes through the ${door}`, () => {
    useFrozenClock({ now: NOW });
    const openDoor = doorOpener();
    const statuses = async (client: EC2Client, input: DescribeVolumeStatusCommandInput = {}) =>
      (await client.send(new DescribeVolumeStatusCommand(input))).VolumeStatuses ?? [];

    it("insufficient-data while creating, then ok; io-performance for gp3 and its attachment; no event, no action", async () => {
      const { ec2, client } = await openDoor(door);
      const [instance] = await launch(client, { Placement: { AvailabilityZone: "us-east-1a" } });
      const InstanceId = instance!.InstanceId!;
      await ec2.settle();
      const root = (await client.send(new DescribeVolumesCommand({}))).Volumes![0]!.VolumeId!;
      const { VolumeId: gp3 } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp3" }));
      expect(seenStatuses(await statuses(client, { VolumeIds: [gp3!] }))).toEqual(
        seenStatuses([
          {
            Actions: [],
            AvailabilityZone: "us-east-1a",
            AvailabilityZoneId: "use1-az2",
            Events: [],
            VolumeId: gp3,
            VolumeStatus: {
              Details: [
                { Name: "io-enabled", Status: "insufficient-data" },
                { Name: "io-performance", Status: "insufficient-data" },
              ],
              Status: "insufficient-data",
            },
          },
        ]),
      );
      ec2.advance(volumeCreate);
      await client.send(new AttachVolumeCommand({ VolumeId: gp3, InstanceId, Device: "/dev/sdf" }));
      const all = await statuses(client);
      expect(all.map((s) => s.VolumeId)).toEqual([root, gp3]);
      expect(all[1]).toMatchObject({
        VolumeStatus: {
          Details: [
            { Name: "io-enabled", Status: "passed" },
            { Name: "io-performance", Status: "normal" },
          ],
          Status: "ok",
        },
        AttachmentStatuses: [{ InstanceId, IoPerformance: "normal" }],
      });
      const rootType = (await volume(client, root)).VolumeType!;
      expect(all[0]!.VolumeStatus!.Details![1]).toEqual({
        Name: "io-performance",
        Status: ["io1", "io2", "gp3"].includes(rootType) ? "normal" : "not-applicable",
      });
      const byFilter = async (Name: string, Values: string[]) =>
        (await statuses(client, { Filters: [{ Name, Values }] })).map((s) => s.VolumeId);
      expect(await byFilter("volume-status.status", ["ok"])).toEqual([root, gp3]);
      expect(await byFilter("volume-status.status", ["impaired", "insufficient-data"])).toEqual([]);
      expect(await byFilter("volume-status.details-name", ["io-enabled"])).toEqual([root, gp3]);
      expect(await byFilter("attachment-status.instance-id", [InstanceId])).toEqual([root, gp3]);
      expect(await byFilter("attachment-status.io-performance", ["normal"])).toContain(gp3);
      expect(await byFilter("availability-zone", ["us-east-1b"])).toEqual([]);
      expect(await byFilter("event.event-type", ["io-enabled"])).toEqual([]);
      expect(await byFilter("action.code", ["enable-volume-io"])).toEqual([]);
      await expectEc2Error(statuses(client, { VolumeIds: ["vol-00000000000000000"] }), {
        name: "InvalidVolume.NotFound",
        message: "The volume 'vol-00000000000000000' does not exist.",
        status: 400,
      });
      await expectEc2Error(statuses(client, { DryRun: true }), DRY_RUN);
    });

    it("pages in creation order with MaxResults and NextToken", async () => {
      const { ec2, client } = await openDoor(door);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await available(ec2, client, { Size: 1 }));
      const first = await client.send(new DescribeVolumeStatusCommand({ MaxResults: 5 }));
      expect(first.VolumeStatuses!.map((s) => s.VolumeId)).toEqual(ids.slice(0, 5));
      const second = await client.send(new DescribeVolumeStatusCommand({ MaxResults: 5, NextToken: first.NextToken }));
      expect({ ids: second.VolumeStatuses!.map((s) => s.VolumeId), next: second.NextToken }).toEqual({
        ids: ids.slice(5),
        next: undefined,
      });
      await expectEc2Error(statuses(client, { MaxResults: 4 }), {
        name: "InvalidParameterValue",
        message: "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.",
        status: 400,
      });
    });

    it("autoEnableIO is off until ModifyVolumeAttribute turns it on; productCodes are none", async () => {
      const { ec2, client } = await openDoor(door);
      const VolumeId = await available(ec2, client, { Size: 1 });
      const attribute = (Attribute: VolumeAttributeName) => client.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute }));
      expect(await attribute("autoEnableIO")).toMatchObject({ VolumeId, AutoEnableIO: { Value: false } });
      expect((await attribute("productCodes")).ProductCodes ?? []).toEqual([]);
      await expectEc2Error(
        client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: true }, DryRun: true })),
        DRY_RUN,
      );
      await expectEc2Error(client.send(new ModifyVolumeAttributeCommand({ VolumeId })), {
        name: "InvalidParameterCombination",
        message: "No attributes specified.",
        status: 400,
      });
      expect((await attribute("autoEnableIO")).AutoEnableIO).toEqual({ Value: false });
      await client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: true } }));
      expect((await attribute("autoEnableIO")).AutoEnableIO).toEqual({ Value: true });
      await client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: false } }));
      expect((await attribute("autoEnableIO")).AutoEnableIO).toEqual({ Value: false });
      await expectEc2Error(attribute("size" as VolumeAttributeName), {
        name: "InvalidParameterValue",
        message: "Value (size) for parameter attribute is invalid. Unknown attribute.",
        status: 400,
      });
      await expectEc2Error(client.send(new DescribeVolumeAttributeCommand({ VolumeId } as never)), {
        name: "MissingParameter",
        message: "The request must contain the parameter Attribute",
        status: 400,
      });
      const unknown = new DescribeVolumeAttributeCommand({ VolumeId: "vol-00000000000000000", Attribute: "autoEnableIO" });
      await expectEc2Error(client.send(unknown), {
        name: "InvalidVolume.NotFound",
        message: "The volume 'vol-00000000000000000' does not exist.",
        status: 400,
      });
    });
  });
}

describe("volume modifications under fake timers", () => {
  useFrozenClock({ now: NOW, timers: true });

  it("move with vi.advanceTimersByTime as with ec2.advance: no timer of the mock's own", async () => {
    const ec2 = createEc2Mock();
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }));
    vi.advanceTimersByTime(volumeCreate);
    await client.send(new ModifyVolumeCommand({ VolumeId, Size: 20 }));
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(volumeModify);
    expect((await modifications(client))[0]!.ModificationState).toBe("optimizing");
    expect((await volume(client, VolumeId!)).Size).toBe(20);
    vi.advanceTimersByTime(volumeOptimize);
    expect((await modifications(client))[0]!.ModificationState).toBe("completed");
    client.destroy();
  });
});

describe("volume modifications in the state file", () => {
  useFrozenClock({ now: NOW });

  it("round-trip in the default Region and another one: a modification restored mid-way completes, and grows its volume", async () => {
    const source = createEc2Mock();
    const made: Record<string, string> = {};
    const clients = ["us-east-1", "eu-west-1"].map((region) => {
      const client = new EC2Client({ region });
      client.middlewareStack.use(source);
      return [region, client] as const;
    });
    for (const [region, client] of clients) {
      const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: 10, VolumeType: "gp3" }));
      made[region] = VolumeId!;
    }
    source.advance(volumeCreate);
    for (const [region, client] of clients) {
      const VolumeId = made[region];
      await client.send(new ModifyVolumeCommand({ VolumeId, Size: region === "us-east-1" ? 20 : 40 }));
      if (region === "eu-west-1") await client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: true } }));
      client.destroy();
    }
    const state = JSON.parse(JSON.stringify(source.snapshot())) as Ec2MockSnapshot;
    expect(state.volumeModifications?.modifications.map((m) => [m.volumeId, m.target.sizeGiB, m.applied])).toEqual([
      [made["us-east-1"], 20, false],
    ]);
    expect(state.regions?.[0]?.volumeModifications?.autoEnableIO).toEqual([made["eu-west-1"]]);
    const target = createEc2Mock();
    target.restore(state);
    expect(target.snapshot()).toEqual(source.snapshot());
    target.advance(volumeModify);
    for (const [region, size] of [
      ["us-east-1", 20],
      ["eu-west-1", 40],
    ] as const) {
      const client = new EC2Client({ region });
      client.middlewareStack.use(target);
      const VolumeId = made[region]!;
      // Each Region sees its own modification only.
      expect((await client.send(new DescribeVolumesModificationsCommand({}))).VolumesModifications).toMatchObject([
        { VolumeId, ModificationState: "optimizing", OriginalSize: 10, TargetSize: size },
      ]);
      expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId] }))).Volumes![0]!.Size).toBe(size);
      expect((await client.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute: "autoEnableIO" }))).AutoEnableIO).toEqual({
        Value: region === "eu-west-1",
      });
      client.destroy();
    }
    // A state file without modifications (older ones) has no such field and loads with none.
    expect("volumeModifications" in createEc2Mock().snapshot()).toBe(false);
  });

  it("restore refuses a modification of a volume the state file lacks, and changes nothing", async () => {
    const source = createEc2Mock();
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(source);
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }));
    source.advance(volumeCreate);
    await client.send(new ModifyVolumeCommand({ VolumeId, Size: 20 }));
    client.destroy();
    const state = JSON.parse(JSON.stringify(source.snapshot())) as Ec2MockSnapshot;
    state.volumeModifications!.modifications[0]!.volumeId = "vol-00000000000000000";
    const target = createEc2Mock();
    const before = target.snapshot();
    expect(() => target.restore(state)).toThrow(
      'ec2-mock: not a valid snapshot: volumeModifications.modifications[0].volumeId must be the id of a volume of the snapshot; got "vol-00000000000000000"',
    );
    expect(target.snapshot()).toEqual(before);
  });

  it("a deleted volume's autoEnableIO leaves the state file with it: the state still restores", async () => {
    const source = createEc2Mock({ timing: "instant" });
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(source);
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }));
    const { VolumeId: kept } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }));
    for (const id of [VolumeId, kept]) await client.send(new ModifyVolumeAttributeCommand({ VolumeId: id, AutoEnableIO: { Value: true } }));
    await client.send(new DeleteVolumeCommand({ VolumeId }));
    client.destroy();
    const state = source.snapshot();
    expect(state.volumeModifications?.autoEnableIO).toEqual([kept]);
    const target = createEc2Mock();
    target.restore(JSON.parse(JSON.stringify(state)) as Ec2MockSnapshot);
    expect(target.snapshot()).toEqual(state);
  });
});
