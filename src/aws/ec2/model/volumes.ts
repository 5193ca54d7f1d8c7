import { createHash } from "node:crypto";
import type { Volume, VolumeState, VolumeType } from "@aws-sdk/client-ec2";
import { boolean, date, mapped, nullable, number, object, optional, string, type ValuesOf } from "../../../engine/record.js";
import type { AttachedVolume } from "./instance.js";
import { TagIndex } from "./tag-index.js";
import { NO_TAGS, tagsField } from "./tags.js";

/**
 * EBS volumes as first-class resources of a region: the single store every
 * operation reads them from. An instance's `volumes` are the attachments of
 * these records (the very same objects), so DescribeInstances'
 * BlockDeviceMappings, DescribeInstanceAttribute's blockDeviceMapping,
 * ModifyInstanceAttribute's DeleteOnTermination and DescribeVolumes can never
 * disagree.
 *
 * A volume lives from its creation (RunInstances, CreateVolume) until it is
 * deleted (DeleteVolume, or its instance reached `terminated` with
 * DeleteOnTermination set). A deleted volume leaves the live map
 * (DescribeVolumes says NotFound; after DeleteVolume's `deleting` time) but
 * is kept, with its creation and deletion times, for usage and billing.
 */

/** What a new volume is made of (planned by RunInstances from the image and the request). */
export interface VolumeSpec {
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** gp3, gp2, io1, io2, st1, sc1, standard. */
  readonly volumeType: string;
  /** Provisioned IOPS as requested (io1/io2 need it; gp3 may override its baseline). */
  readonly iops?: number | undefined;
  /** Throughput in MiB/s as requested (gp3 only). */
  readonly throughput?: number | undefined;
  /** The snapshot it was created from, `""` for a blank volume. */
  readonly snapshotId: string;
  /** The instance whose launch created it, for per-instance usage. */
  readonly launchedWith?: string;
  /** Its Availability Zone (the instance's). */
  readonly availabilityZone: string;
}

/** An EBS volume's fields, declared once: the record, its snapshot form and the checks on restore. */
export const volumeRecord = object({
  /** `vol-` and 17 hex digits. */
  volumeId: string,
  /** Creation order across the region, for stable pagination. */
  seq: number,
  /** Size in GiB. */
  sizeGiB: number,
  /** gp3, gp2, io1, ... */
  volumeType: string,
  /** IOPS shown by DescribeVolumes (absent for st1, sc1 and standard). */
  iops: nullable(number),
  /** Throughput in MiB/s (gp3 only). */
  throughput: nullable(number),
  /** The snapshot it was created from, `""` for none. */
  snapshotId: string,
  /** Its Availability Zone. */
  availabilityZone: string,
  /** When it was created. */
  createTime: date,
  /** The instance whose launch created it, if any. */
  launchedWith: nullable(string),
  /** When it was deleted (DeleteVolume's time, also while it is still `deleting`); undefined while it exists. */
  deleteTime: nullable(date),
  /** Its attachment while attached: the same object as the instance's `volumes` entry (which adds the volume id). */
  attachment: nullable(
    object({
      instanceId: string,
      deviceName: string,
      deleteOnTermination: boolean,
      attachTime: date,
      detachTime: optional(date),
      byAttachVolume: optional(boolean),
    }),
  ),
  /**
   * Its tags, in the order they were set. Never written into: volumes
   * created together share one map (and untagged ones {@link NO_TAGS});
   * `VolumeStore.setTags` replaces it whole.
   */
  tags: tagsField,
});

type VolumeFields = ValuesOf<typeof volumeRecord.fields>;

/** One EBS volume: its declared fields, read-only but for its deletion and attachment. */
export interface Ec2Volume extends Readonly<Omit<VolumeFields, "deleteTime" | "attachment">> {
  /** When it was deleted; undefined while it exists. */
  deleteTime: Date | undefined;
  /** Its attachment while attached: the same object as the instance's `volumes` entry. */
  attachment: AttachedVolume | undefined;
}

/** A volume as a snapshot holds it; restore gives its attachment the volume's id. */
export const volumeCodec = mapped(volumeRecord, {
  read(v): Ec2Volume {
    if (v.attachment !== undefined) (v as Ec2Volume).attachment = { volumeId: v.volumeId, ...v.attachment };
    return v as Ec2Volume;
  },
  write: (volume: Ec2Volume): VolumeFields => volume,
});

/** gp3's baseline (source: EBS user guide, "General Purpose SSD volumes"). */
export const GP3_BASELINE = { iops: 3000, throughput: 125 } as const;

/** gp2's IOPS: 3 per GiB, at least 100, at most 16,000 (source: EBS user guide). */
export function gp2Iops(sizeGiB: number): number {
  return Math.min(16_000, Math.max(100, 3 * sizeGiB));
}

/** The IOPS and throughput a volume of this type shows, from what was requested. */
export function performanceOf(spec: VolumeSpec): { iops: number | undefined; throughput: number | undefined } {
  switch (spec.volumeType) {
    case "gp3":
      return { iops: spec.iops ?? GP3_BASELINE.iops, throughput: spec.throughput ?? GP3_BASELINE.throughput };
    case "gp2":
      return { iops: gp2Iops(spec.sizeGiB), throughput: undefined };
    case "io1":
    case "io2":
      return { iops: spec.iops, throughput: undefined };
    default:
      // st1, sc1, standard: no provisioned IOPS (decision: DescribeVolumes shows none).
      return { iops: undefined, throughput: undefined };
  }
}

/**
 * The region's volumes: live ones by id in creation order, and the deleted
 * ones kept for usage. Live volumes are indexed by tag (`tagIndex`), so that
 * DescribeVolumes' tag filters look up their candidates instead of scanning
 * (bench/issue17.mjs): every change of the live set or of a volume's tags
 * goes through this class.
 */
export class VolumeStore {
  private readonly live = new Map<string, Ec2Volume>();
  /** The live volumes by tag (a superset for tag filters; see src/aws/ec2/model/tag-index.ts). */
  readonly tagIndex = new TagIndex<Ec2Volume>();
  private readonly gone = new Map<string, Ec2Volume>();
  /** CreateVolume's ClientTokens, to the volume each made (decision: not saved in state snapshots). */
  private readonly tokens = new Map<string, string>();
  /** Volumes whose DetachVolume is in progress (their attachment has a `detachTime`). */
  private readonly detaching = new Set<Ec2Volume>();
  /** Live volumes DeleteVolume is deleting (`deleteTime` set, still listed). */
  private readonly deleting = new Set<Ec2Volume>();
  private seq = 0;

  /** The volume CreateVolume made with this ClientToken, if it still exists. */
  byClientToken(token: string): Ec2Volume | undefined {
    const id = this.tokens.get(token);
    return id === undefined ? undefined : this.live.get(id);
  }

  /** Remembers the volume a ClientToken made. */
  rememberClientToken(token: string, volumeId: string): void {
    this.tokens.set(token, volumeId);
  }

  /**
   * Creates a volume (state `available` until attached). `tags` and `at` are
   * kept as given, not copied: a launch hands every volume it creates the
   * same ones, and neither is ever written into.
   */
  create(
    volumeId: string,
    spec: VolumeSpec,
    at: Date,
    tags: ReadonlyMap<string, string> = NO_TAGS,
    performance: { iops: number | undefined; throughput: number | undefined } = performanceOf(spec),
    launchedWith: string | undefined = spec.launchedWith,
  ): Ec2Volume {
    // `performance`: a launch works it out once for all its instances' volumes of one spec.
    const { iops, throughput } = performance;
    const volume: Ec2Volume = {
      volumeId,
      seq: ++this.seq,
      sizeGiB: spec.sizeGiB,
      volumeType: spec.volumeType,
      iops,
      throughput,
      snapshotId: spec.snapshotId,
      availabilityZone: spec.availabilityZone,
      createTime: at,
      launchedWith,
      deleteTime: undefined,
      attachment: undefined,
      tags,
    };
    this.live.set(volumeId, volume);
    // An untagged volume (a launch's, most often) has nothing to index: no iterator over an empty map.
    if (tags.size > 0) this.tagIndex.add(volume, tags);
    return volume;
  }

  /** The live volume with this id. */
  get(volumeId: string): Ec2Volume | undefined {
    return this.live.get(volumeId);
  }

  /** How many volumes are live. */
  get size(): number {
    return this.live.size;
  }

  /** Whether a live volume has this id. */
  has(volumeId: string): boolean {
    return this.live.has(volumeId);
  }

  /** Every live volume, in creation order. */
  values(): IterableIterator<Ec2Volume> {
    return this.live.values();
  }

  /** Every volume ever created, deleted ones included (for usage and billing), in creation order. */
  all(): Ec2Volume[] {
    return [...this.gone.values(), ...this.live.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Replaces a volume's tags (CreateTags, DeleteTags) by `next`, whole. */
  setTags(volume: Ec2Volume, next: ReadonlyMap<string, string>): void {
    const indexed = this.live.get(volume.volumeId) === volume;
    if (indexed) this.tagIndex.remove(volume, volume.tags);
    (volume as { tags: ReadonlyMap<string, string> }).tags = next;
    if (indexed) this.tagIndex.add(volume, next);
  }

  /** Detaches a volume: it becomes `available`. */
  detach(volume: Ec2Volume): void {
    volume.attachment = undefined;
    this.detaching.delete(volume);
  }

  /**
   * Starts DetachVolume at `at`: the attachment stays (`detaching`, the
   * volume `in-use`) until {@link VolumeStore.catchUp} ends it.
   */
  startDetach(volume: Ec2Volume, at: number): void {
    if (volume.attachment === undefined) return;
    volume.attachment.detachTime = new Date(at);
    this.detaching.add(volume);
  }

  /**
   * Deletes a volume at `at`: it is gone from DescribeVolumes, kept for
   * usage. With `lingerMs` (DeleteVolume's `volumeDelete`), it stays listed
   * as `deleting` until {@link VolumeStore.catchUp} removes it; its
   * `deleteTime` (what billing counts to) is `at` either way.
   */
  delete(volume: Ec2Volume, at: number, lingerMs = 0): void {
    if (!this.live.has(volume.volumeId)) return;
    volume.attachment = undefined;
    this.detaching.delete(volume);
    volume.deleteTime = new Date(at);
    if (lingerMs > 0) {
      this.deleting.add(volume);
      return;
    }
    this.remove(volume);
  }

  /** Moves a deleted volume from the live map to the deleted ones. */
  private remove(volume: Ec2Volume): void {
    this.live.delete(volume.volumeId);
    this.tagIndex.remove(volume, volume.tags);
    this.deleting.delete(volume);
    this.gone.set(volume.volumeId, volume);
  }

  /**
   * Ends what is due at `now` (ms since the epoch): detaches whose
   * `detachMs` is over (`release` takes the attachment off its instance)
   * and deletions whose `deleteMs` is over. Called before every read or
   * write of the region (its catch-up); reads also derive these states
   * from the stored times ({@link volumeState}, {@link attachmentState}).
   */
  catchUp(now: number, detachMs: number, deleteMs: number, release: (attachment: AttachedVolume) => void): void {
    for (const volume of this.detaching) {
      const attachment = volume.attachment;
      if (attachment?.detachTime === undefined) {
        this.detaching.delete(volume);
      } else if (now >= attachment.detachTime.getTime() + detachMs) {
        release(attachment);
        this.detach(volume);
      }
    }
    for (const volume of this.deleting) {
      if (this.live.get(volume.volumeId) !== volume) this.deleting.delete(volume);
      else if (now >= volume.deleteTime!.getTime() + deleteMs) this.remove(volume);
    }
  }

  /** When the last detach or deletion in progress ends (ms since the epoch); -Infinity when none is. */
  pendingEnd(detachMs: number, deleteMs: number): number {
    let end = Number.NEGATIVE_INFINITY;
    for (const volume of this.detaching) {
      const at = volume.attachment?.detachTime;
      if (at !== undefined) end = Math.max(end, at.getTime() + detachMs);
    }
    for (const volume of this.deleting) end = Math.max(end, volume.deleteTime!.getTime() + deleteMs);
    return end;
  }

  /** Live and deleted volumes and the creation counter (snapshots; do not mutate). */
  contents(): { live: Ec2Volume[]; gone: Ec2Volume[]; seq: number } {
    return { live: [...this.live.values()], gone: [...this.gone.values()], seq: this.seq };
  }

  /** Replaces every volume and the counter (restoring a snapshot). */
  replace(live: readonly Ec2Volume[], gone: readonly Ec2Volume[], seq: number): void {
    this.clear();
    for (const volume of live) {
      this.live.set(volume.volumeId, volume);
      if (volume.deleteTime !== undefined) this.deleting.add(volume);
      if (volume.attachment?.detachTime !== undefined) this.detaching.add(volume);
      this.tagIndex.add(volume, volume.tags);
    }
    for (const volume of gone) this.gone.set(volume.volumeId, volume);
    this.seq = seq;
  }

  /** Forgets every volume. */
  clear(): void {
    this.tokens.clear();
    this.detaching.clear();
    this.deleting.clear();
    this.live.clear();
    this.tagIndex.clear();
    this.gone.clear();
    this.seq = 0;
  }
}

/**
 * EC2's state of a live volume at `now` (ms since the epoch): `deleting`
 * once DeleteVolume took it (until the store's catch-up removes it);
 * `in-use` while attached, `detaching` included (for `detachMs` after
 * DetachVolume; by default until the catch-up detaches it); `creating` for
 * `createMs` after CreateVolume made it (a volume a launch created never
 * shows `creating`); `available` otherwise. Derived on read from the stored
 * times: no timer.
 */
export function volumeState(
  volume: Ec2Volume,
  now = Number.POSITIVE_INFINITY,
  createMs = 0,
  detachMs = Number.POSITIVE_INFINITY,
): VolumeState {
  if (volume.deleteTime !== undefined) return "deleting";
  if (attachmentState(volume, now, 0, detachMs) !== undefined) return "in-use";
  if (volume.launchedWith === undefined && now < volume.createTime.getTime() + createMs) return "creating";
  return "available";
}

/**
 * The ARN of the account's default EBS key (`aws/ebs`), which encrypts every
 * volume of the mock account (EBS encryption by default). Stable per account
 * and region, UUID-shaped as KMS key ids are.
 */
export function defaultEbsKeyArn(region: string, accountId: string): string {
  const hex = createHash("sha256").update(`aws/ebs:${region}:${accountId}`).digest("hex");
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return `arn:aws:kms:${region}:${accountId}:key/${uuid}`;
}

/** What rendering a volume needs from the region. */
export interface VolumeRenderContext {
  /** The KMS key that encrypts it. */
  readonly kmsKeyId: string;
  /** The engine's now, ms since the epoch (a new volume is `creating` until ready). */
  readonly now?: number;
  /** How long CreateVolume's `creating` lasts, ms. */
  readonly createMs?: number;
  /** How long AttachVolume's `attaching` lasts, ms. */
  readonly attachMs?: number;
  /** How long DetachVolume's `detaching` lasts, ms. */
  readonly detachMs?: number;
}

/**
 * Whether the volume's attachment is still `attaching` at `now`: only an
 * AttachVolume's (marked `byAttachVolume`), for `attachMs` after it; a
 * launch attaches its volumes when it creates them. The mark, not the
 * times, tells them apart: a launch's volume detached and attached again to
 * its own instance in its creation millisecond is an AttachVolume's. A
 * state file written before the mark existed: any attachment later than
 * the volume's creation, or to another instance, is an AttachVolume's.
 */
export function isAttaching(volume: Ec2Volume, now: number, attachMs: number): boolean {
  const a = volume.attachment;
  if (a === undefined) return false;
  const byCall = a.byAttachVolume ?? (a.instanceId !== volume.launchedWith || a.attachTime.getTime() > volume.createTime.getTime());
  return byCall && now < a.attachTime.getTime() + attachMs;
}

/**
 * The state of the volume's attachment at `now`: `detaching` for `detachMs`
 * after DetachVolume began (undefined once that is over: the volume is
 * detached), else `attaching` or `attached` (see {@link isAttaching});
 * undefined when it has none.
 */
export function attachmentState(
  volume: Ec2Volume,
  now: number,
  attachMs: number,
  detachMs: number,
): "attaching" | "attached" | "detaching" | undefined {
  const a = volume.attachment;
  if (a === undefined) return undefined;
  if (a.detachTime !== undefined) {
    // An unbounded detachMs (the caller does not know it) keeps it `detaching` until the catch-up ends it.
    const ends = a.detachTime.getTime() + detachMs;
    return ends === Number.POSITIVE_INFINITY || now < ends ? "detaching" : undefined;
  }
  return isAttaching(volume, now, attachMs) ? "attaching" : "attached";
}

/** The SDK `Volume` DescribeVolumes shows for a live volume. */
export function renderVolume(volume: Ec2Volume, ctx: VolumeRenderContext): Volume {
  const attachment = volume.attachment;
  const now = ctx.now ?? Number.POSITIVE_INFINITY;
  const shown = attachmentState(volume, now, ctx.now === undefined ? 0 : (ctx.attachMs ?? 0), ctx.detachMs ?? Number.POSITIVE_INFINITY);
  return {
    Attachments:
      attachment === undefined || shown === undefined
        ? []
        : [
            {
              AttachTime: new Date(attachment.attachTime.getTime()),
              Device: attachment.deviceName,
              InstanceId: attachment.instanceId,
              State: shown,
              VolumeId: volume.volumeId,
              DeleteOnTermination: attachment.deleteOnTermination,
            },
          ],
    AvailabilityZone: volume.availabilityZone,
    CreateTime: new Date(volume.createTime.getTime()),
    Encrypted: true,
    KmsKeyId: ctx.kmsKeyId,
    Size: volume.sizeGiB,
    SnapshotId: volume.snapshotId,
    State: volumeState(volume, ctx.now, ctx.createMs, ctx.detachMs),
    VolumeId: volume.volumeId,
    ...(volume.iops === undefined ? {} : { Iops: volume.iops }),
    ...(volume.tags.size === 0 ? {} : { Tags: [...volume.tags].map(([Key, Value]) => ({ Key, Value })) }),
    VolumeType: volume.volumeType as VolumeType,
    MultiAttachEnabled: false,
    ...(volume.throughput === undefined ? {} : { Throughput: volume.throughput }),
  };
}
