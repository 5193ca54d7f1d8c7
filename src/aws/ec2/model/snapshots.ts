import type { Snapshot, SnapshotState } from "@aws-sdk/client-ec2";
import { array, number, object, optional, string, time } from "../../../engine/record.js";
import type { Durations } from "../../../engine/timing.js";
import { tagsField } from "./tags.js";

/**
 * EBS snapshots of one region (CreateSnapshot). A snapshot is `pending`
 * from its start time for a duration growing with its volume's size, then
 * `completed`: the store keeps the start time and the state and Progress
 * are derived from the engine clock when read (no timers).
 */

/** An EBS snapshot's fields, declared once for the state file (src/aws/ec2/state/snapshot.ts) and the checks on restore. */
export const ebsSnapshotRecord = object({
  snapshotId: string,
  seq: number,
  volumeId: string,
  volumeSizeGiB: number,
  description: string,
  ownerId: string,
  startTime: time,
  tags: tagsField,
  /** The KMS key that encrypts it when not the account's default EBS key (a CopySnapshot with KmsKeyId); absent: the default key. */
  kmsKeyId: optional(string),
  /** The accounts its createVolumePermission names (ModifySnapshotAttribute); written only when there are some. */
  createVolumePermissions: optional(array(string), { keep: (ids) => ids.length > 0 }),
});

/**
 * A deleted snapshot as usage keeps it (snapshot storage is billed from its
 * creation to its deletion): declared once for the state file.
 */
export const deletedSnapshotRecord = object({
  snapshotId: string,
  volumeSizeGiB: number,
  startTime: time,
  deleteTime: time,
});

/** A deleted snapshot: what usage needs of it. */
export interface DeletedSnapshot {
  /** Its id. */
  readonly snapshotId: string;
  /** The size counted for its storage, GiB. */
  readonly volumeSizeGiB: number;
  /** When it was started, ms since the epoch. */
  readonly startTime: number;
  /** When it was deleted, ms since the epoch. */
  readonly deleteTime: number;
}

/** One EBS snapshot of a region. Only its tags change after creation. */
export interface Ec2Snapshot {
  /** `snap-` and 17 hex digits. */
  readonly snapshotId: string;
  /** Creation order across the region, for stable pagination. */
  readonly seq: number;
  /** The volume it was taken from. */
  readonly volumeId: string;
  /** The volume's size in GiB. */
  readonly volumeSizeGiB: number;
  /** Its description, `""` for none. */
  readonly description: string;
  /** The account that owns it. */
  readonly ownerId: string;
  /** When it was started, in ms since the epoch. */
  readonly startTime: number;
  /** Its tags, in the order they were set: replaced whole, never written into. */
  tags: ReadonlyMap<string, string>;
  /** The KMS key that encrypts it, when not the account's default EBS key. */
  readonly kmsKeyId?: string | undefined;
  /** The accounts that may create volumes from it besides its owner, in the order they were added: replaced whole. */
  createVolumePermissions?: string[] | undefined;
}

/** The volume id EC2 shows for a snapshot copied by CopySnapshot or CopyImage ("an arbitrary volume ID that should not be used"). */
export const COPIED_VOLUME_ID = "vol-ffffffff";

/** The durations a snapshot's `pending` is made of (the `timing` option: src/engine/timing.ts). */
export type SnapshotDurations = Pick<Durations, "snapshotBase" | "snapshotPerGiB">;

/** What reading a snapshot's state and rendering it need from the region. */
export interface SnapshotView {
  /** The engine clock's now. */
  readonly now: number;
  /** The account's default EBS key (every volume is encrypted with it). */
  readonly defaultKmsKeyId: string;
  /** The region's snapshot durations. */
  readonly durations: SnapshotDurations;
}

/**
 * How long a snapshot stays `pending`: the `timing` option's `snapshotBase`
 * plus `snapshotPerGiB` per GiB of its volume (realistic: 5 s plus 1 s per
 * GiB; `instant`: none). Decision: EC2 documents no figure, only that
 * snapshots are taken asynchronously and that the time grows with the data
 * to copy. A copy (CopySnapshot, CopyImage) takes as long as the snapshot.
 */
export function snapshotDurationMs(sizeGiB: number, durations: SnapshotDurations): number {
  return durations.snapshotBase + durations.snapshotPerGiB * sizeGiB;
}

/** A snapshot's state at `view.now`. */
export function snapshotState(snapshot: Ec2Snapshot, view: Pick<SnapshotView, "now" | "durations">): SnapshotState {
  return view.now - snapshot.startTime >= snapshotDurationMs(snapshot.volumeSizeGiB, view.durations) ? "completed" : "pending";
}

/** A snapshot's Progress at `view.now`, as EC2 shows it (`"42%"`, `"100%"` once completed). */
export function snapshotProgress(snapshot: Ec2Snapshot, view: Pick<SnapshotView, "now" | "durations">): string {
  if (snapshotState(snapshot, view) === "completed") return "100%";
  const elapsed = Math.max(0, view.now - snapshot.startTime);
  const percent = Math.min(99, Math.floor((100 * elapsed) / snapshotDurationMs(snapshot.volumeSizeGiB, view.durations)));
  return `${percent}%`;
}

/** The KMS key that encrypts a snapshot. */
export function snapshotKmsKeyId(snapshot: Ec2Snapshot, defaultKmsKeyId: string): string {
  return snapshot.kmsKeyId ?? defaultKmsKeyId;
}

/** Whether `accountId` may create volumes from the snapshot: its owner, or an account its createVolumePermission names. */
export function restorableBy(snapshot: Ec2Snapshot, accountId: string): boolean {
  return snapshot.ownerId === accountId || (snapshot.createVolumePermissions ?? []).includes(accountId);
}

/** Whether a snapshot is a copy (CopySnapshot, CopyImage): EC2 gives copies its arbitrary volume id. */
export function isCopy(snapshot: Ec2Snapshot): boolean {
  return snapshot.volumeId === COPIED_VOLUME_ID;
}

/** A snapshot in the SDK's shape, at `view.now`. */
export function renderSnapshot(snapshot: Ec2Snapshot, view: SnapshotView): Snapshot {
  return {
    SnapshotId: snapshot.snapshotId,
    VolumeId: snapshot.volumeId,
    VolumeSize: snapshot.volumeSizeGiB,
    State: snapshotState(snapshot, view),
    Progress: snapshotProgress(snapshot, view),
    StartTime: new Date(snapshot.startTime),
    Description: snapshot.description,
    OwnerId: snapshot.ownerId,
    Encrypted: true,
    KmsKeyId: snapshotKmsKeyId(snapshot, view.defaultKmsKeyId),
    StorageTier: "standard",
    // "Only for snapshot copies": time-based copies are not modelled, so every copy is a standard one.
    ...(isCopy(snapshot) ? { TransferType: "standard" as const } : {}),
    ...(snapshot.tags.size === 0 ? {} : { Tags: [...snapshot.tags].map(([Key, Value]) => ({ Key, Value })) }),
  };
}

/** The snapshots of one region, by id in creation order. Callers run every check first: these methods never refuse. */
export class SnapshotStore {
  private readonly byId = new Map<string, Ec2Snapshot>();
  /** Deleted snapshots, in deletion order, kept for usage (snapshot storage). */
  private readonly gone: DeletedSnapshot[] = [];
  private seq = 0;

  /** @param now - the region's clock (ms since the epoch), which dates deletions; absent: deletions are not kept. */
  constructor(private readonly now?: () => number) {}

  /** Stores a new snapshot and returns it. */
  add(fields: Omit<Ec2Snapshot, "seq">): Ec2Snapshot {
    const snapshot: Ec2Snapshot = { ...fields, seq: ++this.seq };
    this.byId.set(snapshot.snapshotId, snapshot);
    return snapshot;
  }

  /** The snapshot with this id, if any. */
  get(snapshotId: string): Ec2Snapshot | undefined {
    return this.byId.get(snapshotId);
  }

  /** Every snapshot, in creation order. */
  list(): IterableIterator<Ec2Snapshot> {
    return this.byId.values();
  }

  /** Replaces the accounts a snapshot's createVolumePermission names by `next`. */
  setCreateVolumePermissions(snapshot: Ec2Snapshot, next: string[]): void {
    snapshot.createVolumePermissions = next.length === 0 ? undefined : next;
  }

  /** Replaces a snapshot's tags by `next`. */
  setTags(snapshot: Ec2Snapshot, next: ReadonlyMap<string, string>): void {
    snapshot.tags = next;
  }

  /** Deletes a snapshot; its storage until now is kept for usage. */
  delete(snapshot: Ec2Snapshot): void {
    if (!this.byId.delete(snapshot.snapshotId) || this.now === undefined) return;
    const { snapshotId, volumeSizeGiB, startTime } = snapshot;
    this.gone.push({ snapshotId, volumeSizeGiB, startTime, deleteTime: this.now() });
  }

  /** The deleted snapshots kept for usage, in deletion order (do not mutate). */
  deleted(): readonly DeletedSnapshot[] {
    return this.gone;
  }

  /**
   * Replaces every snapshot (restoring a state file), in the order given; new
   * ones follow the last. `deleted`: the deleted ones usage keeps.
   */
  replace(snapshots: Iterable<Ec2Snapshot>, deleted: Iterable<DeletedSnapshot> = []): void {
    this.clear();
    for (const snapshot of snapshots) {
      this.byId.set(snapshot.snapshotId, snapshot);
      this.seq = Math.max(this.seq, snapshot.seq);
    }
    this.gone.push(...deleted);
  }

  /** Forgets every snapshot, deleted ones included. */
  clear(): void {
    this.byId.clear();
    this.gone.length = 0;
    this.seq = 0;
  }
}
