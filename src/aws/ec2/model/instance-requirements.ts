import type { InstanceRequirementsRequest, InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { errors } from "../errors.js";

/**
 * Attribute-based instance type selection (issue 18): an
 * `InstanceRequirements` of an EC2 Fleet override, read and checked, and
 * matched against the instance-type catalogue's records (the same records
 * DescribeInstanceTypes shows). Sources: API reference
 * InstanceRequirementsRequest, and the user guide "Specify attributes for
 * instance type selection for EC2 Fleet or Spot Fleet"; docs/behaviour.md,
 * "EC2 Fleet", "Attribute-based instance type selection".
 */

/** A catalogue record (DescribeInstanceTypes' InstanceTypeInfo). */
type TypeRecord = InstanceTypeInfo;

/** A `{ Min, Max }` range; either bound may be absent (no limit). */
export interface Range {
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** `included`, `required` or `excluded` (BareMetal, BurstablePerformance, LocalStorage). */
export type Inclusion = "included" | "required" | "excluded";

/** An InstanceRequirements, checked, with EC2's defaults applied. */
export interface InstanceRequirements {
  readonly vCpuCount: Range;
  readonly memoryMiB: Range;
  readonly cpuManufacturers: readonly string[] | undefined;
  readonly instanceGenerations: readonly string[] | undefined;
  readonly allowedInstanceTypes: readonly string[] | undefined;
  readonly excludedInstanceTypes: readonly string[] | undefined;
  /** Price protection, percent over the identified price (defaults: 100 for Spot, 20 for On-Demand). */
  readonly spotMaxPricePercentage: number;
  readonly onDemandMaxPricePercentage: number;
  readonly bareMetal: Inclusion;
  readonly burstablePerformance: Inclusion;
  readonly localStorage: Inclusion;
  readonly localStorageTypes: readonly string[] | undefined;
  readonly requireHibernateSupport: boolean;
  readonly requireEncryptionInTransit: boolean;
  readonly networkInterfaceCount: Range;
  readonly baselineEbsBandwidthMbps: Range;
  readonly acceleratorTypes: readonly string[] | undefined;
  readonly acceleratorCount: Range;
  readonly acceleratorManufacturers: readonly string[] | undefined;
  readonly acceleratorNames: readonly string[] | undefined;
  readonly acceleratorTotalMemoryMiB: Range;
}

/** The members of InstanceRequirementsRequest the mock models; any other is refused by name. */
export const REQUIREMENT_MEMBERS = [
  "VCpuCount",
  "MemoryMiB",
  "CpuManufacturers",
  "InstanceGenerations",
  "AllowedInstanceTypes",
  "ExcludedInstanceTypes",
  "SpotMaxPricePercentageOverLowestPrice",
  "OnDemandMaxPricePercentageOverLowestPrice",
  "BareMetal",
  "BurstablePerformance",
  "LocalStorage",
  "LocalStorageTypes",
  "RequireHibernateSupport",
  "RequireEncryptionInTransit",
  "NetworkInterfaceCount",
  "BaselineEbsBandwidthMbps",
  "AcceleratorTypes",
  "AcceleratorCount",
  "AcceleratorManufacturers",
  "AcceleratorNames",
  "AcceleratorTotalMemoryMiB",
] as const satisfies readonly (keyof InstanceRequirementsRequest)[];

/** The enums of the API reference (InstanceRequirementsRequest). */
const CPU_MANUFACTURERS = ["intel", "amd", "amazon-web-services", "apple"] as const;
const GENERATIONS = ["current", "previous"] as const;
const INCLUSIONS = ["included", "required", "excluded"] as const;
const STORAGE_TYPES = ["hdd", "ssd"] as const;
const ACCELERATOR_TYPES = ["gpu", "fpga", "inference", "media"] as const;
const ACCELERATOR_MANUFACTURERS = ["amazon-web-services", "amd", "nvidia", "xilinx", "habana"] as const;
const ACCELERATOR_NAMES = [
  "a100",
  "inferentia",
  "k520",
  "k80",
  "m60",
  "radeon-pro-v520",
  "t4",
  "vu9p",
  "v100",
  "a10g",
  "h100",
  "t4g",
  "l40s",
  "l4",
  "gaudi-hl-205",
  "inferentia2",
  "trainium",
  "trainium2",
  "u30",
] as const;

/** Reads a non-negative integer bound. */
function readBound(parameter: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw errors.invalidValueFor(parameter, String(value));
  return n;
}

/** Refuses, by name, a member of `value` (at `path`) that is not `modelled`. */
function refuseOthers(action: string, path: string, value: object, modelled: readonly string[]): void {
  for (const [name, member] of Object.entries(value)) {
    if (member === undefined || modelled.includes(name)) continue;
    if (Array.isArray(member) && member.length === 0) continue;
    throw errors.unmodelledParameter(action, `${path}.${name}`);
  }
}

/** Reads a `{ Min, Max }` range member; `required` makes the range and its Min required. */
function readRange(action: string, path: string, value: unknown, required: boolean): Range {
  if (value === undefined || value === null) {
    if (required) throw errors.missingParameter(path);
    return { min: undefined, max: undefined };
  }
  refuseOthers(action, path, value as object, ["Min", "Max"]);
  const { Min, Max } = value as { Min?: unknown; Max?: unknown };
  const min = readBound(`${path}.Min`, Min);
  if (required && min === undefined) throw errors.missingParameter(`${path}.Min`);
  const max = readBound(`${path}.Max`, Max);
  if (min !== undefined && max !== undefined && min > max) throw errors.requirementRangeInverted(path, min, max);
  return { min, max };
}

/** Reads a list of enum values (each one of `allowed`). */
function readEnumList(path: string, value: unknown, allowed: readonly string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value.map(String) : [String(value)];
  for (const item of list) if (!allowed.includes(item)) throw errors.notOneOf(path, item, allowed);
  return list;
}

/** Reads one enum value. */
function readInclusion(path: string, value: unknown, fallback: Inclusion): Inclusion {
  if (value === undefined || value === null) return fallback;
  if (!(INCLUSIONS as readonly unknown[]).includes(value)) throw errors.notOneOf(path, String(value), INCLUSIONS);
  return value as Inclusion;
}

/** Reads a list of instance type names or patterns (AllowedInstanceTypes, ExcludedInstanceTypes: at most 400, `*` a wildcard). */
function readTypePatterns(path: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = (Array.isArray(value) ? value : [value]).map(String);
  if (list.length > 400) throw errors.invalidValueFor(path, `${list.length} items`);
  for (const item of list) {
    if (item === "" || item.length > 30 || !/^[a-zA-Z0-9.*-]+$/.test(item)) throw errors.invalidValueFor(path, item);
  }
  return list;
}

/** Reads a percentage (price protection): a non-negative integer. */
function readPercentage(path: string, value: unknown, fallback: number): number {
  return readBound(path, value) ?? fallback;
}

/**
 * Reads an override's `InstanceRequirements` (at `path`): VCpuCount and
 * MemoryMiB required (each with its Min), enums checked, AllowedInstanceTypes
 * and ExcludedInstanceTypes exclusive, any member not modelled refused by
 * name (the fractional ones among them), and EC2's defaults applied.
 */
export function readInstanceRequirements(action: string, path: string, value: unknown): InstanceRequirements {
  refuseOthers(action, path, value as object, REQUIREMENT_MEMBERS);
  const r = value as InstanceRequirementsRequest;
  const allowed = readTypePatterns(`${path}.AllowedInstanceTypes`, r.AllowedInstanceTypes);
  const excluded = readTypePatterns(`${path}.ExcludedInstanceTypes`, r.ExcludedInstanceTypes);
  if (allowed !== undefined && excluded !== undefined) throw errors.parameterCombination("AllowedInstanceTypes", "ExcludedInstanceTypes");
  return {
    vCpuCount: readRange(action, `${path}.VCpuCount`, r.VCpuCount, true),
    memoryMiB: readRange(action, `${path}.MemoryMiB`, r.MemoryMiB, true),
    cpuManufacturers: readEnumList(`${path}.CpuManufacturers`, r.CpuManufacturers, CPU_MANUFACTURERS),
    instanceGenerations: readEnumList(`${path}.InstanceGenerations`, r.InstanceGenerations, GENERATIONS),
    allowedInstanceTypes: allowed,
    excludedInstanceTypes: excluded,
    spotMaxPricePercentage: readPercentage(`${path}.SpotMaxPricePercentageOverLowestPrice`, r.SpotMaxPricePercentageOverLowestPrice, 100),
    onDemandMaxPricePercentage: readPercentage(
      `${path}.OnDemandMaxPricePercentageOverLowestPrice`,
      r.OnDemandMaxPricePercentageOverLowestPrice,
      20,
    ),
    bareMetal: readInclusion(`${path}.BareMetal`, r.BareMetal, "excluded"),
    burstablePerformance: readInclusion(`${path}.BurstablePerformance`, r.BurstablePerformance, "excluded"),
    localStorage: readInclusion(`${path}.LocalStorage`, r.LocalStorage, "included"),
    localStorageTypes: readEnumList(`${path}.LocalStorageTypes`, r.LocalStorageTypes, STORAGE_TYPES),
    requireHibernateSupport: r.RequireHibernateSupport === true,
    requireEncryptionInTransit: r.RequireEncryptionInTransit === true,
    networkInterfaceCount: readRange(action, `${path}.NetworkInterfaceCount`, r.NetworkInterfaceCount, false),
    baselineEbsBandwidthMbps: readRange(action, `${path}.BaselineEbsBandwidthMbps`, r.BaselineEbsBandwidthMbps, false),
    acceleratorTypes: readEnumList(`${path}.AcceleratorTypes`, r.AcceleratorTypes, ACCELERATOR_TYPES),
    acceleratorCount: readRange(action, `${path}.AcceleratorCount`, r.AcceleratorCount, false),
    acceleratorManufacturers: readEnumList(`${path}.AcceleratorManufacturers`, r.AcceleratorManufacturers, ACCELERATOR_MANUFACTURERS),
    acceleratorNames: readEnumList(`${path}.AcceleratorNames`, r.AcceleratorNames, ACCELERATOR_NAMES),
    acceleratorTotalMemoryMiB: readRange(action, `${path}.AcceleratorTotalMemoryMiB`, r.AcceleratorTotalMemoryMiB, false),
  };
}

/** Whether `n` lies in the range (a missing bound is no limit). */
function inRange(range: Range, n: number): boolean {
  return (range.min === undefined || n >= range.min) && (range.max === undefined || n <= range.max);
}

/** Whether `name` matches a pattern where `*` stands for any run of characters (no backtracking RegExp). */
export function matchesPattern(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== "*" && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/** The API's spelling of a manufacturer as the catalogue writes it ("AWS" → amazon-web-services). */
function manufacturerOf(text: string | undefined): string {
  const lower = (text ?? "").toLowerCase();
  return lower === "aws" || lower === "amazon" ? "amazon-web-services" : lower;
}

/** An accelerator of a type: its kind, manufacturer, name (API spelling), count and memory. */
interface Accelerator {
  readonly type: string;
  readonly manufacturer: string;
  readonly name: string;
  readonly count: number;
  readonly memoryMiB: number;
}

/** The accelerators of a type record: GPUs, FPGAs, inference accelerators (or Neuron devices), media accelerators. */
export function acceleratorsOf(record: TypeRecord): Accelerator[] {
  const out: Accelerator[] = [];
  const push = (
    type: string,
    list: readonly { Name?: string; Manufacturer?: string; Count?: number; MemoryInfo?: { SizeInMiB?: number } }[] | undefined,
    manufacturer?: string,
  ) => {
    for (const a of list ?? []) {
      const count = a.Count ?? 0;
      out.push({
        type,
        manufacturer: manufacturer ?? manufacturerOf(a.Manufacturer),
        name: (a.Name ?? "").toLowerCase().replaceAll(" ", "-"),
        count,
        // The memory of one device, times the devices (TotalGpuMemoryInMiB, TotalInferenceMemoryInMiB add up the same way).
        memoryMiB: (a.MemoryInfo?.SizeInMiB ?? 0) * count,
      });
    }
  };
  push("gpu", record.GpuInfo?.Gpus);
  push("fpga", record.FpgaInfo?.Fpgas);
  if (record.InferenceAcceleratorInfo?.Accelerators !== undefined) push("inference", record.InferenceAcceleratorInfo.Accelerators);
  else push("inference", record.NeuronInfo?.NeuronDevices, "amazon-web-services");
  push("media", record.MediaAcceleratorInfo?.Accelerators);
  return out;
}

/** Whether an `included`/`required`/`excluded` rule accepts a type that has (or lacks) the feature. */
function inclusionAccepts(rule: Inclusion, has: boolean): boolean {
  return rule === "included" || (rule === "required" ? has : !has);
}

/** Whether a catalogue record has every attribute the requirements ask for (price protection aside). */
export function meetsRequirements(req: InstanceRequirements, record: TypeRecord): boolean {
  const name = record.InstanceType as string;
  if (req.allowedInstanceTypes !== undefined && !req.allowedInstanceTypes.some((p) => matchesPattern(p, name))) return false;
  if (req.excludedInstanceTypes?.some((p) => matchesPattern(p, name)) === true) return false;
  if (!inRange(req.vCpuCount, record.VCpuInfo?.DefaultVCpus ?? 0)) return false;
  if (!inRange(req.memoryMiB, record.MemoryInfo?.SizeInMiB ?? 0)) return false;
  if (req.cpuManufacturers !== undefined && !req.cpuManufacturers.includes(manufacturerOf(record.ProcessorInfo?.Manufacturer)))
    return false;
  const generation = record.CurrentGeneration === true ? "current" : "previous";
  if (req.instanceGenerations !== undefined && !req.instanceGenerations.includes(generation)) return false;
  if (!inclusionAccepts(req.bareMetal, record.BareMetal === true)) return false;
  if (!inclusionAccepts(req.burstablePerformance, record.BurstablePerformanceSupported === true)) return false;
  const hasStorage = record.InstanceStorageSupported === true;
  if (!inclusionAccepts(req.localStorage, hasStorage)) return false;
  if (hasStorage && req.localStorageTypes !== undefined) {
    const kinds = (record.InstanceStorageInfo?.Disks ?? []).map((d) => String(d.Type));
    if (!kinds.some((k) => req.localStorageTypes!.includes(k))) return false;
  }
  if (req.requireHibernateSupport && record.HibernationSupported !== true) return false;
  if (req.requireEncryptionInTransit && record.NetworkInfo?.EncryptionInTransitSupported !== true) return false;
  if (!inRange(req.networkInterfaceCount, record.NetworkInfo?.MaximumNetworkInterfaces ?? 0)) return false;
  const ebs = req.baselineEbsBandwidthMbps;
  if ((ebs.min !== undefined || ebs.max !== undefined) && !inRange(ebs, record.EbsInfo?.EbsOptimizedInfo?.BaselineBandwidthInMbps ?? 0)) {
    return false;
  }
  // Every accelerator filter applies to the accelerators of the selected kinds (all kinds when none is named).
  const accelerators = acceleratorsOf(record).filter(
    (a) =>
      (req.acceleratorTypes === undefined || req.acceleratorTypes.includes(a.type)) &&
      (req.acceleratorManufacturers === undefined || req.acceleratorManufacturers.includes(a.manufacturer)) &&
      (req.acceleratorNames === undefined || req.acceleratorNames.includes(a.name)),
  );
  const kindFilters =
    req.acceleratorTypes !== undefined || req.acceleratorManufacturers !== undefined || req.acceleratorNames !== undefined;
  if (kindFilters && accelerators.length === 0) return false;
  if (
    !inRange(
      req.acceleratorCount,
      accelerators.reduce((n, a) => n + a.count, 0),
    )
  )
    return false;
  const memory = req.acceleratorTotalMemoryMiB;
  if (
    (memory.min !== undefined || memory.max !== undefined) &&
    !inRange(
      memory,
      accelerators.reduce((n, a) => n + a.memoryMiB, 0),
    )
  ) {
    return false;
  }
  return true;
}

/** Whether a type is of the C, M or R families (the reference of price protection). */
function isCmr(name: string): boolean {
  return /^[cmr][0-9]/.test(name);
}

/**
 * Price protection: of `candidates` (records meeting the requirements), those
 * whose price is at most `percentage` over the identified price: the lowest
 * price of the current generation C, M or R types among them, else of the
 * current generation types, else of all (API reference,
 * InstanceRequirementsRequest, SpotMaxPricePercentageOverLowestPrice and
 * OnDemandMaxPricePercentageOverLowestPrice).
 */
export function priceProtected(candidates: readonly TypeRecord[], price: (record: TypeRecord) => number, percentage: number): TypeRecord[] {
  if (candidates.length === 0) return [];
  const current = candidates.filter((r) => r.CurrentGeneration === true);
  const cmr = current.filter((r) => isCmr(r.InstanceType as string));
  const reference = cmr.length > 0 ? cmr : current.length > 0 ? current : candidates;
  const identified = Math.min(...reference.map(price));
  const threshold = identified * (1 + percentage / 100);
  // A tolerance of a millionth of a dollar: prices are sums of doubles.
  return candidates.filter((r) => price(r) <= threshold + 1e-9);
}
