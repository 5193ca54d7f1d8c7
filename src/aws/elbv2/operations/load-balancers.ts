/**
 * Load balancers and listeners, as far as target groups need them:
 * CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer,
 * CreateListener, DescribeListeners, DeleteListener. No traffic is modelled.
 */
import type {
  CreateListenerCommandInput,
  CreateListenerCommandOutput,
  CreateLoadBalancerCommandInput,
  CreateLoadBalancerCommandOutput,
  DeleteListenerCommandInput,
  DeleteListenerCommandOutput,
  DeleteLoadBalancerCommandInput,
  DeleteLoadBalancerCommandOutput,
  DescribeListenersCommandInput,
  DescribeListenersCommandOutput,
  DescribeLoadBalancersCommandInput,
  DescribeLoadBalancersCommandOutput,
  Listener as SdkListener,
  LoadBalancer as SdkLoadBalancer,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ElbContext, ElbOperation } from "../context.js";
import { elbErrors } from "../errors.js";
import { canonicalHostedZoneId, dnsName, listenerArn, loadBalancerArn, newArn } from "../model/arns.js";
import type { Listener, LoadBalancer } from "../model/store.js";
import { checkName, checkRange, page, readTags, refuseUnmodelled, resourceOf, scopeOf } from "./common.js";

/** A load balancer as the SDK shows it (`active` from its creation: decision, no provisioning is modelled). */
export function renderLoadBalancer(ctx: ElbContext, lb: LoadBalancer): SdkLoadBalancer {
  const zone = canonicalHostedZoneId(ctx.region.settings.region, lb.type);
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    ...(zone !== undefined && { CanonicalHostedZoneId: zone }),
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: "active" },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s) => ({ ZoneName: s.zone, SubnetId: s.subnetId, LoadBalancerAddresses: [] })),
    ...(lb.securityGroups.length > 0 && { SecurityGroups: [...lb.securityGroups] }),
    IpAddressType: lb.ipAddressType as SdkLoadBalancer["IpAddressType"],
  };
}

/** A listener as the SDK shows it: its one default `forward` action. */
export function renderListener(listener: Listener): SdkListener {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol as SdkListener["Protocol"],
    DefaultActions: [
      {
        Type: "forward",
        TargetGroupArn: listener.targetGroupArn,
        ForwardConfig: {
          TargetGroups: [{ TargetGroupArn: listener.targetGroupArn, Weight: 1 }],
          TargetGroupStickinessConfig: { Enabled: false },
        },
      },
    ],
  };
}

/** The load balancer an ARN names, or LoadBalancerNotFound. */
function loadBalancerOf(ctx: ElbContext, arn: string | undefined): LoadBalancer {
  if (arn === undefined || arn === "") throw elbErrors.validation("A load balancer ARN must be specified");
  const lb = ctx.region.elbv2.loadBalancers.get(arn);
  if (lb === undefined) throw elbErrors.loadBalancerNotFound(arn);
  return lb;
}

/**
 * CreateLoadBalancer: an Application (default) or Network Load Balancer in
 * the subnets given (EC2's subnets of this Region, one VPC, at most one per
 * zone; an Application Load Balancer needs two zones at least). Same name,
 * same settings: the existing load balancer (the action is idempotent).
 */
export const createLoadBalancer: ElbOperation<CreateLoadBalancerCommandInput, CreateLoadBalancerCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateLoadBalancer", input, ["Name", "Subnets", "SecurityGroups", "Scheme", "Tags", "Type", "IpAddressType"]);
  const name = input.Name;
  if (name === undefined) throw elbErrors.validation("A load balancer name must be specified");
  checkName("Load balancer", name);
  if (name.startsWith("internal-")) throw elbErrors.validation(`Load balancer name '${name}' cannot begin with 'internal-'`);
  const type = input.Type ?? "application";
  if (type !== "application" && type !== "network") throw elbErrors.unmodelledValue("CreateLoadBalancer", "Type", type);
  const scheme = input.Scheme ?? "internet-facing";
  const ipAddressType = input.IpAddressType ?? "ipv4";
  if (ipAddressType !== "ipv4") throw elbErrors.unmodelledValue("CreateLoadBalancer", "IpAddressType", ipAddressType);
  const subnetIds = input.Subnets ?? [];
  if (subnetIds.length === 0) throw elbErrors.validation("At least one subnet must be specified");
  const tags = readTags(input.Tags);
  // Existence: every subnet, then the security groups.
  const network = ctx.region.network;
  const subnets = subnetIds.map((id) => {
    const subnet = network.subnet(id);
    if (subnet === undefined) throw elbErrors.subnetNotFound(id);
    return subnet;
  });
  const vpcId = subnets[0]!.vpcId;
  if (subnets.some((s) => s.vpcId !== vpcId)) throw elbErrors.invalidConfiguration("All subnets must belong to the same VPC");
  const zones = new Set(subnets.map((s) => s.availabilityZone));
  if (zones.size < subnets.length) {
    throw elbErrors.invalidConfiguration("A load balancer cannot be attached to multiple subnets in the same Availability Zone");
  }
  if (type === "application" && zones.size < 2) {
    throw elbErrors.validation("At least two subnets in two different Availability Zones must be specified");
  }
  const groups = ctx.region.securityGroups;
  for (const id of input.SecurityGroups ?? []) {
    const group = groups.get(id);
    if (group === undefined || group.vpcId !== vpcId) throw elbErrors.invalidSecurityGroup(id);
  }
  const securityGroups =
    (input.SecurityGroups ?? []).length > 0
      ? [...new Set(input.SecurityGroups)]
      : type === "application"
        ? [groups.defaultOf(vpcId)!.groupId]
        : [];
  const scope = scopeOf(ctx);
  ctx.authorize("CreateLoadBalancer", [{ arn: newArn(scope, `loadbalancer/${type === "application" ? "app" : "net"}/${name}`) }]);
  const existing = ctx.region.elbv2.loadBalancerNamed(name);
  if (existing !== undefined) {
    const same =
      existing.type === type &&
      existing.scheme === scheme &&
      existing.subnets.map((s) => s.subnetId).join() === subnetIds.join() &&
      existing.securityGroups.join() === securityGroups.join();
    if (!same) throw elbErrors.duplicateLoadBalancerName(name);
    return { LoadBalancers: [renderLoadBalancer(ctx, existing)] };
  }
  const lb: LoadBalancer = {
    arn: loadBalancerArn(scope, type, name),
    name,
    type,
    scheme,
    vpcId,
    subnets: subnets.map((s) => ({ subnetId: s.subnetId, zone: s.availabilityZone })),
    securityGroups,
    ipAddressType,
    dnsName: dnsName(scope.region, type, name, scheme === "internal"),
    createdAt: ctx.now,
    tags,
  };
  ctx.region.elbv2.loadBalancers.set(lb.arn, lb);
  return { LoadBalancers: [renderLoadBalancer(ctx, lb)] };
};

/** DescribeLoadBalancers: all, or by ARN or by name (not both), paged. */
export const describeLoadBalancers: ElbOperation<DescribeLoadBalancersCommandInput, DescribeLoadBalancersCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeLoadBalancers", input, ["LoadBalancerArns", "Names", "Marker", "PageSize"]);
  const arns = input.LoadBalancerArns ?? [];
  const names = input.Names ?? [];
  if (arns.length > 0 && names.length > 0)
    throw elbErrors.validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
  const store = ctx.region.elbv2;
  let lbs: (LoadBalancer | undefined)[] = [...store.loadBalancers.values()];
  if (arns.length > 0) lbs = arns.map((arn) => store.loadBalancers.get(arn));
  else if (names.length > 0) lbs = names.map((name) => store.loadBalancerNamed(name));
  if (lbs.includes(undefined)) throw elbErrors.loadBalancersNotFound();
  ctx.authorize("DescribeLoadBalancers", []);
  const { items, next } = page([...new Set(lbs as LoadBalancer[])], input.Marker, input.PageSize);
  return { LoadBalancers: items.map((lb) => renderLoadBalancer(ctx, lb)), ...(next !== undefined && { NextMarker: next }) };
};

/** DeleteLoadBalancer: the load balancer and its listeners (its target groups stay, now unused). */
export const deleteLoadBalancer: ElbOperation<DeleteLoadBalancerCommandInput, DeleteLoadBalancerCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeleteLoadBalancer", input, ["LoadBalancerArn"]);
  const lb = loadBalancerOf(ctx, input.LoadBalancerArn);
  ctx.authorize("DeleteLoadBalancer", [resourceOf(lb.arn, lb.tags)]);
  const store = ctx.region.elbv2;
  for (const listener of store.listenersOf(lb.arn)) store.listeners.delete(listener.arn);
  store.loadBalancers.delete(lb.arn);
  return {};
};

/** The listener protocols of each load balancer type (API reference, CreateListener; HTTPS and TLS need certificates, not modelled). */
const LISTENER_PROTOCOLS = { application: ["HTTP"], network: ["TCP", "UDP", "TCP_UDP"] } as const;
/** The target group protocols each listener protocol may forward to. */
const FORWARDS_TO: Readonly<Record<string, readonly string[]>> = {
  HTTP: ["HTTP", "HTTPS"],
  TCP: ["TCP", "TLS"],
  UDP: ["UDP"],
  TCP_UDP: ["TCP_UDP"],
};

/**
 * CreateListener: a port and protocol of a load balancer, whose one default
 * action forwards to a target group of the same VPC, which no other load
 * balancer uses.
 */
export const createListener: ElbOperation<CreateListenerCommandInput, CreateListenerCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateListener", input, ["LoadBalancerArn", "Protocol", "Port", "DefaultActions", "Tags"]);
  const actions = input.DefaultActions ?? [];
  if (actions.length === 0) throw elbErrors.validation("A default action must be specified");
  if (actions.length > 1) throw elbErrors.unmodelledParameter("CreateListener", "DefaultActions (more than one action)");
  const action = actions[0]!;
  refuseUnmodelled("CreateListener", action, ["Type", "TargetGroupArn"]);
  if (action.Type !== "forward") throw elbErrors.unmodelledValue("CreateListener", "DefaultActions.Type", String(action.Type));
  if (action.TargetGroupArn === undefined) throw elbErrors.validation("A target group ARN must be specified for a forward action");
  checkRange("Port", input.Port, 1, 65535);
  if (input.Port === undefined) throw elbErrors.validation("A listener port must be specified");
  const tags = readTags(input.Tags);
  const lb = loadBalancerOf(ctx, input.LoadBalancerArn);
  const protocol = input.Protocol ?? (lb.type === "application" ? "HTTP" : "TCP");
  if (!(LISTENER_PROTOCOLS[lb.type] as readonly string[]).includes(protocol)) {
    if (protocol === "HTTPS" || protocol === "TLS") throw elbErrors.unmodelledValue("CreateListener", "Protocol", protocol);
    throw elbErrors.unsupportedProtocol(protocol);
  }
  const store = ctx.region.elbv2;
  const group = store.targetGroups.get(action.TargetGroupArn);
  if (group === undefined) throw elbErrors.targetGroupNotFound(action.TargetGroupArn);
  ctx.authorize("CreateListener", [resourceOf(lb.arn, lb.tags)]);
  if (!(FORWARDS_TO[protocol] ?? []).includes(group.protocol)) {
    throw elbErrors.incompatibleProtocols(
      `Listener protocol '${protocol}' is not compatible with target group protocol '${group.protocol}'`,
    );
  }
  if (group.vpcId !== lb.vpcId) {
    throw elbErrors.invalidConfiguration(`The target group '${group.arn}' and the load balancer '${lb.arn}' are not in the same VPC`);
  }
  const others = store.loadBalancersOf(group.arn).filter((arn) => arn !== lb.arn);
  if (others.length > 0) throw elbErrors.targetGroupAssociationLimit(group.arn);
  if (store.listenersOf(lb.arn).some((l) => l.port === input.Port)) throw elbErrors.duplicateListener();
  const listener: Listener = {
    arn: listenerArn(lb.arn),
    loadBalancerArn: lb.arn,
    protocol,
    port: input.Port,
    targetGroupArn: group.arn,
    tags,
  };
  store.listeners.set(listener.arn, listener);
  return { Listeners: [renderListener(listener)] };
};

/** DescribeListeners: of a load balancer, or by ARN (one of the two), paged. */
export const describeListeners: ElbOperation<DescribeListenersCommandInput, DescribeListenersCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeListeners", input, ["LoadBalancerArn", "ListenerArns", "Marker", "PageSize"]);
  const arns = input.ListenerArns ?? [];
  if (arns.length > 0 && input.LoadBalancerArn !== undefined) {
    throw elbErrors.validation("Listener ARNs and a load balancer ARN cannot be specified at the same time");
  }
  if (arns.length === 0 && input.LoadBalancerArn === undefined) {
    throw elbErrors.validation("You must specify either listener ARNs or a load balancer ARN");
  }
  const store = ctx.region.elbv2;
  let listeners: Listener[];
  if (arns.length > 0) {
    const found = arns.map((arn) => store.listeners.get(arn));
    if (found.includes(undefined)) throw elbErrors.listenersNotFound();
    listeners = [...new Set(found as Listener[])];
  } else listeners = store.listenersOf(loadBalancerOf(ctx, input.LoadBalancerArn).arn);
  ctx.authorize("DescribeListeners", []);
  const { items, next } = page(listeners, input.Marker, input.PageSize);
  return { Listeners: items.map(renderListener), ...(next !== undefined && { NextMarker: next }) };
};

/** DeleteListener: the listener goes; its target group stays (unused when no other listener forwards to it). */
export const deleteListener: ElbOperation<DeleteListenerCommandInput, DeleteListenerCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeleteListener", input, ["ListenerArn"]);
  if (input.ListenerArn === undefined || input.ListenerArn === "") throw elbErrors.validation("A listener ARN must be specified");
  const listener = ctx.region.elbv2.listeners.get(input.ListenerArn);
  if (listener === undefined) throw elbErrors.listenerNotFound(input.ListenerArn);
  ctx.authorize("DeleteListener", [resourceOf(listener.arn, listener.tags)]);
  ctx.region.elbv2.listeners.delete(listener.arn);
  return {};
};
