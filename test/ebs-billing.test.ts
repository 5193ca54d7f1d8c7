/**
 * EBS billing in `usage()` (issue 17): storage by volume type, provisioned
 * IOPS (io1, io2, gp3 above 3,000) and gp3 throughput above 125 MiB/s, per
 * second with a 60-second minimum per volume; snapshot storage per started
 * hour from creation to deletion; deleted snapshots' storage kept across a
 * state snapshot. Through every door, on the engine clock.
 */
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  type CreateVolumeCommandInput,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  type EC2Client,
  ModifyVolumeCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { volumeCharges } from "../src/aws/ec2/model/ebs-billing.js";
import { createEc2Mock, realisticDurations } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { launch, useFrozenClock } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const HOUR = 3_600_000;

async function create(client: EC2Client, input: Partial<CreateVolumeCommandInput>): Promise<string> {
  const out = await client.send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", ...input } as CreateVolumeCommandInput));
  return out.VolumeId!;
}

describe.each(["plugin", "httpHandler", "server"])("EBS billing in usage(), through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("storage by volume type, IOPS and throughput beyond what each type includes, per second from creation to deletion", async () => {
    const { ec2, client } = await openDoor(door);
    await create(client, { VolumeType: "gp3", Size: 10, Iops: 4_000, Throughput: 200 });
    await create(client, { VolumeType: "gp3", Size: 20 }); // the baseline: no IOPS nor throughput billed
    await create(client, { VolumeType: "gp2", Size: 1 });
    await create(client, { VolumeType: "io1", Size: 10, Iops: 500 });
    const io2 = await create(client, { VolumeType: "io2", Size: 10, Iops: 1_000 });
    await create(client, { VolumeType: "st1", Size: 125 });
    await create(client, { VolumeType: "sc1", Size: 125 });
    await create(client, { VolumeType: "standard", Size: 2 });
    ec2.advance(HOUR);
    await client.send(new DeleteVolumeCommand({ VolumeId: io2 }));
    ec2.advance(HOUR);
    const usage = ec2.usage();
    expect(usage.ebsGibSecondsByType).toEqual({
      gp2: 1 * 7_200,
      gp3: (10 + 20) * 7_200,
      io1: 10 * 7_200,
      io2: 10 * 3_600,
      st1: 125 * 7_200,
      sc1: 125 * 7_200,
      standard: 2 * 7_200,
    });
    expect(usage.ebsGibSeconds).toBe((1 + 30 + 10 + 125 + 125 + 2) * 7_200 + 10 * 3_600);
    // gp3: 1,000 IOPS above 3,000; io1: all 500; io2: all 1,000 while it existed.
    expect(usage.ebsIopsSeconds).toBe(1_000 * 7_200 + 500 * 7_200 + 1_000 * 3_600);
    expect(usage.ebsThroughputMibSeconds).toBe(75 * 7_200);
    expect(usage.snapshotGibSeconds).toBe(0);
  });

  it("a volume is billed at least 60 s, then in whole seconds; an instance's root volume too", async () => {
    const { ec2, client } = await openDoor(door, { timing: "instant" });
    const brief = await create(client, { VolumeType: "gp2", Size: 10 });
    ec2.advance(30_000);
    await client.send(new DeleteVolumeCommand({ VolumeId: brief }));
    expect(ec2.usage().ebsGibSecondsByType.gp2).toBe(10 * 60);
    const odd = await create(client, { VolumeType: "gp2", Size: 1 });
    ec2.advance(90_500);
    await client.send(new DeleteVolumeCommand({ VolumeId: odd }));
    expect(ec2.usage().ebsGibSecondsByType.gp2).toBe(10 * 60 + 1 * 91);
    // A launch terminated at once: its 8 GiB gp3 root was deleted at once, billed 60 s.
    const [instance] = await launch(client, { InstanceType: "t3.micro" });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [instance!.InstanceId!] }));
    ec2.advance(HOUR);
    expect(ec2.usage(instance!.InstanceId!).ebsGibSeconds).toBe(8 * 60);
    expect(ec2.usage().ebsGibSecondsByType.gp3).toBe(8 * 60);
  });

  it("a ModifyVolume bills the new size, type and IOPS from the moment the volume shows them (optimizing)", async () => {
    const { ec2, client } = await openDoor(door);
    const volumeId = await create(client, { VolumeType: "gp2", Size: 10 });
    ec2.advance(HOUR);
    await client.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 20, VolumeType: "gp3", Iops: 5_000 }));
    ec2.advance(realisticDurations.volumeModify);
    ec2.advance(HOUR);
    const usage = ec2.usage();
    const modified = (3_600_000 + realisticDurations.volumeModify) / 1000;
    expect(usage.ebsGibSecondsByType.gp2).toBe(10 * modified);
    expect(usage.ebsGibSecondsByType.gp3).toBe(20 * 3_600);
    expect(usage.ebsIopsSeconds).toBe(2_000 * 3_600);
  });

  it("snapshot storage: the volume's size for every started hour from creation to deletion", async () => {
    const { ec2, client } = await openDoor(door);
    const volumeId = await create(client, { VolumeType: "gp3", Size: 20 });
    ec2.advance(10_000);
    const { SnapshotId: kept } = await client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    const { SnapshotId: dropped } = await client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    ec2.advance(HOUR / 2);
    // Half an hour in: each has started one hour.
    expect(ec2.usage().snapshotGibSeconds).toBe(2 * 20 * 3_600);
    ec2.advance(HOUR);
    await client.send(new DeleteSnapshotCommand({ SnapshotId: dropped }));
    ec2.advance(5 * HOUR);
    // The deleted one: 1.5 h, two started hours; the kept one: 6.5 h, seven.
    expect(ec2.usage().snapshotGibSeconds).toBe(20 * 2 * 3_600 + 20 * 7 * 3_600);
    expect(kept).toMatch(/^snap-/);
  });
});

describe("EBS billing in the state file", () => {
  useFrozenClock({ now: NOW });

  it("a restored mock bills the same: deleted volumes and deleted snapshots included, in a non-default Region", async () => {
    const ec2 = createEc2Mock();
    const { EC2Client } = await import("@aws-sdk/client-ec2");
    const client = new EC2Client({ region: "eu-west-1" });
    client.middlewareStack.use(ec2);
    const volumeId = (
      await client.send(new CreateVolumeCommand({ AvailabilityZone: "eu-west-1a", VolumeType: "io2", Size: 10, Iops: 2_000 }))
    ).VolumeId!;
    const { SnapshotId } = await client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    ec2.advance(HOUR);
    await client.send(new DeleteSnapshotCommand({ SnapshotId }));
    await client.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    const before = ec2.usage();
    expect(before.snapshotGibSeconds).toBe(10 * 3_600);
    const saved = JSON.parse(JSON.stringify(ec2.snapshot()));
    expect(saved.deletedEbsSnapshots).toBeUndefined();
    expect(saved.regions[0].region).toBe("eu-west-1");
    expect(saved.regions[0].deletedEbsSnapshots).toEqual([
      { snapshotId: SnapshotId, volumeSizeGiB: 10, startTime: NOW.toISOString(), deleteTime: new Date(NOW.getTime() + HOUR).toISOString() },
    ]);
    const restored = createEc2Mock();
    restored.restore(saved);
    restored.advance(HOUR);
    const after = restored.usage();
    expect(after.snapshotGibSeconds).toBe(before.snapshotGibSeconds);
    expect(after.ebsGibSecondsByType).toEqual(before.ebsGibSecondsByType);
    expect(after.ebsIopsSeconds).toBe(2_000 * 3_600);
    client.destroy();
  });
});

describe("one volume's charges from its configuration history (the seam for size changes)", () => {
  it("counts each stretch its own seconds, the minimum's seconds at the last configuration", () => {
    const t0 = NOW.getTime();
    const history = [
      { from: t0, sizeGiB: 10, volumeType: "gp2", iops: 100, throughput: undefined },
      { from: t0 + 100_000, sizeGiB: 20, volumeType: "gp3", iops: 5_000, throughput: 300 },
    ];
    const charges = volumeCharges(history, t0 + 250_000);
    expect(Object.fromEntries(charges.gibSecondsByType)).toEqual({ gp2: 10 * 100, gp3: 20 * 150 });
    expect(charges.gibSeconds).toBe(10 * 100 + 20 * 150);
    expect(charges.iopsSeconds).toBe(2_000 * 150);
    expect(charges.throughputMibSeconds).toBe(175 * 150);
    // 30 s of life: billed 60, the missing 30 at the configuration of the moment.
    const short = volumeCharges([{ from: t0, sizeGiB: 4, volumeType: "io1", iops: 200, throughput: undefined }], t0 + 30_000);
    expect(short.gibSeconds).toBe(4 * 60);
    expect(short.iopsSeconds).toBe(200 * 60);
    // A stretch that begins after the end is not counted; a volume gone at once is billed 60 s; nothing before the creation.
    expect(volumeCharges(history, t0 + 50_000).gibSecondsByType).toEqual(new Map([["gp2", 10 * 60]]));
    expect(volumeCharges(history, t0).gibSeconds).toBe(10 * 60);
    expect(volumeCharges(history, t0 - 1).gibSeconds).toBe(0);
  });
});
