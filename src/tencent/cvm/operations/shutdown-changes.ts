import type {
  ModifyInstancesAttributeRequest,
  ModifyInstancesAttributeResponse,
  ResetInstancesPasswordRequest,
  ResetInstancesPasswordResponse,
  ResetInstancesTypeRequest,
  ResetInstancesTypeResponse,
} from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { batchIds, beginOperation, findInstances, refuseUnmodelled, requireStates } from "../checks.js";
import type { CvmContext, CvmOperation } from "../context.js";
import { cvmErrors } from "../errors.js";
import type { CvmStopType, ShutdownChangeAction } from "../model/causes.js";
import { applyChange, type CvmInstance, type InstanceChange, supportsStopCharging } from "../model/instance.js";
import { checkHostName, checkResetPassword, checkUserData } from "../model/limits.js";
import { Params } from "../params.js";
import { engineModes } from "./lifecycle.js";
import { sizeOfType } from "./run.js";

/**
 * The CVM operations whose change needs the instance shut down
 * (ResetInstancesType, ResetInstancesPassword; the key pair associations in
 * ./keypairs.ts share the mechanism) and ModifyInstancesAttribute. Each
 * takes a STOPPED instance; `ForceStop` lets it take a RUNNING one, which it
 * stops first (the forced shutdown the action documents, costed by the guest
 * model: a cooperative guest stops cleanly, a refusing one is cut off after
 * the soft-shutdown window and boots with a disk check), changes, and
 * starts again. LatestOperation stays OPERATING until the instance is back;
 * see docs/behaviour.md, "Tencent Cloud CVM: changes that need a shut-down
 * instance".
 */

/**
 * Starts a change that needs the instance shut down, once every check has
 * passed. A RUNNING instance (the caller allowed it: `ForceStop`) is
 * stopped with `forceStop`'s StopType, the change made when it arrives in
 * STOPPED, and the instance started again. A STOPPED instance changes at
 * once: ResetInstancesType then starts it ("the instance shows RUNNING once
 * the change is done, no need to start it"), the other actions leave it
 * STOPPED with the operation SUCCESS.
 */
export function beginShutdownChange(
  ctx: CvmContext,
  instance: CvmInstance,
  action: ShutdownChangeAction,
  change: InstanceChange,
  options: { forceStop: CvmStopType; startsWhenStopped?: boolean },
): void {
  const engine = ctx.region.engine;
  beginOperation(ctx, instance, action);
  if (ctx.region.stateOf(instance, ctx.now) === "RUNNING") {
    instance.pending = { action, change, restart: true };
    // A forced stop keeps charging (it is no StopInstances with STOP_CHARGING).
    instance.stoppedMode = supportsStopCharging(instance) ? "KEEP_CHARGING" : undefined;
    engine.stop(instance.machine, engineModes[options.forceStop], { action, stopType: options.forceStop });
    return;
  }
  applyChange(instance, change, ctx.now);
  if (options.startsWhenStopped === true) {
    instance.pending = { action, change, restart: true };
    instance.stoppedMode = undefined;
    engine.start(instance.machine, { action });
    return;
  }
  instance.operation = { action, requestId: ctx.requestId, state: "SUCCESS" };
}

/** System disk types ResetInstancesType takes (source: ResetInstancesType). */
const resizableSystemDisks = ["CLOUD_BASIC", "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_BSSD"];

/** `S5.MEDIUM4` → `S5`: the instance family. */
function familyOf(instanceType: string): string {
  return instanceType.slice(0, instanceType.indexOf("."));
}

const typeKeys: Record<keyof ResetInstancesTypeRequest, true> = { InstanceIds: true, InstanceType: true, ForceStop: true };

/**
 * ResetInstancesType: one instance per request, a well-formed type, a
 * cloud system disk; STOPPED, or RUNNING with `ForceStop` ("force after a
 * normal shutdown fails": SOFT_FIRST). The instance is RUNNING again when
 * the operation succeeds. An instance stopped without charges changes only
 * within its family.
 */
export const resetInstancesType: CvmOperation<ResetInstancesTypeResponse> = (ctx, input) => {
  const params = Params.of(input, typeKeys);
  // "This API currently supports one instance per request."
  const ids = batchIds(params, "InstanceIds", true, 1)!;
  const instanceType = params.string("InstanceType");
  if (instanceType === undefined) throw cvmErrors.missingParameter("InstanceType");
  const forceStop = params.boolean("ForceStop") ?? false;
  const size = sizeOfType(instanceType);
  if (size === undefined) throw cvmErrors.malformedInstanceType(instanceType);
  const instances = findInstances(ctx, ids);
  for (const instance of instances) {
    const diskType = instance.systemDisk.DiskType ?? "";
    if (!resizableSystemDisks.includes(diskType)) throw cvmErrors.systemDiskType(instance.instanceId, diskType);
  }
  requireStates(ctx, instances, forceStop ? ["STOPPED", "RUNNING"] : ["STOPPED"]);
  for (const instance of instances) {
    const stoppedFree = ctx.region.stateOf(instance, ctx.now) === "STOPPED" && instance.stoppedMode === "STOP_CHARGING";
    if (stoppedFree && familyOf(instance.instanceType) !== familyOf(instanceType))
      throw cvmErrors.stopChargingSameFamily(instance.instanceId, instance.instanceType, instanceType);
  }
  for (const instance of instances) {
    beginShutdownChange(
      ctx,
      instance,
      "ResetInstancesType",
      { kind: "type", instanceType, cpu: size.cpu, memory: size.memory },
      { forceStop: "SOFT_FIRST", startsWhenStopped: true },
    );
  }
  return {};
};

/** The administrator a password reset applies to by default: Administrator on Windows, ubuntu on Ubuntu, root elsewhere (source: ResetInstancesPassword). */
function defaultUserName(instance: CvmInstance): string {
  if (instance.machine.os === "windows") return "Administrator";
  return /ubuntu/i.test(`${instance.image.OsName ?? ""} ${instance.image.Platform ?? ""}`) ? "ubuntu" : "root";
}

/** `UserName`: at most 64 characters (source: ResetInstancesPassword). */
const MAX_USER_NAME_LENGTH = 64;

const passwordKeys: Record<keyof ResetInstancesPasswordRequest, true> = {
  InstanceIds: true,
  Password: true,
  UserName: true,
  ForceStop: true,
};

/**
 * ResetInstancesPassword: up to 100 instances to one password, checked
 * against the Windows rules when the batch holds a Windows instance;
 * STOPPED, or RUNNING with `ForceStop` (SOFT_FIRST, then started again).
 * The mock records who and when, never the password.
 */
export const resetInstancesPassword: CvmOperation<ResetInstancesPasswordResponse> = (ctx, input) => {
  const params = Params.of(input, passwordKeys);
  const ids = batchIds(params)!;
  const password = params.string("Password");
  if (password === undefined) throw cvmErrors.missingParameter("Password");
  const userName = params.string("UserName");
  if (userName !== undefined && userName.length > MAX_USER_NAME_LENGTH) throw cvmErrors.tooLong("UserName", MAX_USER_NAME_LENGTH);
  const forceStop = params.boolean("ForceStop") ?? false;
  const instances = findInstances(ctx, ids);
  // "If the instances include both Linux and Windows instances, the Windows rules apply."
  const windows = instances.find((instance) => instance.machine.os === "windows");
  checkResetPassword(
    password,
    windows === undefined ? "linux" : "windows",
    userName ?? (windows === undefined ? "" : defaultUserName(windows)),
  );
  requireStates(ctx, instances, forceStop ? ["STOPPED", "RUNNING"] : ["STOPPED"]);
  for (const instance of instances) {
    const change: InstanceChange = { kind: "password", userName: userName ?? defaultUserName(instance) };
    beginShutdownChange(ctx, instance, "ResetInstancesPassword", change, { forceStop: "SOFT_FIRST" });
  }
  return {};
};

/** `InstanceName` of ModifyInstancesAttribute: at most 60 characters (source: ModifyInstancesAttribute). */
export const MAX_MODIFIED_NAME_LENGTH = 60;

const modifyKeys: Record<keyof ModifyInstancesAttributeRequest, true> = {
  InstanceIds: true,
  InstanceName: true,
  UserData: true,
  SecurityGroups: true,
  CamRoleName: true,
  HostName: true,
  DisableApiTermination: true,
  CamRoleType: true,
  AutoReboot: true,
  EnableJumboFrame: true,
};

/** The attributes ModifyInstancesAttribute modifies in the mock; one of them must be given. */
const modifiable = ["InstanceName", "UserData", "SecurityGroups", "HostName", "DisableApiTermination"] as const;

/**
 * ModifyInstancesAttribute: the name, the host name, termination
 * protection, user data and security groups (the default group is the only
 * one), on a RUNNING or STOPPED instance. A new host name restarts a running
 * instance at once unless `AutoReboot` is false ("the instance restarts
 * immediately after hostname modification"); the operation is OPERATING
 * until that reboot ends. CAM roles and jumbo frames are refused by name.
 */
export const modifyInstancesAttribute: CvmOperation<ModifyInstancesAttributeResponse> = (ctx, input) => {
  const params = Params.of(input, modifyKeys);
  const ids = batchIds(params)!;
  const name = params.string("InstanceName");
  if (name !== undefined && name.length > MAX_MODIFIED_NAME_LENGTH) throw cvmErrors.instanceNameTooLong(MAX_MODIFIED_NAME_LENGTH);
  const userData = params.string("UserData");
  if (userData !== undefined) checkUserData(userData);
  const groups = params.strings("SecurityGroups");
  const hostName = params.string("HostName");
  const protect = params.boolean("DisableApiTermination");
  const autoReboot = params.boolean("AutoReboot") ?? true;
  params.string("CamRoleName");
  params.string("CamRoleType");
  params.boolean("EnableJumboFrame");
  refuseUnmodelled("ModifyInstancesAttribute", params, ["InstanceIds", ...modifiable, "AutoReboot"]);
  if (!modifiable.some((key) => params.has(key))) throw cvmErrors.noAttribute(modifiable);
  const instances = findInstances(ctx, ids);
  if (hostName !== undefined) for (const instance of instances) checkHostName(hostName, instance.machine.os);
  const stranger = groups?.find((id) => id !== ctx.region.network.securityGroupId);
  if (stranger !== undefined) throw cvmErrors.securityGroupNotFound(stranger);
  requireStates(ctx, instances, ["RUNNING", "STOPPED"]);
  for (const instance of instances) {
    if (name !== undefined) instance.name = name;
    if (protect !== undefined) instance.disableApiTermination = protect;
    if (hostName !== undefined) instance.hostName = hostName;
    const reboots = hostName !== undefined && autoReboot && ctx.region.stateOf(instance, ctx.now) === "RUNNING";
    if (!reboots) {
      instance.operation = { action: "ModifyInstancesAttribute", requestId: ctx.requestId, state: "SUCCESS" };
      continue;
    }
    // The restart that carries the new host name: soft first, forced when the guest does not answer (decision).
    ctx.region.engine.reboot(instance.machine, { action: "ModifyInstancesAttribute" }, engineModes.SOFT_FIRST);
    instance.operation = {
      action: "ModifyInstancesAttribute",
      requestId: ctx.requestId,
      state: "OPERATING",
      settlesAt: instance.machine.rebootUntil ?? ctx.now,
      outcome: { state: "SUCCESS" },
    };
  }
  return {};
};
