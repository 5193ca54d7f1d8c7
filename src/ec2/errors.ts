import { replaceForbiddenXmlChars } from "./xml-text.js";

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
}

/** Quotes a list of ids the way EC2 does in NotFound messages: `'a, b'`. */
function idList(ids: readonly string[]): string {
  return `'${ids.join(", ")}'`;
}

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
  invalidValue: (message: string) => new Ec2Error("InvalidParameterValue", message),
  invalidCombination: (message: string) => new Ec2Error("InvalidParameterCombination", message),
  /** ModifyInstanceAttribute's refusal of a value for the instance (reference: "If the instance type is not valid, the error returned is InvalidInstanceAttributeValue"). */
  invalidAttributeValue: (message: string) => new Ec2Error("InvalidInstanceAttributeValue", message),
  /** EBS optimization asked of a type that does not offer it (EC2's words at launch). */
  ebsOptimizedUnsupported: () =>
    new Ec2Error(
      "Unsupported",
      "EBS-optimized instances are not supported for your requested configuration. Please check the documentation for supported configurations.",
    ),
  /** A configuration EC2 cannot run, found when the instance starts (source: seek-oss/aec#228). */
  unsupportedConfiguration: () =>
    new Ec2Error("Unsupported", "The requested configuration is currently not supported. Please check the documentation for supported configurations."),
  addressInUse: (ip: string) => new Ec2Error("InvalidIPAddress.InUse", `Address ${ip} is in use.`),
  insufficientAddresses: () =>
    new Ec2Error("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet to satisfy the requested number of instances."),
  /** EC2's catch-all (no final period, as in raw EC2 responses). */
  internal: () => new Ec2Error("InternalError", "An internal error has occurred", 500),
  hibernationNotConfigured: (id: string) =>
    new Ec2Error(
      "UnsupportedHibernationConfiguration",
      `The instance can't be hibernated because it was not configured at launch for hibernation: ${id}`,
    ),
} as const;
