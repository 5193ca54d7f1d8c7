/**
 * THE list of Amazon EC2 Auto Scaling actions the mock answers (on an
 * `AutoScalingClient` the mock was added to; at the server's endpoint once
 * the awsQuery codec routes the service), one line per action, in the shape
 * of STS's list; the doors route through it. To add one: its operation
 * under ./operations/, one line here.
 */
import {
  AttachInstancesCommand,
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DeleteLifecycleHookCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  PutLifecycleHookCommand,
  RecordLifecycleActionHeartbeatCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SetInstanceHealthCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { actionTest, mutationTest, routeOf } from "../../kit/actions.js";
import { mutating, reading } from "../sdk-actions.js";
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

/** Every Auto Scaling action the mock answers, by its API name. */
export const autoScalingActions = Object.freeze({
  CreateAutoScalingGroup: mutating(CreateAutoScalingGroupCommand, createAutoScalingGroup),
  UpdateAutoScalingGroup: mutating(UpdateAutoScalingGroupCommand, updateAutoScalingGroup),
  DeleteAutoScalingGroup: mutating(DeleteAutoScalingGroupCommand, deleteAutoScalingGroup),
  DescribeAutoScalingGroups: reading(DescribeAutoScalingGroupsCommand, describeAutoScalingGroups),
  DescribeAutoScalingInstances: reading(DescribeAutoScalingInstancesCommand, describeAutoScalingInstances),
  SetDesiredCapacity: mutating(SetDesiredCapacityCommand, setDesiredCapacity),
  SetInstanceHealth: mutating(SetInstanceHealthCommand, setInstanceHealth),
  TerminateInstanceInAutoScalingGroup: mutating(TerminateInstanceInAutoScalingGroupCommand, terminateInstanceInAutoScalingGroup),
  EnterStandby: mutating(EnterStandbyCommand, enterStandby),
  ExitStandby: mutating(ExitStandbyCommand, exitStandby),
  AttachInstances: mutating(AttachInstancesCommand, attachInstances),
  DetachInstances: mutating(DetachInstancesCommand, detachInstances),
  SetInstanceProtection: mutating(SetInstanceProtectionCommand, setInstanceProtection),
  SuspendProcesses: mutating(SuspendProcessesCommand, suspendProcesses),
  ResumeProcesses: mutating(ResumeProcessesCommand, resumeProcesses),
  DescribeScalingActivities: reading(DescribeScalingActivitiesCommand, describeScalingActivities),
  PutLifecycleHook: mutating(PutLifecycleHookCommand, putLifecycleHook),
  DescribeLifecycleHooks: reading(DescribeLifecycleHooksCommand, describeLifecycleHooks),
  DeleteLifecycleHook: mutating(DeleteLifecycleHookCommand, deleteLifecycleHook),
  CompleteLifecycleAction: mutating(CompleteLifecycleActionCommand, completeLifecycleAction),
  RecordLifecycleActionHeartbeat: mutating(RecordLifecycleActionHeartbeatCommand, recordLifecycleActionHeartbeat),
});

/** An Auto Scaling action the mock answers. */
export type AutoScalingAction = keyof typeof autoScalingActions;

/** Whether the mock answers an Auto Scaling action (by its API name). */
export const isAutoScalingAction: (action: string) => action is AutoScalingAction = actionTest(autoScalingActions);

/** Whether a successful call of an Auto Scaling action may change state (an unknown name counts as mutating). */
export const isAutoScalingMutating: (action: string) => boolean = mutationTest(autoScalingActions);

/** The operation of a named Auto Scaling action, or undefined for one the mock does not answer. */
export function autoScalingOperationOf(action: string): ((ctx: AutoScalingContext, input: unknown) => object) | undefined {
  return routeOf<AutoScalingContext, object>(autoScalingActions, action);
}
