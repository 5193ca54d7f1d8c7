/**
 * Model-based testing of issue 17's EBS volumes and snapshots: fast-check
 * `commands` drive random sequences of RunInstances (with or without an
 * extra data volume, its DeleteOnTermination true, false or left to the
 * default), CreateVolume (blank, in the instances' zone or another, or from
 * a snapshot with or without a size), AttachVolume, DeleteVolume,
 * DetachVolume (with or without Force), CreateSnapshot, DeleteSnapshot,
 * StopInstances, StartInstances,
 * TerminateInstances, ModifyInstanceAttribute's DeleteOnTermination and
 * moves of the mock clock, and compare every answer (success, or the exact
 * error code and message) with a small reference model.
 *
 * After every command the invariants are checked against DescribeVolumes,
 * DescribeInstances and DescribeSnapshots:
 * - every volume, instance and snapshot is exactly as the model says (state,
 *   size, attachment, device, DeleteOnTermination, Progress);
 * - a volume is attached to at most one instance, and the instances'
 *   BlockDeviceMappings and the volumes' Attachments agree both ways;
 * - an instance never loses a volume it did not detach or have deleted on
 *   termination;
 * - states only move forward: a volume once past `creating` never shows it
 *   again, a snapshot once `completed` never shows `pending`, Progress never
 *   falls;
 * - a deleted volume or snapshot never reappears.
 *
 * Instance transitions are instant (the lifecycle has its own model test,
 * test/model.property.test.ts); the volume durations are the realistic ones
 * (`creating` 5 s, `attaching` 2 s, `detaching` 3 s, `deleting` 2 s) and a snapshot is `pending` 5 s plus 1 s
 * per GiB, so that the clock moves land before, on and after each edge.
 *
 * Runs: MODEL_RUNS (or PROPERTY_RUNS), default 100 through the plugin (about
 * 6-10 s on 2 cores under load) and 5 through the server (about 3 s); a
 * hundredth of MODEL_RUNS through the server when it is higher (the long CI
 * run: 10,000 and 100, about 15 and 2 minutes under load); MODEL_SEED replays
 * a seed. To add a command (DetachVolume, ModifyVolume, CopySnapshot, ...):
 * a class extending `Cmd` with `check` and `act` (send, predict from the
 * model, compare, update the model; `checkInvariants` runs after it), one
 * line in `commands`, and its kinds of answer in the tally list.
 */
import {
  AttachVolumeCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type RunningServer, realisticDurations } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { useFrozenClock } from "./helpers.js";
import { kindTally, MODEL_SEED } from "./model-runner.js";

const RUNS = Number(process.env.MODEL_RUNS ?? process.env.PROPERTY_RUNS ?? 100);
/** Through the server: 5 by default, a hundredth of RUNS in long runs (a run costs about 1 s there, several times the plugin's). */
const SERVER_RUNS = Math.max(5, Math.ceil(RUNS / 100));
const SEED = MODEL_SEED;

const ZONE = "us-east-1a";
const OTHER_ZONE = "us-east-1b";
const ROOT_DEVICE = "/dev/xvda";
const ROOT_GIB = 8;
const EXTRA_DEVICE = "/dev/sdf";
const EXTRA_GIB = 4;
const DEVICES = ["/dev/sdf", "/dev/sdg", "/dev/sdh", ROOT_DEVICE];
const CREATE_MS = realisticDurations.volumeCreate;
const ATTACH_MS = realisticDurations.volumeAttach;
const DETACH_MS = realisticDurations.volumeDetach;
const DELETE_MS = realisticDurations.volumeDelete;
const MAX_INSTANCES = 5;
const MAX_VOLUMES = 14;
const MAX_SNAPSHOTS = 8;
/** Instance transitions at once, volume ones realistic. */
const TIMING = {
  launch: 0,
  start: 0,
  resume: 0,
  stop: 0,
  hibernate: 0,
  terminate: 0,
  reboot: 0,
  diskCheck: 0,
  powerOff: 0,
  statusChecks: 0,
  volumeCreate: CREATE_MS,
  volumeAttach: ATTACH_MS,
  volumeDetach: DETACH_MS,
  volumeDelete: DELETE_MS,
};

interface ModelAttachment {
  /** Index into `instances`. */
  instance: number;
  device: string;
  deleteOnTermination: boolean;
  /** When AttachVolume attached it (model time); undefined for a launch's volumes, never `attaching`. */
  attachedAt: number | undefined;
  /** When DetachVolume started detaching it (model time): `detaching` until DETACH_MS later. */
  detachingAt?: number;
}

interface ModelVolume {
  sizeGiB: number;
  zone: string;
  /** Creation time for CreateVolume's (`creating` until CREATE_MS later); undefined for a launch's. */
  createdAt: number | undefined;
  attachment: ModelAttachment | undefined;
  /** When it leaves DescribeVolumes (model time): DeleteVolume's `deleting` lasts DELETE_MS, termination's none. */
  goneAt: number | undefined;
}

interface ModelInstance {
  state: "running" | "stopped" | "terminated";
  /** Index into `volumes`, by device. */
  devices: Map<string, number>;
}

interface ModelSnapshot {
  sizeGiB: number;
  startedAt: number;
  deleted: boolean;
}

interface Model {
  now: number;
  instances: ModelInstance[];
  volumes: ModelVolume[];
  snapshots: ModelSnapshot[];
}

interface Real {
  ec2: Ec2Mock;
  client: EC2Client;
  instanceIds: string[];
  volumeIds: string[];
  snapshotIds: string[];
  /** Volumes seen past `creating`, snapshots seen `completed`, each snapshot's highest Progress. */
  pastCreating: Set<string>;
  completed: Set<string>;
  progress: Map<string, number>;
  /** Commands run, to take the instances in turn for the `attachment.instance-id` check. */
  step: number;
}

const { tally, count } = kindTally();

/** Sends; resolves to the output or to the error's `name: message`. */
async function attempt<T>(call: Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await call };
  } catch (e) {
    const err = e as { name?: string; message?: string };
    return { error: `${err.name}: ${err.message}` };
  }
}

function expectError(result: { ok: unknown } | { error: string }, error: string, what: string): void {
  expect("error" in result ? result.error : "succeeded", what).toBe(error);
}

function expectOk<T>(result: { ok: T } | { error: string }, what: string): T {
  if ("error" in result) expect.fail(`${what}: unexpected ${result.error}`);
  return result.ok;
}

/** Whether the volume has left DescribeVolumes. */
function gone(m: Model, v: ModelVolume): boolean {
  return v.goneAt !== undefined && m.now >= v.goneAt;
}

function volumeState(m: Model, v: ModelVolume): "creating" | "available" | "in-use" | "deleting" {
  if (v.goneAt !== undefined) return "deleting";
  if (v.attachment !== undefined) return "in-use";
  return v.createdAt !== undefined && m.now < v.createdAt + CREATE_MS ? "creating" : "available";
}

function snapshotMs(s: ModelSnapshot): number {
  return 5_000 + 1_000 * s.sizeGiB;
}

function snapshotState(m: Model, s: ModelSnapshot): "pending" | "completed" {
  return m.now - s.startedAt >= snapshotMs(s) ? "completed" : "pending";
}

function snapshotProgress(m: Model, s: ModelSnapshot): string {
  return `${Math.min(100, Math.floor((100 * (m.now - s.startedAt)) / snapshotMs(s)))}%`;
}

/** What termination does: DeleteOnTermination volumes deleted, the others detached. */
function terminate(m: Model, k: number): void {
  const inst = m.instances[k]!;
  if (inst.state === "terminated") return;
  for (const index of inst.devices.values()) {
    const v = m.volumes[index]!;
    if (v.attachment!.deleteOnTermination) v.goneAt = m.now;
    v.attachment = undefined;
  }
  inst.devices.clear();
  inst.state = "terminated";
}

/** Every invariant, against the three Describe calls. */
async function checkInvariants(m: Model, r: Real, after: string): Promise<void> {
  const [volumes, reservations, snapshots] = await Promise.all([
    r.client.send(new DescribeVolumesCommand({})),
    r.client.send(new DescribeInstancesCommand({})),
    r.client.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] })),
  ]);
  const where = `after ${after}`;
  // Volumes: exactly the model's live ones, in creation order, each as predicted.
  const liveVolumes = m.volumes.flatMap((v, k) => (gone(m, v) ? [] : [[k, v] as const]));
  const shownVolumes = volumes.Volumes ?? [];
  expect(
    shownVolumes.map((v) => v.VolumeId),
    where,
  ).toEqual(liveVolumes.map(([k]) => r.volumeIds[k]));
  for (const [k, v] of liveVolumes) {
    const shown = shownVolumes.find((s) => s.VolumeId === r.volumeIds[k])!;
    const a = v.attachment;
    const attachments = (shown.Attachments ?? []).map((x) => [x.InstanceId, x.Device, x.DeleteOnTermination, x.State]);
    expect([shown.State, shown.Size, shown.AvailabilityZone, attachments], `${where}: volume #${k}`).toEqual([
      volumeState(m, v),
      v.sizeGiB,
      v.zone,
      a === undefined
        ? []
        : [
            [
              r.instanceIds[a.instance],
              a.device,
              a.deleteOnTermination,
              a.detachingAt !== undefined
                ? "detaching"
                : a.attachedAt !== undefined && m.now < a.attachedAt + ATTACH_MS
                  ? "attaching"
                  : "attached",
            ],
          ],
    ]);
    // At most one attachment (no Multi-Attach volume here).
    expect((shown.Attachments ?? []).length).toBeLessThanOrEqual(1);
    // Forward only: past `creating`, never back.
    if (shown.State !== "creating") r.pastCreating.add(shown.VolumeId!);
    else expect(r.pastCreating.has(shown.VolumeId!), `${where}: volume #${k} back to creating`).toBe(false);
  }
  // Deleted volumes never reappear.
  for (const [k, v] of m.volumes.entries()) if (gone(m, v)) expect(shownVolumes.some((s) => s.VolumeId === r.volumeIds[k])).toBe(false);

  // Instances: their mappings are exactly the model's devices, and agree with the volumes' attachments.
  const instances = (reservations.Reservations ?? []).flatMap((res) => res.Instances ?? []);
  expect(instances.map((i) => i.InstanceId).sort(), where).toEqual([...r.instanceIds].sort());
  const holders = new Map<string, string>();
  for (const [k, inst] of m.instances.entries()) {
    const shown = instances.find((i) => i.InstanceId === r.instanceIds[k])!;
    expect(shown.State?.Name, `${where}: instance #${k}`).toBe(inst.state);
    const mappings = (shown.BlockDeviceMappings ?? []).map((b) => [b.DeviceName, b.Ebs?.VolumeId, b.Ebs?.DeleteOnTermination]);
    const want = [...inst.devices].map(([device, index]) => [
      device,
      r.volumeIds[index],
      m.volumes[index]!.attachment!.deleteOnTermination,
    ]);
    // The instance keeps every volume it had: none lost, none gained.
    expect(sortRows(mappings), `${where}: instance #${k} mappings`).toEqual(sortRows(want));
    for (const b of shown.BlockDeviceMappings ?? []) {
      const volumeId = b.Ebs!.VolumeId!;
      expect(holders.get(volumeId), `${where}: ${volumeId} mapped by two instances`).toBeUndefined();
      holders.set(volumeId, shown.InstanceId!);
      const volume = shownVolumes.find((v) => v.VolumeId === volumeId);
      expect(volume?.Attachments?.map((x) => [x.InstanceId, x.Device, x.DeleteOnTermination])).toEqual([
        [shown.InstanceId, b.DeviceName, b.Ebs!.DeleteOnTermination],
      ]);
    }
  }
  for (const v of shownVolumes) {
    for (const a of v.Attachments ?? [])
      expect(holders.get(v.VolumeId!), `${where}: ${v.VolumeId} attached, not mapped`).toBe(a.InstanceId);
  }
  // DescribeVolumes by `attachment.instance-id` (answered from the instance's attachments), one instance in turn.
  const turn = r.step++ % m.instances.length;
  const byInstance = await r.client.send(
    new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [r.instanceIds[turn]!] }] }),
  );
  expect(
    (byInstance.Volumes ?? []).map((v) => v.VolumeId),
    `${where}: volumes of instance #${turn}`,
  ).toEqual([...m.instances[turn]!.devices.values()].sort((a, b) => a - b).map((index) => r.volumeIds[index]));

  // Snapshots: the model's live ones, state and Progress as predicted, forward only.
  const liveSnapshots = m.snapshots.flatMap((s, k) => (s.deleted ? [] : [[k, s] as const]));
  const shownSnapshots = snapshots.Snapshots ?? [];
  expect(
    shownSnapshots.map((s) => s.SnapshotId),
    where,
  ).toEqual(liveSnapshots.map(([k]) => r.snapshotIds[k]));
  for (const [k, s] of liveSnapshots) {
    const shown = shownSnapshots.find((x) => x.SnapshotId === r.snapshotIds[k])!;
    expect([shown.State, shown.Progress, shown.VolumeSize], `${where}: snapshot #${k}`).toEqual([
      snapshotState(m, s),
      snapshotProgress(m, s),
      s.sizeGiB,
    ]);
    const id = shown.SnapshotId!;
    if (shown.State === "completed") r.completed.add(id);
    else expect(r.completed.has(id), `${where}: snapshot #${k} back to pending`).toBe(false);
    const progress = Number.parseInt(shown.Progress!, 10);
    expect(progress).toBeGreaterThanOrEqual(r.progress.get(id) ?? 0);
    r.progress.set(id, progress);
  }
}

function sortRows(rows: unknown[][]): unknown[][] {
  return [...rows].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
}

/** A command: predicts, sends and compares in `act`; the invariants follow every one. */
abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  abstract act(m: Model, r: Real): Promise<void>;
  async run(m: Model, r: Real): Promise<void> {
    await this.act(m, r);
    await checkInvariants(m, r, this.toString());
  }
  abstract toString(): string;
}

class Run extends Cmd {
  constructor(
    readonly extra: boolean,
    readonly deleteOnTermination: boolean | undefined,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.instances.length < MAX_INSTANCES && m.volumes.length < MAX_VOLUMES - 1;
  }
  async act(m: Model, r: Real): Promise<void> {
    const result = await attempt(
      r.client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          MinCount: 1,
          MaxCount: 1,
          Placement: { AvailabilityZone: ZONE },
          ...(this.extra
            ? {
                BlockDeviceMappings: [
                  {
                    DeviceName: EXTRA_DEVICE,
                    Ebs: {
                      VolumeSize: EXTRA_GIB,
                      VolumeType: "gp3",
                      ...(this.deleteOnTermination === undefined ? {} : { DeleteOnTermination: this.deleteOnTermination }),
                    },
                  },
                ],
              }
            : {}),
        }),
      ),
    );
    count(this.extra ? `run with a data volume (DeleteOnTermination ${this.deleteOnTermination ?? "default"})` : "run");
    const instance = expectOk(result, this.toString()).Instances![0]!;
    const k = m.instances.length;
    r.instanceIds.push(instance.InstanceId!);
    const inst: ModelInstance = { state: "running", devices: new Map() };
    m.instances.push(inst);
    const mapped = (instance.BlockDeviceMappings ?? []).map((b) => [b.DeviceName!, b.Ebs!.VolumeId!] as const);
    // The root first, then the data volume (DeleteOnTermination true unless set).
    const planned: [string, number, boolean][] = [[ROOT_DEVICE, ROOT_GIB, true]];
    if (this.extra) planned.push([EXTRA_DEVICE, EXTRA_GIB, this.deleteOnTermination ?? true]);
    expect(mapped.map(([d]) => d)).toEqual(planned.map(([d]) => d));
    for (const [i, [device, sizeGiB, deleteOnTermination]] of planned.entries()) {
      inst.devices.set(device, m.volumes.length);
      r.volumeIds.push(mapped[i]![1]);
      m.volumes.push({
        sizeGiB,
        zone: ZONE,
        createdAt: undefined,
        attachment: { instance: k, device, deleteOnTermination, attachedAt: undefined },
        goneAt: undefined,
      });
    }
  }
  toString(): string {
    return `run(extra ${this.extra}, deleteOnTermination ${this.deleteOnTermination})`;
  }
}

class CreateVolume extends Cmd {
  constructor(
    readonly zone: string,
    readonly size: number,
    /** A snapshot to restore (picked by index), or none for a blank volume. */
    readonly snapshot: number | undefined,
    /** Aim at a snapshot neither deleted nor pending. */
    readonly prefer: boolean,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.volumes.length < MAX_VOLUMES;
  }
  async act(m: Model, r: Real): Promise<void> {
    const s =
      this.snapshot === undefined || m.snapshots.length === 0
        ? undefined
        : aim(m.snapshots, this.snapshot, this.prefer, (x) => !x.deleted && snapshotState(m, x) === "completed");
    const snapshotId = s === undefined ? undefined : r.snapshotIds[s]!;
    // From a snapshot: half the time no size (the snapshot's), else the size given.
    const size = s !== undefined && this.size % 2 === 0 ? undefined : this.size;
    const result = await attempt(
      r.client.send(
        new CreateVolumeCommand({
          AvailabilityZone: this.zone,
          ...(size === undefined ? {} : { Size: size }),
          ...(snapshotId === undefined ? {} : { SnapshotId: snapshotId }),
        }),
      ),
    );
    let sizeGiB = this.size;
    if (s !== undefined) {
      const snapshot = m.snapshots[s]!;
      if (snapshot.deleted) {
        count("create volume: snapshot deleted");
        expectError(result, `InvalidSnapshot.NotFound: The snapshot '${snapshotId}' does not exist.`, this.toString());
        return;
      }
      if (size !== undefined && size < snapshot.sizeGiB) {
        count("create volume: smaller than its snapshot");
        expectError(
          result,
          `InvalidBlockDeviceMapping: Volume of size ${size}GB is smaller than snapshot '${snapshotId}', expect size >= ${snapshot.sizeGiB}GB`,
          this.toString(),
        );
        return;
      }
      if (snapshotState(m, snapshot) === "pending") {
        count(`create volume: pending snapshot${size === undefined ? "" : " with a size"}`);
        expectError(result, "IncorrectState: Snapshot is in invalid state - pending", this.toString());
        return;
      }
      sizeGiB = size ?? snapshot.sizeGiB;
      count(`create volume from a snapshot${size === undefined ? "" : " with a size"}`);
    } else {
      count("create volume");
    }
    const out = expectOk(result, this.toString());
    expect([out.State, out.Size, out.SnapshotId]).toEqual(["creating", sizeGiB, snapshotId ?? ""]);
    r.volumeIds.push(out.VolumeId!);
    m.volumes.push({ sizeGiB, zone: this.zone, createdAt: m.now, attachment: undefined, goneAt: undefined });
  }
  toString(): string {
    return `createVolume(${this.zone}, ${this.size} GiB, snapshot ${this.snapshot}${this.prefer ? ", aimed" : ""})`;
  }
}

/**
 * Picks by `n` among the indexes of `items` that `wanted` accepts when
 * `prefer` is set and there are some, else among all: a command that aims
 * at what can succeed, half the time, without fast-check knowing the model.
 */
function aim<T>(items: readonly T[], n: number, prefer: boolean, wanted: (item: T) => boolean): number {
  const some = prefer ? [...items.keys()].filter((k) => wanted(items[k]!)) : [];
  return some.length > 0 ? some[n % some.length]! : n % items.length;
}

class AttachVolume extends Cmd {
  constructor(
    readonly volume: number,
    readonly instance: number,
    readonly device: string,
    /** Aim at a volume neither deleted nor attached and an instance not terminated. */
    readonly prefer: boolean,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.volumes.length > 0 && m.instances.length > 0;
  }
  async act(m: Model, r: Real): Promise<void> {
    const k = aim(m.volumes, this.volume, this.prefer, (v) => v.goneAt === undefined && v.attachment === undefined);
    const i = aim(m.instances, this.instance, this.prefer, (inst) => inst.state !== "terminated");
    const [volumeId, instanceId] = [r.volumeIds[k]!, r.instanceIds[i]!];
    const result = await attempt(
      r.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: this.device })),
    );
    const v = m.volumes[k]!;
    const inst = m.instances[i]!;
    const state = volumeState(m, v);
    const refusals: [boolean, string, string][] = [
      [gone(m, v), "deleted volume", `InvalidVolume.NotFound: The volume '${volumeId}' does not exist.`],
      [v.attachment !== undefined, "volume in use", `VolumeInUse: ${volumeId} is already attached to an instance`],
      [state === "creating", "volume creating", `IncorrectState: Volume '${volumeId}' is in the 'creating' state.`],
      [state === "deleting", "volume deleting", `IncorrectState: Volume '${volumeId}' is in the 'deleting' state.`],
      [
        v.zone !== ZONE,
        "other zone",
        `InvalidVolume.ZoneMismatch: The volume '${volumeId}' is not in the same availability zone as instance '${instanceId}'`,
      ],
      [
        inst.state === "terminated",
        "terminated instance",
        `IncorrectInstanceState: The instance '${instanceId}' is not in a state from which a volume can be attached.`,
      ],
      [
        inst.devices.has(this.device),
        "device in use",
        `InvalidParameterValue: Invalid value '${this.device}' for unixDevice. Attachment point ${this.device} is already in use`,
      ],
    ];
    const refusal = refusals.find(([when]) => when);
    if (refusal !== undefined) {
      count(`attach: ${refusal[1]}`);
      expectError(result, refusal[2], this.toString());
      return;
    }
    count(`attach to a ${inst.state} instance`);
    const out = expectOk(result, this.toString());
    expect([out.State, out.Device, out.InstanceId, out.VolumeId]).toEqual(["attaching", this.device, instanceId, volumeId]);
    v.attachment = { instance: i, device: this.device, deleteOnTermination: false, attachedAt: m.now };
    inst.devices.set(this.device, k);
  }
  toString(): string {
    return `attachVolume(#${this.volume}, #${this.instance}, ${this.device}${this.prefer ? ", aimed" : ""})`;
  }
}

class DeleteVolume extends Cmd {
  constructor(readonly volume: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.volumes.length > 0;
  }
  async act(m: Model, r: Real): Promise<void> {
    const k = this.volume % m.volumes.length;
    const v = m.volumes[k]!;
    const volumeId = r.volumeIds[k]!;
    const result = await attempt(r.client.send(new DeleteVolumeCommand({ VolumeId: volumeId })));
    if (gone(m, v)) {
      count("delete volume: deleted");
      expectError(result, `InvalidVolume.NotFound: The volume '${volumeId}' does not exist.`, this.toString());
      // Not by its id either.
      expectError(
        await attempt(r.client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))),
        `InvalidVolume.NotFound: The volume '${volumeId}' does not exist.`,
        this.toString(),
      );
      return;
    }
    if (v.attachment !== undefined) {
      count("delete volume: in use");
      expectError(
        result,
        `VolumeInUse: Volume ${volumeId} is currently attached to ${r.instanceIds[v.attachment.instance]}`,
        this.toString(),
      );
      return;
    }
    count(`delete volume: ${volumeState(m, v)}`);
    expectOk(result, this.toString());
    // Deleting again while `deleting` changes nothing.
    v.goneAt ??= m.now + DELETE_MS;
  }
  toString(): string {
    return `deleteVolume(#${this.volume})`;
  }
}

class CreateSnapshot extends Cmd {
  constructor(readonly volume: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.volumes.length > 0 && m.snapshots.length < MAX_SNAPSHOTS;
  }
  async act(m: Model, r: Real): Promise<void> {
    const k = this.volume % m.volumes.length;
    const v = m.volumes[k]!;
    const volumeId = r.volumeIds[k]!;
    const result = await attempt(r.client.send(new CreateSnapshotCommand({ VolumeId: volumeId })));
    if (gone(m, v)) {
      count("create snapshot: deleted volume");
      expectError(result, `InvalidVolume.NotFound: The volume '${volumeId}' does not exist.`, this.toString());
      return;
    }
    if (v.goneAt !== undefined) {
      count("create snapshot: deleting volume");
      expectError(result, `IncorrectState: Volume '${volumeId}' is in the 'deleting' state.`, this.toString());
      return;
    }
    count(`create snapshot of a volume ${volumeState(m, v)}`);
    const out = expectOk(result, this.toString());
    expect([out.State, out.Progress, out.VolumeId, out.VolumeSize]).toEqual(["pending", "0%", volumeId, v.sizeGiB]);
    r.snapshotIds.push(out.SnapshotId!);
    m.snapshots.push({ sizeGiB: v.sizeGiB, startedAt: m.now, deleted: false });
  }
  toString(): string {
    return `createSnapshot(#${this.volume})`;
  }
}

class DeleteSnapshot extends Cmd {
  constructor(readonly snapshot: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.snapshots.length > 0;
  }
  async act(m: Model, r: Real): Promise<void> {
    const k = this.snapshot % m.snapshots.length;
    const s = m.snapshots[k]!;
    const snapshotId = r.snapshotIds[k]!;
    const result = await attempt(r.client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
    if (s.deleted) {
      count("delete snapshot: deleted");
      expectError(result, `InvalidSnapshot.NotFound: The snapshot '${snapshotId}' does not exist.`, this.toString());
      return;
    }
    count(`delete snapshot: ${snapshotState(m, s)}`);
    expectOk(result, this.toString());
    s.deleted = true;
  }
  toString(): string {
    return `deleteSnapshot(#${this.snapshot})`;
  }
}

/** StopInstances or StartInstances: the instance's volumes stay attached either way. */
class Power extends Cmd {
  constructor(
    readonly how: "stop" | "start",
    readonly instance: number,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.instances.length > 0;
  }
  async act(m: Model, r: Real): Promise<void> {
    const i = this.instance % m.instances.length;
    const inst = m.instances[i]!;
    const input = { InstanceIds: [r.instanceIds[i]!] };
    const result = await attempt(r.client.send(this.how === "stop" ? new StopInstancesCommand(input) : new StartInstancesCommand(input)));
    count(`${this.how} a ${inst.state} instance`);
    if (inst.state === "terminated") {
      expect("error" in result ? result.error.split(":")[0] : "succeeded").toBe("IncorrectInstanceState");
      return;
    }
    expectOk(result, this.toString());
    inst.state = this.how === "stop" ? "stopped" : "running";
  }
  toString(): string {
    return `${this.how}(#${this.instance})`;
  }
}

class Terminate extends Cmd {
  constructor(readonly instance: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.instances.length > 0;
  }
  async act(m: Model, r: Real): Promise<void> {
    const i = this.instance % m.instances.length;
    count(`terminate a ${m.instances[i]!.state} instance`);
    expectOk(await attempt(r.client.send(new TerminateInstancesCommand({ InstanceIds: [r.instanceIds[i]!] }))), this.toString());
    terminate(m, i);
  }
  toString(): string {
    return `terminate(#${this.instance})`;
  }
}

/** ModifyInstanceAttribute: DeleteOnTermination of the volume at a device. */
class SetDeleteOnTermination extends Cmd {
  constructor(
    readonly instance: number,
    readonly device: string,
    readonly flag: boolean,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.instances.length > 0;
  }
  async act(m: Model, r: Real): Promise<void> {
    const i = this.instance % m.instances.length;
    const inst = m.instances[i]!;
    const instanceId = r.instanceIds[i]!;
    const result = await attempt(
      r.client.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          BlockDeviceMappings: [{ DeviceName: this.device, Ebs: { DeleteOnTermination: this.flag } }],
        }),
      ),
    );
    // A terminated instance has no device left: the device check (before the state rule) refuses it.
    const index = inst.devices.get(this.device);
    if (index === undefined) {
      count(`delete on termination: no such device (${inst.state})`);
      expectError(result, `InvalidParameterValue: No device is currently mapped at ${this.device}`, this.toString());
      return;
    }
    count(`delete on termination ${this.flag} on a ${inst.state} instance`);
    expectOk(result, this.toString());
    m.volumes[index]!.attachment!.deleteOnTermination = this.flag;
  }
  toString(): string {
    return `setDeleteOnTermination(#${this.instance}, ${this.device}, ${this.flag})`;
  }
}

/** Ends an attachment: the volume `available`, its device free on the instance. */
function detach(m: Model, v: ModelVolume): void {
  const a = v.attachment!;
  m.instances[a.instance]!.devices.delete(a.device);
  v.attachment = undefined;
}

class DetachVolume extends Cmd {
  constructor(
    readonly volume: number,
    readonly force: boolean,
    /** Aim at an attached volume. */
    readonly prefer: boolean,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.volumes.length > 0;
  }
  async act(m: Model, r: Real): Promise<void> {
    const k = aim(m.volumes, this.volume, this.prefer, (v) => v.attachment !== undefined);
    const v = m.volumes[k]!;
    const volumeId = r.volumeIds[k]!;
    const result = await attempt(r.client.send(new DetachVolumeCommand({ VolumeId: volumeId, ...(this.force ? { Force: true } : {}) })));
    const a = v.attachment;
    const inst = a === undefined ? undefined : m.instances[a.instance]!;
    const refusals: [boolean, string, string][] = [
      [gone(m, v), "deleted volume", `InvalidVolume.NotFound: The volume '${volumeId}' does not exist.`],
      [a === undefined, `volume ${volumeState(m, v)}`, `IncorrectState: Volume '${volumeId}' is in the '${volumeState(m, v)}' state.`],
      [
        a?.device === ROOT_DEVICE && inst?.state !== "stopped",
        "root of an instance not stopped",
        `IncorrectState: Unable to detach root volume '${volumeId}' from instance '${r.instanceIds[a?.instance ?? 0]}'`,
      ],
    ];
    const refusal = refusals.find(([when]) => when);
    if (refusal !== undefined) {
      count(`detach: ${refusal[1]}`);
      expectError(result, refusal[2], this.toString());
      return;
    }
    count(`detach${this.force ? " (Force)" : ""} from a ${inst!.state} instance${a!.detachingAt === undefined ? "" : ", detaching"}`);
    const out = expectOk(result, this.toString());
    expect([out.State, out.Device, out.InstanceId, out.VolumeId]).toEqual(["detaching", a!.device, r.instanceIds[a!.instance], volumeId]);
    if (this.force) detach(m, v);
    else a!.detachingAt ??= m.now;
  }
  toString(): string {
    return `detachVolume(#${this.volume}${this.force ? ", Force" : ""}${this.prefer ? ", aimed" : ""})`;
  }
}

class Advance extends Cmd {
  constructor(readonly ms: number) {
    super();
  }
  async act(m: Model, r: Real): Promise<void> {
    count("advance");
    r.ec2.advance(this.ms);
    m.now += this.ms;
    for (const v of m.volumes) {
      const a = v.attachment;
      if (a?.detachingAt !== undefined && m.now >= a.detachingAt + DETACH_MS) detach(m, v);
    }
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

const pick = fc.nat({ max: 1_000 });
const device = fc.constantFrom(...DEVICES);
/** The commands fast-check draws from, evenly: one line each (the frequent ones twice). */
const commands = [
  fc.tuple(fc.boolean(), fc.option(fc.boolean(), { nil: undefined })).map(([extra, dot]) => new Run(extra, dot)),
  fc
    .tuple(
      fc.constantFrom(ZONE, ZONE, ZONE, OTHER_ZONE),
      fc.constantFrom(2, 4, 7, 8, 9, 10, 13),
      fc.option(pick, { nil: undefined }),
      fc.boolean(),
    )
    .map(([zone, size, snapshot, aimed]) => new CreateVolume(zone, size, snapshot, aimed)),
  fc.tuple(pick, pick, device, fc.boolean()).map(([v, i, d, aimed]) => new AttachVolume(v, i, d, aimed)),
  fc.tuple(pick, pick, device, fc.boolean()).map(([v, i, d, aimed]) => new AttachVolume(v, i, d, aimed)),
  pick.map((v) => new DeleteVolume(v)),
  fc.tuple(pick, fc.boolean(), fc.boolean()).map(([v, force, aimed]) => new DetachVolume(v, force, aimed)),
  pick.map((v) => new CreateSnapshot(v)),
  pick.map((s) => new DeleteSnapshot(s)),
  pick.map((i) => new Power("stop", i)),
  pick.map((i) => new Power("start", i)),
  pick.map((i) => new Terminate(i)),
  fc.tuple(pick, device, fc.boolean()).map(([i, d, f]) => new SetDeleteOnTermination(i, d, f)),
  fc.constantFrom(1_000, ATTACH_MS, DETACH_MS, CREATE_MS - 1, CREATE_MS, 9_000, 30_000).map((ms) => new Advance(ms)),
  fc.constantFrom(1_000, ATTACH_MS, DETACH_MS, CREATE_MS - 1, CREATE_MS, 9_000, 30_000).map((ms) => new Advance(ms)),
];

/** One model run against `ec2` through `client`: a fresh state, one instance to start with. */
async function modelRun(ec2: Ec2Mock, client: EC2Client, cmds: Iterable<fc.AsyncCommand<Model, Real>>): Promise<void> {
  ec2.reset();
  const setup = async () => {
    const model: Model = { now: 0, instances: [], volumes: [], snapshots: [] };
    const real: Real = {
      ec2,
      client,
      instanceIds: [],
      volumeIds: [],
      snapshotIds: [],
      pastCreating: new Set(),
      completed: new Set(),
      progress: new Map(),
      step: 0,
    };
    // And a snapshot of its root, completed, so that the first commands have one to restore.
    await new Run(true, false).run(model, real);
    await new CreateSnapshot(0).run(model, real);
    await new Advance(20_000).run(model, real);
    return { model, real };
  };
  await fc.asyncModelRun(setup, cmds);
}

describe("EBS volumes and snapshots against a reference model (fast-check commands)", () => {
  useFrozenClock({ now: Date.UTC(2026, 0, 1) });

  it(`agrees with the model through the plugin (runs: ${RUNS})`, { timeout: Math.max(120_000, RUNS * 400) }, async () => {
    console.log(`model-volumes: seed ${SEED}, ${RUNS} runs (MODEL_SEED=${SEED} replays; MODEL_RUNS raises)`);
    tally.clear();
    const ec2 = createEc2Mock({ timing: TIMING });
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: "+1" }), (cmds) => modelRun(ec2, client, cmds)),
        { numRuns: RUNS, seed: SEED, verbose: 1 },
      );
    } finally {
      client.destroy();
    }
    console.log(
      [...tally]
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n"),
    );
    // Every kind of answer was met (a vacuous run would show here). Only in long runs: at the default
    // 100 runs the rarest kinds come a few times each, so some run would miss one by chance.
    if (RUNS >= 1_000) {
      for (const kind of [
        "run with a data volume (DeleteOnTermination false)",
        "run with a data volume (DeleteOnTermination true)",
        "create volume from a snapshot",
        "create volume from a snapshot with a size",
        "create volume: pending snapshot",
        "create volume: smaller than its snapshot",
        "create volume: snapshot deleted",
        "attach to a running instance",
        "attach to a stopped instance",
        "attach: volume in use",
        "attach: volume creating",
        "attach: other zone",
        "attach: device in use",
        "attach: deleted volume",
        "attach: terminated instance",
        "delete volume: in use",
        "delete volume: available",
        "delete volume: creating",
        "delete volume: deleted",
        "create snapshot of a volume in-use",
        "create snapshot: deleted volume",
        "delete snapshot: completed",
        "delete snapshot: pending",
        "delete on termination false on a running instance",
        "delete on termination true on a stopped instance",
        "delete on termination: no such device (running)",
        "delete on termination: no such device (terminated)",
        "terminate a stopped instance",
        "detach from a running instance",
        "detach (Force) from a stopped instance",
        "detach: volume available",
        "detach: root of an instance not stopped",
        "attach: volume deleting",
      ]) {
        expect(tally.get(kind) ?? 0, kind).toBeGreaterThan(0);
      }
    }
  });

  it(`agrees with the model through the server (runs: ${SERVER_RUNS})`, { timeout: Math.max(120_000, SERVER_RUNS * 2_000) }, async () => {
    const ec2 = createEc2Mock({ timing: TIMING });
    const server: RunningServer = await ec2.listen();
    const client = new EC2Client({
      region: "us-east-1",
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
      maxAttempts: 1,
    });
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: "+1" }), (cmds) => modelRun(ec2, client, cmds)),
        { numRuns: SERVER_RUNS, seed: SEED ^ 0x17, verbose: 1 },
      );
    } finally {
      client.destroy();
      await server.close();
    }
  });
});

/** The model's first finding, pinned: DescribeVolumes agrees with AttachVolume's `attaching`. */
describe.each(["plugin", "server"])("a launch's volume attached again at the instant it was created, through the %s", (door) => {
  useFrozenClock({ now: Date.UTC(2026, 0, 1) });
  const openDoor = doorOpener();

  it("is `attaching` for the attach duration, as AttachVolume answered, not taken for a launch's attachment", async () => {
    const { ec2, client } = await openDoor(door, { timing: TIMING });
    const run = (extra: boolean) =>
      client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          MinCount: 1,
          MaxCount: 1,
          Placement: { AvailabilityZone: ZONE },
          ...(extra
            ? { BlockDeviceMappings: [{ DeviceName: EXTRA_DEVICE, Ebs: { VolumeSize: EXTRA_GIB, DeleteOnTermination: false } }] }
            : {}),
        }),
      );
    const keeper = (await run(false)).Instances![0]!.InstanceId!;
    const gone = (await run(true)).Instances![0]!;
    const dataVolume = gone.BlockDeviceMappings!.find((b) => b.DeviceName === EXTRA_DEVICE)!.Ebs!.VolumeId!;
    await client.send(new TerminateInstancesCommand({ InstanceIds: [gone.InstanceId!] }));
    const attached = await client.send(new AttachVolumeCommand({ VolumeId: dataVolume, InstanceId: keeper, Device: "/dev/sdh" }));
    expect(attached.State).toBe("attaching");
    const shown = async () => (await client.send(new DescribeVolumesCommand({ VolumeIds: [dataVolume] }))).Volumes![0]!.Attachments;
    expect(await shown()).toMatchObject([{ InstanceId: keeper, Device: "/dev/sdh", State: "attaching" }]);
    ec2.advance(ATTACH_MS);
    expect(await shown()).toMatchObject([{ InstanceId: keeper, Device: "/dev/sdh", State: "attached" }]);
  });
  it("is `attaching` when detached with Force and attached again to its own instance in that millisecond (the second finding)", async () => {
    const { ec2, client } = await openDoor(door, { timing: TIMING });
    const launched = await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        MinCount: 1,
        MaxCount: 1,
        Placement: { AvailabilityZone: ZONE },
        BlockDeviceMappings: [{ DeviceName: EXTRA_DEVICE, Ebs: { VolumeSize: EXTRA_GIB } }],
      }),
    );
    const { InstanceId, BlockDeviceMappings } = launched.Instances![0]!;
    const dataVolume = BlockDeviceMappings!.find((b) => b.DeviceName === EXTRA_DEVICE)!.Ebs!.VolumeId!;
    await client.send(new DetachVolumeCommand({ VolumeId: dataVolume, Force: true }));
    const attached = await client.send(new AttachVolumeCommand({ VolumeId: dataVolume, InstanceId, Device: EXTRA_DEVICE }));
    expect(attached.State).toBe("attaching");
    const shown = async () => (await client.send(new DescribeVolumesCommand({ VolumeIds: [dataVolume] }))).Volumes![0]!.Attachments;
    expect(await shown()).toMatchObject([{ InstanceId, Device: EXTRA_DEVICE, State: "attaching", DeleteOnTermination: false }]);
    ec2.advance(ATTACH_MS);
    expect(await shown()).toMatchObject([{ InstanceId, Device: EXTRA_DEVICE, State: "attached" }]);
  });
});
