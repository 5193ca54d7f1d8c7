/**
 * Target groups: CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup,
 * DeleteTargetGroup, DescribeTargetGroupAttributes,
 * ModifyTargetGroupAttributes (API reference, each action's page; rules and
 * sources in docs/behaviour.md, "Elastic Load Balancing v2").
 */
import type {
  CreateTargetGroupCommandInput,
  CreateTargetGroupCommandOutput,
  DeleteTargetGroupCommandInput,
  DeleteTargetGroupCommandOutput,
  DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupAttributesCommandOutput,
  DescribeTargetGroupsCommandInput,
  DescribeTargetGroupsCommandOutput,
  ModifyTargetGroupAttributesCommandInput,
  ModifyTargetGroupAttributesCommandOutput,
  ModifyTargetGroupCommandInput,
  ModifyTargetGroupCommandOutput,
  TargetGroup as SdkTargetGroup,
  TargetGroupAttribute,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ElbContext, ElbOperation } from "../context.js";
import { elbErrors } from "../errors.js";
import { isTargetGroupArn, newArn, targetGroupArn } from "../model/arns.js";
import type { TargetGroup } from "../model/store.js";
import { checkName, checkRange, page, readTags, refuseUnmodelled, resourceOf, scopeOf } from "./common.js";

/** The protocols the mock models for target groups (GENEVE, QUIC and TCP_QUIC are refused by name). */
const PROTOCOLS = new Set(["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"]);
/** The protocols a health check may use (API reference: TLS, UDP, TCP_UDP, GENEVE, QUIC are not supported for health checks). */
const HEALTH_CHECK_PROTOCOLS = new Set(["HTTP", "HTTPS", "TCP"]);
const isHttp = (protocol: string): boolean => protocol === "HTTP" || protocol === "HTTPS";

/** A target group as the SDK shows it. */
export function renderTargetGroup(ctx: ElbContext, group: TargetGroup): SdkTargetGroup {
  return {
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol as SdkTargetGroup["Protocol"],
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: group.healthCheckProtocol as SdkTargetGroup["HealthCheckProtocol"],
    HealthCheckPort: group.healthCheckPort,
    HealthCheckEnabled: group.healthCheckEnabled,
    HealthCheckIntervalSeconds: group.healthCheckIntervalSeconds,
    HealthCheckTimeoutSeconds: group.healthCheckTimeoutSeconds,
    HealthyThresholdCount: group.healthyThresholdCount,
    UnhealthyThresholdCount: group.unhealthyThresholdCount,
    ...(group.healthCheckPath !== undefined && { HealthCheckPath: group.healthCheckPath }),
    ...(group.matcher !== undefined && { Matcher: { HttpCode: group.matcher } }),
    LoadBalancerArns: ctx.region.elbv2.loadBalancersOf(group.arn),
    TargetType: group.targetType,
    ...(group.protocolVersion !== undefined && { ProtocolVersion: group.protocolVersion }),
    IpAddressType: group.ipAddressType as SdkTargetGroup["IpAddressType"],
  };
}

/** The target group an ARN names, or TargetGroupNotFound. */
export function targetGroupOf(ctx: ElbContext, arn: string | undefined): TargetGroup {
  if (arn === undefined || arn === "") throw elbErrors.validation("A target group ARN must be specified");
  if (!isTargetGroupArn(arn)) throw elbErrors.invalidTargetGroupArn(arn);
  const group = ctx.region.elbv2.targetGroups.get(arn);
  if (group === undefined) throw elbErrors.targetGroupNotFound(arn);
  return group;
}

/** Health check settings, as a request gives them (Create and Modify). */
interface HealthCheckInput {
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckPath?: string;
  HealthCheckEnabled?: boolean;
  HealthCheckIntervalSeconds?: number;
  HealthCheckTimeoutSeconds?: number;
  HealthyThresholdCount?: number;
  UnhealthyThresholdCount?: number;
  Matcher?: { HttpCode?: string; GrpcCode?: string };
}

/** The health check fields of a group. */
type HealthCheck = Pick<
  TargetGroup,
  | "healthCheckEnabled"
  | "healthCheckProtocol"
  | "healthCheckPort"
  | "healthCheckPath"
  | "healthCheckIntervalSeconds"
  | "healthCheckTimeoutSeconds"
  | "healthyThresholdCount"
  | "unhealthyThresholdCount"
  | "matcher"
>;

/** HTTP matcher codes: `200`, `200,202`, `200-299`, each from 200 to 499 (API reference, Matcher). */
const MATCHER = /^[0-9]{3}(?:-[0-9]{3})?(?:,[0-9]{3}(?:-[0-9]{3})?)*$/;

/**
 * The health check a request asks for over `base` (a new group's defaults,
 * or a group's current settings), checked: ranges (interval 5–300, timeout
 * 2–120, thresholds 2–10), the timeout below the interval, the protocol, the
 * port, the path and the matcher; instance target groups cannot disable them.
 */
function readHealthCheck(action: string, input: HealthCheckInput, base: HealthCheck, protocol: string): HealthCheck {
  checkRange("Health check interval", input.HealthCheckIntervalSeconds, 5, 300);
  checkRange("Health check timeout", input.HealthCheckTimeoutSeconds, 2, 120);
  checkRange("Healthy threshold count", input.HealthyThresholdCount, 2, 10);
  checkRange("Unhealthy threshold count", input.UnhealthyThresholdCount, 2, 10);
  if (input.HealthCheckEnabled === false) {
    throw elbErrors.validation("Health checks cannot be disabled for target groups with target type 'instance'");
  }
  const hcProtocol = input.HealthCheckProtocol ?? base.healthCheckProtocol;
  if (!HEALTH_CHECK_PROTOCOLS.has(hcProtocol)) throw elbErrors.validation(`Health check protocol '${hcProtocol}' is not supported`);
  if (isHttp(protocol) && hcProtocol === "TCP") {
    throw elbErrors.validation(`Health check protocol 'TCP' is not supported for target groups with the protocol '${protocol}'`);
  }
  const port = input.HealthCheckPort ?? base.healthCheckPort;
  if (port !== "traffic-port" && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw elbErrors.validation("Health check port must be either 'traffic-port' or a number between 1 and 65535");
  }
  const httpCheck = isHttp(hcProtocol);
  if (!httpCheck && (input.HealthCheckPath !== undefined || input.Matcher !== undefined)) {
    throw elbErrors.validation(`Health check path and matcher are not supported for health checks with the protocol '${hcProtocol}'`);
  }
  const path = httpCheck ? (input.HealthCheckPath ?? base.healthCheckPath ?? "/") : undefined;
  if (path !== undefined && (!path.startsWith("/") || path.length > 1024)) {
    throw elbErrors.validation("Health check path must begin with '/' and be at most 1024 characters");
  }
  if (input.Matcher?.GrpcCode !== undefined) throw elbErrors.unmodelledParameter(action, "Matcher.GrpcCode");
  const matcher = httpCheck ? (input.Matcher?.HttpCode ?? base.matcher ?? "200") : undefined;
  if (matcher !== undefined && !MATCHER.test(matcher)) throw elbErrors.validation(`Invalid matcher HTTP code '${matcher}'`);
  const interval = input.HealthCheckIntervalSeconds ?? base.healthCheckIntervalSeconds;
  const timeout = input.HealthCheckTimeoutSeconds ?? base.healthCheckTimeoutSeconds;
  if (timeout >= interval) throw elbErrors.validation("Health check interval must be greater than the timeout.");
  return {
    healthCheckEnabled: true,
    healthCheckProtocol: hcProtocol,
    healthCheckPort: port,
    healthCheckPath: path,
    healthCheckIntervalSeconds: interval,
    healthCheckTimeoutSeconds: timeout,
    healthyThresholdCount: input.HealthyThresholdCount ?? base.healthyThresholdCount,
    unhealthyThresholdCount: input.UnhealthyThresholdCount ?? base.unhealthyThresholdCount,
    matcher,
  };
}

/**
 * A new group's defaults by protocol (API reference, CreateTargetGroup):
 * interval 30 s; timeout 6 s for HTTP, 10 s for the others; 5 healthy and 2
 * unhealthy checks; HTTP(S) groups check with their own protocol on `/`
 * expecting 200, the others with TCP.
 */
function defaultHealthCheck(protocol: string): HealthCheck {
  return {
    healthCheckEnabled: true,
    healthCheckProtocol: isHttp(protocol) ? protocol : "TCP",
    healthCheckPort: "traffic-port",
    healthCheckPath: undefined,
    healthCheckIntervalSeconds: 30,
    healthCheckTimeoutSeconds: protocol === "HTTP" ? 6 : 10,
    healthyThresholdCount: 5,
    unhealthyThresholdCount: 2,
    matcher: undefined,
  };
}

/** The attributes of a new instance target group, as DescribeTargetGroupAttributes shows them (API reference, TargetGroupAttribute). */
function defaultAttributes(protocol: string): Map<string, string> {
  const common: [string, string][] = [
    ["deregistration_delay.timeout_seconds", "300"],
    ["stickiness.enabled", "false"],
    ["stickiness.type", isHttp(protocol) ? "lb_cookie" : "source_ip"],
  ];
  if (isHttp(protocol)) {
    return new Map([
      ...common,
      ["stickiness.lb_cookie.duration_seconds", "86400"],
      ["slow_start.duration_seconds", "0"],
      ["load_balancing.algorithm.type", "round_robin"],
    ]);
  }
  return new Map([
    ...common,
    ["deregistration_delay.connection_termination.enabled", "false"],
    ["preserve_client_ip.enabled", "true"],
    ["proxy_protocol_v2.enabled", "false"],
  ]);
}

/** CreateTargetGroup: an instance target group (same name, same settings: the existing group, as the action is idempotent). */
export const createTargetGroup: ElbOperation<CreateTargetGroupCommandInput, CreateTargetGroupCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateTargetGroup", input, [
    "Name",
    "Protocol",
    "ProtocolVersion",
    "Port",
    "VpcId",
    "HealthCheckProtocol",
    "HealthCheckPort",
    "HealthCheckEnabled",
    "HealthCheckPath",
    "HealthCheckIntervalSeconds",
    "HealthCheckTimeoutSeconds",
    "HealthyThresholdCount",
    "UnhealthyThresholdCount",
    "Matcher",
    "TargetType",
    "Tags",
    "IpAddressType",
  ]);
  // 1. Parameters.
  const name = input.Name;
  if (name === undefined) throw elbErrors.validation("A target group name must be specified");
  checkName("Target group", name);
  const targetType = input.TargetType ?? "instance";
  if (targetType !== "instance") throw elbErrors.unmodelledValue("CreateTargetGroup", "TargetType", targetType);
  const protocol = input.Protocol;
  if (protocol === undefined) throw elbErrors.validation("A protocol must be specified");
  if (!PROTOCOLS.has(protocol)) throw elbErrors.unmodelledValue("CreateTargetGroup", "Protocol", protocol);
  if (input.Port === undefined) throw elbErrors.validation("A port must be specified");
  checkRange("Port", input.Port, 1, 65535);
  if (input.VpcId === undefined || input.VpcId === "") throw elbErrors.validation("A VPC ID must be specified");
  const ipAddressType = input.IpAddressType ?? "ipv4";
  if (ipAddressType !== "ipv4") throw elbErrors.unmodelledValue("CreateTargetGroup", "IpAddressType", ipAddressType);
  if (input.ProtocolVersion !== undefined && !isHttp(protocol)) {
    throw elbErrors.validation(`Protocol version is not supported for target groups with the protocol '${protocol}'`);
  }
  const protocolVersion = isHttp(protocol) ? (input.ProtocolVersion ?? "HTTP1") : undefined;
  if (protocolVersion !== undefined && protocolVersion !== "HTTP1" && protocolVersion !== "HTTP2" && protocolVersion !== "GRPC") {
    throw elbErrors.validation(`Protocol version '${protocolVersion}' is not valid`);
  }
  const healthCheck = readHealthCheck("CreateTargetGroup", input, defaultHealthCheck(protocol), protocol);
  const tags = readTags(input.Tags);
  // 2. Existence: the VPC.
  if (ctx.region.network.vpc(input.VpcId) === undefined) throw elbErrors.validation(`The VPC ID '${input.VpcId}' is not found`);
  // 3. Authorization.
  const scope = scopeOf(ctx);
  ctx.authorize("CreateTargetGroup", [{ arn: newArn(scope, `targetgroup/${name}`) }]);
  // 4. State rules: the name is free, or names a group of the very same settings.
  const fields = {
    protocol,
    port: input.Port,
    vpcId: input.VpcId,
    protocolVersion,
    targetType: "instance" as const,
    ipAddressType,
    ...healthCheck,
  };
  const existing = ctx.region.elbv2.targetGroupNamed(name);
  if (existing !== undefined) {
    const same = (Object.keys(fields) as (keyof typeof fields)[]).every((key) => existing[key] === fields[key]);
    if (!same) throw elbErrors.duplicateTargetGroupName(name);
    return { TargetGroups: [renderTargetGroup(ctx, existing)] };
  }
  // 5. The effect.
  const group: TargetGroup = {
    arn: targetGroupArn(scope, name),
    name,
    ...fields,
    createdAt: ctx.now,
    attributes: defaultAttributes(protocol),
    tags,
    targets: [],
  };
  ctx.region.elbv2.targetGroups.set(group.arn, group);
  return { TargetGroups: [renderTargetGroup(ctx, group)] };
};

/** DescribeTargetGroups: all, or by ARN, name or load balancer (one of the three), paged. */
export const describeTargetGroups: ElbOperation<DescribeTargetGroupsCommandInput, DescribeTargetGroupsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeTargetGroups", input, ["LoadBalancerArn", "TargetGroupArns", "Names", "Marker", "PageSize"]);
  const arns = input.TargetGroupArns ?? [];
  const names = input.Names ?? [];
  const given = [input.LoadBalancerArn !== undefined, arns.length > 0, names.length > 0].filter(Boolean).length;
  if (given > 1) throw elbErrors.validation("Only one of the following can be specified: LoadBalancerArn, TargetGroupArns, Names");
  const store = ctx.region.elbv2;
  let groups: TargetGroup[];
  if (arns.length > 0 || names.length > 0) {
    const malformed = arns.find((arn) => !isTargetGroupArn(arn));
    if (malformed !== undefined) throw elbErrors.invalidTargetGroupArn(malformed);
    const found = arns.length > 0 ? arns.map((arn) => store.targetGroups.get(arn)) : names.map((name) => store.targetGroupNamed(name));
    if (found.includes(undefined)) throw elbErrors.targetGroupsNotFound();
    groups = found as TargetGroup[];
  } else if (input.LoadBalancerArn !== undefined) {
    if (!store.loadBalancers.has(input.LoadBalancerArn)) throw elbErrors.loadBalancerNotFound(input.LoadBalancerArn);
    const forwarded = new Set(store.listenersOf(input.LoadBalancerArn).map((l) => l.targetGroupArn));
    groups = [...store.targetGroups.values()].filter((g) => forwarded.has(g.arn));
  } else {
    groups = [...store.targetGroups.values()];
  }
  ctx.authorize("DescribeTargetGroups", []);
  const { items, next } = page([...new Set(groups)], input.Marker, input.PageSize);
  return { TargetGroups: items.map((g) => renderTargetGroup(ctx, g)), ...(next !== undefined && { NextMarker: next }) };
};

/** ModifyTargetGroup: the health check settings. */
export const modifyTargetGroup: ElbOperation<ModifyTargetGroupCommandInput, ModifyTargetGroupCommandOutput> = (ctx, input) => {
  refuseUnmodelled("ModifyTargetGroup", input, [
    "TargetGroupArn",
    "HealthCheckProtocol",
    "HealthCheckPort",
    "HealthCheckPath",
    "HealthCheckEnabled",
    "HealthCheckIntervalSeconds",
    "HealthCheckTimeoutSeconds",
    "HealthyThresholdCount",
    "UnhealthyThresholdCount",
    "Matcher",
  ]);
  const group = targetGroupOf(ctx, input.TargetGroupArn);
  const healthCheck = readHealthCheck("ModifyTargetGroup", input, group, group.protocol);
  ctx.authorize("ModifyTargetGroup", [resourceOf(group.arn, group.tags)]);
  Object.assign(group, healthCheck);
  return { TargetGroups: [renderTargetGroup(ctx, group)] };
};

/** DeleteTargetGroup: refused while a listener forwards to it (ResourceInUse); its registrations go with it. */
export const deleteTargetGroup: ElbOperation<DeleteTargetGroupCommandInput, DeleteTargetGroupCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeleteTargetGroup", input, ["TargetGroupArn"]);
  const group = targetGroupOf(ctx, input.TargetGroupArn);
  ctx.authorize("DeleteTargetGroup", [resourceOf(group.arn, group.tags)]);
  if (ctx.region.elbv2.listenersForwardingTo(group.arn).length > 0) throw elbErrors.targetGroupInUse(group.arn);
  ctx.region.elbv2.targetGroups.delete(group.arn);
  return {};
};

/** DescribeTargetGroupAttributes: every attribute of the group, as strings. */
export const describeTargetGroupAttributes: ElbOperation<
  DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupAttributesCommandOutput
> = (ctx, input) => {
  refuseUnmodelled("DescribeTargetGroupAttributes", input, ["TargetGroupArn"]);
  const group = targetGroupOf(ctx, input.TargetGroupArn);
  ctx.authorize("DescribeTargetGroupAttributes", []);
  return { Attributes: attributeList(group) };
};

function attributeList(group: TargetGroup): TargetGroupAttribute[] {
  return [...group.attributes].map(([Key, Value]) => ({ Key, Value }));
}

/** The attributes the mock checks and keeps, with the check of each value (API reference, TargetGroupAttribute). */
const attributeRules: Readonly<Record<string, (value: string) => boolean>> = {
  "deregistration_delay.timeout_seconds": (v) => /^[0-9]{1,4}$/.test(v) && Number(v) <= 3600,
  "stickiness.enabled": (v) => v === "true" || v === "false",
  "stickiness.type": (v) => ["lb_cookie", "app_cookie", "source_ip", "source_ip_dest_ip", "source_ip_dest_ip_proto"].includes(v),
  "stickiness.lb_cookie.duration_seconds": (v) => /^[0-9]{1,6}$/.test(v) && Number(v) >= 1 && Number(v) <= 604800,
  "slow_start.duration_seconds": (v) => /^[0-9]{1,3}$/.test(v) && (Number(v) === 0 || (Number(v) >= 30 && Number(v) <= 900)),
  "load_balancing.algorithm.type": (v) => ["round_robin", "least_outstanding_requests", "weighted_random"].includes(v),
  "deregistration_delay.connection_termination.enabled": (v) => v === "true" || v === "false",
  "preserve_client_ip.enabled": (v) => v === "true" || v === "false",
  "proxy_protocol_v2.enabled": (v) => v === "true" || v === "false",
};

/**
 * ModifyTargetGroupAttributes: the attributes the group has (its protocol's
 * set), each value checked; an unknown key or one of another protocol is
 * ValidationError; the whole call is checked before anything changes.
 */
export const modifyTargetGroupAttributes: ElbOperation<
  ModifyTargetGroupAttributesCommandInput,
  ModifyTargetGroupAttributesCommandOutput
> = (ctx, input) => {
  refuseUnmodelled("ModifyTargetGroupAttributes", input, ["TargetGroupArn", "Attributes"]);
  if ((input.Attributes ?? []).length === 0) throw elbErrors.validation("At least one attribute must be specified");
  const group = targetGroupOf(ctx, input.TargetGroupArn);
  const changes = new Map<string, string>();
  for (const { Key: key, Value: value } of input.Attributes ?? []) {
    if (key === undefined || !group.attributes.has(key))
      throw elbErrors.validation(`Target group attribute key '${key ?? ""}' is not recognized`);
    const rule = attributeRules[key];
    if (value === undefined || (rule !== undefined && !rule(value))) {
      throw elbErrors.validation(`'${value ?? ""}' is not a valid value for the target group attribute '${key}'`);
    }
    changes.set(key, value);
  }
  ctx.authorize("ModifyTargetGroupAttributes", [resourceOf(group.arn, group.tags)]);
  for (const [key, value] of changes) group.attributes.set(key, value);
  return { Attributes: attributeList(group) };
};
