/**
 * The names of the Auto Scaling actions the mock answers, and whether each
 * may change state: what the doors need before a call is run (is it Auto
 * Scaling's? does the state file save after it?). The operations themselves
 * (./actions.ts) load on the first Auto Scaling call (issue 22), so this list
 * repeats ./actions.ts's names and kinds; test/lazy-loading.test.ts checks
 * that the two agree.
 */

/** Every Auto Scaling action the mock answers, by its API name: `true` when a successful call may change state. */
const mutates = Object.freeze({
  CreateAutoScalingGroup: true,
  UpdateAutoScalingGroup: true,
  DeleteAutoScalingGroup: true,
  DescribeAutoScalingGroups: false,
  DescribeAutoScalingInstances: false,
  SetDesiredCapacity: true,
  SetInstanceHealth: true,
  TerminateInstanceInAutoScalingGroup: true,
  EnterStandby: true,
  ExitStandby: true,
  AttachInstances: true,
  DetachInstances: true,
  SetInstanceProtection: true,
  SuspendProcesses: true,
  ResumeProcesses: true,
  DescribeScalingActivities: false,
  PutLifecycleHook: true,
  DescribeLifecycleHooks: false,
  DeleteLifecycleHook: true,
  CompleteLifecycleAction: true,
  RecordLifecycleActionHeartbeat: true,
  AttachLoadBalancerTargetGroups: true,
  DetachLoadBalancerTargetGroups: true,
  DescribeLoadBalancerTargetGroups: false,
  AttachTrafficSources: true,
  DetachTrafficSources: true,
  DescribeTrafficSources: false,
});

/** An Auto Scaling action the mock answers. */
export type AutoScalingAction = keyof typeof mutates;

/** Whether the mock answers an Auto Scaling action (by its API name). */
export function isAutoScalingAction(action: string): action is AutoScalingAction {
  return Object.hasOwn(mutates, action);
}

/** Whether a successful call of an Auto Scaling action may change state (an unknown name counts as mutating). */
export function isAutoScalingMutating(action: string): boolean {
  return !Object.hasOwn(mutates, action) || mutates[action as AutoScalingAction];
}
