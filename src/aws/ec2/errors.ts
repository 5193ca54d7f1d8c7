import { CloudError } from "../../kit/errors.js";
import { ProtocolRefusal, type Refusal } from "../../protocols/refusal.js";
import { replaceForbiddenXmlChars } from "../../protocols/xml-text.js";
import { notImplementedMessage } from "../not-implemented.js";
import { refusalInWords } from "../query-errors.js";

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

/** EC2's pattern for InvalidParameterValue: `Value (x) for parameter P is invalid. Why.` */
function valueInvalid(parameter: string, value: string, why: string): Ec2Error {
  return new Ec2Error("InvalidParameterValue", `Value (${value}) for parameter ${parameter} is invalid. ${why}`);
}

/** What DescribeLaunchTemplateVersions answers a request that names neither a template nor only `$Latest`/`$Default` (EC2's text). */
const VERSIONS_SCOPE =
  "To describe the launch template data for all your launch templates, for \u2018--versions\u2019 specify \u2018$Latest\u2019, \u2018$Default\u2019, or both, and omit \u2018--launch-template-id\u2019, \u2018--launch-template-name\u2019, and version numbers. To describe the launch template data for a specific launch template, specify \u2018--launch-template-id\u2019 or \u2018--launch-template-name\u2019, and for \u2018--versions\u2019 specify one or more of the following values: \u2018$Latest\u2019, \u2018$Default\u2019, or one or more version numbers.";

/** Quotes a list of allowed values: `'a' and 'b'`. */
function quotedAnd(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(" and ");
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
  malformedQueryString() {
    return new Ec2Error("MalformedQueryString", "The query string contains a syntax error.");
  },
  /** A query parameter the action's input schema does not know (wire door). */
  unknownParameter(key: string) {
    return new Ec2Error("UnknownParameter", `The parameter ${key} is not recognized`);
  },
  missingParameter(name: string) {
    return new Ec2Error("MissingParameter", `The request must contain the parameter ${name}`);
  },
  /** A query request without `Action` (wire door). */
  missingAction() {
    return new Ec2Error("MissingAction", "The request must contain the parameter Action");
  },
  /** A query request for another API version than 2016-11-15 (wire door). */
  noSuchVersion(version: string) {
    return new Ec2Error("NoSuchVersion", `The requested version (${version}) of service AmazonEC2 does not exist`);
  },
  /** An action EC2 does not have or the mock does not implement (wire door). */
  invalidAction(action: string) {
    return new Ec2Error("InvalidAction", `The action ${action} is not valid for this web service.`);
  },
  /**
   * An action of EC2's API (its SDK schema has it) that the mock does not
   * implement, over the wire (decision: 501, which no SDK retries, and a code
   * of the mock's own, so that nobody debugs their client; see
   * docs/behaviour.md, "Overrides and unimplemented actions").
   */
  notImplemented(action: string, service: string) {
    return new Ec2Error("Ec2MockNotImplemented", notImplementedMessage(action, service, "EC2"), 501);
  },
  /** A method other than GET and POST (wire door; wording: decision). */
  methodNotAllowed(method: string) {
    return new Ec2Error("InvalidHttpRequest", `The HTTP method ${method} is not supported: use POST (or GET).`, 405);
  },
  /** A POST body that is not a form (wire door; wording: decision). */
  unsupportedContentType(type: string) {
    return new Ec2Error("InvalidHttpRequest", `The content type ${type} is not supported: send application/x-www-form-urlencoded.`, 415);
  },
  /** A body over the server's limit (wire door; wording: decision). */
  requestTooLarge(bytes: number, limit: number) {
    return new Ec2Error("RequestEntityTooLarge", `The request body of ${bytes} bytes exceeds the limit of ${limit} bytes.`, 413);
  },
  /** A key EC2 does not know or a signature that does not match (source: EC2). */
  authFailure() {
    return new Ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
  },
  /** A request dated outside SigV4's window (source: EC2's answer to a skewed SigV4 request). */
  requestExpired() {
    return new Ec2Error("RequestExpired", "Request has expired.");
  },
  // SigV4: a signature that does not conform (AWS common errors: IncompleteSignature, 400). The wording
  // follows AWS's own answers where they are known (docs/behaviour.md, "SigV4 in the server").

  /** A credential not of the form `ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request`. */
  malformedCredential(credential: string) {
    return new Ec2Error(
      "IncompleteSignature",
      `Credential should have the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request; got '${credential}'.`,
    );
  },
  /** An Authorization header of another scheme than SigV4's. */
  unsupportedAuthScheme(scheme: string, algorithm: string) {
    return new Ec2Error("IncompleteSignature", `Unsupported Authorization scheme '${scheme}': sign requests with ${algorithm} (SigV4).`);
  },
  /** An Authorization header item without `=`. */
  authItemWithoutEquals(item: string, header: string) {
    return new Ec2Error(
      "IncompleteSignature",
      `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
    );
  },
  /** An Authorization header parameter other than Credential, SignedHeaders and Signature. */
  unknownAuthParameter(name: string, header: string) {
    return new Ec2Error(
      "IncompleteSignature",
      `'${name}' is not a parameter of the Authorization header: expected Credential, SignedHeaders and Signature. Authorization=${header}`,
    );
  },
  /** An Authorization header parameter given twice. */
  repeatedAuthParameter(name: string, header: string) {
    return new Ec2Error("IncompleteSignature", `Authorization header has more than one '${name}' parameter. Authorization=${header}`);
  },
  /** An Authorization header without some of its parameters, or a request without a date, in AWS's order and words. */
  incompleteAuthorization(missing: readonly string[], dateMissing: boolean, header: string) {
    return new Ec2Error(
      "IncompleteSignature",
      [
        ...missing.map((name) => `Authorization header requires '${name}' parameter.`),
        ...(dateMissing ? ["Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."] : []),
        `Authorization=${header}`,
      ].join(" "),
    );
  },
  /** A presigned query parameter given twice. */
  repeatedQueryParameter(key: string) {
    return new Ec2Error("IncompleteSignature", `The query string has more than one '${key}' parameter.`);
  },
  /** Both an Authorization header and presigned query parameters. */
  twoAuthMechanisms(presigned: readonly string[]) {
    return new Ec2Error(
      "IncompleteSignature",
      `Only one auth mechanism allowed: send the Authorization header or the presigned query parameters (${presigned.join(", ")}), not both.`,
    );
  },
  /** A SigV4 signing parameter in a form body. */
  signingParameterInBody(name: string) {
    return new Ec2Error(
      "IncompleteSignature",
      `The parameter ${name} is a SigV4 signing parameter and is read from the query string only, not from the request body.`,
    );
  },
  /** An X-Amz-Date not in ISO 8601 basic format. */
  badAmzDate(value: string) {
    return new Ec2Error(
      "IncompleteSignature",
      `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  },
  /** A Date header that is not an HTTP date. */
  badDateHeader(date: string) {
    return new Ec2Error("IncompleteSignature", `The Date header '${date}' is not a valid HTTP date.`);
  },
  /** A presigned query without all of its parameters. */
  incompletePresignedQuery(required: readonly string[]) {
    return new Ec2Error(
      "IncompleteSignature",
      `AWS query-string parameters must include ${required.map((p) => `'${p}'`).join(", ")}. Re-examine the query-string parameters.`,
    );
  },
  /** A presigned query's X-Amz-Algorithm other than SigV4's. */
  unsupportedPresignAlgorithm(algorithm: string, got: string) {
    return new Ec2Error("IncompleteSignature", `X-Amz-Algorithm only supports '${algorithm}'; got '${got}'.`);
  },
  /** A presigned query's X-Amz-Expires out of range. */
  badPresignExpiry(max: number, got: string) {
    return new Ec2Error("IncompleteSignature", `X-Amz-Expires must be a whole number of seconds from 1 to ${max}; got '${got}'.`);
  },
  /** 403 with IAM's encoded authorization failure message (decoded by `decodeAuthorizationMessage`). */
  unauthorized(blob: string) {
    return new Ec2Error(
      "UnauthorizedOperation",
      `You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`,
      403,
    );
  },
  dryRun() {
    return new Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
  },
  /** A request member EC2 accepts but the mock does not model: refused by name, never dropped (issue 13). */
  unmodelledParameter(action: string, name: string) {
    return new Ec2Error("UnsupportedOperation", `ec2-mock does not model the parameter '${name}' of ${action}.`);
  },
  /** A documented filter the mock does not model: refused by name, never matched wrongly (issue 13). */
  unmodelledFilter(action: string, name: string) {
    return new Ec2Error("UnsupportedOperation", `ec2-mock does not model the filter '${name}' of ${action}.`);
  },
  /** More resources in one call than the action takes (wording: raw EC2 response; CreateTags: redhat-performance/cloud-governance#582). */
  resourceCountExceeded() {
    return new Ec2Error("ResourceCountExceeded", "You have exceeded the number of resources allowed in a single call of this type");
  },
  /** More filter values in one call than EC2 takes. */
  filterLimitExceeded(max: number) {
    return new Ec2Error("FilterLimitExceeded", `The maximum number of filter values specified on a single call is ${max}`);
  },
  /** More ids than an action takes, EC2's words and spelling (source: raw DescribeInstanceStatus responses, bastillion-io/Bastillion-EC2#8). */
  tooManyInstanceIds(count: number, max: number) {
    return new Ec2Error(
      "InvalidRequest",
      `${count} exceeds the maximum number of instance IDs that can be specificied (${max}). Please specify fewer than ${max} instance IDs.`,
    );
  },
  /** TerminateInstances without ids (source: raw EC2 response quoted in gruntwork-io/cloud-nuke#731). */
  noInstancesSpecified() {
    return new Ec2Error("InvalidParameterCombination", "No instances specified");
  },
  /** A query parameter's text that is not of its type (the wire door's scalars); `expected` says what it must be. */
  invalidQueryValue(key: string, text: string, expected: string) {
    return valueInvalid(key, text, expected);
  },
  /** SDK-side input that is not a structure of the command's members (the input normalizer). */
  inputNotStructure(shown: string) {
    return new Ec2Error(
      "InvalidParameterValue",
      `The request parameters must be a structure of the command's input members, not ${shown}.`,
    );
  },
  /** An enum member of none of its values (wording: decision, EC2's pattern). */
  notOneOf(parameter: string, value: string, allowed: readonly string[]) {
    return valueInvalid(parameter, value, `Valid values are ${quotedAnd(allowed)}.`);
  },
  /** An integer member out of its range (wording: decision, EC2's pattern). */
  notInRange(parameter: string, value: string, min: number, max: number) {
    return valueInvalid(parameter, value, `Valid values are integers from ${min} to ${max}.`);
  },
  /** A value EC2 does not take for a parameter: MinCount, MaxCount, InstanceType. */
  invalidValueFor(parameter: string, value: string) {
    return new Ec2Error("InvalidParameterValue", `Invalid value '${value}' for ${parameter}.`);
  },
  /** An address parameter that is not an IPv4 address (AllocateAddress' Address, DescribeAddresses' PublicIp). */
  notIpv4(parameter: string, value: string) {
    return new Ec2Error("InvalidParameterValue", `Invalid value '${value}' for ${parameter}. Not a valid IPv4 address`);
  },
  /** A filter name the action does not know (`null` when the name is missing). */
  invalidFilter(name: string) {
    return new Ec2Error("InvalidParameterValue", `The filter '${name}' is invalid`);
  },
  /** MaxResults with an id list (EC2 pages only listings not filtered by id). */
  maxResultsWithIds(idsParameter: string) {
    return new Ec2Error("InvalidParameterCombination", `The parameter ${idsParameter} cannot be used with the parameter maxResults`);
  },
  /** A MaxResults out of its range or not an integer; EC2's spacing, and its "greater than 5" although 5 is accepted. */
  invalidMaxResults(value: string, expecting: string) {
    return new Ec2Error("InvalidParameterValue", `Value ( ${value} ) for parameter maxResults is invalid. Expecting ${expecting}.`);
  },
  /** A NextToken this listing did not give. */
  badNextToken() {
    return new Ec2Error("InvalidParameterValue", "Unable to parse pagination token");
  },
  /**
   * DescribeSpotPriceHistory with an EndTime before its StartTime (wording:
   * decision, in EC2's InvalidParameterValue pattern; AWS publishes none).
   */
  endTimeBeforeStartTime(start: string, end: string) {
    return new Ec2Error("InvalidParameterValue", `The end time (${end}) must not be before the start time (${start}).`);
  },
  /** EC2's throttling answer (spec); raised by the throttles of fault injection. */
  requestLimitExceeded() {
    return new Ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503);
  },
  /** EC2's catch-all (no final period, as in raw EC2 responses). */
  internal() {
    return new Ec2Error("InternalError", "An internal error has occurred", 500);
  },

  // ---- Ids and lookups: malformed ids, resources that do not exist ----

  malformedInstanceId(id: string) {
    return new Ec2Error("InvalidInstanceID.Malformed", `Invalid id: "${id}"`);
  },
  instancesNotFound(ids: readonly string[]) {
    return ids.length === 1
      ? new Ec2Error("InvalidInstanceID.NotFound", `The instance ID ${idList(ids)} does not exist`)
      : new Ec2Error("InvalidInstanceID.NotFound", `The instance IDs ${idList(ids)} do not exist`);
  },
  /** EC2 adds what it expected when the id lacks the `vol-` prefix (source: EC2's wording for AMI ids; decision for volumes). */
  malformedVolumeId(id: string) {
    return new Ec2Error(
      "InvalidVolumeID.Malformed",
      id.startsWith("vol-") ? `Invalid id: "${id}"` : `Invalid id: "${id}" (expecting "vol-...")`,
    );
  },
  volumesNotFound(ids: readonly string[]) {
    return ids.length === 1
      ? new Ec2Error("InvalidVolume.NotFound", `The volume ${idList(ids)} does not exist.`)
      : new Ec2Error("InvalidVolume.NotFound", `The volumes ${idList(ids)} do not exist.`);
  },
  /** DeleteVolume on an attached volume (source: API reference, "Error codes": VolumeInUse; wording as EC2 answers). */
  volumeInUse(volumeId: string, instanceId: string) {
    return new Ec2Error("VolumeInUse", `Volume ${volumeId} is currently attached to ${instanceId}`);
  },
  /** AttachVolume on a volume already attached (source: raw response, portworx/px-dev#42). */
  volumeAlreadyAttached(volumeId: string) {
    return new Ec2Error("VolumeInUse", `${volumeId} is already attached to an instance`);
  },
  /** AttachVolume across zones (source: raw response, portworx/px-dev#42). */
  volumeZoneMismatch(volumeId: string, instanceId: string) {
    return new Ec2Error(
      "InvalidVolume.ZoneMismatch",
      `The volume '${volumeId}' is not in the same availability zone as instance '${instanceId}'`,
    );
  },
  /**
   * AttachVolume on a volume still `creating` or `deleting`, DetachVolume on
   * one not attached (source: raw response to DetachVolume,
   * kubernetes-sigs/aws-ebs-csi-driver#1801: `Volume 'vol-…' is in the 'available' state.`).
   */
  volumeNotAvailable(volumeId: string, state: string) {
    return new Ec2Error("IncorrectState", `Volume '${volumeId}' is in the '${state}' state.`);
  },

  /** AttachVolume at a device the instance already uses (wording: decision, EC2's unixDevice form). */
  deviceInUse(device: string) {
    return new Ec2Error("InvalidParameterValue", `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`);
  },
  /** AttachVolume to an instance neither running nor stopped (wording: decision). */
  instanceNotAttachable(instanceId: string) {
    return new Ec2Error("IncorrectInstanceState", `The instance '${instanceId}' is not in a state from which a volume can be attached.`);
  },
  /**
   * DetachVolume naming an instance or device the volume is not attached to
   * (code: EC2's error codes, "The instance cannot detach from a volume to
   * which it is not attached"; wording: decision).
   */
  attachmentNotFound(volumeId: string, where: string) {
    return new Ec2Error("InvalidAttachment.NotFound", `Volume '${volumeId}' is not attached to ${where}.`);
  },
  /**
   * DetachVolume on the root volume of an instance that is not stopped
   * (source: API reference, DetachVolume; wording: raw response quoted in a
   * Terraform log, `IncorrectState: Unable to detach root volume '…' from instance '…'`).
   */
  rootVolumeAttached(volumeId: string, instanceId: string) {
    return new Ec2Error("IncorrectState", `Unable to detach root volume '${volumeId}' from instance '${instanceId}'`);
  },
  /** DetachVolume from an instance neither running nor stopped (source: raw response, hashicorp/terraform#18965). */
  instanceNotDetachable(volumeId: string, instanceId: string) {
    return new Ec2Error(
      "IncorrectInstanceState",
      `Unable to detach volume '${volumeId}' from instance '${instanceId}'. The instance is not in a state in which volumes can be detached.`,
    );
  },
  /** CreateVolume in a zone the Region lacks (source: raw response, hashicorp/terraform#6110). */
  zoneNotFound(zone: string) {
    return new Ec2Error("InvalidZone.NotFound", `The zone '${zone}' does not exist.`);
  },
  malformedImageId(id: string) {
    return new Ec2Error("InvalidAMIID.Malformed", `Invalid id: "${id}" (expecting "ami-...")`);
  },
  imageNotFound(id: string) {
    return new Ec2Error("InvalidAMIID.NotFound", `The image id '[${id}]' does not exist`);
  },
  /** An image not in the `available` state (source: raw response, hashicorp/packer#12162, for `pending`). */
  imageUnavailable(id: string, state: string) {
    return new Ec2Error("InvalidAMIID.Unavailable", `AMI '${id}' is ${state}, and cannot be run`);
  },
  /** DescribeInstanceTypes naming types EC2 does not have, or not in this Region (raw response: scylladb/scylla-cluster-tests#12419). */
  instanceTypesNotFound(names: readonly string[]) {
    return new Ec2Error("InvalidInstanceType", `The following supplied instance types do not exist: [${names.join(", ")}]`);
  },
  malformedSnapshotId(id: string) {
    return new Ec2Error("InvalidSnapshotID.Malformed", `Invalid id: "${id}" (expecting "snap-...")`);
  },
  snapshotNotFound(id: string) {
    return new Ec2Error("InvalidSnapshot.NotFound", `The snapshot '${id}' does not exist.`);
  },
  /** DeleteSnapshot of a snapshot a registered image maps (EC2's message, as its users report it). */
  snapshotInUse(snapshotId: string, imageId: string) {
    return new Ec2Error("InvalidSnapshot.InUse", `The snapshot ${snapshotId} is currently in use by ${imageId}`);
  },
  /** CopySnapshot, or CreateVolume, from a snapshot still `pending` (EC2's message for a pending snapshot, as its users report it: velero-io/velero#1799). */
  snapshotNotCompleted(state: string) {
    return new Ec2Error("IncorrectState", `Snapshot is in invalid state - ${state}`);
  },
  /** ModifySnapshotAttribute naming another account for a snapshot encrypted with the default EBS key (raw EC2 response: hashicorp/packer#7499, #8271). */
  snapshotDefaultKeyShared() {
    return new Ec2Error("OperationNotPermitted", "Encrypted snapshots with EBS default key cannot be shared");
  },
  /** ModifySnapshotAttribute adding the group `all` to an encrypted snapshot (EC2's wording for an encrypted AMI's snapshot: opendevstack/ods-core#1062). */
  encryptedSnapshotPublic() {
    return new Ec2Error("UnsupportedOperation", "Encrypted snapshots can\u2019t be shared publicly. Specify another snapshot.");
  },
  /** ModifySnapshotAttribute or ResetSnapshotAttribute of `productCodes` (API reference: "Only volume creation permissions can be modified"; wording: decision). */
  snapshotAttributeNotModifiable(attribute: string) {
    return valueInvalid("Attribute", attribute, "Only the createVolumePermission attribute can be modified or reset.");
  },
  /** ModifySnapshotAttribute that both adds and removes (API reference: "you cannot do both in a single operation"; wording: decision). */
  snapshotPermissionAddAndRemove() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "You may add or remove create volume permissions, but you cannot do both in a single operation.",
    );
  },
  /** ModifySnapshotAttribute with more than 500 modifications (API reference: "up to 500 modifications"; wording: decision). */
  tooManySnapshotPermissions(count: number) {
    return valueInvalid(
      "CreateVolumePermission",
      String(count),
      "You can make up to 500 modifications to a snapshot in a single operation.",
    );
  },
  /** A KmsKeyId without Encrypted (raw EC2 response: keithvassallomt/parsec-aws-automation#12). */
  kmsKeyNeedsEncrypted() {
    return new Ec2Error("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.");
  },
  /** A KmsKeyId that is not a key ARN of the call's Region or a key id: the mock resolves no alias (decision). */
  unmodelledKmsKey(value: string) {
    return new Ec2Error(
      "UnsupportedOperation",
      `ec2-mock does not model the KMS key '${value}': give a key ARN of this Region, a key id, or alias/aws/ebs for the default EBS key.`,
    );
  },
  /** CopySnapshot's DestinationRegion naming another Region than the one the call is sent to (wording: decision). */
  destinationRegionMismatch(region: string) {
    return valueInvalid("DestinationRegion", region, "The snapshot copy is made in the Region the request is sent to.");
  },
  /** CreateSnapshots' ExcludeDataVolumeIds naming the root volume (API reference: "If you specify the ID of the root volume, the request fails"; wording: decision). */
  excludedRootVolume(volumeId: string) {
    return valueInvalid("ExcludeDataVolumeIds", volumeId, "The root volume cannot be excluded here: use ExcludeBootVolume.");
  },
  /** CreateSnapshots' ExcludeDataVolumeIds naming a volume not attached to the instance (wording: decision). */
  excludedVolumeNotAttached(volumeId: string, instanceId: string) {
    return valueInvalid("ExcludeDataVolumeIds", volumeId, `The volume is not attached to instance ${instanceId}.`);
  },
  malformedInterfaceId(id: string) {
    return new Ec2Error("InvalidNetworkInterfaceID.Malformed", `Invalid id: "${id}" (expecting "eni-...")`);
  },
  interfaceNotFound(id: string) {
    return new Ec2Error("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${id}' does not exist`);
  },
  /** A subnet that does not exist (the mock has the default VPC's only). */
  subnetNotFound(id: string) {
    return new Ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`);
  },
  /** A VPC that does not exist (the mock has the default VPC only). */
  vpcNotFound(id: string) {
    return new Ec2Error("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`);
  },
  /** A security group id that does not exist. */
  securityGroupNotFound(id: string) {
    return new Ec2Error("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
  },
  /**
   * RunInstances' SecurityGroupIds (or its interface's Groups) naming no group: EC2 names the VPC of the
   * launch (raw responses, getmoto/moto#5484 and Terraform's RunInstances errors).
   */
  securityGroupNotFoundInVpc(id: string, vpcId: string) {
    return new Ec2Error("InvalidGroup.NotFound", `The security group '${id}' does not exist in VPC '${vpcId}'`);
  },
  /** A security group name that does not exist in the default VPC. */
  securityGroupNameNotFound(name: string, vpcId: string) {
    return new Ec2Error("InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC '${vpcId}'`);
  },
  /**
   * A key pair name that names none (RunInstances' KeyName, DescribeKeyPairs' KeyNames; raw responses,
   * hashicorp/vault-guides#260); an id that names none gets the same words with the id (decision).
   */
  keyPairNotFound(nameOrId: string) {
    return new Ec2Error("InvalidKeyPair.NotFound", `The key pair '${nameOrId}' does not exist`);
  },
  allocationNotFound(id: string) {
    return new Ec2Error("InvalidAllocationID.NotFound", `The allocation ID '${id}' does not exist`);
  },
  associationNotFound(id: string) {
    return new Ec2Error("InvalidAssociationID.NotFound", `The association ID '${id}' does not exist`);
  },
  /** An Elastic IP not found by its address: DescribeAddresses, a recovery, a wrong network border group. */
  addressNotFound(ip: string) {
    return new Ec2Error("InvalidAddress.NotFound", `Address '${ip}' not found.`);
  },
  /** CreateTags/DeleteTags: an id of no resource shape EC2 knows (source: raw responses, kubernetes/cloud-provider-aws#1387). */
  invalidResourceId(id: string) {
    return new Ec2Error("InvalidID", `The ID '${id}' is not valid`);
  },
  /** A well-formed id of a family in `notFoundFamilies` that names nothing (CreateTags, DeleteTags): that family's NotFound entry. */
  resourceNotFound(family: string, id: string): Ec2Error {
    const entry = notFoundByFamily[family as keyof typeof notFoundByFamily];
    if (entry === undefined) throw new TypeError(`ec2-mock: no NotFound error for the id family '${family}'`);
    return errors[entry](id);
  },

  // ---- Instances: state, protection, attributes, hibernation ----

  /** StartInstances, RebootInstances, ModifyInstanceAttribute on an instance in a state that refuses it (`verb`: started, rebooted, modified). */
  notInStateFor(instanceId: string, verb: string) {
    return new Ec2Error("IncorrectInstanceState", `The instance '${instanceId}' is not in a state from which it can be ${verb}.`);
  },
  /** StopInstances on a starting or terminating instance (EC2 says "This instance" here). */
  notStoppable(instanceId: string) {
    return new Ec2Error("IncorrectInstanceState", `This instance '${instanceId}' is not in a state from which it can be stopped.`);
  },
  /** StopInstances on an instance still pending. */
  neverRunning(instanceId: string) {
    return new Ec2Error(
      "IncorrectInstanceState",
      `Instance '${instanceId}' cannot be stopped as it has never reached the 'running' state.`,
    );
  },
  /** ModifyInstanceAttribute of an attribute that needs a stopped instance. */
  notStopped(instanceId: string) {
    return new Ec2Error("IncorrectInstanceState", `The instance '${instanceId}' is not in the 'stopped' state.`);
  },
  /** AssociateAddress on a network interface whose instance is neither running nor stopped. */
  attachedInstanceNotInValidState(state: string, networkInterfaceId: string) {
    return new Ec2Error(
      "IncorrectInstanceState",
      `The ${state} instance to which '${networkInterfaceId}' is attached is not in a valid state for this operation`,
    );
  },
  /** AssociateAddress on an instance named by id in a state other than running or stopped. */
  instanceNotInValidState(state: string, instanceId: string) {
    return new Ec2Error("InvalidInstanceID", `The ${state} instance '${instanceId}' is not in a valid state for this operation.`);
  },
  /** Stop or start of an instance-store instance (`verb`: stopped, started). */
  notEbsBacked(instanceId: string, verb: string) {
    return new Ec2Error(
      "UnsupportedOperation",
      `The instance '${instanceId}' does not have an 'ebs' root device type and cannot be ${verb}.`,
    );
  },
  /** ModifyInstanceAttribute's DisableApiStop on an instance-store instance. */
  stopProtectionNotEbs(instanceId: string) {
    return new Ec2Error(
      "UnsupportedOperation",
      `The instance '${instanceId}' does not have an 'ebs' root device type; stop protection cannot be enabled for it.`,
    );
  },
  /** Stop or termination refused by a protection attribute (`verb`: stopped, terminated; `attribute`: disableApiStop, disableApiTermination). */
  protectedInstance(instanceId: string, verb: string, attribute: string) {
    return new Ec2Error(
      "OperationNotPermitted",
      `The instance '${instanceId}' may not be ${verb}. Modify its '${attribute}' instance attribute and try again.`,
    );
  },
  /** ModifyInstanceAttribute with no attribute. */
  noAttributesSpecified() {
    return new Ec2Error("InvalidParameterCombination", "No attributes specified.");
  },
  /** ModifyInstanceAttribute with more than one attribute. */
  multipleAttributes(names: readonly string[]) {
    return new Ec2Error("InvalidParameterCombination", `Fields for multiple attribute types specified: ${names.join(", ")}`);
  },
  /** An attribute name EC2 does not have. */
  unknownAttribute(name: string) {
    return valueInvalid("attribute", name, "Unknown attribute.");
  },
  /** ModifyInstanceAttribute's `blockDeviceMapping` named as Attribute. */
  attributeViaBlockDeviceMappings(name: string) {
    return valueInvalid("attribute", name, "Use BlockDeviceMappings to modify it.");
  },
  /** ModifyInstanceAttribute of a read-only attribute. */
  attributeNotModifiable(name: string) {
    return valueInvalid("attribute", name, "The attribute cannot be modified.");
  },
  /** An attribute EC2 can modify but the mock does not model modifying. */
  unmodelledAttributeChange(name: string) {
    return new Ec2Error(
      "UnsupportedOperation",
      `ec2-mock does not model modifying the instance attribute '${name}'; DescribeInstanceAttribute shows its fixed value.`,
    );
  },
  /** ModifyInstanceAttribute's blockDeviceMapping with NoDevice or VirtualName. */
  unmodelledBlockDeviceChange() {
    return new Ec2Error(
      "UnsupportedOperation",
      "ec2-mock does not model NoDevice or VirtualName in ModifyInstanceAttribute's blockDeviceMapping: only Ebs.DeleteOnTermination can be changed.",
    );
  },
  /** ModifyInstanceAttribute's blockDeviceMapping naming a device the instance does not have. */
  noDeviceMapped(device: string) {
    return new Ec2Error("InvalidParameterValue", `No device is currently mapped at ${device}`);
  },
  /** ModifyInstanceAttribute's blockDeviceMapping naming another volume than the one at the device. */
  volumeNotAtDevice(volumeId: string, instanceId: string, device: string) {
    return new Ec2Error("InvalidParameterValue", `The volume '${volumeId}' is not attached to instance '${instanceId}' at ${device}.`);
  },
  /** ModifyInstanceAttribute's refusal of an instance type it does not know (reference: "If the instance type is not valid, the error returned is InvalidInstanceAttributeValue"). */
  instanceTypeInvalid(instanceType: string) {
    return new Ec2Error("InvalidInstanceAttributeValue", `Invalid value '${instanceType}' for InstanceType.`);
  },
  /** ModifyInstanceAttribute's refusal of a type the instance cannot change to. */
  instanceTypeChangeNotAllowed(from: string, to: string) {
    return new Ec2Error("InvalidInstanceAttributeValue", `Modifying the instance type from ${from} to ${to} is not allowed.`);
  },
  /** A start of an instance whose type requires ENA and whose ENA support is off (set by ModifyInstanceAttribute). */
  enaRequiredForInstance(instanceType: string, instanceId: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `Enhanced networking with the Elastic Network Adapter (ENA) is required for the '${instanceType}' instance type. Ensure that your instance '${instanceId}' is enabled for ENA.`,
    );
  },
  hibernationNotConfigured(id: string) {
    return new Ec2Error(
      "UnsupportedHibernationConfiguration",
      `The instance can't be hibernated because it was not configured at launch for hibernation: ${id}`,
    );
  },

  // ---- Launches (RunInstances): counts, images, types, devices, capacity ----

  /** More instances than the account's limit for one launch (EC2's wording). */
  instanceLimitExceeded(requested: number, limit: number) {
    return new Ec2Error(
      "InstanceLimitExceeded",
      `You have requested more instances (${requested}) than your current instance limit of ${limit} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
    );
  },
  /** MaxCount or MinCount under 1 (`which`: Maximum, Minimum). */
  countNotPositive(which: string) {
    return new Ec2Error("InvalidParameterValue", `${which} instance count must be greater than zero`);
  },
  /** MinCount over MaxCount. */
  countsInverted() {
    return new Ec2Error("InvalidParameterValue", "Maximum instance count must not be smaller than minimum instance count");
  },
  /** An instance type of another architecture than the image's (EC2's wording). */
  architectureMismatch(typeArchitecture: string, imageArchitecture: string) {
    return new Ec2Error(
      "InvalidParameterValue",
      `The architecture '${typeArchitecture}' of the specified instance type does not match the architecture '${imageArchitecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
    );
  },
  /** A SubnetId in another zone than Placement.AvailabilityZone. */
  subnetNotInZone(subnetId: string, subnetZone: string, zone: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `The subnet ${subnetId} is in ${subnetZone}, not in the requested Availability Zone ${zone}.`,
    );
  },
  /** An Availability Zone the region does not have (RunInstances, DescribeAvailabilityZones' ZoneNames). */
  invalidZone(zone: string) {
    return new Ec2Error("InvalidParameterValue", `Invalid availability zone: [${zone}]`);
  },
  /** NetworkInterfaces with an instance-level PrivateIpAddress. */
  interfacesWithPrivateIp() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "Network interfaces and an instance-level private IP address should not be specified on the same request",
    );
  },
  /** NetworkInterfaces with instance-level security groups. */
  interfacesWithSecurityGroups() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "Network interfaces and an instance-level security groups may not be specified on the same request",
    );
  },
  /** NetworkInterfaces with an instance-level SubnetId. */
  interfacesWithSubnet() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "Network interfaces and an instance-level subnet ID may not be specified on the same request",
    );
  },
  /** AssociatePublicIpAddress on a launch of more than one network interface (raw EC2 response: erlcloud/erlcloud#284, zalando-incubator/kubernetes-on-aws#8733). */
  publicIpWithManyInterfaces() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces",
    );
  },
  /** IamInstanceProfile with both Arn and Name (raw EC2 response: aws/aws-sdk-java#647). */
  instanceProfileNameAndArn() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'",
    );
  },
  /** An IamInstanceProfile.Name no profile can have (raw EC2 response for an unknown name: CiscoDevNet/cloud-cml#4). */
  invalidInstanceProfileName(name: string) {
    return valueInvalid("iamInstanceProfile.name", name, "Invalid IAM Instance Profile name");
  },
  /** An IamInstanceProfile.Arn that is no profile of the account (raw EC2 response for an unknown ARN: lacework/go-sdk#1045). */
  invalidInstanceProfileArn(arn: string) {
    return valueInvalid("iamInstanceProfile.arn", arn, "Invalid IAM Instance Profile ARN");
  },
  /** PrivateIpAddress with more than one instance to launch. */
  privateIpForMany() {
    return new Ec2Error("InvalidParameterCombination", "Cannot specify a private IP address when launching more than one instance.");
  },
  /** A PrivateIpAddress outside the subnet's usable range. */
  addressOutsideSubnet(ip: string) {
    return new Ec2Error("InvalidParameterValue", `Address ${ip} does not fall within the subnet's address range`);
  },
  /** A ClientToken too long or not printable ASCII. */
  invalidClientToken(token: string, max: number) {
    return valueInvalid("clientToken", token, `The client token must be at most ${max} ASCII characters.`);
  },
  /** User data that is not base64 (no final period, as in raw RunInstances answers). */
  userDataNotBase64() {
    return new Ec2Error("InvalidParameterValue", "Invalid BASE64 encoding of user data");
  },
  /** User data over the limit, decoded. */
  userDataTooLarge(max: number) {
    return new Ec2Error("InvalidParameterValue", `User data is limited to ${max} bytes`);
  },
  /** Hibernation with Nitro Enclaves. */
  hibernationWithEnclave() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "You can't enable hibernation and Amazon Web Services Nitro Enclaves on the same instance.",
    );
  },
  /** CpuOptions' CoreCount or ThreadsPerCore not among the type's valid values. */
  invalidCpuOption(parameter: string, value: string, instanceType: string, valid: readonly number[]) {
    return valueInvalid(parameter, value, `Valid values for ${instanceType}: ${valid.join(", ")}.`);
  },
  /** A `ClientToken` used before with other parameters. */
  idempotentParameterMismatch(token: string) {
    return new Ec2Error("IdempotentParameterMismatch", `The client token '${token}' has already been used with different parameters.`);
  },
  /**
   * HibernationOptions.Configured with a root volume smaller than the
   * instance type's memory (User Guide, "Prerequisites for EC2 instance
   * hibernation": the root volume "must be large enough to store the RAM
   * contents"). The code is EC2's (RunInstances refuses such a launch with
   * it); the words follow EC2's for the encryption prerequisite ("For
   * hibernation, the root device volume must be encrypted."): decision.
   */
  hibernationRootTooSmall(sizeGiB: number, neededGiB: number) {
    return new Ec2Error(
      "UnsupportedHibernationConfiguration",
      `For hibernation, the root device volume must be large enough to store the instance's memory: ${sizeGiB} GiB is smaller than ${neededGiB} GiB.`,
    );
  },
  /** HibernationOptions.Configured on an instance-store image. */
  hibernationNeedsEbs() {
    return new Ec2Error(
      "UnsupportedHibernationConfiguration",
      "Hibernation is not supported for instances with an instance-store root device. Use an AMI with an EBS root device.",
    );
  },
  /**
   * HibernationOptions.Configured on a type whose DescribeInstanceTypes
   * record says `HibernationSupported: false` (User Guide, "Prerequisites
   * for EC2 instance hibernation": supported instance families only;
   * wording: decision, EC2 publishes none).
   */
  hibernationUnsupportedType(instanceType: string) {
    return new Ec2Error("UnsupportedHibernationConfiguration", `Hibernation is not supported for the instance type ${instanceType}.`);
  },
  /** RunInstances' DisableApiStop on an instance-store image (User Guide: "you can't enable stop protection for instance store-backed instances"; wording: decision). */
  stopProtectionNeedsEbs() {
    return new Ec2Error(
      "UnsupportedOperation",
      "Stop protection is not supported for instances with an instance-store root device. Use an AMI with an EBS root device.",
    );
  },
  /** A paravirtual image on a type that runs HVM images only (EC2's wording at launch: puppet-cassandra#334, devops-box#6). */
  hvmRequired(instanceType: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `Virtualization type 'hvm' is required for instances of type '${instanceType}'. Ensure that you are using an AMI with virtualization type 'hvm'. For more information, see http://docs.aws.amazon.com/AWSEC2/latest/UserGuide/virtualization_types.html`,
    );
  },
  /** A type that requires ENA with an image registered without it (EC2's wording at launch). */
  enaRequired(instanceType: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `Enhanced networking with the Elastic Network Adapter (ENA) is required for the '${instanceType}' instance type. Ensure that you are using an AMI that is enabled for ENA.`,
    );
  },
  /**
   * A launch in a zone that does not offer the type, naming the Region's zones
   * that do (raw responses: skyplane-project/skyplane#172, fedora-copr/copr#2840).
   */
  instanceTypeNotInZone(instanceType: string, zone: string, offeredIn: readonly string[]) {
    return new Ec2Error(
      "Unsupported",
      `Your requested instance type (${instanceType}) is not supported in your requested Availability Zone (${zone}). Please retry your request by not specifying an Availability Zone or choosing ${offeredIn.join(", ")}.`,
    );
  },
  /** A configuration EC2 cannot run, found when the instance starts (source: seek-oss/aec#228), or a launch of a type the Region offers in no zone (hashicorp/terraform-provider-aws#9113). */
  requestedConfigurationUnsupported() {
    return new Ec2Error(
      "Unsupported",
      "The requested configuration is currently not supported. Please check the documentation for supported configurations.",
    );
  },
  /** A launch option the instance type does not support (source: raw response, openai/evolution-strategies-starter#12, for EBS optimization). */
  unsupportedConfiguration(feature: string) {
    return new Ec2Error(
      "Unsupported",
      `${feature} are not supported for your requested configuration. Please check the documentation for supported configurations.`,
    );
  },
  /** CpuOptions with one member (source: raw response, hashicorp/terraform-provider-aws#46821). */
  cpuOptionsIncomplete() {
    return new Ec2Error("MissingParameter", "When specifying CpuOptions you must specify both CoreCount and ThreadsPerCore.");
  },
  /**
   * No capacity for the launch or start (fault injection, or a pool withdrawn
   * with `ec2.capacity.withdraw`). With the type and
   * zone asked for, EC2's long form naming the region's other zones (raw
   * responses quoted in cloud-custodian#5235 and skyplane#299); without, the
   * short form `Insufficient capacity.` (raw response in hammertime#29).
   */
  insufficientCapacity(placed?: { instanceType: string; zone: string; otherZones: readonly string[] }) {
    return placed === undefined
      ? new Ec2Error("InsufficientInstanceCapacity", "Insufficient capacity.", 500)
      : new Ec2Error(
          "InsufficientInstanceCapacity",
          `We currently do not have sufficient ${placed.instanceType} capacity in the Availability Zone you requested (${placed.zone}). ` +
            "Our system will be working on provisioning additional capacity. " +
            `You can currently get ${placed.instanceType} capacity by not specifying an Availability Zone in your request or choosing ${placed.otherZones.join(", ")}.`,
          500,
        );
  },
  addressInUse(ip: string) {
    return new Ec2Error("InvalidIPAddress.InUse", `Address ${ip} is in use.`);
  },
  insufficientAddresses() {
    return new Ec2Error(
      "InsufficientFreeAddressesInSubnet",
      "There are not enough free addresses in subnet to satisfy the requested number of instances.",
    );
  },
  /** A device name of none of EC2's forms (docs/behaviour.md: the set is a decision). */
  invalidDeviceName(name: string) {
    return new Ec2Error("InvalidBlockDeviceMapping", `Invalid device name ${name}`);
  },
  /** One device named twice in a launch's BlockDeviceMappings. */
  deviceMappedTwice(device: string) {
    return new Ec2Error("InvalidBlockDeviceMapping", `${device} is being assigned to multiple times.`);
  },
  /** A block device mapping that names no volume (source: raw response, nortontruter/infracoders-workshop#3). */
  noSnapshotOrSize(device: string) {
    return new Ec2Error("InvalidBlockDeviceMapping", `Either snapshot ID or volume size must be provided for: ${device}`);
  },
  /** A volume of an image's device made smaller than the image's snapshot. */
  volumeSmallerThanSnapshot(sizeGiB: number, snapshotId: string, minGiB: number) {
    return new Ec2Error(
      "InvalidBlockDeviceMapping",
      `Volume of size ${sizeGiB}GB is smaller than snapshot '${snapshotId}', expect size >= ${minGiB}GB`,
    );
  },
  /** NoDevice on the image's root device. */
  rootDeviceSuppressed() {
    return new Ec2Error("InvalidParameterValue", "The device name of the root device cannot be suppressed with NoDevice");
  },
  /** A VirtualName other than `ephemeral0` to `ephemeral23`. */
  invalidVirtualName(virtualName: string, device: string) {
    return new Ec2Error("InvalidBlockDeviceMapping", `Invalid virtual name ${virtualName} for ${device}`);
  },
  /** A mapping with both VirtualName and Ebs. */
  ebsAndInstanceStore(device: string) {
    return new Ec2Error("InvalidBlockDeviceMapping", `${device} cannot map both an EBS volume and an instance store volume`);
  },

  // ---- EBS volumes: types and limits (EBS User Guide, "Amazon EBS volume types") ----

  invalidVolumeType(volumeType: string, valid: readonly string[]) {
    return valueInvalid("volumeType", volumeType, `Valid values: ${valid.join(", ")}.`);
  },
  /** io1 and io2 without Iops. */
  iopsRequired(volumeType: string) {
    return new Ec2Error("InvalidParameterCombination", `The parameter iops must be specified for ${volumeType} volumes.`);
  },
  iopsNotSupported(volumeType: string) {
    return new Ec2Error("InvalidParameterCombination", `The parameter iops is not supported for ${volumeType} volumes.`);
  },
  throughputNotSupported() {
    return new Ec2Error("InvalidParameterCombination", "throughput can only be specified for volumeType gp3.");
  },
  volumeTooSmall(sizeGiB: number, min: number) {
    return new Ec2Error("InvalidParameterValue", `Volume of ${sizeGiB}GiB is too small; minimum is ${min}GiB.`);
  },
  volumeTooLarge(sizeGiB: number, max: number) {
    return new Ec2Error("InvalidParameterValue", `Volume of ${sizeGiB}GiB is too large; maximum is ${max}GiB.`);
  },
  iopsTooLow(iops: number, min: number) {
    return new Ec2Error("InvalidParameterValue", `Volume iops of ${iops} is too low; minimum is ${min}.`);
  },
  iopsTooHigh(iops: number, max: number) {
    return new Ec2Error("InvalidParameterValue", `Volume iops of ${iops} is too high; maximum is ${max}.`);
  },
  /** `ratio` as EC2 prints it (six decimals). */
  iopsRatioTooHigh(ratio: string, max: number) {
    return new Ec2Error("InvalidParameterValue", `Iops to volume size ratio of ${ratio} is too high; maximum is ${max}`);
  },
  throughputTooLow(throughput: number, min: number) {
    return new Ec2Error("InvalidParameterValue", `Volume throughput of ${throughput} is too low; minimum is ${min}.`);
  },
  throughputTooHigh(throughput: number, max: number) {
    return new Ec2Error("InvalidParameterValue", `Volume throughput of ${throughput} is too high; maximum is ${max}.`);
  },
  /** `ratio` and `max` as EC2 prints them (six decimals). */
  throughputRatioTooHigh(ratio: string, max: string) {
    return new Ec2Error(
      "InvalidParameterValue",
      `Throughput (MiBps) to iops ratio of ${ratio} is too high; maximum is ${max} MiBps per iops`,
    );
  },
  /** ModifyVolume to a smaller size (source: raw response, aws/aws-cli#4216). */
  volumeSizeDecrease() {
    return new Ec2Error("InvalidParameterValue", "New size cannot be smaller than existing size");
  },
  /** ModifyVolume that changes nothing: no member, or the volume's own size, type, IOPS and throughput (wording: decision). */
  volumeModificationNoChange(volumeId: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `The modification requested for volume ${volumeId} changes none of its size, type, IOPS or throughput.`,
    );
  },
  /**
   * ModifyVolume while the volume's previous modification is not completed, `state` in capitals as EC2
   * writes it (source: raw responses, e.g. AWS re:Post "cloudformation-ebs-volume-error").
   */
  incorrectModificationState(volumeId: string, state: string) {
    return new Ec2Error("IncorrectModificationState", `Volume ${volumeId} cannot be modified in modification state ${state}`);
  },
  /**
   * ModifyVolume past four modifications in a rolling 24 hours (API reference, ModifyVolume). The first
   * sentence is EC2's (raw responses); the time it names is the documented "when you can perform your next
   * modification" (wording of that sentence: decision).
   */
  volumeModificationRateExceeded(until: string) {
    return new Ec2Error(
      "VolumeModificationRateExceeded",
      `You've reached the maximum modification rate per volume limit. Wait until ${until} before you can issue the next modification request for this volume.`,
    );
  },
  /** DescribeVolumesModifications naming a volume never modified (source: EC2's code, as EBS clients handle it). */
  volumeModificationNotFound(volumeId: string) {
    return new Ec2Error("InvalidVolumeModification.NotFound", `Modification for volume '${volumeId}' does not exist.`);
  },
  /**
   * AttachVolume, or a launch, beyond the instance type's EBS attachment
   * limit (source: raw response, kubernetes-sigs/aws-ebs-csi-driver#2500,
   * cut after "please"; decision: the rest names the user guide's page).
   */
  attachmentLimitExceeded(limit: number) {
    return new Ec2Error(
      "AttachmentLimitExceeded",
      `You may attach up to ${limit} devices for this instance type. Please use a larger instance size to attach more volumes. ` +
        "For a detailed list of limits please refer to https://docs.aws.amazon.com/ebs/latest/userguide/volume_limits.html",
    );
  },

  // ---- Tags ----

  emptyTagKey() {
    return new Ec2Error("InvalidParameterValue", "Tag key must not be empty");
  },
  tagKeyTooLong(max: number) {
    return new Ec2Error("InvalidParameterValue", `Tag key exceeds the maximum length of ${max} characters`);
  },
  tagValueTooLong(max: number) {
    return new Ec2Error("InvalidParameterValue", `Tag value exceeds the maximum length of ${max} characters`);
  },
  /** An `aws:` key: CreateTags names it (`key`), a TagSpecification does not (undefined). */
  reservedTagKey(key: string | undefined) {
    return new Ec2Error(
      "InvalidParameterValue",
      key === undefined
        ? "Tag keys starting with 'aws:' are reserved for internal use"
        : `Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`,
    );
  },
  /** A tag key with a character XML 1.0 forbids (`char` as the mock shows it; decision: it could never be shown again). */
  tagKeyXmlChar(char: string) {
    return new Ec2Error("InvalidParameterValue", `Tag key contains a character that XML does not allow (${char})`);
  },
  tagValueXmlChar(char: string) {
    return new Ec2Error("InvalidParameterValue", `Tag value contains a character that XML does not allow (${char})`);
  },
  tagSpecificationNotList() {
    return new Ec2Error("InvalidParameterValue", "TagSpecification must be a list");
  },
  /** A TagSpecification's ResourceType the action does not tag. */
  untaggableResourceType(resourceType: string) {
    return new Ec2Error("InvalidParameterValue", `'${resourceType}' is not a valid taggable resource type for this operation.`);
  },
  /**
   * CreateTags/DeleteTags on a resource EC2 has but the mock does not tag;
   * `taggable` names the families it tags, as `resource-type (prefix-)`.
   */
  untaggableResource(id: string, taggable: readonly string[]) {
    const list = taggable.length < 2 ? taggable.join("") : `${taggable.slice(0, -1).join(", ")} and ${taggable.at(-1)}`;
    return new Ec2Error(
      "UnsupportedOperation",
      `ec2-mock does not model tags on the resource '${id}': only ${list} resources can be tagged.`,
    );
  },
  /** DeleteTags with more tags than it takes. */
  tooManyTagsToDelete(count: number, max: number) {
    return valueInvalid("Tag", String(count), `DeleteTags takes up to ${max} tags.`);
  },
  /** A resource that would hold more tags than EC2 allows. */
  tagLimitExceeded() {
    return new Ec2Error("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");
  },

  // ---- Elastic IP addresses (sources in docs/behaviour.md, "Elastic IP addresses") ----

  addressLimit() {
    return new Ec2Error("AddressLimitExceeded", "The maximum number of addresses has been reached.");
  },
  alreadyAssociated(allocationId: string, associationId: string) {
    return new Ec2Error("Resource.AlreadyAssociated", `resource ${allocationId} is already associated with associate-id ${associationId}`);
  },
  /** AllocateAddress' Domain `standard`. */
  classicDomain() {
    return valueInvalid("domain", "standard", "EC2-Classic has been retired: only 'vpc' is supported.");
  },
  /** AssociateAddress by PublicIp alone. */
  allocationIdToAssociate() {
    return new Ec2Error("InvalidParameterCombination", "You must specify an allocation id when mapping an address to a VPC instance");
  },
  /** DisassociateAddress by PublicIp alone. */
  associationIdToDisassociate() {
    return new Ec2Error("InvalidParameterValue", "You must specify an association id when unmapping an address from a VPC instance");
  },
  /** ReleaseAddress by PublicIp alone. */
  allocationIdToRelease() {
    return new Ec2Error("InvalidParameterValue", "You must specify an allocation id when releasing a VPC elastic IP address");
  },
  /** AssociateAddress with both InstanceId and NetworkInterfaceId. */
  instanceAndInterface() {
    return new Ec2Error("InvalidParameterCombination", "You can specify either the instance ID or the network interface ID, but not both.");
  },
  /** AssociateAddress with neither. */
  noAssociationTarget() {
    return new Ec2Error("InvalidParameterCombination", "You must specify either an instance ID or a network interface ID.");
  },
  /** AssociateAddress' PrivateIpAddress not on the interface. */
  privateIpNotOnInterface(ip: string, networkInterfaceId: string) {
    return new Ec2Error(
      "InvalidParameterValue",
      `The private IP address ${ip} is not assigned to the network interface ${networkInterfaceId}.`,
    );
  },

  // ---- Regions, zones and account attributes (sources in docs/behaviour.md, "Regions and Availability Zones") ----

  /** DescribeRegions naming a Region EC2 does not have (raw response: awslabs/amazon-s3-tar-tool#7). */
  invalidRegion(name: string) {
    return new Ec2Error("InvalidParameterValue", `Invalid region: [${name}]`);
  },
  /** DescribeAvailabilityZones naming a zone id the Region does not have. */
  invalidZoneId(id: string) {
    return new Ec2Error("InvalidParameterValue", `Invalid availability zone-id: [${id}]`);
  },
  /** DescribeAvailabilityZones with both ZoneNames and ZoneIds (decision). */
  zoneIdsWithZoneNames() {
    return new Ec2Error("InvalidParameterCombination", "The parameter zoneIds cannot be used with the parameter zoneNames");
  },
  /** DescribeAccountAttributes naming an attribute EC2 does not have (wording: decision, DescribeInstanceAttribute's). */
  unknownAccountAttribute(name: string) {
    return valueInvalid("attributeName", name, "Unknown attribute.");
  },

  // ---- VPCs, subnets and network interfaces (sources in docs/behaviour.md, "VPCs and subnets") ----

  malformedVpcId(id: string) {
    return new Ec2Error("InvalidVpcID.Malformed", `Invalid id: "${id}" (expecting "vpc-...")`);
  },
  malformedSubnetId(id: string) {
    return new Ec2Error("InvalidSubnetID.Malformed", `Invalid id: "${id}" (expecting "subnet-...")`);
  },
  /** CreateVpc or CreateSubnet without a CidrBlock (nor an IPAM pool, which the mock does not model). */
  cidrBlockRequired() {
    return new Ec2Error("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  },
  /** A CidrBlock that is not an IPv4 CIDR block (or has host bits set: a decision). */
  notACidrBlock(cidr: string) {
    return valueInvalid("cidrBlock", cidr, "This is not a valid CIDR block.");
  },
  /** A VPC block outside /16../28. */
  vpcRange(cidr: string) {
    return new Ec2Error("InvalidVpc.Range", `The CIDR '${cidr}' is invalid.`);
  },
  /** A subnet block outside /16../28 or outside its VPC's block. */
  subnetRange(cidr: string) {
    return new Ec2Error("InvalidSubnet.Range", `The CIDR '${cidr}' is invalid.`);
  },
  /** A subnet block overlapping another subnet of the VPC. */
  subnetConflict(cidr: string) {
    return new Ec2Error("InvalidSubnet.Conflict", `The CIDR '${cidr}' conflicts with another subnet`);
  },
  /** CreateSubnet in a zone (by name or id) the region does not have. */
  subnetZoneInvalid(parameter: "availabilityZone" | "availabilityZoneId", zone: string, zones: readonly string[]) {
    return valueInvalid(parameter, zone, `Subnets can currently only be created in the following availability zones: ${zones.join(", ")}.`);
  },
  /** CreateSubnet with both AvailabilityZone and AvailabilityZoneId. */
  zoneAndZoneId() {
    return new Ec2Error("InvalidParameterCombination", "Only one of availabilityZone or availabilityZoneId may be specified.");
  },
  /** DeleteVpc of a VPC that still has subnets, groups or instances. */
  vpcHasDependencies(id: string) {
    return new Ec2Error("DependencyViolation", `The vpc '${id}' has dependencies and cannot be deleted.`);
  },
  /** DeleteSubnet of a subnet an instance still uses. */
  subnetHasDependencies(id: string) {
    return new Ec2Error("DependencyViolation", `The subnet '${id}' has dependencies and cannot be deleted.`);
  },
  /** A sixth VPC in a region (quota "VPCs per Region": 5). */
  vpcLimit() {
    return new Ec2Error("VpcLimitExceeded", "The maximum number of VPCs has been reached.");
  },
  /** A 201st subnet in a VPC (quota "Subnets per VPC": 200). */
  subnetLimit() {
    return new Ec2Error("SubnetLimitExceeded", "The maximum number of subnets has been reached.");
  },
  /** CreateDefaultVpc while the region has one. */
  defaultVpcExists() {
    return new Ec2Error("DefaultVpcAlreadyExists", "A Default VPC already exists for this account in this region.");
  },
  /** RunInstances with no subnet when the region has no default VPC. */
  noDefaultVpc() {
    return new Ec2Error("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.");
  },
  /** RunInstances with no subnet, in a zone whose default subnet was deleted. */
  noDefaultSubnet(zone: string) {
    return new Ec2Error("InvalidInput", `No default subnet for availability zone: '${zone}'.`);
  },
  // ---- Security groups (sources in docs/behaviour.md, "Security groups") ----

  /** A security group id that is not `sg-` and 8 or 17 hex digits. */
  malformedGroupId(id: string) {
    return new Ec2Error("InvalidGroupId.Malformed", `Invalid id: "${id}" (expecting "sg-...")`);
  },
  /** A security group rule id that is not `sgr-` and 17 hex digits (decision: the wording of the other ids). */
  malformedSecurityGroupRuleId(id: string) {
    return new Ec2Error("InvalidSecurityGroupRuleId.Malformed", `Invalid id: "${id}" (expecting "sgr-...")`);
  },
  /** A security group rule id that does not exist (in the group named, for the Revoke operations). */
  securityGroupRuleNotFound(id: string) {
    return new Ec2Error("InvalidSecurityGroupRuleId.NotFound", `The security group rule ID '${id}' does not exist`);
  },
  /** CreateSecurityGroup with a name the VPC already has (names are compared without regard to case). */
  groupDuplicate(name: string, vpcId: string) {
    return new Ec2Error("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpcId}'`);
  },
  /** A group name or description with a character outside ASCII. */
  groupTextNotAscii(parameter: "GroupName" | "GroupDescription", value: string) {
    return valueInvalid(parameter, value, "Character sets beyond ASCII are not supported.");
  },
  /** A group name that is empty, too long, or has a character outside EC2's set. */
  invalidGroupName() {
    return new Ec2Error(
      "InvalidParameterValue",
      "Invalid security group name. Valid names are non-empty strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*",
    );
  },
  /** A group description that is too long or has a character outside EC2's set. */
  invalidGroupDescription() {
    return new Ec2Error(
      "InvalidParameterValue",
      "Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*",
    );
  },
  /** A group name starting with `sg-`. */
  groupNameLikeId(name: string) {
    return valueInvalid("GroupName", name, "Group names may not be in the format sg-*.");
  },
  /** CreateSecurityGroup named `default`, the default group's name. */
  reservedGroupName() {
    return new Ec2Error("InvalidParameterValue", "Cannot use reserved security group name: default");
  },
  /** DeleteSecurityGroup of a VPC's default group. */
  cannotDeleteDefaultGroup(groupId: string) {
    return new Ec2Error("CannotDelete", `the specified group: "${groupId}" name: "default" cannot be deleted by a user`);
  },
  /** DeleteSecurityGroup of a group an instance uses or another group's rule references. */
  groupHasDependents(groupId: string) {
    return new Ec2Error("DependencyViolation", `resource ${groupId} has a dependent object`);
  },
  /** DeleteSecurityGroup given both a name and an id (decision). */
  groupNameWithGroupId() {
    return new Ec2Error("InvalidParameterCombination", "The parameter groupName cannot be used with the parameter groupId");
  },
  /** A rule the group already has; `rule` is EC2's description of it (`peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`). */
  permissionDuplicate(rule: string) {
    return new Ec2Error("InvalidPermission.Duplicate", `the specified rule "${rule}" already exists`);
  },
  /** The same rule twice in one request. */
  permissionRepeated() {
    return new Ec2Error("InvalidParameterValue", "The same permission must not appear multiple times");
  },
  /** A Revoke of a rule a non-default VPC's group does not have. */
  permissionNotFound() {
    return new Ec2Error("InvalidPermission.NotFound", "The specified rule does not exist in this security group.");
  },
  /** An Authorize that would take a group over 60 rules in one direction. */
  rulesPerGroupLimit() {
    return new Ec2Error("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.");
  },
  /** An IpProtocol that is neither a known name, -1, nor a number from 0 to 255. */
  unknownProtocol(protocol: string) {
    return new Ec2Error("InvalidParameterValue", `Invalid value '${protocol}' for IP protocol. Unknown protocol.`);
  },
  /** TCP or UDP without both ports. */
  portsRequired() {
    return new Ec2Error("InvalidParameterValue", "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.");
  },
  /** A rule without a protocol. */
  protocolRequired() {
    return new Ec2Error(
      "InvalidParameterValue",
      "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.",
    );
  },
  /** A TCP or UDP port outside 0..65535 (one of the two left out counts as -1). */
  portOutOfRange(port: number) {
    return new Ec2Error("InvalidPermission.Malformed", `TCP/UDP port (${port}) out of range`);
  },
  /** A TCP or UDP from port above the to port (decision: EC2's wording is not published). */
  portRangeInverted(from: number, to: number, protocol: string) {
    return new Ec2Error("InvalidPermission.Malformed", `Invalid port range ${from}-${to} for protocol '${protocol}'`);
  },
  /** An ICMP type or code outside -1..255 (decision: the TCP/UDP refusal's code and form). */
  icmpOutOfRange(which: "type" | "code", value: number) {
    return new Ec2Error("InvalidPermission.Malformed", `ICMP ${which} (${value}) out of range`);
  },
  /** An ICMP code other than -1 with every type (decision: the rule is documented, not its wording). */
  icmpCodeWithAllTypes(code: number) {
    return new Ec2Error("InvalidPermission.Malformed", `ICMP code (${code}) must be -1 when the ICMP type is -1`);
  },
  /** A CIDR block that is not one. */
  cidrMalformed(cidr: string) {
    return new Ec2Error("InvalidParameterValue", `CIDR block ${cidr} is malformed`);
  },
  /** A rule description too long or with a character outside EC2's set. */
  invalidRuleDescription() {
    return new Ec2Error(
      "InvalidParameterValue",
      "Invalid rule description. Valid descriptions are strings less than 256 characters from the following set: a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*",
    );
  },
  /** An Authorize or Revoke with no rule at all (decision: EC2 names the wire parameter). */
  noPermissions() {
    return new Ec2Error("MissingParameter", "The request must contain the parameter ipPermissions");
  },
  /** RunInstances with a group of another VPC than the subnet's. */
  groupOfOtherNetwork(groupId: string, subnetId: string) {
    return new Ec2Error("InvalidParameter", `Security group ${groupId} and subnet ${subnetId} belong to different networks.`);
  },
  /** More security groups than a network interface may have (5, the default quota). */
  groupsPerInterfaceLimit() {
    return new Ec2Error("SecurityGroupsPerInterfaceLimitExceeded", "The maximum number of security groups per interface has been reached.");
  },
  /** Two members of a security group request that exclude each other (EC2's wording for such pairs; the pairs are decisions). */
  parameterCombination(parameter: string, other: string) {
    return new Ec2Error("InvalidParameterCombination", `The parameter ${parameter} cannot be used with the parameter ${other}`);
  },
  /** RunInstances naming groups by name with a subnet of a non-default VPC. */
  groupNameWithSubnet() {
    return new Ec2Error("InvalidParameterCombination", "The parameter groupName cannot be used with the parameter subnet");
  },

  // ---- Key pairs (sources in docs/behaviour.md, "Key pairs") ----

  /** CreateKeyPair or ImportKeyPair with a name the region already has (raw responses, weaveworks/eksctl#91). */
  keyPairDuplicate(name: string) {
    return new Ec2Error("InvalidKeyPair.Duplicate", `The keypair '${name}' already exists.`);
  },
  /** ImportKeyPair's PublicKeyMaterial in no format or of no key type EC2 imports (raw responses, aws/aws-sdk-js#314). */
  invalidKeyFormat() {
    return new Ec2Error("InvalidKey.Format", "Key is not in valid OpenSSH public key format");
  },
  /** A key pair name CreateKeyPair and ImportKeyPair do not take (`why` says which rule; wording: decision, EC2's pattern). */
  invalidKeyName(name: string, why: string) {
    return valueInvalid("KeyName", name, why);
  },
  /** The region's quota of key pairs reached (code and wording: decision). */
  keyPairLimit(max: number) {
    return new Ec2Error("ResourceLimitExceeded", `You have reached the maximum of ${max} key pairs in this Region.`);
  },
  /** CreateKeyPair's KeyFormat `ppk`: the mock writes PEM private keys only. */
  unmodelledKeyFormat(format: string) {
    return new Ec2Error(
      "UnsupportedOperation",
      `ec2-mock does not model the KeyFormat '${format}' of CreateKeyPair: it writes 'pem' private keys only.`,
    );
  },
  /** DeleteKeyPair with neither KeyName nor KeyPairId (wording: decision, EC2's MissingParameter pattern). */
  keyNameOrIdMissing() {
    return new Ec2Error("MissingParameter", "The request must contain the parameter KeyName or KeyPairId");
  },
  /** DeleteKeyPair with both KeyName and KeyPairId (decision). */
  keyNameAndId() {
    return new Ec2Error("InvalidParameterCombination", "Specify either KeyName or KeyPairId, not both.");
  },

  // ---- Launch templates (sources in docs/behaviour.md, "Launch templates") ----

  /** A launch template name EC2 does not take: 3 to 128 of letters, digits and `()./_-` (wording: the API's error table). */
  launchTemplateNameMalformed() {
    return new Ec2Error(
      "InvalidLaunchTemplateName.MalformedException",
      "The specified launch template name is invalid. A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: '-', '_', '.', '/', '(', and ')'.",
    );
  },
  /** CreateLaunchTemplate with a name the region already has (raw response, aws-verified in getmoto/moto's tests). */
  launchTemplateNameInUse() {
    return new Ec2Error("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.");
  },
  /** A launch template id that is not `lt-` and 8 or 17 hex digits (wording: the API's error table). */
  launchTemplateIdMalformed() {
    return new Ec2Error(
      "InvalidLaunchTemplateId.Malformed",
      "The ID for the launch template is malformed. Ensure that you specify the launch template ID in the form lt-xxxxxxxxxxxxxxxxx.",
    );
  },
  /** A launch template id the region does not have (raw response, aws-verified in getmoto/moto's tests). */
  launchTemplateIdNotFound(id: string) {
    return new Ec2Error("InvalidLaunchTemplateId.NotFound", `The specified launch template, with template ID ${id}, does not exist.`);
  },
  /** A launch template name the region does not have (raw response, aws-verified in getmoto/moto's tests). */
  launchTemplateNameNotFound(name: string) {
    return new Ec2Error(
      "InvalidLaunchTemplateName.NotFoundException",
      `The specified launch template, with template name ${name}, does not exist.`,
    );
  },
  /** DescribeLaunchTemplates naming an id that does not exist (wording: the raw response for names, aws-verified in getmoto/moto's tests). */
  launchTemplateIdsNotFound() {
    return new Ec2Error(
      "InvalidLaunchTemplateId.NotFound",
      "At least one of the launch templates specified in the request does not exist.",
    );
  },
  /** DescribeLaunchTemplates naming a name that does not exist (raw response, aws-verified in getmoto/moto's tests). */
  launchTemplateNamesNotFound() {
    return new Ec2Error(
      "InvalidLaunchTemplateName.NotFoundException",
      "At least one of the launch templates specified in the request does not exist.",
    );
  },
  /** A version number the template does not have (raw DescribeLaunchTemplateVersions response, aws-verified in getmoto/moto's tests). */
  launchTemplateVersionNotFound(version: string, launchTemplateId: string) {
    return new Ec2Error(
      "InvalidLaunchTemplateId.VersionNotFound",
      `Could not find the specified version ${version} for the launch template with ID ${launchTemplateId}.`,
    );
  },
  /** ModifyLaunchTemplate's DefaultVersion that the template does not have (raw response, aws-verified in getmoto/moto's tests). */
  defaultVersionNotFound(version: string) {
    return new Ec2Error(
      "InvalidLaunchTemplateId.VersionNotFound",
      `The launch template version ${version} is not found for the specified launch template.`,
    );
  },
  /** A call that names its template by neither id nor name (raw DeleteLaunchTemplate response, getmoto/moto's tests). */
  launchTemplateIdOrNameMissing() {
    return new Ec2Error("MissingParameter", "The request must contain the parameter launch template ID or launch template name");
  },
  /** A call that names its template by both id and name (raw ModifyLaunchTemplate response, aws-verified in getmoto/moto's tests). */
  launchTemplateIdAndName() {
    return new Ec2Error("InvalidParameterCombination", "Either provide launch template ID or launch template name to modify the template.");
  },
  /**
   * DescribeLaunchTemplateVersions without a template and without `$Latest`
   * or `$Default`: EC2's own text, curly quotes included (raw response,
   * aws-verified in getmoto/moto's tests).
   */
  versionsScopeMissing() {
    return new Ec2Error("MissingParameter", VERSIONS_SCOPE);
  },
  /** DescribeLaunchTemplateVersions with version numbers but no template (raw response, aws-verified in getmoto/moto's tests). */
  versionsScopeInvalid() {
    return new Ec2Error("InvalidParameterValue", VERSIONS_SCOPE);
  },
  /** Launch template data without any launch parameter (code: raw response, aws-verified in localstack's tests; wording: decision). */
  launchTemplateDataMissing() {
    return new Ec2Error("MissingParameter", "The request must contain the parameter LaunchTemplateData");
  },
  /** A version description over 255 characters (the API's length constraint; wording: decision, EC2's pattern). */
  versionDescriptionTooLong(max: number) {
    return new Ec2Error("InvalidParameterValue", `The version description must be at most ${max} characters.`);
  },
  /** The region's quota of launch templates reached (code and wording: decision). */
  launchTemplateLimit(max: number) {
    return new Ec2Error("LaunchTemplateLimitExceeded", `You have reached the maximum of ${max} launch templates in this Region.`);
  },
  /** A template's quota of versions reached (code and wording: decision). */
  launchTemplateVersionLimit(max: number) {
    return new Ec2Error("LaunchTemplateVersionLimitExceeded", `You have reached the maximum of ${max} versions for this launch template.`);
  },
  /** More versions in one DeleteLaunchTemplateVersions call than the 200 it takes (wording: decision, EC2's pattern). */
  tooManyVersionsToDelete(count: number, max: number) {
    return new Ec2Error("InvalidParameterValue", `You can delete up to ${max} launch template versions in a single request; got ${count}.`);
  },
  /** RunInstances' LaunchTemplate naming its template by both id and name (wording: decision, EC2's combination pattern). */
  launchTemplateSpecIdAndName() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "The parameter LaunchTemplateId cannot be used with the parameter LaunchTemplateName",
    );
  },

  // ---- Images (sources in docs/behaviour.md, "Images") ----

  /** A new image's name outside EC2's rule (raw EC2 response: hashicorp/packer#4762, webdigi/AWS-AMI-Automated-Creation-Deletion#6). */
  malformedImageName() {
    return new Ec2Error(
      "InvalidAMIName.Malformed",
      "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'",
    );
  },
  /** A new image's name already used by one of the account's images in the region (raw EC2 response: hashicorp/packer#880, #11165). */
  imageNameDuplicate(name: string, imageId: string) {
    return new Ec2Error("InvalidAMIName.Duplicate", `AMI name ${name} is already in use by AMI ${imageId}`);
  },
  /** DeregisterImage of an image the account does not own (raw EC2 response: cloudcaptainsh/cloudcaptain#66). */
  imageNotOwned(imageId: string) {
    return new Ec2Error("AuthFailure", `Not authorized for image:${imageId}`, 401);
  },
  /** DeregisterImage of an image already deregistered (raw EC2 response: ansible/ansible#24945). */
  imageNoLongerAvailable(imageId: string) {
    return new Ec2Error("InvalidAMIID.Unavailable", `The image ID '${imageId}' is no longer available`);
  },
  /** An Owners or ExecutableUsers value that is neither an account id nor a known alias (EC2's wording: decision after its Malformed errors). */
  malformedUserId(value: string) {
    return new Ec2Error("InvalidUserID.Malformed", `Invalid user id: "${value}"`);
  },
  /** DescribeImageAttribute's `blockDeviceMapping`, deprecated (API reference: "returns the Client.AuthFailure error"; wording: decision). */
  imageBlockDeviceMappingAttribute() {
    return new Ec2Error(
      "AuthFailure",
      "The blockDeviceMapping attribute is deprecated. To get the block device mappings of an AMI, use DescribeImages.",
      401,
    );
  },
  /** An image attribute EC2 documents that the mock does not model: refused by name. */
  unmodelledImageAttribute(name: string) {
    return new Ec2Error("UnsupportedOperation", `ec2-mock does not model the image attribute '${name}' of DescribeImageAttribute.`);
  },
  /** CreateImage from an instance with an instance-store root (API reference: "from an Amazon EBS-backed instance"; wording: decision). */
  imageNeedsEbsRoot(instanceId: string) {
    return new Ec2Error(
      "UnsupportedOperation",
      `The instance '${instanceId}' does not have an 'ebs' root device type and cannot be used to create an Amazon EBS-backed AMI.`,
    );
  },
  /** CopyImage's SourceRegion the mock does not serve (wording: decision, EC2's InvalidParameterValue pattern). */
  invalidSourceRegion(region: string) {
    return valueInvalid("SourceRegion", region, "Invalid region.");
  },

  // ---- EC2 Fleet (sources in docs/behaviour.md, "EC2 Fleet"; wordings: decisions after EC2's patterns) ----

  /** A fleet id of no fleet of the region. */
  fleetNotFound(id: string) {
    return new Ec2Error("InvalidFleetId.NotFound", `The fleet ID '${id}' does not exist`);
  },
  /** A fleet id not of EC2's form (`fleet-` and a UUID). */
  fleetIdMalformed(id: string) {
    return new Ec2Error("InvalidFleetId.Malformed", `Invalid id: "${id}"`);
  },
  /** OnDemandTargetCapacity and SpotTargetCapacity adding up to more than TotalTargetCapacity (API reference, TargetCapacitySpecificationRequest). */
  fleetCapacityExceedsTotal(total: number, onDemand: number, spot: number) {
    return new Ec2Error(
      "InvalidTargetCapacitySpecification",
      `The sum of OnDemandTargetCapacity (${onDemand}) and SpotTargetCapacity (${spot}) cannot exceed TotalTargetCapacity (${total}).`,
    );
  },
  /** More launch template configs than CreateFleet takes (API reference: at most 50). */
  fleetTooManyConfigs(max: number) {
    return new Ec2Error("InvalidParameterValue", `LaunchTemplateConfigs accepts at most ${max} launch template configurations.`);
  },
  /** A launch specification with no instance type in its override nor in its template. */
  fleetInstanceTypeMissing() {
    return new Ec2Error("InvalidFleetConfig", "The instance type must be specified in the launch template or in its overrides.");
  },
  /** A member CreateFleet documents as "Supported only for fleets of type maintain". */
  fleetMaintainOnly(parameter: string) {
    return new Ec2Error("InvalidParameterCombination", `${parameter} is supported only for fleets of type maintain.`);
  },
  /** ValidFrom or ValidUntil on an instant fleet, a synchronous one-time request. */
  fleetInstantValidity() {
    return new Ec2Error("InvalidParameterCombination", "ValidFrom and ValidUntil are not supported for fleets of type instant.");
  },
  /** ValidUntil not after ValidFrom. */
  fleetValidityInverted() {
    return new Ec2Error("InvalidParameterValue", "ValidUntil must be later than ValidFrom.");
  },
  /** Instance tags on a request or maintain fleet (API reference, CreateFleet TagSpecifications: "You cannot specify a resource type of instance"). */
  fleetInstanceTagsNotInstant() {
    return new Ec2Error(
      "InvalidParameterValue",
      "The resource type 'instance' can be tagged at launch only for fleets of type instant. Specify the resource type 'fleet'.",
    );
  },
  /** ModifyFleet of a request or instant fleet (user guide, "Modify an EC2 Fleet": only maintain). */
  fleetNotModifiable(id: string, type: string) {
    return new Ec2Error("UnsupportedOperation", `The fleet '${id}' is of type '${type}'. Only fleets of type maintain can be modified.`);
  },
  /** ModifyFleet of a deleted fleet. */
  fleetNotModifiableState(id: string, state: string) {
    return new Ec2Error("IncorrectState", `The fleet '${id}' is in the state '${state}' and cannot be modified.`);
  },
  /** DeleteFleets of more fleets of a type than one call takes (API reference: 25 instant, 100 others). */
  fleetDeleteLimit(max: number, kind: string) {
    return new Ec2Error("InvalidParameterValue", `You can delete up to ${max} fleets of type ${kind} in a single request.`);
  },
  /** SpotOptions.InstancePoolsToUseCount with another strategy than lowest-price (API reference, SpotOptionsRequest: "Supported only when Spot AllocationStrategy is set to lowest-price"). */
  fleetPoolCountNotLowestPrice() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "InstancePoolsToUseCount is supported only when the Spot AllocationStrategy is lowest-price.",
    );
  },
  /** An InstanceRequirements range whose Min is above its Max (API reference, InstanceRequirementsRequest). */
  requirementRangeInverted(parameter: string, min: number, max: number) {
    return new Ec2Error("InvalidParameterValue", `The minimum (${min}) of ${parameter} cannot be greater than its maximum (${max}).`);
  },
  /** An override's InstanceRequirements that no instance type offered where it launches meets. */
  fleetNoMatchingTypes(parameter: string) {
    return new Ec2Error("InvalidFleetConfig", `No instance type offered in the Region meets the ${parameter} of the request.`);
  },
  /** DeleteFleets of an instant fleet without TerminateInstances (user guide, "Delete an EC2 Fleet request": not supported). */
  fleetInstantMustTerminate() {
    return new Ec2Error("UnsupportedOperation", "NoTerminateInstances option is not supported for instant fleet");
  },

  // ---- Spot Instances (sources in docs/behaviour.md, "Spot Instance requests") ----

  /** A launch whose Spot maximum price is under the current Spot price (raw EC2 answers, as DescribeSpotInstanceRequests' price-too-low shows the same words). */
  spotMaxPriceTooLow(maxPrice: string, price: number) {
    return new Ec2Error(
      "SpotMaxPriceTooLow",
      `Your Spot request price of ${maxPrice} is lower than the minimum required Spot request fulfillment price of ${price}.`,
    );
  },
  /** A one-time Spot request with the stop or hibernate interruption behaviour (raw EC2 response, harmony-one/harmony-ops#285). */
  oneTimeSpotBehavior(behavior: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `The request with type 'one-time' is not supported when instanceInterruptionBehavior is set to '${behavior}'.`,
    );
  },
  /** RunInstances' persistent Spot request with the terminate behaviour (API reference, SpotMarketOptions: persistent "only supported when the instance interruption behavior is either hibernate or stop"; EC2's words: pahud/cdk-spot-one#206). */
  persistentSpotTerminate() {
    return new Ec2Error(
      "InvalidParameterCombination",
      "The terminate InstanceInterruptionBehavior is not supported when requestType is set to persistent.",
    );
  },
  /** RunInstances' ValidUntil on a one-time request (API reference, SpotMarketOptions: "Supported only for persistent requests"; wording: decision). */
  validUntilOneTime() {
    return new Ec2Error("InvalidParameterCombination", "ValidUntil is supported only for persistent Spot Instance requests.");
  },
  /** A Spot launch configured for hibernation with another interruption behaviour (API reference, HibernationOptionsRequest: "you'll get an error"; wording: decision). */
  hibernationSpotBehavior(behavior: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `The instanceInterruptionBehavior '${behavior}' is not supported when hibernation is configured; omit it or set it to 'hibernate'.`,
    );
  },
  /** A Spot price that is not a positive decimal number (wording: decision, EC2's pattern). */
  invalidSpotPrice(parameter: string, value: string) {
    return valueInvalid(parameter, value, "The price must be a positive decimal number.");
  },
  /** A ValidUntil not after ValidFrom, or already past (wording: decision, EC2's pattern). */
  invalidSpotValidity(parameter: string, value: string) {
    return valueInvalid(parameter, value, "The date must be in the future and after ValidFrom.");
  },
  /** A market type other than spot (the mock models Spot only; wording: decision). */
  invalidMarketType(value: string) {
    return valueInvalid("InstanceMarketOptions.MarketType", value, "Valid values are 'spot'.");
  },
  /** StopInstances on the instance of a one-time Spot request (EC2's words, as issue 18 quotes them). */
  oneTimeSpotStop(instanceId: string) {
    return new Ec2Error(
      "UnsupportedOperation",
      `You can't stop the Spot Instance '${instanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`,
    );
  },
  /**
   * StartInstances of a Spot Instance that EC2 stopped or hibernated by an
   * interruption: "Only Amazon EC2 can restart an interrupted stopped Spot
   * Instance" (user guide, "Behavior of Spot Instance interruptions"); code
   * and words: EC2's (error codes page; public transcripts of StartInstances).
   */
  incorrectSpotRequestState() {
    return new Ec2Error(
      "IncorrectSpotRequestState",
      "You can't start the Spot Instance because the associated Spot Instance request is not in an appropriate state",
    );
  },
  /**
   * A launch group with the stop or hibernate interruption behaviour (user
   * guide, "Behavior of Spot Instance interruptions": "You can't specify a
   * launch group in the Spot Instance request"; wording: decision, after
   * EC2's words for the one-time combination).
   */
  launchGroupSpotBehavior(behavior: string) {
    return new Ec2Error(
      "InvalidParameterCombination",
      `A launch group is not supported when instanceInterruptionBehavior is set to '${behavior}'.`,
    );
  },
  /** A Spot request id that names no request (code: EC2's; wording: EC2's NotFound pattern). */
  spotRequestNotFound(id: string) {
    return new Ec2Error("InvalidSpotInstanceRequestID.NotFound", `The spot instance request ID '${id}' does not exist`);
  },
  /** A Spot request id that is not `sir-` and 8 characters (wording: decision, EC2's Malformed pattern). */
  malformedSpotRequestId(id: string) {
    return new Ec2Error("InvalidSpotInstanceRequestID.Malformed", `Invalid id: "${id}" (expecting "sir-...")`);
  },

  // ---- Fault injection ----

  /**
   * An error the user asked for (`faults.failNext(action, { error: { code,
   * message, status } })`): the code, message and status exactly as given,
   * checked when the fault is set.
   */
  userRequested(code: string, message: string, status: number) {
    return new Ec2Error(code, message, status);
  },
} as const;

/** A protocol codec's refusal in EC2's words: the query services' telling, with EC2's own name for a wrong type. */
export function refusalInEc2Words(refusal: Refusal): Ec2Error {
  return refusalInWords<Ec2Error>(ec2RefusalWords, refusal);
}

/** EC2's catalogue as {@link refusalInWords} reads it. */
const ec2RefusalWords = { ...errors, wrongType: errors.invalidQueryValue };

/** Runs a protocol codec, turning its refusal into EC2's error: how every EC2 door calls a codec. */
export function inEc2Words<T>(codec: () => T): T {
  try {
    return codec();
  } catch (error) {
    throw error instanceof ProtocolRefusal ? refusalInEc2Words(error.refusal) : error;
  }
}
