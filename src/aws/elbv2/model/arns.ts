/**
 * ELBv2's names: ARNs (`arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`),
 * DNS names and the canonical hosted zones of load balancers (API reference,
 * "TargetGroup", "LoadBalancer"; the Elastic Load Balancing endpoints page
 * of the AWS General Reference for the zones).
 */
import { hex, int } from "../../../kit/entropy.js";

/** Where a resource lives. */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

/** `arn:aws:elasticloadbalancing:REGION:ACCOUNT:` */
function prefix(scope: ArnScope): string {
  return `arn:aws:elasticloadbalancing:${scope.region}:${scope.accountId}:`;
}

/** 16 hex digits, the id part of every ELBv2 ARN. */
function hexId(): string {
  return hex(8);
}

/**
 * Whether a value is shaped as a target group's ARN:
 * `arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`
 * (split on `:` and `/`, no pattern: user input never meets a RegExp).
 */
export function isTargetGroupArn(value: string): boolean {
  const parts = value.split(":");
  if (parts.length !== 6 || parts[0] !== "arn" || parts[2] !== "elasticloadbalancing") return false;
  if (parts[1] === "" || parts[3] === "" || parts[4] === "") return false;
  const path = parts[5]!.split("/");
  return path.length === 3 && path[0] === "targetgroup" && path[1] !== "" && path[2] !== "";
}

/** A new target group's ARN. */
export function targetGroupArn(scope: ArnScope, name: string): string {
  return `${prefix(scope)}targetgroup/${name}/${hexId()}`;
}

/** The short type of a load balancer in its ARN: `app` or `net`. */
export function lbKind(type: "application" | "network"): "app" | "net" {
  return type === "application" ? "app" : "net";
}

/** A new load balancer's ARN. */
export function loadBalancerArn(scope: ArnScope, type: "application" | "network", name: string): string {
  return `${prefix(scope)}loadbalancer/${lbKind(type)}/${name}/${hexId()}`;
}

/** A new listener's ARN, under its load balancer's. */
export function listenerArn(loadBalancerArn: string): string {
  return `${loadBalancerArn.replace(":loadbalancer/", ":listener/")}/${hexId()}`;
}

/** `*` ARN of a resource type a call creates (IAM's resource for it): `…:targetgroup/NAME/*`. */
export function newArn(scope: ArnScope, path: string): string {
  return `${prefix(scope)}${path}/*`;
}

/**
 * A load balancer's DNS name: `NAME-DIGITS.REGION.elb.amazonaws.com` for an
 * Application Load Balancer, `NAME-HEX.elb.REGION.amazonaws.com` for a
 * Network Load Balancer; `internal-` first for an internal one.
 */
export function dnsName(region: string, type: "application" | "network", name: string, internal: boolean): string {
  const first = `${internal ? "internal-" : ""}${name}`;
  if (type === "application") return `${first}-${int(1_000_000_000, 2_000_000_000)}.${region}.elb.amazonaws.com`;
  return `${first}-${hexId()}.elb.${region}.amazonaws.com`;
}

/**
 * The Route 53 hosted zone of a Region's load balancers (AWS General
 * Reference, "Elastic Load Balancing endpoints and quotas"), for the Regions
 * listed; absent elsewhere (decision: not guessed).
 */
const hostedZones: Readonly<Record<string, { application: string; network: string }>> = {
  "us-east-1": { application: "Z35SXDOTRQ7X7K", network: "Z26RNL4JYFTOTI" },
  "us-east-2": { application: "Z3AADJGX6KTTL2", network: "ZLMOA37VPKANP" },
  "us-west-1": { application: "Z368ELLRRE2KJ0", network: "Z24FKFUX50B4VW" },
  "us-west-2": { application: "Z1H1FL5HABSF5", network: "Z18D5FSROUN65G" },
  "eu-west-1": { application: "Z32O12XQLNTSW2", network: "Z2IFOLAFXWLO4F" },
  "eu-central-1": { application: "Z215JYRZR1TBD5", network: "Z3F0SRJ5LGBH90" },
};

/** The canonical hosted zone of a load balancer, when the Region's is known. */
export function canonicalHostedZoneId(region: string, type: "application" | "network"): string | undefined {
  return hostedZones[region]?.[type];
}
