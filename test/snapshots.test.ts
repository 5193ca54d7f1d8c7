import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DeregisterImageCommand,
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandInput,
  DescribeVolumesCommand,
  EC2Client,
  RegisterImageCommand,
  type Snapshot,
  waitUntilSnapshotCompleted,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { createEc2Mock, type Ec2MockSnapshot } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, launch, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const ACCOUNT = "123456789012";

/** The root volume of a new instance (8 GiB, from the built-in Linux image) and the instance's id. */
async function rootVolume(client: EC2Client): Promise<{ instanceId: string; volumeId: string }> {
  const [instance] = await launch(client);
  const volumes = await client.send(
    new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instance!.InstanceId!] }] }),
  );
  return { instanceId: instance!.InstanceId!, volumeId: volumes.Volumes![0]!.VolumeId! };
}

async function snapshots(client: EC2Client, input: DescribeSnapshotsCommandInput = {}): Promise<Snapshot[]> {
  return (await client.send(new DescribeSnapshotsCommand(input))).Snapshots ?? [];
}

describe("EBS snapshots", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  for (const door of ["plugin", "server"]) {
    describe(`through the ${door}`, () => {
      it("a snapshot CreateSnapshot took restores into a volume (its size by default) and registers as an image", async () => {
        const { client, ec2 } = await openDoor(door);
        const { volumeId } = await rootVolume(client);
        const size = (await client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0]!.Size;
        const { SnapshotId } = await client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
        // Pending, it restores nothing yet (EC2's IncorrectState); completed (5 s plus 1 s per GiB), it does.
        await expectEc2Error(client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId })), {
          name: "IncorrectState",
          message: "Snapshot is in invalid state - pending",
          status: 400,
        });
        await expectEc2Error(client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId, DryRun: true })), {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        });
        expect((await client.send(new DescribeVolumesCommand({}))).Volumes).toHaveLength(1);
        ec2.advance(5_000 + 1_000 * size!);
        const volume = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", SnapshotId }));
        expect({ snapshot: volume.SnapshotId, size: volume.Size }).toEqual({ snapshot: SnapshotId, size });
        const image = await client.send(
          new RegisterImageCommand({
            Name: "from-my-snapshot",
            RootDeviceName: "/dev/xvda",
            BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId } }],
          }),
        );
        expect(image.ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
        await expectEc2Error(client.send(new DeleteSnapshotCommand({ SnapshotId })), {
          name: "InvalidSnapshot.InUse",
          message: `The snapshot ${SnapshotId} is currently in use by ${image.ImageId}`,
          status: 400,
        });
      });

      it("CreateSnapshot: pending with Progress, completed after 5 s plus 1 s per GiB, on the engine clock", async () => {
        const { client, ec2 } = await openDoor(door);
        const { volumeId } = await rootVolume(client);
        const made = await client.send(
          new CreateSnapshotCommand({
            VolumeId: volumeId,
            Description: "nightly",
            TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "env", Value: "dev" }] }],
          }),
        );
        expect(made).toMatchObject({
          VolumeId: volumeId,
          VolumeSize: 8,
          State: "pending",
          Progress: "0%",
          Description: "nightly",
          OwnerId: ACCOUNT,
          Encrypted: true,
          StartTime: NOW,
          Tags: [{ Key: "env", Value: "dev" }],
        });
        expect(made.SnapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
        ec2.advance(6_500);
        expect(await snapshots(client, { SnapshotIds: [made.SnapshotId!] })).toMatchObject([{ State: "pending", Progress: "50%" }]);
        ec2.advance(6_499);
        expect(await snapshots(client, { SnapshotIds: [made.SnapshotId!] })).toMatchObject([{ State: "pending", Progress: "99%" }]);
        ec2.advance(1);
        expect(await snapshots(client, { SnapshotIds: [made.SnapshotId!] })).toMatchObject([{ State: "completed", Progress: "100%" }]);
      });

      it("CreateSnapshot refuses a missing, malformed, unknown or deleting volume and DryRun, creating nothing", async () => {
        const { ec2, client } = await openDoor(door);
        const { volumeId } = await rootVolume(client);
        await expectEc2Error(client.send(new CreateSnapshotCommand({} as never)), {
          name: "MissingParameter",
          message: "The request must contain the parameter VolumeId",
          status: 400,
        });
        await expectEc2Error(client.send(new CreateSnapshotCommand({ VolumeId: "volume-1" })), {
          name: "InvalidVolumeID.Malformed",
          message: 'Invalid id: "volume-1" (expecting "vol-...")',
          status: 400,
        });
        await expectEc2Error(client.send(new CreateSnapshotCommand({ VolumeId: "vol-0123456789abcdef0" })), {
          name: "InvalidVolume.NotFound",
          message: "The volume 'vol-0123456789abcdef0' does not exist.",
          status: 400,
        });
        await expectEc2Error(client.send(new CreateSnapshotCommand({ VolumeId: volumeId, DryRun: true })), {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        });
        const { VolumeId: doomed } = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 1 }));
        ec2.advance(60_000);
        await client.send(new DeleteVolumeCommand({ VolumeId: doomed }));
        await expectEc2Error(client.send(new CreateSnapshotCommand({ VolumeId: doomed })), {
          name: "IncorrectState",
          message: `Volume '${doomed}' is in the 'deleting' state.`,
          status: 400,
        });
        expect(await snapshots(client)).toEqual([]);
      });

      it("DescribeSnapshots: ids, owners (self), filters and pages", async () => {
        const { client } = await openDoor(door);
        const { volumeId } = await rootVolume(client);
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const tags = i % 2 === 0 ? [{ ResourceType: "snapshot" as const, Tags: [{ Key: "even", Value: "yes" }] }] : undefined;
          ids.push((await client.send(new CreateSnapshotCommand({ VolumeId: volumeId, TagSpecifications: tags }))).SnapshotId!);
        }
        const idsOf = (list: Snapshot[]) => list.map((s) => s.SnapshotId);
        expect(idsOf(await snapshots(client))).toEqual(ids);
        expect(idsOf(await snapshots(client, { OwnerIds: ["self"] }))).toEqual(ids);
        expect(idsOf(await snapshots(client, { OwnerIds: [ACCOUNT] }))).toEqual(ids);
        expect(await snapshots(client, { OwnerIds: ["210987654321"] })).toEqual([]);
        expect(idsOf(await snapshots(client, { SnapshotIds: [ids[3]!, ids[1]!] }))).toEqual([ids[1], ids[3]]);
        expect(idsOf(await snapshots(client, { Filters: [{ Name: "tag:even", Values: ["yes"] }] }))).toEqual([ids[0], ids[2], ids[4]]);
        expect(idsOf(await snapshots(client, { Filters: [{ Name: "volume-id", Values: [volumeId] }] }))).toEqual(ids);
        expect(await snapshots(client, { Filters: [{ Name: "status", Values: ["completed"] }] })).toEqual([]);
        expect(idsOf(await snapshots(client, { Filters: [{ Name: "snapshot-id", Values: [ids[5]!] }] }))).toEqual([ids[5]]);
        const first = await client.send(new DescribeSnapshotsCommand({ MaxResults: 5 }));
        expect(idsOf(first.Snapshots ?? [])).toEqual(ids.slice(0, 5));
        const second = await client.send(new DescribeSnapshotsCommand({ MaxResults: 5, NextToken: first.NextToken }));
        expect(idsOf(second.Snapshots ?? [])).toEqual([ids[5]]);
        expect(second.NextToken).toBeUndefined();
        await expectEc2Error(client.send(new DescribeSnapshotsCommand({ SnapshotIds: ["snap-0123456789abcdef0"] })), {
          name: "InvalidSnapshot.NotFound",
          message: "The snapshot 'snap-0123456789abcdef0' does not exist.",
          status: 400,
        });
        await expectEc2Error(client.send(new DescribeSnapshotsCommand({ SnapshotIds: ["snapshot-1"] })), {
          name: "InvalidSnapshotID.Malformed",
          message: 'Invalid id: "snapshot-1" (expecting "snap-...")',
          status: 400,
        });
        await client.send(new CreateTagsCommand({ Resources: [ids[1]!], Tags: [{ Key: "even", Value: "no" }] }));
        expect(idsOf(await snapshots(client, { Filters: [{ Name: "tag-key", Values: ["even"] }] }))).toEqual(
          ids
            .slice(0, 5)
            .concat([])
            .filter((_, i) => i !== 3),
        );
      });

      it("CreateImage's snapshots are snapshots of the region; DeleteSnapshot refuses one an image uses (InvalidSnapshot.InUse)", async () => {
        const { client, ec2 } = await openDoor(door);
        const { instanceId, volumeId } = await rootVolume(client);
        ec2.advance(120_000);
        const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: "golden", NoReboot: true }));
        const [made] = await snapshots(client);
        expect(made).toMatchObject({
          VolumeId: volumeId,
          VolumeSize: 8,
          Description: `Created by CreateImage(${instanceId}) for ${ImageId}`,
        });
        await expectEc2Error(client.send(new DeleteSnapshotCommand({ SnapshotId: made!.SnapshotId! })), {
          name: "InvalidSnapshot.InUse",
          message: `The snapshot ${made!.SnapshotId} is currently in use by ${ImageId}`,
          status: 400,
        });
        await expectEc2Error(client.send(new DeleteSnapshotCommand({ SnapshotId: made!.SnapshotId!, DryRun: true })), {
          name: "DryRunOperation",
          message: "Request would have succeeded, but DryRun flag is set.",
          status: 412,
        });
        await client.send(new DeregisterImageCommand({ ImageId }));
        await client.send(new DeleteSnapshotCommand({ SnapshotId: made!.SnapshotId! }));
        expect(await snapshots(client)).toEqual([]);
        await expectEc2Error(client.send(new DeleteSnapshotCommand({ SnapshotId: made!.SnapshotId! })), {
          name: "InvalidSnapshot.NotFound",
          message: `The snapshot '${made!.SnapshotId}' does not exist.`,
          status: 400,
        });
        await expectEc2Error(client.send(new DeleteSnapshotCommand({ SnapshotId: "snapshot-1" })), {
          name: "InvalidSnapshotID.Malformed",
          message: 'Invalid id: "snapshot-1" (expecting "snap-...")',
          status: 400,
        });
      });

      it("IAM: CreateSnapshot is authorized before DryRun (403), nothing changed", async () => {
        const { client } = await openDoor(door, {
          iam: {
            policies: [
              {
                Version: "2012-10-17",
                Statement: [
                  { Effect: "Allow", Action: "ec2:*", Resource: "*" },
                  { Effect: "Deny", Action: ["ec2:CreateSnapshot"], Resource: "*" },
                ],
              },
            ],
          },
        });
        const { volumeId } = await rootVolume(client);
        for (const DryRun of [false, true]) {
          const error = await client
            .send(new CreateSnapshotCommand({ VolumeId: volumeId, DryRun }))
            .catch((e: { name: string; $metadata: { httpStatusCode?: number } }) => e);
          expect([
            (error as { name: string }).name,
            (error as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode,
          ]).toEqual(["UnauthorizedOperation", 403]);
        }
        expect(await snapshots(client)).toEqual([]);
      });
    });
  }
});

describe("waitUntilSnapshotCompleted under fake timers", () => {
  useFrozenClock({ now: NOW, timers: true });

  it("resolves once the snapshot completes", async () => {
    const ec2 = createEc2Mock();
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const { volumeId } = await rootVolume(client);
    const { SnapshotId } = await client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    let settled = false;
    const waiting = waitUntilSnapshotCompleted({ client, maxWaitTime: 120 }, { SnapshotIds: [SnapshotId!] }).finally(() => {
      settled = true;
    });
    for (let t = 0; t < 120_000 && !settled; t += 5_000) await vi.advanceTimersByTimeAsync(5_000);
    const result = await waiting;
    expect(result.state).toBe("SUCCESS");
    expect(await snapshots(client, { SnapshotIds: [SnapshotId!] })).toMatchObject([{ State: "completed", Progress: "100%" }]);
    client.destroy();
  });
});

describe("EBS snapshots in the state file", () => {
  useFrozenClock({ now: NOW });

  it("round-trip through snapshot() and restore(), in the default Region and another one; new ids follow", async () => {
    const source = createEc2Mock();
    const made: Record<string, string> = {};
    for (const region of ["us-east-1", "eu-west-1"]) {
      const client = new EC2Client({ region });
      client.middlewareStack.use(source);
      const { volumeId } = await rootVolume(client);
      made[region] = (
        await client.send(
          new CreateSnapshotCommand({
            VolumeId: volumeId,
            Description: region,
            TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "r", Value: region }] }],
          }),
        )
      ).SnapshotId!;
      client.destroy();
    }
    const state = JSON.parse(JSON.stringify(source.snapshot())) as Ec2MockSnapshot;
    expect(state.ebsSnapshots?.map((s) => s.snapshotId)).toEqual([made["us-east-1"]]);
    const target = createEc2Mock();
    target.restore(state);
    expect(target.snapshot()).toEqual(source.snapshot());
    for (const region of ["us-east-1", "eu-west-1"]) {
      const client = new EC2Client({ region });
      client.middlewareStack.use(target);
      expect(await snapshots(client)).toMatchObject([
        { SnapshotId: made[region], Description: region, Tags: [{ Key: "r", Value: region }], State: "pending" },
      ]);
      client.destroy();
    }
    // A state file without snapshots (older ones) has no such field and loads with none.
    const empty = createEc2Mock().snapshot();
    expect("ebsSnapshots" in empty).toBe(false);
  });
});
