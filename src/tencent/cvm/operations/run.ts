import type {
  DataDisk,
  InstanceChargePrepaid,
  InternetAccessible,
  LoginSettings,
  Placement,
  RunInstancesRequest,
  RunInstancesResponse,
  SystemDisk,
  Tag,
  TagSpecification,
  VirtualPrivateCloud,
} from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { uuid } from "../../../kit/entropy.js";
import { refuseUnmodelled } from "../checks.js";
import type { CvmContext, CvmOperation } from "../context.js";
import { cvmErrors } from "../errors.js";
import { isCvmId, newCvmId } from "../model/ids.js";
import { osOfImage } from "../model/images.js";
import type { ChargeType, CvmInstance } from "../model/instance.js";
import {
  checkClientToken,
  checkHostName,
  checkInstanceName,
  checkPassword,
  checkTag,
  checkUserData,
  defaultHostName,
  expandName,
  MAX_DATA_DISKS,
  MAX_INSTANCE_COUNT,
  MAX_TAGS,
} from "../model/limits.js";
import { Params } from "../params.js";

/**
 * RunInstances: the parameters that shape the lifecycle and what
 * DescribeInstances shows (charge type, renewal, zone, project, image,
 * type, disks, the default VPC and security group, public address, name
 * and host name with their patterns, tags, termination protection, count,
 * client token, DryRun). Every other member of the SDK's request type is
 * refused by name (`UnsupportedOperation`); anything not in the API is
 * UnknownParameter.
 */

const runKeys: Record<keyof RunInstancesRequest, true> = {
  InstanceChargeType: true,
  InstanceChargePrepaid: true,
  Placement: true,
  InstanceType: true,
  ImageId: true,
  SystemDisk: true,
  DataDisks: true,
  VirtualPrivateCloud: true,
  InternetAccessible: true,
  InstanceCount: true,
  MinCount: true,
  InstanceName: true,
  LoginSettings: true,
  SecurityGroupIds: true,
  EnhancedService: true,
  ClientToken: true,
  HostName: true,
  ActionTimer: true,
  DisasterRecoverGroupIds: true,
  TagSpecification: true,
  InstanceMarketOptions: true,
  UserData: true,
  Metadata: true,
  DryRun: true,
  CpuTopology: true,
  CamRoleName: true,
  HpcClusterId: true,
  LaunchTemplate: true,
  DedicatedClusterId: true,
  ChcIds: true,
  PartitionNumber: true,
  DisableApiTermination: true,
  EnableJumboFrame: true,
  NetworkInterfaces: true,
};
const placementKeys: Record<keyof Placement, true> = {
  Zone: true,
  ProjectId: true,
  HostIds: true,
  HostId: true,
  DedicatedResourcePackTenancy: true,
  DedicatedResourcePackIds: true,
  RackId: true,
};
const systemDiskKeys: Record<keyof SystemDisk, true> = {
  DiskType: true,
  DiskId: true,
  DiskSize: true,
  CdcId: true,
  DiskName: true,
  Encrypt: true,
  KmsKeyId: true,
};
const dataDiskKeys: Record<keyof DataDisk, true> = {
  DiskSize: true,
  DiskType: true,
  DiskId: true,
  DeleteWithInstance: true,
  SnapshotId: true,
  Encrypt: true,
  KmsKeyId: true,
  ThroughputPerformance: true,
  CdcId: true,
  BurstPerformance: true,
  DiskName: true,
};
const internetKeys: Record<keyof InternetAccessible, true> = {
  InternetChargeType: true,
  InternetMaxBandwidthOut: true,
  PublicIpAssigned: true,
  BandwidthPackageId: true,
  InternetServiceProvider: true,
  IPv4AddressType: true,
  IPv6AddressType: true,
  AntiDDoSPackageId: true,
};
const prepaidKeys: Record<keyof InstanceChargePrepaid, true> = { Period: true, RenewFlag: true };
const tagSpecKeys: Record<keyof TagSpecification, true> = { ResourceType: true, Tags: true };
const tagKeys: Record<keyof Tag, true> = { Key: true, Value: true };
const loginKeys: Record<keyof LoginSettings, true> = { Password: true, KeyIds: true, KeepImageLogin: true };
const vpcKeys: Record<keyof VirtualPrivateCloud, true> = {
  VpcId: true,
  SubnetId: true,
  AsVpcGateway: true,
  PrivateIpAddresses: true,
  Ipv6AddressCount: true,
};

const chargeTypes = ["PREPAID", "POSTPAID_BY_HOUR", "SPOTPAID"] as const;
const diskTypes = [
  "LOCAL_BASIC",
  "LOCAL_SSD",
  "LOCAL_NVME",
  "LOCAL_PRO",
  "CLOUD_BASIC",
  "CLOUD_PREMIUM",
  "CLOUD_SSD",
  "CLOUD_BSSD",
  "CLOUD_HSSD",
  "CLOUD_TSSD",
] as const;
const internetChargeTypes = ["BANDWIDTH_PREPAID", "TRAFFIC_POSTPAID_BY_HOUR", "BANDWIDTH_POSTPAID_BY_HOUR", "BANDWIDTH_PACKAGE"] as const;
/** Subscription periods in months (source: the SDK's error table, `InvalidPeriod`). */
const periods = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36, 48, 60];

/** Defaults of the API (decision where the docs are silent: the smallest type, a premium cloud disk). */
export const RUN_DEFAULTS = Object.freeze({
  instanceType: "S5.SMALL1",
  systemDiskType: "CLOUD_PREMIUM",
  systemDiskSize: 50,
  name: "Unnamed",
});

/**
 * `S5.MEDIUM4` → 2 vCPUs, 4 GiB: the size word gives the vCPUs (SMALL 1,
 * MEDIUM 2, LARGE 4, nXLARGE 4n), the number the memory. Bounded
 * (decision): a family of at most 8 capitals, 3 digits and 3 lowercase
 * letters, n and the memory of at most 3 and 5 digits, so that no type
 * string is long and no figure unbounded (CVM's largest types have
 * multipliers under 1,000 and memory under 100,000 GiB).
 */
export function sizeOfType(type: string): { cpu: number; memory: number } | undefined {
  const match = /^[A-Z]{1,8}[0-9]{0,3}[a-z]{0,3}\.(SMALL|MEDIUM|LARGE|([1-9][0-9]{0,2})XLARGE)([1-9][0-9]{0,4})$/.exec(type);
  if (match === null) return undefined;
  const cpu = match[1] === "SMALL" ? 1 : match[1] === "MEDIUM" ? 2 : match[1] === "LARGE" ? 4 : 4 * Number(match[2]);
  return { cpu, memory: Number(match[3]) };
}

/** What a launch needs besides ids and times, read and checked from the request. */
interface LaunchPlan {
  chargeType: ChargeType;
  periodMonths: number | undefined;
  renewFlag: string | undefined;
  zone: string;
  projectId: number;
  subnetId: string;
  imageId: string;
  instanceType: string;
  size: { cpu: number; memory: number };
  systemDisk: SystemDisk;
  dataDisks: DataDisk[];
  bandwidthOut: number;
  internetChargeType: string;
  wantsPublicIp: boolean;
  count: number;
  /** `InstanceName` as given (undefined: the API's default name). */
  name: string | undefined;
  hostName: string | undefined;
  clientToken: string | undefined;
  tags: Tag[];
  disableApiTermination: boolean;
  /** `LoginSettings.KeyIds`: the key pairs the instances accept (password login off when any). */
  keyIds: string[];
}

/**
 * The members of RunInstancesRequest the mock models, at each level; any
 * other present member is refused by name (issue 13, docs/reference-audit.md).
 */
const modelled = {
  run: [
    "InstanceChargeType",
    "InstanceChargePrepaid",
    "Placement",
    "InstanceType",
    "ImageId",
    "SystemDisk",
    "DataDisks",
    "VirtualPrivateCloud",
    "InternetAccessible",
    "InstanceCount",
    "MinCount",
    "InstanceName",
    "LoginSettings",
    "SecurityGroupIds",
    "ClientToken",
    "HostName",
    "TagSpecification",
    "UserData",
    "DryRun",
    "DisableApiTermination",
  ] satisfies (keyof RunInstancesRequest)[],
  placement: ["Zone", "ProjectId"] satisfies (keyof Placement)[],
  systemDisk: ["DiskType", "DiskSize"] satisfies (keyof SystemDisk)[],
  dataDisk: ["DiskType", "DiskSize", "DeleteWithInstance"] satisfies (keyof DataDisk)[],
  internet: ["InternetChargeType", "InternetMaxBandwidthOut", "PublicIpAssigned"] satisfies (keyof InternetAccessible)[],
  prepaid: ["Period", "RenewFlag"] satisfies (keyof InstanceChargePrepaid)[],
  vpc: ["VpcId", "SubnetId", "AsVpcGateway"] satisfies (keyof VirtualPrivateCloud)[],
  login: ["Password", "KeyIds", "KeepImageLogin"] satisfies (keyof LoginSettings)[],
};

function readPlan(ctx: CvmContext, params: Params): LaunchPlan {
  const chargeType = params.oneOf("InstanceChargeType", chargeTypes) ?? "POSTPAID_BY_HOUR";
  const prepaid = params.object("InstanceChargePrepaid", prepaidKeys);
  const period = prepaid?.integer("Period", 1, 60);
  if (period !== undefined && !periods.includes(period)) throw cvmErrors.invalidValue("InstanceChargePrepaid.Period", period);
  const renewFlag = prepaid?.oneOf("RenewFlag", ["NOTIFY_AND_AUTO_RENEW", "NOTIFY_AND_MANUAL_RENEW", "DISABLE_NOTIFY_AND_MANUAL_RENEW"]);
  if (chargeType === "PREPAID" && period === undefined) throw cvmErrors.missingParameter("InstanceChargePrepaid.Period");
  const placement = params.object("Placement", placementKeys);
  const zone = placement?.string("Zone");
  if (zone === undefined) throw cvmErrors.missingParameter("Placement.Zone");
  const projectId = placement?.integer("ProjectId", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const imageId = params.string("ImageId");
  if (imageId === undefined) throw cvmErrors.missingParameter("ImageId");
  const instanceType = params.string("InstanceType") ?? RUN_DEFAULTS.instanceType;
  const systemDisk = params.object("SystemDisk", systemDiskKeys);
  const dataDisks = params.objects("DataDisks", dataDiskKeys) ?? [];
  const internet = params.object("InternetAccessible", internetKeys);
  const bandwidthOut = internet?.integer("InternetMaxBandwidthOut", 0, 100_000) ?? 0;
  const publicIpAssigned = internet?.boolean("PublicIpAssigned");
  // No public address without bandwidth (source: RunInstances, `InternetAccessible.PublicIpAssigned`).
  if (publicIpAssigned === true && bandwidthOut === 0) throw cvmErrors.invalidValue("InternetAccessible.PublicIpAssigned", true);
  const { tags, otherTypes } = readInstanceTags(params);
  const count = params.integer("InstanceCount", 1, MAX_INSTANCE_COUNT) ?? 1;
  const plan = {
    chargeType,
    periodMonths: period,
    // The renewal flag of a prepaid instance; CVM's default is manual renewal (source: InstanceChargePrepaid.RenewFlag).
    renewFlag: chargeType === "PREPAID" ? (renewFlag ?? "NOTIFY_AND_MANUAL_RENEW") : undefined,
    zone,
    projectId,
    imageId,
    instanceType,
    systemDisk: {
      DiskType: systemDisk?.oneOf("DiskType", diskTypes) ?? RUN_DEFAULTS.systemDiskType,
      DiskId: newCvmId("disk"),
      DiskSize: systemDisk?.integer("DiskSize", 20, 1024) ?? RUN_DEFAULTS.systemDiskSize,
    },
    dataDisks: checkedDataDisks(dataDisks).map((disk) => {
      const DiskSize = disk.integer("DiskSize", 10, 32_000);
      if (DiskSize === undefined) throw cvmErrors.missingParameter(disk.name("DiskSize"));
      return {
        DiskSize,
        DiskType: disk.oneOf("DiskType", diskTypes) ?? "CLOUD_PREMIUM",
        DiskId: newCvmId("disk"),
        DeleteWithInstance: disk.boolean("DeleteWithInstance") ?? true,
      };
    }),
    bandwidthOut,
    internetChargeType: internet?.oneOf("InternetChargeType", internetChargeTypes) ?? "TRAFFIC_POSTPAID_BY_HOUR",
    wantsPublicIp: publicIpAssigned ?? bandwidthOut > 0,
    count,
    name: readInstanceName(params),
    hostName: params.string("HostName"),
    clientToken: params.string("ClientToken"),
    tags,
    disableApiTermination: params.boolean("DisableApiTermination") ?? false,
  };
  params.integer("MinCount", 1, plan.count);
  if (plan.clientToken !== undefined) checkClientToken(plan.clientToken);
  const userData = params.string("UserData");
  if (userData !== undefined) checkUserData(userData);
  const login = params.object("LoginSettings", loginKeys);
  const password = login?.string("Password");
  const keyIds = login?.strings("KeyIds");
  const malformedKey = keyIds?.find((id) => !isCvmId("skey", id));
  if (malformedKey !== undefined) throw cvmErrors.malformedKeyPairId(malformedKey);
  // "Keys and a password cannot be specified at the same time" (the SDK's LoginSettings.KeyIds).
  if (password !== undefined && keyIds !== undefined && keyIds.length > 0)
    throw cvmErrors.combination("LoginSettings.Password", "LoginSettings.KeyIds");
  login?.oneOf("KeepImageLogin", ["TRUE", "FALSE"]);
  const vpc = params.object("VirtualPrivateCloud", vpcKeys);
  const vpcId = vpc?.string("VpcId");
  const subnetId = vpc?.string("SubnetId");
  if (vpc !== undefined && vpcId === undefined) throw cvmErrors.missingParameter("VirtualPrivateCloud.VpcId");
  if (vpc !== undefined && subnetId === undefined) throw cvmErrors.missingParameter("VirtualPrivateCloud.SubnetId");
  const asGateway = vpc?.boolean("AsVpcGateway");
  const securityGroupIds = params.strings("SecurityGroupIds");
  // Never accept silently: what the mock does not model is refused by name, after the values are checked.
  refuseUnmodelled("RunInstances", params, modelled.run);
  if (placement !== undefined) refuseUnmodelled("RunInstances", placement, modelled.placement);
  if (systemDisk !== undefined) refuseUnmodelled("RunInstances", systemDisk, modelled.systemDisk);
  for (const disk of dataDisks) refuseUnmodelled("RunInstances", disk, modelled.dataDisk);
  if (internet !== undefined) refuseUnmodelled("RunInstances", internet, modelled.internet);
  if (prepaid !== undefined) refuseUnmodelled("RunInstances", prepaid, modelled.prepaid);
  if (login !== undefined) refuseUnmodelled("RunInstances", login, modelled.login);
  if (vpc !== undefined) refuseUnmodelled("RunInstances", vpc, modelled.vpc);
  // A VPC gateway (true) is not modelled; false is the default, no gateway.
  if (asGateway === true) throw cvmErrors.unmodelledParameter("RunInstances", "VirtualPrivateCloud.AsVpcGateway");
  // Only instances are tagged: tags for another resource type (a disk, ...) are refused rather than dropped.
  if (otherTypes.length > 0) throw cvmErrors.unmodelledParameter("RunInstances", otherTypes[0]!);
  // Then what the parameters name: the zone, the network, the image, the type.
  const zoneSubnet = ctx.region.network.subnetOf(zone);
  if (zoneSubnet === undefined) throw cvmErrors.zoneMismatch(zone);
  if (vpcId !== undefined && vpcId !== ctx.region.network.vpcId) throw cvmErrors.vpcNotExist(vpcId);
  if (subnetId !== undefined && subnetId !== zoneSubnet) throw cvmErrors.subnetNotExist(subnetId);
  const strangerGroup = securityGroupIds?.find((id) => id !== ctx.region.network.securityGroupId);
  if (strangerGroup !== undefined) throw cvmErrors.securityGroupNotFound(strangerGroup);
  if (!isCvmId("img", imageId)) throw cvmErrors.malformedImageId(imageId);
  if (!ctx.region.images.has(imageId)) throw cvmErrors.imageNotFound(imageId);
  const os = osOfImage(ctx.region.images.get(imageId)!);
  // The password's and the host name's rules are the image's operating system's.
  if (password !== undefined) checkPassword(password, os);
  // "Windows does not support keys" (the SDK's LoginSettings.KeyIds); then each key pair must exist in the region.
  if (keyIds !== undefined && keyIds.length > 0 && os === "windows") throw cvmErrors.keyPairsOnWindows();
  const missingKey = keyIds?.find((id) => ctx.region.keyPairs.get(id) === undefined);
  if (missingKey !== undefined) throw cvmErrors.launchKeyPairNotFound(missingKey);
  if (plan.hostName !== undefined) checkHostName(plan.hostName, os, plan.count);
  const size = sizeOfType(instanceType);
  if (size === undefined) throw cvmErrors.malformedInstanceType(instanceType);
  return { ...plan, subnetId: zoneSubnet, size, keyIds: [...new Set(keyIds ?? [])] };
}

/** `InstanceName`, at most 128 characters. */
function readInstanceName(params: Params): string | undefined {
  const name = params.string("InstanceName");
  if (name !== undefined) checkInstanceName(name);
  return name;
}

/** `DataDisks`: at most 21. */
function checkedDataDisks(disks: Params[]): Params[] {
  if (disks.length > MAX_DATA_DISKS) throw cvmErrors.limitExceeded("DataDisks", disks.length, MAX_DATA_DISKS);
  return disks;
}

/**
 * The tags of `TagSpecification` with `ResourceType: "instance"`, the only
 * resource the mock tags; every spec's tags are checked against the tag
 * rules all the same, and the name of each other spec's `ResourceType` is
 * returned so that it can be refused once every value is checked. A key
 * given twice for the instance is refused (decision), and at most 50 tags
 * land on it.
 */
function readInstanceTags(params: Params): { tags: Tag[]; otherTypes: string[] } {
  const tags = new Map<string, string>();
  const otherTypes: string[] = [];
  for (const spec of params.objects("TagSpecification", tagSpecKeys) ?? []) {
    const type = spec.string("ResourceType");
    if (type === undefined) throw cvmErrors.missingParameter(spec.name("ResourceType"));
    if (type !== "instance") otherTypes.push(spec.name("ResourceType"));
    for (const tag of spec.objects("Tags", tagKeys) ?? []) {
      const Key = tag.string("Key");
      const Value = tag.string("Value");
      if (Key === undefined) throw cvmErrors.missingParameter(tag.name("Key"));
      if (Value === undefined) throw cvmErrors.missingParameter(tag.name("Value"));
      checkTag(tag.name("Key"), tag.name("Value"), Key, Value);
      if (type !== "instance") continue;
      if (tags.has(Key)) throw cvmErrors.duplicateTag(spec.name("Tags"), Key);
      tags.set(Key, Value);
    }
  }
  if (tags.size > MAX_TAGS) throw cvmErrors.limitExceeded("TagSpecification", tags.size, MAX_TAGS);
  return { tags: [...tags].map(([Key, Value]) => ({ Key, Value })), otherTypes };
}

/** Extra launch knobs the mock's `launch()` control adds to RunInstances (never on the wire). */
export interface LaunchExtras {
  /** The launch fails: PENDING, then LAUNCH_FAILED. */
  launchFails?: boolean;
}

/**
 * RunInstances with the mock's extras: every check first, then every
 * instance, PENDING until launched. A `ClientToken` seen before answers the
 * ids of its first launch and launches nothing (source: "a string that
 * ensures the request's idempotency"; answering regardless of the other
 * parameters is a decision, as CVM documents no mismatch error).
 */
export function runWith(ctx: CvmContext, input: unknown, extras: LaunchExtras = {}): Omit<RunInstancesResponse, "RequestId"> {
  const params = Params.of(input, runKeys);
  const plan = readPlan(ctx, params);
  if (params.boolean("DryRun") === true) throw cvmErrors.dryRun();
  const region = ctx.region;
  if (plan.clientToken !== undefined) {
    const earlier = region.clientTokens.get(plan.clientToken);
    if (earlier !== undefined) return { InstanceIdSet: [...earlier] };
  }
  const image = region.images.get(plan.imageId)!;
  const os = osOfImage(image);
  const ids: string[] = [];
  for (let n = 0; n < plan.count; n++) {
    const instanceId = newCvmId("ins");
    const machine = region.engine.launch(instanceId, os, { action: "RunInstances" });
    const privateIp = region.network.takePrivateIp(plan.zone);
    const instance: CvmInstance = {
      instanceId,
      uuid: uuid(),
      machine,
      image,
      instanceType: plan.instanceType,
      cpu: plan.size.cpu,
      memory: plan.size.memory,
      // The API's default name is one fixed word; a given name gets its patterns or suffixes.
      name: plan.name === undefined ? RUN_DEFAULTS.name : expandName(plan.name, n, plan.count),
      hostName: plan.hostName === undefined ? defaultHostName(privateIp, os) : expandName(plan.hostName, n, plan.count, privateIp),
      projectId: plan.projectId,
      chargeType: plan.chargeType,
      renewFlag: plan.renewFlag,
      zone: plan.zone,
      subnetId: plan.subnetId,
      systemDisk: { ...plan.systemDisk, DiskId: n === 0 ? plan.systemDisk.DiskId : newCvmId("disk") },
      dataDisks: plan.dataDisks.map((disk) => ({ ...disk, DiskId: n === 0 ? disk.DiskId : newCvmId("disk") })),
      privateIp,
      wantsPublicIp: plan.wantsPublicIp,
      publicIp: plan.wantsPublicIp ? region.network.takePublicIp() : undefined,
      bandwidthOut: plan.bandwidthOut,
      internetChargeType: plan.internetChargeType,
      tags: plan.tags.map((tag) => ({ ...tag })),
      createdTime: ctx.now,
      expiredTime: plan.periodMonths === undefined || plan.chargeType !== "PREPAID" ? undefined : addMonths(ctx.now, plan.periodMonths),
      disableApiTermination: plan.disableApiTermination,
      launchFails: extras.launchFails === true,
      launchFailed: false,
      isolated: false,
      isolating: false,
      stoppedMode: undefined,
      operation: { action: "RunInstances", requestId: ctx.requestId, state: "OPERATING" },
      keyIds: [...plan.keyIds],
      login: { passwordLogin: plan.keyIds.length === 0 },
      pending: undefined,
    };
    region.instances.set(instanceId, instance);
    ids.push(instanceId);
  }
  if (plan.clientToken !== undefined) region.clientTokens.set(plan.clientToken, [...ids]);
  return { InstanceIdSet: ids };
}

function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

/** RunInstances as the API answers it. */
export const runInstances: CvmOperation<RunInstancesResponse> = (ctx, input) => runWith(ctx, input);
