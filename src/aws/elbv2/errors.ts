import { CloudError } from "../../kit/errors.js";
import type { Refusal } from "../../protocols/refusal.js";
import { replaceForbiddenXmlChars } from "../../protocols/xml-text.js";
import { commonQueryErrors, refusalInWords } from "../query-errors.js";

/**
 * An Elastic Load Balancing (v2) error: the code ELBv2 sends on the wire
 * (its awsQuery code, `TargetGroupNotFound`; the SDK names the exception
 * class after it, `TargetGroupNotFoundException`, and the plugin throws that
 * class), the message and the HTTP status. Built only by the catalogue
 * {@link elbErrors} below (test/error-catalogue.test.ts).
 */
export class ElbError extends CloudError {
  /**
   * @param code - ELBv2's wire code, e.g. `TargetGroupNotFound`.
   * @param message - ELBv2's message; a character XML 1.0 forbids becomes U+FFFD.
   * @param status - the HTTP status ELBv2 answers with.
   */
  constructor(code: string, message: string, status = 400) {
    super(code, replaceForbiddenXmlChars(message), status);
  }
}

/** Quotes a list as ELBv2 does in its messages: `'a', 'b'`. */
function quoted(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(", ");
}

/**
 * ELBv2's error catalogue. Codes and statuses are the SDK's error shapes
 * (`awsQueryError` traits of @aws-sdk/client-elastic-load-balancing-v2) and
 * the API reference's "Errors" sections; messages are ELBv2's as quoted in
 * public reports, or marked "decision" in docs/behaviour.md ("Elastic Load
 * Balancing v2").
 */
export const elbErrors = {
  // ---- The request: parameters, the protocol ----

  /** A parameter outside its documented constraints (ELBv2's common ValidationError). */
  validation(message: string) {
    return new ElbError("ValidationError", message);
  },
  /** A member ELBv2 accepts but the mock does not model: refused by name, never dropped (decision 0012). */
  unmodelledParameter(action: string, name: string) {
    return new ElbError("UnsupportedOperation", `ec2-mock does not model the parameter '${name}' of ${action}.`);
  },
  /** A value the mock does not model for a member it models (e.g. a target type other than `instance`): refused by name. */
  unmodelledValue(action: string, name: string, value: string) {
    return new ElbError("UnsupportedOperation", `ec2-mock does not model the value '${value}' of '${name}' in ${action}.`);
  },
  /** The common errors of AWS query APIs (protocol, Region, IAM): src/aws/query-errors.ts. */
  ...commonQueryErrors((code, message, status) => new ElbError(code, message, status)),

  // ---- Lookups ----

  /** DescribeTargetGroups naming one that does not exist. */
  targetGroupsNotFound() {
    return new ElbError("TargetGroupNotFound", "One or more target groups not found");
  },
  /** A target group ARN that is not shaped as one (reported AWS wording, e.g. jcjorel/ec2-spot-converter#7). */
  invalidTargetGroupArn(arn: string) {
    return new ElbError("ValidationError", `'${arn}' is not a valid target group ARN`);
  },
  /** A call naming one target group that does not exist. */
  targetGroupNotFound(arn: string) {
    return new ElbError("TargetGroupNotFound", `Target groups ${quoted([arn])} not found`);
  },
  /** DescribeLoadBalancers naming one that does not exist. */
  loadBalancersNotFound() {
    return new ElbError("LoadBalancerNotFound", "One or more load balancers not found");
  },
  /** A call naming one load balancer that does not exist. */
  loadBalancerNotFound(arn: string) {
    return new ElbError("LoadBalancerNotFound", `Load balancer '${arn}' not found`);
  },
  /** DescribeListeners naming one that does not exist. */
  listenersNotFound() {
    return new ElbError("ListenerNotFound", "One or more listeners not found");
  },
  /** A call naming one listener that does not exist. */
  listenerNotFound(arn: string) {
    return new ElbError("ListenerNotFound", `Listener '${arn}' not found`);
  },
  /** CreateLoadBalancer naming a subnet that does not exist. */
  subnetNotFound(subnetId: string) {
    return new ElbError("SubnetNotFound", `The subnet ID '${subnetId}' is not valid`);
  },

  // ---- Names and conflicts ----

  /** CreateTargetGroup reusing a name with other settings (same settings: the existing group is returned). */
  duplicateTargetGroupName(name: string) {
    return new ElbError("DuplicateTargetGroupName", `A target group with the same name '${name}' exists, but with different settings`);
  },
  /** CreateLoadBalancer reusing a name with other settings. */
  duplicateLoadBalancerName(name: string) {
    return new ElbError("DuplicateLoadBalancerName", `A load balancer with the same name '${name}' exists, but with different settings`);
  },
  /** CreateListener on a port the load balancer already listens on. */
  duplicateListener() {
    return new ElbError("DuplicateListener", "A listener already exists on this port for this load balancer");
  },
  /** DeleteTargetGroup while a listener forwards to it. */
  targetGroupInUse(arn: string) {
    return new ElbError("ResourceInUse", `Target group '${arn}' is currently in use by a listener or a rule`);
  },

  // ---- Targets and configuration ----

  /** RegisterTargets naming an instance that does not exist. */
  targetsNotInstances(ids: readonly string[]) {
    return new ElbError("InvalidTarget", `The following targets are not valid instances: ${quoted(ids)}`);
  },
  /** RegisterTargets naming an instance of another VPC than the group's. */
  targetsNotInVpc(vpcId: string, ids: readonly string[]) {
    return new ElbError("InvalidTarget", `The following targets are not in the target group VPC '${vpcId}': ${quoted(ids)}`);
  },
  /** RegisterTargets naming a terminated (or terminating) instance. */
  targetsNotRunning(ids: readonly string[]) {
    return new ElbError("InvalidTarget", `The following targets are not in a running state and cannot be registered: ${quoted(ids)}`);
  },
  /** DeregisterTargets naming a target that is not registered (wording: decision). */
  targetsNotRegistered(targetGroupArn: string, ids: readonly string[]) {
    return new ElbError("InvalidTarget", `The following targets are not registered in target group '${targetGroupArn}': ${quoted(ids)}`);
  },
  /** CreateLoadBalancer naming a security group that does not exist (in the load balancer's VPC). */
  invalidSecurityGroup(groupId: string) {
    return new ElbError("InvalidSecurityGroup", `Security group '${groupId}' does not exist`);
  },
  /** CreateListener forwarding to a target group another load balancer already uses. */
  targetGroupAssociationLimit(targetGroupArn: string) {
    return new ElbError(
      "TargetGroupAssociationLimit",
      `The following target groups cannot be associated with more than one load balancer: ${targetGroupArn}`,
    );
  },
  /** A request giving one tag key twice. */
  duplicateTagKeys(key: string) {
    return new ElbError("DuplicateTagKeys", `Tag key '${key}' is duplicated`);
  },
  /** A resource that would hold more than 50 tags. */
  tooManyTags() {
    return new ElbError("TooManyTags", "The quota for the number of tags that can be assigned to a resource has been reached");
  },
  /** A configuration ELBv2 refuses (subnets, VPCs of a listener's target group). */
  invalidConfiguration(message: string) {
    return new ElbError("InvalidConfigurationRequest", message);
  },
  /** A listener's target group whose protocol the load balancer cannot route to. */
  incompatibleProtocols(message: string) {
    return new ElbError("IncompatibleProtocols", message);
  },
  /** A protocol the load balancer's type does not support. */
  unsupportedProtocol(protocol: string) {
    return new ElbError("UnsupportedProtocol", `Protocol '${protocol}' is not supported`);
  },
} as const;

/** A protocol codec's refusal in ELBv2's words. */
export function refusalInElbWords(refusal: Refusal): ElbError {
  return refusalInWords(elbErrors, refusal);
}
