import type {
  DescribeInstanceStatusCommandInput,
  DescribeInstanceStatusCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  InstanceStatus,
  InstanceStatusSummary,
  Reservation,
} from "@aws-sdk/client-ec2";
import { authorizeAndDryRun, findInstances } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { digestOf } from "../digest.js";
import {
  compileFilters,
  type FilterSpec,
  type FilterTable,
  literalValuesOf,
  type Predicate,
  readFilters,
  type ValuesOf,
} from "../filters.js";
import { type Ec2Instance, publicIpOf } from "../instance.js";
import { checkFilterCount } from "../limits.js";
import { tagCandidates } from "../tag-index.js";
import { comparePositions, encodeToken, type Page, type Position, readMaxResults, readToken, takePage } from "../pagination.js";

/**
 * DescribeInstances and DescribeInstanceStatus. Both read the same kind of
 * query (ids, filters, page size, token), check it in EC2's order
 * (parameters → ids → authorization → DryRun), walk the fleet in launch
 * order and differ only in their filter tables and in how they render.
 */

/** A filter of the instance Describe operations: reads values off a record. */
type InstanceValues = ValuesOf<Ec2Instance, OperationContext>;

/** Terminated instances lose their VPC, subnet and private address in DescribeInstances; filters follow. */
function isTerminated(instance: Ec2Instance): boolean {
  return instance.machine.phase === "terminated";
}

/** Absent for a terminated instance, `value` otherwise. */
function unlessTerminated<T>(instance: Ec2Instance, value: T): T | undefined {
  return isTerminated(instance) ? undefined : value;
}

/** Filters both operations accept, with the same meaning. */
const commonFilters = {
  "instance-id": (i) => i.instanceId,
  "availability-zone": (i) => i.subnet.availabilityZone,
  "instance-state-name": (i, ctx) => ctx.region.stateOf(i).Name,
  // The low byte only: the high byte is internal, and users filter on 16, not 272.
  "instance-state-code": (i, ctx) => String(ctx.region.stateOf(i).Code! & 0xff),
} satisfies Record<string, InstanceValues>;

/** DescribeInstances' filters, by EC2 name. Values mirror what `Ec2Region.render` shows. */
export const instanceFilters: FilterTable<Ec2Instance, OperationContext> = {
  exact: {
    ...commonFilters,
    "instance-type": (i) => i.instanceType,
    "image-id": (i) => i.image.ImageId,
    "reservation-id": (i) => i.reservationId,
    "root-device-type": (i) => i.image.RootDeviceType,
    "root-device-name": (i) => i.image.RootDeviceName,
    // Linux instances have no Platform at all, so they never match.
    platform: (i) => (i.image.Platform?.toLowerCase() === "windows" ? "windows" : undefined),
    "private-ip-address": (i) => unlessTerminated(i, i.privateIp),
    "private-dns-name": (i, ctx) => unlessTerminated(i, ctx.region.network.privateDnsName(i.privateIp)),
    "ip-address": (i) => publicIpOf(i),
    "dns-name": (i, ctx) => {
      const ip = publicIpOf(i);
      return ip === undefined ? undefined : ctx.region.network.publicDnsName(ip);
    },
    "launch-time": (i) => i.launchTime.toISOString(),
    "hibernation-options.configured": (i) => String(i.hibernationConfigured),
    "vpc-id": (i, ctx) => unlessTerminated(i, ctx.region.network.vpcId),
    "subnet-id": (i) => unlessTerminated(i, i.subnet.subnetId),
    "instance.group-id": (i, ctx) => unlessTerminated(i, ctx.region.network.defaultSecurityGroupId),
    "instance.group-name": (i) => unlessTerminated(i, "default"),
    "key-name": (i) => i.keyName,
    architecture: (i) => i.image.Architecture,
    "owner-id": (_, ctx) => ctx.region.settings.accountId,
    "ami-launch-index": (i) => String(i.launchIndex),
    "client-token": (i) => i.clientToken,
    "state-reason-code": (i) => i.stateReason?.Code,
    "block-device-mapping.volume-id": (i) => (isTerminated(i) ? undefined : i.volumes.map((v) => v.volumeId)),
    tenancy: () => "default",
    "monitoring-state": (i) => (i.launchOptions.monitoring ? "enabled" : "disabled"),
    hypervisor: () => "xen",
    "virtualization-type": (i) => i.image.VirtualizationType,
    // Only Spot, Scheduled and Capacity Block instances carry a lifecycle; the mock launches on-demand ones.
    "instance-lifecycle": () => undefined,
    "tag-key": (i) => [...i.tags.keys()],
    "tag-value": (i) => [...i.tags.values()],
  },
  prefixed: {
    "tag:": (key) => (i) => i.tags.get(key),
  },
};

/** The health DescribeInstanceStatus reports for both its checks. */
type Health = "initializing" | "ok" | "not-applicable";

/**
 * Status checks run only on running instances; they read `initializing`
 * until the engine's ready time has come, then `ok`. A guest reboot does not
 * reset them (decision: EC2 does not document it, and the state stays running).
 */
function healthOf(ctx: OperationContext, instance: Ec2Instance): Health {
  if (instance.machine.phase !== "running") return "not-applicable";
  const readyAt = ctx.region.lifecycle.statusReadyAt(instance.machine);
  return readyAt !== undefined && readyAt <= ctx.now ? "ok" : "initializing";
}

/** The reachability detail of a health, absent when the checks do not apply. */
function reachabilityOf(health: Health): string | undefined {
  if (health === "not-applicable") return undefined;
  return health === "ok" ? "passed" : "initializing";
}

/** The instance and system checks share one health in the mock (no host or guest faults yet). */
const healthFilter: InstanceValues = (i, ctx) => healthOf(ctx, i);
const reachabilityFilter: InstanceValues = (i, ctx) => reachabilityOf(healthOf(ctx, i));

/** DescribeInstanceStatus' filters, by EC2 name. */
export const instanceStatusFilters: FilterTable<Ec2Instance, OperationContext> = {
  exact: {
    ...commonFilters,
    "instance-status.status": healthFilter,
    "instance-status.reachability": reachabilityFilter,
    "system-status.status": healthFilter,
    "system-status.reachability": reachabilityFilter,
  },
};

/** The parameters both operations share. */
interface DescribeInput {
  InstanceIds?: unknown;
  Filters?: unknown;
  MaxResults?: unknown;
  NextToken?: unknown;
  DryRun?: unknown;
}

/** A query that passed every check. */
interface DescribeQuery {
  /** The instances named by `InstanceIds`, or undefined for the whole fleet. */
  readonly named: Ec2Instance[] | undefined;
  readonly filters: readonly FilterSpec[];
  readonly accept: Predicate<Ec2Instance, OperationContext>;
  readonly max: number | undefined;
  readonly after: Position | undefined;
  /** Binds tokens to this query. */
  readonly digest: string;
}

/** `InstanceIds` where it is optional: missing or empty means every instance (EC2's rule). */
export function readOptionalIds(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Filters in a canonical form, so that the same query in another order keeps its tokens. */
export function canonicalFilters(filters: readonly FilterSpec[]): string[] {
  return filters.map((f) => JSON.stringify([f.name, [...new Set(f.values)].sort()])).sort();
}

/**
 * Checks a Describe request in EC2's order: `InstanceIds` with `MaxResults`,
 * the `MaxResults` range, filter names, the token, then ids (malformed, then
 * unknown), authorization and DryRun. `flags` are the operation's other
 * query-defining parameters, bound into the token.
 */
function admit(
  ctx: OperationContext,
  action: string,
  input: DescribeInput,
  table: FilterTable<Ec2Instance, OperationContext>,
  flags: Record<string, unknown> = {},
): DescribeQuery {
  const ids = readOptionalIds(input.InstanceIds);
  const max = readMaxResults(input.MaxResults, ids.length > 0);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, table);
  const digest = digestOf({ action, filters: canonicalFilters(filters), ids: [...new Set(ids)].sort(), ...flags });
  const after = readToken(input.NextToken, digest);
  const named = ids.length > 0 ? findInstances(ctx, ids) : undefined;
  // Describe actions take no resource-level permissions on EC2: they are authorized on "*" only.
  authorizeAndDryRun(ctx, action, [], input.DryRun);
  return { named, filters, accept, max, after, digest };
}

/** Where an instance stands in launch order (its reservation exists while it is visible). */
function positionOf(ctx: OperationContext, instance: Ec2Instance): Position {
  return { seq: ctx.region.reservations.get(instance.reservationId)?.seq ?? 0, index: instance.launchIndex };
}

/** Instances sorted into launch order, each once. */
function inLaunchOrder(ctx: OperationContext, instances: Iterable<Ec2Instance>): Ec2Instance[] {
  const unique = [...new Set(instances)];
  const positions = new Map(unique.map((i) => [i, positionOf(ctx, i)] as const));
  return unique.sort((a, b) => comparePositions(positions.get(a)!, positions.get(b)!));
}

/**
 * Above this share of the fleet, sorting indexed candidates into launch
 * order costs more than walking the fleet, which is in launch order already.
 */
const INDEX_SHARE = 1 / 8;

/**
 * The instances a query may return, in launch order: a superset of the
 * matches, narrowed before per-instance matching (every candidate still
 * goes through the compiled filters, so the answer, its order and its pages
 * are the scan's). Named ids and literal `instance-id` filters are looked up
 * by id; tag filters (`tag:KEY`, `tag-key`, `tag-value`) by the region's tag
 * index, taking the narrowest when there are several.
 *
 * No state index (decision): a state is read lazily from the engine's
 * timeline, so an index of it would have to follow every transition; a tag
 * filter already narrows a query to its few candidates, whose state is then
 * read one by one. A state filter alone scans.
 */
function candidates(ctx: OperationContext, query: DescribeQuery): Iterable<Ec2Instance> {
  if (query.named !== undefined) return inLaunchOrder(ctx, query.named);
  const ids = literalValuesOf(query.filters, "instance-id");
  if (ids !== undefined) {
    const found = ids.map((id) => ctx.region.instances.get(id)).filter((i): i is Ec2Instance => i !== undefined);
    return inLaunchOrder(ctx, found);
  }
  const fleet = ctx.region.instances;
  const tagged = tagCandidates(ctx.region.tagIndex, query.filters, fleet.size * INDEX_SHARE);
  if (tagged !== undefined) return inLaunchOrder(ctx, tagged);
  // The region's Map keeps launch order already.
  return fleet.values();
}

/** Runs a checked query: one page of the instances that pass `visible` and the filters. */
function runQuery(ctx: OperationContext, query: DescribeQuery, visible: (i: Ec2Instance) => boolean): Page<Ec2Instance> {
  return takePage(
    candidates(ctx, query),
    (i) => positionOf(ctx, i),
    (i) => visible(i) && query.accept(i, ctx),
    query.after,
    query.max,
  );
}

/** `{ NextToken }` when another page exists, `{}` otherwise (EC2 omits the element). */
function nextTokenOf(page: Page<Ec2Instance>, query: DescribeQuery): { NextToken?: string } {
  return page.next === undefined ? {} : { NextToken: encodeToken(page.next, query.digest) };
}

/**
 * Groups a page's instances (in launch order) into their reservations. A
 * reservation split across pages appears on each page with that page's
 * instances; one with no matching instance is left out.
 */
function groupByReservation(ctx: OperationContext, instances: readonly Ec2Instance[]): Reservation[] {
  const out: Reservation[] = [];
  let current: Reservation | undefined;
  for (const instance of instances) {
    if (current?.ReservationId !== instance.reservationId) {
      current = { Groups: [], Instances: [], OwnerId: ctx.region.settings.accountId, ReservationId: instance.reservationId };
      out.push(current);
    }
    current.Instances!.push(ctx.region.render(instance));
  }
  return out;
}

/** DescribeInstances: reservations in launch order, filtered and paginated by instance. */
export const describeInstances: Operation<DescribeInstancesCommandInput, DescribeInstancesCommandOutput> = (ctx, input) => {
  const query = admit(ctx, "DescribeInstances", input, instanceFilters);
  const page = runQuery(ctx, query, () => true);
  return { Reservations: groupByReservation(ctx, page.items), ...nextTokenOf(page, query) };
};

/** A check's summary: `Details` only while the check applies. */
function summaryOf(health: Health): InstanceStatusSummary {
  const reachability = reachabilityOf(health);
  if (reachability === undefined) return { Status: "not-applicable" };
  return { Details: [{ Name: "reachability", Status: reachability as "passed" | "initializing" }], Status: health as "ok" | "initializing" };
}

/** One entry of DescribeInstanceStatus' `InstanceStatuses`. */
function renderStatus(ctx: OperationContext, instance: Ec2Instance): InstanceStatus {
  const state = ctx.region.stateOf(instance);
  const health = healthOf(ctx, instance);
  return {
    AvailabilityZone: instance.subnet.availabilityZone,
    InstanceId: instance.instanceId,
    InstanceState: { Code: state.Code!, Name: state.Name! },
    InstanceStatus: summaryOf(health),
    SystemStatus: summaryOf(health),
  };
}

/** DescribeInstanceStatus: running instances (all with `IncludeAllInstances`) and their status checks. */
export const describeInstanceStatus: Operation<DescribeInstanceStatusCommandInput, DescribeInstanceStatusCommandOutput> = (
  ctx,
  input,
) => {
  const includeAll = input.IncludeAllInstances === true;
  const query = admit(ctx, "DescribeInstanceStatus", input, instanceStatusFilters, { includeAll });
  const page = runQuery(ctx, query, (i) => includeAll || i.machine.phase === "running");
  return { InstanceStatuses: page.items.map((i) => renderStatus(ctx, i)), ...nextTokenOf(page, query) };
};
