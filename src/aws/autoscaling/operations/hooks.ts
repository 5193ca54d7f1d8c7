import type {
  CompleteLifecycleActionCommandInput,
  CompleteLifecycleActionCommandOutput,
  DeleteLifecycleHookCommandInput,
  DeleteLifecycleHookCommandOutput,
  DescribeLifecycleHooksCommandInput,
  DescribeLifecycleHooksCommandOutput,
  PutLifecycleHookCommandInput,
  PutLifecycleHookCommandOutput,
  RecordLifecycleActionHeartbeatCommandInput,
  RecordLifecycleActionHeartbeatCommandOutput,
} from "@aws-sdk/client-auto-scaling";
import { optionalInt, optionalText, refuseUnmodelledAsg, requiredString, stringList } from "../checks.js";
import type { AutoScalingContext, AutoScalingOperation } from "../context.js";
import { asgErrors } from "../errors.js";
import { type AutoScalingGroupRecord, type GroupInstance, type LifecycleHook, TRANSITIONS } from "../model/groups.js";
import { completeAction, findGroup } from "./group-work.js";

/**
 * Lifecycle hooks (issue 19): PutLifecycleHook, DescribeLifecycleHooks,
 * DeleteLifecycleHook, CompleteLifecycleAction and
 * RecordLifecycleActionHeartbeat. A launching hook holds each new instance
 * in `Pending:Wait`, a terminating hook each leaving one in
 * `Terminating:Wait`, until CompleteLifecycleAction or the heartbeat timeout
 * (then the hook's DefaultResult). Sources: docs/behaviour.md, "EC2 Auto
 * Scaling".
 */

/** The most hooks per group (user guide, "Quotas for Amazon EC2 Auto Scaling": 50 lifecycle hooks per group). */
const MAX_HOOKS = 50;

/** PutLifecycleHook: creates or updates a hook; it applies to instances launched or terminated from then on. */
export const putLifecycleHook: AutoScalingOperation<PutLifecycleHookCommandInput, PutLifecycleHookCommandOutput> = (ctx, input) => {
  refuseUnmodelledAsg("PutLifecycleHook", input, [
    "LifecycleHookName",
    "AutoScalingGroupName",
    "LifecycleTransition",
    "HeartbeatTimeout",
    "DefaultResult",
    "NotificationMetadata",
  ]);
  const hookName = requiredString("LifecycleHookName", input.LifecycleHookName, 255);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const transition = optionalText("LifecycleTransition", input.LifecycleTransition);
  if (transition !== undefined && !(TRANSITIONS as readonly string[]).includes(transition)) throw asgErrors.invalidTransition(transition);
  const heartbeat = optionalInt("HeartbeatTimeout", input.HeartbeatTimeout, 0);
  if (heartbeat !== undefined && (heartbeat < 30 || heartbeat > 7200)) throw asgErrors.invalidHeartbeat(heartbeat);
  const result = optionalText("DefaultResult", input.DefaultResult);
  if (result !== undefined && result !== "CONTINUE" && result !== "ABANDON") throw asgErrors.invalidResult(result);
  const metadata = optionalText("NotificationMetadata", input.NotificationMetadata, 1023);
  const group = findGroup(ctx, name);
  ctx.authorize("PutLifecycleHook", [group.arn]);
  const existing = group.hooks.find((h) => h.name === hookName);
  if (existing === undefined) {
    if (transition === undefined) throw asgErrors.transitionRequired();
    if (group.hooks.length >= MAX_HOOKS) throw asgErrors.hookLimit(MAX_HOOKS);
    group.hooks.push({
      name: hookName,
      transition: transition as LifecycleHook["transition"],
      heartbeatTimeout: heartbeat ?? 3600,
      defaultResult: (result ?? "ABANDON") as LifecycleHook["defaultResult"],
      ...(metadata === undefined ? {} : { notificationMetadata: metadata }),
    });
    return {};
  }
  if (transition !== undefined) existing.transition = transition as LifecycleHook["transition"];
  if (heartbeat !== undefined) existing.heartbeatTimeout = heartbeat;
  if (result !== undefined) existing.defaultResult = result as LifecycleHook["defaultResult"];
  if (metadata !== undefined) existing.notificationMetadata = metadata;
  return {};
};

/** DescribeLifecycleHooks: the group's hooks, or those named (unknown names left out). */
export const describeLifecycleHooks: AutoScalingOperation<DescribeLifecycleHooksCommandInput, DescribeLifecycleHooksCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelledAsg("DescribeLifecycleHooks", input, ["AutoScalingGroupName", "LifecycleHookNames"]);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const names = stringList("LifecycleHookNames", input.LifecycleHookNames, 50);
  const group = findGroup(ctx, name);
  ctx.authorize("DescribeLifecycleHooks", []);
  return {
    LifecycleHooks: group.hooks
      .filter((h) => names.length === 0 || names.includes(h.name))
      .map((h) => ({
        LifecycleHookName: h.name,
        AutoScalingGroupName: group.name,
        LifecycleTransition: h.transition,
        ...(h.notificationMetadata === undefined ? {} : { NotificationMetadata: h.notificationMetadata }),
        HeartbeatTimeout: h.heartbeatTimeout,
        GlobalTimeout: Math.min(h.heartbeatTimeout * 100, 172800),
        DefaultResult: h.defaultResult,
      })),
  };
};

/** DeleteLifecycleHook: removes a hook; actions it holds take their DefaultResult (decision: AWS documents none). */
export const deleteLifecycleHook: AutoScalingOperation<DeleteLifecycleHookCommandInput, DeleteLifecycleHookCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelledAsg("DeleteLifecycleHook", input, ["LifecycleHookName", "AutoScalingGroupName"]);
  const hookName = requiredString("LifecycleHookName", input.LifecycleHookName);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const group = findGroup(ctx, name);
  const hook = group.hooks.find((h) => h.name === hookName);
  if (hook === undefined) throw asgErrors.hookNotFound(hookName, name);
  ctx.authorize("DeleteLifecycleHook", [group.arn]);
  group.hooks.splice(group.hooks.indexOf(hook), 1);
  for (const instance of [...group.instances]) {
    if (instance.action?.hookName === hookName) completeAction(ctx, group, instance, instance.action.defaultResult);
  }
  return {};
};

/** The waiting action a call names (by token, or by instance), or ValidationError. */
function waitingAction(
  ctx: AutoScalingContext,
  action: string,
  input: { LifecycleHookName?: string; AutoScalingGroupName?: string; LifecycleActionToken?: string; InstanceId?: string },
): { group: AutoScalingGroupRecord; instance: GroupInstance } {
  const hookName = requiredString("LifecycleHookName", input.LifecycleHookName);
  const name = requiredString("AutoScalingGroupName", input.AutoScalingGroupName);
  const token = optionalText("LifecycleActionToken", input.LifecycleActionToken, 36);
  const instanceId = optionalText("InstanceId", input.InstanceId, 19);
  if (token === undefined && instanceId === undefined) throw asgErrors.tokenOrInstanceRequired();
  const group = findGroup(ctx, name);
  if (!group.hooks.some((h) => h.name === hookName)) throw asgErrors.hookNotFound(hookName, name);
  ctx.authorize(action, [group.arn]);
  const instance = group.instances.find(
    (i) =>
      i.action !== undefined &&
      i.action.hookName === hookName &&
      (token === undefined || i.action.token === token) &&
      (instanceId === undefined || i.instanceId === instanceId),
  );
  if (instance === undefined) throw token === undefined ? asgErrors.noActionForInstance(instanceId!) : asgErrors.noActionForToken(token);
  return { group, instance };
}

/** CompleteLifecycleAction: CONTINUE or ABANDON an instance's waiting action. */
export const completeLifecycleAction: AutoScalingOperation<CompleteLifecycleActionCommandInput, CompleteLifecycleActionCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelledAsg("CompleteLifecycleAction", input, [
    "LifecycleHookName",
    "AutoScalingGroupName",
    "LifecycleActionToken",
    "LifecycleActionResult",
    "InstanceId",
  ]);
  const result = requiredString("LifecycleActionResult", input.LifecycleActionResult);
  if (result !== "CONTINUE" && result !== "ABANDON") throw asgErrors.invalidResult(result);
  const { group, instance } = waitingAction(ctx, "CompleteLifecycleAction", input);
  completeAction(ctx, group, instance, result);
  return {};
};

/** RecordLifecycleActionHeartbeat: the action's heartbeat timeout starts again from now. */
export const recordLifecycleActionHeartbeat: AutoScalingOperation<
  RecordLifecycleActionHeartbeatCommandInput,
  RecordLifecycleActionHeartbeatCommandOutput
> = (ctx, input) => {
  refuseUnmodelledAsg("RecordLifecycleActionHeartbeat", input, [
    "LifecycleHookName",
    "AutoScalingGroupName",
    "LifecycleActionToken",
    "InstanceId",
  ]);
  const { instance } = waitingAction(ctx, "RecordLifecycleActionHeartbeat", input);
  instance.action!.deadline = ctx.now + instance.action!.heartbeatSeconds * 1000;
  return {};
};
