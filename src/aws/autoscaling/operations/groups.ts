import type {
  AutoScalingGroup,
  CreateAutoScalingGroupCommandInput,
  CreateAutoScalingGroupCommandOutput,
  DeleteAutoScalingGroupCommandInput,
  DeleteAutoScalingGroupCommandOutput,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput,
  Instance,
  LaunchTemplateSpecification,
  SetDesiredCapacityCommandInput,
  SetDesiredCapacityCommandOutput,
  UpdateAutoScalingGroupCommandInput,
  UpdateAutoScalingGroupCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import { uuid } from "../../../kit/entropy.js";
import { latestVersionOf, versionOf } from "../../ec2/model/launch-templates.js";
import { zonesOf } from "../../ec2/model/network.js";
import { optionalBool, optionalInt, optionalText, refuseUnmodelledAsg, requiredInt, requiredString, stringList } from "../checks.js";
import type { AutoScalingContext, AutoScalingOperation } from "../context.js";
import { asgErrors, asgTime } from "../errors.js";
import { type AutoScalingGroupRecord, type GroupInstance, type GroupTag, TRANSITIONS } from "../model/groups.js";
import { findGroup, groupArnOf, newGroupArn } from "./group-work.js";
import { readTargetGroupArns, readTrafficSources, targetGroupsOf, vpcOfPlacement } from "./traffic-work.js";

/**
 * CreateAutoScalingGroup, UpdateAutoScalingGroup, DeleteAutoScalingGroup,
 * DescribeAutoScalingGroups and SetDesiredCapacity (issue 19). Order of
 * checks: parameters → the resources named (launch template, zones,
 * subnets; the group) → authorization → state rules → effect; a refused
 * call changes nothing. The group then reconciles on the mock's clock
 * (./group-work.ts). Sources: docs/behaviour.md, "EC2 Auto Scaling".
 */

/** What UpdateAutoScalingGroup models: the settings a group's creation and its updates share. */
const UPDATE_MEMBERS = [
  "AutoScalingGroupName",
  "LaunchTemplate",
  "MinSize",
  "MaxSize",
  "DesiredCapacity",
  "DefaultCooldown",
  "AvailabilityZones",
  "VPCZoneIdentifier",
  "HealthCheckType",
  "HealthCheckGracePeriod",
  "TerminationPolicies",
  "NewInstancesProtectedFromScaleIn",
  "AvailabilityZoneDistribution",
] as const satisfies readonly (keyof UpdateAutoScalingGroupCommandInput)[];

/** What CreateAutoScalingGroup models (the shared settings, hooks, tags and traffic sources); any other member is refused by name. */
const CREATE_MEMBERS = [
  ...UPDATE_MEMBERS,
  "LifecycleHookSpecificationList",
  "Tags",
  "TargetGroupARNs",
  "TrafficSources",
] as const satisfies readonly (keyof CreateAutoScalingGroupCommandInput)[];

/** The launch template a group uses, resolved in the Region's EC2 launch templates. */
interface TemplateChoice {
  id: string;
  name: string;
  version: string;
}

/** LaunchTemplate: by id or by name, exactly one; the template and the version must exist (`$Default` when none). */
function readTemplate(ctx: AutoScalingContext, spec: LaunchTemplateSpecification): TemplateChoice {
  const id = optionalText("LaunchTemplate.LaunchTemplateId", spec.LaunchTemplateId);
  const name = optionalText("LaunchTemplate.LaunchTemplateName", spec.LaunchTemplateName);
  const version = optionalText("LaunchTemplate.Version", spec.Version) ?? "$Default";
  if ((id === undefined) === (name === undefined)) throw asgErrors.launchTemplateIdAndName();
  const store = ctx.region.launchTemplates;
  const template = id === undefined ? store.withName(name!) : store.get(id);
  if (template === undefined) throw id === undefined ? asgErrors.launchTemplateNameNotFound(name!) : asgErrors.launchTemplateIdNotFound(id);
  const exists =
    version === "$Default" || version === "$Latest"
      ? latestVersionOf(template) !== undefined
      : /^[0-9]{1,9}$/.test(version) && versionOf(template, Number(version)) !== undefined;
  if (!exists) throw asgErrors.launchTemplateVersionNotFound(version, template.launchTemplateId);
  return { id: template.launchTemplateId, name: template.launchTemplateName, version };
}

/** The zones and subnets of a group: VPCZoneIdentifier's subnets (their zones), else AvailabilityZones. */
function readPlacement(ctx: AutoScalingContext, zonesIn: unknown, vpcZoneIdentifier: unknown): { zones: string[]; subnetIds: string[] } {
  const asked = stringList("AvailabilityZones", zonesIn);
  const identifier = optionalText("VPCZoneIdentifier", vpcZoneIdentifier, 5000);
  const subnetIds =
    identifier === undefined
      ? []
      : identifier
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
  if (subnetIds.length > 0) {
    const zones: string[] = [];
    for (const id of subnetIds) {
      const subnet = ctx.region.network.subnet(id);
      if (subnet === undefined) throw asgErrors.subnetNotFound(id);
      if (!zones.includes(subnet.availabilityZone)) zones.push(subnet.availabilityZone);
    }
    return { zones, subnetIds };
  }
  if (asked.length === 0) throw asgErrors.noZoneOrSubnet();
  const known = zonesOf(ctx.region.settings.region).map((z) => z.ZoneName);
  for (const zone of asked) if (!known.includes(zone)) throw asgErrors.invalidZone(zone);
  return { zones: [...new Set(asked)], subnetIds: [] };
}

/** HealthCheckType: EC2 or ELB (the target groups' health beside EC2's); VPC_LATTICE and EBS are refused by name. */
function readHealthCheckType(action: string, value: unknown): "EC2" | "ELB" | undefined {
  const type = optionalText("HealthCheckType", value, 32);
  if (type === undefined || type === "EC2" || type === "ELB") return type;
  throw asgErrors.unmodelledValue(action, "HealthCheckType", type);
}

/** TerminationPolicies: only `Default` is modelled. */
function readTerminationPolicies(action: string, value: unknown): void {
  for (const policy of stringList("TerminationPolicies", value)) {
    if (policy !== "Default") throw asgErrors.unmodelledValue(action, "TerminationPolicies", policy);
  }
}

/** AvailabilityZoneDistribution: `balanced-best-effort` (the default) or `balanced-only`. */
function readDistribution(value: CreateAutoScalingGroupCommandInput["AvailabilityZoneDistribution"]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  const strategy = optionalText("AvailabilityZoneDistribution.CapacityDistributionStrategy", value.CapacityDistributionStrategy, 32);
  if (strategy === undefined) return undefined;
  if (strategy !== "balanced-best-effort" && strategy !== "balanced-only") {
    throw asgErrors.invalidValue(
      "AvailabilityZoneDistribution.CapacityDistributionStrategy",
      strategy,
      "Member must satisfy enum value set: [balanced-only, balanced-best-effort]",
    );
  }
  return strategy === "balanced-only";
}

/** Min, max and desired: min ≤ max, desired within them (min when not given). */
function checkSizes(min: number, max: number, desired: number): void {
  if (min > max) throw asgErrors.minAboveMax(min, max);
  if (desired < min || desired > max) throw asgErrors.desiredOutOfRange(desired, min, max);
}

/** The group's tags (Tags: Key, Value, PropagateAtLaunch; ResourceId/ResourceType name the group itself). */
function readGroupTags(name: string, value: CreateAutoScalingGroupCommandInput["Tags"]): GroupTag[] {
  const tags: GroupTag[] = [];
  for (const [i, tag] of (value ?? []).entries()) {
    const key = requiredString(`Tags.member.${i + 1}.Key`, tag?.Key, 128);
    if (key.startsWith("aws:")) throw asgErrors.invalidValue(`Tags.member.${i + 1}.Key`, key, "Tag keys starting with 'aws:' are reserved");
    if (tag.ResourceId !== undefined && tag.ResourceId !== name) throw asgErrors.groupNotFound(String(tag.ResourceId));
    const existing = tags.findIndex((t) => t.key === key);
    const entry = {
      key,
      value: optionalText(`Tags.member.${i + 1}.Value`, tag.Value) ?? "",
      propagateAtLaunch: optionalBool(`Tags.member.${i + 1}.PropagateAtLaunch`, tag.PropagateAtLaunch) ?? false,
    };
    if (existing >= 0) tags[existing] = entry;
    else tags.push(entry);
  }
  if (tags.length > 50) throw asgErrors.invalidValue("Tags", `[${tags.length} items]`, "Member must have length less than or equal to 50");
  return tags;
}

/** LifecycleHookSpecificationList's hooks, checked as PutLifecycleHook checks them. */
function readHookSpecs(list: CreateAutoScalingGroupCommandInput["LifecycleHookSpecificationList"]): AutoScalingGroupRecord["hooks"] {
  const hooks: AutoScalingGroupRecord["hooks"] = [];
  for (const [i, spec] of (list ?? []).entries()) {
    const at = `LifecycleHookSpecificationList.member.${i + 1}`;
    const name = requiredString(`${at}.LifecycleHookName`, spec?.LifecycleHookName);
    const transition = requiredString(`${at}.LifecycleTransition`, spec.LifecycleTransition);
    if (!(TRANSITIONS as readonly string[]).includes(transition)) throw asgErrors.invalidTransition(transition);
    if (spec.NotificationTargetARN !== undefined || spec.RoleARN !== undefined) {
      throw asgErrors.unmodelledParameter(
        "CreateAutoScalingGroup",
        spec.NotificationTargetARN !== undefined ? `${at}.NotificationTargetARN` : `${at}.RoleARN`,
      );
    }
    const heartbeat = optionalInt(`${at}.HeartbeatTimeout`, spec.HeartbeatTimeout, 30, 7200) ?? 3600;
    const result = optionalText(`${at}.DefaultResult`, spec.DefaultResult) ?? "ABANDON";
    if (result !== "CONTINUE" && result !== "ABANDON") throw asgErrors.invalidResult(result);
    hooks.push({
      name,
      transition: transition as (typeof TRANSITIONS)[number],
      heartbeatTimeout: heartbeat,
      defaultResult: result,
      ...(spec.NotificationMetadata === undefined ? {} : { notificationMetadata: String(spec.NotificationMetadata) }),
    });
  }
  return hooks;
}

/** CreateAutoScalingGroup: a group of the launch template's instances, launched on the clock to its desired capacity. */
export const createAutoScalingGroup: AutoScalingOperation<CreateAutoScalingGroupCommandInput, CreateAutoScalingGroupCommandOutput> = (
  ctx,
  input,
) => {
  const action = "CreateAutoScalingGroup";
  refuseUnmodelledAsg(action, input, CREATE_MEMBERS);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const min = requiredInt("MinSize", input.MinSize);
  const max = requiredInt("MaxSize", input.MaxSize);
  const desiredGiven = optionalInt("DesiredCapacity", input.DesiredCapacity);
  const cooldown = optionalInt("DefaultCooldown", input.DefaultCooldown) ?? 300;
  const grace = optionalInt("HealthCheckGracePeriod", input.HealthCheckGracePeriod) ?? 0;
  const healthCheckType = readHealthCheckType(action, input.HealthCheckType) ?? "EC2";
  readTerminationPolicies(action, input.TerminationPolicies);
  const protect = optionalBool("NewInstancesProtectedFromScaleIn", input.NewInstancesProtectedFromScaleIn) ?? false;
  const balancedOnly = readDistribution(input.AvailabilityZoneDistribution);
  const targetGroupArnsIn = stringList("TargetGroupARNs", input.TargetGroupARNs, 50);
  const trafficSourcesIn = readTrafficSources(action, input.TrafficSources, false);
  const tags = readGroupTags(name, input.Tags);
  const hooks = readHookSpecs(input.LifecycleHookSpecificationList);
  if (input.LaunchTemplate === undefined || input.LaunchTemplate === null) throw asgErrors.noLaunchSource();
  const desired = desiredGiven ?? min;
  checkSizes(min, max, desired);
  // The resources the request names.
  const template = readTemplate(ctx, input.LaunchTemplate);
  const { zones, subnetIds } = readPlacement(ctx, input.AvailabilityZones, input.VPCZoneIdentifier);
  const targetGroupArns = readTargetGroupArns(ctx, targetGroupArnsIn, vpcOfPlacement(ctx, zones, subnetIds));
  const trafficSourceArns = readTargetGroupArns(ctx, trafficSourcesIn, vpcOfPlacement(ctx, zones, subnetIds)).filter(
    (arn) => !targetGroupArns.includes(arn),
  );
  ctx.authorize(action, [newGroupArn(ctx.region, name)]);
  if (ctx.region.autoScaling.get(name) !== undefined) throw asgErrors.alreadyExists(name);
  const group: AutoScalingGroupRecord = {
    name,
    arn: groupArnOf(ctx.region, name, uuid()),
    createdAt: ctx.now,
    minSize: min,
    maxSize: max,
    desiredCapacity: desired,
    defaultCooldown: cooldown,
    availabilityZones: zones,
    subnetIds,
    launchTemplateId: template.id,
    launchTemplateName: template.name,
    launchTemplateVersion: template.version,
    healthCheckType,
    healthCheckGracePeriod: grace,
    newInstancesProtectedFromScaleIn: protect,
    suspended: [],
    tags,
    instances: [],
    hooks,
    pendingCause: `At ${asgTime(ctx.now)} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${desired}.`,
    failedLaunchAt: undefined,
    deleting: false,
    ...(targetGroupArns.length > 0 ? { targetGroupArns } : {}),
    ...(trafficSourceArns.length > 0 ? { trafficSourceArns } : {}),
    ...(balancedOnly === true ? { balancedOnly } : {}),
  };
  ctx.region.autoScaling.add(group);
  return {};
};

/** UpdateAutoScalingGroup: sizes, template, placement, health check settings; the group reconciles to them. */
export const updateAutoScalingGroup: AutoScalingOperation<UpdateAutoScalingGroupCommandInput, UpdateAutoScalingGroupCommandOutput> = (
  ctx,
  input,
) => {
  const action = "UpdateAutoScalingGroup";
  refuseUnmodelledAsg(action, input, UPDATE_MEMBERS);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const minIn = optionalInt("MinSize", input.MinSize);
  const maxIn = optionalInt("MaxSize", input.MaxSize);
  const desiredIn = optionalInt("DesiredCapacity", input.DesiredCapacity);
  const cooldown = optionalInt("DefaultCooldown", input.DefaultCooldown);
  const grace = optionalInt("HealthCheckGracePeriod", input.HealthCheckGracePeriod);
  const healthCheckType = readHealthCheckType(action, input.HealthCheckType);
  readTerminationPolicies(action, input.TerminationPolicies);
  const protect = optionalBool("NewInstancesProtectedFromScaleIn", input.NewInstancesProtectedFromScaleIn);
  const balancedOnly = readDistribution(input.AvailabilityZoneDistribution);
  const group = findGroup(ctx, name);
  const template =
    input.LaunchTemplate === undefined || input.LaunchTemplate === null ? undefined : readTemplate(ctx, input.LaunchTemplate);
  const placement =
    (input.AvailabilityZones ?? []).length > 0 || input.VPCZoneIdentifier !== undefined
      ? readPlacement(ctx, input.AvailabilityZones, input.VPCZoneIdentifier)
      : undefined;
  // New subnets must stay in the VPC of the group's target groups.
  if (placement !== undefined)
    readTargetGroupArns(
      ctx,
      targetGroupsOf(group).filter((arn) => ctx.region.elbv2.targetGroups.has(arn)),
      vpcOfPlacement(ctx, placement.zones, placement.subnetIds),
    );
  ctx.authorize(action, [group.arn]);
  if (group.deleting) throw asgErrors.groupBeingDeleted(name);
  const min = minIn ?? group.minSize;
  const max = maxIn ?? group.maxSize;
  // A new MinSize above the desired capacity raises it, a new MaxSize below lowers it (API reference).
  let desired = desiredIn ?? group.desiredCapacity;
  if (desiredIn === undefined) desired = Math.min(Math.max(desired, min), max);
  checkSizes(min, max, desired);
  const before = group.desiredCapacity;
  group.minSize = min;
  group.maxSize = max;
  group.desiredCapacity = desired;
  if (desired !== before) {
    group.pendingCause = `At ${asgTime(ctx.now)} a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${before} to ${desired}.`;
  }
  if (cooldown !== undefined) group.defaultCooldown = cooldown;
  if (grace !== undefined) group.healthCheckGracePeriod = grace;
  if (healthCheckType !== undefined) group.healthCheckType = healthCheckType;
  if (protect !== undefined) group.newInstancesProtectedFromScaleIn = protect;
  if (balancedOnly !== undefined) group.balancedOnly = balancedOnly;
  if (template !== undefined) {
    group.launchTemplateId = template.id;
    group.launchTemplateName = template.name;
    group.launchTemplateVersion = template.version;
  }
  if (placement !== undefined) {
    group.availabilityZones = placement.zones;
    group.subnetIds = placement.subnetIds;
  }
  group.failedLaunchAt = undefined;
  return {};
};

/** DeleteAutoScalingGroup: refused while the group has instances, unless ForceDelete (which terminates them first). */
export const deleteAutoScalingGroup: AutoScalingOperation<DeleteAutoScalingGroupCommandInput, DeleteAutoScalingGroupCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelledAsg("DeleteAutoScalingGroup", input, ["AutoScalingGroupName", "ForceDelete"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const force = optionalBool("ForceDelete", input.ForceDelete) ?? false;
  const group = findGroup(ctx, name);
  ctx.authorize("DeleteAutoScalingGroup", [group.arn]);
  if (!force) {
    if (group.instances.length > 0) throw asgErrors.groupHasInstances();
    const busy = ctx.region.autoScaling.activities().some((a) => a.groupName === name && a.endTime === undefined);
    if (busy) throw asgErrors.activityInProgress();
    ctx.region.autoScaling.remove(name);
    return {};
  }
  group.deleting = true;
  group.desiredCapacity = 0;
  group.minSize = 0;
  group.maxSize = 0;
  if (group.instances.length === 0) ctx.region.autoScaling.remove(name);
  return {};
};

/** An instance of a group as DescribeAutoScalingGroups shows it. */
export function renderGroupInstance(instance: GroupInstance): Instance {
  return {
    InstanceId: instance.instanceId,
    InstanceType: instance.instanceType,
    AvailabilityZone: instance.availabilityZone,
    LifecycleState: instance.lifecycleState,
    HealthStatus: instance.healthStatus,
    ...(instance.launchTemplateId === undefined
      ? {}
      : {
          LaunchTemplate: {
            LaunchTemplateId: instance.launchTemplateId,
            LaunchTemplateName: instance.launchTemplateName,
            Version: instance.launchTemplateVersion,
          },
        }),
    ProtectedFromScaleIn: instance.protectedFromScaleIn,
  };
}

/** A group as DescribeAutoScalingGroups shows it. */
export function renderGroup(group: AutoScalingGroupRecord): AutoScalingGroup {
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    LaunchTemplate: {
      LaunchTemplateId: group.launchTemplateId,
      LaunchTemplateName: group.launchTemplateName,
      Version: group.launchTemplateVersion,
    },
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: group.defaultCooldown,
    AvailabilityZones: [...group.availabilityZones],
    LoadBalancerNames: [],
    TargetGroupARNs: [...(group.targetGroupArns ?? [])],
    HealthCheckType: group.healthCheckType,
    HealthCheckGracePeriod: group.healthCheckGracePeriod,
    Instances: group.instances.map(renderGroupInstance),
    CreatedTime: new Date(group.createdAt),
    SuspendedProcesses: group.suspended.map((s) => ({ ProcessName: s.processName, SuspensionReason: s.reason })),
    VPCZoneIdentifier: group.subnetIds.join(","),
    EnabledMetrics: [],
    ...(group.deleting ? { Status: "Delete in progress" } : {}),
    Tags: group.tags.map((t) => ({
      ResourceId: group.name,
      ResourceType: "auto-scaling-group",
      Key: t.key,
      Value: t.value,
      PropagateAtLaunch: t.propagateAtLaunch,
    })),
    TerminationPolicies: ["Default"],
    NewInstancesProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${group.arn.split(":")[4]}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
    // Decision: every ELBv2 target group of the group, attached either way.
    TrafficSources: targetGroupsOf(group).map((arn) => ({ Identifier: arn, Type: "elbv2" })),
    AvailabilityZoneDistribution: { CapacityDistributionStrategy: group.balancedOnly === true ? "balanced-only" : "balanced-best-effort" },
  };
}

/** DescribeAutoScalingGroups: the groups named (a name no group has is left out), or every group; MaxRecords 1..100, default 50. */
export const describeAutoScalingGroups: AutoScalingOperation<
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput
> = (ctx, input) => {
  refuseUnmodelledAsg("DescribeAutoScalingGroups", input, ["AutoScalingGroupNames", "MaxRecords", "NextToken"]);
  const names = stringList("AutoScalingGroupNames", input.AutoScalingGroupNames, 1600);
  const max = optionalInt("MaxRecords", input.MaxRecords, 1, 100) ?? 50;
  const start = readToken(input.NextToken);
  ctx.authorize("DescribeAutoScalingGroups", []);
  const groups = ctx.region.autoScaling.groups().filter((g) => names.length === 0 || names.includes(g.name));
  const page = groups.slice(start, start + max);
  return {
    AutoScalingGroups: page.map(renderGroup),
    ...(start + max < groups.length ? { NextToken: encodeToken(start + max) } : {}),
  };
};

/** A NextToken the mock gave (an offset), or InvalidNextToken. */
export function readToken(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const text = typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : "";
  const match = /^asg:([0-9]{1,9})$/.exec(text);
  if (match === null) throw asgErrors.invalidNextToken();
  return Number(match[1]);
}

/** The NextToken of an offset. */
export function encodeToken(offset: number): string {
  return Buffer.from(`asg:${offset}`).toString("base64");
}

/** SetDesiredCapacity: within MinSize..MaxSize; the group reconciles to it. HonorCooldown is accepted (no cooldown is modelled: no scaling policies). */
export const setDesiredCapacity: AutoScalingOperation<SetDesiredCapacityCommandInput, SetDesiredCapacityCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("SetDesiredCapacity", input, ["AutoScalingGroupName", "DesiredCapacity", "HonorCooldown"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const desired = requiredInt("DesiredCapacity", input.DesiredCapacity);
  optionalBool("HonorCooldown", input.HonorCooldown);
  const group = findGroup(ctx, name);
  ctx.authorize("SetDesiredCapacity", [group.arn]);
  if (group.deleting) throw asgErrors.groupBeingDeleted(name);
  if (desired > group.maxSize) throw asgErrors.setDesiredAboveMax(desired, group.maxSize);
  if (desired < group.minSize) throw asgErrors.setDesiredBelowMin(desired, group.minSize);
  const before = group.desiredCapacity;
  group.desiredCapacity = desired;
  if (desired !== before) {
    group.pendingCause = `At ${asgTime(ctx.now)} a user request explicitly set group desired capacity changing the desired capacity from ${before} to ${desired}.`;
  }
  return {};
};
