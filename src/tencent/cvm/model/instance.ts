import type { DataDisk, Instance, SystemDisk, Tag } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import type { Engine } from "../../../engine/engine.js";
import type { CvmMachine, ShutdownChangeAction } from "./causes.js";
import type { CvmImage } from "./images.js";
import type { CvmNetwork } from "./network.js";
import type { CvmState } from "./states.js";

/** How an instance is billed (`InstanceChargeType`). */
export type ChargeType = "PREPAID" | "POSTPAID_BY_HOUR" | "SPOTPAID";

/**
 * `LatestOperationState`.
 * @public
 */
export type OperationState = "SUCCESS" | "OPERATING" | "FAILED";

/**
 * The latest API operation on an instance, as DescribeInstances shows it.
 * Operations that change the state settle when the engine reports the
 * arrival; a reboot, which changes no state, settles at `settlesAt`.
 */
export interface LatestOperation {
  /** The action, e.g. `StopInstances`. */
  action: string;
  /** The request id of the call. */
  requestId: string;
  /** Where it stands. */
  state: OperationState;
  /** Why it failed (FAILED only). */
  errorMsg?: string;
  /** A reboot: when it settles, and how. */
  settlesAt?: number;
  /** A reboot: the state it settles in. */
  outcome?: { state: OperationState; errorMsg?: string };
}

/** An instance as the CVM front knows it: the engine's machine plus what only CVM shows. */
export interface CvmInstance {
  readonly instanceId: string;
  readonly uuid: string;
  readonly machine: CvmMachine;
  readonly image: CvmImage;
  /** `InstanceType` (ResetInstancesType changes it, with CPU and memory). */
  instanceType: string;
  cpu: number;
  memory: number;
  /** `InstanceName` (ModifyInstancesAttribute changes it). */
  name: string;
  /** `HostName`, after its patterns are expanded (ModifyInstancesAttribute changes it). */
  hostName: string;
  /** `Placement.ProjectId` (0, the default project, unless given). */
  readonly projectId: number;
  readonly chargeType: ChargeType;
  /** `InstanceChargePrepaid.RenewFlag` of a prepaid instance. */
  readonly renewFlag: string | undefined;
  readonly zone: string;
  readonly subnetId: string;
  readonly systemDisk: SystemDisk;
  readonly dataDisks: DataDisk[];
  readonly privateIp: string;
  /** Whether the instance has a public address while not stopped without charges. */
  readonly wantsPublicIp: boolean;
  publicIp: string | undefined;
  readonly bandwidthOut: number;
  readonly internetChargeType: string;
  readonly tags: Tag[];
  readonly createdTime: number;
  /** Prepaid instances only: when the subscription ends. */
  readonly expiredTime: number | undefined;
  /** Termination protection (ModifyInstancesAttribute changes it). */
  disableApiTermination: boolean;
  /** Set at launch to make the launch fail (LAUNCH_FAILED). */
  readonly launchFails: boolean;
  /** The launch has failed. */
  launchFailed: boolean;
  /** A prepaid instance moved to the recycle bin by TerminateInstances (SHUTDOWN). */
  isolated: boolean;
  /** Powering off on its way to the recycle bin. */
  isolating: boolean;
  /** The StoppedMode of the stop under way or last completed; undefined for other stops. */
  stoppedMode: "KEEP_CHARGING" | "STOP_CHARGING" | undefined;
  /** The latest API operation. */
  operation: LatestOperation | undefined;
  /** The key pairs whose public keys the instance accepts (`LoginSettings.KeyIds`), in association order. */
  keyIds: string[];
  /** How the guest's administrator logs in: password login ends when a key pair is associated, and comes back when the last one goes. */
  login: CvmLogin;
  /** A change that needs the instance shut down, waiting for the stop (and the start after) that carry it out. */
  pending: PendingChange | undefined;
}

/**
 * What the mock knows of an instance's login besides its key pairs: whether
 * a password still logs in, and the last password reset (the user and
 * when; the password itself is not kept).
 * @public
 */
export interface CvmLogin {
  /** Whether the administrator can log in with a password (false while a key pair is associated). */
  passwordLogin: boolean;
  /** The user whose password ResetInstancesPassword last set, and when (mock time, ms). */
  lastPasswordReset?: { userName: string; at: number };
}

/** What a change made while the instance is shut down does to it, applied when the instance is STOPPED. */
export type InstanceChange =
  | { kind: "type"; instanceType: string; cpu: number; memory: number }
  | { kind: "password"; userName: string }
  | { kind: "associate"; keyIds: readonly string[] }
  | { kind: "disassociate"; keyIds: readonly string[] };

/**
 * A change under way that needs the instance shut down: the operation's
 * action, the change, and whether the instance is started once the change
 * is made (ResetInstancesType always; the other actions when ForceStop
 * stopped a running instance).
 */
export interface PendingChange {
  action: ShutdownChangeAction;
  change: InstanceChange;
  restart: boolean;
}

/** Makes a change on a STOPPED instance (the front calls it when the stop that carries it arrives, or at once). */
export function applyChange(instance: CvmInstance, change: InstanceChange, at: number): void {
  switch (change.kind) {
    case "type":
      instance.instanceType = change.instanceType;
      instance.cpu = change.cpu;
      instance.memory = change.memory;
      return;
    case "password":
      instance.login.lastPasswordReset = { userName: change.userName, at };
      return;
    case "associate":
      // "If the instance is already associated with a key, the old key will become invalid" (AssociateInstancesKeyPairs).
      instance.keyIds = [...change.keyIds];
      instance.login.passwordLogin = false;
      return;
    case "disassociate":
      instance.keyIds = instance.keyIds.filter((id) => !change.keyIds.includes(id));
      if (instance.keyIds.length === 0) instance.login.passwordLogin = true;
      return;
  }
}

/** Disk types on the host's own disks: "no charges when shut down" needs cloud disks only (source: CVM StopInstances, StoppedMode). */
const localDiskTypes = new Set(["LOCAL_BASIC", "LOCAL_SSD", "LOCAL_NVME", "LOCAL_PRO"]);

/** Whether the instance may stop without charges: pay-as-you-go, every disk a cloud disk. */
export function supportsStopCharging(instance: CvmInstance): boolean {
  const disks = [instance.systemDisk, ...instance.dataDisks];
  return instance.chargeType === "POSTPAID_BY_HOUR" && disks.every((disk) => !localDiskTypes.has(disk.DiskType ?? ""));
}

/** The latest operation as of `now`: a reboot whose time has come has settled. */
export function operationAt(instance: CvmInstance, now: number): LatestOperation | undefined {
  const op = instance.operation;
  if (op?.state === "OPERATING" && op.settlesAt !== undefined && op.outcome !== undefined && now >= op.settlesAt) {
    instance.operation = { action: op.action, requestId: op.requestId, ...op.outcome };
  }
  return instance.operation;
}

/** `YYYY-MM-DDThh:mm:ssZ`, the format CVM dates use. */
function cvmTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Fields CVM documents as "may return null" are `null` when empty, as the
 * API sends them; the SDK's types say optional, so the null is cast.
 */
const NULL = null as never;

/** The SDK's `Instance` for a record in a given state. */
export function renderInstance(instance: CvmInstance, state: CvmState, network: CvmNetwork, now: number): Instance {
  const op = operationAt(instance, now);
  const windows = instance.machine.os === "windows";
  return {
    Placement: { Zone: instance.zone, ProjectId: instance.projectId },
    InstanceId: instance.instanceId,
    InstanceType: instance.instanceType,
    CPU: instance.cpu,
    Memory: instance.memory,
    RestrictState: "NORMAL",
    InstanceName: instance.name,
    InstanceChargeType: instance.chargeType,
    SystemDisk: { ...instance.systemDisk },
    DataDisks: instance.dataDisks.map((disk) => ({ ...disk })),
    PrivateIpAddresses: [instance.privateIp],
    PublicIpAddresses: instance.publicIp === undefined ? NULL : [instance.publicIp],
    InternetAccessible: {
      InternetChargeType: instance.internetChargeType,
      InternetMaxBandwidthOut: instance.bandwidthOut,
      PublicIpAssigned: instance.wantsPublicIp,
    },
    VirtualPrivateCloud: { VpcId: network.vpcId, SubnetId: instance.subnetId, AsVpcGateway: false },
    ImageId: instance.image.ImageId,
    RenewFlag: instance.renewFlag ?? NULL,
    CreatedTime: cvmTime(instance.createdTime),
    ExpiredTime: instance.expiredTime === undefined ? NULL : cvmTime(instance.expiredTime),
    OsName: instance.image.OsName ?? (windows ? "Windows Server" : "Linux"),
    SecurityGroupIds: [network.securityGroupId],
    LoginSettings: { KeyIds: instance.keyIds.length === 0 ? NULL : [...instance.keyIds] },
    InstanceState: state,
    Tags: instance.tags.map((tag) => ({ ...tag })),
    StopChargingMode: stopChargingModeOf(instance, state),
    Uuid: instance.uuid,
    LatestOperation: op?.action ?? NULL,
    LatestOperationState: op?.state ?? NULL,
    LatestOperationRequestId: op?.requestId ?? NULL,
    LatestOperationErrorMsg: op?.errorMsg ?? NULL,
    IPv6Addresses: NULL,
    CamRoleName: NULL,
    DisasterRecoverGroupId: "",
    IsolatedSource: instance.isolated ? "MANMADE" : "NOTISOLATED",
    DisableApiTermination: instance.disableApiTermination,
    HostName: instance.hostName,
    DefaultLoginUser: windows ? "Administrator" : "root",
    DefaultLoginPort: windows ? 3389 : 22,
  };
}

/**
 * The CVM state of an instance from its engine phase: the engine's
 * `running` is REBOOTING while the guest reboots, a stopped prepaid
 * instance in the recycle bin is SHUTDOWN, and a launch that failed stays
 * LAUNCH_FAILED. Terminated machines are gone from the front, so they have
 * no state here.
 */
export function cvmStateOf(instance: CvmInstance, engine: Engine, now: number): CvmState {
  const machine = instance.machine;
  if (instance.launchFailed) return "LAUNCH_FAILED";
  switch (machine.phase) {
    case "launching":
      return "PENDING";
    case "starting":
      return "STARTING";
    case "running":
      return engine.isRebooting(machine, now) ? "REBOOTING" : "RUNNING";
    case "stopping":
      return "STOPPING";
    case "stopped":
      return instance.isolated ? "SHUTDOWN" : "STOPPED";
    default:
      return "TERMINATING";
  }
}

/**
 * `StopChargingMode`: the mode of the stop that left the instance STOPPED,
 * or NOT_APPLICABLE when it is not stopped or cannot stop charging
 * (prepaid, local disks; source: the SDK's `Instance.StopChargingMode`).
 */
export function stopChargingModeOf(instance: CvmInstance, state: CvmState): string {
  if (state !== "STOPPED" || instance.stoppedMode === undefined) return "NOT_APPLICABLE";
  return instance.stoppedMode;
}
