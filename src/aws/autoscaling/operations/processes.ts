import type {
  DescribeScalingActivitiesCommandInput,
  DescribeScalingActivitiesCommandOutput,
  ResumeProcessesCommandInput,
  ResumeProcessesCommandOutput,
  SuspendProcessesCommandInput,
  SuspendProcessesCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import { optionalBool, optionalInt, optionalText, refuseUnmodelledAsg, requiredString, stringList } from "../checks.js";
import type { AutoScalingOperation } from "../context.js";
import { asgErrors, asgTime } from "../errors.js";
import { findGroup, SCALING_PROCESSES } from "./group-work.js";
import { encodeToken, readToken } from "./groups.js";
import { renderActivity } from "./instances.js";

/**
 * SuspendProcesses, ResumeProcesses and DescribeScalingActivities (issue 19).
 * Sources: docs/behaviour.md, "EC2 Auto Scaling".
 */

/** The processes of a call: none means all of them; a name Auto Scaling does not have is ValidationError. */
function readProcesses(value: unknown): string[] {
  const names = stringList("ScalingProcesses", value, 20);
  for (const name of names) if (!(SCALING_PROCESSES as readonly string[]).includes(name)) throw asgErrors.invalidProcess(name);
  return names.length === 0 ? [...SCALING_PROCESSES] : [...new Set(names)];
}

/** SuspendProcesses: the processes named (all when none) stop running for the group until resumed. */
export const suspendProcesses: AutoScalingOperation<SuspendProcessesCommandInput, SuspendProcessesCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("SuspendProcesses", input, ["AutoScalingGroupName", "ScalingProcesses"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName, 1600);
  const processes = readProcesses(input.ScalingProcesses);
  const group = findGroup(ctx, name);
  ctx.authorize("SuspendProcesses", [group.arn]);
  for (const processName of processes) {
    if (group.suspended.some((s) => s.processName === processName)) continue;
    group.suspended.push({ processName, reason: `User suspended at ${asgTime(ctx.now)}` });
  }
  return {};
};

/** ResumeProcesses: the processes named (all when none) run again. */
export const resumeProcesses: AutoScalingOperation<ResumeProcessesCommandInput, ResumeProcessesCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("ResumeProcesses", input, ["AutoScalingGroupName", "ScalingProcesses"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName, 1600);
  const processes = readProcesses(input.ScalingProcesses);
  const group = findGroup(ctx, name);
  ctx.authorize("ResumeProcesses", [group.arn]);
  group.suspended = group.suspended.filter((s) => !processes.includes(s.processName));
  return {};
};

/**
 * DescribeScalingActivities: the group's activities (or the Region's),
 * newest first; ActivityIds select some; MaxRecords 1..100, default 100.
 * A group name no group has lists nothing (decision: its activities are
 * kept after deletion, as AWS keeps six weeks of them; IncludeDeletedGroups
 * then shows them).
 */
export const describeScalingActivities: AutoScalingOperation<
  DescribeScalingActivitiesCommandInput,
  DescribeScalingActivitiesCommandOutput
> = (ctx, input) => {
  refuseUnmodelledAsg("DescribeScalingActivities", input, [
    "ActivityIds",
    "AutoScalingGroupName",
    "IncludeDeletedGroups",
    "MaxRecords",
    "NextToken",
  ]);
  const ids = stringList("ActivityIds", input.ActivityIds, 50);
  for (const id of ids)
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw asgErrors.invalidActivityId(id);
  const name = optionalText("AutoScalingGroupName", input.AutoScalingGroupName);
  const includeDeleted = optionalBool("IncludeDeletedGroups", input.IncludeDeletedGroups) ?? false;
  const max = optionalInt("MaxRecords", input.MaxRecords, 1, 100) ?? 100;
  const start = readToken(input.NextToken);
  ctx.authorize("DescribeScalingActivities", []);
  const store = ctx.region.autoScaling;
  const all = [...store.activities()]
    .reverse()
    .filter((a) => (name === undefined || a.groupName === name) && (ids.length === 0 || ids.includes(a.activityId)))
    .filter((a) => includeDeleted || store.get(a.groupName)?.arn === a.groupArn);
  return {
    Activities: all.slice(start, start + max).map(renderActivity),
    ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}),
  };
};
