import type {
  DescribeInstanceTypeOfferingsCommandInput,
  DescribeInstanceTypeOfferingsCommandOutput,
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  InstanceTypeInfo,
  InstanceTypeOffering,
  LocationType,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { authorizeAndDryRun, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterSpec, type FilterTable, type FilterValues, literalOf, readFilters } from "../filters.js";
import { indexOfSorted } from "../model/catalogue-file.js";
import { checkFilterCount } from "../model/limits.js";
import { instanceTypesOf } from "../model/type-catalogue.js";
import { encodeToken, type MaxResultsRule, readMaxResults, readToken, takePage } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";

/**
 * DescribeInstanceTypes and DescribeInstanceTypeOfferings: what EC2 knows of
 * its instance types and where each is offered, per Region, from the mock's
 * catalogue (../model/type-catalogue.ts: EC2's data, with the types and
 * offerings `createEc2Mock({ instanceTypes })` adds or restricts). Nothing
 * here changes state. Checks in EC2's order: parameters (MaxResults, filter
 * names, the token) → the types named → authorization on `*` → DryRun.
 * docs/behaviour.md, "Instance types", gives the source of each rule.
 */

/**
 * DescribeInstanceTypes' page sizes: 5..100 (the API's `DITMaxResults`);
 * without `MaxResults` a page holds 100 types, as EC2's do (decision:
 * docs/behaviour.md).
 */
export const instanceTypesMaxResults: MaxResultsRule = { idsParameter: "InstanceType", min: 5, max: 100, above: "error" };
/** DescribeInstanceTypeOfferings' page sizes: 5..1000 (`DITOMaxResults`); 1000 without `MaxResults` (decision). */
export const offeringsMaxResults: MaxResultsRule = { idsParameter: "LocationType", min: 5, max: 1000, above: "error" };

/** A filter value of a scalar member: its text as EC2 writes it (`true`, `218.75`), or none when absent. */
function text(value: string | number | boolean | undefined): FilterValues {
  return value === undefined ? undefined : String(value);
}

/** A filter value of a list member: each element's text. */
function texts(values: readonly (string | number)[] | undefined): FilterValues {
  return values?.map(String);
}

/**
 * DescribeInstanceTypes' filters, every one the API reference documents
 * (`Filter.N`), each read off the record as DescribeInstanceTypes returns
 * it: booleans as `true`/`false`, numbers as EC2 writes them, a list member
 * matching when any element does.
 */
export const instanceTypeFilters: FilterTable<InstanceTypeInfo, unknown> = {
  exact: {
    "auto-recovery-supported": (t) => text(t.AutoRecoverySupported),
    "bare-metal": (t) => text(t.BareMetal),
    "burstable-performance-supported": (t) => text(t.BurstablePerformanceSupported),
    "current-generation": (t) => text(t.CurrentGeneration),
    "dedicated-hosts-supported": (t) => text(t.DedicatedHostsSupported),
    "ebs-info.attachment-limit-type": (t) => text(t.EbsInfo?.AttachmentLimitType),
    "ebs-info.maximum-ebs-attachments": (t) => text(t.EbsInfo?.MaximumEbsAttachments),
    "ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps": (t) => text(t.EbsInfo?.EbsOptimizedInfo?.BaselineBandwidthInMbps),
    "ebs-info.ebs-optimized-info.baseline-iops": (t) => text(t.EbsInfo?.EbsOptimizedInfo?.BaselineIops),
    "ebs-info.ebs-optimized-info.baseline-throughput-in-mbps": (t) => text(t.EbsInfo?.EbsOptimizedInfo?.BaselineThroughputInMBps),
    "ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps": (t) => text(t.EbsInfo?.EbsOptimizedInfo?.MaximumBandwidthInMbps),
    "ebs-info.ebs-optimized-info.maximum-iops": (t) => text(t.EbsInfo?.EbsOptimizedInfo?.MaximumIops),
    "ebs-info.ebs-optimized-info.maximum-throughput-in-mbps": (t) => text(t.EbsInfo?.EbsOptimizedInfo?.MaximumThroughputInMBps),
    "ebs-info.ebs-optimized-support": (t) => text(t.EbsInfo?.EbsOptimizedSupport),
    "ebs-info.encryption-support": (t) => text(t.EbsInfo?.EncryptionSupport),
    "ebs-info.nvme-support": (t) => text(t.EbsInfo?.NvmeSupport),
    "free-tier-eligible": (t) => text(t.FreeTierEligible),
    "hibernation-supported": (t) => text(t.HibernationSupported),
    hypervisor: (t) => text(t.Hypervisor),
    "instance-storage-info.disk.count": (t) =>
      texts(t.InstanceStorageInfo?.Disks?.flatMap((d) => (d.Count === undefined ? [] : [d.Count]))),
    "instance-storage-info.disk.size-in-gb": (t) =>
      texts(t.InstanceStorageInfo?.Disks?.flatMap((d) => (d.SizeInGB === undefined ? [] : [d.SizeInGB]))),
    "instance-storage-info.disk.type": (t) => texts(t.InstanceStorageInfo?.Disks?.flatMap((d) => (d.Type === undefined ? [] : [d.Type]))),
    "instance-storage-info.encryption-support": (t) => text(t.InstanceStorageInfo?.EncryptionSupport),
    "instance-storage-info.nvme-support": (t) => text(t.InstanceStorageInfo?.NvmeSupport),
    "instance-storage-info.total-size-in-gb": (t) => text(t.InstanceStorageInfo?.TotalSizeInGB),
    "instance-storage-supported": (t) => text(t.InstanceStorageSupported),
    "instance-type": (t) => text(t.InstanceType),
    "memory-info.size-in-mib": (t) => text(t.MemoryInfo?.SizeInMiB),
    "network-info.bandwidth-weightings": (t) => texts(t.NetworkInfo?.BandwidthWeightings),
    "network-info.efa-info.maximum-efa-interfaces": (t) => text(t.NetworkInfo?.EfaInfo?.MaximumEfaInterfaces),
    "network-info.efa-supported": (t) => text(t.NetworkInfo?.EfaSupported),
    "network-info.ena-support": (t) => text(t.NetworkInfo?.EnaSupport),
    "network-info.flexible-ena-queues-support": (t) => text(t.NetworkInfo?.FlexibleEnaQueuesSupport),
    "network-info.encryption-in-transit-supported": (t) => text(t.NetworkInfo?.EncryptionInTransitSupported),
    "network-info.ipv4-addresses-per-interface": (t) => text(t.NetworkInfo?.Ipv4AddressesPerInterface),
    "network-info.ipv6-addresses-per-interface": (t) => text(t.NetworkInfo?.Ipv6AddressesPerInterface),
    "network-info.ipv6-supported": (t) => text(t.NetworkInfo?.Ipv6Supported),
    "network-info.maximum-network-cards": (t) => text(t.NetworkInfo?.MaximumNetworkCards),
    "network-info.maximum-network-interfaces": (t) => text(t.NetworkInfo?.MaximumNetworkInterfaces),
    "network-info.network-performance": (t) => text(t.NetworkInfo?.NetworkPerformance),
    "nitro-enclaves-support": (t) => text(t.NitroEnclavesSupport),
    "nitro-tpm-support": (t) => text(t.NitroTpmSupport),
    "nitro-tpm-info.supported-versions": (t) => texts(t.NitroTpmInfo?.SupportedVersions),
    "processor-info.supported-architecture": (t) => texts(t.ProcessorInfo?.SupportedArchitectures),
    "processor-info.sustained-clock-speed-in-ghz": (t) => text(t.ProcessorInfo?.SustainedClockSpeedInGhz),
    "processor-info.supported-features": (t) => texts(t.ProcessorInfo?.SupportedFeatures),
    "reboot-migration-support": (t) => text(t.RebootMigrationSupport),
    "supported-boot-mode": (t) => texts(t.SupportedBootModes),
    "supported-root-device-type": (t) => texts(t.SupportedRootDeviceTypes),
    "supported-usage-class": (t) => texts(t.SupportedUsageClasses),
    "supported-virtualization-type": (t) => texts(t.SupportedVirtualizationTypes),
    "vcpu-info.default-cores": (t) => text(t.VCpuInfo?.DefaultCores),
    "vcpu-info.default-threads-per-core": (t) => text(t.VCpuInfo?.DefaultThreadsPerCore),
    "vcpu-info.default-vcpus": (t) => text(t.VCpuInfo?.DefaultVCpus),
    "vcpu-info.valid-cores": (t) => texts(t.VCpuInfo?.ValidCores),
    "vcpu-info.valid-threads-per-core": (t) => texts(t.VCpuInfo?.ValidThreadsPerCore),
  },
};

/**
 * One catalogue's records as the filters see them, by index: each filter's
 * values are read off every record once (a column), and indexed by value (a
 * posting list per value), on the first call that uses the filter. A filter
 * of plain values then names its candidates outright; the others only match
 * patterns against strings already made.
 */
class IndexedRecords {
  private readonly columns = new Map<string, readonly FilterValues[]>();
  private readonly postings = new Map<string, ReadonlyMap<string, readonly number[]>>();
  /** The filters over record indexes, for `compileFilters`. */
  readonly table: FilterTable<number, OperationContext>;

  constructor(private readonly records: readonly InstanceTypeInfo[]) {
    const exact: Record<string, (i: number) => FilterValues> = {};
    for (const name of Object.keys(instanceTypeFilters.exact)) {
      let column: readonly FilterValues[] | undefined;
      exact[name] = (i) => {
        column ??= this.column(name);
        return column[i];
      };
    }
    this.table = { exact };
  }

  /** A filter's values for every record (the filter name is one of the table's). */
  column(name: string): readonly FilterValues[] {
    let column = this.columns.get(name);
    if (column === undefined) {
      const valuesOf = instanceTypeFilters.exact[name]!;
      column = this.records.map((record) => valuesOf(record, undefined));
      this.columns.set(name, column);
    }
    return column;
  }

  /** The indexes of the records with each value of a filter, ascending. */
  withValue(name: string): ReadonlyMap<string, readonly number[]> {
    let index = this.postings.get(name);
    if (index === undefined) {
      const built = new Map<string, number[]>();
      this.column(name).forEach((values, i) => {
        const list = values === undefined ? [] : typeof values === "string" ? [values] : values;
        for (const value of new Set(list)) {
          const at = built.get(value);
          if (at === undefined) built.set(value, [i]);
          else at.push(i);
        }
      });
      index = built;
      this.postings.set(name, index);
    }
    return index;
  }

  /**
   * The candidates the filters leave, when one of them has plain values only
   * (no wildcard): the smallest such filter's records, ascending; undefined
   * when every filter has a wildcard or none.
   */
  narrowed(filters: readonly FilterSpec[]): number[] | undefined {
    let best: number[] | undefined;
    for (const filter of filters) {
      if (filter.values.length === 0) continue;
      const literals = filter.values.map(literalOf);
      if (literals.some((l) => l === undefined)) continue;
      const index = this.withValue(filter.name);
      const found = new Set<number>();
      for (const literal of literals) for (const i of index.get(literal!) ?? []) found.add(i);
      if (best === undefined || found.size < best.length) best = [...found].sort((a, b) => a - b);
    }
    return best;
  }
}

const indexed = new WeakMap<readonly InstanceTypeInfo[], IndexedRecords>();
function indexedRecords(records: readonly InstanceTypeInfo[]): IndexedRecords {
  let found = indexed.get(records);
  if (found === undefined) {
    found = new IndexedRecords(records);
    indexed.set(records, found);
  }
  return found;
}

/** A fresh, mutable copy of a catalogue value (the catalogue's are frozen and shared; an SDK output is the caller's own). */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy((value as Record<string, unknown>)[key]);
  return out as T;
}

/** A record as this call shows it: a copy, with `SupportedInRegion` when the caller asked for unsupported types too. */
function shown(record: InstanceTypeInfo, supported: boolean, withSupport: boolean): InstanceTypeInfo {
  const out = copy(record);
  if (withSupport) out.SupportedInRegion = supported;
  return out;
}

/**
 * DescribeInstanceTypes: the types the Region offers (every type EC2 has
 * with `IncludeUnsupportedInRegion`), or those named, narrowed by `Filters`,
 * in name order, paged. A name EC2 does not have, or one the Region does not
 * offer, is InvalidInstanceType naming every such name.
 */
export const describeInstanceTypes: Operation<DescribeInstanceTypesCommandInput, DescribeInstanceTypesCommandOutput> = (ctx, input) => {
  const named = readOptionalIds(input.InstanceTypes);
  const max = readMaxResults(input.MaxResults, false, instanceTypesMaxResults) ?? instanceTypesMaxResults.max;
  refuseUnmodelled("DescribeInstanceTypes", input, ["InstanceTypes", "Filters", "MaxResults", "NextToken", "IncludeUnsupportedInRegion"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  // Names are checked against the table before any record is read.
  compileFilters(filters, instanceTypeFilters);
  const includeUnsupported = input.IncludeUnsupportedInRegion === true;
  const digest = digestOf({
    action: "DescribeInstanceTypes",
    filters: canonicalFilters(filters),
    types: [...new Set(named)].sort(),
    includeUnsupported,
  });
  const after = readToken(input.NextToken, digest);
  const types = instanceTypesOf(ctx.region.settings);
  const names = types.names();
  const supported = types.supportedMask(ctx.region.settings.region, ctx.region.network.zones);
  const indexOf = (name: string) => indexOfSorted(names, name);
  const shows = (i: number) => i >= 0 && (includeUnsupported || supported[i] === 1);
  const missing = [...new Set(named)].filter((name) => !shows(indexOf(name)));
  if (missing.length > 0) throw errors.instanceTypesNotFound(missing);
  authorizeAndDryRun(ctx, "DescribeInstanceTypes", [], input.DryRun);
  const records = types.records();
  const view = indexedRecords(records);
  const accept = compileFilters(filters, view.table);
  // Named types, or a filter of plain values (`vcpu-info.default-vcpus` = 2), narrow the candidates first.
  const candidates: Iterable<number> =
    named.length > 0 ? [...new Set(named.map(indexOf))].sort((a, b) => a - b) : (view.narrowed(filters) ?? records.keys());
  const page = takePage(
    candidates,
    (i) => ({ seq: i, index: 0 }),
    (i) => shows(i) && accept(i, ctx),
    after,
    max,
  );
  return {
    InstanceTypes: page.items.map((i) => shown(records[i]!, supported[i] === 1, includeUnsupported)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** DescribeInstanceTypeOfferings' filters (API reference, `Filter.N`). */
export const offeringFilters: FilterTable<InstanceTypeOffering, OperationContext> = {
  exact: {
    "instance-type": (o) => o.InstanceType,
    location: (o) => o.Location,
  },
};

const LOCATION_TYPES: readonly LocationType[] = ["region", "availability-zone", "availability-zone-id", "outpost"];

/**
 * DescribeInstanceTypeOfferings: where the Region offers each type, by
 * Region (the default), zone name or zone id, ordered by location then type,
 * narrowed by `Filters`, paged. `outpost`: none (the mock has no Outposts).
 */
export const describeInstanceTypeOfferings: Operation<
  DescribeInstanceTypeOfferingsCommandInput,
  DescribeInstanceTypeOfferingsCommandOutput
> = (ctx, input) => {
  const locationType = (input.LocationType ?? "region") as LocationType;
  if (!LOCATION_TYPES.includes(locationType)) throw errors.notOneOf("LocationType", String(locationType), LOCATION_TYPES);
  const max = readMaxResults(input.MaxResults, false, offeringsMaxResults) ?? offeringsMaxResults.max;
  refuseUnmodelled("DescribeInstanceTypeOfferings", input, ["LocationType", "Filters", "MaxResults", "NextToken"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, offeringFilters);
  const digest = digestOf({ action: "DescribeInstanceTypeOfferings", locationType, filters: canonicalFilters(filters) });
  const after = readToken(input.NextToken, digest);
  authorizeAndDryRun(ctx, "DescribeInstanceTypeOfferings", [], input.DryRun);
  const all =
    locationType === "outpost"
      ? []
      : instanceTypesOf(ctx.region.settings).offerings(ctx.region.settings.region, ctx.region.network.zones, locationType);
  const page = takePage(
    all.keys(),
    (i) => ({ seq: i, index: 0 }),
    (i) => accept(all[i]!, ctx),
    after,
    max,
  );
  return {
    InstanceTypeOfferings: page.items.map((i) => ({ ...all[i]! })),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};
