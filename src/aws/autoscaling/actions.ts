/**
 * THE list of Amazon EC2 Auto Scaling actions the mock answers (on an
 * `AutoScalingClient` the mock was added to, through the `httpHandler`, and
 * at the server's endpoint), one line per action; every door routes through
 * it (./service.ts). To add one: its operation under ./operations/, its
 * errors in ./errors.ts, one line here. The wire door reads and writes each
 * action by the SDK's own schemas (src/protocols/aws-query/).
 *
 * The entries use the kit's `mutating`/`reading` (src/kit/actions.ts), not
 * the SDK's command classes: @aws-sdk/client-auto-scaling is an optional
 * peer dependency, imported by the operations for its types only.
 *
 * This module and the operations load on the first Auto Scaling call
 * (./service.ts); ./action-names.ts lists the same names for the doors.
 */
import { mutating, reading, routeOf } from "../../kit/actions.js";
import type { AutoScalingContext } from "./context.js";
import {
  createAutoScalingGroup,
  deleteAutoScalingGroup,
  describeAutoScalingGroups,
  setDesiredCapacity,
  updateAutoScalingGroup,
} from "./operations/groups.js";
import {
  completeLifecycleAction,
  deleteLifecycleHook,
  describeLifecycleHooks,
  putLifecycleHook,
  recordLifecycleActionHeartbeat,
} from "./operations/hooks.js";
import {
  attachInstances,
  describeAutoScalingInstances,
  detachInstances,
  enterStandby,
  exitStandby,
  setInstanceHealth,
  setInstanceProtection,
  terminateInstanceInAutoScalingGroup,
} from "./operations/instances.js";
import { describeScalingActivities, resumeProcesses, suspendProcesses } from "./operations/processes.js";
import {
  attachLoadBalancerTargetGroups,
  attachTrafficSources,
  describeLoadBalancerTargetGroups,
  describeTrafficSources,
  detachLoadBalancerTargetGroups,
  detachTrafficSources,
} from "./operations/target-groups.js";

/** Every Auto Scaling action the mock answers, by its API name. */
export const autoScalingActions = Object.freeze({
  CreateAutoScalingGroup: mutating(createAutoScalingGroup),
  UpdateAutoScalingGroup: mutating(updateAutoScalingGroup),
  DeleteAutoScalingGroup: mutating(deleteAutoScalingGroup),
  DescribeAutoScalingGroups: reading(describeAutoScalingGroups),
  DescribeAutoScalingInstances: reading(describeAutoScalingInstances),
  SetDesiredCapacity: mutating(setDesiredCapacity),
  SetInstanceHealth: mutating(setInstanceHealth),
  TerminateInstanceInAutoScalingGroup: mutating(terminateInstanceInAutoScalingGroup),
  EnterStandby: mutating(enterStandby),
  ExitStandby: mutating(exitStandby),
  AttachInstances: mutating(attachInstances),
  DetachInstances: mutating(detachInstances),
  SetInstanceProtection: mutating(setInstanceProtection),
  SuspendProcesses: mutating(suspendProcesses),
  ResumeProcesses: mutating(resumeProcesses),
  DescribeScalingActivities: reading(describeScalingActivities),
  PutLifecycleHook: mutating(putLifecycleHook),
  DescribeLifecycleHooks: reading(describeLifecycleHooks),
  DeleteLifecycleHook: mutating(deleteLifecycleHook),
  CompleteLifecycleAction: mutating(completeLifecycleAction),
  RecordLifecycleActionHeartbeat: mutating(recordLifecycleActionHeartbeat),
  AttachLoadBalancerTargetGroups: mutating(attachLoadBalancerTargetGroups),
  DetachLoadBalancerTargetGroups: mutating(detachLoadBalancerTargetGroups),
  DescribeLoadBalancerTargetGroups: reading(describeLoadBalancerTargetGroups),
  AttachTrafficSources: mutating(attachTrafficSources),
  DetachTrafficSources: mutating(detachTrafficSources),
  DescribeTrafficSources: reading(describeTrafficSources),
});

/** The operation of a named Auto Scaling action, or undefined for one the mock does not answer. */
export function autoScalingOperationOf(action: string): ((ctx: AutoScalingContext, input: unknown) => object) | undefined {
  return routeOf<AutoScalingContext, object>(autoScalingActions, action);
}
