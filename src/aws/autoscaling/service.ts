/**
 * Amazon EC2 Auto Scaling as one query service of the mock
 * (src/aws/query-service.ts): its names, its action list, its wire errors,
 * its single entry over the mock's Regions and clock, and the settler that
 * reconciles every group at each catch-up of its Region.
 */

import { withLoaded } from "../../kit/lazy.js";
import type { OperationContext } from "../ec2/context.js";
import type { Ec2Region } from "../ec2/region.js";
import type { Principal } from "../iam/principals.js";
import { onDemand } from "../on-demand-loader.js";
import type { QueryService, QueryServiceWorld } from "../query-service.js";
import { isAutoScalingAction, isAutoScalingMutating } from "./action-names.js";
import type { AutoScalingContext } from "./context.js";
import { asgErrors, refusalInAsgWords } from "./errors.js";
import { reconcileGroups } from "./operations/group-work.js";

/** Auto Scaling's query API version. */
export const AUTO_SCALING_API_VERSION = "2011-01-01";

/** Auto Scaling's IAM action prefix and its refusal of a denied call (AccessDenied, 403). */
const authorization = { prefix: "autoscaling", deny: asgErrors.accessDenied };

/** What Auto Scaling needs of the mock beyond what every query service does: its own work runs as the service. */
export interface AutoScalingWorld extends QueryServiceWorld {
  /** The service's own principal (its EC2 work runs as it, never denied by the caller's policies). */
  readonly servicePrincipal: Principal;
  /** Another Region of the mock, by name (for the EC2 context's cross-Region lookups). */
  regionNamed(name: string): Ec2Region | undefined;
}

/** The EC2 context the service acts in: never denied (the service's role acts, not the caller). */
function serviceEc2(world: AutoScalingWorld, region: Ec2Region, now: number): OperationContext {
  return { region, now, principal: world.servicePrincipal, authorize: () => {}, regionNamed: (name) => world.regionNamed(name) };
}

/** The reconciliation of a Region's groups, run at each of its catch-ups (the store's settler). */
export function autoScalingSettler(world: AutoScalingWorld, region: Ec2Region): (now: number) => void {
  return (now) => reconcileGroups({ region, now, authorize: () => {}, ec2: serviceEc2(world, region, now) });
}

/**
 * Auto Scaling over a mock's world: each call runs in its Region (the one
 * the client or the credential scope names), at the mock time of the call
 * (every group reconciled), as the principal its access key names, with
 * IAM's `autoscaling:*` actions.
 */
export function autoScalingService(world: AutoScalingWorld): QueryService {
  return {
    clientName: "AutoScalingClient",
    signingName: "autoscaling",
    apiVersion: AUTO_SCALING_API_VERSION,
    xmlNamespace: `http://autoscaling.amazonaws.com/doc/${AUTO_SCALING_API_VERSION}/`,
    serviceExceptionName: "AutoScalingServiceException",
    loadSdk: () => import("@aws-sdk/client-auto-scaling"),
    isAction: isAutoScalingAction,
    isMutating: isAutoScalingMutating,
    wireErrors: {
      missingAction: asgErrors.missingAction,
      invalidAction: asgErrors.invalidAction,
      refusal: refusalInAsgWords,
      internal: asgErrors.internal,
    },
    // The action list and its operations load on the first Auto Scaling call (../on-demand.ts, issue 22). The
    // reconciliation of groups (./operations/group-work.ts) stays loaded: it runs at every catch-up of a Region with
    // groups, synchronously, and a snapshot can bring groups back before any Auto Scaling call.
    dispatch: (action, input, accessKeyId, regionName) =>
      withLoaded(onDemand, ({ autoScaling: { autoScalingOperationOf } }) => {
        const operation = autoScalingOperationOf(action);
        if (operation === undefined) throw asgErrors.invalidAction(action, AUTO_SCALING_API_VERSION);
        const region = world.region(regionName);
        if (region === undefined) throw asgErrors.invalidClientTokenId();
        const now = world.catchUp();
        const principal = world.principal(accessKeyId);
        const authorize = world.authorizer(principal, now, region.settings, authorization);
        const ctx: AutoScalingContext = {
          region,
          now,
          authorize: (name, resources) =>
            authorize(
              name,
              resources.map((arn) => ({ arn, keys: {} })),
            ),
          ec2: serviceEc2(world, region, now),
        };
        return operation(ctx, input ?? {});
      }),
  };
}
