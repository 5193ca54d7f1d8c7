import type {
  Address,
  AllocateAddressCommandInput,
  AllocateAddressCommandOutput,
  AssociateAddressCommandInput,
  AssociateAddressCommandOutput,
  DescribeAddressesCommandInput,
  DescribeAddressesCommandOutput,
  DisassociateAddressCommandInput,
  DisassociateAddressCommandOutput,
  ReleaseAddressCommandInput,
  ReleaseAddressCommandOutput,
} from "@aws-sdk/client-ec2";
import { addressResource, networkInterfaceResource, newResource } from "../../iam/resources.js";
import { authorizeAndDryRun, findInstances, optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters } from "../filters.js";
import { type ElasticIp, MAX_ADDRESSES_PER_REGION } from "../model/addresses.js";
import { isWellFormedId } from "../model/ids.js";
import { type Ec2Instance, instanceOfInterface, interfaceIdOf } from "../model/instance.js";
import { checkFilterCount } from "../model/limits.js";
import { stateNameOf } from "../model/states.js";
import { readTagsOf } from "../model/tags.js";

/**
 * Elastic IP addresses: AllocateAddress, AssociateAddress,
 * DisassociateAddress, ReleaseAddress and DescribeAddresses, in EC2's order
 * of checks (parameters → ids → authorization → DryRun → state rules →
 * effect). The mock has only the default VPC, so every address is a `vpc`
 * address and EC2's default-VPC rules apply (docs/behaviour.md, "Elastic IP
 * addresses", gives the source of each rule).
 */

/** A dotted-quad IPv4 address. */
const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * An allocation id, existing. EC2 publishes no `InvalidAllocationID.Malformed`:
 * a malformed id is simply one that does not exist (decision).
 */
function findAllocation(ctx: OperationContext, id: string): ElasticIp {
  const address = isWellFormedId("eipalloc", id) ? ctx.region.addresses.byAllocationId.get(id) : undefined;
  if (address === undefined) throw errors.allocationNotFound(id);
  return address;
}

/** AllocateAddress: a new `vpc` address from Amazon's pool, within the region's quota of 5. */
export const allocateAddress: Operation<AllocateAddressCommandInput, AllocateAddressCommandOutput> = (ctx, input) => {
  const domain = optionalString(input.Domain);
  if (domain === "standard") {
    throw errors.classicDomain();
  }
  const tags = readTagsOf(input.TagSpecifications, "elastic-ip");
  // Amazon's pool in the region's own border group is all the mock has: naming them is modelled, anything else is
  // another pool (BYOIP, IPAM, CoIP) or a Local/Wavelength Zone group, refused by name (decision, docs/behaviour.md).
  const pool = optionalString(input.PublicIpv4Pool);
  if (pool !== undefined && pool !== "amazon") throw errors.unmodelledParameter("AllocateAddress", "PublicIpv4Pool");
  const borderGroup = optionalString(input.NetworkBorderGroup);
  if (borderGroup !== undefined && borderGroup !== ctx.region.settings.region) {
    throw errors.unmodelledParameter("AllocateAddress", "NetworkBorderGroup");
  }
  const recover = optionalString(input.Address);
  if (recover !== undefined && !ipv4.test(recover)) {
    throw errors.notIpv4("Address", recover);
  }
  refuseUnmodelled("AllocateAddress", input, ["Domain", "Address", "PublicIpv4Pool", "NetworkBorderGroup", "TagSpecifications"]);
  const created = newResource(ctx.region.settings, "elastic-ip", { "ec2:Domain": "vpc" }, tags);
  ctx.authorize("AllocateAddress", [created]);
  // Tags on creation also need ec2:CreateTags, with ec2:CreateAction naming the creating action.
  if (tags.size > 0) ctx.authorize("CreateTags", [created], { keys: { "ec2:CreateAction": "AllocateAddress" } });
  if (input.DryRun === true) throw errors.dryRun();
  // A recovery that would exceed the quota is refused like any allocation (source: user guide, "Release an Elastic IP address").
  if (ctx.region.addresses.size >= MAX_ADDRESSES_PER_REGION) throw errors.addressLimit();
  if (recover !== undefined && !ctx.region.addresses.isRecoverable(recover)) throw errors.addressNotFound(recover);
  const address = ctx.region.addresses.allocate(tags, recover);
  return {
    PublicIp: address.publicIp,
    AllocationId: address.allocationId,
    PublicIpv4Pool: "amazon",
    NetworkBorderGroup: ctx.region.settings.region,
    Domain: "vpc",
  };
};

/** The instance an AssociateAddress targets, and how it was named (for EC2's two state messages). */
interface Target {
  readonly instance: Ec2Instance;
  readonly networkInterfaceId: string | undefined;
}

/**
 * The network interface with this id: the primary interface of a visible
 * instance that is not terminated (a terminated instance's interface is deleted).
 */
function findInterface(ctx: OperationContext, id: string): Ec2Instance {
  if (!isWellFormedId("eni", id)) throw errors.malformedInterfaceId(id);
  const instance = instanceOfInterface(ctx.region.instances, id);
  if (instance !== undefined && instance.machine.phase !== "terminated") return instance;
  throw errors.interfaceNotFound(id);
}

/** EC2 associates addresses with running and stopped instances only. */
function checkTargetState(target: Target): void {
  const phase = target.instance.machine.phase;
  if (phase === "running" || phase === "stopped") return;
  const state = stateNameOf[phase];
  if (target.networkInterfaceId !== undefined) {
    throw errors.attachedInstanceNotInValidState(state, target.networkInterfaceId);
  }
  throw errors.instanceNotInValidState(state, target.instance.instanceId);
}

/**
 * AssociateAddress: the address moves to the instance's primary interface.
 * Reassociation is automatic unless `AllowReassociation: false`; an Elastic
 * IP the instance already held is disassociated; its auto-assigned public
 * IPv4 is released.
 */
export const associateAddress: Operation<AssociateAddressCommandInput, AssociateAddressCommandOutput> = (ctx, input) => {
  const allocationId = optionalString(input.AllocationId);
  const instanceId = optionalString(input.InstanceId);
  const networkInterfaceId = optionalString(input.NetworkInterfaceId);
  const privateIp = optionalString(input.PrivateIpAddress);
  if (allocationId === undefined) {
    if (optionalString(input.PublicIp) !== undefined) {
      throw errors.allocationIdToAssociate();
    }
    throw errors.missingParameter("AllocationId");
  }
  if (instanceId !== undefined && networkInterfaceId !== undefined) {
    throw errors.instanceAndInterface();
  }
  if (instanceId === undefined && networkInterfaceId === undefined) {
    throw errors.noAssociationTarget();
  }
  // The deprecated PublicIp alongside AllocationId is not modelled: refused by name rather than ignored.
  refuseUnmodelled("AssociateAddress", input, [
    "AllocationId",
    "InstanceId",
    "NetworkInterfaceId",
    "PrivateIpAddress",
    "AllowReassociation",
  ]);
  const address = findAllocation(ctx, allocationId);
  const target: Target =
    networkInterfaceId !== undefined
      ? { instance: findInterface(ctx, networkInterfaceId), networkInterfaceId }
      : { instance: findInstances(ctx, [instanceId!])[0]!, networkInterfaceId: undefined };
  const settings = ctx.region.settings;
  const on = target.networkInterfaceId !== undefined ? networkInterfaceResource(settings, target.instance) : target.instance;
  authorizeAndDryRun(ctx, "AssociateAddress", [addressResource(settings, address), on], input.DryRun);
  checkTargetState(target);
  if (privateIp !== undefined && privateIp !== target.instance.privateIp) {
    throw errors.privateIpNotOnInterface(privateIp, interfaceIdOf(target.instance));
  }
  const current = address.association;
  if (input.AllowReassociation === false && current !== undefined && current.instance !== target.instance) {
    throw errors.alreadyAssociated(address.allocationId, current.associationId);
  }
  return { AssociationId: ctx.region.addresses.associate(address, target.instance) };
};

/** DisassociateAddress: the instance gets a new auto-assigned public IPv4 if it is running and asked for one. */
export const disassociateAddress: Operation<DisassociateAddressCommandInput, DisassociateAddressCommandOutput> = (ctx, input) => {
  const associationId = optionalString(input.AssociationId);
  if (associationId === undefined) {
    if (optionalString(input.PublicIp) !== undefined) {
      throw errors.associationIdToDisassociate();
    }
    throw errors.missingParameter("AssociationId");
  }
  // The deprecated PublicIp alongside AssociationId is not modelled: refused by name rather than ignored.
  refuseUnmodelled("DisassociateAddress", input, ["AssociationId"]);
  // Malformed or unknown, the answer is the same (EC2 publishes no Malformed code here; decision).
  const wellFormed = isWellFormedId("eipassoc", associationId);
  const address = wellFormed ? ctx.region.addresses.withAssociation(associationId) : undefined;
  const settings = ctx.region.settings;
  if (address === undefined) {
    // "This is an idempotent operation": an association that has already ended is disassociated again, with no error
    // and no change (source: API reference, DisassociateAddress); one that never existed is NotFound.
    const ended = wellFormed ? ctx.region.addresses.withEndedAssociation(associationId) : undefined;
    if (ended === undefined) throw errors.associationNotFound(associationId);
    authorizeAndDryRun(ctx, "DisassociateAddress", [addressResource(settings, ended)], input.DryRun);
    return {};
  }
  const from = networkInterfaceResource(settings, address.association!.instance);
  authorizeAndDryRun(ctx, "DisassociateAddress", [addressResource(settings, address), from], input.DryRun);
  ctx.region.addresses.disassociate(address);
  return {};
};

/** ReleaseAddress: in the default VPC an associated address is disassociated first, then released. */
export const releaseAddress: Operation<ReleaseAddressCommandInput, ReleaseAddressCommandOutput> = (ctx, input) => {
  const allocationId = optionalString(input.AllocationId);
  if (allocationId === undefined) {
    if (optionalString(input.PublicIp) !== undefined) {
      throw errors.allocationIdToRelease();
    }
    throw errors.missingParameter("AllocationId");
  }
  // The deprecated PublicIp alongside AllocationId is not modelled: refused by name rather than ignored.
  refuseUnmodelled("ReleaseAddress", input, ["AllocationId", "NetworkBorderGroup"]);
  const borderGroup = optionalString(input.NetworkBorderGroup);
  const address = findAllocation(ctx, allocationId);
  // Every address of the mock is in the region's own border group; another one is "incorrect" (source: API
  // reference, ReleaseAddress NetworkBorderGroup: InvalidAddress.NotFound; the message is a decision).
  if (borderGroup !== undefined && borderGroup !== ctx.region.settings.region) throw errors.addressNotFound(address.publicIp);
  authorizeAndDryRun(ctx, "ReleaseAddress", [addressResource(ctx.region.settings, address)], input.DryRun);
  ctx.region.addresses.release(address);
  return {};
};

/** DescribeAddresses' filters, by EC2 name. Values mirror what `renderAddress` shows. */
export const addressFilters: FilterTable<ElasticIp, OperationContext> = {
  exact: {
    "allocation-id": (a) => a.allocationId,
    "association-id": (a) => a.association?.associationId,
    domain: () => "vpc",
    "instance-id": (a) => a.association?.instance.instanceId,
    "network-border-group": (_, ctx) => ctx.region.settings.region,
    "network-interface-id": (a) => (a.association === undefined ? undefined : interfaceIdOf(a.association.instance)),
    "network-interface-owner-id": (a, ctx) => (a.association === undefined ? undefined : ctx.region.settings.accountId),
    "private-ip-address": (a) => a.association?.instance.privateIp,
    "public-ip": (a) => a.publicIp,
    "tag-key": (a) => [...a.tags.keys()],
    "tag-value": (a) => [...a.tags.values()],
  },
  prefixed: {
    "tag:": (key) => (a) => a.tags.get(key),
  },
};

/** The SDK `Address` for an allocation, as DescribeAddresses shows it. */
function renderAddress(ctx: OperationContext, address: ElasticIp): Address {
  const instance = address.association?.instance;
  return {
    AllocationId: address.allocationId,
    ...(address.association === undefined ? {} : { AssociationId: address.association.associationId }),
    Domain: "vpc",
    ...(instance === undefined
      ? {}
      : {
          InstanceId: instance.instanceId,
          NetworkInterfaceId: interfaceIdOf(instance),
          NetworkInterfaceOwnerId: ctx.region.settings.accountId,
          PrivateIpAddress: instance.privateIp,
        }),
    PublicIp: address.publicIp,
    PublicIpv4Pool: "amazon",
    NetworkBorderGroup: ctx.region.settings.region,
    ...(address.tags.size === 0 ? {} : { Tags: [...address.tags].map(([Key, Value]) => ({ Key, Value })) }),
  };
}

/** A list parameter as strings; missing means none. */
function readList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * DescribeAddresses: every address in allocation order, or those named by
 * `PublicIps` and `AllocationIds` (either list), narrowed by `Filters`. No
 * pagination: EC2 has none for this call.
 */
export const describeAddresses: Operation<DescribeAddressesCommandInput, DescribeAddressesCommandOutput> = (ctx, input) => {
  const publicIps = readList(input.PublicIps);
  const allocationIds = readList(input.AllocationIds);
  refuseUnmodelled("DescribeAddresses", input, ["PublicIps", "AllocationIds", "Filters"]);
  checkFilterCount(input.Filters);
  const accept = compileFilters(readFilters(input.Filters), addressFilters);
  for (const ip of publicIps) {
    if (!ipv4.test(ip)) throw errors.notIpv4("PublicIp", ip);
  }
  const named = new Set<ElasticIp>();
  for (const ip of publicIps) {
    const address = ctx.region.addresses.withPublicIp(ip);
    if (address === undefined) throw errors.addressNotFound(ip);
    named.add(address);
  }
  for (const id of allocationIds) named.add(findAllocation(ctx, id));
  authorizeAndDryRun(ctx, "DescribeAddresses", [], input.DryRun);
  const all = ctx.region.addresses.byAllocationId.values();
  const candidates = publicIps.length + allocationIds.length > 0 ? [...all].filter((a) => named.has(a)) : all;
  const Addresses: Address[] = [];
  for (const address of candidates) if (accept(address, ctx)) Addresses.push(renderAddress(ctx, address));
  return { Addresses };
};
