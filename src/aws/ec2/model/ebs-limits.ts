import type { VolumeType } from "@aws-sdk/client-ec2";
import { errors } from "../errors.js";
import { clipped, MAX_VOLUMES_PER_INSTANCE } from "./limits.js";
import { type InstanceTypeCatalogue, instanceTypesOf } from "./type-catalogue.js";

/**
 * What EBS accepts for each volume type at launch: sizes, provisioned IOPS
 * and throughput (source: the API reference, `EbsBlockDevice`: VolumeSize,
 * Iops and Throughput, as of the SDK this project builds with; the EBS user
 * guide's "Amazon EBS volume types" for the IOPS-per-GiB ratios). Messages
 * are docs/behaviour.md's, "Input validation and limits".
 */

/** The limits of one volume type. */
interface TypeLimits {
  /** Size in GiB, inclusive. */
  readonly size: readonly [number, number];
  /** Provisioned IOPS, inclusive, for the types that take them. */
  readonly iops?: readonly [number, number];
  /** The most IOPS per GiB of size (gp3 above its 3,000 baseline). */
  readonly iopsPerGiB?: number;
  /** Throughput in MiB/s, inclusive (gp3 only). */
  readonly throughput?: readonly [number, number];
}

/** Every volume type, keyed by the SDK's `VolumeType` so that a type the SDK adds fails to compile until it has limits. */
export const volumeTypeLimits: Readonly<Record<VolumeType, TypeLimits>> = {
  gp2: { size: [1, 16_384] },
  gp3: { size: [1, 65_536], iops: [3_000, 80_000], iopsPerGiB: 500, throughput: [125, 2_000] },
  io1: { size: [4, 16_384], iops: [100, 64_000], iopsPerGiB: 50 },
  io2: { size: [4, 65_536], iops: [100, 256_000], iopsPerGiB: 1_000 },
  st1: { size: [125, 16_384] },
  sc1: { size: [125, 16_384] },
  standard: { size: [1, 1_024] },
};

/** gp3's baseline IOPS, allowed at any size. */
const GP3_BASELINE_IOPS = 3_000;
/** gp3's most MiB/s per provisioned IOPS. */
const GP3_THROUGHPUT_PER_IOPS = 0.25;

function isVolumeType(type: string): type is VolumeType {
  return Object.hasOwn(volumeTypeLimits, type);
}

/** A volume type EBS has, else InvalidParameterValue listing the valid ones (wording: decision). */
export function checkVolumeType(type: string): VolumeType {
  if (isVolumeType(type)) return type;
  throw errors.invalidVolumeType(clipped(type), Object.keys(volumeTypeLimits));
}

/** What a launch asks of one volume, after the image's mapping is merged in. */
export interface RequestedVolume {
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** Its type, already checked. */
  readonly volumeType: VolumeType;
  /** Provisioned IOPS as requested, if any. */
  readonly iops: number | undefined;
  /** Throughput in MiB/s as requested, if any. */
  readonly throughput: number | undefined;
}

/**
 * Checks a volume against its type's limits, in this order: IOPS and
 * throughput given to a type that takes none, io1/io2 without IOPS (the
 * caller's existing check), size, IOPS range, IOPS per GiB, throughput
 * range, throughput per IOPS.
 */
export function checkVolumeLimits({ sizeGiB, volumeType, iops, throughput }: RequestedVolume): void {
  const limits = volumeTypeLimits[volumeType];
  if (iops !== undefined && limits.iops === undefined) {
    throw errors.iopsNotSupported(volumeType);
  }
  if (throughput !== undefined && limits.throughput === undefined) {
    throw errors.throughputNotSupported();
  }
  const [minSize, maxSize] = limits.size;
  if (sizeGiB < minSize) throw errors.volumeTooSmall(sizeGiB, minSize);
  if (sizeGiB > maxSize) throw errors.volumeTooLarge(sizeGiB, maxSize);
  if (iops !== undefined && limits.iops !== undefined) {
    const [minIops, maxIops] = limits.iops;
    if (iops < minIops) throw errors.iopsTooLow(iops, minIops);
    if (iops > maxIops) throw errors.iopsTooHigh(iops, maxIops);
    // gp3's baseline is allowed at any size; above it, and for io1/io2 always, IOPS are bounded by size.
    const ratioApplies = volumeType !== "gp3" || iops > GP3_BASELINE_IOPS;
    if (ratioApplies && iops > sizeGiB * limits.iopsPerGiB!) {
      throw errors.iopsRatioTooHigh((iops / sizeGiB).toFixed(6), limits.iopsPerGiB!);
    }
  }
  if (throughput !== undefined && limits.throughput !== undefined) {
    const [minThroughput, maxThroughput] = limits.throughput;
    if (throughput < minThroughput) {
      throw errors.throughputTooLow(throughput, minThroughput);
    }
    if (throughput > maxThroughput) {
      throw errors.throughputTooHigh(throughput, maxThroughput);
    }
    const provisioned = iops ?? GP3_BASELINE_IOPS;
    if (throughput > provisioned * GP3_THROUGHPUT_PER_IOPS) {
      throw errors.throughputRatioTooHigh((throughput / provisioned).toFixed(6), GP3_THROUGHPUT_PER_IOPS.toFixed(6));
    }
  }
}

/**
 * Device names a launch may map (source: EC2 user guide, "Device names
 * for volumes on Amazon EC2 instances"; decision on the exact set):
 * `/dev/sd[a-z]`, `/dev/sda1` and the paravirtual `/dev/sd[f-p][1-6]`,
 * `/dev/xvd[a-z]` and the extended `/dev/xvd[b-d][a-z]`, and Windows'
 * `xvd[a-z]` without `/dev/`. Anything else is EC2's
 * `InvalidBlockDeviceMapping` `Invalid device name X`.
 */
const deviceName = /^(?:\/dev\/(?:sd[a-z]|sda1|sd[f-p][1-6]|xvd[a-z]|xvd[b-d][a-z])|xvd[a-z])$/;

/** A device name of one of EC2's forms. */
export function checkDeviceName(name: string): void {
  if (!deviceName.test(name)) {
    throw errors.invalidDeviceName(clipped(name));
  }
}

/**
 * How many EBS volumes an instance of `instanceType` may have attached, the
 * root included: the type's `EbsInfo.MaximumEbsAttachments` as
 * DescribeInstanceTypes reports it (source: API reference, `EbsInfo`; EBS
 * user guide, "Amazon EBS volume limits for Amazon EC2 instances"). For a
 * `shared` limit (most Nitro types: 28 attachments shared by EBS volumes,
 * network interfaces and NVMe instance store volumes), EC2's figure already
 * leaves out the primary network interface and the type's instance store
 * volumes (m5.large 27, m5d.large 26), and a mock instance has no other
 * interface; a `dedicated` limit (m7i, c7i: 32 and more) counts EBS volumes
 * only; Xen types report 39 or 40. A type whose record has no figure (an
 * added type, a few bare-metal ones): 27, the shared Nitro figure
 * (decision).
 */
export function ebsAttachmentLimit(settings: { readonly instanceTypes?: InstanceTypeCatalogue }, instanceType: string): number {
  return instanceTypesOf(settings).record(instanceType)?.EbsInfo?.MaximumEbsAttachments ?? MAX_VOLUMES_PER_INSTANCE;
}
