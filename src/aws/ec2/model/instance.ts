import type {
  AttachmentStatus,
  Instance,
  InstanceBlockDeviceMapping,
  InstanceNetworkInterface,
  InstancePrivateIpAddress,
  InstanceStateName,
  StateReason,
} from "@aws-sdk/client-ec2";
import {
  array,
  boolean,
  type Codec,
  date,
  literal,
  nullable,
  number,
  object,
  optional,
  string,
  type ValuesOf,
} from "../../../engine/record.js";
import { machineCodecOf } from "../../../engine/snapshot.js";
import { orderedLiteral } from "../../../kit/ordered-literal.js";
import { readEc2Request } from "./causes.js";
import { derivedInterfaceId, derivedMacAddress, instanceIdOfInterface } from "./ids.js";
import type { MockImage } from "./images.js";
import type { InstanceTypeInfo } from "./instance-types.js";
import { type LaunchOptions, launchOptionsCodec } from "./launch-options.js";
import { currentMetadataOptions, metadataChangeCodec } from "./metadata-options.js";
import type { Subnet } from "./network.js";
import { tagsField } from "./tags.js";

/**
 * The attachment of an EBS volume to an instance (the root or a data volume).
 * The volume itself (size, type, tags, times) lives in the region's volume
 * store (`src/aws/ec2/model/volumes.ts`); this very object is both an entry of the
 * instance's `volumes` and the volume's `attachment`, so there is one source
 * of truth for the device and DeleteOnTermination.
 */
export interface AttachedVolume {
  /** The volume's id. */
  readonly volumeId: string;
  /** The instance it is attached to. */
  readonly instanceId: string;
  /** The device name it is attached at. */
  deviceName: string;
  /** Whether TerminateInstances deletes it. */
  deleteOnTermination: boolean;
  /** When it was attached (the launch). */
  attachTime: Date;
  /** When DetachVolume began to detach it; absent while it stays attached. */
  detachTime?: Date | undefined;
  /** Set by AttachVolume (its attachment is `attaching` for a while); absent for a launch's. */
  byAttachVolume?: boolean | undefined;
}

/** Why an instance is in its state (EC2's `StateReason`). */
const stateReasonField: Codec<StateReason> = object({
  Code: optional(string, { nullIsAbsent: true }),
  Message: optional(string, { nullIsAbsent: true }),
});

/**
 * An instance's fields, declared once, in the order a snapshot writes them:
 * the record's type ({@link Ec2Instance}), its snapshot form (`InstanceJson`)
 * and the checks on restore come from here. Five are held as ids or
 * defaults and linked on restore (see {@link LinkedFields}).
 */
export const instanceRecord = object({
  /** The instance id (the machine's id). */
  instanceId: string,
  /** The reservation it was launched in. */
  reservationId: string,
  /** Its place in that reservation (`AmiLaunchIndex`). */
  launchIndex: number,
  /** The image it was launched from (the record holds the image). */
  imageId: string,
  /** The instance type. */
  instanceType: string,
  /** When RunInstances created it. */
  createdAt: date,
  /** The last time it was launched or started (EC2's `LaunchTime`). */
  launchTime: date,
  /** Its zone (the record holds its subnet). */
  availabilityZone: string,
  /** Its subnet (absent in snapshots written before issue 15: the default subnet of its zone). */
  subnetId: optional(string),
  /** Its primary private IPv4, kept for life. */
  privateIp: string,
  /** Its auto-assigned public IPv4 while it has one. */
  publicIp: nullable(string),
  /** Whether it gets an auto-assigned public IPv4 when running. */
  wantsPublicIp: boolean,
  /** Its Elastic IP's allocation id (the address record holds the rest). */
  elasticIpAllocationId: nullable(string),
  /** The primary network interface's id. */
  networkInterfaceId: string,
  /** Its MAC address. */
  macAddress: string,
  /** Its security groups' ids (absent in snapshots written before issue 15: the default VPC's default group). */
  securityGroupIds: optional(array(string)),
  /** Its key pair, if any. */
  keyName: nullable(string),
  /** The idempotency token of the launch. */
  clientToken: string,
  /** Whether it may hibernate (fixed at launch). */
  hibernationConfigured: boolean,
  /** Absent in snapshots written before issue 13: the image's defaults. */
  launchOptions: optional(launchOptionsCodec, { nullIsAbsent: true }),
  /** Attached volume ids, root first (each volume holds its attachment). */
  volumeIds: array(string),
  /**
   * Its tags, in the order they were set. Never written into: instances
   * launched together share one map (memory at scale), and `Ec2Region.setTags`
   * replaces it whole, keeping the tag index current.
   */
  tags: tagsField,
  /** Why it is in its state (EC2's `StateReason`), when EC2 says. */
  stateReason: nullable(stateReasonField),
  /** EC2's `StateTransitionReason`: `""` or `User initiated (… GMT)`. */
  stateTransitionReason: string,
  /** Base64 user data, or undefined for none. */
  userData: nullable(string),
  /** Stop protection. */
  disableApiStop: boolean,
  /** Termination protection. */
  disableApiTermination: boolean,
  /** What a shutdown from inside the OS does. */
  shutdownBehavior: literal("stop", "terminate"),
  /** Source/destination checking; undefined is EC2's default, `true` (read it with `sourceDestCheckOf`). Written only once ModifyInstanceAttribute has set it (older snapshots lack it). */
  sourceDestCheck: optional(boolean),
  /** EBS optimization as ModifyInstanceAttribute set it; undefined is as launched (read it with `ebsOptimizedOf`). Written only once set. */
  ebsOptimized: optional(boolean),
  /** Enhanced networking with ENA; undefined is the image's `EnaSupport` (read it with `enaSupportOf`). Written only once set. */
  enaSupport: optional(boolean),
  /** The last ModifyInstanceMetadataOptions change; undefined: the launch's options. Written only once set. */
  metadataChange: optional(metadataChangeCodec),
  /** The engine's record: phase, timing, guest. */
  machine: machineCodecOf(readEc2Request),
});

/** An instance's declared fields, as read from a snapshot (before linking). */
export type InstanceFields = ValuesOf<typeof instanceRecord.fields>;

/** The fields a snapshot holds as ids (or omits: launch options), which the record holds as objects. */
export type LinkedFields =
  | "imageId"
  | "availabilityZone"
  | "subnetId"
  | "elasticIpAllocationId"
  | "volumeIds"
  | "launchOptions"
  | "securityGroupIds";

/** The instance attributes EC2 lets ModifyInstanceAttribute change. */
export interface MutableAttributes
  extends Pick<
    InstanceFields,
    | "instanceType"
    | "userData"
    | "disableApiStop"
    | "disableApiTermination"
    | "shutdownBehavior"
    | "sourceDestCheck"
    | "ebsOptimized"
    | "enaSupport"
  > {}

/** Whether source/destination checking is on (EC2's default: on). */
export function sourceDestCheckOf(instance: MutableAttributes): boolean {
  return instance.sourceDestCheck ?? true;
}

/** Whether the instance is EBS-optimized: as last modified, else as launched (`EbsOptimized`). */
export function ebsOptimizedOf(instance: MutableAttributes & { readonly launchOptions: LaunchOptions }): boolean {
  return instance.ebsOptimized ?? instance.launchOptions.ebsOptimized;
}

/** Whether enhanced networking with ENA is enabled: as set, else as the image was registered. */
export function enaSupportOf(instance: MutableAttributes & { readonly image: MockImage }): boolean {
  return instance.enaSupport ?? instance.image.EnaSupport !== false;
}

/** The declared fields the record holds only when they are not derived from the instance id (issue 22 (e)). */
type DerivedFields = "networkInterfaceId" | "macAddress";

/** The declared fields that change after launch besides {@link MutableAttributes}. */
type ChangingFields = "launchTime" | "publicIp" | "stateReason" | "stateTransitionReason" | "metadataChange";

/**
 * Everything the EC2 front keeps of one instance, beside the engine's
 * machine: the declared fields ({@link instanceRecord}; read-only unless
 * they change after launch), and the objects the linked ones stand for.
 */
export interface Ec2Instance
  extends MutableAttributes,
    Pick<InstanceFields, ChangingFields>,
    Readonly<Omit<InstanceFields, LinkedFields | ChangingFields | keyof MutableAttributes | DerivedFields>> {
  /**
   * The primary network interface's id when it is not derived from the
   * instance id (an id not of 17 digits; a snapshot's differing one); read
   * it with {@link interfaceIdOf}. Snapshots write the derived one.
   */
  readonly networkInterfaceId: string | undefined;
  /** Its MAC address when not derived, as `networkInterfaceId`; read it with {@link macAddressOf}. */
  readonly macAddress: string | undefined;
  /** The image it was launched from. */
  readonly image: MockImage;
  /** What the mock knows of its type. */
  typeInfo: InstanceTypeInfo;
  /** Its subnet (and through it, its VPC). */
  readonly subnet: Subnet;
  /**
   * The Elastic IP associated with its primary interface, if any (written by
   * the region's address store only). While set, `publicIp` is undefined.
   */
  elasticIp?: { readonly allocationId: string; readonly publicIp: string } | undefined;
  /** What RunInstances recorded of its options (metadata, monitoring, ...), shared by its launch. */
  readonly launchOptions: LaunchOptions;
  /** EBS volumes attached to it, root first. */
  volumes: AttachedVolume[];
  /**
   * The ids of its security groups, in the order given (shared by the
   * instances of one launch; replaced whole, never written into). Changed
   * only through `Ec2Region.setSecurityGroups`, which keeps the groups' use
   * counts current.
   */
  securityGroupIds: readonly string[];
}

/** The id of an instance's primary network interface: its own, else derived from the instance id (model/ids.ts). */
export function interfaceIdOf(instance: Pick<Ec2Instance, "instanceId" | "networkInterfaceId">): string {
  return instance.networkInterfaceId ?? derivedInterfaceId(instance.instanceId);
}

/** An instance's MAC address: its own, else derived from the instance id (model/ids.ts). */
export function macAddressOf(instance: Pick<Ec2Instance, "instanceId" | "macAddress">): string {
  return instance.macAddress ?? derivedMacAddress(instance.instanceId);
}

/**
 * The instance whose primary interface has this id, if the region holds it:
 * the one it derives from (one lookup), else one holding it as its own (a
 * scan of the fleet, as before the ids were derived).
 */
export function instanceOfInterface(instances: ReadonlyMap<string, Ec2Instance>, interfaceId: string): Ec2Instance | undefined {
  const derivedFrom = instanceIdOfInterface(interfaceId);
  const instance = derivedFrom === undefined ? undefined : instances.get(derivedFrom);
  if (instance !== undefined && instance.networkInterfaceId === undefined) return instance;
  for (const i of instances.values()) if (i.networkInterfaceId === interfaceId) return i;
  return undefined;
}

/** The public IPv4 an instance shows: its Elastic IP, else its auto-assigned address, else none. */
export function publicIpOf(instance: Ec2Instance): string | undefined {
  return instance.elasticIp?.publicIp ?? instance.publicIp;
}

/** EC2's timestamp inside `User initiated (YYYY-MM-DD HH:MM:SS GMT)`. */
export function userInitiated(at: number): string {
  const iso = new Date(at).toISOString();
  return `User initiated (${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT)`;
}

/** The state reasons EC2 reports, by cause. */
export const stateReasons = {
  pending: { Code: "pending", Message: "pending" },
  userShutdown: { Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown" },
  userHibernate: { Code: "Client.UserInitiatedHibernate", Message: "Client.UserInitiatedHibernate: User initiated hibernate" },
  spotTermination: { Code: "Server.SpotInstanceTermination", Message: "Server.SpotInstanceTermination: Spot instance termination" },
  spotShutdown: { Code: "Server.SpotInstanceShutdown", Message: "Server.SpotInstanceShutdown: Spot instance shutdown" },
} as const satisfies Record<string, StateReason>;

/** Renders the `Instance` shape the SDK would deserialize from DescribeInstances. */
export interface RenderContext {
  /** The owning account id. */
  accountId: string;
  /** The id of the instance's VPC. */
  vpcId: string;
  /**
   * Its security groups, by id and name, in the order of its `securityGroupIds`: made for this render
   * alone, which keeps them as the instance's `SecurityGroups` (the interface's get a copy).
   */
  groups: { GroupId: string; GroupName: string }[];
  /** The state the instance is shown in (already mapped from the phase). */
  state: { Code: number; Name: InstanceStateName };
  /** Private DNS name of an address. */
  privateDnsName(ip: string): string;
  /** Public DNS name of an address. */
  publicDnsName(ip: string): string;
  /** The mock time of the render (ms): what is pending and what applied (read only when something may be pending). */
  now(): number;
  /** The status of a volume's attachment (AttachVolume's `attaching`, DetachVolume's `detaching`); `attached` without it. */
  attachmentStatus?(attachment: AttachedVolume): AttachmentStatus;
}

/**
 * The members of the SDK's `Instance` the mock sets, in the order the SDK shape lists them (the order callers see);
 * the optional ones are left out when undefined. Built as one literal (src/kit/ordered-literal.ts): set one by one,
 * they grew the object's outside store three slots at a time, a dozen copies thrown away per rendered instance
 * (issue 22 (e), fifth pass).
 */
const instanceShape = orderedLiteral<Instance>()([
  ["AmiLaunchIndex", "required"],
  ["ImageId", "required"],
  ["InstanceId", "required"],
  ["InstanceType", "required"],
  ["KeyName", "optional"],
  ["LaunchTime", "required"],
  ["Placement", "required"],
  ["Platform", "optional"],
  ["PrivateDnsName", "required"],
  ["PrivateIpAddress", "optional"],
  ["ProductCodes", "required"],
  ["PublicDnsName", "required"],
  ["PublicIpAddress", "optional"],
  ["State", "required"],
  ["StateTransitionReason", "required"],
  ["SubnetId", "optional"],
  ["VpcId", "optional"],
  ["Architecture", "required"],
  ["BlockDeviceMappings", "required"],
  ["ClientToken", "required"],
  ["EbsOptimized", "required"],
  ["EnaSupport", "required"],
  ["Hypervisor", "required"],
  ["NetworkInterfaces", "required"],
  ["RootDeviceName", "required"],
  ["RootDeviceType", "required"],
  ["SecurityGroups", "required"],
  ["SourceDestCheck", "optional"],
  ["StateReason", "optional"],
  ["Tags", "optional"],
  ["VirtualizationType", "required"],
  ["CpuOptions", "required"],
  ["HibernationOptions", "required"],
  ["BootMode", "optional"],
  ["PlatformDetails", "required"],
  ["UsageOperation", "required"],
  ["UsageOperationUpdateTime", "required"],
  ["IamInstanceProfile", "optional"],
  ["Monitoring", "required"],
  ["EnclaveOptions", "required"],
  ["MaintenanceOptions", "required"],
  ["CapacityReservationSpecification", "required"],
  ["MetadataOptions", "required"],
  ["PrivateDnsNameOptions", "required"],
  ["CurrentInstanceBootMode", "required"],
]);

/** The members of a live instance's primary `InstanceNetworkInterface`, in the SDK shape's order, as {@link instanceShape}. */
const interfaceShape = orderedLiteral<InstanceNetworkInterface>()([
  ["Association", "optional"],
  ["Attachment", "required"],
  ["Description", "required"],
  ["Groups", "required"],
  ["Ipv6Addresses", "required"],
  ["MacAddress", "required"],
  ["NetworkInterfaceId", "required"],
  ["OwnerId", "required"],
  ["PrivateDnsName", "required"],
  ["PrivateIpAddress", "required"],
  ["PrivateIpAddresses", "required"],
  ["SourceDestCheck", "required"],
  ["Status", "required"],
  ["SubnetId", "required"],
  ["VpcId", "required"],
  ["InterfaceType", "required"],
]);

/** Builds the SDK `Instance` for a record, as EC2 shows it in its current state. */
export function renderInstance(instance: Ec2Instance, ctx: RenderContext): Instance {
  const terminated = ctx.state.Name === "terminated";
  const image = instance.image;
  const windows = image.Platform?.toLowerCase() === "windows";
  // One source for the public address: the Elastic IP if any, else the auto-assigned one.
  const publicIp = publicIpOf(instance);
  const ipOwnerId = instance.elasticIp === undefined ? "amazon" : ctx.accountId;
  const publicDnsName = publicIp === undefined ? "" : ctx.publicDnsName(publicIp);
  const privateDnsName = terminated ? "" : ctx.privateDnsName(instance.privateIp);
  const groups = ctx.groups;
  const association = publicIp === undefined ? undefined : { IpOwnerId: ipOwnerId, PublicDnsName: publicDnsName, PublicIp: publicIp };
  const networkInterfaces = terminated ? [] : [renderInterface(instance, ctx, association, privateDnsName, groups)];
  const reason = instance.stateReason;
  let tags: { Key: string; Value: string }[] | undefined;
  if (instance.tags.size > 0) {
    tags = [];
    for (const [Key, Value] of instance.tags) tags.push({ Key, Value });
  }
  // The launch options' members (renderLaunchOptions's, in its order), written here: its object, its spread and
  // Object.assign, and the MetadataOptions it rendered only for this one to replace, cost every rendered instance
  // (issue 22 (e), second pass).
  const o = instance.launchOptions;
  // Every member by name into the one scratch object, in the SDK shape's order; `take` makes the answer's object of the present ones
  // (an optional member `undefined` is left out) as one literal in that order (issue 22 (e), seventh pass).
  const s = instanceShape.scratch;
  s.AmiLaunchIndex = instance.launchIndex;
  s.ImageId = image.ImageId;
  s.InstanceId = instance.instanceId;
  s.InstanceType = instance.instanceType as Instance["InstanceType"];
  s.KeyName = instance.keyName;
  s.LaunchTime = new Date(instance.launchTime.getTime());
  s.Placement = { AvailabilityZone: instance.subnet.availabilityZone, GroupName: "", Tenancy: "default" };
  // EC2 sends lowercase "windows"; the SDK passes it through despite its enum.
  s.Platform = windows ? ("windows" as Instance["Platform"]) : undefined;
  s.PrivateDnsName = privateDnsName;
  s.PrivateIpAddress = terminated ? undefined : instance.privateIp;
  s.ProductCodes = [];
  s.PublicDnsName = publicDnsName;
  s.PublicIpAddress = publicIp;
  s.State = { Code: ctx.state.Code, Name: ctx.state.Name };
  s.StateTransitionReason = instance.stateTransitionReason;
  s.SubnetId = terminated ? undefined : instance.subnet.subnetId;
  s.VpcId = terminated ? undefined : ctx.vpcId;
  s.Architecture = image.Architecture;
  s.BlockDeviceMappings = terminated ? [] : instance.volumes.map((v) => blockDeviceMapping(v, ctx));
  s.ClientToken = instance.clientToken;
  s.EbsOptimized = ebsOptimizedOf(instance);
  s.EnaSupport = enaSupportOf(instance);
  s.Hypervisor = "xen";
  s.NetworkInterfaces = networkInterfaces;
  s.RootDeviceName = image.RootDeviceName;
  s.RootDeviceType = image.RootDeviceType;
  s.SecurityGroups = terminated ? [] : groups;
  s.SourceDestCheck = terminated ? undefined : sourceDestCheckOf(instance);
  // A literal, not a spread (a spread copies through a slow path); the spread only for a reason missing a member.
  s.StateReason =
    reason === undefined
      ? undefined
      : reason.Code !== undefined && reason.Message !== undefined
        ? { Code: reason.Code, Message: reason.Message }
        : { ...reason };
  s.Tags = tags;
  s.VirtualizationType = image.VirtualizationType;
  s.CpuOptions =
    o.cpu === undefined
      ? { CoreCount: instance.typeInfo.cores, ThreadsPerCore: instance.typeInfo.threadsPerCore }
      : { CoreCount: o.cpu.coreCount, ThreadsPerCore: o.cpu.threadsPerCore };
  s.HibernationOptions = { Configured: instance.hibernationConfigured };
  s.BootMode = image.BootMode;
  s.PlatformDetails = image.PlatformDetails;
  s.UsageOperation = image.UsageOperation;
  s.UsageOperationUpdateTime = new Date(instance.createdAt.getTime());
  s.IamInstanceProfile = o.iamInstanceProfile === undefined ? undefined : { Arn: o.iamInstanceProfile.arn, Id: o.iamInstanceProfile.id };
  s.Monitoring = { State: o.monitoring ? "enabled" : "disabled" };
  s.EnclaveOptions = { Enabled: o.enclave };
  s.MaintenanceOptions = { AutoRecovery: o.autoRecovery };
  s.CapacityReservationSpecification = { CapacityReservationPreference: o.capacityReservationPreference };
  s.MetadataOptions = currentMetadataOptions(instance, ctx.now);
  s.PrivateDnsNameOptions = {
    HostnameType: "ip-name",
    EnableResourceNameDnsARecord: o.resourceNameDnsA,
    EnableResourceNameDnsAAAARecord: o.resourceNameDnsAAAA,
  };
  s.CurrentInstanceBootMode = image.BootMode === "uefi" ? "uefi" : "legacy-bios";
  return instanceShape.take();
}

/** A volume's `InstanceBlockDeviceMapping`. */
function blockDeviceMapping(v: AttachedVolume, ctx: RenderContext): InstanceBlockDeviceMapping {
  return {
    DeviceName: v.deviceName,
    Ebs: {
      AttachTime: new Date(v.attachTime.getTime()),
      DeleteOnTermination: v.deleteOnTermination,
      Status: ctx.attachmentStatus?.(v) ?? "attached",
      VolumeId: v.volumeId,
    },
  };
}

/** The primary network interface of a live instance, as DescribeInstances shows it. */
function renderInterface(
  instance: Ec2Instance,
  ctx: RenderContext,
  association: { IpOwnerId: string; PublicDnsName: string; PublicIp: string } | undefined,
  privateDnsName: string,
  groups: readonly { GroupId: string; GroupName: string }[],
): InstanceNetworkInterface {
  const address: InstancePrivateIpAddress =
    association === undefined
      ? { Primary: true, PrivateDnsName: privateDnsName, PrivateIpAddress: instance.privateIp }
      : { Association: { ...association }, Primary: true, PrivateDnsName: privateDnsName, PrivateIpAddress: instance.privateIp };
  const interfaceId = interfaceIdOf(instance);
  const s = interfaceShape.scratch;
  s.Association = association;
  s.Attachment = {
    AttachTime: new Date(instance.createdAt.getTime()),
    AttachmentId: `eni-attach-${interfaceId.slice(4)}`,
    DeleteOnTermination: true,
    DeviceIndex: 0,
    Status: "attached",
    NetworkCardIndex: 0,
  };
  s.Description = instance.launchOptions.networkInterfaceDescription ?? "";
  s.Groups = groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName }));
  s.Ipv6Addresses = [];
  s.MacAddress = macAddressOf(instance);
  s.NetworkInterfaceId = interfaceId;
  s.OwnerId = ctx.accountId;
  s.PrivateDnsName = privateDnsName;
  s.PrivateIpAddress = instance.privateIp;
  s.PrivateIpAddresses = [address];
  s.SourceDestCheck = sourceDestCheckOf(instance);
  s.Status = "in-use";
  s.SubnetId = instance.subnet.subnetId;
  s.VpcId = ctx.vpcId;
  s.InterfaceType = "interface";
  return interfaceShape.take();
}
