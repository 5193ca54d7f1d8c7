/**
 * Authorization of every EC2 call: builds IAM's request context for each
 * resource an operation touches and evaluates the caller's identity
 * policies. With no policy configured anywhere, nothing is evaluated.
 */
import { createHash } from "node:crypto";
import type { AuthResource, AuthTarget, OperationContext } from "../ec2/context.js";
import { errors } from "../ec2/errors.js";
import type { RegionSettings } from "../ec2/region.js";
import { addKey, type ContextKey, type Decision, evaluate, type RequestContext, validatePolicy } from "./evaluate.js";
import { type DecodedAuthorizationMessage, type DecodedStatement, encodeAuthorizationMessage, type ItemValue } from "./message.js";
import type { Principal, Principals } from "./principals.js";
import { instanceResource } from "./resources.js";

/** The signature of `OperationContext.authorize`. */
export type Authorize = OperationContext["authorize"];

const allowAll: Authorize = () => {};

/** A stable IAM-style unique id for a principal (`AIDA…` for users, `AROA…` for roles). */
export function principalId(principal: Principal): string {
  const prefix = /:(?:role|assumed-role)\//.test(principal.arn) ? "AROA" : "AIDA";
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const digest = createHash("sha256").update(principal.arn).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! % 32];
  return id;
}

/** `aws:PrincipalType` for an ARN. */
function principalType(arn: string): string {
  if (arn.includes(":assumed-role/")) return "AssumedRole";
  if (arn.endsWith(":root")) return "Account";
  if (arn.includes(":federated-user/")) return "FederatedUser";
  return "User";
}

function isResource(target: AuthTarget): target is AuthResource {
  return "arn" in target;
}

function values(list: readonly string[]): { items: ItemValue[] } {
  return { items: list.map((value) => ({ value })) };
}

/** A matched statement as the decoded message shows it. */
function decodedStatement(principal: string, decision: Decision, index: number): DecodedStatement {
  const { statement, policyIndex, statementIndex } = decision.matched[index]!;
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, block]) =>
    Object.entries(block).map(([key, v]) => ({
      key: `${operator}:${key}`,
      values: values((Array.isArray(v) ? v : [v]).map(String)),
    })),
  );
  return {
    statementId: statement.Sid ?? `policy${policyIndex + 1}-statement${statementIndex + 1}`,
    effect: statement.Effect === "Deny" ? "DENY" : "ALLOW",
    principals: values([principal]),
    principalGroups: { items: [] },
    actions: values(list(statement.Action ?? statement.NotAction)),
    resources: values(list(statement.Resource ?? statement.NotResource)),
    conditions: { items: conditions },
  };
}

/** The decoded failure message of a denied request. */
function failureMessage(principal: Principal, request: RequestContext, decision: Decision): DecodedAuthorizationMessage {
  const id = principalId(principal);
  return {
    allowed: false,
    explicitDeny: decision.explicitDeny,
    matchedStatements: { items: decision.matched.map((_, i) => decodedStatement(id, decision, i)) },
    failures: { items: [] },
    context: {
      principal: { id, arn: principal.arn },
      action: request.action,
      resource: request.resource,
      conditions: {
        items: [...request.keys.values()].map((key: ContextKey) => ({ key: key.name, values: values(key.values) })),
      },
    },
  };
}

/**
 * The service an authorization is for: its IAM prefix (`ec2`, `autoscaling`)
 * and the error it denies with, built from the decision (EC2's
 * UnauthorizedOperation with its encoded message, Auto Scaling's AccessDenied).
 */
export interface AuthorizedService {
  /** The action prefix (`autoscaling` for `autoscaling:CreateAutoScalingGroup`). */
  readonly prefix: string;
  /** The error of a denied request: `action` is prefixed, `resource` the ARN denied. */
  denied(principal: Principal, action: string, resource: string, explicitDeny: boolean): Error;
}

/**
 * Builds the authorizer of one mock. `forCall(principal, now, settings)` returns the
 * `authorize` of one call's context in the Region of `settings`: a shared no-op while no policy is
 * configured, else one that evaluates each resource and throws
 * UnauthorizedOperation, with an encoded failure message, at the first
 * resource denied (so a batch fails whole, before anything changes).
 */
export function createAuthorizer(principals: Principals): {
  forCall(principal: Principal, now: number, settings: RegionSettings, service?: AuthorizedService): Authorize;
} {
  if (!principals.enforced) return { forCall: () => allowAll };
  for (const principal of principals.all()) {
    // Refused at createEc2Mock, as IAM refuses a malformed policy, so evaluation can trust the shapes.
    principal.policies.forEach((policy, i) => {
      validatePolicy(policy, `iam: policy ${i + 1} of principal "${principal.name}"`);
    });
  }
  return {
    forCall(principal, now, settings, service) {
      return (action, targets, request) => {
        const global = new Map<string, ContextKey>();
        const accountId = settings.accountId;
        const user = /:user\/(?:.*\/)?([^/]+)$/.exec(principal.arn)?.[1];
        addKey(global, "aws:PrincipalArn", principal.arn);
        addKey(global, "aws:PrincipalAccount", accountId);
        addKey(global, "aws:PrincipalType", principalType(principal.arn));
        addKey(global, "aws:userid", principalId(principal));
        addKey(global, "aws:username", user);
        addKey(global, "aws:RequestedRegion", settings.region);
        addKey(global, "ec2:Region", settings.region);
        addKey(global, "aws:CurrentTime", new Date(now).toISOString());
        addKey(global, "aws:EpochTime", String(Math.floor(now / 1000)));
        const resources: AuthResource[] =
          targets.length === 0 ? [{ arn: "*", keys: {} }] : targets.map((t) => (isResource(t) ? t : instanceResource(settings, t)));
        for (const resource of resources) {
          const keys = new Map<string, ContextKey>();
          for (const [name, value] of Object.entries(resource.keys)) addKey(keys, name, value);
          for (const [name, value] of Object.entries(request?.keys ?? {})) addKey(keys, name, value);
          const requestTags = resource.requestTags ?? request?.requestTags;
          if (requestTags !== undefined) {
            for (const [key, value] of requestTags) addKey(keys, `aws:RequestTag/${key}`, value);
            addKey(keys, "aws:TagKeys", request?.tagKeys ?? [...requestTags.keys()]);
          } else if (request?.tagKeys !== undefined) {
            addKey(keys, "aws:TagKeys", request.tagKeys);
          }
          for (const [lower, key] of global) if (!keys.has(lower)) keys.set(lower, key);
          const context: RequestContext = { action: `${service?.prefix ?? "ec2"}:${action}`, resource: resource.arn, keys };
          const decision = evaluate(principal.policies, context);
          if (!decision.allowed && service !== undefined)
            throw service.denied(principal, context.action, resource.arn, decision.explicitDeny);
          if (!decision.allowed) throw errors.unauthorized(encodeAuthorizationMessage(failureMessage(principal, context, decision)));
        }
      };
    },
  };
}
