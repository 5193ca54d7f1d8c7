import type {
  CreateFleetCommandInput,
  CreateFleetCommandOutput,
  CreateFleetError,
  CreateFleetInstance,
  DeleteFleetsCommandInput,
  DeleteFleetsCommandOutput,
  DescribeFleetHistoryCommandInput,
  DescribeFleetHistoryCommandOutput,
  DescribeFleetInstancesCommandInput,
  DescribeFleetInstancesCommandOutput,
  DescribeFleetsCommandInput,
  DescribeFleetsCommandOutput,
  FleetData,
  FleetLaunchTemplateConfig,
  FleetLaunchTemplateConfigRequest,
  FleetLaunchTemplateOverridesRequest,
  LaunchTemplateAndOverridesResponse,
  ModifyFleetCommandInput,
  ModifyFleetCommandOutput,
  RunInstancesCommandInput,
  TagSpecification,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { uuid } from "../../../kit/entropy.js";
import { ec2Arn, tagKeys } from "../../iam/resources.js";
import { authorizeAndDryRun, optionalString, refuseUnmodelled } from "../checks.js";
import type { AuthResource, Operation, OperationContext } from "../context.js";
import { Ec2Error, errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters } from "../filters.js";
import { capacityFor, zonesWithCapacity } from "../model/capacity-check.js";
import { ec2Requests } from "../model/causes.js";
import type { Ec2Fleet, FleetLaunchError, FleetMember, FleetTarget, FleetType } from "../model/fleets.js";
import { type InstanceRequirements, meetsRequirements, priceProtected, readInstanceRequirements } from "../model/instance-requirements.js";
import { refuseNested } from "../model/launch-options.js";
import { checkClientToken, checkFilterCount } from "../model/limits.js";
import { onDemandReference } from "../model/spot-prices.js";
import { NO_TAGS, readTagSpecifications } from "../model/tags.js";
import { instanceTypesOf } from "../model/type-catalogue.js";
import { encodeToken, type MaxResultsRule, readMaxResults, readToken, takePage } from "../pagination.js";
import { runInstances } from "./run.js";
import { spotInstanceChanged } from "./spot-options.js";
import { findTemplate, resolveVersion } from "./template-lookup.js";

/**
 * EC2 Fleet (issue 18): CreateFleet, DescribeFleets, DescribeFleetInstances,
 * DescribeFleetHistory, ModifyFleet and DeleteFleets, in EC2's order of
 * checks. Every launch goes through RunInstances' own path
 * (./run.ts, with the fleet's launch template and the override's members),
 * so that a fleet launch is checked exactly as a RunInstances call with the
 * same template. docs/behaviour.md, "EC2 Fleet", gives every source.
 */

/** The tag EC2 puts on every instance a fleet launches. */
export const FLEET_ID_TAG = "aws:ec2:fleet-id";

const FLEET_TYPES = ["maintain", "request", "instant"] as const;
const ON_DEMAND_STRATEGIES = ["lowest-price", "prioritized"] as const;
const SPOT_STRATEGIES = [
  "lowest-price",
  "diversified",
  "capacity-optimized",
  "capacity-optimized-prioritized",
  "price-capacity-optimized",
] as const;
const EXCESS_POLICIES = ["no-termination", "termination"] as const;
const CAPACITY_TYPES = ["spot", "on-demand"] as const;

/** The members of an override the mock models. */
const OVERRIDE_MEMBERS = [
  "InstanceType",
  "SubnetId",
  "AvailabilityZone",
  "WeightedCapacity",
  "Priority",
  "MaxPrice",
  "ImageId",
  "InstanceRequirements",
];

/** One capacity pool: a launch specification (config and override), with a single subnet. */
interface Pool {
  readonly configIndex: number;
  readonly overrideIndex: number;
  readonly templateId: string;
  readonly version: string;
  readonly override: FleetLaunchTemplateOverridesRequest | undefined;
  readonly subnetId: string | undefined;
  readonly instanceType: string;
  readonly weight: number;
  readonly priority: number;
  /** The On-Demand price per unit (onDemandReference over the weight). */
  readonly unitPrice: number;
}

/** Reads an enum member, refusing a value outside it with EC2's InvalidParameterValue. */
function readEnum<T extends string>(parameter: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(allowed as readonly unknown[]).includes(value)) throw errors.notOneOf(parameter, String(value), allowed);
  return value as T;
}

/** Reads a non-negative whole number of units. */
function readUnits(parameter: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw errors.invalidValueFor(parameter, String(value));
  return n;
}

/** TargetCapacitySpecification, checked (see docs/behaviour.md, "EC2 Fleet", target capacity). */
function readTarget(value: CreateFleetCommandInput["TargetCapacitySpecification"], action: string): FleetTarget {
  if (value === undefined || value === null) throw errors.missingParameter("TargetCapacitySpecification");
  refuseNested("TargetCapacitySpecification", value, [
    "TotalTargetCapacity",
    "OnDemandTargetCapacity",
    "SpotTargetCapacity",
    "DefaultTargetCapacityType",
    "TargetCapacityUnitType",
  ]);
  if (value.TargetCapacityUnitType !== undefined && value.TargetCapacityUnitType !== "units") {
    throw errors.unmodelledParameter(action, "TargetCapacitySpecification.TargetCapacityUnitType");
  }
  const total = readUnits("TotalTargetCapacity", value.TotalTargetCapacity);
  if (total === undefined) throw errors.missingParameter("TargetCapacitySpecification.TotalTargetCapacity");
  const onDemand = readUnits("OnDemandTargetCapacity", value.OnDemandTargetCapacity);
  const spot = readUnits("SpotTargetCapacity", value.SpotTargetCapacity);
  const defaultType = readEnum("DefaultTargetCapacityType", value.DefaultTargetCapacityType, CAPACITY_TYPES) ?? "on-demand";
  if ((onDemand ?? 0) + (spot ?? 0) > total) throw errors.fleetCapacityExceedsTotal(total, onDemand ?? 0, spot ?? 0);
  // What neither member claims goes to the default type (API reference, TargetCapacitySpecificationRequest).
  const rest = total - (onDemand ?? 0) - (spot ?? 0);
  return {
    total,
    onDemand: (onDemand ?? 0) + (defaultType === "on-demand" ? rest : 0),
    spot: (spot ?? 0) + (defaultType === "spot" ? rest : 0),
    defaultType,
  };
}

/** Reads a CreateFleet timestamp member (ValidFrom, ValidUntil). */
function readTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const at = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
  return Number.isNaN(at) ? undefined : at;
}

/**
 * The capacity pools of the launch template configs: each config's
 * overrides (each subnet of a comma-separated `SubnetId` its own pool, and
 * an override with `InstanceRequirements` one pool per instance type that
 * meets them where it launches), or the template alone when it has none.
 * The template must exist, and its version (NotFound otherwise, before
 * anything else happens). `lifecycle` applies the requirements' price
 * protection for that market; without it, every type that meets them.
 */
function readPools(
  ctx: OperationContext,
  configs: FleetLaunchTemplateConfigRequest[] | undefined,
  action: string,
  lifecycle?: FleetMember["lifecycle"],
): { pools: Pool[]; templateIds: string[] } {
  if (!Array.isArray(configs) || configs.length === 0) throw errors.missingParameter("LaunchTemplateConfigs");
  if (configs.length > MAX_CONFIGS) throw errors.fleetTooManyConfigs(MAX_CONFIGS);
  const pools: Pool[] = [];
  const templateIds: string[] = [];
  const catalogue = instanceTypesOf(ctx.region.settings);
  configs.forEach((config, configIndex) => {
    refuseNested("LaunchTemplateConfigs", config, ["LaunchTemplateSpecification", "Overrides"]);
    const spec = config.LaunchTemplateSpecification;
    if (spec === undefined || spec === null) throw errors.missingParameter("LaunchTemplateConfigs.LaunchTemplateSpecification");
    refuseNested("LaunchTemplateSpecification", spec, ["LaunchTemplateId", "LaunchTemplateName", "Version"]);
    const id = optionalString(spec.LaunchTemplateId);
    const name = optionalString(spec.LaunchTemplateName);
    const hasId = id !== undefined && id !== "";
    const hasName = name !== undefined && name !== "";
    if (hasId && hasName) throw errors.launchTemplateSpecIdAndName();
    if (!hasId && !hasName) throw errors.launchTemplateIdOrNameMissing();
    const template = findTemplate(ctx, hasId ? { id } : { name });
    const versionText = optionalString(spec.Version) ?? "$Default";
    const version = resolveVersion(template, versionText);
    templateIds.push(template.launchTemplateId);
    const data = version.data as { InstanceType?: unknown; ImageId?: unknown };
    const templateType = optionalString(data.InstanceType);
    const overrides: (FleetLaunchTemplateOverridesRequest | undefined)[] =
      Array.isArray(config.Overrides) && config.Overrides.length > 0 ? config.Overrides : [undefined];
    overrides.forEach((override, overrideIndex) => {
      if (override !== undefined) refuseNested("Overrides", override, OVERRIDE_MEMBERS);
      const hasRequirements = override?.InstanceRequirements !== undefined && override.InstanceRequirements !== null;
      if (hasRequirements && optionalString(override?.InstanceType) !== undefined) {
        throw errors.parameterCombination("InstanceType", "InstanceRequirements");
      }
      const requirements = hasRequirements
        ? readInstanceRequirements(action, "Overrides.InstanceRequirements", override!.InstanceRequirements)
        : undefined;
      const instanceType = optionalString(override?.InstanceType) ?? templateType;
      if (requirements === undefined && instanceType === undefined) throw errors.fleetInstanceTypeMissing();
      const weight = override?.WeightedCapacity === undefined ? 1 : Number(override.WeightedCapacity);
      if (!Number.isFinite(weight) || weight <= 0) throw errors.invalidValueFor("WeightedCapacity", String(override?.WeightedCapacity));
      const priority = override?.Priority === undefined ? Number.POSITIVE_INFINITY : Number(override.Priority);
      if (Number.isNaN(priority) || priority < 0) throw errors.invalidValueFor("Priority", String(override?.Priority));
      const subnets = optionalString(override?.SubnetId)
        ?.split(",")
        .map((s) => s.trim()) ?? [undefined];
      const imageId = optionalString(override?.ImageId) ?? optionalString(data.ImageId);
      let matched = 0;
      for (const subnetId of subnets) {
        const types =
          requirements === undefined
            ? [instanceType!]
            : typesMeeting(ctx, requirements, launchZone(ctx, override, subnetId), imageId, lifecycle);
        matched += types.length;
        for (const type of types) {
          pools.push({
            configIndex,
            overrideIndex: override === undefined ? -1 : overrideIndex,
            templateId: template.launchTemplateId,
            version: String(version.versionNumber),
            override,
            subnetId,
            instanceType: type,
            weight,
            priority,
            unitPrice: onDemandReference(catalogue.record(type)) / weight,
          });
        }
      }
      if (requirements !== undefined && lifecycle === undefined && matched === 0) {
        throw errors.fleetNoMatchingTypes("Overrides.InstanceRequirements");
      }
    });
  });
  return { pools, templateIds };
}

/** The zone a launch specification names (its AvailabilityZone, else its subnet's), if any. */
function launchZone(
  ctx: OperationContext,
  override: FleetLaunchTemplateOverridesRequest | undefined,
  subnetId: string | undefined,
): string | undefined {
  return (
    optionalString(override?.AvailabilityZone) ??
    (subnetId === undefined ? undefined : ctx.region.network.subnet(subnetId)?.availabilityZone)
  );
}

/**
 * The instance types that meet `requirements` where the launch goes (offered
 * in `zone`, else in the Region; of the image's architecture when the image
 * is known; Spot-capable for Spot), in name order; for a market, only those
 * within its price protection (On-Demand: the mock's On-Demand reference;
 * Spot: the Spot price in the zone now, the default zone when none is named).
 */
function typesMeeting(
  ctx: OperationContext,
  requirements: InstanceRequirements,
  zone: string | undefined,
  imageId: string | undefined,
  lifecycle: FleetMember["lifecycle"] | undefined,
): string[] {
  const { settings, network } = ctx.region;
  const catalogue = instanceTypesOf(settings);
  const supported = catalogue.supportedIn(settings.region, network.zones);
  const architecture = imageId === undefined ? undefined : ctx.region.images.get(imageId)?.Architecture;
  const candidates = catalogue
    .records()
    .filter(
      (record) =>
        supported.has(record.InstanceType as string) &&
        meetsRequirements(requirements, record) &&
        (architecture === undefined || (record.ProcessorInfo?.SupportedArchitectures ?? ["x86_64"]).includes(architecture)) &&
        (lifecycle !== "spot" || (record.SupportedUsageClasses ?? []).includes("spot")) &&
        (zone === undefined ||
          catalogue.offeredZones(settings.region, network.zones, record.InstanceType as string).some((z) => z.ZoneName === zone)),
    );
  if (lifecycle === undefined) return candidates.map((r) => r.InstanceType as string);
  const spotZone = zone ?? network.defaultZone;
  const price =
    lifecycle === "spot"
      ? (r: (typeof candidates)[number]) => ctx.region.spotPrices.priceAt(r.InstanceType as string, spotZone, ctx.now)
      : (r: (typeof candidates)[number]) => onDemandReference(r);
  const percentage = lifecycle === "spot" ? requirements.spotMaxPricePercentage : requirements.onDemandMaxPricePercentage;
  return priceProtected(candidates, price, percentage).map((r) => r.InstanceType as string);
}

/** The most launch template configs one fleet takes (API reference, CreateFleet: "Array Members: Maximum number of 50 items"). */
const MAX_CONFIGS = 50;

/**
 * The order a fleet tries its pools in for On-Demand capacity:
 * `lowest-price` by price per unit, `prioritized` by Priority (lower first,
 * no priority last). Ties keep the request's order (config, then override,
 * then subnet): a decision, deterministic.
 */
function orderPools(pools: readonly Pool[], strategy: Ec2Fleet["onDemandStrategy"]): Pool[] {
  const indexed = pools.map((pool, index) => ({ pool, index }));
  indexed.sort((a, b) => {
    const key = strategy === "prioritized" ? a.pool.priority - b.pool.priority : a.pool.unitPrice - b.pool.unitPrice;
    return Number.isNaN(key) || key === 0 ? a.index - b.index : key;
  });
  return indexed.map((entry) => entry.pool);
}

/** What CreateFleet authorizes on: the new fleet, with its request tags. */
function newFleetResource(ctx: OperationContext, tags: ReadonlyMap<string, string> | undefined): AuthResource {
  return { arn: ec2Arn(ctx.region.settings, "fleet", "*"), keys: {}, ...(tags === undefined ? {} : { requestTags: tags }) };
}

/** An existing fleet as IAM sees it. */
export function fleetResource(ctx: Pick<OperationContext, "region">, fleet: Ec2Fleet): AuthResource {
  return { arn: ec2Arn(ctx.region.settings, "fleet", fleet.fleetId), keys: tagKeys(fleet.tags) };
}

/** A fleet id: well formed (`fleet-` and a UUID), else EC2's Malformed. */
function checkFleetId(id: string): void {
  if (!/^fleet-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id)) throw errors.fleetIdMalformed(id);
}

/** The fleet a call names: well formed and existing. */
function findFleet(ctx: OperationContext, value: unknown): Ec2Fleet {
  const id = optionalString(value);
  if (id === undefined || id === "") throw errors.missingParameter("FleetId");
  checkFleetId(id);
  const fleet = ctx.region.fleets.get(id);
  if (fleet === undefined) throw errors.fleetNotFound(id);
  return fleet;
}

/** Whether a member is still counted: it exists and is neither shutting down nor terminated. */
function isLive(ctx: Pick<OperationContext, "region">, member: FleetMember): boolean {
  const instance = ctx.region.instances.get(member.instanceId);
  if (instance === undefined) return false;
  const phase = instance.machine.phase;
  return phase !== "terminating" && phase !== "terminated";
}

/** The units the fleet's live members count for. */
function fulfilled(ctx: Pick<OperationContext, "region">, fleet: Ec2Fleet): number {
  let units = 0;
  for (const member of fleet.members) if (isLive(ctx, member)) units += member.weight;
  return units;
}

/**
 * Spot capacity for a fleet: launches `units` of Spot capacity for a fleet
 * from its pools, in the order of its Spot allocation strategy
 * ({@link orderSpotPools}; `diversified` deals the instances across the
 * pools, {@link launchDiversified}), each launch the same RunInstances as an
 * On-Demand one plus `InstanceMarketOptions` `spot` (a one-time request at
 * the override's `MaxPrice`, else the On-Demand price), returning the
 * members launched (lifecycle `spot`) and the errors met (a price too low, no
 * capacity: entries, as On-Demand ones). Each Spot Instance has its
 * one-time Spot request (src/aws/ec2/operations/spot-options.ts), as
 * RunInstances makes it.
 */
function launchSpotCapacity(
  ctx: OperationContext,
  fleet: Ec2Fleet,
  units: number,
  instanceTags?: TagSpecification[],
): { members: FleetMember[]; failures: FleetLaunchError[] } {
  if (units <= 0) return { members: [], failures: [] };
  const ordered = orderSpotPools(ctx, poolsOf(ctx, fleet, "spot"), fleet.spotStrategy);
  if (fleet.spotStrategy === "diversified") return launchDiversified(ctx, fleet, ordered, units, instanceTags, ordered.length);
  if (fleet.spotPoolCount !== undefined) return launchDiversified(ctx, fleet, ordered, units, instanceTags, fleet.spotPoolCount);
  return launchFromPools(ctx, fleet, ordered, units, instanceTags, "spot");
}

/** Whether a pool has capacity where it launches: its zone's, else any zone's of the Region (src/aws/ec2/model/capacity-check.ts). */
function poolHasCapacity(ctx: OperationContext, pool: Pool): boolean {
  const zone = launchZone(ctx, pool.override, pool.subnetId);
  return zone === undefined
    ? zonesWithCapacity(ctx.region, pool.instanceType).length > 0
    : capacityFor(ctx.region, pool.instanceType, zone);
}

/**
 * The order a fleet tries its pools in for Spot capacity (decisions,
 * docs/behaviour.md, "EC2 Fleet", Spot allocation strategies): by the Spot
 * price per unit of the pool's type in its zone now
 * (src/aws/ec2/model/spot-prices.ts) for `lowest-price` and `diversified`
 * (whose deal starts with the cheapest); the capacity strategies first take
 * the pools with capacity (none withdrawn, `ec2.capacity.withdraw`), then
 * the others: `price-capacity-optimized` by price, `capacity-optimized` in
 * request order (every pool with capacity is as deep as another in the
 * mock), `capacity-optimized-prioritized` by Priority (lower first). Ties
 * keep the request's order.
 */
function orderSpotPools(ctx: OperationContext, pools: readonly Pool[], strategy: string): Pool[] {
  const zoneOf = (pool: Pool) => launchZone(ctx, pool.override, pool.subnetId) ?? ctx.region.network.defaultZone;
  const price = (pool: Pool) => ctx.region.spotPrices.priceAt(pool.instanceType, zoneOf(pool), ctx.now) / pool.weight;
  const capacityFirst = strategy.startsWith("capacity-optimized") || strategy === "price-capacity-optimized";
  const indexed = pools.map((pool, index) => ({
    pool,
    index,
    price: price(pool),
    withdrawn: capacityFirst && !poolHasCapacity(ctx, pool) ? 1 : 0,
  }));
  indexed.sort((a, b) => {
    if (a.withdrawn !== b.withdrawn) return a.withdrawn - b.withdrawn;
    let key = 0;
    if (strategy === "capacity-optimized-prioritized") key = a.pool.priority - b.pool.priority;
    else if (strategy !== "capacity-optimized") key = a.price - b.price;
    return Number.isNaN(key) || key === 0 ? a.index - b.index : key;
  });
  return indexed.map((entry) => entry.pool);
}

/**
 * `diversified` (over every pool) and `lowest-price` with
 * `InstancePoolsToUseCount` (over the `width` cheapest): the instances dealt
 * one at a time across the pools, in the order given (the cheapest first),
 * until the units are met; each pool then launches its share in one
 * RunInstances. A pool whose launch is refused is an error entry and leaves
 * the deal, the next pool in the order (if any) taking its place; what it
 * did not give is dealt again: to the pools that took its place ("drawing
 * from the next cheapest pool"), else across the pools left.
 */
function launchDiversified(
  ctx: OperationContext,
  fleet: Ec2Fleet,
  ordered: readonly Pool[],
  units: number,
  instanceTags: TagSpecification[] | undefined,
  width: number,
): { members: FleetMember[]; failures: FleetLaunchError[] } {
  const members: FleetMember[] = [];
  const failures: FleetLaunchError[] = [];
  let alive = ordered.slice(0, width);
  let dealTo = alive;
  const reserve = ordered.slice(width);
  let remaining = units;
  while (remaining > 0 && dealTo.length > 0) {
    const shares = new Map<Pool, number>();
    let dealt = 0;
    for (let i = 0; dealt < remaining; i++) {
      const pool = dealTo[i % dealTo.length]!;
      shares.set(pool, (shares.get(pool) ?? 0) + 1);
      dealt += pool.weight;
    }
    const next: Pool[] = [];
    const fresh: Pool[] = [];
    let refused = false;
    for (const pool of alive) {
      const share = shares.get(pool);
      if (share === undefined) {
        next.push(pool);
        continue;
      }
      const result = launchPool(ctx, fleet, pool, share, instanceTags, "spot");
      if (result.failure !== undefined) {
        failures.push(result.failure);
        refused = true;
        const replacement = reserve.shift();
        if (replacement !== undefined) {
          next.push(replacement);
          fresh.push(replacement);
        }
        continue;
      }
      next.push(pool);
      members.push(...result.members);
      for (const member of result.members) remaining -= member.weight;
    }
    if (!refused) break;
    alive = next;
    dealTo = fresh.length > 0 ? fresh : alive;
  }
  return { members, failures };
}

/**
 * Launches up to `units` of capacity from pools in the order given: each
 * pool gets a RunInstances of as many instances as the remaining units need
 * (by its weight), with the pool's template, version and override (and, for
 * Spot, `InstanceMarketOptions`); a refused launch is recorded as an error
 * and the next pool is tried. Every instance is tagged with the fleet's id.
 */
function launchFromPools(
  ctx: OperationContext,
  fleet: Ec2Fleet,
  ordered: readonly Pool[],
  units: number,
  instanceTags: TagSpecification[] | undefined,
  lifecycle: FleetMember["lifecycle"],
): { members: FleetMember[]; failures: FleetLaunchError[] } {
  const members: FleetMember[] = [];
  const failures: FleetLaunchError[] = [];
  let remaining = units;
  for (const pool of ordered) {
    if (remaining <= 0) break;
    const result = launchPool(ctx, fleet, pool, Math.ceil(remaining / pool.weight), instanceTags, lifecycle);
    if (result.failure !== undefined) failures.push(result.failure);
    members.push(...result.members);
    for (const member of result.members) remaining -= member.weight;
  }
  return { members, failures };
}

/**
 * One pool's launch of up to `count` instances: a RunInstances with the
 * pool's template, version and override (and, for Spot,
 * `InstanceMarketOptions`); the members launched, or the error entry of a
 * refused launch. Every instance is tagged with the fleet's id.
 */
function launchPool(
  ctx: OperationContext,
  fleet: Ec2Fleet,
  pool: Pool,
  count: number,
  instanceTags: TagSpecification[] | undefined,
  lifecycle: FleetMember["lifecycle"],
): { members: FleetMember[]; failure?: FleetLaunchError } {
  const override = pool.override;
  const input: RunInstancesCommandInput = {
    LaunchTemplate: { LaunchTemplateId: pool.templateId, Version: pool.version },
    MinCount: 1,
    MaxCount: count,
    InstanceType: pool.instanceType as RunInstancesCommandInput["InstanceType"],
    ...(pool.subnetId === undefined ? {} : { SubnetId: pool.subnetId }),
    ...(override?.AvailabilityZone === undefined ? {} : { Placement: { AvailabilityZone: override.AvailabilityZone } }),
    ...(override?.ImageId === undefined ? {} : { ImageId: override.ImageId }),
    ...(instanceTags === undefined ? {} : { TagSpecifications: instanceTags }),
    ...(lifecycle === "spot"
      ? {
          InstanceMarketOptions: {
            MarketType: "spot",
            SpotOptions: { SpotInstanceType: "one-time", ...(override?.MaxPrice === undefined ? {} : { MaxPrice: override.MaxPrice }) },
          },
        }
      : {}),
  };
  let launched: string[];
  try {
    launched = (runInstances(ctx, input).Instances ?? []).map((i) => i.InstanceId!);
  } catch (error) {
    if (!(error instanceof Ec2Error)) throw error;
    return {
      members: [],
      failure: {
        configIndex: pool.configIndex,
        overrideIndex: pool.overrideIndex,
        lifecycle,
        code: error.code,
        message: error.message,
        ...(pool.override?.InstanceRequirements === undefined ? {} : { instanceType: pool.instanceType }),
      },
    };
  }
  const members: FleetMember[] = [];
  for (const instanceId of launched) {
    const instance = ctx.region.instances.get(instanceId)!;
    ctx.region.setTags(instance, new Map([...instance.tags, [FLEET_ID_TAG, fleet.fleetId]]));
    members.push({
      instanceId,
      instanceType: pool.instanceType,
      configIndex: pool.configIndex,
      overrideIndex: pool.overrideIndex,
      weight: pool.weight,
      lifecycle,
    });
    fleet.history.push({ at: ctx.now, eventType: "instanceChange", eventSubType: "launched", instanceId });
  }
  return { members };
}

/** The pools of a stored fleet for a market, read again from its configs (templates may have gone: none then). */
function poolsOf(ctx: OperationContext, fleet: Ec2Fleet, lifecycle: FleetMember["lifecycle"]): Pool[] {
  try {
    return readPools(ctx, fleet.configs as FleetLaunchTemplateConfigRequest[], "CreateFleet", lifecycle).pools;
  } catch (error) {
    if (error instanceof Ec2Error) return [];
    throw error;
  }
}

/** Brings a fleet to its target: launches what is missing (On-Demand here, Spot through the seam). */
function fillFleet(ctx: OperationContext, fleet: Ec2Fleet, instanceTags?: TagSpecification[]): FleetLaunchError[] {
  const failures: FleetLaunchError[] = [];
  // Spot first: while the seam refuses, a refused fleet has launched nothing.
  const spot = launchSpotCapacity(ctx, fleet, Math.max(0, fleet.target.spot - liveUnits(ctx, fleet, "spot")), instanceTags);
  fleet.members.push(...spot.members);
  failures.push(...spot.failures);
  const liveOnDemand = liveUnits(ctx, fleet, "on-demand");
  const onDemandMissing = fleet.target.onDemand - liveOnDemand;
  if (onDemandMissing > 0) {
    const ordered = orderPools(poolsOf(ctx, fleet, "on-demand"), fleet.onDemandStrategy);
    const result = launchFromPools(ctx, fleet, ordered, onDemandMissing, instanceTags, "on-demand");
    fleet.members.push(...result.members);
    failures.push(...result.failures);
  }
  return failures;
}

/** The units a fleet's live members of one lifecycle count for. */
function liveUnits(ctx: Pick<OperationContext, "region">, fleet: Ec2Fleet, lifecycle: FleetMember["lifecycle"]): number {
  let units = 0;
  for (const member of fleet.members) if (member.lifecycle === lifecycle && isLive(ctx, member)) units += member.weight;
  return units;
}

/** The TagSpecifications of CreateFleet: `fleet`, and `instance` for instant fleets only. */
function readFleetTags(specs: unknown, type: FleetType): { fleet: ReadonlyMap<string, string>; instance: TagSpecification[] | undefined } {
  const byType = readTagSpecifications(specs, ["fleet", "instance"]);
  const instance = byType.get("instance");
  if (instance !== undefined && type !== "instant") throw errors.fleetInstanceTagsNotInstant();
  return {
    fleet: byType.get("fleet") ?? NO_TAGS,
    instance:
      instance === undefined ? undefined : [{ ResourceType: "instance", Tags: [...instance].map(([Key, Value]) => ({ Key, Value })) }],
  };
}

/** The members of CreateFleetRequest the mock models; any other is refused by name. */
const CREATE_MEMBERS = [
  "ClientToken",
  "SpotOptions",
  "OnDemandOptions",
  "ExcessCapacityTerminationPolicy",
  "LaunchTemplateConfigs",
  "TargetCapacitySpecification",
  "TerminateInstancesWithExpiration",
  "Type",
  "ValidFrom",
  "ValidUntil",
  "ReplaceUnhealthyInstances",
  "TagSpecifications",
  "Context",
] as const satisfies readonly (keyof CreateFleetCommandInput)[];

/**
 * A launch template config as the responses show it (its spec and the
 * override; an override with InstanceRequirements also names the type
 * chosen, `instanceType`).
 */
function launchSpecOf(
  fleet: Ec2Fleet,
  configIndex: number,
  overrideIndex: number,
  instanceType?: string,
): LaunchTemplateAndOverridesResponse {
  const config = fleet.configs[configIndex];
  const override = overrideIndex < 0 ? undefined : config?.Overrides?.[overrideIndex];
  const shown =
    override !== undefined && override.InstanceRequirements !== undefined && instanceType !== undefined
      ? { ...override, InstanceType: instanceType as NonNullable<typeof override.InstanceType> }
      : override;
  return {
    LaunchTemplateSpecification: config?.LaunchTemplateSpecification,
    ...(shown === undefined ? {} : { Overrides: shown }),
  };
}

/** The `Instances` of an instant fleet: one entry per pool and lifecycle, the instance ids together. */
function renderInstances(fleet: Ec2Fleet): CreateFleetInstance[] {
  const byPool = new Map<string, CreateFleetInstance>();
  for (const member of fleet.members) {
    const key = `${member.configIndex} ${member.overrideIndex} ${member.lifecycle} ${member.instanceType}`;
    const entry = byPool.get(key) ?? {
      LaunchTemplateAndOverrides: launchSpecOf(fleet, member.configIndex, member.overrideIndex, member.instanceType),
      Lifecycle: member.lifecycle,
      InstanceIds: [],
      InstanceType: member.instanceType as CreateFleetInstance["InstanceType"],
    };
    entry.InstanceIds!.push(member.instanceId);
    byPool.set(key, entry);
  }
  return [...byPool.values()];
}

/** The `Errors` of an instant fleet. */
function renderErrors(fleet: Ec2Fleet): CreateFleetError[] {
  return fleet.errors.map((e) => ({
    LaunchTemplateAndOverrides: launchSpecOf(fleet, e.configIndex, e.overrideIndex, e.instanceType),
    Lifecycle: e.lifecycle,
    ErrorCode: e.code,
    ErrorMessage: e.message,
  }));
}

/** The digest of a CreateFleet request for idempotency: everything but the token and DryRun. */
function createDigest(input: CreateFleetCommandInput): string {
  const { ClientToken: _t, DryRun: _d, ...rest } = input;
  return digestOf(rest);
}

/** The configs as DescribeFleets shows them: the request's, copied. */
function storedConfigs(configs: FleetLaunchTemplateConfigRequest[]): FleetLaunchTemplateConfig[] {
  return structuredClone(configs) as FleetLaunchTemplateConfig[];
}

/**
 * CreateFleet: `instant` launches now and answers with the instances and
 * errors; `request` and `maintain` are placed now and launch at once (or at
 * ValidFrom), `maintain` keeping its target from then on (see
 * {@link maintainFleets}).
 */
export const createFleet: Operation<CreateFleetCommandInput, CreateFleetCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateFleet", input, CREATE_MEMBERS);
  const type = readEnum("Type", input.Type, FLEET_TYPES) ?? "maintain";
  const target = readTarget(input.TargetCapacitySpecification, "CreateFleet");
  refuseNested("OnDemandOptions", input.OnDemandOptions, ["AllocationStrategy"]);
  refuseNested("SpotOptions", input.SpotOptions, ["AllocationStrategy", "InstancePoolsToUseCount"]);
  const onDemandStrategy =
    readEnum("OnDemandOptions.AllocationStrategy", input.OnDemandOptions?.AllocationStrategy, ON_DEMAND_STRATEGIES) ?? "lowest-price";
  const spotStrategy = readEnum("SpotOptions.AllocationStrategy", input.SpotOptions?.AllocationStrategy, SPOT_STRATEGIES) ?? "lowest-price";
  const spotPoolCount = readUnits("SpotOptions.InstancePoolsToUseCount", input.SpotOptions?.InstancePoolsToUseCount);
  if (spotPoolCount === 0) throw errors.invalidValueFor("SpotOptions.InstancePoolsToUseCount", "0");
  if (spotPoolCount !== undefined && spotStrategy !== "lowest-price") throw errors.fleetPoolCountNotLowestPrice();
  const excessPolicy = readEnum("ExcessCapacityTerminationPolicy", input.ExcessCapacityTerminationPolicy, EXCESS_POLICIES);
  if (excessPolicy !== undefined && type !== "maintain") throw errors.fleetMaintainOnly("ExcessCapacityTerminationPolicy");
  if (input.ReplaceUnhealthyInstances === true && type !== "maintain") throw errors.fleetMaintainOnly("ReplaceUnhealthyInstances");
  const validFrom = readTime(input.ValidFrom);
  const validUntil = readTime(input.ValidUntil);
  if (type === "instant" && (validFrom !== undefined || validUntil !== undefined)) throw errors.fleetInstantValidity();
  if (validFrom !== undefined && validUntil !== undefined && validUntil <= validFrom) throw errors.fleetValidityInverted();
  if (input.ClientToken !== undefined) checkClientToken(input.ClientToken);
  const tags = readFleetTags(input.TagSpecifications, type);
  const { templateIds } = readPools(ctx, input.LaunchTemplateConfigs, "CreateFleet");
  ctx.authorize("CreateFleet", [newFleetResource(ctx, tags.fleet)]);
  if (tags.fleet.size > 0)
    ctx.authorize("CreateTags", [newFleetResource(ctx, tags.fleet)], { keys: { "ec2:CreateAction": "CreateFleet" } });
  if (input.DryRun === true) throw errors.dryRun();
  const digest = createDigest(input);
  if (input.ClientToken !== undefined) {
    const used = ctx.region.fleets.byToken(input.ClientToken);
    if (used !== undefined) {
      if (used.digest !== digest) throw errors.idempotentParameterMismatch(input.ClientToken);
      return renderCreate(used);
    }
  }
  const fleet: Ec2Fleet = {
    fleetId: `fleet-${uuid()}`,
    type,
    clientToken: input.ClientToken ?? uuid(),
    digest,
    createdAt: ctx.now,
    state: type === "instant" || validFrom === undefined || validFrom <= ctx.now ? "active" : "submitted",
    target,
    onDemandStrategy,
    spotStrategy,
    ...(spotPoolCount === undefined ? {} : { spotPoolCount }),
    excessPolicy,
    terminateWithExpiration: input.TerminateInstancesWithExpiration === true,
    validFrom,
    validUntil,
    replaceUnhealthy: input.ReplaceUnhealthyInstances === true,
    context: optionalString(input.Context),
    configs: storedConfigs(input.LaunchTemplateConfigs!),
    templateIds,
    members: [],
    errors: [],
    history: [],
    launched: false,
    seq: ctx.region.fleets.nextSeq(),
    tags: tags.fleet,
  };
  fleet.history.push({ at: ctx.now, eventType: "fleetRequestChange", eventSubType: "submitted" });
  if (fleet.state === "active") activate(ctx, fleet, tags.instance);
  ctx.region.fleets.add(fleet);
  return renderCreate(fleet);
};

/** A fleet's first launch: `active`, then its target capacity. */
function activate(ctx: OperationContext, fleet: Ec2Fleet, instanceTags?: TagSpecification[]): void {
  fleet.state = "active";
  fleet.launched = true;
  fleet.history.push({ at: ctx.now, eventType: "fleetRequestChange", eventSubType: "active" });
  const failures = fillFleet(ctx, fleet, instanceTags);
  if (fleet.type === "instant") fleet.errors.push(...failures);
  for (const failure of failures) {
    fleet.history.push({ at: ctx.now, eventType: "error", eventSubType: failure.code, description: failure.message });
  }
}

/** CreateFleet's answer: the id, and for an instant fleet its instances and errors. */
function renderCreate(fleet: Ec2Fleet): Omit<CreateFleetCommandOutput, "$metadata"> {
  if (fleet.type !== "instant") return { FleetId: fleet.fleetId };
  return { FleetId: fleet.fleetId, Errors: renderErrors(fleet), Instances: renderInstances(fleet) };
}

/**
 * What the fleets do as the clock moves, run before every call of the region
 * (src/aws/ec2/mock.ts) as EC2's service would, not as the caller: a
 * `request` or `maintain` fleet whose ValidFrom has come is activated; one
 * whose ValidUntil has passed expires (its instances terminated when
 * TerminateInstancesWithExpiration); a `maintain` fleet whose live capacity is
 * below target (an instance shutting down or terminated, by anyone) launches
 * replacements at once: the delay is none beyond the next call.
 */
export function maintainFleets(ctx: OperationContext): void {
  for (const fleet of ctx.region.fleets.list()) {
    try {
      maintainFleet(ctx, fleet);
    } catch (error) {
      // The service's own work never fails the caller's call: the fleet records the error.
      if (!(error instanceof Ec2Error)) throw error;
      fleet.history.push({ at: ctx.now, eventType: "error", eventSubType: error.code, description: error.message });
    }
  }
}

/** One fleet's work as the clock moved (see {@link maintainFleets}). */
function maintainFleet(ctx: OperationContext, fleet: Ec2Fleet): void {
  if (fleet.type === "instant") return;
  if (fleet.state === "submitted" && (fleet.validFrom === undefined || fleet.validFrom <= ctx.now)) {
    activate(ctx, fleet);
    return;
  }
  if (fleet.state !== "active") return;
  if (fleet.validUntil !== undefined && fleet.validUntil <= ctx.now) {
    expire(ctx, fleet);
    return;
  }
  noteTerminations(ctx, fleet);
  if (fleet.type === "maintain" && fulfilled(ctx, fleet) < fleet.target.total) {
    for (const failure of fillFleet(ctx, fleet)) {
      fleet.history.push({ at: ctx.now, eventType: "error", eventSubType: failure.code, description: failure.message });
    }
  }
}

/** Records members that have left (shutting down, terminated) as `instanceChange` `terminated`, and drops them. */
function noteTerminations(ctx: OperationContext, fleet: Ec2Fleet): void {
  const gone = fleet.members.filter((m) => !isLive(ctx, m));
  if (gone.length === 0) return;
  for (const member of gone) {
    fleet.history.push({ at: ctx.now, eventType: "instanceChange", eventSubType: "terminated", instanceId: member.instanceId });
  }
  fleet.members = fleet.members.filter((m) => isLive(ctx, m));
}

/** A fleet past ValidUntil: `deleted` (EC2's `expired` event), its instances terminated when asked. */
function expire(ctx: OperationContext, fleet: Ec2Fleet): void {
  fleet.history.push({ at: ctx.now, eventType: "fleetRequestChange", eventSubType: "expired" });
  if (fleet.terminateWithExpiration) terminateMembers(ctx, fleet, fleet.members);
  fleet.state = "deleted";
}

/**
 * Terminates fleet members (as TerminateInstances would, by the fleet): a
 * Spot member's one-time request is closed `instance-terminated-by-user`, as
 * TerminateInstances closes it (decision: the fleet acts for its owner).
 */
function terminateMembers(ctx: OperationContext, fleet: Ec2Fleet, members: readonly FleetMember[]): void {
  for (const member of members) {
    const instance = ctx.region.instances.get(member.instanceId);
    if (instance === undefined || instance.machine.phase === "terminated" || instance.machine.phase === "terminating") continue;
    ctx.region.engine.terminate(instance.machine, ec2Requests.terminate.graceful);
    if (member.lifecycle === "spot") spotInstanceChanged(ctx, instance, "terminated");
  }
  void fleet;
}

/** DescribeFleets' filters (API reference, DescribeFleets). */
const fleetFilters: FilterTable<Ec2Fleet, OperationContext> = {
  exact: {
    "activity-status": (f, ctx) => activityOf(ctx, f),
    "excess-capacity-termination-policy": (f) => f.excessPolicy,
    "fleet-state": (f) => f.state,
    "replace-unhealthy-instances": (f) => String(f.replaceUnhealthy),
    type: (f) => f.type,
    "tag-key": (f) => [...f.tags.keys()],
  },
  prefixed: {
    "tag:": (key) => (f) => f.tags.get(key),
  },
};

/** A fleet's ActivityStatus (FleetData `activityStatus`). */
function activityOf(ctx: OperationContext, fleet: Ec2Fleet): FleetData["ActivityStatus"] | undefined {
  if (fleet.type === "instant") return "fulfilled";
  if (fleet.state === "submitted") return undefined;
  const units = fulfilled(ctx, fleet);
  if (units >= fleet.target.total) return "fulfilled";
  if (fleet.members.length === 0 && fleet.history.some((h) => h.eventType === "error")) return "error";
  return "pending_fulfillment";
}

/** DescribeFleets' page sizes (API reference: 1 to 1000; decision: EC2's usual 5 minimum is not documented here). */
const fleetsMaxResults: MaxResultsRule = { idsParameter: "FleetIds", min: 1, max: 1000, above: "error" };

/** A fleet as DescribeFleets shows it. */
function renderFleet(ctx: OperationContext, fleet: Ec2Fleet): FleetData {
  const units = fulfilled(ctx, fleet);
  const onDemandUnits = liveUnits(ctx, fleet, "on-demand");
  const activity = activityOf(ctx, fleet);
  return {
    ...(activity === undefined ? {} : { ActivityStatus: activity }),
    CreateTime: new Date(fleet.createdAt),
    FleetId: fleet.fleetId,
    FleetState: fleet.state,
    ClientToken: fleet.clientToken,
    ...(fleet.excessPolicy === undefined ? {} : { ExcessCapacityTerminationPolicy: fleet.excessPolicy }),
    FulfilledCapacity: units,
    FulfilledOnDemandCapacity: onDemandUnits,
    LaunchTemplateConfigs: fleet.configs,
    TargetCapacitySpecification: {
      TotalTargetCapacity: fleet.target.total,
      OnDemandTargetCapacity: fleet.target.onDemand,
      SpotTargetCapacity: fleet.target.spot,
      DefaultTargetCapacityType: fleet.target.defaultType,
    },
    TerminateInstancesWithExpiration: fleet.terminateWithExpiration,
    Type: fleet.type,
    ...(fleet.validFrom === undefined ? {} : { ValidFrom: new Date(fleet.validFrom) }),
    ...(fleet.validUntil === undefined ? {} : { ValidUntil: new Date(fleet.validUntil) }),
    ReplaceUnhealthyInstances: fleet.replaceUnhealthy,
    SpotOptions: {
      AllocationStrategy: fleet.spotStrategy as never,
      ...(fleet.spotPoolCount === undefined ? {} : { InstancePoolsToUseCount: fleet.spotPoolCount }),
    },
    OnDemandOptions: { AllocationStrategy: fleet.onDemandStrategy },
    Tags: [...fleet.tags].map(([Key, Value]) => ({ Key, Value })),
    ...(fleet.context === undefined ? {} : { Context: fleet.context }),
    ...(fleet.type === "instant" ? { Errors: renderErrors(fleet), Instances: renderInstances(fleet) } : {}),
  };
}

/** Reads a list of strings member. */
function readIds(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** DescribeFleets: the fleets named (each must exist), or all, filtered and paged. */
export const describeFleets: Operation<DescribeFleetsCommandInput, DescribeFleetsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeFleets", input, ["FleetIds", "Filters", "MaxResults", "NextToken"]);
  const ids = readIds(input.FleetIds);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, fleetFilters);
  const max = readMaxResults(input.MaxResults, false, fleetsMaxResults);
  const digest = digestOf({ action: "DescribeFleets", ids, filters });
  const after = readToken(input.NextToken, digest);
  const named = new Set<Ec2Fleet>();
  for (const id of ids) checkFleetId(id);
  for (const id of ids) {
    const fleet = ctx.region.fleets.get(id);
    if (fleet === undefined) throw errors.fleetNotFound(id);
    named.add(fleet);
  }
  authorizeAndDryRun(ctx, "DescribeFleets", [], input.DryRun);
  const page = takePage(
    ctx.region.fleets.list(),
    (f) => ({ seq: f.seq, index: 0 }),
    (f) => (ids.length === 0 || named.has(f)) && accept(f, ctx),
    after,
    max,
  );
  return {
    Fleets: page.items.map((f) => renderFleet(ctx, f)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** DescribeFleetInstances' filters (API reference: `instance-type`). */
const fleetInstanceFilters: FilterTable<FleetMember, OperationContext> = {
  exact: { "instance-type": (m) => m.instanceType },
  prefixed: {},
};

/** DescribeFleetInstances: the fleet's running instances. */
export const describeFleetInstances: Operation<DescribeFleetInstancesCommandInput, DescribeFleetInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeFleetInstances", input, ["FleetId", "Filters", "MaxResults", "NextToken"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, fleetInstanceFilters);
  const max = readMaxResults(input.MaxResults, false, fleetsMaxResults);
  const fleet = findFleet(ctx, input.FleetId);
  const digest = digestOf({ action: "DescribeFleetInstances", fleet: fleet.fleetId, filters });
  const after = readToken(input.NextToken, digest);
  authorizeAndDryRun(ctx, "DescribeFleetInstances", [fleetResource(ctx, fleet)], input.DryRun);
  const live = fleet.members.filter((m) => isLive(ctx, m));
  const page = takePage(
    live.values(),
    (m) => ({ seq: live.indexOf(m), index: 0 }),
    (m) => accept(m, ctx),
    after,
    max,
  );
  return {
    ActiveInstances: page.items.map((m) => {
      // A Spot member shows its Spot Instance request (ActiveInstance `SpotInstanceRequestId`).
      const request = m.lifecycle === "spot" ? ctx.region.spotRequests.ofInstance(m.instanceId) : undefined;
      return {
        InstanceId: m.instanceId,
        InstanceType: m.instanceType,
        ...(request === undefined ? {} : { SpotInstanceRequestId: request.spotInstanceRequestId }),
        InstanceHealth: "healthy",
      };
    }),
    FleetId: fleet.fleetId,
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** DescribeFleetHistory's EventType values (request) and what they select (records). */
const HISTORY_TYPES = { "instance-change": "instanceChange", "fleet-change": "fleetRequestChange", "service-error": "error" } as const;

/** DescribeFleetHistory: the fleet's events from StartTime on, oldest first. */
export const describeFleetHistory: Operation<DescribeFleetHistoryCommandInput, DescribeFleetHistoryCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeFleetHistory", input, ["EventType", "MaxResults", "NextToken", "FleetId", "StartTime"]);
  const eventType = readEnum("EventType", input.EventType, Object.keys(HISTORY_TYPES) as (keyof typeof HISTORY_TYPES)[]);
  if (input.StartTime === undefined || input.StartTime === null) throw errors.missingParameter("StartTime");
  const start = readTime(input.StartTime);
  if (start === undefined) throw errors.invalidValueFor("StartTime", String(input.StartTime));
  const max = readMaxResults(input.MaxResults, false, fleetsMaxResults);
  const fleet = findFleet(ctx, input.FleetId);
  const digest = digestOf({ action: "DescribeFleetHistory", fleet: fleet.fleetId, eventType, start });
  const after = readToken(input.NextToken, digest);
  authorizeAndDryRun(ctx, "DescribeFleetHistory", [fleetResource(ctx, fleet)], input.DryRun);
  const wanted = eventType === undefined ? undefined : HISTORY_TYPES[eventType];
  const entries = fleet.history.map((entry, index) => ({ entry, index }));
  const page = takePage(
    entries.values(),
    (e) => ({ seq: e.index, index: 0 }),
    (e) => e.entry.at >= start && (wanted === undefined || e.entry.eventType === wanted),
    after,
    max,
  );
  return {
    FleetId: fleet.fleetId,
    StartTime: new Date(start),
    LastEvaluatedTime: new Date(ctx.now),
    HistoryRecords: page.items.map(({ entry }) => ({
      EventInformation: {
        EventSubType: entry.eventSubType,
        ...(entry.instanceId === undefined ? {} : { InstanceId: entry.instanceId }),
        ...(entry.description === undefined ? {} : { EventDescription: entry.description }),
      },
      EventType: entry.eventType as never,
      Timestamp: new Date(entry.at),
    })),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/**
 * ModifyFleet: a `maintain` fleet's target capacity, excess capacity policy
 * and launch template configs. Up launches at once; down below the fleet's
 * size terminates the excess (the most expensive per unit first, then the
 * newest) when the policy is `termination`, the default. New
 * `LaunchTemplateConfigs` replace the fleet's for every launch from then on
 * (scale-up, replacements); the instances running stay as they are.
 */
export const modifyFleet: Operation<ModifyFleetCommandInput, ModifyFleetCommandOutput> = (ctx, input) => {
  refuseUnmodelled("ModifyFleet", input, [
    "FleetId",
    "TargetCapacitySpecification",
    "ExcessCapacityTerminationPolicy",
    "LaunchTemplateConfigs",
    "Context",
  ]);
  const excess = readEnum("ExcessCapacityTerminationPolicy", input.ExcessCapacityTerminationPolicy, EXCESS_POLICIES);
  const configs =
    Array.isArray(input.LaunchTemplateConfigs) && input.LaunchTemplateConfigs.length > 0 ? input.LaunchTemplateConfigs : undefined;
  if (input.TargetCapacitySpecification === undefined && excess === undefined && configs === undefined) {
    throw errors.missingParameter("TargetCapacitySpecification");
  }
  const target = input.TargetCapacitySpecification === undefined ? undefined : readTarget(input.TargetCapacitySpecification, "ModifyFleet");
  const fleet = findFleet(ctx, input.FleetId);
  // The new configs' templates and versions must exist, as CreateFleet's (NotFound before authorization).
  const templateIds = configs === undefined ? undefined : readPools(ctx, configs, "ModifyFleet").templateIds;
  authorizeAndDryRun(ctx, "ModifyFleet", [fleetResource(ctx, fleet)], input.DryRun);
  if (fleet.type !== "maintain") throw errors.fleetNotModifiable(fleet.fleetId, fleet.type);
  if (fleet.state !== "active" && fleet.state !== "submitted") throw errors.fleetNotModifiableState(fleet.fleetId, fleet.state);
  if (configs !== undefined) {
    fleet.configs = storedConfigs(configs);
    fleet.templateIds = templateIds!;
  }
  if (excess !== undefined) fleet.excessPolicy = excess;
  if (target !== undefined || configs !== undefined) {
    fleet.history.push({ at: ctx.now, eventType: "fleetRequestChange", eventSubType: "modify_in_progress" });
    if (target !== undefined) fleet.target = target;
    noteTerminations(ctx, fleet);
    const over =
      fulfilled(ctx, fleet) > fleet.target.total ||
      liveUnits(ctx, fleet, "on-demand") > fleet.target.onDemand ||
      liveUnits(ctx, fleet, "spot") > fleet.target.spot;
    if (over && (fleet.excessPolicy ?? "termination") === "termination") shrink(ctx, fleet);
    if (fleet.state === "active") fillFleet(ctx, fleet);
    fleet.history.push({ at: ctx.now, eventType: "fleetRequestChange", eventSubType: "modify_succeeded" });
  }
  return { Return: true };
};

/**
 * Terminates members until the fleet's units no longer exceed its target,
 * one at a time: the highest price per unit first, then the newest; for
 * Spot members, the Spot allocation strategy first (ModifyFleet:
 * "capacity-optimized ... terminates the instances in the Spot Instance
 * pools that have the least available Spot Instance capacity", here the
 * withdrawn pools, for the capacity strategies; "diversified ... terminates
 * instances across the Spot Instance pools", here from the pool with the
 * most members left).
 */
function shrink(ctx: OperationContext, fleet: Ec2Fleet): void {
  const catalogue = instanceTypesOf(ctx.region.settings);
  const price = (m: FleetMember) => onDemandReference(catalogue.record(m.instanceType)) / m.weight;
  const zoneOf = (m: FleetMember) => ctx.region.instances.get(m.instanceId)?.subnet.availabilityZone ?? "";
  const poolOf = (m: FleetMember) => `${m.instanceType} ${zoneOf(m)}`;
  const strategy = fleet.spotStrategy;
  const capacityFirst = strategy.startsWith("capacity-optimized") || strategy === "price-capacity-optimized";
  const withdrawn = (m: FleetMember) =>
    capacityFirst && m.lifecycle === "spot" && !capacityFor(ctx.region, m.instanceType, zoneOf(m)) ? 1 : 0;
  const left = fleet.members.map((m, i) => ({ m, i })).filter(({ m }) => isLive(ctx, m));
  let units = fulfilled(ctx, fleet);
  // The units of each market, against its own target (a ModifyFleet may move capacity from one to the other).
  const byMarket = { "on-demand": liveUnits(ctx, fleet, "on-demand"), spot: liveUnits(ctx, fleet, "spot") };
  const marketTarget = { "on-demand": fleet.target.onDemand, spot: fleet.target.spot };
  const marketExcess = (m: FleetMember) => (byMarket[m.lifecycle] - m.weight >= marketTarget[m.lifecycle] ? 1 : 0);
  const victims: FleetMember[] = [];
  for (;;) {
    const sizes = new Map<string, number>();
    for (const { m } of left) if (m.lifecycle === "spot") sizes.set(poolOf(m), (sizes.get(poolOf(m)) ?? 0) + 1);
    const spread = (m: FleetMember) => (strategy === "diversified" && m.lifecycle === "spot" ? (sizes.get(poolOf(m)) ?? 0) : 0);
    const candidates = left.filter(({ m }) => units - m.weight >= fleet.target.total || marketExcess(m) === 1);
    if (candidates.length === 0) break;
    candidates.sort(
      (a, b) =>
        marketExcess(b.m) - marketExcess(a.m) ||
        withdrawn(b.m) - withdrawn(a.m) ||
        spread(b.m) - spread(a.m) ||
        price(b.m) - price(a.m) ||
        b.i - a.i,
    );
    const victim = candidates[0]!;
    victims.push(victim.m);
    units -= victim.m.weight;
    byMarket[victim.m.lifecycle] -= victim.m.weight;
    left.splice(left.indexOf(victim), 1);
  }
  terminateMembers(ctx, fleet, victims);
  noteTerminations(ctx, fleet);
}

/** DeleteFleets' limits (API reference: up to 25 `instant` fleets, up to 100 others, per call). */
const MAX_DELETE_INSTANT = 25;
const MAX_DELETE_OTHER = 100;

/**
 * DeleteFleets: each fleet named is deleted (`deleted_terminating` with
 * TerminateInstances, its instances terminated; else `deleted_running`);
 * an unknown or malformed id is an unsuccessful deletion, not a failed call.
 */
export const deleteFleets: Operation<DeleteFleetsCommandInput, DeleteFleetsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeleteFleets", input, ["FleetIds", "TerminateInstances"]);
  const ids = readIds(input.FleetIds);
  if (ids.length === 0) throw errors.missingParameter("FleetIds");
  if (input.TerminateInstances === undefined || input.TerminateInstances === null) throw errors.missingParameter("TerminateInstances");
  const terminate = input.TerminateInstances === true;
  const found = ids.map((id) => ctx.region.fleets.get(id)).filter((f): f is Ec2Fleet => f !== undefined);
  const instant = found.filter((f) => f.type === "instant").length;
  if (instant > MAX_DELETE_INSTANT) throw errors.fleetDeleteLimit(MAX_DELETE_INSTANT, "instant");
  if (found.length - instant > MAX_DELETE_OTHER) throw errors.fleetDeleteLimit(MAX_DELETE_OTHER, "request or maintain");
  if (!terminate && instant > 0) throw errors.fleetInstantMustTerminate();
  authorizeAndDryRun(
    ctx,
    "DeleteFleets",
    found.map((f) => fleetResource(ctx, f)),
    input.DryRun,
  );
  const successful: NonNullable<DeleteFleetsCommandOutput["SuccessfulFleetDeletions"]> = [];
  const unsuccessful: NonNullable<DeleteFleetsCommandOutput["UnsuccessfulFleetDeletions"]> = [];
  for (const id of ids) {
    const fleet = ctx.region.fleets.get(id);
    if (!/^fleet-[0-9a-fA-F-]{36}$/.test(id)) {
      unsuccessful.push({ FleetId: id, Error: { Code: "fleetIdMalformed", Message: `The fleet ID '${id}' is malformed.` } });
      continue;
    }
    if (fleet === undefined) {
      unsuccessful.push({ FleetId: id, Error: { Code: "fleetIdDoesNotExist", Message: `The fleet ID '${id}' does not exist.` } });
      continue;
    }
    const previous = fleet.state;
    if (previous === "deleted" || previous === "deleted_running" || previous === "deleted_terminating") {
      unsuccessful.push({
        FleetId: id,
        Error: { Code: "fleetNotInDeletableState", Message: `The fleet '${id}' is in the state '${previous}' and cannot be deleted.` },
      });
      continue;
    }
    noteTerminations(ctx, fleet);
    fleet.state = terminate ? "deleted_terminating" : "deleted_running";
    fleet.history.push({ at: ctx.now, eventType: "fleetRequestChange", eventSubType: fleet.state });
    if (terminate) terminateMembers(ctx, fleet, fleet.members);
    successful.push({ FleetId: id, CurrentFleetState: fleet.state, PreviousFleetState: previous });
  }
  return { SuccessfulFleetDeletions: successful, UnsuccessfulFleetDeletions: unsuccessful };
};
