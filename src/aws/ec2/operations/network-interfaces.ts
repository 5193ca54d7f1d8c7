import type {
  DescribeNetworkInterfacesCommandInput,
  DescribeNetworkInterfacesCommandOutput,
  NetworkInterface,
  NetworkInterfaceAssociation,
} from "@aws-sdk/client-ec2";
import { authorizeAndDryRun } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { type FilterTable, type FilterValues, literalValuesOf } from "../filters.js";
import { isWellFormedId } from "../model/ids.js";
import { type Ec2Instance, instanceOfInterface, interfaceIdOf, macAddressOf, publicIpOf } from "../model/instance.js";
import { encodeToken, type MaxResultsRule, type Position, takePage } from "../pagination.js";
import { readDescribeQuery } from "./describe-query.js";

/**
 * DescribeNetworkInterfaces: the primary interface of every visible
 * instance that is not terminated (a terminated instance's interface is
 * deleted with it), as DescribeInstances shows it inside the instance, in
 * launch order. The mock has no other interface (no CreateNetworkInterface).
 */

/** Page sizes: 5..1000 (API reference, DescribeNetworkInterfaces `MaxResults`). */
const interfacesMaxResults: MaxResultsRule = { idsParameter: "networkInterfaceIdSet", min: 5, max: 1000, above: "error" };

/** Whether the instance still has its interface. */
function hasInterface(instance: Ec2Instance): boolean {
  return instance.machine.phase !== "terminated";
}

/** Where an interface stands: its instance's launch order. */
function positionOf(ctx: OperationContext, instance: Ec2Instance): Position {
  return { seq: ctx.region.reservations.get(instance.reservationId)?.seq ?? 0, index: instance.launchIndex };
}

/** The interface's public address association: its Elastic IP's, else its auto-assigned address's. */
function associationOf(ctx: OperationContext, instance: Ec2Instance): NetworkInterfaceAssociation | undefined {
  const ip = publicIpOf(instance);
  if (ip === undefined) return undefined;
  const network = ctx.region.network;
  if (instance.elasticIp !== undefined) {
    const address = ctx.region.addresses.byAllocationId.get(instance.elasticIp.allocationId);
    return {
      AllocationId: instance.elasticIp.allocationId,
      ...(address?.association === undefined ? {} : { AssociationId: address.association.associationId }),
      IpOwnerId: ctx.region.settings.accountId,
      PublicDnsName: network.publicDnsName(ip),
      PublicIp: ip,
    };
  }
  return { IpOwnerId: "amazon", PublicDnsName: network.publicDnsName(ip), PublicIp: ip };
}

/** An instance's primary interface, as EC2 shows it in DescribeNetworkInterfaces (the instance's view of it, plus the interface's own members). */
function renderInterface(ctx: OperationContext, instance: Ec2Instance): NetworkInterface {
  const shown = ctx.region.render(instance).NetworkInterfaces![0]!;
  const association = associationOf(ctx, instance);
  const accountId = ctx.region.settings.accountId;
  return {
    ...(association === undefined ? {} : { Association: association }),
    Attachment: {
      AttachTime: shown.Attachment!.AttachTime,
      AttachmentId: shown.Attachment!.AttachmentId,
      DeleteOnTermination: true,
      DeviceIndex: 0,
      NetworkCardIndex: 0,
      InstanceId: instance.instanceId,
      InstanceOwnerId: accountId,
      Status: "attached",
    },
    AvailabilityZone: instance.subnet.availabilityZone,
    AvailabilityZoneId: instance.subnet.availabilityZoneId,
    Description: "",
    Groups: shown.Groups,
    InterfaceType: "interface",
    Ipv6Addresses: [],
    MacAddress: macAddressOf(instance),
    NetworkInterfaceId: interfaceIdOf(instance),
    OwnerId: accountId,
    PrivateDnsName: shown.PrivateDnsName,
    ...(association === undefined ? {} : { PublicDnsName: association.PublicDnsName }),
    PrivateIpAddress: instance.privateIp,
    PrivateIpAddresses: [
      {
        ...(association === undefined ? {} : { Association: { ...association } }),
        Primary: true,
        PrivateDnsName: shown.PrivateDnsName,
        PrivateIpAddress: instance.privateIp,
      },
    ],
    Ipv4Prefixes: [],
    Ipv6Prefixes: [],
    RequesterId: "",
    RequesterManaged: false,
    SourceDestCheck: shown.SourceDestCheck,
    Status: "in-use",
    SubnetId: instance.subnet.subnetId,
    TagSet: [],
    VpcId: instance.subnet.vpcId,
  };
}

/** Values read off the rendered interface (the rarer filters: one render per instance tested). */
function rendered(read: (n: NetworkInterface) => FilterValues): (i: Ec2Instance, ctx: OperationContext) => FilterValues {
  return (i, ctx) => read(renderInterface(ctx, i));
}

/** DescribeNetworkInterfaces' filters, by EC2 name (source: API reference, DescribeNetworkInterfaces). */
export const interfaceFilters: FilterTable<Ec2Instance, OperationContext> = {
  exact: {
    "network-interface-id": (i) => interfaceIdOf(i),
    "subnet-id": (i) => i.subnet.subnetId,
    "vpc-id": (i) => i.subnet.vpcId,
    "availability-zone": (i) => i.subnet.availabilityZone,
    "attachment.instance-id": (i) => i.instanceId,
    "attachment.instance-owner-id": (_, ctx) => ctx.region.settings.accountId,
    "attachment.attachment-id": rendered((n) => n.Attachment?.AttachmentId),
    "attachment.attach-time": (i) => i.createdAt.toISOString(),
    "attachment.delete-on-termination": () => "true",
    "attachment.device-index": () => "0",
    "attachment.status": () => "attached",
    "private-ip-address": (i) => i.privateIp,
    "addresses.private-ip-address": (i) => i.privateIp,
    "addresses.primary": () => "true",
    "addresses.association.public-ip": (i) => publicIpOf(i),
    "addresses.association.owner-id": rendered((n) => n.Association?.IpOwnerId),
    "association.public-ip": (i) => publicIpOf(i),
    "association.ip-owner-id": rendered((n) => n.Association?.IpOwnerId),
    "association.allocation-id": (i) => i.elasticIp?.allocationId,
    "association.association-id": rendered((n) => n.Association?.AssociationId),
    "association.public-dns-name": rendered((n) => n.Association?.PublicDnsName),
    "private-dns-name": rendered((n) => n.PrivateDnsName),
    "mac-address": (i) => macAddressOf(i),
    "owner-id": (_, ctx) => ctx.region.settings.accountId,
    status: () => "in-use",
    description: () => "",
    "group-id": rendered((n) => (n.Groups ?? []).map((g) => g.GroupId!)),
    "group-name": rendered((n) => (n.Groups ?? []).map((g) => g.GroupName!)),
    "source-dest-check": rendered((n) => String(n.SourceDestCheck)),
    "interface-type": () => "interface",
    "requester-managed": () => "false",
    "requester-id": () => undefined,
    "ipv6-addresses.ipv6-address": () => undefined,
    // The interfaces carry no tags of their own (RunInstances' `network-interface` tags are authorized, not kept).
    "tag-key": () => undefined,
    "tag-value": () => undefined,
  },
  prefixed: {
    "tag:": () => () => undefined,
  },
};

/** DescribeNetworkInterfaces: the primary interfaces of the live instances, by id and filters, paged. */
export const describeNetworkInterfaces: Operation<DescribeNetworkInterfacesCommandInput, DescribeNetworkInterfacesCommandOutput> = (
  ctx,
  input,
) => {
  const { ids, max, filters, accept, digest, after } = readDescribeQuery(input, {
    action: "DescribeNetworkInterfaces",
    ids: input.NetworkInterfaceIds,
    maxResults: interfacesMaxResults,
    // IncludeManagedResources is modelled: the mock has no managed interface, so the list is the same either way.
    modelled: ["NetworkInterfaceIds", "Filters", "NextToken", "MaxResults", "IncludeManagedResources"],
    table: interfaceFilters,
  });
  for (const id of ids) if (!isWellFormedId("eni", id)) throw errors.malformedInterfaceId(id);
  const wanted = new Set(ids.length > 0 ? ids : (literalValuesOf(filters, "network-interface-id") ?? []));
  const live = [...ctx.region.instances.values()].filter(hasInterface);
  // The wanted interfaces' instances, each found by the id it derives from (no derivation per instance of the fleet).
  const wantedInstances = new Set<Ec2Instance>();
  for (const id of wanted) {
    const instance = instanceOfInterface(ctx.region.instances, id);
    if (instance !== undefined) wantedInstances.add(instance);
  }
  const candidates = wanted.size > 0 ? live.filter((i) => wantedInstances.has(i)) : live;
  if (ids.length > 0) {
    const found = new Set(candidates.map((i) => interfaceIdOf(i)));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw errors.interfaceNotFound(missing);
  }
  authorizeAndDryRun(ctx, "DescribeNetworkInterfaces", [], input.DryRun);
  const page = takePage(
    candidates,
    (i) => positionOf(ctx, i),
    (i) => accept(i, ctx),
    after,
    max,
  );
  return {
    NetworkInterfaces: page.items.map((i) => renderInterface(ctx, i)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};
