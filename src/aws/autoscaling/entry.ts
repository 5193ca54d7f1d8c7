import type { OperationContext } from "../ec2/context.js";
import type { Ec2Region } from "../ec2/region.js";
import type { Authorize, AuthorizedService } from "../iam/authorize.js";
import type { Principal } from "../iam/principals.js";
import type { AutoScalingContext } from "./context.js";
import { asgErrors } from "./errors.js";
import { reconcileGroups } from "./operations/group-work.js";

/**
 * The single entry of Amazon EC2 Auto Scaling (issue 19), beside EC2's
 * `dispatch` in src/aws/ec2/mock.ts: it builds each call's
 * {@link AutoScalingContext} (the Region, the time after the catch-up that
 * reconciled every group, the caller's authorization under `autoscaling:`,
 * the service's own EC2 context) and runs the action's operation. The
 * action list (./actions.ts, which imports `@aws-sdk/client-auto-scaling`,
 * an optional peer dependency) is loaded on the first call only, so that a
 * mock used without an AutoScalingClient never loads it.
 */

/** What the entry needs of the EC2 mock it serves beside. */
export interface AutoScalingEntryDeps {
  /** The Region a call names (none: the default), or the error of one the mock does not serve. */
  regionOf(name: string | undefined): Ec2Region;
  /** Applies everything due in every Region (groups reconciled) and returns mock time now. */
  catchUp(): number;
  /** The principal an access key names (none or unknown: the default principal). */
  principalOf(accessKeyId: string | undefined): Principal;
  /** The service's own principal (its EC2 work runs as it, never denied). */
  readonly servicePrincipal: Principal;
  /** The authorizer of a call, for a service. */
  authorizerFor(principal: Principal, now: number, region: Ec2Region, service: AuthorizedService): Authorize;
  /** Another Region of the mock, by name. */
  regionNamed(name: string): Ec2Region | undefined;
}

/** Auto Scaling's IAM: the `autoscaling:` prefix, and AccessDenied when a policy does not allow the call. */
export const autoScalingIam: AuthorizedService = {
  prefix: "autoscaling",
  denied: (principal, action, resource, explicitDeny) => asgErrors.accessDenied(principal.arn, action, resource, explicitDeny),
};

/** The EC2 context the service acts in: never denied (the service's role acts, not the caller). */
function serviceEc2(deps: AutoScalingEntryDeps, region: Ec2Region, now: number): OperationContext {
  return { region, now, principal: deps.servicePrincipal, authorize: () => {}, regionNamed: (name) => deps.regionNamed(name) };
}

/** The reconciliation of a Region's groups, run at each of its catch-ups (the store's settler). */
export function autoScalingSettler(deps: AutoScalingEntryDeps, region: Ec2Region): (now: number) => void {
  return (now) => reconcileGroups({ region, now, authorize: () => {}, ec2: serviceEc2(deps, region, now) });
}

/** Runs an Auto Scaling action: undefined when the mock does not implement it; throws an AutoScalingError. */
export async function dispatchAutoScaling(
  deps: AutoScalingEntryDeps,
  action: string,
  input: unknown,
  regionName: string | undefined,
  accessKeyId?: string,
): Promise<object | undefined> {
  const { autoScalingOperationOf } = await import("./actions.js");
  const operation = autoScalingOperationOf(action);
  if (operation === undefined) return undefined;
  const region = deps.regionOf(regionName);
  const principal = deps.principalOf(accessKeyId);
  const now = deps.catchUp();
  const authorize = deps.authorizerFor(principal, now, region, autoScalingIam);
  const ctx: AutoScalingContext = {
    region,
    now,
    authorize: (name, resources) =>
      authorize(
        name,
        resources.map((arn) => ({ arn, keys: {} })),
      ),
    ec2: serviceEc2(deps, region, now),
  };
  return operation(ctx, input ?? {});
}
