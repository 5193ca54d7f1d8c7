import { CloudError } from "../../kit/errors.js";

/**
 * A CVM error as the front raises it: Tencent Cloud's error code and
 * message. API 3.0 answers every error with HTTP 200 and
 * `{"Response":{"Error":{"Code","Message"},"RequestId"}}`, so `status` is
 * always 200; each door renders the code and message. Built only by the
 * catalogue `cvmErrors` below (test/error-catalogue.test.ts).
 *
 * @public
 */
export class CvmError extends CloudError {
  /** @param code - Tencent Cloud's error code, e.g. `UnsupportedOperation.InstanceStateStopped`.
   *  @param message - the message the API answers with. */
  constructor(code: string, message: string) {
    super(code, message, 200);
  }
}

/**
 * Ids the way CVM's own messages quote them: a backquoted Python-style list,
 * as in `实例`['ins-nksicizg']`操作进行中` (raw responses quoted in public
 * issue trackers; see docs/behaviour.md, "Tencent Cloud CVM").
 */
export function idList(ids: readonly string[]): string {
  return `\`[${ids.map((id) => `'${id}'`).join(", ")}]\``;
}

/** What each CVM state is called in UnsupportedOperation.InstanceState* messages (from the SDK's error table). */
const stateWords: Record<string, string> = {
  PENDING: "is being created",
  LAUNCH_FAILED: "failed to be created",
  RUNNING: "is running",
  STOPPING: "is being shut down",
  STOPPED: "has been shut down",
  STARTING: "is starting up",
  REBOOTING: "is being restarted",
  SHUTDOWN: "is isolated",
  TERMINATING: "is being terminated",
};

/** `LAUNCH_FAILED` → `LaunchFailed`: the suffix of the state's error code. */
function codeSuffix(state: string): string {
  return state
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

/** The errors the CVM front raises. Codes are Tencent Cloud's; the wording of messages is documented in docs/cvm.md. */
export const cvmErrors = {
  missingParameter(name: string) {
    return new CvmError("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
  },
  unknownParameter(name: string) {
    return new CvmError("UnknownParameter", `The parameter \`${name}\` is not recognized.`);
  },
  /** The wording of a raw CVM answer quoted in TencentCloud/tencentcloud-sdk-python#12. */
  invalidValue(name: string, value: unknown) {
    return new CvmError("InvalidParameterValue", `The value \`${shown(value)}\` specified in the parameter \`${name}\` is not valid.`);
  },
  invalidType(name: string, expected: string) {
    return new CvmError("InvalidParameter", `The parameter \`${name}\` must be ${expected}.`);
  },
  /** A request whose parameters are not a JSON object. */
  parametersNotObject() {
    return new CvmError("InvalidParameter", "The request parameters must be a JSON object.");
  },
  /** A POST body of another content type than JSON (wire door). */
  unsupportedContentType(type: string) {
    return new CvmError("InvalidParameter", `The content type \`${type}\` is not supported: send application/json.`);
  },
  /** A body that is not UTF-8 (wire door). */
  bodyNotUtf8() {
    return new CvmError("InvalidParameter", "The request body is not valid UTF-8.");
  },
  /** A body that is not JSON (wire door). */
  bodyNotJson() {
    return new CvmError("InvalidParameter", "The request body is not valid JSON.");
  },
  /** DescribeInstances with both InstanceIds and Filters (the API: "cannot be specified at the same time"). */
  instanceIdsWithFilters() {
    return new CvmError("InvalidParameter", "The parameters `InstanceIds` and `Filters` cannot be specified at the same time.");
  },
  combination(a: string, b: string) {
    return new CvmError("InvalidParameterCombination", `The parameters \`${a}\` and \`${b}\` cannot be specified at the same time.`);
  },
  limitExceeded(name: string, count: number, limit: number) {
    return new CvmError(
      "InvalidParameterValue.LimitExceeded",
      `The number of values of the parameter \`${name}\` (${count}) exceeds the limit of ${limit}.`,
    );
  },
  malformedInstanceId(id: string) {
    return new CvmError(
      "InvalidInstanceId.Malformed",
      `The instance ID \`${shown(id)}\` is malformed: an instance ID is \`ins-\` followed by 8 lowercase letters or digits, such as \`ins-r8hr2upy\`.`,
    );
  },
  instancesNotFound(ids: readonly string[]) {
    return new CvmError("InvalidInstanceId.NotFound", `The instance ${idList(ids)} does not exist.`);
  },
  /** English for the raw answer `实例`['ins-…']`操作进行中，请等待` (tencentcloud Go issue trackers). */
  inProgress(ids: readonly string[]) {
    return new CvmError(
      "OperationDenied.InstanceOperationInProgress",
      `The instance ${idList(ids)} has an operation in progress. Please wait.`,
    );
  },
  instanceState(state: string, ids: readonly string[]) {
    return new CvmError(
      `UnsupportedOperation.InstanceState${codeSuffix(state)}`,
      `The instance ${idList(ids)} ${stateWords[state] ?? "is in another state"} (\`${state}\`), and this operation is not supported.`,
    );
  },
  stopCharging(ids: readonly string[]) {
    return new CvmError(
      "UnsupportedOperation.StoppedModeStopCharging",
      `The instance ${idList(ids)} does not support the no charges when shut down feature (\`STOP_CHARGING\`): only pay-as-you-go instances whose disks are all cloud disks do.`,
    );
  },
  protectedInstances(ids: readonly string[]) {
    return new CvmError(
      "UnsupportedOperation.InstancesProtected",
      `The instance ${idList(ids)} is under termination protection and cannot be terminated. Disable the termination protection and try again.`,
    );
  },
  /**
   * A member of the SDK's request type that the mock does not model (issue
   * 13: never accept silently). `UnsupportedOperation` is in the error list
   * of most CVM actions, and says "the operation is not supported"; the
   * wording is the mock's own (decision), as EC2's unmodelled-parameter error.
   */
  unmodelledParameter(action: string, name: string) {
    return new CvmError("UnsupportedOperation", `ec2-mock does not model the parameter '${name}' of ${action}.`);
  },
  /** TerminateInstances: "in a batch, every instance must have the same charge type" (the API's description); wording after the code's name. */
  mixedPricingModel(ids: readonly string[]) {
    return new CvmError(
      "UnsupportedOperation.InstanceMixedPricingModel",
      `The instances ${idList(ids)} have different charge types: a batch operation takes instances of one charge type only.`,
    );
  },
  /** A `HostName` that breaks the API's rules (the code is in RunInstances' error list; the wording names the rule, decision). */
  illegalHostName(hostName: string, rule: string) {
    return new CvmError("InvalidParameterValue.IllegalHostName", `The specified HostName \`${shown(hostName)}\` is invalid: ${rule}`);
  },
  /** A VPC other than the mock's default one (the code is in RunInstances' error list). */
  vpcNotExist(id: string) {
    return new CvmError("InvalidParameterValue.VpcIdNotExist", `The VPC \`${shown(id)}\` does not exist.`);
  },
  /** A subnet other than the zone's default one (the code is in RunInstances' error list). */
  subnetNotExist(id: string) {
    return new CvmError("InvalidParameterValue.SubnetNotExist", `The subnet \`${shown(id)}\` does not exist in the zone.`);
  },
  /** A security group other than the mock's default one. */
  securityGroupNotFound(id: string) {
    return new CvmError("InvalidSecurityGroupId.NotFound", `The security group \`${shown(id)}\` does not exist.`);
  },
  /** A filter value of the wrong shape for its filter, with the code DescribeInstances' error list has for it (wording: decision). */
  malformedFilterValue(code: string, filter: string, value: string) {
    return new CvmError(code, `The value \`${shown(value)}\` of the filter \`${filter}\` is malformed.`);
  },
  invalidFilter(name: string) {
    return new CvmError("InvalidFilter", `The filter \`${shown(name)}\` is not supported.`);
  },
  /** More filters than DescribeInstances takes. */
  tooManyFilters(count: number, limit: number) {
    return new CvmError("InvalidFilterValue.LimitExceeded", `The number of \`Filters\` (${count}) exceeds the limit of ${limit}.`);
  },
  /** More values in one filter than DescribeInstances takes. */
  tooManyFilterValues(name: string, count: number, limit: number) {
    return new CvmError(
      "InvalidFilterValue.LimitExceeded",
      `The number of values of the filter \`${name}\` (${count}) exceeds the limit of ${limit}.`,
    );
  },
  malformedImageId(id: string) {
    return new CvmError("InvalidImageId.Malformed", `The image ID \`${shown(id)}\` is malformed.`);
  },
  imageNotFound(id: string) {
    return new CvmError("InvalidImageId.NotFound", `The image \`${id}\` does not exist.`);
  },
  malformedInstanceType(type: string) {
    return new CvmError(
      "InvalidInstanceType.Malformed",
      `The specified \`InstanceType\` parameter \`${shown(type)}\` has an invalid format.`,
    );
  },
  zoneMismatch(zone: string) {
    return new CvmError("InvalidZone.MismatchRegion", `The specified \`zone\` \`${shown(zone)}\` does not exist.`);
  },
  dryRun() {
    return new CvmError("DryRunOperation", "The request would have succeeded, but the DryRun parameter was set.");
  },
  invalidAction(action: string) {
    return new CvmError("InvalidAction", `The API \`${shown(action)}\` does not exist, or the mock's CVM front does not implement it.`);
  },
  noSuchVersion(version: string) {
    return new CvmError("NoSuchVersion", `The API version \`${shown(version)}\` does not exist.`);
  },
  /** A region the mock does not serve (`served`: the regions it does, as a list for the message). */
  unsupportedRegion(region: string, served: string) {
    return new CvmError("UnsupportedRegion", `The region \`${shown(region)}\` is not supported: this mock answers for ${served}.`);
  },
  unsupportedProtocol(method: string) {
    return new CvmError("UnsupportedProtocol", `The HTTP method ${shown(method)} is not supported: send a POST request with a JSON body.`);
  },
  requestTooLarge(bytes: number, limit: number) {
    return new CvmError("RequestSizeLimitExceeded", `The request size of ${bytes} bytes exceeds the limit of ${limit} bytes.`);
  },
  internal() {
    return new CvmError("InternalError", "An internal error occurred.");
  },
  instanceNameTooLong(limit: number) {
    return new CvmError("InvalidInstanceName.TooLong", `The specified InstanceName exceeds the maximum length of ${limit} characters.`);
  },
  clientTokenTooLong(limit: number) {
    return new CvmError("InvalidClientToken.TooLong", `The specified ClientToken exceeds the maximum length of ${limit} bytes.`);
  },
  tooLong(name: string, limit: number) {
    return new CvmError(
      "InvalidParameterValue.TooLong",
      `The value of the parameter \`${name}\` is too long: at most ${limit} characters.`,
    );
  },
  illegalTagKey(key: string) {
    return new CvmError("FailedOperation.IllegalTagKey", `The tag key \`${shown(key)}\` contains invalid characters.`);
  },
  illegalTagValue(value: string) {
    return new CvmError("FailedOperation.IllegalTagValue", `The tag value \`${shown(value)}\` contains invalid characters.`);
  },
  tagKeyReserved(key: string) {
    return new CvmError("FailedOperation.TagKeyReserved", `The tag key \`${shown(key)}\` is reserved for the system.`);
  },
  /** A tag key given twice for one resource: RunInstances' list has `InvalidParameterValue.DuplicateTags` beside the generic `.Duplicate`. */
  duplicateTag(name: string, value: string) {
    return new CvmError(
      "InvalidParameterValue.DuplicateTags",
      `The value \`${shown(value)}\` is given more than once in the parameter \`${name}\`.`,
    );
  },
  invalidUserData() {
    return new CvmError("InvalidParameterValue.InvalidUserDataFormat", "Incorrect UserData format. Use the Base64-encoded format.");
  },
  invalidPassword(rule: string) {
    return new CvmError("InvalidPassword", `Invalid password. The specified password does not meet the password requirements: ${rule}`);
  },
  // Key pairs (CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPairs, Associate/DisassociateInstancesKeyPairs):
  // codes from each action's error list (tencentcloud-sdk-go, cvm/v20170312/client.go); wording: decision.
  /** A key pair id that is not `skey-` and 8 lowercase letters or digits. */
  malformedKeyPairId(id: string) {
    return new CvmError(
      "InvalidKeyPairId.Malformed",
      `The key pair ID \`${shown(id)}\` is malformed: a key pair ID is \`skey-\` followed by 8 lowercase letters or digits, such as \`skey-3glfot13\`.`,
    );
  },
  keyPairsNotFound(ids: readonly string[]) {
    return new CvmError("InvalidKeyPairId.NotFound", `The key pair ${idList(ids)} does not exist.`);
  },
  keyPairNameEmpty() {
    return new CvmError("InvalidKeyPairNameEmpty", "The key pair name cannot be empty.");
  },
  keyPairNameIllegal(name: string) {
    return new CvmError(
      "InvalidKeyPairNameIncludeIllegalChar",
      `The key pair name \`${shown(name)}\` is invalid: it may hold only letters, digits and underscores.`,
    );
  },
  keyPairNameTooLong(name: string, limit: number) {
    return new CvmError("InvalidKeyPairNameTooLong", `The key pair name \`${shown(name)}\` is too long: at most ${limit} characters.`);
  },
  keyPairNameDuplicate(name: string) {
    return new CvmError("InvalidKeyPairName.Duplicate", `The key pair name \`${shown(name)}\` is already used by another key pair.`);
  },
  /** ImportKeyPair: a public key that is not `OpenSSH RSA` (`ssh-rsa <base64> [comment]`). */
  publicKeyMalformed() {
    return new CvmError(
      "InvalidPublicKey.Malformed",
      "The public key is malformed: it must be an OpenSSH RSA public key (`ssh-rsa AAAA...`).",
    );
  },
  publicKeyDuplicate(keyId: string) {
    return new CvmError("InvalidPublicKey.Duplicate", `The public key is already imported as the key pair \`${keyId}\`.`);
  },
  /** DeleteKeyPairs: "a key pair used by an instance or image cannot be deleted". */
  keyPairInUse(keyId: string, instanceIds: readonly string[]) {
    return new CvmError(
      "InvalidParameterValue.KeyPairNotSupported",
      `The key pair \`${keyId}\` is associated with the instance ${idList(instanceIds)} and cannot be deleted.`,
    );
  },
  /** DescribeKeyPairs with both KeyIds and Filters (the API: they cannot be specified at the same time). */
  keyIdsWithFilters() {
    return new CvmError("InvalidParameter", "The parameters `KeyIds` and `Filters` cannot be specified at the same time.");
  },
  /** DescribeKeyPairs: a `Limit` out of range (its own code). */
  invalidLimit(value: unknown) {
    return new CvmError(
      "InvalidParameterValueLimit",
      `The value \`${shown(value)}\` of the parameter \`Limit\` is invalid: it is an integer from 1 to 100.`,
    );
  },
  /** DescribeKeyPairs: an `Offset` out of range (its own code). */
  invalidOffset(value: unknown) {
    return new CvmError(
      "InvalidParameterValueOffset",
      `The value \`${shown(value)}\` of the parameter \`Offset\` is invalid: it is a non-negative integer.`,
    );
  },
  /** Key pairs log in to Linux instances only (Associate/DisassociateInstancesKeyPairs). */
  windowsInstances(ids: readonly string[]) {
    return new CvmError(
      "UnsupportedOperation.InstanceOsWindows",
      `The instance ${idList(ids)} runs Windows, and key pairs are supported only for Linux instances.`,
    );
  },
  /** DisassociateInstancesKeyPairs: a key the instance does not have (decision: refused rather than ignored). */
  keyPairNotAssociated(keyId: string, instanceId: string) {
    return new CvmError("InvalidParameterValue", `The key pair \`${keyId}\` is not associated with the instance \`${instanceId}\`.`);
  },
  /** ResetInstancesPassword's password rules (its own code; RunInstances answers InvalidPassword). */
  resetPasswordInvalid(rule: string) {
    return new CvmError("InvalidParameterValue.InvalidPassword", `The specified password is invalid: ${rule}`);
  },
  /** ResetInstancesType: only instances whose system disk is CLOUD_BASIC, CLOUD_PREMIUM, CLOUD_SSD or CLOUD_BSSD. */
  systemDiskType(instanceId: string, diskType: string) {
    return new CvmError(
      "UnsupportedOperation.SystemDiskType",
      `The instance \`${instanceId}\` has a system disk of type \`${diskType}\`: only instances whose system disk is CLOUD_BASIC, CLOUD_PREMIUM, CLOUD_SSD or CLOUD_BSSD change type.`,
    );
  },
  /** ResetInstancesType on an instance stopped without charges: the same instance family only. */
  stopChargingSameFamily(instanceId: string, from: string, to: string) {
    return new CvmError(
      "UnsupportedOperation.StoppedModeStopChargingSameFamily",
      `The instance \`${instanceId}\` is shut down without charges: its type changes only within its family (\`${from}\` to \`${to}\`).`,
    );
  },
  /** RunInstances: "Windows does not support keys" (the SDK's LoginSettings.KeyIds; the code is in RunInstances' list). */
  keyPairsOnWindows() {
    return new CvmError(
      "UnsupportedOperation.KeyPairUnsupportedWindows",
      "Key pairs are not supported for Windows instances: use LoginSettings.Password.",
    );
  },
  /** RunInstances: a `LoginSettings.KeyIds` key pair the region does not have (the code is in RunInstances' list). */
  launchKeyPairNotFound(keyId: string) {
    return new CvmError("ResourceNotFound.KeyPairNotFound", `The key pair \`${keyId}\` does not exist.`);
  },
  /** ModifyInstancesAttribute without any attribute to modify ("the attribute must be specified"). */
  noAttribute(names: readonly string[]) {
    return new CvmError("MissingParameter", `The request must specify an attribute to modify: one of ${names.join(", ")}.`);
  },
} as const;

/** A value as it appears inside a message: strings as they are, other values as JSON, cut short. */
function shown(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
