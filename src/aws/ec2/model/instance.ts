import type { Instance, InstanceStateName, StateReason } from "@aws-sdk/client-ec2";
import type { MockImage } from "./images.js";
import type { Ec2Machine } from "./causes.js";
import type { InstanceTypeInfo } from "./instance-types.js";
import { type LaunchOptions, renderLaunchOptions } from "./launch-options.js";
import type { Subnet } from "./network.js";

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
}

/** The instance attributes EC2 lets ModifyInstanceAttribute change. */
export interface MutableAttributes {
  /** The instance type. */
  instanceType: string;
  /** Base64 user data, or undefined for none. */
  userData: string | undefined;
  /** Stop protection. */
  disableApiStop: boolean;
  /** Termination protection. */
  disableApiTermination: boolean;
  /** What a shutdown from inside the OS does. */
  shutdownBehavior: "stop" | "terminate";
  /** Source/destination checking; undefined is EC2's default, `true` (read it with `sourceDestCheckOf`). */
  sourceDestCheck?: boolean | undefined;
  /** EBS optimization as ModifyInstanceAttribute set it; undefined is as launched (read it with `ebsOptimizedOf`). */
  ebsOptimized?: boolean | undefined;
  /** Enhanced networking with ENA; undefined is the image's `EnaSupport` (read it with `enaSupportOf`). */
  enaSupport?: boolean | undefined;
}

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

/** Everything the EC2 front keeps of one instance, beside the engine's machine. */
export interface Ec2Instance extends MutableAttributes {
  /** The engine's record: phase, timing, guest. */
  readonly machine: Ec2Machine;
  /** The instance id (the machine's id). */
  readonly instanceId: string;
  /** The reservation it was launched in. */
  readonly reservationId: string;
  /** Its place in that reservation (`AmiLaunchIndex`). */
  readonly launchIndex: number;
  /** The image it was launched from. */
  readonly image: MockImage;
  /** What the mock knows of its type. */
  typeInfo: InstanceTypeInfo;
  /** When RunInstances created it. */
  readonly createdAt: Date;
  /** The last time it was launched or started (EC2's `LaunchTime`). */
  launchTime: Date;
  /** Its subnet in the default VPC. */
  readonly subnet: Subnet;
  /** Its primary private IPv4, kept for life. */
  readonly privateIp: string;
  /** Its auto-assigned public IPv4 while it has one. */
  publicIp: string | undefined;
  /** Whether it gets an auto-assigned public IPv4 when running. */
  readonly wantsPublicIp: boolean;
  /**
   * The Elastic IP associated with its primary interface, if any (written by
   * the region's address store only). While set, `publicIp` is undefined.
   */
  elasticIp?: { readonly allocationId: string; readonly publicIp: string } | undefined;
  /** The primary network interface's id. */
  readonly networkInterfaceId: string;
  /** Its MAC address. */
  readonly macAddress: string;
  /** Its key pair, if any. */
  readonly keyName: string | undefined;
  /** The idempotency token of the launch. */
  readonly clientToken: string;
  /** Whether it may hibernate (fixed at launch). */
  readonly hibernationConfigured: boolean;
  /** What RunInstances recorded of its options (metadata, monitoring, ...), shared by its launch. */
  readonly launchOptions: LaunchOptions;
  /** EBS volumes attached to it, root first. */
  volumes: AttachedVolume[];
  /**
   * Its tags, in the order they were set. Never written into: instances
   * launched together share one map (memory at scale), and `Ec2Region.setTags`
   * replaces it whole, keeping the tag index current.
   */
  readonly tags: ReadonlyMap<string, string>;
  /** Why it is in its state (EC2's `StateReason`), when EC2 says. */
  stateReason: StateReason | undefined;
  /** EC2's `StateTransitionReason`: `""` or `User initiated (… GMT)`. */
  stateTransitionReason: string;
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
} as const satisfies Record<string, StateReason>;

/** Renders the `Instance` shape the SDK would deserialize from DescribeInstances. */
export interface RenderContext {
  /** The owning account id. */
  accountId: string;
  /** The default VPC's id. */
  vpcId: string;
  /** The default security group's id. */
  securityGroupId: string;
  /** The state the instance is shown in (already mapped from the phase). */
  state: { Code: number; Name: InstanceStateName };
  /** Private DNS name of an address. */
  privateDnsName(ip: string): string;
  /** Public DNS name of an address. */
  publicDnsName(ip: string): string;
}

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
  const groups = [{ GroupId: ctx.securityGroupId, GroupName: "default" }];
  const association =
    publicIp === undefined ? undefined : { IpOwnerId: ipOwnerId, PublicDnsName: publicDnsName, PublicIp: publicIp };
  const out: Instance = {
    AmiLaunchIndex: instance.launchIndex,
    ImageId: image.ImageId,
    InstanceId: instance.instanceId,
    InstanceType: instance.instanceType as Instance["InstanceType"],
    ...(instance.keyName === undefined ? {} : { KeyName: instance.keyName }),
    LaunchTime: new Date(instance.launchTime.getTime()),
    Placement: { AvailabilityZone: instance.subnet.availabilityZone, GroupName: "", Tenancy: "default" },
    // EC2 sends lowercase "windows"; the SDK passes it through despite its enum.
    ...(windows ? { Platform: "windows" as Instance["Platform"] } : {}),
    PrivateDnsName: privateDnsName,
    ...(terminated ? {} : { PrivateIpAddress: instance.privateIp }),
    ProductCodes: [],
    PublicDnsName: publicDnsName,
    ...(publicIp === undefined ? {} : { PublicIpAddress: publicIp }),
    State: { Code: ctx.state.Code, Name: ctx.state.Name },
    StateTransitionReason: instance.stateTransitionReason,
    ...(terminated ? {} : { SubnetId: instance.subnet.subnetId, VpcId: ctx.vpcId }),
    Architecture: image.Architecture,
    BlockDeviceMappings: terminated
      ? []
      : instance.volumes.map((v) => ({
          DeviceName: v.deviceName,
          Ebs: {
            AttachTime: new Date(v.attachTime.getTime()),
            DeleteOnTermination: v.deleteOnTermination,
            Status: "attached",
            VolumeId: v.volumeId,
          },
        })),
    ClientToken: instance.clientToken,
    EbsOptimized: ebsOptimizedOf(instance),
    EnaSupport: enaSupportOf(instance),
    Hypervisor: "xen",
    NetworkInterfaces: terminated
      ? []
      : [
          {
            ...(association === undefined ? {} : { Association: association }),
            Attachment: {
              AttachTime: new Date(instance.createdAt.getTime()),
              AttachmentId: `eni-attach-${instance.networkInterfaceId.slice(4)}`,
              DeleteOnTermination: true,
              DeviceIndex: 0,
              Status: "attached",
              NetworkCardIndex: 0,
            },
            Description: "",
            Groups: groups.map((g) => ({ ...g })),
            Ipv6Addresses: [],
            MacAddress: instance.macAddress,
            NetworkInterfaceId: instance.networkInterfaceId,
            OwnerId: ctx.accountId,
            PrivateDnsName: privateDnsName,
            PrivateIpAddress: instance.privateIp,
            PrivateIpAddresses: [
              {
                ...(association === undefined ? {} : { Association: { ...association } }),
                Primary: true,
                PrivateDnsName: privateDnsName,
                PrivateIpAddress: instance.privateIp,
              },
            ],
            SourceDestCheck: sourceDestCheckOf(instance),
            Status: "in-use",
            SubnetId: instance.subnet.subnetId,
            VpcId: ctx.vpcId,
            InterfaceType: "interface",
          },
        ],
    RootDeviceName: image.RootDeviceName,
    RootDeviceType: image.RootDeviceType,
    SecurityGroups: terminated ? [] : groups,
    ...(terminated ? {} : { SourceDestCheck: sourceDestCheckOf(instance) }),
    ...(instance.stateReason === undefined ? {} : { StateReason: { ...instance.stateReason } }),
    ...(instance.tags.size === 0
      ? {}
      : { Tags: [...instance.tags].map(([Key, Value]) => ({ Key, Value })) }),
    VirtualizationType: image.VirtualizationType,
    CpuOptions: instance.launchOptions.cpu === undefined
      ? { CoreCount: instance.typeInfo.cores, ThreadsPerCore: instance.typeInfo.threadsPerCore }
      : { CoreCount: instance.launchOptions.cpu.coreCount, ThreadsPerCore: instance.launchOptions.cpu.threadsPerCore },
    HibernationOptions: { Configured: instance.hibernationConfigured },
    ...(image.BootMode === undefined ? {} : { BootMode: image.BootMode }),
    PlatformDetails: image.PlatformDetails,
    UsageOperation: image.UsageOperation,
    UsageOperationUpdateTime: new Date(instance.createdAt.getTime()),
    ...renderLaunchOptions(instance.launchOptions),
    CurrentInstanceBootMode: image.BootMode === "uefi" ? "uefi" : "legacy-bios",
  };
  return out;
}
