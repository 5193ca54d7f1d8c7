/**
 * THE list of Elastic Load Balancing (v2) actions the mock answers (on an
 * `ElasticLoadBalancingV2Client` the mock was added to, through the
 * `httpHandler`, and at the server's endpoint), one line per action; every
 * door routes through it. To add one: its operation under ./operations/,
 * its errors in ./errors.ts, one line here. The wire door reads and writes
 * each action by the SDK's own schemas (src/protocols/aws-query/), so
 * nothing else lists actions.
 *
 * The entries use the kit's `mutating`/`reading` (src/kit/actions.ts), not
 * the SDK's command classes: @aws-sdk/client-elastic-load-balancing-v2 is an
 * optional peer dependency, imported here for its types only.
 *
 * This module and the operations load on the first ELBv2 call
 * (./service.ts); ./action-names.ts lists the same names for the doors.
 */
import { mutating, reading, routeOf } from "../../kit/actions.js";
import type { ElbContext } from "./context.js";
import {
  createListener,
  createLoadBalancer,
  deleteListener,
  deleteLoadBalancer,
  describeListeners,
  describeLoadBalancers,
} from "./operations/load-balancers.js";
import { addTags, describeTags, removeTags } from "./operations/tags.js";
import {
  createTargetGroup,
  deleteTargetGroup,
  describeTargetGroupAttributes,
  describeTargetGroups,
  modifyTargetGroup,
  modifyTargetGroupAttributes,
} from "./operations/target-groups.js";
import { deregisterTargets, describeTargetHealth, registerTargets } from "./operations/targets.js";

/** Every ELBv2 action the mock answers, by ELBv2's action name. */
export const elbv2Actions = Object.freeze({
  CreateTargetGroup: mutating(createTargetGroup),
  DescribeTargetGroups: reading(describeTargetGroups),
  ModifyTargetGroup: mutating(modifyTargetGroup),
  DeleteTargetGroup: mutating(deleteTargetGroup),
  DescribeTargetGroupAttributes: reading(describeTargetGroupAttributes),
  ModifyTargetGroupAttributes: mutating(modifyTargetGroupAttributes),
  RegisterTargets: mutating(registerTargets),
  DeregisterTargets: mutating(deregisterTargets),
  DescribeTargetHealth: reading(describeTargetHealth),
  CreateLoadBalancer: mutating(createLoadBalancer),
  DescribeLoadBalancers: reading(describeLoadBalancers),
  DeleteLoadBalancer: mutating(deleteLoadBalancer),
  CreateListener: mutating(createListener),
  DescribeListeners: reading(describeListeners),
  DeleteListener: mutating(deleteListener),
  AddTags: mutating(addTags),
  DescribeTags: reading(describeTags),
  RemoveTags: mutating(removeTags),
});

/** The operation of a named ELBv2 action, or undefined for one the mock does not answer. */
export function elbv2OperationOf(action: string): ((ctx: ElbContext, input: unknown) => object) | undefined {
  return routeOf<ElbContext, object>(elbv2Actions, action);
}
