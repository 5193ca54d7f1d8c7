/**
 * The SDK's EBS waiters (waitUntilVolumeAvailable, waitUntilVolumeInUse,
 * waitUntilVolumeDeleted, waitUntilSnapshotCompleted) under vitest fake
 * timers with the realistic timing: each wait starts before its state
 * comes, polls (15 s apart, the SDK's default) while fake time moves, and
 * succeeds only once the engine clock has passed the transition, through
 * the plugin and the wire doors. One that can never succeed times out.
 */
import {
  AttachVolumeCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeVolumesCommand,
  type EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilSnapshotCompleted,
  waitUntilVolumeAvailable,
  waitUntilVolumeDeleted,
  waitUntilVolumeInUse,
} from "@aws-sdk/client-ec2";
import { describe, expect, it, vi } from "vitest";
import { realisticDurations as d, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { useFrozenClock } from "./helpers.js";

const ZONE = "us-east-1a";

/** A waiter's promise and whether it has settled yet. */
function tracked<T>(waiter: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const promise = waiter.finally(() => {
    done = true;
  });
  promise.catch(() => {});
  return { promise, settled: () => done };
}

/** Moves fake time in 1 s steps until the waiter settles (or `maxMs` passed). */
async function untilSettled<T>(w: { promise: Promise<T>; settled: () => boolean }, maxMs = 10 * 60_000): Promise<T> {
  for (let t = 0; t < maxMs && !w.settled(); t += 1_000) await vi.advanceTimersByTimeAsync(1_000);
  return w.promise;
}

async function volumeState(client: EC2Client, volumeId: string): Promise<string | undefined> {
  return (await client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0]!.State;
}

/** An instance of ZONE, running (its launch waited out on the engine clock). */
async function runningInstance(client: EC2Client, advance: (ms: number) => void, extra = false): Promise<string> {
  const out = await client.send(
    new RunInstancesCommand({
      ImageId: LINUX_AMI_ID,
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: ZONE },
      ...(extra ? { BlockDeviceMappings: [{ DeviceName: "/dev/sdf", Ebs: { VolumeSize: 4, DeleteOnTermination: true } }] } : {}),
    }),
  );
  advance(d.launch.linux);
  return out.Instances![0]!.InstanceId!;
}

describe.each(["plugin", "httpHandler", "server"])("the EBS waiters under fake timers, realistic timing, through the %s", (door) => {
  useFrozenClock({ now: new Date("2026-03-01T12:00:00.000Z"), timers: true });
  const openDoor = doorOpener();

  it("VolumeAvailable waits out `creating`", async () => {
    const { ec2, client } = await openDoor(door);
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10 }));
    const start = ec2.now();
    const waiting = tracked(waitUntilVolumeAvailable({ client, maxWaitTime: 120 }, { VolumeIds: [VolumeId!] }));
    await vi.advanceTimersByTimeAsync(d.volumeCreate - 1_000);
    expect([waiting.settled(), await volumeState(client, VolumeId!)]).toEqual([false, "creating"]);
    expect((await untilSettled(waiting)).state).toBe("SUCCESS");
    expect(ec2.now() - start).toBeGreaterThanOrEqual(d.volumeCreate);
    expect(await volumeState(client, VolumeId!)).toBe("available");
  });

  it("VolumeInUse waits while the volume is `creating`, then `available`, and succeeds once AttachVolume made it `in-use`", async () => {
    const { ec2, client } = await openDoor(door);
    const instanceId = await runningInstance(client, (ms) => ec2.advance(ms));
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 10 }));
    const waiting = tracked(waitUntilVolumeInUse({ client, maxWaitTime: 300 }, { VolumeIds: [VolumeId!] }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect([waiting.settled(), await volumeState(client, VolumeId!)]).toEqual([false, "available"]);
    await client.send(new AttachVolumeCommand({ VolumeId, InstanceId: instanceId, Device: "/dev/sdf" }));
    const attachedAt = ec2.now();
    const result = await untilSettled(waiting);
    expect(result.state).toBe("SUCCESS");
    // The next poll after the attachment, not before.
    expect(ec2.now()).toBeGreaterThan(attachedAt);
    expect(await volumeState(client, VolumeId!)).toBe("in-use");
  });

  it("VolumeDeleted waits for the termination that deletes the volume (DeleteOnTermination), and for DeleteVolume", async () => {
    const { ec2, client } = await openDoor(door);
    const instanceId = await runningInstance(client, (ms) => ec2.advance(ms), true);
    const [, data] = (
      await client.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instanceId] }] }))
    ).Volumes!.map((v) => v.VolumeId!);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    const start = ec2.now();
    const waiting = tracked(waitUntilVolumeDeleted({ client, maxWaitTime: 300 }, { VolumeIds: [data!] }));
    await vi.advanceTimersByTimeAsync(d.terminate.linux - 1_000);
    expect([waiting.settled(), await volumeState(client, data!)]).toEqual([false, "in-use"]);
    expect((await untilSettled(waiting)).state).toBe("SUCCESS");
    expect(ec2.now() - start).toBeGreaterThanOrEqual(d.terminate.linux);
    // An available volume deleted by DeleteVolume: gone at once, the first poll succeeds.
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 1 }));
    ec2.advance(d.volumeCreate);
    await client.send(new DeleteVolumeCommand({ VolumeId }));
    expect((await untilSettled(tracked(waitUntilVolumeDeleted({ client, maxWaitTime: 60 }, { VolumeIds: [VolumeId!] })))).state).toBe(
      "SUCCESS",
    );
  });

  it("SnapshotCompleted waits 5 s plus 1 s per GiB", async () => {
    const { ec2, client } = await openDoor(door);
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: ZONE, Size: 30 }));
    const { SnapshotId } = await client.send(new CreateSnapshotCommand({ VolumeId }));
    const start = ec2.now();
    const waiting = tracked(waitUntilSnapshotCompleted({ client, maxWaitTime: 300 }, { SnapshotIds: [SnapshotId!] }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(waiting.settled()).toBe(false);
    expect((await untilSettled(waiting)).state).toBe("SUCCESS");
    expect(ec2.now() - start).toBeGreaterThanOrEqual(35_000);
  });

  it("VolumeAvailable times out on a volume that stays in use", async () => {
    const { ec2, client } = await openDoor(door);
    await runningInstance(client, (ms) => ec2.advance(ms));
    const [root] = (await client.send(new DescribeVolumesCommand({}))).Volumes!;
    const start = ec2.now();
    const error = await untilSettled(
      tracked(waitUntilVolumeAvailable({ client, maxWaitTime: 120 }, { VolumeIds: [root!.VolumeId!] })),
    ).catch((e: Error) => e);
    expect((error as Error).name).toBe("TimeoutError");
    // It polled for most of its two minutes (the SDK stops when its next delay would pass the limit).
    expect(ec2.now() - start).toBeGreaterThanOrEqual(60_000);
    expect(ec2.now() - start).toBeLessThanOrEqual(121_000);
    expect(root!.State).toBe("in-use");
  });
});
