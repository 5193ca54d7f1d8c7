import type { StateReason } from "@aws-sdk/client-ec2";
import { describe, expectTypeOf, test } from "vitest";
import type { AutoScalingStateJson } from "../src/aws/autoscaling/model/groups.js";
import type { MockImage } from "../src/aws/ec2/model/images.js";
import type { LaunchOptionsJson } from "../src/aws/ec2/model/launch-options.js";
import type { MetadataChange } from "../src/aws/ec2/model/metadata-options.js";
import type { SecurityGroupsJson } from "../src/aws/ec2/model/security-groups.js";
import type { Cause } from "../src/engine/causes.js";
import type { GuestConfig } from "../src/engine/guest.js";
import type { Phase } from "../src/engine/machine.js";
import type { GuestOs } from "../src/engine/timing.js";
import type {
  AddressJson,
  Ec2MockSnapshot,
  InstanceJson,
  MachineJson,
  NetworkJson,
  PhaseChangeJson,
  TimeJson,
  UsageJson,
  VolumeJson,
} from "../src/index.js";

// The snapshot types as they were written by hand before they were derived from the record declarations
// (commit 589322a): the derived ones must have exactly these shapes.
interface OldEc2MockSnapshot extends OldRegionJson {
  version: 1;
  /** Where it was taken: restore refuses another region or account. */
  region: string;
  accountId: string;
  /** Mock time when it was taken (informative). */
  takenAt: string;
  /** The clock's manual offset (mock time minus host time), in ms. */
  clockOffsetMs: number;
  /** Every other Region used so far (absent when none was), in order of first use. */
  regions?: OldRegionStateJson[];
}

interface OldRegionStateJson extends OldRegionJson {
  region: string;
}

/** What a snapshot holds of each Region: the default one at its top level, every other one in `regions`. */
interface OldRegionJson {
  /** Images the instances were launched from, by id. */
  images: MockImage[];
  instances: OldInstanceJson[];
  reservations: { reservationId: string; seq: number; instanceIds: string[] }[];
  reservationSeq: number;
  clientTokens: { token: string; reservationId: string; digest: string }[];
  network: OldNetworkJson;
  volumes: { live: OldVolumeJson[]; deleted: OldVolumeJson[]; seq: number };
  addresses: OldAddressJson[];
  retiredUsage: OldUsageJson[];
  /** Added by issue 15 (absent in older snapshots). */
  securityGroups?: SecurityGroupsJson;
  /** Issue 15: key pairs (absent in older snapshots). */
  keyPairs?: {
    keyPairId: string;
    keyName: string;
    keyType: "rsa" | "ed25519";
    fingerprint: string;
    publicKey: string;
    createTime: string;
    tags: [string, string][];
  }[];
  /** Issue 16: launch templates (absent in older snapshots). */
  launchTemplates?: OldLaunchTemplateJson[];
  /** Issue 16: the account's images and its tags on others (absent in older snapshots). */
  accountImages?: { own: OwnImageJson[]; tagsOfOthers: [string, [string, string][]][] };
  /** Issue 18: Spot prices set by hand (absent in older snapshots). */
  spotPrices?: { instanceType: string; zone: string; from: string; price: number }[];
  /** Issue 18: withdrawn capacity pools (absent in older snapshots). */
  withdrawnCapacity?: { instanceType: string; zone: string }[];
  /** Issue 17: EBS snapshots (absent in older snapshots). */
  ebsSnapshots?: {
    snapshotId: string;
    seq: number;
    volumeId: string;
    volumeSizeGiB: number;
    description: string;
    ownerId: string;
    startTime: string;
    tags: [string, string][];
    /** CopySnapshot with a KmsKeyId (absent: the default EBS key). */
    kmsKeyId?: string;
    /** ModifySnapshotAttribute's createVolumePermission (absent: none). */
    createVolumePermissions?: string[];
  }[];
  /** Issue 17: ModifyVolume's modifications and the volumes with autoEnableIO on (absent in older snapshots). */
  volumeModifications?: OldVolumeModificationsJson;
  /** Issue 17: deleted EBS snapshots kept for usage (absent when none). */
  deletedEbsSnapshots?: { snapshotId: string; volumeSizeGiB: number; startTime: string; deleteTime: string }[];
  /** Issue 18: EC2 Fleets (absent when none). */
  fleets?: {
    fleetId: string;
    type: "instant" | "request" | "maintain";
    clientToken: string;
    digest: string;
    createdAt: string;
    state: "submitted" | "active" | "deleted" | "failed" | "deleted_running" | "deleted_terminating" | "modifying";
    target: { total: number; onDemand: number; spot: number; defaultType: "on-demand" | "spot" };
    onDemandStrategy: "lowest-price" | "prioritized";
    spotStrategy: string;
    /** Issue 18 (fleetb18): SpotOptions' InstancePoolsToUseCount. */
    spotPoolCount?: number;
    excessPolicy?: "termination" | "no-termination";
    terminateWithExpiration: boolean;
    validFrom?: string;
    validUntil?: string;
    replaceUnhealthy: boolean;
    context?: string;
    configs: import("@aws-sdk/client-ec2").FleetLaunchTemplateConfig[];
    templateIds: string[];
    members: {
      instanceId: string;
      instanceType: string;
      configIndex: number;
      overrideIndex: number;
      weight: number;
      lifecycle: "on-demand" | "spot";
    }[];
    errors: {
      configIndex: number;
      overrideIndex: number;
      lifecycle: "on-demand" | "spot";
      code: string;
      message: string;
      /** Issue 18 (fleetb18): the type tried, for an override with InstanceRequirements. */
      instanceType?: string;
    }[];
    history: { at: string; eventType: string; eventSubType: string; instanceId?: string; description?: string }[];
    launched: boolean;
    seq: number;
    tags: [string, string][];
  }[];
  /** Issue 18: Spot Instance requests (absent when none). */
  spotRequests?: OldSpotRequestJson[];
  /** Issue 19: ELBv2's target groups, load balancers and listeners (absent when none). */
  elbv2?: {
    targetGroups: {
      arn: string;
      name: string;
      protocol: string;
      port: number;
      vpcId: string;
      protocolVersion: string | null;
      targetType: "instance";
      ipAddressType: string;
      healthCheckEnabled: boolean;
      healthCheckProtocol: string;
      healthCheckPort: string;
      healthCheckPath: string | null;
      healthCheckIntervalSeconds: number;
      healthCheckTimeoutSeconds: number;
      healthyThresholdCount: number;
      unhealthyThresholdCount: number;
      matcher: string | null;
      createdAt: string;
      attributes: [string, string][];
      tags: [string, string][];
      targets: { id: string; port: number; registeredAt: string; deregisteredAt: string | null; drainSeconds: number }[];
    }[];
    loadBalancers: {
      arn: string;
      name: string;
      type: "application" | "network";
      scheme: "internet-facing" | "internal";
      vpcId: string;
      subnets: { subnetId: string; zone: string }[];
      securityGroups: string[];
      ipAddressType: string;
      dnsName: string;
      createdAt: string;
      tags: [string, string][];
    }[];
    listeners: { arn: string; loadBalancerArn: string; protocol: string; port: number; targetGroupArn: string; tags: [string, string][] }[];
  };
  /** Issue 19: EC2 Auto Scaling's groups and activities (absent when none). */
  autoScaling?: AutoScalingStateJson;
}

/** Issue 18: a Spot Instance request. */
interface OldSpotRequestJson {
  spotInstanceRequestId: string;
  seq: number;
  type: "one-time" | "persistent";
  state: "open" | "active" | "closed" | "cancelled" | "failed" | "disabled";
  statusCode: string;
  statusMessage: string;
  statusTime: string;
  maxPrice: number;
  maxPriceText: string;
  interruptionBehavior: "terminate" | "stop" | "hibernate";
  validFrom?: string;
  validUntil?: string;
  launch: Record<string, unknown>;
  instanceType: string;
  availabilityZone: string;
  instanceId?: string;
  fromRunInstances: boolean;
  createTime: string;
  tags: [string, string][];
  onDemandPrice: number;
  /** Issue 18: a pending interruption's time (`ec2.spot.interrupt`). */
  interruptAt?: string;
  /** Issue 18: why it is (or was last) interrupted, when its restart may come, its groups and its client token. */
  interruptReason?: "capacity" | "price";
  restartAt?: string;
  launchGroup?: string;
  availabilityZoneGroup?: string;
  clientToken?: string;
  clientDigest?: string;
  /** Issue 18 (spotmeta18): the notice `ec2.spot.interrupt` gave (instance metadata, `warningDelayMs`). */
  noticeFor?: string;
  interruptCalledAt?: string;
  rebalanceAt?: string;
  noticeAt?: string;
  warningPending?: boolean;
}

/** Issue 17: a volume's configuration before or after a modification. */
interface OldVolumeConfigurationJson {
  sizeGiB: number;
  volumeType: string;
  iops: number | null;
  throughput: number | null;
}

/** Issue 17: the volume modifications of a Region. */
interface OldVolumeModificationsJson {
  modifications: {
    volumeId: string;
    seq: number;
    startTime: string;
    optimizingAt: string;
    endTime: string;
    original: OldVolumeConfigurationJson;
    target: OldVolumeConfigurationJson;
    applied: boolean;
  }[];
  autoEnableIO: string[];
}

interface OwnImageJson {
  image: MockImage;
  seq: number;
  availableAt: string;
  deregisteredAt: string | null;
  tags: [string, string][];
  clientToken?: string;
}

/** Issue 16: a launch template with its versions. */
interface OldLaunchTemplateJson {
  launchTemplateId: string;
  launchTemplateName: string;
  seq: number;
  createTime: string;
  createdBy: string;
  defaultVersion: number;
  versionCounter: number;
  versions: {
    versionNumber: number;
    description?: string;
    createTime: string;
    createdBy: string;
    data: Record<string, unknown>;
    clientToken?: { token: string; digest: string };
  }[];
  tags: [string, string][];
  clientToken?: { token: string; digest: string };
}

interface OldInstanceJson {
  instanceId: string;
  reservationId: string;
  launchIndex: number;
  imageId: string;
  instanceType: string;
  createdAt: string;
  launchTime: string;
  availabilityZone: string;
  /** Absent in snapshots written before issue 15: the default subnet of the zone. */
  subnetId?: string;
  privateIp: string;
  publicIp: string | null;
  wantsPublicIp: boolean;
  /** Its Elastic IP's allocation id (the address record holds the rest). */
  elasticIpAllocationId: string | null;
  networkInterfaceId: string;
  macAddress: string;
  keyName: string | null;
  clientToken: string;
  hibernationConfigured: boolean;
  /** Absent in snapshots written before issue 13: the image's defaults. */
  launchOptions?: LaunchOptionsJson;
  /** Added by issue 15 (absent in older snapshots). */
  securityGroupIds?: string[];
  /** Attached volume ids, root first (each volume holds its attachment). */
  volumeIds: string[];
  tags: [string, string][];
  stateReason: StateReason | null;
  stateTransitionReason: string;
  userData: string | null;
  disableApiStop: boolean;
  disableApiTermination: boolean;
  shutdownBehavior: "stop" | "terminate";
  /** Written only once ModifyInstanceAttribute has set it (older snapshots lack it: EC2's default). */
  sourceDestCheck?: boolean;
  /** Written only once set, as `sourceDestCheck`. */
  ebsOptimized?: boolean;
  /** Written only once set, as `sourceDestCheck`. */
  enaSupport?: boolean;
  /** Written only once ModifyInstanceMetadataOptions has set it. */
  metadataChange?: MetadataChange;
  machine: OldMachineJson;
}

interface OldVolumeJson {
  volumeId: string;
  seq: number;
  sizeGiB: number;
  volumeType: string;
  iops: number | null;
  throughput: number | null;
  snapshotId: string;
  availabilityZone: string;
  createTime: string;
  launchedWith: string | null;
  deleteTime: string | null;
  /** Issue 17: `detachTime` while DetachVolume is in progress (absent otherwise and in older snapshots). */
  attachment: {
    instanceId: string;
    deviceName: string;
    deleteOnTermination: boolean;
    attachTime: string;
    detachTime?: string;
    /** Issue 17: set by AttachVolume (absent for a launch's attachments and in older snapshots). */
    byAttachVolume?: boolean;
  } | null;
  tags: [string, string][];
}

interface OldAddressJson {
  allocationId: string;
  publicIp: string;
  association: { associationId: string; instanceId: string } | null;
  tags: [string, string][];
}

interface OldUsageJson {
  instanceId: string;
  billedSeconds: number;
  periods: { start: string; end: string | null; billedSeconds: number }[];
  ebsGibSeconds: number;
  /** Issue 22: periods folded into the totals by the timeline limit (absent while none was). */
  droppedPeriods?: number;
}

interface OldPhaseChangeJson {
  from: Phase;
  to: Phase;
  at: string;
  /** The engine's typed cause (issue 14; snapshots of earlier versions hold words, still read). */
  cause: Cause;
  clean?: boolean;
  diskCheck?: boolean;
  hibernating?: boolean;
  obstacle?: string;
  abandoned?: boolean;
}

interface OldMachineJson {
  id: string;
  os: GuestOs;
  guest: GuestConfig;
  hostStuck: boolean;
  phase: Phase;
  phaseSince: string;
  transition: { to: Phase; at: TimeJson } | null;
  scheduleToken: number;
  everRan: boolean;
  stopPlan: {
    startedAt: string;
    gracefulAt: TimeJson;
    forceCutAt: TimeJson;
    skipCutAt: TimeJson;
    hibernating: boolean;
    obstacle: string | null;
    /** Only for a stop that may give up (absent otherwise, so older snapshots read the same). */
    abandonAt?: string;
  } | null;
  hibernated: boolean;
  fileSystem: "clean" | "dirty";
  runningSince: TimeJson;
  rebootUntil: TimeJson;
  expiresAt: TimeJson;
  history: OldPhaseChangeJson[];
  /** Issue 22: what the changes dropped by the timeline limit left behind (absent while none was). */
  folded?: { dropped: number; periods: number; billedSeconds: number; openSince: TimeJson };
}

interface OldNetworkJson {
  vpcId: string;
  defaultSecurityGroupId: string;
  /** The VPC's CIDR block (the address space travels with the state: its addresses are in use). */
  vpcCidr: string;
  /** Absent before issue 15 (one default VPC). */
  vpcs?: {
    vpcId: string;
    cidrBlock: string;
    isDefault: boolean;
    instanceTenancy: "default" | "dedicated";
    cidrAssociationId: string;
    defaultSecurityGroupId: string;
    tags: [string, string][];
  }[];
  dhcpOptionsId?: string;
  subnets: OldSubnetJson[];
  retiredSubnets?: OldSubnetJson[];
  /** Before issue 15. */
  privateInUse?: string[];
  /** `[subnetId, addresses in use]` pairs. */
  addressesInUse?: [string, string[]][];
  /** `[subnetId, next host number]` pairs. */
  nextHost: [string, number][];
  publicInUse: string[];
  publicCounter: number;
}

interface OldSubnetJson {
  subnetId: string;
  availabilityZone: string;
  cidrBlock: string;
  vpcId?: string;
  availabilityZoneId?: string;
  defaultForAz?: boolean;
  mapPublicIpOnLaunch?: boolean;
  tags?: [string, string][];
}

describe("the snapshot's JSON types, derived from the record declarations", () => {
  test("have the shapes they had when written by hand", () => {
    expectTypeOf<Ec2MockSnapshot>().toEqualTypeOf<OldEc2MockSnapshot>();
    expectTypeOf<InstanceJson>().toEqualTypeOf<OldInstanceJson>();
    expectTypeOf<VolumeJson>().toEqualTypeOf<OldVolumeJson>();
    expectTypeOf<AddressJson>().toEqualTypeOf<OldAddressJson>();
    expectTypeOf<UsageJson>().toEqualTypeOf<OldUsageJson>();
    expectTypeOf<NetworkJson>().toEqualTypeOf<OldNetworkJson>();
    expectTypeOf<MachineJson>().toEqualTypeOf<OldMachineJson>();
    expectTypeOf<PhaseChangeJson>().toEqualTypeOf<OldPhaseChangeJson>();
  });
});
