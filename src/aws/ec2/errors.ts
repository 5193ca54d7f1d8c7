import { CloudError } from "../../kit/errors.js";
import { replaceForbiddenXmlChars } from "../../protocols/xml-text.js";

/**
 * An EC2 error as the engine raises it: the code, the message and the HTTP
 * status EC2 answers with. Each door renders it its own way (the plugin as the
 * SDK's `EC2ServiceException`, the wire doors as EC2 error XML). Built only by
 * the catalogue {@link errors} below (test/error-catalogue.test.ts).
 */
export class Ec2Error extends CloudError {
  /** @param code - EC2's error code, e.g. `IncorrectInstanceState`.
   *  @param message - EC2's exact message; a character XML 1.0 forbids (a
   *    message may echo any input) becomes U+FFFD, in every door alike.
   *  @param status - the HTTP status EC2 answers with. */
  constructor(code: string, message: string, status = 400) {
    super(code, replaceForbiddenXmlChars(message), status);
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
 * The families `errors.resourceNotFound` knows (id prefixes without the
 * dash), each with the catalogue's NotFound entry for it (raw EC2 responses
 * quoted in public reports; the same wording the mock's own calls use).
 */
const notFoundByFamily = {
  eni: "interfaceNotFound",
  ami: "imageNotFound",
  snap: "snapshotNotFound",
  subnet: "subnetNotFound",
  vpc: "vpcNotFound",
  sg: "securityGroupNotFound",
  eipalloc: "allocationNotFound",
} as const;

/** The families `errors.resourceNotFound` knows (id prefixes without the dash). */
export const notFoundFamilies: ReadonlySet<string> = new Set(Object.keys(notFoundByFamily));

/**
 * The errors the EC2 front raises, with EC2's exact wording: the only place
 * an {@link Ec2Error} is built. One entry per error, named for what went
 * wrong, parameterised by the values its message shows; grouped by what
 * the error is about.
 */
export const errors = {
  // ---- The request itself: protocol, envelope, signature, authorization ----

  /** A query string or form body that is not valid form encoding or UTF-8 (wire door). */
  malformedQueryString: () => new Ec2Error("MalformedQueryString", "The query string contains a syntax error."),
  /** A query parameter the action's input schema does not know (wire door). */
  unknownParameter: (key: string) => new Ec2Error("UnknownParameter", `The parameter ${key} is not recognized`),
  missingParameter: (name: string) => new Ec2Error("MissingParameter", `The request must contain the parameter ${name}`),
  /** A query request without `Action` (wire door). */
  missingAction: () => new Ec2Error("MissingAction", "The request must contain the parameter Action"),
  /** A query request for another API version than 2016-11-15 (wire door). */
  noSuchVersion: (version: string) => new Ec2Error("NoSuchVersion", `The requested version (${version}) of service AmazonEC2 does not exist`),
  /** An action EC2 does not have or the mock does not implement (wire door). */
  invalidAction: (action: string) => new Ec2Error("InvalidAction", `The action ${action} is not valid for this web service.`),
  /** A method other than GET and POST (wire door; wording: decision). */
  methodNotAllowed: (method: string) =>
    new Ec2Error("InvalidHttpRequest", `The HTTP method ${method} is not supported: use POST (or GET).`, 405),
  /** A POST body that is not a form (wire door; wording: decision). */
  unsupportedContentType: (type: string) =>
    new Ec2Error("InvalidHttpRequest", `The content type ${type} is not supported: send application/x-www-form-urlencoded.`, 415),
  /** A body over the server's limit (wire door; wording: decision). */
  requestTooLarge: (bytes: number, limit: number) =>
    new Ec2Error("RequestEntityTooLarge", `The request body of ${bytes} bytes exceeds the limit of ${limit} bytes.`, 413),
  /** A key EC2 does not know or a signature that does not match (source: EC2). */
  authFailure: () => new Ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
  /** A request dated outside SigV4's window (source: EC2's answer to a skewed SigV4 request). */
  requestExpired: () => new Ec2Error("RequestExpired", "Request has expired."),
  /** A signature that does not conform to SigV4 (AWS common errors: IncompleteSignature, 400); the message says what is wrong. */
  incompleteSignature: (message: string) => new Ec2Error("IncompleteSignature", message),
  /** 403 with IAM's encoded authorization failure message (decoded by `decodeAuthorizationMessage`). */
  unauthorized: (blob: string) =>
    new Ec2Error(
      "UnauthorizedOperation",
      `You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`,
      403,
    ),
  dryRun: () => new Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412),
  /** A request member EC2 accepts but the mock does not model: refused by name, never dropped (issue 13). */
  unmodelledParameter: (action: string, name: string) =>
    new Ec2Error("UnsupportedOperation", `ec2-mock does not model the parameter '${name}' of ${action}.`),
  /** A documented filter the mock does not model: refused by name, never matched wrongly (issue 13). */
  unmodelledFilter: (action: string, name: string) =>
    new Ec2Error("UnsupportedOperation", `ec2-mock does not model the filter '${name}' of ${action}.`),
  /** More resources in one call than the action takes (wording: raw EC2 response; CreateTags: redhat-performance/cloud-governance#582). */
  resourceCountExceeded: () =>
    new Ec2Error("ResourceCountExceeded", "You have exceeded the number of resources allowed in a single call of this type"),
  /** More filter values in one call than EC2 takes. */
  filterLimitExceeded: (max: number) =>
    new Ec2Error("FilterLimitExceeded", `The maximum number of filter values specified on a single call is ${max}`),
  /** More ids than an action takes, EC2's words and spelling (source: raw DescribeInstanceStatus responses, bastillion-io/Bastillion-EC2#8). */
  tooManyInstanceIds: (count: number, max: number) =>
    new Ec2Error(
      "InvalidRequest",
      `${count} exceeds the maximum number of instance IDs that can be specificied (${max}). Please specify fewer than ${max} instance IDs.`,
    ),
  /** TerminateInstances without ids (source: raw EC2 response quoted in gruntwork-io/cloud-nuke#731). */
  noInstancesSpecified: () => new Ec2Error("InvalidParameterCombination", "No instances specified"),
  /** EC2's throttling answer (spec); raised by the throttles of fault injection. */
  requestLimitExceeded: () => new Ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503),
  /** EC2's catch-all (no final period, as in raw EC2 responses). */
  internal: () => new Ec2Error("InternalError", "An internal error has occurred", 500),

  // ---- Ids and lookups: malformed ids, resources that do not exist ----

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
  malformedImageId: (id: string) => new Ec2Error("InvalidAMIID.Malformed", `Invalid id: "${id}" (expecting "ami-...")`),
  imageNotFound: (id: string) => new Ec2Error("InvalidAMIID.NotFound", `The image id '[${id}]' does not exist`),
  /** An image not in the `available` state (source: raw response, hashicorp/packer#12162, for `pending`). */
  imageUnavailable: (id: string, state: string) => new Ec2Error("InvalidAMIID.Unavailable", `AMI '${id}' is ${state}, and cannot be run`),
  malformedSnapshotId: (id: string) => new Ec2Error("InvalidSnapshotID.Malformed", `Invalid id: "${id}" (expecting "snap-...")`),
  snapshotNotFound: (id: string) => new Ec2Error("InvalidSnapshot.NotFound", `The snapshot '${id}' does not exist.`),
  malformedInterfaceId: (id: string) => new Ec2Error("InvalidNetworkInterfaceID.Malformed", `Invalid id: "${id}" (expecting "eni-...")`),
  interfaceNotFound: (id: string) => new Ec2Error("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`),
  /** A subnet that does not exist (the mock has the default VPC's only). */
  subnetNotFound: (id: string) => new Ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`),
  /** A VPC that does not exist (the mock has the default VPC only). */
  vpcNotFound: (id: string) => new Ec2Error("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`),
  /** A security group id that does not exist. */
  securityGroupNotFound: (id: string) => new Ec2Error("InvalidGroup.NotFound", `The security group '${id}' does not exist`),
  /** A security group name that does not exist in the default VPC. */
  securityGroupNameNotFound: (name: string, vpcId: string) =>
    new Ec2Error("InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC '${vpcId}'`),
  /** A key pair name that cannot exist (RunInstances' KeyName; the mock does not model key pairs). */
  keyPairNotFound: (name: string) => new Ec2Error("InvalidKeyPair.NotFound", `The key pair '${name}' does not exist`),
  allocationNotFound: (id: string) => new Ec2Error("InvalidAllocationID.NotFound", `The allocation ID '${id}' does not exist`),
  associationNotFound: (id: string) => new Ec2Error("InvalidAssociationID.NotFound", `The association ID '${id}' does not exist`),
  /** An Elastic IP not found by its address: DescribeAddresses, a recovery, a wrong network border group. */
  addressNotFound: (ip: string) => new Ec2Error("InvalidAddress.NotFound", `Address '${ip}' not found.`),
  /** CreateTags/DeleteTags: an id of no resource shape EC2 knows (source: raw responses, kubernetes/cloud-provider-aws#1387). */
  invalidResourceId: (id: string) => new Ec2Error("InvalidID", `The ID '${id}' is not valid`),
  /** A well-formed id of a family in `notFoundFamilies` that names nothing (CreateTags, DeleteTags): that family's NotFound entry. */
  resourceNotFound: (family: string, id: string): Ec2Error => {
    const entry = notFoundByFamily[family as keyof typeof notFoundByFamily];
    if (entry === undefined) throw new TypeError(`ec2-mock: no NotFound error for the id family '${family}'`);
    return errors[entry](id);
  },

  // ---- Instances: state, protection, hibernation ----

  /** An instance in a state the action refuses; the message names the instance and the action. */
  incorrectState: (message: string) => new Ec2Error("IncorrectInstanceState", message),
  /** AssociateAddress on an instance named by id in a state other than running or stopped. */
  instanceNotInValidState: (state: string, instanceId: string) =>
    new Ec2Error("InvalidInstanceID", `The ${state} instance '${instanceId}' is not in a valid state for this operation.`),
  notPermitted: (message: string) => new Ec2Error("OperationNotPermitted", message),
  unsupported: (message: string) => new Ec2Error("UnsupportedOperation", message),
  hibernationNotConfigured: (id: string) =>
    new Ec2Error(
      "UnsupportedHibernationConfiguration",
      `The instance can't be hibernated because it was not configured at launch for hibernation: ${id}`,
    ),
  /** ModifyInstanceAttribute's refusal of a value for the instance (reference: "If the instance type is not valid, the error returned is InvalidInstanceAttributeValue"). */
  invalidAttributeValue: (message: string) => new Ec2Error("InvalidInstanceAttributeValue", message),

  // ---- Launches (RunInstances): counts, images, types, devices, capacity ----

  /** More instances than the account's limit for one launch (EC2's wording). */
  instanceLimitExceeded: (requested: number, limit: number) =>
    new Ec2Error(
      "InstanceLimitExceeded",
      `You have requested more instances (${requested}) than your current instance limit of ${limit} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
    ),
  /** A `ClientToken` used before with other parameters. */
  idempotentParameterMismatch: (token: string) =>
    new Ec2Error("IdempotentParameterMismatch", `The client token '${token}' has already been used with different parameters.`),
  /** HibernationOptions.Configured on an instance-store image. */
  hibernationNeedsEbs: () =>
    new Ec2Error(
      "UnsupportedHibernationConfiguration",
      "Hibernation is not supported for instances with an instance-store root device. Use an AMI with an EBS root device.",
    ),
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
  /** A launch option the instance type does not support (source: raw response, openai/evolution-strategies-starter#12, for EBS optimization). */
  unsupportedConfiguration: (feature: string) =>
    new Ec2Error("Unsupported", `${feature} are not supported for your requested configuration. Please check the documentation for supported configurations.`),
  /** CpuOptions with one member (source: raw response, hashicorp/terraform-provider-aws#46821). */
  cpuOptionsIncomplete: () => new Ec2Error("MissingParameter", "When specifying CpuOptions you must specify both CoreCount and ThreadsPerCore."),
  /**
   * No capacity for the launch or start (fault injection). With the type and
   * zone asked for, EC2's long form naming the region's other zones (raw
   * responses quoted in cloud-custodian#5235 and skyplane#299); without, the
   * short form `Insufficient capacity.` (raw response in hammertime#29).
   */
  insufficientCapacity: (placed?: { instanceType: string; zone: string; otherZones: readonly string[] }) =>
    placed === undefined
      ? new Ec2Error("InsufficientInstanceCapacity", "Insufficient capacity.", 500)
      : new Ec2Error(
          "InsufficientInstanceCapacity",
          `We currently do not have sufficient ${placed.instanceType} capacity in the Availability Zone you requested (${placed.zone}). ` +
            "Our system will be working on provisioning additional capacity. " +
            `You can currently get ${placed.instanceType} capacity by not specifying an Availability Zone in your request or choosing ${placed.otherZones.join(", ")}.`,
          500,
        ),
  addressInUse: (ip: string) => new Ec2Error("InvalidIPAddress.InUse", `Address ${ip} is in use.`),
  insufficientAddresses: () =>
    new Ec2Error("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet to satisfy the requested number of instances."),
  /** A device name of none of EC2's forms (docs/behaviour.md: the set is a decision). */
  invalidDeviceName: (name: string) => new Ec2Error("InvalidBlockDeviceMapping", `Invalid device name ${name}`),
  /** One device named twice in a launch's BlockDeviceMappings. */
  deviceMappedTwice: (device: string) => new Ec2Error("InvalidBlockDeviceMapping", `${device} is being assigned to multiple times.`),
  /** A block device mapping that names no volume (source: raw response, nortontruter/infracoders-workshop#3). */
  noSnapshotOrSize: (device: string) => new Ec2Error("InvalidBlockDeviceMapping", `Either snapshot ID or volume size must be provided for: ${device}`),
  /** A volume of an image's device made smaller than the image's snapshot. */
  volumeSmallerThanSnapshot: (sizeGiB: number, snapshotId: string, minGiB: number) =>
    new Ec2Error(
      "InvalidBlockDeviceMapping",
      `Volume of size ${sizeGiB}GB is smaller than snapshot '${snapshotId}', expect size >= ${minGiB}GB`,
    ),
  /** A block device mapping EC2 refuses (RunInstances). */
  invalidBlockDeviceMapping: (message: string) => new Ec2Error("InvalidBlockDeviceMapping", message),
  /** A launch that would attach more EBS volumes than an instance takes (wording: decision). */
  attachmentLimitExceeded: (count: number, limit: number) =>
    new Ec2Error("AttachmentLimitExceeded", `The launch would attach ${count} EBS volumes to each instance; the limit is ${limit}.`),

  // ---- Tags ----

  /** A resource that would hold more tags than EC2 allows. */
  tagLimitExceeded: () => new Ec2Error("TagLimitExceeded", "The maximum number of Tags for a resource has been reached."),

  // ---- Elastic IP addresses (sources in docs/behaviour.md, "Elastic IP addresses") ----

  addressLimit: () => new Ec2Error("AddressLimitExceeded", "The maximum number of addresses has been reached."),
  alreadyAssociated: (allocationId: string, associationId: string) =>
    new Ec2Error("Resource.AlreadyAssociated", `resource ${allocationId} is already associated with associate-id ${associationId}`),

  // ---- Parameter values and combinations, worded per case by the caller ----

  invalidValue: (message: string) => new Ec2Error("InvalidParameterValue", message),
  invalidCombination: (message: string) => new Ec2Error("InvalidParameterCombination", message),

  // ---- Fault injection ----

  /**
   * An error the user asked for (`faults.failNext(action, { error: { code,
   * message, status } })`): the code, message and status exactly as given,
   * checked when the fault is set.
   */
  userRequested: (code: string, message: string, status: number) => new Ec2Error(code, message, status),
} as const;
