import type { InstanceTypeInfo as InstanceTypeRecord } from "@aws-sdk/client-ec2";
import { instanceTypeInfo as catalogueEntry } from "./instance-type-catalogue.js";

/**
 * The instance types the mock accepts, with what it needs of each: the CPU
 * layout (for `CpuOptions`), the architecture (to refuse an arm64 type with an
 * x86_64 image), whether the family supports hibernation, EBS optimization
 * and ENA.
 */
export interface InstanceTypeInfo {
  /** Physical cores, as `CpuOptions.CoreCount` reports them. */
  cores: number;
  /** Threads per core, as `CpuOptions.ThreadsPerCore` reports them. */
  threadsPerCore: number;
  /** The architecture the type runs (its first 64-bit one, as a mismatch's message names it). */
  architecture: string;
  /** Every architecture an image may have to run on the type (t1.micro and m1.small also run i386). */
  architectures: readonly string[];
  /** Whether EC2 supports hibernation for this type. */
  hibernation: boolean;
  /**
   * EBS optimization, as the User Guide's table of instance types says:
   * optimized by default, available on request, or not offered at all (t2,
   * m1.small, m1.medium). ModifyInstanceAttribute refuses `ebsOptimized` on
   * the last; StartInstances refuses to start such a type with it enabled.
   */
  ebsOptimization: "default" | "supported" | "unsupported";
  /**
   * ENA, as DescribeInstanceTypes' `NetworkInfo.EnaSupport` says: Nitro
   * types require it (StartInstances refuses an instance whose `enaSupport`
   * attribute is off), some older ones only support it, t2 and m1 do not use it.
   */
  ena: "required" | "supported" | "unsupported";
  /** Whether the type runs paravirtual (PV) images: only the previous-generation m1 does; every other type is HVM only. */
  paravirtual: boolean;
}

/** The default type of RunInstances when `InstanceType` is omitted, as in EC2. */
export const DEFAULT_INSTANCE_TYPE = "m1.small";

const sizes: Record<string, [cores: number, threads: number]> = {
  nano: [1, 2],
  micro: [1, 2],
  small: [1, 2],
  medium: [1, 2],
  large: [1, 2],
  xlarge: [2, 2],
  "2xlarge": [4, 2],
  "4xlarge": [8, 2],
  "8xlarge": [16, 2],
  "12xlarge": [24, 2],
  "16xlarge": [32, 2],
  "24xlarge": [48, 2],
};

/** family → [architecture, hibernation support, available sizes]. */
const families: Record<string, ["x86_64" | "arm64", boolean, string[]]> = {
  t2: ["x86_64", true, ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"]],
  t3: ["x86_64", true, ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"]],
  t3a: ["x86_64", true, ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"]],
  t4g: ["arm64", true, ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"]],
  m5: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  m5d: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  m6i: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  m7i: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  m6g: ["arm64", true, ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]],
  m7g: ["arm64", true, ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]],
  c5: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge"]],
  c6i: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  c7i: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  c7g: ["arm64", true, ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]],
  r5: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  r6i: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"]],
  i3: ["x86_64", true, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"]],
  m1: ["x86_64", false, ["small", "medium", "large", "xlarge"]],
};

/**
 * Where a family departs from the size table: Graviton (arm64) and the older
 * t2 and m1 families run one thread per core, with these core counts.
 */
const singleThreadCores: Record<string, Record<string, number>> = {
  t2: { nano: 1, micro: 1, small: 1, medium: 2, large: 2, xlarge: 4, "2xlarge": 8 },
  m1: { small: 1, medium: 1, large: 2, xlarge: 4 },
  t4g: { nano: 2, micro: 2, small: 2, medium: 2, large: 2, xlarge: 4, "2xlarge": 8 },
  graviton: { medium: 1, large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64 },
};

/**
 * The previous-generation families, whose types are neither EBS-optimized by
 * default nor ENA-enabled; by type, whether EBS optimization can be enabled
 * (source: the User Guide's "Amazon EBS-optimized instances" tables). Every
 * other family of the table is Nitro: EBS-optimized by default, ENA required.
 */
const previousGeneration: Record<string, Record<string, boolean>> = {
  t2: { nano: false, micro: false, small: false, medium: false, large: false, xlarge: false, "2xlarge": false },
  m1: { small: false, medium: false, large: true, xlarge: true },
};

const table = new Map<string, InstanceTypeInfo>();
for (const [family, [architecture, hibernation, available]] of Object.entries(families)) {
  const single = singleThreadCores[family] ?? (architecture === "arm64" ? singleThreadCores.graviton : undefined);
  const previous = previousGeneration[family];
  for (const size of available) {
    const [cores, threadsPerCore] = single === undefined ? sizes[size]! : [single[size]!, 1];
    const ebsOptimization = previous === undefined ? "default" : previous[size] ? "supported" : "unsupported";
    const ena = previous === undefined ? "required" : "unsupported";
    const paravirtual = family === "m1";
    table.set(`${family}.${size}`, {
      cores,
      threadsPerCore,
      architecture,
      architectures: [architecture],
      hibernation,
      ebsOptimization,
      ena,
      paravirtual,
    });
  }
}

/**
 * What the mock knows of an instance type, or undefined for one EC2 does
 * not have. The types above keep their record (existing behaviour, and no
 * file to read for them); every other type EC2 reports comes from the
 * catalogue (data/instance-types.json, DescribeInstanceTypes' answers:
 * 1,263 types, previous generations such as t1.micro included), read on
 * the first lookup of a type the table lacks.
 */
export function instanceTypeInfo(instanceType: string): InstanceTypeInfo | undefined {
  const known = table.get(instanceType);
  if (known !== undefined) return known;
  const entry = catalogueEntry(instanceType);
  if (entry === undefined) return undefined;
  const info = factsOf(entry);
  table.set(instanceType, info);
  return info;
}

/**
 * What the mock needs of a type, read off its DescribeInstanceTypes record
 * (the catalogue's, or one a user added with `createEc2Mock({ instanceTypes })`).
 */
export function factsOf(entry: InstanceTypeRecord): InstanceTypeInfo {
  const architectures = entry.ProcessorInfo?.SupportedArchitectures ?? ["x86_64"];
  return {
    cores: entry.VCpuInfo?.DefaultCores ?? entry.VCpuInfo?.DefaultVCpus ?? 1,
    threadsPerCore: entry.VCpuInfo?.DefaultThreadsPerCore ?? 1,
    architecture: architectures.find((a) => a !== "i386") ?? architectures[0]!,
    architectures,
    hibernation: entry.HibernationSupported === true,
    ebsOptimization: entry.EbsInfo?.EbsOptimizedSupport ?? "unsupported",
    ena: entry.NetworkInfo?.EnaSupport ?? "unsupported",
    paravirtual: entry.SupportedVirtualizationTypes?.includes("paravirtual") === true,
  };
}

/** What a launch option needs to know of a type; read from the catalogue only when such an option is asked for. */
export interface InstanceTypeSupport {
  /** DescribeInstanceTypes' `EbsInfo.EbsOptimizedSupport`: `unsupported` refuses `EbsOptimized: true`. */
  ebsOptimized: "unsupported" | "supported" | "default";
  /** DescribeInstanceTypes' `NitroEnclavesSupport`. */
  enclaves: boolean;
  /** `VCpuInfo.ValidCores` and `ValidThreadsPerCore`: undefined for a type whose CPU options cannot be set. */
  validCores: readonly number[] | undefined;
  validThreadsPerCore: readonly number[] | undefined;
}

/** The EBS-optimization, Nitro Enclaves and CPU options support of a type EC2 has (see {@link instanceTypeInfo}). */
export function instanceTypeSupport(instanceType: string): InstanceTypeSupport {
  return supportOf(catalogueEntry(instanceType));
}

/** The launch-option support a DescribeInstanceTypes record states (none for undefined: a type EC2 does not have). */
export function supportOf(entry: InstanceTypeRecord | undefined): InstanceTypeSupport {
  return {
    ebsOptimized: entry?.EbsInfo?.EbsOptimizedSupport ?? "unsupported",
    enclaves: entry?.NitroEnclavesSupport === "supported",
    validCores: entry?.VCpuInfo?.ValidCores,
    validThreadsPerCore: entry?.VCpuInfo?.ValidThreadsPerCore,
  };
}
