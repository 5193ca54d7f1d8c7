import type { DeletedSnapshot, Ec2Snapshot } from "./snapshots.js";
import type { Ec2VolumeModification } from "./volume-modifications.js";
import { type Ec2Volume, GP3_BASELINE } from "./volumes.js";

/**
 * What EBS bills, in billable units (sources in docs/behaviour.md, "EBS
 * billing"):
 *
 * - provisioned storage of every volume type, in GiB-seconds, from the
 *   volume's creation until its deletion, attached or not, "in one-second
 *   increments, with a minimum of 60 seconds" (AWS What's New, 2017-10-02,
 *   "Announcing Amazon EC2 per second billing": "Amazon EBS volumes will also
 *   move from per hour billing to per second billing with a minimum of 60
 *   seconds");
 * - provisioned IOPS, in IOPS-seconds, on the same time: all of an io1 or io2
 *   volume's, a gp3 volume's above its 3,000 included (EBS pricing);
 * - provisioned throughput above gp3's included 125 MiB/s, in
 *   MiB/s-seconds (EBS pricing);
 * - snapshot storage, in GiB-seconds, "billed on an hourly basis" (the same
 *   announcement): every started hour from its creation to its deletion.
 *
 * Decision: a snapshot counts its volume's full size (EBS bills the blocks
 * a snapshot stores, incrementally; the first snapshot of a volume stores
 * every block written, and the mock knows no blocks).
 */

/**
 * The EBS volume types, as usage breaks storage down by them.
 * @public
 */
export type EbsVolumeType = "gp2" | "gp3" | "io1" | "io2" | "st1" | "sc1" | "standard";

/** Every volume type, in the order usage lists them. */
export const EBS_VOLUME_TYPES: readonly EbsVolumeType[] = ["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"];

/** The minimum a volume is billed for, in seconds (per-second billing "with a minimum of 60 seconds"). */
export const EBS_MINIMUM_SECONDS = 60;

/** Snapshot storage's billing increment: an hour, in seconds ("billed on an hourly basis"). */
export const SNAPSHOT_INCREMENT_SECONDS = 3_600;

/**
 * One stretch of a volume's configuration: from `from` (ms since the epoch)
 * until the next stretch's `from`, or the volume's end. A volume that never
 * changed has one, from its creation; ModifyVolume would add one per change.
 */
export interface VolumeConfiguration {
  /** When this configuration began, ms since the epoch. */
  readonly from: number;
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** gp3, gp2, io1, ... */
  readonly volumeType: string;
  /** Provisioned IOPS as DescribeVolumes shows them. */
  readonly iops: number | undefined;
  /** Provisioned throughput in MiB/s (gp3). */
  readonly throughput: number | undefined;
}

/** What one volume costs, in billable units. */
export interface VolumeCharges {
  /** Billed GiB-seconds, by volume type (a type the volume never had is absent). */
  readonly gibSecondsByType: ReadonlyMap<string, number>;
  /** Billed GiB-seconds, all types together. */
  readonly gibSeconds: number;
  /** Billed IOPS-seconds beyond those included (io1 and io2: all; gp3: above 3,000). */
  readonly iopsSeconds: number;
  /** Billed MiB/s-seconds of throughput beyond gp3's included 125 MiB/s. */
  readonly throughputMibSeconds: number;
}

/** IOPS a configuration is billed for: io1/io2 all, gp3 those above its baseline, none for the others. */
function billedIops(config: VolumeConfiguration): number {
  switch (config.volumeType) {
    case "io1":
    case "io2":
      return config.iops ?? 0;
    case "gp3":
      return Math.max(0, (config.iops ?? GP3_BASELINE.iops) - GP3_BASELINE.iops);
    default:
      return 0;
  }
}

/** Throughput a configuration is billed for: gp3's above its baseline. */
function billedThroughput(config: VolumeConfiguration): number {
  return config.volumeType === "gp3" ? Math.max(0, (config.throughput ?? GP3_BASELINE.throughput) - GP3_BASELINE.throughput) : 0;
}

/**
 * One volume's charges from its configuration history (oldest first, the
 * first from its creation) until `end` (ms since the epoch: its deletion,
 * or now for a live volume). Each stretch counts its own seconds; the
 * volume's whole life is billed in whole seconds, at least 60 (even a volume
 * deleted the instant it was created), the seconds added to reach them
 * counted at its last configuration. Nothing before its creation: 0 when
 * `end` comes before it.
 */
export function volumeCharges(history: readonly VolumeConfiguration[], end: number): VolumeCharges {
  const byType = new Map<string, number>();
  let iopsSeconds = 0;
  let throughputMibSeconds = 0;
  const first = history[0];
  if (first === undefined || end < first.from) return { gibSecondsByType: byType, gibSeconds: 0, iopsSeconds, throughputMibSeconds };
  const billed = Math.max(EBS_MINIMUM_SECONDS, Math.ceil((end - first.from) / 1000));
  // The stretches that began before `end`; the last of them runs to the billed end.
  const stretches = history.filter((config, i) => i === 0 || config.from < end);
  stretches.forEach((config, i) => {
    const last = i === stretches.length - 1;
    const seconds = last ? billed - (config.from - first.from) / 1000 : (stretches[i + 1]!.from - config.from) / 1000;
    byType.set(config.volumeType, (byType.get(config.volumeType) ?? 0) + config.sizeGiB * seconds);
    iopsSeconds += billedIops(config) * seconds;
    throughputMibSeconds += billedThroughput(config) * seconds;
  });
  const gibSeconds = [...byType.values()].reduce((sum, v) => sum + v, 0);
  return { gibSecondsByType: byType, gibSeconds, iopsSeconds, throughputMibSeconds };
}

/**
 * A volume's configuration history: a stretch from its creation at its
 * configuration before any modification, then one per ModifyVolume
 * modification from the moment its target took effect (`optimizingAt`,
 * when the volume shows the new size). `modifications`: the volume's, in
 * start order.
 */
export function configurationHistory(volume: Ec2Volume, modifications: readonly Ec2VolumeModification[] = []): VolumeConfiguration[] {
  const { sizeGiB, volumeType, iops, throughput } = modifications[0]?.original ?? volume;
  return [
    { from: volume.createTime.getTime(), sizeGiB, volumeType, iops, throughput },
    ...modifications.map((m) => ({ from: m.optimizingAt, ...m.target })),
  ];
}

/** A volume's charges until `now` (ms since the epoch), or until its deletion when that came first; `modifications` as above. */
export function chargesOf(volume: Ec2Volume, now: number, modifications: readonly Ec2VolumeModification[] = []): VolumeCharges {
  const end = Math.min(now, volume.deleteTime?.getTime() ?? Number.POSITIVE_INFINITY);
  return volumeCharges(configurationHistory(volume, modifications), end);
}

/**
 * A snapshot's billed storage in GiB-seconds until `now`, or until its
 * deletion: its full size for every started hour since its creation.
 */
export function snapshotGibSeconds(snapshot: Ec2Snapshot | DeletedSnapshot, now: number): number {
  const end = Math.min(now, "deleteTime" in snapshot ? snapshot.deleteTime : Number.POSITIVE_INFINITY);
  if (end < snapshot.startTime) return 0;
  // The hour it was created in has started, even at its first instant.
  const hours = Math.max(1, Math.ceil((end - snapshot.startTime) / 1000 / SNAPSHOT_INCREMENT_SECONDS));
  return snapshot.volumeSizeGiB * hours * SNAPSHOT_INCREMENT_SECONDS;
}
