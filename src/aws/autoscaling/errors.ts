import { CloudError } from "../../kit/errors.js";
import type { Refusal } from "../../protocols/refusal.js";
import { commonQueryErrors, refusalInWords } from "../query-errors.js";

/**
 * An error of Amazon EC2 Auto Scaling: its code as the query protocol sends
 * it (`ValidationError`, `AlreadyExists`, `ResourceInUse`, ...), its exact
 * message and its HTTP status. The plugin renders it as the SDK's own
 * exception (`AlreadyExistsFault`, ...; `ValidationError` as an
 * `AutoScalingServiceException` of that name), as the SDK's deserializer
 * would from Auto Scaling's `<ErrorResponse>`.
 *
 * @public
 */
export class AutoScalingError extends CloudError {
  /**
   * @param code - Auto Scaling's error code on the wire.
   * @param message - Auto Scaling's message.
   * @param status - the HTTP status (400, 403, 500 for ResourceContention).
   */
  constructor(code: string, message: string, status = 400) {
    super(code, message, status);
  }
}

/** An instant as Auto Scaling writes it in messages and causes: ISO 8601 to the second, `Z`. */
export function asgTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * THE catalogue of Auto Scaling's errors: nothing else constructs an
 * {@link AutoScalingError} (test/error-catalogue.test.ts). Sources are in
 * docs/behaviour.md, "EC2 Auto Scaling"; where AWS publishes no wording the
 * entry says *decision*.
 */
export const asgErrors = {
  // ---- Parameters -------------------------------------------------------------------------------------
  /** A required member absent (AWS's generic validation wording: "1 validation error detected: Value null at ..."). */
  missingParameter(member: string) {
    const field = member.charAt(0).toLowerCase() + member.slice(1);
    return new AutoScalingError(
      "ValidationError",
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  },
  /** A member of the wrong type or out of its documented range (decision: the generic validation wording). */
  invalidValue(member: string, value: string, constraint: string) {
    const field = member.charAt(0).toLowerCase() + member.slice(1);
    return new AutoScalingError(
      "ValidationError",
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
    );
  },
  /** A member the mock does not model: refused by name, never dropped (decision 0012). */
  unmodelledParameter(action: string, member: string) {
    return new AutoScalingError("ValidationError", `ec2-mock does not model the parameter '${member}' of ${action}.`);
  },
  /** A member value the mock does not model (a HealthCheckType ELB, a termination policy, ...): refused by name. */
  unmodelledValue(action: string, member: string, value: string) {
    return new AutoScalingError("ValidationError", `ec2-mock does not model ${member} '${value}' of ${action}.`);
  },
  /** CreateAutoScalingGroup without a launch source. */
  noLaunchSource() {
    return new AutoScalingError(
      "ValidationError",
      "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.",
    );
  },
  /** CreateAutoScalingGroup with neither zones nor subnets. */
  noZoneOrSubnet() {
    return new AutoScalingError("ValidationError", "At least one Availability Zone or VPC Subnet is required.");
  },
  /** A zone the Region does not have (decision: EC2's wording for a zone, in a ValidationError). */
  invalidZone(zone: string) {
    return new AutoScalingError("ValidationError", `Invalid Availability Zone: [${zone}]`);
  },
  /** A subnet of VPCZoneIdentifier that does not exist. */
  subnetNotFound(subnetId: string) {
    return new AutoScalingError("ValidationError", `The subnet ID '${subnetId}' does not exist`);
  },
  /** A launch template given by both id and name, or by neither (decision: the "fully-formed" wording). */
  launchTemplateIdAndName() {
    return new AutoScalingError(
      "ValidationError",
      "You must use a valid fully-formed launch template. Specify either the launch template ID or the launch template name, but not both.",
    );
  },
  /** A launch template id that does not exist. */
  launchTemplateIdNotFound(id: string) {
    return new AutoScalingError(
      "ValidationError",
      `You must use a valid fully-formed launch template. The specified launch template, with template ID ${id}, does not exist.`,
    );
  },
  /** A launch template name that does not exist. */
  launchTemplateNameNotFound(name: string) {
    return new AutoScalingError(
      "ValidationError",
      `You must use a valid fully-formed launch template. The specified launch template, with template name ${name}, does not exist.`,
    );
  },
  /** A launch template version that does not exist. */
  launchTemplateVersionNotFound(version: string, id: string) {
    return new AutoScalingError(
      "ValidationError",
      `You must use a valid fully-formed launch template. The specified launch template version ${version} of launch template ${id} does not exist.`,
    );
  },
  /** MinSize above MaxSize. */
  minAboveMax(min: number, max: number) {
    return new AutoScalingError("ValidationError", `Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  },
  /** DesiredCapacity outside MinSize..MaxSize (CreateAutoScalingGroup, UpdateAutoScalingGroup). */
  desiredOutOfRange(desired: number, min: number, max: number) {
    return new AutoScalingError(
      "ValidationError",
      `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
    );
  },
  /** SetDesiredCapacity above MaxSize. */
  setDesiredAboveMax(desired: number, max: number) {
    return new AutoScalingError(
      "ValidationError",
      `New SetDesiredCapacity value ${desired} is above max value ${max} for the AutoScalingGroup.`,
    );
  },
  /** SetDesiredCapacity below MinSize. */
  setDesiredBelowMin(desired: number, min: number) {
    return new AutoScalingError(
      "ValidationError",
      `New SetDesiredCapacity value ${desired} is below min value ${min} for the AutoScalingGroup.`,
    );
  },
  /**
   * A change that would take the desired capacity under MinSize: TerminateInstanceInAutoScalingGroup with
   * decrement (AWS's words as users report them); EnterStandby and DetachInstances with decrement (decision: the same).
   */
  belowMinSize(min: number) {
    return new AutoScalingError(
      "ValidationError",
      `Currently, desiredSize equals minSize (${min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
    );
  },
  /** A change that would take the desired capacity above MaxSize (AttachInstances, ExitStandby) (decision: the wording). */
  aboveMaxSize(desired: number, max: number) {
    return new AutoScalingError(
      "ValidationError",
      `Cannot increase desired capacity to ${desired}: the group's max size is ${max}. Either increase the max size or reduce the number of instances.`,
    );
  },
  /** A group name no group has. */
  groupNotFound(name: string) {
    return new AutoScalingError("ValidationError", `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
  },
  /** An instance no group manages (TerminateInstanceInAutoScalingGroup, SetInstanceHealth, ...). */
  instanceNotManaged(instanceId: string) {
    return new AutoScalingError("ValidationError", `Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
  },
  /** An instance of the call that is not in the named group (decision: the wording). */
  instanceNotInGroup(instanceId: string, group: string) {
    return new AutoScalingError("ValidationError", `The instance ${instanceId} is not part of Auto Scaling group ${group}.`);
  },
  /** An instance not in the lifecycle state the action needs (EnterStandby: InService; ExitStandby: Standby). */
  instanceNotIn(instanceId: string, state: string) {
    return new AutoScalingError("ValidationError", `The instance ${instanceId} is not in ${state}.`);
  },
  /** AttachInstances: an instance that cannot be attached (not running, in another group, another zone) (decision: the wording). */
  cannotAttach(instanceId: string, reason: string) {
    return new AutoScalingError("ValidationError", `Instance ${instanceId} cannot be attached: ${reason}`);
  },
  /** AttachInstances: an instance already in a group (AWS's wording as users report it). */
  alreadyInGroup(instanceId: string, group: string) {
    return new AutoScalingError("ValidationError", `The Instance: ${instanceId} is already part of AutoScalingGroup:${group}`);
  },
  /** A health status other than Healthy or Unhealthy. */
  invalidHealthStatus(value: string) {
    return new AutoScalingError("ValidationError", `Valid health status values are Healthy and Unhealthy. Received: ${value}`);
  },
  /** A scaling process name Auto Scaling does not have. */
  invalidProcess(name: string) {
    return new AutoScalingError("ValidationError", `Invalid scaling process name: ${name}`);
  },
  /** CreateAutoScalingGroup with a name in use. */
  alreadyExists(name: string) {
    return new AutoScalingError(
      "AlreadyExists",
      `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`,
    );
  },
  /** DeleteAutoScalingGroup without ForceDelete while the group has instances. */
  groupHasInstances() {
    return new AutoScalingError(
      "ResourceInUse",
      "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
    );
  },
  /** DeleteAutoScalingGroup without ForceDelete while an activity is in progress. */
  activityInProgress() {
    return new AutoScalingError(
      "ScalingActivityInProgress",
      "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.",
    );
  },
  /** A call on a group being deleted (decision: the code and the wording). */
  groupBeingDeleted(name: string) {
    return new AutoScalingError("ValidationError", `AutoScalingGroup ${name} is pending delete.`);
  },
  // ---- Target groups ---------------------------------------------------------------------------------
  /** A target group ARN no target group of the Region has (AWS's wording as users report it). */
  targetGroupsNotValid() {
    return new AutoScalingError("ValidationError", "Provided Target Groups may not be valid. Please ensure they exist and try again.");
  },
  /** A target group in another VPC than the group's instances (decision: the wording). */
  targetGroupVpc(arn: string, targetGroupVpc: string, groupVpc: string) {
    return new AutoScalingError(
      "ValidationError",
      `The target group ${arn} is in VPC ${targetGroupVpc}, but the Auto Scaling group's instances launch into VPC ${groupVpc}.`,
    );
  },
  /** DetachLoadBalancerTargetGroups of a target group the group does not have (decision: the wording). */
  targetGroupNotAttached(arn: string, group: string) {
    return new AutoScalingError("ValidationError", `Target group ${arn} is not attached to Auto Scaling group ${group}.`);
  },
  // ---- Lifecycle hooks --------------------------------------------------------------------------------
  /** A lifecycle transition other than the two Auto Scaling has. */
  invalidTransition(value: string) {
    return new AutoScalingError(
      "ValidationError",
      `Invalid Lifecycle Transition: ${value}. Valid values are autoscaling:EC2_INSTANCE_LAUNCHING and autoscaling:EC2_INSTANCE_TERMINATING.`,
    );
  },
  /** PutLifecycleHook of a new hook without LifecycleTransition. */
  transitionRequired() {
    return new AutoScalingError("ValidationError", "A lifecycle transition is required for a new lifecycle hook.");
  },
  /** A DefaultResult or LifecycleActionResult other than CONTINUE or ABANDON. */
  invalidResult(value: string) {
    return new AutoScalingError("ValidationError", `Valid lifecycle action results are CONTINUE and ABANDON. Received: ${value}`);
  },
  /** A HeartbeatTimeout outside 30..7200 seconds. */
  invalidHeartbeat(value: number) {
    return new AutoScalingError("ValidationError", `Heartbeat timeout must be between 30 and 7200 seconds. Received: ${value}`);
  },
  /** A group's 51st lifecycle hook (quota: 50 per group). */
  hookLimit(max: number) {
    return new AutoScalingError("LimitExceeded", `Cannot have more than ${max} lifecycle hooks per Auto Scaling group.`);
  },
  /** A hook name the group does not have. */
  hookNotFound(hook: string, group: string) {
    return new AutoScalingError("ValidationError", `No Lifecycle Hook found for hook name ${hook} in group ${group}`);
  },
  /** CompleteLifecycleAction or RecordLifecycleActionHeartbeat with no action waiting for that token. */
  noActionForToken(token: string) {
    return new AutoScalingError("ValidationError", `No active Lifecycle Action found with token ${token}`);
  },
  /** CompleteLifecycleAction or RecordLifecycleActionHeartbeat with no action waiting for that instance. */
  noActionForInstance(instanceId: string) {
    return new AutoScalingError("ValidationError", `No active Lifecycle Action found with instance ID ${instanceId}`);
  },
  /** Neither LifecycleActionToken nor InstanceId (decision: the wording). */
  tokenOrInstanceRequired() {
    return new AutoScalingError("ValidationError", "Either LifecycleActionToken or InstanceId must be specified.");
  },
  /** DescribeScalingActivities: an activity id that is not a UUID (decision). */
  invalidActivityId(id: string) {
    return new AutoScalingError("ValidationError", `Invalid activity id: ${id}`);
  },
  /** A NextToken the mock did not give. */
  invalidNextToken() {
    return new AutoScalingError("InvalidNextToken", "The token provided is not valid.");
  },
  // ---- The protocol, the Region, IAM ----------------------------------------------------------------------
  /** The common errors of AWS query APIs (protocol, Region, IAM's AccessDenied): src/aws/query-errors.ts. */
  ...commonQueryErrors((code, message, status) => new AutoScalingError(code, message, status)),
} as const;

/** A codec's refusal in Auto Scaling's words (the wire door and the plugin's input reading). */
export function refusalInAsgWords(refusal: Refusal): AutoScalingError {
  return refusalInWords(asgErrors, refusal);
}
