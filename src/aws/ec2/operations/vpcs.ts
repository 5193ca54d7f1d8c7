import type {
  CreateDefaultVpcCommandInput,
  CreateDefaultVpcCommandOutput,
  CreateSubnetCommandInput,
  CreateSubnetCommandOutput,
  CreateVpcCommandInput,
  CreateVpcCommandOutput,
  DeleteSubnetCommandInput,
  DeleteSubnetCommandOutput,
  DeleteVpcCommandInput,
  DeleteVpcCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  DescribeVpcsCommandInput,
  DescribeVpcsCommandOutput,
  ModifySubnetAttributeCommandInput,
  ModifySubnetAttributeCommandOutput,
  Subnet as SdkSubnet,
  Vpc as SdkVpc,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { ec2Arn, newResource } from "../../iam/resources.js";
import { authorizeAndDryRun, optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterSpec, type FilterTable, literalValuesOf, readFilters } from "../filters.js";
import { blockSize, parseCidr } from "../model/address-space.js";
import { isWellFormedId } from "../model/ids.js";
import { checkFilterCount } from "../model/limits.js";
import type { Subnet, Vpc } from "../model/network.js";
import { subnetAuthResource, vpcResource } from "../model/network-families.js";
import type { CatalogueZone } from "../model/region-catalogue.js";
import { readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, type Position, readMaxResults, readToken, takePage } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";

/**
 * VPCs and subnets: CreateVpc, DeleteVpc, DescribeVpcs, CreateDefaultVpc,
 * CreateSubnet, DeleteSubnet, DescribeSubnets and ModifySubnetAttribute, in
 * EC2's order of checks (parameters → ids → authorization → DryRun → state
 * rules → effect). Sources of every rule: docs/behaviour.md, "VPCs and
 * subnets".
 */

/** EC2's widest and narrowest IPv4 block for a VPC or a subnet (VPC user guide, "VPC CIDR blocks"). */
const WIDEST_PREFIX = 16;
/** See {@link WIDEST_PREFIX}. */
const NARROWEST_PREFIX = 28;
/** Quota "VPCs per Region" (default 5, the default VPC included). */
export const MAX_VPCS_PER_REGION = 5;
/** Quota "Subnets per VPC" (default 200). */
export const MAX_SUBNETS_PER_VPC = 200;

/** DescribeVpcs' and DescribeSubnets' page sizes: 5..1000 (API reference, `MaxResults`). */
const vpcsMaxResults: MaxResultsRule = { idsParameter: "vpcIds", min: 5, max: 1000, above: "error" };
const subnetsMaxResults: MaxResultsRule = { idsParameter: "subnetIds", min: 5, max: 1000, above: "error" };

/**
 * A CidrBlock parameter: a dotted quad and a prefix length, the first
 * address of its block (host bits set: refused, decision). Undefined when
 * absent (the caller answers EC2's MissingParameter).
 */
function readCidr(value: unknown): { text: string; first: number; prefix: number } | undefined {
  const text = optionalString(value);
  if (text === undefined) throw errors.cidrBlockRequired();
  const cidr = parseCidr(text);
  if (cidr === undefined || cidr.first % blockSize(cidr.prefix) !== 0) throw errors.notACidrBlock(text);
  return { text, ...cidr };
}

/** EC2's tag list of a record, or nothing when it has none. */
function tagList(tags: ReadonlyMap<string, string>): { Tags?: { Key: string; Value: string }[] } {
  return tags.size === 0 ? {} : { Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) };
}

/** A VPC as EC2 shows it (`State` is `pending` in a Create answer, `available` after). */
export function renderVpc(ctx: OperationContext, vpc: Vpc, state: "pending" | "available" = "available"): SdkVpc {
  return {
    OwnerId: ctx.region.settings.accountId,
    InstanceTenancy: vpc.instanceTenancy,
    CidrBlockAssociationSet: [{ AssociationId: vpc.cidrAssociationId, CidrBlock: vpc.cidrBlock, CidrBlockState: { State: "associated" } }],
    IsDefault: vpc.isDefault,
    BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
    VpcId: vpc.vpcId,
    State: state,
    CidrBlock: vpc.cidrBlock,
    DhcpOptionsId: ctx.region.network.dhcpOptionsId,
    ...tagList(vpc.tags),
  };
}

/** A subnet as EC2 shows it; `AvailableIpAddressCount` from its pool's count (no instance is scanned). */
export function renderSubnet(ctx: OperationContext, subnet: Subnet): SdkSubnet {
  const settings = ctx.region.settings;
  return {
    AvailabilityZoneId: subnet.availabilityZoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: settings.accountId,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    ...tagList(subnet.tags),
    SubnetArn: ec2Arn(settings, "subnet", subnet.subnetId),
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: { HostnameType: "ip-name", EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
    SubnetId: subnet.subnetId,
    State: "available",
    VpcId: subnet.vpcId,
    CidrBlock: subnet.cidrBlock,
    AvailableIpAddressCount: ctx.region.network.freeAddresses(subnet),
    AvailabilityZone: subnet.availabilityZone,
    DefaultForAz: subnet.defaultForAz,
    MapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
  };
}

/** A VPC id, well formed and existing. */
function findVpc(ctx: OperationContext, id: string): Vpc {
  if (!isWellFormedId("vpc", id)) throw errors.malformedVpcId(id);
  const vpc = ctx.region.network.vpc(id);
  if (vpc === undefined) throw errors.vpcNotFound(id);
  return vpc;
}

/** A subnet id, well formed and existing. */
function findSubnet(ctx: OperationContext, id: string): Subnet {
  if (!isWellFormedId("subnet", id)) throw errors.malformedSubnetId(id);
  const subnet = ctx.region.network.subnet(id);
  if (subnet === undefined) throw errors.subnetNotFound(id);
  return subnet;
}

/** A required id parameter. */
function requiredId(value: unknown, name: string): string {
  const id = optionalString(value);
  if (id === undefined || id === "") throw errors.missingParameter(name);
  return id;
}

/** How many VPCs the region has (the quota counts the default VPC). */
function vpcCount(ctx: OperationContext): number {
  let n = 0;
  for (const _ of ctx.region.network.allVpcs()) n++;
  return n;
}

/** CreateVpc: a VPC with an IPv4 block from /16 to /28, `default` or `dedicated` tenancy, tagged on creation. */
export const createVpc: Operation<CreateVpcCommandInput, CreateVpcCommandOutput> = (ctx, input) => {
  // No Amazon-provided IPv6 block is modelled: `false` is what omitting it means.
  const { AmazonProvidedIpv6CidrBlock: ipv6, ...rest } = input;
  refuseUnmodelled("CreateVpc", ipv6 === true ? input : rest, ["CidrBlock", "TagSpecifications", "InstanceTenancy"]);
  const cidr = readCidr(input.CidrBlock)!;
  if (cidr.prefix < WIDEST_PREFIX || cidr.prefix > NARROWEST_PREFIX) throw errors.vpcRange(cidr.text);
  const tenancy = optionalString(input.InstanceTenancy) ?? "default";
  if (tenancy !== "default" && tenancy !== "dedicated") throw errors.notOneOf("instanceTenancy", tenancy, ["default", "dedicated"]);
  const tags = readTagsOf(input.TagSpecifications, "vpc");
  const created = newResource(ctx.region.settings, "vpc", { "ec2:Tenancy": tenancy }, tags);
  ctx.authorize("CreateVpc", [created]);
  if (tags.size > 0) ctx.authorize("CreateTags", [created], { keys: { "ec2:CreateAction": "CreateVpc" } });
  if (input.DryRun === true) throw errors.dryRun();
  if (vpcCount(ctx) >= MAX_VPCS_PER_REGION) throw errors.vpcLimit();
  const vpc = ctx.region.network.createVpc(cidr.text, { tenancy, tags });
  return { Vpc: renderVpc(ctx, vpc, "pending") };
};

/** DeleteVpc: only a VPC with no subnets (hence no instances) and nothing else hooked to it (security groups). */
export const deleteVpc: Operation<DeleteVpcCommandInput, DeleteVpcCommandOutput> = (ctx, input) => {
  const id = requiredId(input.VpcId, "VpcId");
  refuseUnmodelled("DeleteVpc", input, ["VpcId"]);
  const vpc = findVpc(ctx, id);
  authorizeAndDryRun(ctx, "DeleteVpc", [vpcResource(ctx.region, vpc)], input.DryRun);
  if (ctx.region.network.vpcHasDependencies(vpc)) throw errors.vpcHasDependencies(vpc.vpcId);
  ctx.region.network.deleteVpc(vpc);
  return {};
};

/** CreateDefaultVpc: the default VPC and its default subnets, laid out again, when the region has none. */
export const createDefaultVpc: Operation<CreateDefaultVpcCommandInput, CreateDefaultVpcCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateDefaultVpc", input, []);
  authorizeAndDryRun(ctx, "CreateDefaultVpc", [newResource(ctx.region.settings, "vpc", { "ec2:Tenancy": "default" })], input.DryRun);
  if (ctx.region.network.defaultVpc() !== undefined) throw errors.defaultVpcExists();
  if (vpcCount(ctx) >= MAX_VPCS_PER_REGION) throw errors.vpcLimit();
  const vpc = ctx.region.network.createDefaultVpc();
  return { Vpc: renderVpc(ctx, vpc, "pending") };
};

/** DescribeVpcs' filters, by EC2 name (source: API reference, DescribeVpcs). Values mirror `renderVpc`. */
export const vpcFilters: FilterTable<Vpc, OperationContext> = {
  exact: {
    cidr: (v) => v.cidrBlock,
    "cidr-block-association.cidr-block": (v) => v.cidrBlock,
    "cidr-block-association.association-id": (v) => v.cidrAssociationId,
    "cidr-block-association.state": () => "associated",
    "dhcp-options-id": (_, ctx) => ctx.region.network.dhcpOptionsId,
    // No IPv6 block is modelled: no VPC matches, not even "has any value".
    "ipv6-cidr-block-association.ipv6-cidr-block": () => undefined,
    "ipv6-cidr-block-association.ipv6-pool": () => undefined,
    "ipv6-cidr-block-association.association-id": () => undefined,
    "ipv6-cidr-block-association.state": () => undefined,
    "is-default": (v) => String(v.isDefault),
    // Not in the reference's list, but AWS's own tutorials filter by it (aws-samples/cfn101-workshop): decision.
    isDefault: (v) => String(v.isDefault),
    "owner-id": (_, ctx) => ctx.region.settings.accountId,
    state: () => "available",
    "tag-key": (v) => [...v.tags.keys()],
    // Not in the reference's list; accepted as on the other Describe actions (decision).
    "tag-value": (v) => [...v.tags.values()],
    "vpc-id": (v) => v.vpcId,
  },
  prefixed: {
    "tag:": (key) => (v) => v.tags.get(key),
  },
};

/** DescribeSubnets' filters, by EC2 name and its documented aliases (source: API reference, DescribeSubnets). */
export const subnetFilters: FilterTable<Subnet, OperationContext> = {
  exact: {
    "availability-zone": (s) => s.availabilityZone,
    availabilityZone: (s) => s.availabilityZone,
    "availability-zone-id": (s) => s.availabilityZoneId,
    availabilityZoneId: (s) => s.availabilityZoneId,
    "available-ip-address-count": (s, ctx) => String(ctx.region.network.freeAddresses(s)),
    "cidr-block": (s) => s.cidrBlock,
    cidr: (s) => s.cidrBlock,
    cidrBlock: (s) => s.cidrBlock,
    "customer-owned-ipv4-pool": () => undefined,
    "default-for-az": (s) => String(s.defaultForAz),
    defaultForAz: (s) => String(s.defaultForAz),
    "enable-dns64": () => "false",
    "enable-lni-at-device-index": () => undefined,
    "ipv6-cidr-block-association.ipv6-cidr-block": () => undefined,
    "ipv6-cidr-block-association.association-id": () => undefined,
    "ipv6-cidr-block-association.state": () => undefined,
    "ipv6-native": () => "false",
    "map-customer-owned-ip-on-launch": () => "false",
    "map-public-ip-on-launch": (s) => String(s.mapPublicIpOnLaunch),
    "outpost-arn": () => undefined,
    "owner-id": (_, ctx) => ctx.region.settings.accountId,
    "private-dns-name-options-on-launch.hostname-type": () => "ip-name",
    "private-dns-name-options-on-launch.enable-resource-name-dns-a-record": () => "false",
    "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record": () => "false",
    state: () => "available",
    "subnet-arn": (s, ctx) => ec2Arn(ctx.region.settings, "subnet", s.subnetId),
    "subnet-id": (s) => s.subnetId,
    "tag-key": (s) => [...s.tags.keys()],
    "tag-value": (s) => [...s.tags.values()],
    "vpc-id": (s) => s.vpcId,
  },
  prefixed: {
    "tag:": (key) => (s) => s.tags.get(key),
  },
};

/** Where a VPC or subnet stands in creation order. */
function positionOf(record: { readonly seq: number }): Position {
  return { seq: record.seq, index: 0 };
}

/**
 * The common part of DescribeVpcs and DescribeSubnets: `MaxResults`,
 * filter names, the token, ids (malformed, then unknown), authorization,
 * DryRun, then one page of the records in creation order. EC2 lets
 * `MaxResults` go with ids here (decision: nothing documents otherwise).
 */
function describePage<T extends { readonly seq: number }>(
  ctx: OperationContext,
  input: { Filters?: unknown; NextToken?: unknown; MaxResults?: unknown; DryRun?: boolean },
  how: {
    action: string;
    ids: string[];
    rule: MaxResultsRule;
    table: FilterTable<T, OperationContext>;
    idFilter: string;
    checkShape: (id: string) => void;
    find: (id: string) => T;
    get: (id: string) => T | undefined;
    all: () => Iterable<T>;
  },
): { items: T[]; NextToken?: string } {
  const max = readMaxResults(input.MaxResults, false, how.rule);
  checkFilterCount(input.Filters);
  const filters: FilterSpec[] = readFilters(input.Filters);
  const accept = compileFilters(filters, how.table);
  const digest = digestOf({ action: how.action, filters: canonicalFilters(filters), ids: [...new Set(how.ids)].sort() });
  const after = readToken(input.NextToken, digest);
  // Every id well formed first, then every id known (EC2's order).
  for (const id of how.ids) how.checkShape(id);
  const named = how.ids.length > 0 ? [...new Set(how.ids.map(how.find))].sort((a, b) => a.seq - b.seq) : undefined;
  authorizeAndDryRun(ctx, how.action, [], input.DryRun);
  let candidates: Iterable<T> = named ?? how.all();
  const literal = named === undefined ? literalValuesOf(filters, how.idFilter) : undefined;
  if (literal !== undefined) {
    candidates = [...new Set(literal)]
      .map(how.get)
      .filter((r): r is T => r !== undefined)
      .sort((a, b) => a.seq - b.seq);
  }
  const page = takePage(candidates, positionOf, (r) => accept(r, ctx), after, max);
  return { items: page.items, ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }) };
}

/** DescribeVpcs: the region's VPCs in creation order, by id and filters, paged. */
export const describeVpcs: Operation<DescribeVpcsCommandInput, DescribeVpcsCommandOutput> = (ctx, input) => {
  const ids = readOptionalIds(input.VpcIds);
  refuseUnmodelled("DescribeVpcs", input, ["Filters", "VpcIds", "NextToken", "MaxResults"]);
  const network = ctx.region.network;
  const page = describePage(ctx, input, {
    action: "DescribeVpcs",
    ids,
    rule: vpcsMaxResults,
    table: vpcFilters,
    idFilter: "vpc-id",
    checkShape: (id) => {
      if (!isWellFormedId("vpc", id)) throw errors.malformedVpcId(id);
    },
    find: (id) => findVpc(ctx, id),
    get: (id) => network.vpc(id),
    all: () => network.allVpcs(),
  });
  return { Vpcs: page.items.map((v) => renderVpc(ctx, v)), ...(page.NextToken === undefined ? {} : { NextToken: page.NextToken }) };
};

/** DescribeSubnets: the region's subnets in creation order, by id and filters, paged; no instance is read. */
export const describeSubnets: Operation<DescribeSubnetsCommandInput, DescribeSubnetsCommandOutput> = (ctx, input) => {
  const ids = readOptionalIds(input.SubnetIds);
  refuseUnmodelled("DescribeSubnets", input, ["Filters", "SubnetIds", "NextToken", "MaxResults"]);
  const network = ctx.region.network;
  const page = describePage(ctx, input, {
    action: "DescribeSubnets",
    ids,
    rule: subnetsMaxResults,
    table: subnetFilters,
    idFilter: "subnet-id",
    checkShape: (id) => {
      if (!isWellFormedId("subnet", id)) throw errors.malformedSubnetId(id);
    },
    find: (id) => findSubnet(ctx, id),
    get: (id) => network.subnet(id),
    all: () => network.subnetValues(),
  });
  return {
    Subnets: page.items.map((s) => renderSubnet(ctx, s)),
    ...(page.NextToken === undefined ? {} : { NextToken: page.NextToken }),
  };
};

/**
 * CreateSubnet's zone: by name or by id (not both); neither is the region's
 * first zone (EC2 picks one; decision).
 */
function readSubnetZone(ctx: OperationContext, input: CreateSubnetCommandInput): CatalogueZone {
  const network = ctx.region.network;
  const name = optionalString(input.AvailabilityZone);
  const id = optionalString(input.AvailabilityZoneId);
  if (name !== undefined && id !== undefined) throw errors.zoneAndZoneId();
  if (name !== undefined) {
    const zone = network.zoneNamed(name);
    if (zone === undefined)
      throw errors.subnetZoneInvalid(
        "availabilityZone",
        name,
        network.zones.map((z) => z.ZoneName),
      );
    return zone;
  }
  if (id !== undefined) {
    const zone = network.zoneWithId(id);
    if (zone === undefined)
      throw errors.subnetZoneInvalid(
        "availabilityZoneId",
        id,
        network.zones.map((z) => z.ZoneId),
      );
    return zone;
  }
  return network.zones[0]!;
}

/**
 * CreateSubnet: a block from /16 to /28 inside its VPC's, overlapping none
 * of the VPC's other subnets, in a zone of the region; MapPublicIpOnLaunch
 * off (only default subnets have it on).
 */
export const createSubnet: Operation<CreateSubnetCommandInput, CreateSubnetCommandOutput> = (ctx, input) => {
  const vpcId = requiredId(input.VpcId, "VpcId");
  // No IPv6 is modelled: Ipv6Native `false` is what omitting it means.
  const { Ipv6Native: ipv6Native, ...rest } = input;
  refuseUnmodelled("CreateSubnet", ipv6Native === true ? input : rest, [
    "TagSpecifications",
    "AvailabilityZone",
    "AvailabilityZoneId",
    "CidrBlock",
    "VpcId",
  ]);
  const cidr = readCidr(input.CidrBlock)!;
  if (cidr.prefix < WIDEST_PREFIX || cidr.prefix > NARROWEST_PREFIX) throw errors.subnetRange(cidr.text);
  const tags = readTagsOf(input.TagSpecifications, "subnet");
  const vpc = findVpc(ctx, vpcId);
  const zone = readSubnetZone(ctx, input);
  const settings = ctx.region.settings;
  const created = newResource(
    settings,
    "subnet",
    { "ec2:AvailabilityZone": zone.ZoneName, "ec2:Vpc": ec2Arn(settings, "vpc", vpc.vpcId) },
    tags,
  );
  ctx.authorize("CreateSubnet", [created, vpcResource(ctx.region, vpc)]);
  if (tags.size > 0) ctx.authorize("CreateTags", [created], { keys: { "ec2:CreateAction": "CreateSubnet" } });
  if (input.DryRun === true) throw errors.dryRun();
  const size = blockSize(cidr.prefix);
  if (cidr.first < vpc.first || cidr.first + size > vpc.first + vpc.size) throw errors.subnetRange(cidr.text);
  if (ctx.region.network.conflictingSubnet(vpc, cidr.first, size) !== undefined) throw errors.subnetConflict(cidr.text);
  if (ctx.region.network.subnetsOf(vpc).length >= MAX_SUBNETS_PER_VPC) throw errors.subnetLimit();
  const subnet = ctx.region.network.createSubnet(vpc, cidr.text, zone, { tags });
  return { Subnet: renderSubnet(ctx, subnet) };
};

/** Whether an instance that is not terminated has its interface in the subnet (only then it holds an address there). */
function subnetInUse(ctx: OperationContext, subnet: Subnet): boolean {
  // An ELBv2 load balancer has its network interfaces in each of its subnets.
  if (ctx.region.elbv2.usesSubnet(subnet.subnetId)) return true;
  if (ctx.region.network.usedAddresses(subnet) === 0) return false;
  for (const instance of ctx.region.instances.values()) {
    if (instance.subnet === subnet && instance.machine.phase !== "terminated") return true;
  }
  return false;
}

/** DeleteSubnet: only a subnet no instance (other than a terminated one) uses. */
export const deleteSubnet: Operation<DeleteSubnetCommandInput, DeleteSubnetCommandOutput> = (ctx, input) => {
  const id = requiredId(input.SubnetId, "SubnetId");
  refuseUnmodelled("DeleteSubnet", input, ["SubnetId"]);
  const subnet = findSubnet(ctx, id);
  authorizeAndDryRun(ctx, "DeleteSubnet", [subnetAuthResource(ctx.region, subnet)], input.DryRun);
  if (subnetInUse(ctx, subnet)) throw errors.subnetHasDependencies(subnet.subnetId);
  ctx.region.network.deleteSubnet(subnet);
  return {};
};

/** ModifySubnetAttribute: MapPublicIpOnLaunch; every other attribute is refused by name. */
export const modifySubnetAttribute: Operation<ModifySubnetAttributeCommandInput, ModifySubnetAttributeCommandOutput> = (ctx, input) => {
  const id = requiredId(input.SubnetId, "SubnetId");
  refuseUnmodelled("ModifySubnetAttribute", input, ["SubnetId", "MapPublicIpOnLaunch"]);
  const attribute = input.MapPublicIpOnLaunch;
  if (attribute === undefined || attribute === null) throw errors.noAttributesSpecified();
  const value = (attribute as { Value?: unknown }).Value;
  if (typeof value !== "boolean") throw errors.missingParameter("MapPublicIpOnLaunch.Value");
  const subnet = findSubnet(ctx, id);
  // ModifySubnetAttribute has no DryRun member (API reference).
  ctx.authorize("ModifySubnetAttribute", [subnetAuthResource(ctx.region, subnet)]);
  subnet.mapPublicIpOnLaunch = value;
  return {};
};
