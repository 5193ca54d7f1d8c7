/**
 * The names of the ELBv2 actions the mock answers, and whether each
 * may change state: what the doors need before a call is run (is it
 * ELBv2's? does the state file save after it?). The operations themselves
 * (./actions.ts) load on the first ELBv2 call (issue 22), so this list
 * repeats ./actions.ts's names and kinds; test/lazy-loading.test.ts checks
 * that the two agree.
 */

/** Every ELBv2 action the mock answers, by its API name: `true` when a successful call may change state. */
const mutates = Object.freeze({
  CreateTargetGroup: true,
  DescribeTargetGroups: false,
  ModifyTargetGroup: true,
  DeleteTargetGroup: true,
  DescribeTargetGroupAttributes: false,
  ModifyTargetGroupAttributes: true,
  RegisterTargets: true,
  DeregisterTargets: true,
  DescribeTargetHealth: false,
  CreateLoadBalancer: true,
  DescribeLoadBalancers: false,
  DeleteLoadBalancer: true,
  CreateListener: true,
  DescribeListeners: false,
  DeleteListener: true,
  AddTags: true,
  DescribeTags: false,
  RemoveTags: true,
});

/** An ELBv2 action the mock answers. */
export type Elbv2Action = keyof typeof mutates;

/** Whether the mock answers an ELBv2 action (by its API name). */
export function isElbv2Action(action: string): action is Elbv2Action {
  return Object.hasOwn(mutates, action);
}

/** Whether a successful call of an ELBv2 action may change state (an unknown name counts as mutating). */
export function isElbv2Mutating(action: string): boolean {
  return !Object.hasOwn(mutates, action) || mutates[action as Elbv2Action];
}
