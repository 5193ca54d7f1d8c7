import type {
  DescribeInstanceStatusCommandInput,
  DescribeInstanceStatusCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  Instance,
  InstanceStatus,
  InstanceStatusSummary,
  Reservation,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { authorizeAndDryRun, findInstances, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import {
  compileFilters,
  type FilterSpec,
  type FilterTable,
  type FilterValues,
  literalValuesOf,
  type Predicate,
  readFilters,
  type ValuesOf,
} from "../filters.js";
import { type Ec2Instance, publicIpOf } from "../model/instance.js";
import { checkFilterCount } from "../model/limits.js";
import { tagCandidates } from "../model/tag-index.js";
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

/**
 * What DescribeInstances shows for an instance, rendered once per call and
 * instance however many filters read it (the predicate runs every filter on
 * one instance before the next, so the last render is all there is to keep).
 * The context is new at every call, so a render never outlives its call.
 */
const lastShown = new WeakMap<OperationContext, { readonly instance: Ec2Instance; readonly shown: Instance }>();

function shownOf(instance: Ec2Instance, ctx: OperationContext): Instance {
  const last = lastShown.get(ctx);
  if (last?.instance === instance) return last.shown;
  const shown = ctx.region.render(instance);
  lastShown.set(ctx, { instance, shown });
  return shown;
}

/** A filter that reads what DescribeInstances shows, so that it matches exactly what the caller sees. */
function shown(read: (shown: Instance, instance: Ec2Instance, ctx: OperationContext) => FilterValues): InstanceValues {
  return (i, ctx) => read(shownOf(i, ctx), i, ctx);
}

/**
 * A shown value as filters compare it: text as is, booleans and numbers in
 * their wire form (`true`, `16`), times in ISO 8601 with milliseconds (the
 * form the reference's examples use). An empty string is no value (decision:
 * EC2 shows `""` where an instance has no public DNS name or no transition
 * reason, and a filter with no values must not count that as having one).
 */
function text(value: string | boolean | number | Date | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The shown values of a list, each read by `read`, without the empty ones. */
function each<T>(items: readonly T[] | undefined, read: (item: T) => string | boolean | number | Date | undefined): string[] {
  const out: string[] = [];
  for (const item of items ?? []) {
    const value = text(read(item));
    if (value !== undefined) out.push(value);
  }
  return out;
}

/** The instance's network interfaces as shown (none once terminated). */
const interfacesOf = (s: Instance) => s.NetworkInterfaces ?? [];
/** Every private IPv4 address of every interface, as shown. */
const addressesOf = (s: Instance) => interfacesOf(s).flatMap((n) => n.PrivateIpAddresses ?? []);
/** The Elastic IP the instance's primary interface holds, if any (its record: the shown association has no ids). */
const elasticIpOf = (i: Ec2Instance, ctx: OperationContext) =>
  i.elasticIp === undefined ? undefined : ctx.region.addresses.byAllocationId.get(i.elasticIp.allocationId);

/** An id of the Elastic IP, read by `id`, when one of the shown `items` (interfaces or their addresses) shows the association. */
function elasticIpId(
  items: (s: Instance) => readonly { Association?: unknown }[],
  id: (address: NonNullable<ReturnType<typeof elasticIpOf>>) => string | undefined,
): InstanceValues {
  return shown((s, i, ctx) => {
    if (!items(s).some((item) => item.Association !== undefined)) return undefined;
    const address = elasticIpOf(i, ctx);
    return address === undefined ? undefined : id(address);
  });
}

/** A documented filter on an attribute the mock never gives an instance: accepted, matches nothing (decision). */
const never: InstanceValues = () => undefined;

/**
 * DescribeInstances' filters, by EC2 name: every filter the API reference
 * lists (DescribeInstances, `Filter.N`), and `tag-value`, which the page no
 * longer lists but EC2 still answers. Values are what `Ec2Region.render`
 * shows, so a filter matches exactly what the caller sees: a terminated
 * instance no longer matches its addresses, subnet, interfaces or volumes.
 * Hot filters read the record directly (their values equal the render's,
 * test/describe-instances.test.ts checks every filter against the output);
 * the rest read the render. Filters on attributes the mock does not model
 * (Dedicated Hosts, Capacity Reservations, IPv6, Outposts, Spot, managed
 * instances, product codes, kernels...) are accepted and match nothing, as
 * EC2 matches nothing for an instance without the attribute.
 */
export const instanceFilters: FilterTable<Ec2Instance, OperationContext> = {
  exact: {
    ...commonFilters,
    affinity: shown((s) => text(s.Placement?.Affinity)),
    architecture: (i) => i.image.Architecture,
    "availability-zone-id": shown((s) => text(s.Placement?.AvailabilityZoneId)),
    "block-device-mapping.attach-time": shown((s) => each(s.BlockDeviceMappings, (b) => b.Ebs?.AttachTime)),
    "block-device-mapping.delete-on-termination": shown((s) => each(s.BlockDeviceMappings, (b) => b.Ebs?.DeleteOnTermination)),
    "block-device-mapping.device-name": shown((s) => each(s.BlockDeviceMappings, (b) => b.DeviceName)),
    "block-device-mapping.status": shown((s) => each(s.BlockDeviceMappings, (b) => b.Ebs?.Status)),
    "block-device-mapping.volume-id": (i) => (isTerminated(i) ? undefined : i.volumes.map((v) => v.volumeId)),
    "boot-mode": shown((s) => text(s.BootMode)),
    "capacity-reservation-id": shown((s) => text(s.CapacityReservationId)),
    "capacity-reservation-specification.capacity-reservation-preference": shown((s) =>
      text(s.CapacityReservationSpecification?.CapacityReservationPreference),
    ),
    "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id": shown((s) =>
      text(s.CapacityReservationSpecification?.CapacityReservationTarget?.CapacityReservationId),
    ),
    "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn": shown((s) =>
      text(s.CapacityReservationSpecification?.CapacityReservationTarget?.CapacityReservationResourceGroupArn),
    ),
    "client-token": (i) => text(i.clientToken),
    "current-instance-boot-mode": shown((s) => text(s.CurrentInstanceBootMode)),
    "dns-name": (i, ctx) => {
      const ip = publicIpOf(i);
      return ip === undefined ? undefined : ctx.region.network.publicDnsName(ip);
    },
    "ebs-optimized": shown((s) => text(s.EbsOptimized)),
    "ena-support": shown((s) => text(s.EnaSupport)),
    "enclave-options.enabled": shown((s) => text(s.EnclaveOptions?.Enabled)),
    "hibernation-options.configured": (i) => String(i.hibernationConfigured),
    "host-id": shown((s) => text(s.Placement?.HostId)),
    hypervisor: shown((s) => text(s.Hypervisor)),
    "iam-instance-profile.arn": shown((s) => text(s.IamInstanceProfile?.Arn)),
    "iam-instance-profile.id": shown((s) => text(s.IamInstanceProfile?.Id)),
    "image-id": (i) => i.image.ImageId,
    "instance-lifecycle": shown((s) => text(s.InstanceLifecycle)),
    "instance-type": (i) => i.instanceType,
    "instance.group-id": (i) => unlessTerminated(i, i.securityGroupIds),
    "instance.group-name": (i, ctx) =>
      unlessTerminated(
        i,
        i.securityGroupIds.map((id) => ctx.region.securityGroups.get(id)?.groupName ?? ""),
      ),
    "ip-address": (i) => publicIpOf(i),
    "ipv6-address": shown((s) => text(s.Ipv6Address)),
    "kernel-id": shown((s) => text(s.KernelId)),
    "key-name": (i) => i.keyName,
    "launch-index": (i) => String(i.launchIndex),
    "launch-time": (i) => i.launchTime.toISOString(),
    "maintenance-options.auto-recovery": shown((s) => text(s.MaintenanceOptions?.AutoRecovery)),
    "metadata-options.http-endpoint": shown((s) => text(s.MetadataOptions?.HttpEndpoint)),
    // The SDK's InstanceMetadataOptionsResponse has no IPv4 member: nothing shown, nothing matched.
    "metadata-options.http-protocol-ipv4": never,
    "metadata-options.http-protocol-ipv6": shown((s) => text(s.MetadataOptions?.HttpProtocolIpv6)),
    "metadata-options.http-put-response-hop-limit": shown((s) => text(s.MetadataOptions?.HttpPutResponseHopLimit)),
    "metadata-options.http-tokens": shown((s) => text(s.MetadataOptions?.HttpTokens)),
    "metadata-options.instance-metadata-tags": shown((s) => text(s.MetadataOptions?.InstanceMetadataTags)),
    "metadata-options.state": shown((s) => text(s.MetadataOptions?.State)),
    "monitoring-state": shown((s) => text(s.Monitoring?.State)),
    "network-interface.addresses.association.allocation-id": elasticIpId(addressesOf, (a) => a.allocationId),
    "network-interface.addresses.association.association-id": elasticIpId(addressesOf, (a) => a.association?.associationId),
    "network-interface.addresses.association.carrier-ip": shown((s) => each(addressesOf(s), (a) => a.Association?.CarrierIp)),
    "network-interface.addresses.association.customer-owned-ip": shown((s) => each(addressesOf(s), (a) => a.Association?.CustomerOwnedIp)),
    "network-interface.addresses.association.ip-owner-id": shown((s) => each(addressesOf(s), (a) => a.Association?.IpOwnerId)),
    "network-interface.addresses.association.public-dns-name": shown((s) => each(addressesOf(s), (a) => a.Association?.PublicDnsName)),
    "network-interface.addresses.association.public-ip": shown((s) => each(addressesOf(s), (a) => a.Association?.PublicIp)),
    "network-interface.addresses.primary": shown((s) => each(addressesOf(s), (a) => a.Primary)),
    "network-interface.addresses.private-dns-name": shown((s) => each(addressesOf(s), (a) => a.PrivateDnsName)),
    "network-interface.addresses.private-ip-address": shown((s) => each(addressesOf(s), (a) => a.PrivateIpAddress)),
    "network-interface.association.allocation-id": elasticIpId(interfacesOf, (a) => a.allocationId),
    "network-interface.association.association-id": elasticIpId(interfacesOf, (a) => a.association?.associationId),
    "network-interface.association.carrier-ip": shown((s) => each(interfacesOf(s), (n) => n.Association?.CarrierIp)),
    "network-interface.association.customer-owned-ip": shown((s) => each(interfacesOf(s), (n) => n.Association?.CustomerOwnedIp)),
    "network-interface.association.ip-owner-id": shown((s) => each(interfacesOf(s), (n) => n.Association?.IpOwnerId)),
    "network-interface.association.public-dns-name": shown((s) => each(interfacesOf(s), (n) => n.Association?.PublicDnsName)),
    "network-interface.association.public-ip": shown((s) => each(interfacesOf(s), (n) => n.Association?.PublicIp)),
    "network-interface.attachment.attach-time": shown((s) => each(interfacesOf(s), (n) => n.Attachment?.AttachTime)),
    "network-interface.attachment.attachment-id": shown((s) => each(interfacesOf(s), (n) => n.Attachment?.AttachmentId)),
    "network-interface.attachment.delete-on-termination": shown((s) => each(interfacesOf(s), (n) => n.Attachment?.DeleteOnTermination)),
    "network-interface.attachment.device-index": shown((s) => each(interfacesOf(s), (n) => n.Attachment?.DeviceIndex)),
    // Not part of the shown attachment, but what it means: the interface is attached to this instance, of this account.
    "network-interface.attachment.instance-id": shown((s) => each(interfacesOf(s), () => s.InstanceId)),
    "network-interface.attachment.instance-owner-id": shown((s, _, ctx) => each(interfacesOf(s), () => ctx.region.settings.accountId)),
    "network-interface.attachment.network-card-index": shown((s) => each(interfacesOf(s), (n) => n.Attachment?.NetworkCardIndex)),
    "network-interface.attachment.status": shown((s) => each(interfacesOf(s), (n) => n.Attachment?.Status)),
    "network-interface.availability-zone": shown((s) => each(interfacesOf(s), () => s.Placement?.AvailabilityZone)),
    "network-interface.deny-all-igw-traffic": never,
    "network-interface.description": shown((s) => each(interfacesOf(s), (n) => n.Description)),
    "network-interface.group-id": shown((s) => interfacesOf(s).flatMap((n) => each(n.Groups, (g) => g.GroupId))),
    "network-interface.group-name": shown((s) => interfacesOf(s).flatMap((n) => each(n.Groups, (g) => g.GroupName))),
    "network-interface.ipv4-prefixes.ipv4-prefix": shown((s) => interfacesOf(s).flatMap((n) => each(n.Ipv4Prefixes, (p) => p.Ipv4Prefix))),
    "network-interface.ipv6-address": shown((s) => interfacesOf(s).flatMap((n) => each(n.Ipv6Addresses, (a) => a.Ipv6Address))),
    "network-interface.ipv6-addresses.ipv6-address": shown((s) =>
      interfacesOf(s).flatMap((n) => each(n.Ipv6Addresses, (a) => a.Ipv6Address)),
    ),
    "network-interface.ipv6-addresses.is-primary-ipv6": shown((s) =>
      interfacesOf(s).flatMap((n) => each(n.Ipv6Addresses, (a) => a.IsPrimaryIpv6)),
    ),
    "network-interface.ipv6-native": never,
    "network-interface.ipv6-prefixes.ipv6-prefix": shown((s) => interfacesOf(s).flatMap((n) => each(n.Ipv6Prefixes, (p) => p.Ipv6Prefix))),
    "network-interface.mac-address": shown((s) => each(interfacesOf(s), (n) => n.MacAddress)),
    "network-interface.network-interface-id": shown((s) => each(interfacesOf(s), (n) => n.NetworkInterfaceId)),
    "network-interface.operator.managed": shown((s) => each(interfacesOf(s), (n) => n.Operator?.Managed)),
    "network-interface.operator.principal": shown((s) => each(interfacesOf(s), (n) => n.Operator?.Principal)),
    "network-interface.outpost-arn": never,
    "network-interface.owner-id": shown((s) => each(interfacesOf(s), (n) => n.OwnerId)),
    "network-interface.private-dns-name": shown((s) => each(interfacesOf(s), (n) => n.PrivateDnsName)),
    "network-interface.private-ip-address": shown((s) => each(interfacesOf(s), (n) => n.PrivateIpAddress)),
    "network-interface.public-dns-name": shown((s) => each(interfacesOf(s), (n) => n.Association?.PublicDnsName)),
    "network-interface.requester-id": never,
    "network-interface.requester-managed": never,
    "network-interface.status": shown((s) => each(interfacesOf(s), (n) => n.Status)),
    "network-interface.source-dest-check": shown((s) => each(interfacesOf(s), (n) => n.SourceDestCheck)),
    "network-interface.subnet-id": shown((s) => each(interfacesOf(s), (n) => n.SubnetId)),
    // The mock keeps no tags on network interfaces (RunInstances' network-interface tags only reach IAM).
    "network-interface.tag-key": never,
    "network-interface.tag-value": never,
    "network-interface.vpc-id": shown((s) => each(interfacesOf(s), (n) => n.VpcId)),
    "network-performance-options.bandwidth-weighting": shown((s) => text(s.NetworkPerformanceOptions?.BandwidthWeighting)),
    "operator.managed": shown((s) => text(s.Operator?.Managed)),
    "operator.principal": shown((s) => text(s.Operator?.Principal)),
    "outpost-arn": shown((s) => text(s.OutpostArn)),
    "owner-id": (_, ctx) => ctx.region.settings.accountId,
    "placement-group-name": shown((s) => text(s.Placement?.GroupName)),
    "placement-partition-number": shown((s) => text(s.Placement?.PartitionNumber)),
    // Linux instances have no Platform at all, so they never match.
    platform: (i) => (i.image.Platform?.toLowerCase() === "windows" ? "windows" : undefined),
    "platform-details": shown((s) => text(s.PlatformDetails)),
    "private-dns-name": (i, ctx) => unlessTerminated(i, ctx.region.network.privateDnsName(i.privateIp)),
    "private-dns-name-options.enable-resource-name-dns-a-record": shown((s) => text(s.PrivateDnsNameOptions?.EnableResourceNameDnsARecord)),
    "private-dns-name-options.enable-resource-name-dns-aaaa-record": shown((s) =>
      text(s.PrivateDnsNameOptions?.EnableResourceNameDnsAAAARecord),
    ),
    "private-dns-name-options.hostname-type": shown((s) => text(s.PrivateDnsNameOptions?.HostnameType)),
    "private-ip-address": (i) => unlessTerminated(i, i.privateIp),
    "product-code": shown((s) => each(s.ProductCodes, (p) => p.ProductCodeId)),
    "product-code.type": shown((s) => each(s.ProductCodes, (p) => p.ProductCodeType)),
    "ramdisk-id": shown((s) => text(s.RamdiskId)),
    reason: (i) => text(i.stateTransitionReason),
    "requester-id": never,
    "reservation-id": (i) => i.reservationId,
    "root-device-name": (i) => i.image.RootDeviceName,
    "root-device-type": (i) => i.image.RootDeviceType,
    "source-dest-check": shown((s) => text(s.SourceDestCheck)),
    "spot-instance-request-id": shown((s) => text(s.SpotInstanceRequestId)),
    "state-reason-code": (i) => i.stateReason?.Code,
    "state-reason-message": (i) => i.stateReason?.Message,
    "subnet-id": (i) => unlessTerminated(i, i.subnet.subnetId),
    "tag-key": (i) => [...i.tags.keys()],
    "tag-value": (i) => [...i.tags.values()],
    tenancy: shown((s) => text(s.Placement?.Tenancy)),
    "tpm-support": shown((s) => text(s.TpmSupport)),
    "usage-operation": shown((s) => text(s.UsageOperation)),
    "usage-operation-update-time": shown((s) => text(s.UsageOperationUpdateTime)),
    "virtualization-type": (i) => i.image.VirtualizationType,
    "vpc-id": (i) => unlessTerminated(i, i.subnet.vpcId),
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
  const readyAt = ctx.region.engine.statusReadyAt(instance.machine);
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

/** The mock schedules no events, so an instance has no value for any `event.*` filter and never matches one. */
const noEvent: InstanceValues = () => undefined;

/**
 * DescribeInstanceStatus' filters, by EC2 name (every one the API reference
 * lists, but those in `unmodelledStatusFilters`).
 */
export const instanceStatusFilters: FilterTable<Ec2Instance, OperationContext> = {
  exact: {
    ...commonFilters,
    "instance-status.status": healthFilter,
    "instance-status.reachability": reachabilityFilter,
    "system-status.status": healthFilter,
    "system-status.reachability": reachabilityFilter,
    "event.code": noEvent,
    "event.description": noEvent,
    "event.instance-event-id": noEvent,
    "event.not-after": noEvent,
    "event.not-before": noEvent,
    "event.not-before-deadline": noEvent,
    // No instance of the mock is managed by an AWS service: `false`, and no principal.
    "operator.managed": () => "false",
    "operator.principal": () => undefined,
  },
};

/**
 * Filters the API reference lists that the mock does not model: refused by
 * name (UnsupportedOperation) rather than matched against values the mock
 * does not have. The mock shows no zone ids, no attached-EBS and no
 * application status.
 */
export const unmodelledStatusFilters: ReadonlySet<string> = new Set([
  "availability-zone-id",
  "attached-ebs-status.status",
  "application-status.status",
]);

/** DescribeInstanceStatus takes at most 100 explicit ids (API reference). */
const MAX_STATUS_IDS = 100;

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
  // Every member is modelled. IncludeManagedResources shows instances that AWS services manage even when they are
  // hidden; the mock launches no managed instance, so the answer is the same either way (decision). Checked before
  // `admit`, which reads the other parameters and then authorizes: a member the mock does not model is itself a
  // parameter it cannot read, and must be refused before authorization and DryRun.
  refuseUnmodelled("DescribeInstances", input, ["InstanceIds", "IncludeManagedResources", "Filters", "NextToken", "MaxResults"]);
  const query = admit(ctx, "DescribeInstances", input, instanceFilters);
  const page = runQuery(ctx, query, () => true);
  return { Reservations: groupByReservation(ctx, page.items), ...nextTokenOf(page, query) };
};

/** A check's summary: `Details` only while the check applies. */
function summaryOf(health: Health): InstanceStatusSummary {
  const reachability = reachabilityOf(health);
  if (reachability === undefined) return { Status: "not-applicable" };
  return {
    Details: [{ Name: "reachability", Status: reachability as "passed" | "initializing" }],
    Status: health as "ok" | "initializing",
  };
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
export const describeInstanceStatus: Operation<DescribeInstanceStatusCommandInput, DescribeInstanceStatusCommandOutput> = (ctx, input) => {
  // IncludeManagedResources: the mock has no managed instances, so every instance is listed either way.
  refuseUnmodelled("DescribeInstanceStatus", input, [
    "InstanceIds",
    "MaxResults",
    "NextToken",
    "IncludeManagedResources",
    "Filters",
    "IncludeAllInstances",
  ]);
  if (Array.isArray(input.Filters)) {
    for (const filter of input.Filters as unknown[]) {
      const name = (filter as { Name?: unknown } | null)?.Name;
      if (typeof name === "string" && unmodelledStatusFilters.has(name)) throw errors.unmodelledFilter("DescribeInstanceStatus", name);
    }
  }
  const count = readOptionalIds(input.InstanceIds).length;
  if (count > MAX_STATUS_IDS) throw errors.tooManyInstanceIds(count, MAX_STATUS_IDS);
  const includeAll = input.IncludeAllInstances === true;
  const query = admit(ctx, "DescribeInstanceStatus", input, instanceStatusFilters, { includeAll });
  const page = runQuery(ctx, query, (i) => includeAll || i.machine.phase === "running");
  return { InstanceStatuses: page.items.map((i) => renderStatus(ctx, i)), ...nextTokenOf(page, query) };
};
