/**
 * Elastic Load Balancing v2 as one query service of the mock
 * (src/aws/query-service.ts): its names, its action list, its wire errors,
 * and its single entry over the mock's Regions and clock.
 */
import { withLoaded } from "../../kit/lazy.js";
import { onDemand } from "../on-demand-loader.js";
import type { QueryService, QueryServiceWorld } from "../query-service.js";
import { isElbv2Action, isElbv2Mutating } from "./action-names.js";
import type { ElbContext } from "./context.js";
import { elbErrors, refusalInElbWords } from "./errors.js";

/** ELBv2's query API version. */
export const ELBV2_API_VERSION = "2015-12-01";

/** ELBv2's IAM action prefix and its refusal of a denied call. */
const authorization = { prefix: "elasticloadbalancing", deny: elbErrors.accessDenied };

/**
 * ELBv2 over a mock's world: each call runs in its Region (the one the
 * client or the credential scope names), at the mock time of the call, as
 * the principal its access key names, with IAM's `elasticloadbalancing:*`
 * actions.
 */
export function elbv2Service(world: QueryServiceWorld): QueryService {
  return {
    clientName: "ElasticLoadBalancingV2Client",
    signingName: "elasticloadbalancing",
    apiVersion: ELBV2_API_VERSION,
    xmlNamespace: `http://elasticloadbalancing.amazonaws.com/doc/${ELBV2_API_VERSION}/`,
    serviceExceptionName: "ElasticLoadBalancingV2ServiceException",
    loadSdk: () => import("@aws-sdk/client-elastic-load-balancing-v2"),
    isAction: isElbv2Action,
    isMutating: isElbv2Mutating,
    wireErrors: {
      missingAction: elbErrors.missingAction,
      invalidAction: elbErrors.invalidAction,
      refusal: refusalInElbWords,
      internal: elbErrors.internal,
    },
    // The action list and its operations load on the first ELBv2 call (../on-demand.ts, issue 22).
    dispatch: (action, input, accessKeyId, regionName) =>
      withLoaded(onDemand, ({ elbv2: { elbv2OperationOf } }) => {
        const operation = elbv2OperationOf(action);
        if (operation === undefined) throw elbErrors.invalidAction(action, ELBV2_API_VERSION);
        const region = world.region(regionName);
        if (region === undefined) throw elbErrors.invalidClientTokenId();
        const now = world.catchUp();
        const principal = world.principal(accessKeyId);
        const authorize = world.authorizer(principal, now, region.settings, authorization);
        const ctx: ElbContext = {
          region,
          now,
          principal,
          authorize: (name, resources) =>
            authorize(
              name,
              resources.map((r) => ({ arn: r.arn, keys: r.keys ?? {} })),
            ),
        };
        return operation(ctx, input ?? {});
      }),
  };
}
