import type {
  AvailabilityZone,
  DescribeAccountAttributesCommandInput,
  DescribeAccountAttributesCommandOutput,
  DescribeAvailabilityZonesCommandInput,
  DescribeAvailabilityZonesCommandOutput,
  DescribeRegionsCommandInput,
  DescribeRegionsCommandOutput,
  Region,
} from "@aws-sdk/client-ec2";
import { authorizeAndDryRun, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters } from "../filters.js";
import { MAX_ADDRESSES_PER_REGION } from "../model/addresses.js";
import { checkFilterCount } from "../model/limits.js";
import {
  ACCOUNT_ATTRIBUTE_NAMES,
  type AccountAttributeName,
  type AccountFacts,
  isAccountAttributeName,
  renderAccountAttribute,
  renderRegions,
  renderZones,
} from "../model/regions.js";

/**
 * DescribeRegions, DescribeAvailabilityZones and DescribeAccountAttributes,
 * in EC2's order of checks (parameters → names → authorization on `*` →
 * DryRun). Nothing here changes state. The Regions and zones are the
 * catalogue's (../model/region-catalogue.ts); docs/behaviour.md, "Regions and
 * Availability Zones", gives the source of each rule.
 */

/** A list parameter as strings; missing means none. */
function readList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** DescribeRegions' filters, by EC2 name (API reference, DescribeRegions `Filter.N`). */
export const regionFilters: FilterTable<Region, OperationContext> = {
  exact: {
    endpoint: (r) => r.Endpoint,
    "opt-in-status": (r) => r.OptInStatus,
    "region-name": (r) => r.RegionName,
  },
};

/**
 * DescribeRegions: every commercial Region (all are enabled in the mock's
 * account, so `AllRegions` changes nothing), or those named, narrowed by
 * `Filters`. A name EC2 does not have is refused, naming the alphabetically
 * first such name.
 */
export const describeRegions: Operation<DescribeRegionsCommandInput, DescribeRegionsCommandOutput> = (ctx, input) => {
  const names = readList(input.RegionNames);
  refuseUnmodelled("DescribeRegions", input, ["RegionNames", "AllRegions", "Filters"]);
  checkFilterCount(input.Filters);
  const accept = compileFilters(readFilters(input.Filters), regionFilters);
  const regions = renderRegions();
  const known = new Set(regions.map((r) => r.RegionName!));
  const unknown = names.filter((n) => !known.has(n)).sort();
  if (unknown.length > 0) throw errors.invalidRegion(unknown[0]!);
  authorizeAndDryRun(ctx, "DescribeRegions", [], input.DryRun);
  const wanted = new Set(names);
  const Regions = regions.filter((r) => (wanted.size === 0 || wanted.has(r.RegionName!)) && accept(r, ctx));
  return { Regions };
};

/** DescribeAvailabilityZones' filters, by EC2 name (API reference, DescribeAvailabilityZones `Filter.N`). */
export const zoneFilters: FilterTable<AvailabilityZone, OperationContext> = {
  exact: {
    "group-long-name": (z) => z.GroupLongName,
    "group-name": (z) => z.GroupName,
    message: (z) => (z.Messages ?? []).map((m) => m.Message ?? ""),
    "opt-in-status": (z) => z.OptInStatus,
    // Only Local and Wavelength Zones have a parent: an Availability Zone has no value here.
    "parent-zone-id": (z) => z.ParentZoneId,
    "parent-zone-name": (z) => z.ParentZoneName,
    "region-name": (z) => z.RegionName,
    state: (z) => z.State,
    "zone-id": (z) => z.ZoneId,
    "zone-name": (z) => z.ZoneName,
    "zone-type": (z) => z.ZoneType,
  },
};

/**
 * DescribeAvailabilityZones: the zones of the call's Region, in zone-name
 * order, or those named by `ZoneNames` or by `ZoneIds` (not both), narrowed
 * by `Filters`. The mock has no Local or Wavelength Zones, so
 * `AllAvailabilityZones` changes nothing. A name or id the Region does not
 * have is refused, naming the first one given.
 */
export const describeAvailabilityZones: Operation<DescribeAvailabilityZonesCommandInput, DescribeAvailabilityZonesCommandOutput> = (
  ctx,
  input,
) => {
  const names = readList(input.ZoneNames);
  const ids = readList(input.ZoneIds);
  refuseUnmodelled("DescribeAvailabilityZones", input, ["ZoneNames", "ZoneIds", "AllAvailabilityZones", "Filters"]);
  if (names.length > 0 && ids.length > 0) throw errors.zoneIdsWithZoneNames();
  checkFilterCount(input.Filters);
  const accept = compileFilters(readFilters(input.Filters), zoneFilters);
  const zones = renderZones(ctx.region.settings.region);
  const zoneNames = new Set(zones.map((z) => z.ZoneName!));
  const zoneIds = new Set(zones.map((z) => z.ZoneId!));
  const unknownName = names.find((n) => !zoneNames.has(n));
  if (unknownName !== undefined) throw errors.invalidZone(unknownName);
  const unknownId = ids.find((id) => !zoneIds.has(id));
  if (unknownId !== undefined) throw errors.invalidZoneId(unknownId);
  authorizeAndDryRun(ctx, "DescribeAvailabilityZones", [], input.DryRun);
  const wantedNames = new Set(names);
  const wantedIds = new Set(ids);
  const AvailabilityZones = zones.filter(
    (z) => (wantedNames.size === 0 || wantedNames.has(z.ZoneName!)) && (wantedIds.size === 0 || wantedIds.has(z.ZoneId!)) && accept(z, ctx),
  );
  return { AvailabilityZones };
};

/** The Region's default VPC id, as `default-vpc` shows it (`none` after DeleteVpc of the default VPC). */
export function defaultVpcOf(ctx: OperationContext): string {
  return ctx.region.network.defaultVpc()?.vpcId ?? "none";
}

/** What the account attributes of the call's Region are made of. */
function accountFacts(ctx: OperationContext): AccountFacts {
  return { defaultVpcId: defaultVpcOf(ctx), maxElasticIps: MAX_ADDRESSES_PER_REGION };
}

/**
 * DescribeAccountAttributes: the six attributes EC2 documents, with the
 * values of a new account in the call's Region, or those named (in the order
 * given, each once). A name EC2 does not have is refused, naming the first one.
 */
export const describeAccountAttributes: Operation<DescribeAccountAttributesCommandInput, DescribeAccountAttributesCommandOutput> = (
  ctx,
  input,
) => {
  const names = readList(input.AttributeNames);
  refuseUnmodelled("DescribeAccountAttributes", input, ["AttributeNames"]);
  const unknown = names.find((n) => !isAccountAttributeName(n));
  if (unknown !== undefined) throw errors.unknownAccountAttribute(unknown);
  authorizeAndDryRun(ctx, "DescribeAccountAttributes", [], input.DryRun);
  const asked = names.length > 0 ? [...new Set(names as AccountAttributeName[])] : ACCOUNT_ATTRIBUTE_NAMES;
  const facts = accountFacts(ctx);
  return { AccountAttributes: asked.map((name) => renderAccountAttribute(name, facts)) };
};
