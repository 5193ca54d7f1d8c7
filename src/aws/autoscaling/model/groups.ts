import {
  array,
  boolean,
  type JsonOf,
  literal,
  number,
  object,
  optional,
  string,
  time,
  timeOr,
  type ValuesOf,
} from "../../../engine/record.js";

/**
 * EC2 Auto Scaling's records (issue 19): groups, their instances with their
 * lifecycle states, their lifecycle hooks and actions, and the scaling
 * activities, for one Region. Each record's fields are declared once
 * (src/engine/record.ts): the snapshot's JSON form comes from the same
 * declaration. The rules are in ../operations/ and ../reconcile.ts;
 * docs/behaviour.md, "EC2 Auto Scaling", gives their sources.
 *
 * This module imports nothing of EC2's region (the region holds the store).
 */

/** An instance's lifecycle state (API reference, `Instance.LifecycleState`): the subset the mock models. */
export const LIFECYCLE_STATES = [
  "Pending",
  "Pending:Wait",
  "Pending:Proceed",
  "InService",
  "Terminating",
  "Terminating:Wait",
  "Terminating:Proceed",
  "Standby",
] as const;

/** A lifecycle state the mock models. */
export type AsgLifecycleState = (typeof LIFECYCLE_STATES)[number];

/** The two lifecycle transitions a hook can be for (API reference, PutLifecycleHook). */
export const TRANSITIONS = ["autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"] as const;

/** A lifecycle action waiting on a hook (Pending:Wait, Terminating:Wait). */
const lifecycleActionRecord = object({
  hookName: string,
  token: string,
  /** When the heartbeat timeout runs out (RecordLifecycleActionHeartbeat moves it). */
  deadline: time,
  /** The hook's HeartbeatTimeout, in seconds, and its DefaultResult. */
  heartbeatSeconds: number,
  defaultResult: literal("CONTINUE", "ABANDON"),
});

/** A lifecycle action waiting on a hook. */
export type LifecycleAction = ValuesOf<typeof lifecycleActionRecord.fields>;

/** One instance of a group. */
const groupInstanceRecord = object({
  instanceId: string,
  availabilityZone: string,
  instanceType: string,
  lifecycleState: literal(...LIFECYCLE_STATES),
  healthStatus: literal("Healthy", "Unhealthy"),
  protectedFromScaleIn: boolean,
  /** The launch template the instance came from (none for an attached instance launched otherwise). */
  launchTemplateId: optional(string),
  launchTemplateName: optional(string),
  launchTemplateVersion: optional(string),
  /** When it came in service (the health check grace period runs from then); none before. */
  inServiceAt: timeOr(undefined),
  /** The scaling activity still in progress for it (its launch or termination), if any. */
  activityId: optional(string),
  /** The lifecycle action its hook holds it in (Pending:Wait, Terminating:Wait). */
  action: optional(lifecycleActionRecord),
  /** Whether its hooks said ABANDON to a launch (it is then terminated without a replacement's cause). */
  abandoned: optional(boolean),
  /** Leaving with target groups: its deregistration delay ends then, and its termination goes on (WaitingForELBConnectionDraining). */
  drainUntil: optional(time),
  /** Marked Unhealthy by the ELB health check (a target group found it `unhealthy`): the replacement's cause says so. */
  elbUnhealthy: optional(boolean),
});

/** One instance of a group. */
export type GroupInstance = ValuesOf<typeof groupInstanceRecord.fields>;

/** A lifecycle hook of a group. */
const lifecycleHookRecord = object({
  name: string,
  transition: literal(...TRANSITIONS),
  heartbeatTimeout: number,
  defaultResult: literal("CONTINUE", "ABANDON"),
  notificationMetadata: optional(string),
  notificationTargetARN: optional(string),
  roleARN: optional(string),
});

/** A lifecycle hook of a group. */
export type LifecycleHook = ValuesOf<typeof lifecycleHookRecord.fields>;

/** A suspended process and why. */
const suspendedRecord = object({ processName: string, reason: string });

/** A tag of a group. */
const groupTagRecord = object({ key: string, value: string, propagateAtLaunch: boolean });

/** A group tag. */
export type GroupTag = ValuesOf<typeof groupTagRecord.fields>;

/** An Auto Scaling group. */
export const groupRecord = object({
  name: string,
  arn: string,
  createdAt: time,
  minSize: number,
  maxSize: number,
  desiredCapacity: number,
  defaultCooldown: number,
  /** The zones it launches in (from AvailabilityZones, or the subnets' zones). */
  availabilityZones: array(string),
  /** VPCZoneIdentifier's subnets, in the order given (none: the zones' default subnets). */
  subnetIds: array(string),
  launchTemplateId: string,
  launchTemplateName: string,
  /** The version as given (`$Default`, `$Latest`, or a number). */
  launchTemplateVersion: string,
  healthCheckType: literal("EC2", "ELB"),
  healthCheckGracePeriod: number,
  newInstancesProtectedFromScaleIn: boolean,
  suspended: array(suspendedRecord),
  tags: array(groupTagRecord),
  instances: array(groupInstanceRecord),
  hooks: array(lifecycleHookRecord),
  /**
   * What last changed the desired capacity, in AWS's words ("At … a user request …"), the first half of
   * the cause of the activities it leads to; cleared once the group reaches it.
   */
  pendingCause: optional(string),
  /** When a launch last failed: the next try is not before LAUNCH_RETRY_MS later. */
  failedLaunchAt: timeOr(undefined),
  /** ForceDelete: the group is being deleted; it goes once its instances are terminated. */
  deleting: boolean,
  /** Its target groups (TargetGroupARNs, AttachLoadBalancerTargetGroups), in the order attached; absent: none. */
  targetGroupArns: optional(array(string), { keep: (arns) => arns.length > 0 }),
  /** Its ELBv2 target groups attached as traffic sources (TrafficSources, AttachTrafficSources), in the order attached. */
  trafficSourceArns: optional(array(string), { keep: (arns) => arns.length > 0 }),
  /** AvailabilityZoneDistribution `balanced-only`: a zone that refuses a launch is not traded for another (absent: `balanced-best-effort`). */
  balancedOnly: optional(boolean),
});

/** An Auto Scaling group. */
export type AutoScalingGroupRecord = ValuesOf<typeof groupRecord.fields>;

/** A scaling activity (API reference, `Activity`). */
export const activityRecord = object({
  activityId: string,
  groupName: string,
  groupArn: string,
  description: string,
  cause: string,
  startTime: time,
  endTime: timeOr(undefined),
  statusCode: literal(
    "InProgress",
    "Successful",
    "Failed",
    "Cancelled",
    "MidLifecycleAction",
    "WaitingForInstanceId",
    "WaitingForELBConnectionDraining",
  ),
  statusMessage: optional(string),
  progress: number,
  details: string,
  /** The instance it is about, if one. */
  instanceId: optional(string),
});

/** A scaling activity. */
export type ScalingActivity = ValuesOf<typeof activityRecord.fields>;

/** A Region's Auto Scaling state, as a snapshot holds it. */
export const autoScalingStateRecord = object({
  groups: array(groupRecord),
  activities: array(activityRecord),
});

/** A Region's Auto Scaling state as JSON. */
export type AutoScalingStateJson = JsonOf<typeof autoScalingStateRecord>;

/** A Region's Auto Scaling state, in memory. */
export type AutoScalingState = ValuesOf<typeof autoScalingStateRecord.fields>;

/** The most activities kept per Region (decision: AWS keeps six weeks of them; the mock keeps the newest 1,000). */
const MAX_ACTIVITIES = 1000;

/**
 * The Auto Scaling state of one Region: its groups, by name in creation
 * order, and its scaling activities, oldest first. `settler` is set by the
 * mock (src/aws/ec2/mock.ts): the reconciliation of every group at each
 * catch-up of the Region's clock, which launches and terminates through
 * EC2's operations (the store does not import them).
 */
export class AutoScalingStore {
  private readonly byName = new Map<string, AutoScalingGroupRecord>();
  private activityList: ScalingActivity[] = [];
  private settling = false;
  /** The reconciliation run at each catch-up (undefined: none). */
  settler: ((now: number) => void) | undefined;

  /** The group with this name. */
  get(name: string): AutoScalingGroupRecord | undefined {
    return this.byName.get(name);
  }

  /** Every group, in creation order. */
  groups(): AutoScalingGroupRecord[] {
    return [...this.byName.values()];
  }

  /** How many groups there are. */
  get size(): number {
    return this.byName.size;
  }

  /** Adds a group. */
  add(group: AutoScalingGroupRecord): void {
    this.byName.set(group.name, group);
  }

  /** Removes a group (its activities stay). */
  remove(name: string): void {
    this.byName.delete(name);
  }

  /** The group an instance belongs to, and the instance's record. */
  findInstance(instanceId: string): { group: AutoScalingGroupRecord; instance: GroupInstance } | undefined {
    for (const group of this.byName.values()) {
      const instance = group.instances.find((i) => i.instanceId === instanceId);
      if (instance !== undefined) return { group, instance };
    }
    return undefined;
  }

  /** Records an activity. */
  addActivity(activity: ScalingActivity): void {
    this.activityList.push(activity);
    if (this.activityList.length > MAX_ACTIVITIES) this.activityList.splice(0, this.activityList.length - MAX_ACTIVITIES);
  }

  /** An activity by id. */
  activity(activityId: string): ScalingActivity | undefined {
    return this.activityList.find((a) => a.activityId === activityId);
  }

  /** Every activity, oldest first. */
  activities(): readonly ScalingActivity[] {
    return this.activityList;
  }

  /** Runs the reconciliation at `now`, unless one is running already. */
  settle(now: number): void {
    if (this.settler === undefined || this.byName.size === 0 || this.settling) return;
    this.settling = true;
    try {
      this.settler(now);
    } finally {
      this.settling = false;
    }
  }

  /** Empties the store. */
  clear(): void {
    this.byName.clear();
    this.activityList = [];
  }

  /** The state to save (undefined when there is nothing: old snapshots stay as they were). */
  contents(): AutoScalingState {
    return { groups: this.groups(), activities: [...this.activityList] };
  }

  /** Replaces the state with a snapshot's. */
  replace(state: AutoScalingState | undefined): void {
    this.clear();
    for (const group of state?.groups ?? []) this.byName.set(group.name, group);
    this.activityList = [...(state?.activities ?? [])];
  }
}
