/**
 * ELBv2's records of one AWS Region (target groups with their targets, load
 * balancers, listeners), declared once with the engine's record kit: the
 * store the Region holds (`Ec2Region.elbv2`), its snapshot form and the
 * checks on restore. Nothing here imports EC2: the rules that read
 * instances live in ./health.ts and ../operations/.
 */
import { array, boolean, integer, literal, mapOf, nullable, object, string, time, type ValuesOf } from "../../../engine/record.js";

/** One registration of a target (an instance and a port) with a target group. */
export const targetRecord = object({
  /** The instance id. */
  id: string,
  /** The port traffic goes to (the group's port when the registration named none). */
  port: integer,
  /** When it was registered (its health checks start from then). */
  registeredAt: time,
  /** When DeregisterTargets deregistered it (it drains for the group's deregistration delay); null while registered. */
  deregisteredAt: nullable(time),
  /** The deregistration delay in seconds that applied when it was deregistered. */
  drainSeconds: integer,
});

/** A target group's fields. */
export const targetGroupRecord = object({
  arn: string,
  name: string,
  protocol: string,
  port: integer,
  vpcId: string,
  protocolVersion: nullable(string),
  targetType: literal("instance"),
  ipAddressType: string,
  healthCheckEnabled: boolean,
  healthCheckProtocol: string,
  healthCheckPort: string,
  healthCheckPath: nullable(string),
  healthCheckIntervalSeconds: integer,
  healthCheckTimeoutSeconds: integer,
  healthyThresholdCount: integer,
  unhealthyThresholdCount: integer,
  matcher: nullable(string),
  createdAt: time,
  /** Its attributes (ModifyTargetGroupAttributes), by key, as AWS shows them (strings). */
  attributes: mapOf(string, string),
  tags: mapOf(string, string),
  /** Its registrations, in registration order (a deregistered one stays while it drains). */
  targets: array(targetRecord),
});

/** A load balancer's fields. */
export const loadBalancerRecord = object({
  arn: string,
  name: string,
  type: literal("application", "network"),
  scheme: literal("internet-facing", "internal"),
  vpcId: string,
  /** Its subnets and their zones, in the order given. */
  subnets: array(object({ subnetId: string, zone: string })),
  securityGroups: array(string),
  ipAddressType: string,
  dnsName: string,
  createdAt: time,
  tags: mapOf(string, string),
});

/** A listener's fields. */
export const listenerRecord = object({
  arn: string,
  loadBalancerArn: string,
  protocol: string,
  port: integer,
  /** The target group its default `forward` action sends to. */
  targetGroupArn: string,
  tags: mapOf(string, string),
});

/** One registration of a target. */
export type Target = ValuesOf<typeof targetRecord.fields>;
/** A target group. */
export type TargetGroup = ValuesOf<typeof targetGroupRecord.fields>;
/** A load balancer. */
export type LoadBalancer = ValuesOf<typeof loadBalancerRecord.fields>;
/** A listener. */
export type Listener = ValuesOf<typeof listenerRecord.fields>;

/** The store's snapshot form (`ElbStore.contents`, `ElbStore.replace`). */
export const elbStoreRecord = object({
  targetGroups: array(targetGroupRecord),
  loadBalancers: array(loadBalancerRecord),
  listeners: array(listenerRecord),
});

/** What a snapshot keeps of the store. */
export type ElbStoreContents = ValuesOf<typeof elbStoreRecord.fields>;

/**
 * ELBv2's resources of one Region, by ARN, in creation order. Callers run
 * every check first: these methods never refuse.
 */
export class ElbStore {
  /** Target groups by ARN. */
  readonly targetGroups = new Map<string, TargetGroup>();
  /** Load balancers by ARN. */
  readonly loadBalancers = new Map<string, LoadBalancer>();
  /** Listeners by ARN. */
  readonly listeners = new Map<string, Listener>();

  /** Whether the store holds nothing (a snapshot then omits it). */
  get empty(): boolean {
    return this.targetGroups.size + this.loadBalancers.size + this.listeners.size === 0;
  }

  /** The target group with this name, if any. */
  targetGroupNamed(name: string): TargetGroup | undefined {
    for (const group of this.targetGroups.values()) if (group.name === name) return group;
    return undefined;
  }

  /** The load balancer with this name, if any. */
  loadBalancerNamed(name: string): LoadBalancer | undefined {
    for (const lb of this.loadBalancers.values()) if (lb.name === name) return lb;
    return undefined;
  }

  /** Whether a load balancer has a subnet (its network interface there: EC2's DeleteSubnet is DependencyViolation). */
  usesSubnet(subnetId: string): boolean {
    for (const lb of this.loadBalancers.values()) if (lb.subnets.some((s) => s.subnetId === subnetId)) return true;
    return false;
  }

  /** Whether a load balancer or a target group is in a VPC (EC2's DeleteVpc is DependencyViolation). */
  usesVpc(vpcId: string): boolean {
    for (const lb of this.loadBalancers.values()) if (lb.vpcId === vpcId) return true;
    for (const group of this.targetGroups.values()) if (group.vpcId === vpcId) return true;
    return false;
  }

  /** The listeners of a load balancer, in creation order. */
  listenersOf(loadBalancerArn: string): Listener[] {
    return [...this.listeners.values()].filter((l) => l.loadBalancerArn === loadBalancerArn);
  }

  /** The listeners that forward to a target group. */
  listenersForwardingTo(targetGroupArn: string): Listener[] {
    return [...this.listeners.values()].filter((l) => l.targetGroupArn === targetGroupArn);
  }

  /** The ARNs of the load balancers that route to a target group (through a listener), in creation order. */
  loadBalancersOf(targetGroupArn: string): string[] {
    const arns = new Set(this.listenersForwardingTo(targetGroupArn).map((l) => l.loadBalancerArn));
    return [...this.loadBalancers.keys()].filter((arn) => arns.has(arn));
  }

  /** Whether a registration of this target and port is draining (deregistered, its delay not over). */
  isDraining(group: TargetGroup, id: string, port: number): boolean {
    return group.targets.some((t) => t.id === id && t.port === port && t.deregisteredAt !== undefined);
  }

  /** Drops the registrations whose deregistration delay has run out by `now`. */
  pruneDrained(group: TargetGroup, now: number): void {
    group.targets = group.targets.filter((t) => t.deregisteredAt === undefined || now < t.deregisteredAt + t.drainSeconds * 1000);
  }

  /** The store's contents, for a snapshot. */
  contents(): ElbStoreContents {
    return {
      targetGroups: [...this.targetGroups.values()],
      loadBalancers: [...this.loadBalancers.values()],
      listeners: [...this.listeners.values()],
    };
  }

  /** Replaces everything with a snapshot's contents. */
  replace(contents: ElbStoreContents | undefined): void {
    this.clear();
    for (const group of contents?.targetGroups ?? []) this.targetGroups.set(group.arn, group);
    for (const lb of contents?.loadBalancers ?? []) this.loadBalancers.set(lb.arn, lb);
    for (const listener of contents?.listeners ?? []) this.listeners.set(listener.arn, listener);
  }

  /** Empties the store. */
  clear(): void {
    this.targetGroups.clear();
    this.loadBalancers.clear();
    this.listeners.clear();
  }
}
