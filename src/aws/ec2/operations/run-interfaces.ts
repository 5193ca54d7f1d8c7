import type { InstanceNetworkInterfaceSpecification, RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { refuseNested } from "../model/launch-options.js";
import { clipped } from "../model/limits.js";

/** What RunInstances takes from its one network interface specification. */
export interface PrimaryInterface {
  /** `SubnetId`, resolved: it exists in the region. */
  readonly subnetId: string | undefined;
  /** `AssociatePublicIpAddress`; undefined for the subnet's default. */
  readonly publicIp: boolean | undefined;
  /** `PrivateIpAddress` (checked against the subnet with the launch's other checks). */
  readonly privateIp: string | undefined;
  /** `Description`; undefined for none. */
  readonly description: string | undefined;
  /** The groups named (resolved with the subnet: `resolveLaunchGroups` in ./run.ts). */
  readonly groups: GroupRequest;
}

/** The security groups a launch names, not yet resolved: by id and by name. */
export interface GroupRequest {
  /** Group ids (`SecurityGroupIds`, or the interface's `Groups`). */
  readonly ids: readonly string[];
  /** Group names (`SecurityGroups`: the default VPC's). */
  readonly names: readonly string[];
}

/** The members of `InstanceNetworkInterfaceSpecification` the mock models (the others are refused by name). */
export const MODELLED_INTERFACE_MEMBERS = [
  "AssociatePublicIpAddress",
  "DeleteOnTermination",
  "Description",
  "DeviceIndex",
  "Groups",
  "PrivateIpAddress",
  "SubnetId",
] as const satisfies readonly (keyof InstanceNetworkInterfaceSpecification)[];

/**
 * The network interface a launch describes: from the instance-level
 * `SubnetId`, `SecurityGroupIds` and `SecurityGroups`, or from
 * `NetworkInterfaces`, of which the mock models one, the primary (device
 * index 0; see `readPrimaryInterface`). The instance-level subnet, groups
 * and address may not be given with it.
 */
export function readNetworkInterfaces(ctx: OperationContext, input: RunInstancesCommandInput): PrimaryInterface {
  const specs = input.NetworkInterfaces;
  if (specs === undefined || specs.length === 0) {
    const groups = { ids: (input.SecurityGroupIds ?? []).map(String), names: (input.SecurityGroups ?? []).map(String) };
    return { subnetId: input.SubnetId, publicIp: undefined, privateIp: undefined, description: undefined, groups };
  }
  return readPrimaryInterface(ctx, input, specs);
}

/**
 * The common single-interface form of `NetworkInterfaces`: one new primary
 * interface (device index 0) with its subnet, groups, public address
 * choice, private address and description. In EC2's order: a public
 * address asked for with several interfaces; several interfaces (not
 * modelled); the members not modelled (an existing interface by
 * `NetworkInterfaceId`, secondary addresses, IPv6, prefixes, ...); the
 * instance-level members the interface excludes; then its subnet and
 * groups must exist.
 */
function readPrimaryInterface(
  ctx: OperationContext,
  input: RunInstancesCommandInput,
  specs: readonly InstanceNetworkInterfaceSpecification[],
): PrimaryInterface {
  if (specs.length > 1) {
    if (specs.some((s) => s.AssociatePublicIpAddress !== undefined)) throw errors.publicIpWithManyInterfaces();
    throw errors.unmodelledParameter("RunInstances", "NetworkInterfaces.2");
  }
  const spec = specs[0]!;
  refuseNested("NetworkInterfaces.1", spec, MODELLED_INTERFACE_MEMBERS);
  if (spec.DeviceIndex !== undefined && spec.DeviceIndex !== 0)
    throw errors.unmodelledParameter("RunInstances", "NetworkInterfaces.1.DeviceIndex");
  // An interface kept after termination would outlive its instance: not modelled.
  if (spec.DeleteOnTermination === false) throw errors.unmodelledParameter("RunInstances", "NetworkInterfaces.1.DeleteOnTermination");
  if (input.PrivateIpAddress !== undefined) throw errors.interfacesWithPrivateIp();
  if ((input.SecurityGroupIds?.length ?? 0) > 0 || (input.SecurityGroups?.length ?? 0) > 0) throw errors.interfacesWithSecurityGroups();
  if (input.SubnetId !== undefined) throw errors.interfacesWithSubnet();
  const subnetId = spec.SubnetId === undefined ? undefined : String(spec.SubnetId);
  if (subnetId !== undefined && ctx.region.network.subnet(subnetId) === undefined) throw errors.subnetNotFound(clipped(subnetId));
  const groups = { ids: (spec.Groups ?? []).map(String), names: [] };
  const description = spec.Description === undefined || spec.Description === "" ? undefined : String(spec.Description);
  return {
    subnetId,
    publicIp: spec.AssociatePublicIpAddress,
    privateIp: spec.PrivateIpAddress === undefined ? undefined : String(spec.PrivateIpAddress),
    description,
    groups,
  };
}
