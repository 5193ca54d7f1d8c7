import { replaceForbiddenXmlChars } from "../../protocols/xml-text.js";

/**
 * An EC2 error as the engine raises it: the code, the message and the HTTP
 * status EC2 answers with. Each door renders it its own way (the plugin as the
 * SDK's `EC2ServiceException`, the wire doors as EC2 error XML).
 */
export class Ec2Error extends Error {
  /** @param code - EC2's error code, e.g. `IncorrectInstanceState`.
   *  @param message - EC2's exact message; a character XML 1.0 forbids (a
   *    message may echo any input) becomes U+FFFD, in every door alike.
   *  @param status - the HTTP status EC2 answers with. */
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(replaceForbiddenXmlChars(message));
    this.name = code;
  }

  /**
   * True when EC2's own rule makes this failing call change something all the
   * same (TerminateInstances terminates the zones no protected instance
   * holds, then fails): whoever keeps the state (the server's state file)
   * must save after it as after a success.
   */
  changedState = false;
}

/** Quotes a list of ids the way EC2 does in NotFound messages: `'a, b'`. */
function idList(ids: readonly string[]): string {
  return `'${ids.join(", ")}'`;
}

/**
 * EC2's NotFound for an id of each resource family the mock holds besides
 * instances and volumes (raw EC2 responses quoted in public reports; the
 * same wording the mock's own calls use for AMIs, snapshots, allocations and
 * interfaces).
 */
const notFoundByFamily: Readonly<Record<string, (id: string) => Ec2Error>> = {
  eni: (id) => new Ec2Error("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`),
  ami: (id) => new Ec2Error("InvalidAMIID.NotFound", `The image id '[${id}]' does not exist`),
  snap: (id) => new Ec2Error("InvalidSnapshot.NotFound", `The snapshot '${id}' does not exist.`),
  subnet: (id) => new Ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`),
  vpc: (id) => new Ec2Error("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`),
  sg: (id) => new Ec2Error("InvalidGroup.NotFound", `The security group '${id}' does not exist`),
  eipalloc: (id) => new Ec2Error("InvalidAllocationID.NotFound", `The allocation ID '${id}' does not exist`),
};

/** The errors the EC2 front raises, with EC2's exact wording. */
export const errors = {
  missingParameter: (name: string) => new Ec2Error("MissingParameter", `The request must contain the parameter ${name}`),
  malformedInstanceId: (id: string) => new Ec2Error("InvalidInstanceID.Malformed", `Invalid id: "${id}"`),
  instancesNotFound: (ids: readonly string[]) =>
    ids.length === 1
      ? new Ec2Error("InvalidInstanceID.NotFound", `The instance ID ${idList(ids)} does not exist`)
      : new Ec2Error("InvalidInstanceID.NotFound", `The instance IDs ${idList(ids)} do not exist`),
  /** EC2 adds what it expected when the id lacks the `vol-` prefix (source: EC2's wording for AMI ids; decision for volumes). */
  malformedVolumeId: (id: string) =>
    new Ec2Error("InvalidVolumeID.Malformed", id.startsWith("vol-") ? `Invalid id: "${id}"` : `Invalid id: "${id}" (expecting "vol-...")`),
  volumesNotFound: (ids: readonly string[]) =>
    ids.length === 1
      ? new Ec2Error("InvalidVolume.NotFound", `The volume ${idList(ids)} does not exist.`)
      : new Ec2Error("InvalidVolume.NotFound", `The volumes ${idList(ids)} do not exist.`),
  /** 403 with IAM's encoded authorization failure message (decoded by `decodeAuthorizationMessage`). */
  unauthorized: (blob: string) =>
    new Ec2Error(
      "UnauthorizedOperation",
      `You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`,
      403,
    ),
  dryRun: () => new Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412),
  incorrectState: (message: string) => new Ec2Error("IncorrectInstanceState", message),
  unsupported: (message: string) => new Ec2Error("UnsupportedOperation", message),
  /** A request member EC2 accepts but the mock does not model: refused by name, never dropped (issue 13). */
  unmodelledParameter: (action: string, name: string) =>
    new Ec2Error("UnsupportedOperation", `ec2-mock does not model the parameter '${name}' of ${action}.`),
  notPermitted: (message: string) => new Ec2Error("OperationNotPermitted", message),
  /** CreateTags/DeleteTags: an id of no resource shape EC2 knows (source: raw responses, kubernetes/cloud-provider-aws#1387). */
  invalidResourceId: (id: string) => new Ec2Error("InvalidID", `The ID '${id}' is not valid`),
  /** The families `resourceNotFound` knows (id prefixes without the dash). */
  notFoundFamilies: new Set(Object.keys(notFoundByFamily)) as ReadonlySet<string>,
  /** A well-formed id of a family in `notFoundFamilies` that names nothing (CreateTags, DeleteTags). */
  resourceNotFound: (family: string, id: string) => notFoundByFamily[family]!(id),
  /** More resources in one call than the action takes (wording: raw EC2 response; CreateTags: redhat-performance/cloud-governance#582). */
  resourceCountExceeded: () =>
    new Ec2Error("ResourceCountExceeded", "You have exceeded the number of resources allowed in a single call of this type"),
  invalidValue: (message: string) => new Ec2Error("InvalidParameterValue", message),
  invalidCombination: (message: string) => new Ec2Error("InvalidParameterCombination", message),
  /** Elastic IP errors (sources in docs/behaviour.md, "Elastic IP addresses"). */
  addressLimit: () => new Ec2Error("AddressLimitExceeded", "The maximum number of addresses has been reached."),
  allocationNotFound: (id: string) => new Ec2Error("InvalidAllocationID.NotFound", `The allocation ID '${id}' does not exist`),
  associationNotFound: (id: string) => new Ec2Error("InvalidAssociationID.NotFound", `The association ID '${id}' does not exist`),
  /** An Elastic IP not found by its address: DescribeAddresses, a recovery, a wrong network border group. */
  addressNotFound: (ip: string) => new Ec2Error("InvalidAddress.NotFound", `Address '${ip}' not found.`),
  alreadyAssociated: (allocationId: string, associationId: string) =>
    new Ec2Error("Resource.AlreadyAssociated", `resource ${allocationId} is already associated with associate-id ${associationId}`),
  malformedInterfaceId: (id: string) => new Ec2Error("InvalidNetworkInterfaceID.Malformed", `Invalid id: "${id}" (expecting "eni-...")`),
  interfaceNotFound: (id: string) => new Ec2Error("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`),
  /** AssociateAddress on an instance named by id in a state other than running or stopped. */
  instanceNotInValidState: (state: string, instanceId: string) =>
    new Ec2Error("InvalidInstanceID", `The ${state} instance '${instanceId}' is not in a valid state for this operation.`),
  /** ModifyInstanceAttribute's refusal of a value for the instance (reference: "If the instance type is not valid, the error returned is InvalidInstanceAttributeValue"). */
  invalidAttributeValue: (message: string) => new Ec2Error("InvalidInstanceAttributeValue", message),
  /** RunInstances' DisableApiStop on an instance-store image (User Guide: "you can't enable stop protection for instance store-backed instances"; wording: decision). */
  stopProtectionNeedsEbs: () =>
    new Ec2Error(
      "UnsupportedOperation",
      "Stop protection is not supported for instances with an instance-store root device. Use an AMI with an EBS root device.",
    ),
  /** A paravirtual image on a type that runs HVM images only (EC2's wording at launch: puppet-cassandra#334, devops-box#6). */
  hvmRequired: (instanceType: string) =>
    new Ec2Error(
      "InvalidParameterCombination",
      `Virtualization type 'hvm' is required for instances of type '${instanceType}'. Ensure that you are using an AMI with virtualization type 'hvm'. For more information, see http://docs.aws.amazon.com/AWSEC2/latest/UserGuide/virtualization_types.html`,
    ),
  /** A type that requires ENA with an image registered without it (EC2's wording at launch). */
  enaRequired: (instanceType: string) =>
    new Ec2Error(
      "InvalidParameterCombination",
      `Enhanced networking with the Elastic Network Adapter (ENA) is required for the '${instanceType}' instance type. Ensure that you are using an AMI that is enabled for ENA.`,
    ),
  /** A configuration EC2 cannot run, found when the instance starts (source: seek-oss/aec#228). */
  requestedConfigurationUnsupported: () =>
    new Ec2Error("Unsupported", "The requested configuration is currently not supported. Please check the documentation for supported configurations."),
  addressInUse: (ip: string) => new Ec2Error("InvalidIPAddress.InUse", `Address ${ip} is in use.`),
  insufficientAddresses: () =>
    new Ec2Error("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet to satisfy the requested number of instances."),
  /** A launch option the instance type does not support (source: raw response, openai/evolution-strategies-starter#12, for EBS optimization). */
  unsupportedConfiguration: (feature: string) =>
    new Ec2Error("Unsupported", `${feature} are not supported for your requested configuration. Please check the documentation for supported configurations.`),
  /** A block device mapping that names no volume (source: raw response, nortontruter/infracoders-workshop#3). */
  noSnapshotOrSize: (device: string) => new Ec2Error("InvalidBlockDeviceMapping", `Either snapshot ID or volume size must be provided for: ${device}`),
  /** CpuOptions with one member (source: raw response, hashicorp/terraform-provider-aws#46821). */
  cpuOptionsIncomplete: () => new Ec2Error("MissingParameter", "When specifying CpuOptions you must specify both CoreCount and ThreadsPerCore."),
  /** An image not in the `available` state (source: raw response, hashicorp/packer#12162, for `pending`). */
  imageUnavailable: (id: string, state: string) => new Ec2Error("InvalidAMIID.Unavailable", `AMI '${id}' is ${state}, and cannot be run`),
  /** A block device mapping EC2 refuses (RunInstances). */
  invalidBlockDeviceMapping: (message: string) => new Ec2Error("InvalidBlockDeviceMapping", message),
  /** A subnet that does not exist (the mock has the default VPC's only). */
  subnetNotFound: (id: string) => new Ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`),
  /** A security group id that does not exist. */
  securityGroupNotFound: (id: string) => new Ec2Error("InvalidGroup.NotFound", `The security group '${id}' does not exist`),
  /** A security group name that does not exist in the default VPC. */
  securityGroupNameNotFound: (name: string, vpcId: string) =>
    new Ec2Error("InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC '${vpcId}'`),
  /** EC2's catch-all (no final period, as in raw EC2 responses). */
  internal: () => new Ec2Error("InternalError", "An internal error has occurred", 500),
  /** TerminateInstances without ids (source: raw EC2 response quoted in gruntwork-io/cloud-nuke#731). */
  noInstancesSpecified: () => new Ec2Error("InvalidParameterCombination", "No instances specified"),
  /** More ids than an action takes, EC2's words and spelling (source: raw DescribeInstanceStatus responses, bastillion-io/Bastillion-EC2#8). */
  tooManyInstanceIds: (count: number, max: number) =>
    new Ec2Error(
      "InvalidRequest",
      `${count} exceeds the maximum number of instance IDs that can be specificied (${max}). Please specify fewer than ${max} instance IDs.`,
    ),
  /** A documented filter the mock does not model: refused by name, never matched wrongly (issue 13). */
  unmodelledFilter: (action: string, name: string) =>
    new Ec2Error("UnsupportedOperation", `ec2-mock does not model the filter '${name}' of ${action}.`),
  hibernationNotConfigured: (id: string) =>
    new Ec2Error(
      "UnsupportedHibernationConfiguration",
      `The instance can't be hibernated because it was not configured at launch for hibernation: ${id}`,
    ),
} as const;
