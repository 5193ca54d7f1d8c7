/**
 * A CVM error as the front raises it: Tencent Cloud's error code and
 * message. API 3.0 answers every error with HTTP 200 and
 * `{"Response":{"Error":{"Code","Message"},"RequestId"}}`, so unlike EC2
 * there is no status to carry; each door renders the code and message.
 */
export class CvmError extends Error {
  /** @param code - Tencent Cloud's error code, e.g. `UnsupportedOperation.InstanceStateStopped`.
   *  @param message - the message the API answers with. */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
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
  missingParameter: (name: string) => new CvmError("MissingParameter", `The request is missing a required parameter \`${name}\`.`),
  unknownParameter: (name: string) => new CvmError("UnknownParameter", `The parameter \`${name}\` is not recognized.`),
  /** The wording of a raw CVM answer quoted in TencentCloud/tencentcloud-sdk-python#12. */
  invalidValue: (name: string, value: unknown) =>
    new CvmError("InvalidParameterValue", `The value \`${shown(value)}\` specified in the parameter \`${name}\` is not valid.`),
  invalidType: (name: string, expected: string) => new CvmError("InvalidParameter", `The parameter \`${name}\` must be ${expected}.`),
  invalidParameter: (message: string) => new CvmError("InvalidParameter", message),
  combination: (a: string, b: string) =>
    new CvmError("InvalidParameterCombination", `The parameters \`${a}\` and \`${b}\` cannot be specified at the same time.`),
  limitExceeded: (name: string, count: number, limit: number) =>
    new CvmError("InvalidParameterValue.LimitExceeded", `The number of values of the parameter \`${name}\` (${count}) exceeds the limit of ${limit}.`),
  malformedInstanceId: (id: string) =>
    new CvmError(
      "InvalidInstanceId.Malformed",
      `The instance ID \`${shown(id)}\` is malformed: an instance ID is \`ins-\` followed by 8 lowercase letters or digits, such as \`ins-r8hr2upy\`.`,
    ),
  instancesNotFound: (ids: readonly string[]) => new CvmError("InvalidInstanceId.NotFound", `The instance ${idList(ids)} does not exist.`),
  /** English for the raw answer `实例`['ins-…']`操作进行中，请等待` (tencentcloud Go issue trackers). */
  inProgress: (ids: readonly string[]) =>
    new CvmError("OperationDenied.InstanceOperationInProgress", `The instance ${idList(ids)} has an operation in progress. Please wait.`),
  instanceState: (state: string, ids: readonly string[]) =>
    new CvmError(
      `UnsupportedOperation.InstanceState${codeSuffix(state)}`,
      `The instance ${idList(ids)} ${stateWords[state] ?? "is in another state"} (\`${state}\`), and this operation is not supported.`,
    ),
  stopCharging: (ids: readonly string[]) =>
    new CvmError(
      "UnsupportedOperation.StoppedModeStopCharging",
      `The instance ${idList(ids)} does not support the no charges when shut down feature (\`STOP_CHARGING\`): only pay-as-you-go instances whose disks are all cloud disks do.`,
    ),
  protectedInstances: (ids: readonly string[]) =>
    new CvmError(
      "UnsupportedOperation.InstancesProtected",
      `The instance ${idList(ids)} is under termination protection and cannot be terminated. Disable the termination protection and try again.`,
    ),
  invalidFilter: (name: string) => new CvmError("InvalidFilter", `The filter \`${shown(name)}\` is not supported.`),
  filterLimit: (message: string) => new CvmError("InvalidFilterValue.LimitExceeded", message),
  malformedImageId: (id: string) => new CvmError("InvalidImageId.Malformed", `The image ID \`${shown(id)}\` is malformed.`),
  imageNotFound: (id: string) => new CvmError("InvalidImageId.NotFound", `The image \`${id}\` does not exist.`),
  malformedInstanceType: (type: string) =>
    new CvmError("InvalidInstanceType.Malformed", `The specified \`InstanceType\` parameter \`${shown(type)}\` has an invalid format.`),
  zoneMismatch: (zone: string) => new CvmError("InvalidZone.MismatchRegion", `The specified \`zone\` \`${shown(zone)}\` does not exist.`),
  dryRun: () => new CvmError("DryRunOperation", "The request would have succeeded, but the DryRun parameter was set."),
  invalidAction: (action: string) =>
    new CvmError("InvalidAction", `The API \`${shown(action)}\` does not exist, or the mock's CVM front does not implement it.`),
  noSuchVersion: (version: string) => new CvmError("NoSuchVersion", `The API version \`${shown(version)}\` does not exist.`),
  unsupportedRegion: (region: string, served: string) =>
    new CvmError("UnsupportedRegion", `The region \`${shown(region)}\` is not supported: this mock answers for \`${served}\`.`),
  unsupportedProtocol: (method: string) =>
    new CvmError("UnsupportedProtocol", `The HTTP method ${shown(method)} is not supported: send a POST request with a JSON body.`),
  requestTooLarge: (bytes: number, limit: number) =>
    new CvmError("RequestSizeLimitExceeded", `The request size of ${bytes} bytes exceeds the limit of ${limit} bytes.`),
  internal: () => new CvmError("InternalError", "An internal error occurred."),
  instanceNameTooLong: (limit: number) =>
    new CvmError("InvalidInstanceName.TooLong", `The specified InstanceName exceeds the maximum length of ${limit} characters.`),
  clientTokenTooLong: (limit: number) =>
    new CvmError("InvalidClientToken.TooLong", `The specified ClientToken exceeds the maximum length of ${limit} bytes.`),
  tooLong: (name: string, limit: number) =>
    new CvmError("InvalidParameterValue.TooLong", `The value of the parameter \`${name}\` is too long: at most ${limit} characters.`),
  illegalTagKey: (key: string) => new CvmError("FailedOperation.IllegalTagKey", `The tag key \`${shown(key)}\` contains invalid characters.`),
  illegalTagValue: (value: string) =>
    new CvmError("FailedOperation.IllegalTagValue", `The tag value \`${shown(value)}\` contains invalid characters.`),
  tagKeyReserved: (key: string) =>
    new CvmError("FailedOperation.TagKeyReserved", `The tag key \`${shown(key)}\` is reserved for the system.`),
  duplicate: (name: string, value: string) =>
    new CvmError("InvalidParameterValue.Duplicate", `The value \`${shown(value)}\` is given more than once in the parameter \`${name}\`.`),
  invalidUserData: () => new CvmError("InvalidParameterValue.InvalidUserDataFormat", "Incorrect UserData format. Use the Base64-encoded format."),
  invalidPassword: (rule: string) =>
    new CvmError("InvalidPassword", `Invalid password. The specified password does not meet the password requirements: ${rule}`),
} as const;

/** A value as it appears inside a message: strings as they are, other values as JSON, cut short. */
function shown(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
