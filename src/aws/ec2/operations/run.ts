import type { BlockDeviceMapping, RunInstancesCommandInput, RunInstancesCommandOutput } from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { uuid } from "../../../kit/entropy.js";
import { imageResource, keyPairResource, newResource, securityGroupResource, subnetResource } from "../../iam/resources.js";
import { readShutdownBehavior, refuseUnmodelled } from "../checks.js";
import type { AuthResource, Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { checkCapacity, zonesWithCapacity } from "../model/capacity-check.js";
import { ec2Requests } from "../model/causes.js";
import { checkDeviceName, checkVolumeLimits, checkVolumeType, ebsAttachmentLimit } from "../model/ebs-limits.js";
import { hibernationRootGiB } from "../model/hibernation.js";
import { derivesInterface, isWellFormedId, newId, newMacAddress } from "../model/ids.js";
import { guestOsOf, type MockImage } from "../model/images.js";
import { type AttachedVolume, type Ec2Instance, stateReasons } from "../model/instance.js";
import { readInstanceProfile } from "../model/instance-profile.js";
import { DEFAULT_INSTANCE_TYPE, type InstanceTypeInfo } from "../model/instance-types.js";
import { type KeyPair, keyPairForLaunch } from "../model/key-pairs.js";
import { type LaunchOptions, readLaunchOptions, refuseNested } from "../model/launch-options.js";
import { checkClientToken, clipped, readBase64UserData } from "../model/limits.js";
import type { Subnet } from "../model/network.js";
import { MAX_GROUPS_PER_INTERFACE } from "../model/security-groups.js";
import { readTagSpecifications } from "../model/tags.js";
import { instanceTypesOf } from "../model/type-catalogue.js";
import { performanceOf, type VolumeSpec } from "../model/volumes.js";
import type { Reservation } from "../region.js";
import { type GroupRequest, type PrimaryInterface, readNetworkInterfaces } from "./run-interfaces.js";
import { applyLaunchTemplate, authorizeTemplateUse, type TemplateUse, withTemplateTags } from "./run-template.js";
import { linkSpotLaunch, readMarketOptions, type SpotOptions } from "./spot-options.js";

/** The most instances one RunInstances call may launch (decision: docs/behaviour.md). */
export const MAX_INSTANCES_PER_LAUNCH = 1000;

/** A volume a launch will create and attach (the zone is the instance's). */
interface PlannedVolume extends Omit<VolumeSpec, "availabilityZone"> {
  deviceName: string;
  deleteOnTermination: boolean;
}

/** A checked launch request: everything RunInstances needs, nothing taken yet. */
export interface LaunchPlan {
  image: MockImage;
  count: number;
  instanceType: string;
  typeInfo: InstanceTypeInfo;
  subnet: Subnet;
  privateIp: string | undefined;
  /** Tags by resource type; each map is shared by every resource of that type the launch creates. */
  tags: ReadonlyMap<string, ReadonlyMap<string, string>>;
  volumes: PlannedVolume[];
  shutdownBehavior: "stop" | "terminate";
  /** The user data, base64 without whitespace; undefined for none. */
  userData: string | undefined;
  /** The recorded options (metadata, monitoring, ...), one object for the whole launch. */
  options: LaunchOptions;
  /** Whether the instances get an auto-assigned public address (the network interface's `AssociatePublicIpAddress`). */
  wantsPublicIp: boolean;
  /** `MinCount`: a launch the subnet cannot hold this many of launches none. */
  minCount: number;
  /** The ids of the instances' security groups (one array shared by the launch). */
  securityGroupIds: readonly string[];
  /** The key pair `KeyName` names, if any. */
  keyPair: KeyPair | undefined;
  /** The Spot options (`InstanceMarketOptions`), undefined for an On-Demand launch. */
  spot: SpotOptions | undefined;
}

/**
 * The members of `RunInstancesRequest` the mock models (issue 13); any
 * other one present is refused by name (`refuseUnmodelled`). Network
 * references beyond the default VPC's (launch templates, IAM instance
 * profiles, other subnets and groups) wait for issues 15 and 16.
 */
const MODELLED_MEMBERS = [
  "BlockDeviceMappings",
  "ImageId",
  "InstanceType",
  "KeyName",
  "MaxCount",
  "MinCount",
  "Monitoring",
  "Placement",
  "SecurityGroupIds",
  "SecurityGroups",
  "SubnetId",
  "UserData",
  "TagSpecifications",
  "CapacityReservationSpecification",
  "HibernationOptions",
  "MetadataOptions",
  "EnclaveOptions",
  "PrivateDnsNameOptions",
  "MaintenanceOptions",
  "DisableApiStop",
  "DisableApiTermination",
  "InstanceInitiatedShutdownBehavior",
  "PrivateIpAddress",
  "ClientToken",
  "NetworkInterfaces",
  "EbsOptimized",
  "CpuOptions",
  "IamInstanceProfile",
  "InstanceMarketOptions",
] as const satisfies readonly (keyof RunInstancesCommandInput)[];

function readCount(value: unknown, name: "MinCount" | "MaxCount"): number {
  if (value === undefined || value === null) throw errors.missingParameter(name);
  const n = Number(value);
  if (!Number.isInteger(n)) throw errors.invalidValueFor(name, String(value));
  return n;
}

/** Reads and checks MinCount and MaxCount; returns the most instances to launch, and the fewest. */
function readCounts(input: RunInstancesCommandInput): { max: number; min: number } {
  const max = readCount(input.MaxCount, "MaxCount");
  const min = readCount(input.MinCount, "MinCount");
  if (max < 1) throw errors.countNotPositive("Maximum");
  if (min < 1) throw errors.countNotPositive("Minimum");
  if (min > max) throw errors.countsInverted();
  if (min > MAX_INSTANCES_PER_LAUNCH) {
    throw errors.instanceLimitExceeded(min, MAX_INSTANCES_PER_LAUNCH);
  }
  return { max: Math.min(max, MAX_INSTANCES_PER_LAUNCH), min };
}

function readImage(ctx: OperationContext, imageId: unknown): MockImage {
  if (imageId === undefined || imageId === null || imageId === "") throw errors.missingParameter("ImageId");
  const id = String(imageId);
  if (!isWellFormedId("ami", id)) throw errors.malformedImageId(id);
  const image = ctx.region.images.get(id);
  if (image === undefined) throw errors.imageNotFound(id);
  // A user image given in another state than available cannot be run (the built-ins are available).
  if (image.State !== undefined && image.State !== "available") throw errors.imageUnavailable(id, String(image.State));
  return image;
}

function readInstanceType(ctx: OperationContext, value: unknown, image: MockImage): { instanceType: string; typeInfo: InstanceTypeInfo } {
  const instanceType = value === undefined ? DEFAULT_INSTANCE_TYPE : String(value);
  const typeInfo = instanceTypesOf(ctx.region.settings).facts(instanceType);
  if (typeInfo === undefined) throw errors.invalidValueFor("InstanceType", instanceType);
  if (!typeInfo.architectures.includes(String(image.Architecture))) {
    throw errors.architectureMismatch(typeInfo.architecture, String(image.Architecture));
  }
  return { instanceType, typeInfo };
}

/**
 * The subnet of the launch: the one named (`SubnetId`, or the network
 * interface's), which must exist, else the default subnet of the
 * placement's zone (or of the region's first zone).
 */
function readSubnet(
  ctx: OperationContext,
  placement: RunInstancesCommandInput["Placement"],
  subnetId: string | undefined,
  instanceType: string,
): Subnet {
  refuseNested("Placement", placement, ["AvailabilityZone", "Tenancy", "GroupName"]);
  // The default tenancy and no placement group are what every instance shows; anything else is not modelled.
  if (placement?.Tenancy !== undefined && placement.Tenancy !== "default")
    throw errors.unmodelledParameter("RunInstances", "Placement.Tenancy");
  if (placement?.GroupName !== undefined && placement.GroupName !== "")
    throw errors.unmodelledParameter("RunInstances", "Placement.GroupName");
  const zone = placement?.AvailabilityZone;
  if (subnetId !== undefined) return namedSubnet(ctx, subnetId, zone);
  return defaultSubnet(ctx, zone, instanceType);
}

/**
 * The zone EC2 places a launch in when the request names none: the
 * region's first zone, or, when that zone does not offer the type, the
 * first that does (EC2 places an instance where its type is offered; which
 * one is a decision: docs/behaviour.md, "Instance types").
 */
function placementZone(ctx: OperationContext, instanceType: string): string {
  const network = ctx.region.network;
  const offered = instanceTypesOf(ctx.region.settings).offeredZones(ctx.region.settings.region, network.zones, instanceType);
  // Where capacity was withdrawn (ec2.capacity.withdraw), EC2 places the launch in a zone that has some.
  const withRoom = zonesWithCapacity(ctx.region, instanceType);
  if (withRoom.length > 0 && withRoom.length < offered.length)
    return withRoom.includes(network.defaultZone) ? network.defaultZone : withRoom[0]!;
  if (offered.length === 0 || offered.some((z) => z.ZoneName === network.defaultZone)) return network.defaultZone;
  return offered[0]!.ZoneName;
}

/**
 * The type must be offered in the launch's zone (data/offerings.json, or
 * the `instanceTypes` option): else EC2's Unsupported naming the zones that
 * do offer it, or, when none of the Region's does, its "requested
 * configuration is currently not supported".
 */
function checkOffered(ctx: OperationContext, instanceType: string, zone: string): void {
  const offered = instanceTypesOf(ctx.region.settings).offeredZones(ctx.region.settings.region, ctx.region.network.zones, instanceType);
  if (offered.some((z) => z.ZoneName === zone)) return;
  if (offered.length === 0) throw errors.requestedConfigurationUnsupported();
  throw errors.instanceTypeNotInZone(
    instanceType,
    zone,
    offered.map((z) => z.ZoneName),
  );
}

/** A launch's `SubnetId`: it must exist, and agree with `Placement.AvailabilityZone` when both are given. */
function namedSubnet(ctx: OperationContext, subnetId: string, zone: string | undefined): Subnet {
  const subnet = ctx.region.network.subnet(subnetId);
  if (subnet === undefined) throw errors.subnetNotFound(clipped(subnetId));
  // A dedicated VPC's instances run on dedicated hardware: dedicated tenancy is not modelled (refused, never shown as default).
  if (ctx.region.network.vpc(subnet.vpcId)?.instanceTenancy === "dedicated") {
    throw errors.unmodelledParameter("RunInstances", "Placement.Tenancy");
  }
  if (zone !== undefined && zone !== subnet.availabilityZone) {
    throw errors.subnetNotInZone(clipped(subnetId), subnet.availabilityZone, clipped(String(zone)));
  }
  return subnet;
}

/**
 * A launch without a subnet goes to the default VPC: the default subnet of
 * the zone asked for (or of the region's first zone). No default VPC is
 * EC2's VPCIdNotSpecified; a zone whose default subnet was deleted, its
 * "No default subnet" answer.
 */
function defaultSubnet(ctx: OperationContext, zone: string | undefined, instanceType: string): Subnet {
  const network = ctx.region.network;
  const name = String(zone ?? placementZone(ctx, instanceType));
  if (zone !== undefined && network.zoneNamed(name) === undefined) throw errors.invalidZone(name);
  if (network.defaultVpc() === undefined) throw errors.noDefaultVpc();
  const subnet = network.subnetIn(name);
  if (subnet === undefined) throw errors.noDefaultSubnet(name);
  return subnet;
}

/**
 * The security groups of a launch (issue 15), resolved once the subnet is
 * known: every id well formed and existing, every name one of the default
 * VPC's groups (EC2 resolves names there only, and refuses names with a
 * subnet of another VPC), every group of the subnet's VPC; none given is the
 * VPC's default group. Duplicates are kept once, in the order given.
 */
export function resolveLaunchGroups(ctx: OperationContext, request: GroupRequest, subnet: Subnet, subnetNamed: boolean): string[] {
  const store = ctx.region.securityGroups;
  const defaultVpcId = ctx.region.network.vpcId;
  const vpcId = subnet.vpcId;
  const groups: string[] = [];
  for (const id of request.ids) {
    if (!isWellFormedId("sg", id)) throw errors.malformedGroupId(clipped(id));
    const group = store.get(id);
    if (group === undefined) throw errors.securityGroupNotFoundInVpc(clipped(id), vpcId);
    groups.push(group.groupId);
  }
  if (request.names.length > 0 && subnetNamed && vpcId !== defaultVpcId) throw errors.groupNameWithSubnet();
  for (const name of request.names) {
    const group = store.byName(defaultVpcId, name);
    if (group === undefined) throw errors.securityGroupNameNotFound(clipped(name, 255), defaultVpcId);
    groups.push(group.groupId);
  }
  for (const id of groups) {
    if (store.get(id)!.vpcId !== vpcId) throw errors.groupOfOtherNetwork(id, subnet.subnetId);
  }
  if (new Set(groups).size > MAX_GROUPS_PER_INTERFACE) throw errors.groupsPerInterfaceLimit();
  if (groups.length === 0) {
    const fallback = store.defaultOf(vpcId);
    return fallback === undefined ? [] : [fallback.groupId];
  }
  return [...new Set(groups)];
}

/**
 * The EBS volumes a launch creates: the image's mappings, overridden or
 * suppressed (`NoDevice`) by the request's, plus the request's new devices.
 * Ephemeral (instance-store) mappings create no EBS volume. Every device
 * name, volume type, size, IOPS and throughput is checked against EBS's
 * limits (src/aws/ec2/model/ebs-limits.ts), and a request's snapshot must be one the
 * region knows (its images' snapshots).
 */
function planVolumes(
  ctx: OperationContext,
  image: MockImage,
  requested: BlockDeviceMapping[] | undefined,
  limit: number,
): LaunchPlan["volumes"] {
  const byDevice = new Map<string, BlockDeviceMapping>();
  for (const mapping of image.BlockDeviceMappings ?? []) byDevice.set(mapping.DeviceName!, mapping);
  const imageDevices = new Set(byDevice.keys());
  const named = new Set<string>();
  for (const mapping of requested ?? []) {
    if (typeof mapping.DeviceName !== "string" || mapping.DeviceName === "") throw errors.missingParameter("BlockDeviceMapping.DeviceName");
    const device = mapping.DeviceName;
    // The image's own device names are valid whatever their form (a user image may name its root as it likes).
    if (!imageDevices.has(device)) checkDeviceName(device);
    if (named.has(device)) throw errors.deviceMappedTwice(device);
    named.add(device);
    const base = byDevice.get(device);
    if (mapping.NoDevice !== undefined) {
      if (device === image.RootDeviceName) throw errors.rootDeviceSuppressed();
      byDevice.delete(device);
      continue;
    }
    if (mapping.VirtualName !== undefined) {
      // An instance store volume: no EBS volume is created (NVMe instance stores ignore the mapping, as on EC2).
      if (!/^ephemeral(?:[0-9]|1[0-9]|2[0-3])$/.test(mapping.VirtualName)) {
        throw errors.invalidVirtualName(clipped(mapping.VirtualName), device);
      }
      if (mapping.Ebs !== undefined) throw errors.ebsAndInstanceStore(device);
      byDevice.set(device, { DeviceName: device, VirtualName: mapping.VirtualName });
      continue;
    }
    refuseNested(`BlockDeviceMappings.Ebs`, mapping.Ebs, [
      "DeleteOnTermination",
      "Iops",
      "SnapshotId",
      "VolumeSize",
      "VolumeType",
      "Throughput",
      "Encrypted",
    ]);
    // A new device needs a volume: a snapshot to copy or a size (EbsBlockDevice.VolumeSize: "You must specify either").
    if (base?.Ebs === undefined && mapping.Ebs?.SnapshotId === undefined && mapping.Ebs?.VolumeSize === undefined) {
      throw errors.noSnapshotOrSize(device);
    }
    if (mapping.Ebs?.SnapshotId !== undefined) checkSnapshot(ctx, mapping.Ebs.SnapshotId);
    byDevice.set(device, { ...base, ...mapping, Ebs: { ...base?.Ebs, ...mapping.Ebs } });
  }
  const volumes: LaunchPlan["volumes"] = [];
  for (const mapping of byDevice.values()) {
    const ebs = mapping.Ebs;
    if (ebs === undefined || mapping.VirtualName !== undefined) continue;
    const fromImage = image.BlockDeviceMappings?.find((m) => m.DeviceName === mapping.DeviceName)?.Ebs;
    const sizeGiB = ebs.VolumeSize ?? fromImage?.VolumeSize ?? 8;
    if (fromImage?.VolumeSize !== undefined && sizeGiB < fromImage.VolumeSize) {
      throw errors.volumeSmallerThanSnapshot(sizeGiB, String(fromImage.SnapshotId), fromImage.VolumeSize);
    }
    const volumeType = checkVolumeType(ebs.VolumeType ?? fromImage?.VolumeType ?? "gp3");
    if ((volumeType === "io1" || volumeType === "io2") && ebs.Iops === undefined) {
      throw errors.iopsRequired(volumeType);
    }
    checkVolumeLimits({ sizeGiB, volumeType, iops: ebs.Iops, throughput: ebs.Throughput });
    volumes.push({
      deviceName: mapping.DeviceName!,
      deleteOnTermination: ebs.DeleteOnTermination ?? (fromImage !== undefined ? (fromImage.DeleteOnTermination ?? true) : true),
      sizeGiB,
      volumeType,
      iops: ebs.Iops,
      throughput: ebs.Throughput,
      // A mapping of the image's device keeps the image's snapshot; a new device is a blank volume.
      snapshotId: ebs.SnapshotId ?? fromImage?.SnapshotId ?? "",
    });
  }
  if (volumes.length > limit) throw errors.attachmentLimitExceeded(limit);
  // The root device first, as EC2 lists it.
  volumes.sort((a, b) => Number(b.deviceName === image.RootDeviceName) - Number(a.deviceName === image.RootDeviceName));
  return volumes;
}

/**
 * Hibernation's prerequisite on the root volume the launch plans: large
 * enough for the type's memory (./../model/hibernation.ts). Encryption, the
 * other prerequisite, always holds: every volume is encrypted by default.
 */
function checkHibernationRoot(ctx: OperationContext, instanceType: string, image: MockImage, volumes: LaunchPlan["volumes"]): void {
  const root = volumes.find((v) => v.deviceName === image.RootDeviceName);
  const needed = hibernationRootGiB(ctx.region.settings, instanceType);
  if (root !== undefined && needed !== undefined && root.sizeGiB < needed) throw errors.hibernationRootTooSmall(root.sizeGiB, needed);
}

/** A request's snapshot: well formed, and one of the region's images' snapshots (the only ones the mock has). */
function checkSnapshot(ctx: OperationContext, snapshotId: string): void {
  if (!isWellFormedId("snap", snapshotId)) {
    throw errors.malformedSnapshotId(clipped(snapshotId));
  }
  if (!ctx.region.hasSnapshot(snapshotId)) throw errors.snapshotNotFound(snapshotId);
}

/**
 * The launch options RunInstances records beyond `readLaunchOptions`'s: the
 * IAM instance profile and the primary interface's description (one frozen
 * object for the launch, as the others).
 */
function withLaunchExtras(
  options: LaunchOptions,
  ctx: OperationContext,
  input: RunInstancesCommandInput,
  nic: Partial<PrimaryInterface>,
): LaunchOptions {
  const profile = readInstanceProfile(input.IamInstanceProfile, ctx.region.settings.accountId);
  if (profile === undefined && nic.description === undefined) return options;
  return Object.freeze({
    ...options,
    ...(profile === undefined ? {} : { iamInstanceProfile: Object.freeze(profile) }),
    ...(nic.description === undefined ? {} : { networkInterfaceDescription: nic.description }),
  });
}

/** The resource types a Spot launch's TagSpecifications may name. */
const SPOT_LAUNCH_TAGGABLE = ["instance", "volume", "network-interface", "spot-instances-request"];

/**
 * Every check RunInstances makes before it takes anything (steps 1–3): the
 * launch plan, which {@link launchPlanned} carries out. RequestSpotInstances
 * and Fleet plan their launches with it too.
 */
export function planLaunch(ctx: OperationContext, input: RunInstancesCommandInput): LaunchPlan {
  if (input.ImageId === undefined || input.ImageId === "") throw errors.missingParameter("ImageId");
  const counts = readCounts(input);
  // Missing and malformed counts first; then no member the mock would drop.
  refuseUnmodelled("RunInstances", input, MODELLED_MEMBERS);
  const count = counts.max;
  const image = readImage(ctx, input.ImageId);
  const { instanceType, typeInfo } = readInstanceType(ctx, input.InstanceType, image);
  const nic = readNetworkInterfaces(ctx, input);
  const subnet = readSubnet(ctx, input.Placement, nic.subnetId, instanceType);
  checkOffered(ctx, instanceType, subnet.availabilityZone);
  const spot = readMarketOptions(ctx, input.InstanceMarketOptions, instanceType, input.HibernationOptions?.Configured === true);
  const securityGroupIds = resolveLaunchGroups(ctx, nic.groups, subnet, nic.subnetId !== undefined);
  const shutdownBehavior =
    input.InstanceInitiatedShutdownBehavior === undefined ? "stop" : readShutdownBehavior(input.InstanceInitiatedShutdownBehavior);
  const hibernation = input.HibernationOptions?.Configured === true;
  if (hibernation && image.RootDeviceType !== "ebs") {
    throw errors.hibernationNeedsEbs();
  }
  if (hibernation && !typeInfo.hibernation) throw errors.hibernationUnsupportedType(instanceType);
  if (input.DisableApiStop === true && image.RootDeviceType !== "ebs") throw errors.stopProtectionNeedsEbs();
  if (image.VirtualizationType === "paravirtual" && !typeInfo.paravirtual) throw errors.hvmRequired(instanceType);
  if (image.EnaSupport === false && typeInfo.ena === "required") throw errors.enaRequired(instanceType);
  const options = withLaunchExtras(
    readLaunchOptions(input, image, instanceType, hibernation, (t) => instanceTypesOf(ctx.region.settings).support(t)),
    ctx,
    input,
    nic,
  );
  const userData = input.UserData === undefined ? undefined : readBase64UserData(input.UserData);
  if (input.ClientToken !== undefined) checkClientToken(input.ClientToken);
  const privateIp = input.PrivateIpAddress ?? nic.privateIp;
  if (privateIp !== undefined) {
    if (count > 1 || Number(input.MinCount) > 1) {
      throw errors.privateIpForMany();
    }
    ctx.region.network.checkPrivateIp(subnet, String(privateIp));
  }
  // A Spot launch may also tag its requests (API reference, RunInstances TagSpecifications: "Spot Instance requests").
  const tags = readTagSpecifications(input.TagSpecifications, spot === undefined ? undefined : SPOT_LAUNCH_TAGGABLE);
  const volumes = planVolumes(ctx, image, input.BlockDeviceMappings, ebsAttachmentLimit(ctx.region.settings, instanceType));
  if (hibernation) checkHibernationRoot(ctx, instanceType, image, volumes);
  // The key pair is looked up last, with the other resources the launch names.
  const keyPair = input.KeyName === undefined ? undefined : keyPairForLaunch(ctx.region.keyPairs, input.KeyName);
  return {
    image,
    count,
    minCount: counts.min,
    instanceType,
    typeInfo,
    subnet,
    privateIp,
    tags,
    volumes,
    shutdownBehavior,
    userData,
    options,
    wantsPublicIp: wantsPublicIp(nic.publicIp, subnet),
    securityGroupIds,
    keyPair,
    spot,
  };
}

/** Whether the instances get a public IPv4: as the request says, else as their subnet's MapPublicIpOnLaunch. */
function wantsPublicIp(asked: boolean | undefined, subnet: Subnet): boolean {
  return asked ?? subnet.mapPublicIpOnLaunch;
}

/**
 * RunInstances as IAM authorizes it: the action on every resource the launch
 * uses or creates (the image, the new instance, its network interface and
 * volumes, the subnet, the security group), each with its condition keys;
 * then, when the request tags resources, ec2:CreateTags on each tagged kind
 * with `ec2:CreateAction` = RunInstances.
 */
function authorizeLaunch(ctx: OperationContext, launch: LaunchPlan): void {
  const settings = ctx.region.settings;
  const zone = launch.subnet.availabilityZone;
  const instance = newResource(
    settings,
    "instance",
    {
      "ec2:InstanceType": launch.instanceType,
      "ec2:AvailabilityZone": zone,
      "ec2:RootDeviceType": launch.image.RootDeviceType,
      "ec2:Tenancy": "default",
      "ec2:InstanceMarketType": launch.spot === undefined ? "on-demand" : "spot",
      "ec2:IsLaunchTemplateResource": "false",
      ...launchOptionKeys(launch.options),
    },
    launch.tags.get("instance"),
  );
  const networkInterface = newResource(
    settings,
    "network-interface",
    { "ec2:Subnet": `arn:aws:ec2:${settings.region}:${settings.accountId}:subnet/${launch.subnet.subnetId}`, "ec2:AvailabilityZone": zone },
    launch.tags.get("network-interface"),
  );
  const volumes = launch.volumes.map((v) =>
    newResource(
      settings,
      "volume",
      { "ec2:VolumeType": v.volumeType, "ec2:VolumeSize": String(v.sizeGiB), "ec2:AvailabilityZone": zone },
      launch.tags.get("volume"),
    ),
  );
  const resources: AuthResource[] = [
    imageResource(settings, launch.image),
    instance,
    networkInterface,
    ...launch.securityGroupIds.map((id) => securityGroupResource(settings, id, ctx.region.securityGroups.get(id)!.vpcId)),
    subnetResource(settings, launch.subnet, launch.subnet.vpcId),
    ...volumes,
    ...(launch.keyPair === undefined ? [] : [keyPairResource(settings, launch.keyPair)]),
  ];
  ctx.authorize("RunInstances", resources);
  const tagged = [instance, networkInterface, ...volumes].filter((r) => (r.requestTags?.size ?? 0) > 0);
  if (tagged.length > 0) ctx.authorize("CreateTags", tagged, { keys: { "ec2:CreateAction": "RunInstances" } });
}

/**
 * The new instance's condition keys its launch options decide (Service
 * Authorization Reference, RunInstances on `instance`): the instance
 * profile's ARN and the metadata options, so that a policy may require
 * IMDSv2 at launch.
 */
function launchOptionKeys(options: LaunchOptions): Record<string, string> {
  return {
    ...(options.iamInstanceProfile === undefined ? {} : { "ec2:InstanceProfile": options.iamInstanceProfile.arn }),
    "ec2:MetadataHttpTokens": options.metadata.httpTokens,
    "ec2:MetadataHttpPutResponseHopLimit": String(options.metadata.hopLimit),
    "ec2:MetadataHttpEndpoint": options.metadata.httpEndpoint,
  };
}

/** The same text (the same UTF-16 code units) as one flat string, whatever concatenations built it. */
function flatString(text: string): string {
  return text.split("").join("");
}

/** What identifies a launch for idempotency: the request without its token and DryRun. */
function launchDigest(input: RunInstancesCommandInput): string {
  const { ClientToken: _token, DryRun: _dryRun, ...request } = input;
  return digestOf(request);
}

/**
 * A retried launch with a `ClientToken` already used: the same reservation,
 * shown as it is now, and nothing launched; the same token with other
 * parameters is refused. A token is forgotten once its reservation is gone.
 */
function replayOf(ctx: OperationContext, input: RunInstancesCommandInput): Omit<RunInstancesCommandOutput, "$metadata"> | undefined {
  const used = input.ClientToken === undefined ? undefined : ctx.region.clientTokens.get(input.ClientToken);
  const reservation = used === undefined ? undefined : ctx.region.reservations.get(used.reservationId);
  if (used === undefined || reservation === undefined) return undefined;
  if (used.digest !== launchDigest(input)) {
    throw errors.idempotentParameterMismatch(String(input.ClientToken));
  }
  return renderReservation(ctx, reservation);
}

function renderReservation(ctx: OperationContext, reservation: Reservation): Omit<RunInstancesCommandOutput, "$metadata"> {
  return {
    Groups: [],
    Instances: reservation.instances.map((instance) => ctx.region.render(instance)),
    OwnerId: ctx.region.settings.accountId,
    ReservationId: reservation.reservationId,
  };
}

/** RunInstances: checks everything, then launches `MaxCount` instances in `pending`. */
export const runInstances: Operation<RunInstancesCommandInput, RunInstancesCommandOutput> = (ctx, request) => {
  const region = ctx.region;
  // A launch template's parameters with the request's laid over them (./run-template.ts), checked as any launch.
  const { input, used } = applyLaunchTemplate(ctx, request);
  const launch = planLaunch(ctx, input);
  authorizeLaunch(ctx, launch);
  authorizeTemplateUse(ctx, used);
  if (input.DryRun === true) throw errors.dryRun();
  const replay = replayOf(ctx, request);
  if (replay !== undefined) return replay;
  // A zone the launch did not name has capacity unless none has (placementZone): the long form only names others.
  checkCapacity(region, launch.instanceType, launch.subnet.availabilityZone, true);
  // A Spot launch whose maximum price is under the zone's Spot price launches nothing (SpotMaxPriceTooLow).
  if (launch.spot !== undefined) {
    const price = region.spotPrices.priceAt(launch.instanceType, launch.subnet.availabilityZone, ctx.now);
    if (launch.spot.maxPrice < price) throw errors.spotMaxPriceTooLow(launch.spot.maxPriceText, price);
  }
  const reservation = launchPlanned(ctx, launch, input, used);
  if (launch.spot !== undefined) linkSpotLaunch(ctx, reservation, launch.spot, input, launch.subnet.availabilityZone, launch.tags);
  if (input.ClientToken !== undefined) {
    region.clientTokens.set(input.ClientToken, { reservationId: reservation.reservationId, digest: launchDigest(request) });
  }
  return renderReservation(ctx, reservation);
};

/**
 * Carries out a checked launch (after authorization, DryRun and the state
 * rules): as many instances as the plan asks and the subnet holds (at least
 * `MinCount`, else InsufficientFreeAddressesInSubnet and nothing made), in
 * `pending`, registered in the region. Returns their reservation.
 */
export function launchPlanned(
  ctx: OperationContext,
  launch: LaunchPlan,
  input: RunInstancesCommandInput,
  used: TemplateUse | undefined,
): Reservation {
  const region = ctx.region;
  // Before anything is created: a launch the subnet cannot hold MinCount of leaves nothing behind; one that
  // holds fewer than MaxCount launches as many as it can (API reference, MaxCount and MinCount).
  const count = Math.min(launch.count, region.network.freeAddresses(launch.subnet));
  if (count < launch.minCount) throw errors.insufficientAddresses();

  const reservationId = newId("r");
  // The call's time, read once: every instance of the launch is created at it (machines included).
  const launchedAt = ctx.now;
  const createdAt = new Date(launchedAt);
  const os = guestOsOf(launch.image);
  // Flattened: the SDK builds its generated token by concatenation, a tree of ~20 strings every instance of
  // the reservation would keep alive.
  const clientToken = input.ClientToken === undefined ? uuid() : flatString(String(input.ClientToken));
  const reservation: Reservation = { reservationId, seq: region.nextReservationSeq(), instances: [] };
  const instanceTags = withTemplateTags(launch.tags.get("instance"), used);
  // Everything a launch's volumes share is worked out once per launch, not per instance (issue 22): the spec
  // without the device's own members, its performance, the tags; each instance then adds its id.
  const volumeTags = launch.tags.get("volume");
  const zone = launch.subnet.availabilityZone;
  const plannedVolumes = launch.volumes.map(({ deviceName, deleteOnTermination, ...rest }) => {
    const spec: VolumeSpec = { ...rest, availabilityZone: zone };
    return { deviceName, deleteOnTermination, spec, performance: performanceOf(spec) };
  });
  const volumeCount = plannedVolumes.length;
  // What every instance of the launch reads of the request, read once.
  const hibernationConfigured = input.HibernationOptions?.Configured === true;
  const userData = launch.userData === "" ? undefined : launch.userData;
  const disableApiStop = input.DisableApiStop === true;
  const disableApiTermination = input.DisableApiTermination === true;
  for (let launchIndex = 0; launchIndex < count; launchIndex++) {
    const fixedId = ctx.fixedInstanceIds?.[launchIndex];
    const instanceId = fixedId ?? newId("i");
    // An id newId minted always derives; a fixture's is checked.
    const derived = fixedId === undefined || derivesInterface(fixedId);
    // Every volume of the instance, created in the store and attached. What a launch's instances have
    // in common (the creation Date, the volume and instance tag maps, the image, the subnet) is one
    // object they all point to, not a copy each: none of it is ever written into, and at 100,000
    // instances every copy costs megabytes.
    const volumes: AttachedVolume[] = new Array(volumeCount);
    for (let v = 0; v < volumeCount; v++) {
      const planned = plannedVolumes[v]!;
      // The launch's one spec, and the instance apart: no copy of the spec per volume.
      const volume = region.volumes.create(newId("vol"), planned.spec, createdAt, volumeTags, planned.performance, instanceId);
      volume.attachment = {
        volumeId: volume.volumeId,
        instanceId,
        deviceName: planned.deviceName,
        deleteOnTermination: planned.deleteOnTermination,
        attachTime: createdAt,
      };
      volumes[v] = volume.attachment;
    }
    const instance: Ec2Instance = {
      machine: region.engine.launch(instanceId, os, ec2Requests.run, launchedAt),
      instanceId,
      reservationId,
      launchIndex,
      image: launch.image,
      instanceType: launch.instanceType,
      typeInfo: launch.typeInfo,
      createdAt,
      launchTime: createdAt,
      subnet: launch.subnet,
      privateIp: region.network.takePrivateIp(launch.subnet, launch.privateIp),
      publicIp: undefined,
      wantsPublicIp: launch.wantsPublicIp,
      // Derived from the instance id when it is one newId minted (model/ids.ts): two strings an instance less.
      networkInterfaceId: derived ? undefined : newId("eni"),
      macAddress: derived ? undefined : newMacAddress(),
      keyName: input.KeyName,
      clientToken,
      hibernationConfigured,
      launchOptions: launch.options,
      volumes,
      tags: instanceTags,
      stateReason: stateReasons.pending,
      stateTransitionReason: "",
      userData,
      disableApiStop,
      disableApiTermination,
      shutdownBehavior: launch.shutdownBehavior,
      securityGroupIds: launch.securityGroupIds,
    };
    reservation.instances.push(instance);
  }
  region.add(reservation);
  return reservation;
}
