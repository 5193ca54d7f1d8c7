import type { VolumeModification, VolumeModificationState, VolumeType } from "@aws-sdk/client-ec2";
import { array, boolean, type JsonOf, nullable, number, object, string, time, type ValuesOf } from "../../../engine/record.js";
import { type Ec2Volume, performanceOf, type VolumeStore } from "./volumes.js";

/**
 * EBS volume modifications (ModifyVolume, Elastic Volumes) and the volumes'
 * `autoEnableIO` attribute, per region.
 *
 * A modification is `modifying` from its start for the `volumeModify`
 * duration, then `optimizing` for `volumeOptimize`, then `completed`. Its
 * three times are stored when it starts (so a state file restored into a
 * mock with other durations keeps its history) and its state and Progress
 * are derived from the engine clock when read: no timer.
 *
 * The volume shows the target size, type, IOPS and throughput from the
 * moment the modification reaches `optimizing` (EBS User Guide, "Monitor the
 * progress of Amazon EBS volume modifications": "Size increases take effect
 * once the volume modification reaches the optimizing state"). The volume
 * record is updated at the first catch-up at or after that time
 * ({@link VolumeModificationStore.applyDue}, called by the region's
 * catch-up and by every operation that reads modifications); every read of
 * the region catches up first, so no reader sees it early or late.
 *
 * For billing: every modification ever started is kept, deleted volumes'
 * included, with its original and target size and type and the time the
 * target took effect (`optimizingAt`), from which billing
 * (src/aws/ec2/model/ebs-billing.ts, `configurationHistory`) derives a
 * volume's configuration over time.
 */

/** A volume's configuration before or after a modification. */
const configurationRecord = object({
  /** Size in GiB. */
  sizeGiB: number,
  /** gp3, gp2, io1, ... */
  volumeType: string,
  /** IOPS as DescribeVolumes shows them (none for st1, sc1, standard). */
  iops: nullable(number),
  /** Throughput in MiB/s (gp3 only). */
  throughput: nullable(number),
});

/** A volume's configuration: size, type, IOPS, throughput. */
export type VolumeConfiguration = ValuesOf<typeof configurationRecord.fields>;

/** One modification's fields, declared once for the state file and the checks on restore. */
export const volumeModificationRecord = object({
  /** The volume modified. */
  volumeId: string,
  /** Start order across the region, for stable pagination. */
  seq: number,
  /** When ModifyVolume started it (ms since the epoch). */
  startTime: time,
  /** When it reaches `optimizing`: the volume shows the target from then on. */
  optimizingAt: time,
  /** When it reaches `completed` (its EndTime). */
  endTime: time,
  /** The volume before. */
  original: configurationRecord,
  /** The volume after. */
  target: configurationRecord,
  /** Whether the target has been written into the volume record (at `optimizingAt` or the first catch-up after). */
  applied: boolean,
});

/** One volume modification. Only `applied` changes after it starts. */
export type Ec2VolumeModification = ValuesOf<typeof volumeModificationRecord.fields>;

/** The store's state file form: every modification in start order, and the volumes whose autoEnableIO is on. */
export const volumeModificationsRecord = object({
  modifications: array(volumeModificationRecord),
  autoEnableIO: array(string),
});

/** The store's state as JSON. */
export type VolumeModificationsJson = JsonOf<typeof volumeModificationsRecord>;

/** A volume's current configuration. */
export function configurationOf(volume: Ec2Volume): VolumeConfiguration {
  return { sizeGiB: volume.sizeGiB, volumeType: volume.volumeType, iops: volume.iops, throughput: volume.throughput };
}

/**
 * The configuration a ModifyVolume request asks for, with EC2's defaults
 * (API reference, ModifyVolume): the size and type retained when absent;
 * IOPS retained when the type stays, else 3,000 for gp3, io1 and io2;
 * throughput retained gp3 to gp3, else 125 for gp3. gp2's IOPS follow its
 * size; st1, sc1 and standard have none.
 */
export function targetOf(
  current: VolumeConfiguration,
  request: {
    sizeGiB?: number | undefined;
    volumeType?: VolumeType | undefined;
    iops?: number | undefined;
    throughput?: number | undefined;
  },
): VolumeConfiguration & { requestedIops: number | undefined; requestedThroughput: number | undefined } {
  const volumeType = request.volumeType ?? current.volumeType;
  const sizeGiB = request.sizeGiB ?? current.sizeGiB;
  const sameType = volumeType === current.volumeType;
  const takesIops = volumeType === "gp3" || volumeType === "io1" || volumeType === "io2";
  const requestedIops = request.iops ?? (takesIops ? (sameType ? current.iops : 3_000) : undefined);
  const requestedThroughput = request.throughput ?? (volumeType === "gp3" ? (sameType ? (current.throughput ?? 125) : 125) : undefined);
  const { iops, throughput } = performanceOf({
    sizeGiB,
    volumeType,
    iops: requestedIops,
    throughput: requestedThroughput,
    snapshotId: "",
    availabilityZone: "",
  });
  return { sizeGiB, volumeType, iops, throughput, requestedIops, requestedThroughput };
}

/** Whether two configurations are the same. */
export function sameConfiguration(a: VolumeConfiguration, b: VolumeConfiguration): boolean {
  return a.sizeGiB === b.sizeGiB && a.volumeType === b.volumeType && a.iops === b.iops && a.throughput === b.throughput;
}

/** A modification's state at `now`. */
export function modificationState(m: Ec2VolumeModification, now: number): VolumeModificationState {
  if (now >= m.endTime) return "completed";
  return now >= m.optimizingAt ? "optimizing" : "modifying";
}

/** A modification's Progress at `now`: the share of its whole time elapsed, 100 once completed. */
export function modificationProgress(m: Ec2VolumeModification, now: number): number {
  if (now >= m.endTime) return 100;
  return Math.min(99, Math.floor((100 * Math.max(0, now - m.startTime)) / (m.endTime - m.startTime)));
}

/** How many modifications a volume may start in a rolling {@link RATE_WINDOW_MS} (API reference, ModifyVolume). */
export const MODIFICATIONS_PER_WINDOW = 4;
/** The rolling window of {@link MODIFICATIONS_PER_WINDOW}: 24 hours. */
export const RATE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A modification as the SDK types it, at `now` (EndTime once completed). */
export function renderModification(m: Ec2VolumeModification, now: number): VolumeModification {
  const state = modificationState(m, now);
  return {
    VolumeId: m.volumeId,
    ModificationState: state,
    TargetSize: m.target.sizeGiB,
    ...(m.target.iops === undefined ? {} : { TargetIops: m.target.iops }),
    TargetVolumeType: m.target.volumeType as VolumeType,
    ...(m.target.throughput === undefined ? {} : { TargetThroughput: m.target.throughput }),
    TargetMultiAttachEnabled: false,
    OriginalSize: m.original.sizeGiB,
    ...(m.original.iops === undefined ? {} : { OriginalIops: m.original.iops }),
    OriginalVolumeType: m.original.volumeType as VolumeType,
    ...(m.original.throughput === undefined ? {} : { OriginalThroughput: m.original.throughput }),
    OriginalMultiAttachEnabled: false,
    Progress: modificationProgress(m, now),
    StartTime: new Date(m.startTime),
    ...(state === "completed" ? { EndTime: new Date(m.endTime) } : {}),
  };
}

/** Writes a configuration into a volume record (its declared fields are read-only to everyone else). */
function writeConfiguration(volume: Ec2Volume, c: VolumeConfiguration): void {
  const writable = volume as { sizeGiB: number; volumeType: string; iops: number | undefined; throughput: number | undefined };
  writable.sizeGiB = c.sizeGiB;
  writable.volumeType = c.volumeType;
  writable.iops = c.iops;
  writable.throughput = c.throughput;
}

/** The modifications of one region and its volumes' autoEnableIO. Callers run every check first: these methods never refuse. */
export class VolumeModificationStore {
  /** Every modification, in start order. */
  private readonly all: Ec2VolumeModification[] = [];
  /** Each volume's modifications, in start order. */
  private readonly byVolume = new Map<string, Ec2VolumeModification[]>();
  /** The modifications whose target is not yet written into their volume. */
  private readonly pending = new Set<Ec2VolumeModification>();
  /** The volumes whose autoEnableIO attribute is on. */
  private readonly autoEnabled = new Set<string>();
  private seq = 0;

  /** Starts a modification (its times already computed). */
  start(fields: Omit<Ec2VolumeModification, "seq" | "applied">): Ec2VolumeModification {
    const m: Ec2VolumeModification = { ...fields, seq: ++this.seq, applied: false };
    this.add(m);
    return m;
  }

  private add(m: Ec2VolumeModification): void {
    this.all.push(m);
    const list = this.byVolume.get(m.volumeId);
    if (list === undefined) this.byVolume.set(m.volumeId, [m]);
    else list.push(m);
    if (!m.applied) this.pending.add(m);
  }

  /**
   * Writes into each volume the target of every modification that reached
   * `optimizing` by `now` (a deleted volume's is dropped: it keeps the
   * size it had, the modification its history).
   */
  applyDue(now: number, volumes: VolumeStore): void {
    if (this.pending.size === 0) return;
    for (const m of this.pending) {
      if (now < m.optimizingAt) continue;
      const volume = volumes.get(m.volumeId);
      if (volume !== undefined) writeConfiguration(volume, m.target);
      m.applied = true;
      this.pending.delete(m);
    }
  }

  /** A volume's latest modification, if any. */
  latest(volumeId: string): Ec2VolumeModification | undefined {
    return this.byVolume.get(volumeId)?.at(-1);
  }

  /** How many modifications of a volume started after `since` (ms), and the earliest of them. */
  startedSince(volumeId: string, since: number): { count: number; earliest: number | undefined } {
    const recent = (this.byVolume.get(volumeId) ?? []).filter((m) => m.startTime > since);
    return { count: recent.length, earliest: recent[0]?.startTime };
  }

  /** Every volume's modifications, in start order (deleted volumes' included). */
  list(): readonly Ec2VolumeModification[] {
    return this.all;
  }

  /** Whether a volume's autoEnableIO attribute is on. */
  autoEnableIO(volumeId: string): boolean {
    return this.autoEnabled.has(volumeId);
  }

  /** Sets a volume's autoEnableIO attribute. */
  setAutoEnableIO(volumeId: string, on: boolean): void {
    if (on) this.autoEnabled.add(volumeId);
    else this.autoEnabled.delete(volumeId);
  }

  /** Whether the store holds nothing (the state file leaves it out). */
  isEmpty(): boolean {
    return this.all.length === 0 && this.autoEnabled.size === 0;
  }

  /** The store's contents, for the state file (do not mutate). */
  contents(isLive: (volumeId: string) => boolean): ValuesOf<typeof volumeModificationsRecord.fields> {
    // A deleted volume's attribute goes with it (its id is never used again, so the set need not forget it at once).
    return { modifications: [...this.all], autoEnableIO: [...this.autoEnabled].filter(isLive) };
  }

  /** Replaces everything (restoring a state file); new modifications follow the last. */
  replace(contents: ValuesOf<typeof volumeModificationsRecord.fields>): void {
    this.clear();
    for (const m of [...contents.modifications].sort((a, b) => a.seq - b.seq)) {
      this.add(m);
      this.seq = Math.max(this.seq, m.seq);
    }
    for (const id of contents.autoEnableIO) this.autoEnabled.add(id);
  }

  /** Forgets everything. */
  clear(): void {
    this.all.length = 0;
    this.byVolume.clear();
    this.pending.clear();
    this.autoEnabled.clear();
    this.seq = 0;
  }
}
