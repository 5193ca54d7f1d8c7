import {
  array,
  buildsPaths,
  type Codec,
  date,
  integer,
  invalid,
  type JsonOf,
  literal,
  mapOf,
  nullable,
  number,
  object,
  optional,
  readObject,
  readWithoutPaths,
  string,
  time,
  type ValuesOf,
} from "../../../engine/record.js";
import { nonFiniteNumber } from "../../../engine/snapshot.js";
import { type AutoScalingState, autoScalingStateRecord } from "../../autoscaling/model/groups.js";
import { type ElbStoreContents, elbStoreRecord } from "../../elbv2/model/store.js";
import { parseCidr, parseIpv4 } from "../model/address-space.js";
import { addressRecord, type ElasticIp } from "../model/addresses.js";
import { type CapacityPool, withdrawnPoolsCodec } from "../model/capacity.js";
import type { Ec2Machine } from "../model/causes.js";
import { type Ec2Fleet, fleetRecord } from "../model/fleets.js";
import { derivedInterfaceId, derivedMacAddress, derivesInterface, isWellFormedId } from "../model/ids.js";
import { type ImageCatalogue, type MockImage, type OwnImage, ownImageRecord } from "../model/images.js";
import {
  type AttachedVolume,
  type Ec2Instance,
  type InstanceFields,
  instanceRecord,
  interfaceIdOf,
  type LinkedFields,
  macAddressOf,
} from "../model/instance.js";
import { type KeyPair, keyPairRecord } from "../model/key-pairs.js";
import { defaultLaunchOptions, type LaunchOptions } from "../model/launch-options.js";
import { type LaunchTemplate, launchTemplateRecord } from "../model/launch-templates.js";
import { type NetworkJson, networkRecord } from "../model/network.js";
import { type SecurityGroupsJson, securityGroupsRecord } from "../model/security-groups.js";
import { type DeletedSnapshot, deletedSnapshotRecord, type Ec2Snapshot, ebsSnapshotRecord } from "../model/snapshots.js";
import { type ManualPrice, manualPricesCodec } from "../model/spot-prices.js";
import { isSpotRequestId, type SpotRequest, spotRequestRecord } from "../model/spot-requests.js";
import { tagsField } from "../model/tags.js";
import { defaultInstanceTypes, instanceTypesOf } from "../model/type-catalogue.js";
import { volumeModificationsRecord } from "../model/volume-modifications.js";
import { type Ec2Volume, volumeCodec } from "../model/volumes.js";
import type { Controls, InstanceUsage } from "../observe/controls.js";
import type { Ec2Region, Reservation } from "../region.js";
import type { Ec2World } from "../world.js";
import { expandInstance, expandVolume, FILE_SNAPSHOT_VERSION } from "./file-form.js";

/**
 * The snapshot format this version writes and reads (`ec2.snapshot()`;
 * restore also reads a state file's compact form, version 2).
 * @public
 */
export const SNAPSHOT_VERSION = 1;

/**
 * An instance as JSON: the EC2 record and its machine.
 * @public
 */
export interface InstanceJson extends JsonOf<typeof instanceRecord> {}

/** Whether a (checked) CIDR block holds an address. */
function blockHolds(cidr: string, ip: string): boolean {
  const { first, prefix } = parseCidr(cidr)!;
  const n = parseIpv4(ip);
  return n >= first && n < first + 2 ** (32 - prefix);
}

/** {@link blockHolds} with each block parsed once: a fleet's instances share a few subnets (issue 22, restart). */
function blockTester(): (cidr: string, ip: string) => boolean {
  const blocks = new Map<string, { first: number; prefix: number }>();
  return (cidr, ip) => {
    let block = blocks.get(cidr);
    if (block === undefined) {
      const parsed = parseCidr(cidr);
      if (parsed === undefined) return blockHolds(cidr, ip);
      block = parsed;
      blocks.set(cidr, block);
    }
    const n = parseIpv4(ip);
    return n >= block.first && n < block.first + 2 ** (32 - block.prefix);
  };
}

/** Writes an instance: its declared fields, the linked ones as the ids of what the record holds. */
const writeInstance = instanceRecord.writer<Ec2Instance>({
  imageId: (instance) => instance.image.ImageId!,
  availabilityZone: (instance) => instance.subnet.availabilityZone,
  subnetId: (instance) => instance.subnet.subnetId,
  elasticIpAllocationId: (instance) => instance.elasticIp?.allocationId,
  volumeIds: (instance) => instance.volumes.map((v) => v.volumeId),
  securityGroupIds: (instance) => [...instance.securityGroupIds],
  // Derived from the instance id unless held (model/ids.ts): written as before, so every version reads them.
  networkInterfaceId: interfaceIdOf,
  macAddress: macAddressOf,
});

/** Reads an instance's declared fields, the linked ones apart (see `readSnapshot`). */
const readInstance = instanceRecord.reader([
  "imageId",
  "availabilityZone",
  "subnetId",
  "elasticIpAllocationId",
  "volumeIds",
  "launchOptions",
  "securityGroupIds",
]);

/** An instance read: its own fields (the record to be), and the linked ones apart. */
type ReadInstance = [Omit<InstanceFields, LinkedFields>, Pick<InstanceFields, LinkedFields>];

/** An instance, as a snapshot holds it: the record written with its links as ids; read as its fields, links apart. */
const instanceCodec: Codec<Ec2Instance | ReadInstance, InstanceJson> = {
  write: (instance, ctx) => writeInstance(instance as Ec2Instance, ctx),
  // A state file's snapshot (version 2) leaves out the members that hold their usual value: put back before the read.
  read: (json, path) => readInstance(expanding ? expandInstance(json) : json, path),
};

/**
 * Whether the snapshot being read is the state file's form (./file-form.ts), whose instances and volumes
 * are expanded as they are read (set by `readSnapshot` for the read's length).
 */
let expanding = false;

/**
 * A volume as JSON.
 * @public
 */
export interface VolumeJson extends JsonOf<typeof volumeCodec> {}
const volumeJsonCodec: Codec<Ec2Volume, VolumeJson> = {
  write: volumeCodec.write,
  read: (json, path) => volumeCodec.read(expanding ? expandVolume(json) : json, path),
};

/**
 * An Elastic IP as JSON.
 * @public
 */
export interface AddressJson extends JsonOf<typeof addressRecord> {}
const addressCodec: Codec<ValuesOf<typeof addressRecord.fields>, AddressJson> = addressRecord;

/**
 * A key pair as JSON.
 * @public
 */
export interface KeyPairJson extends JsonOf<typeof keyPairRecord> {}
const keyPairCodec: Codec<ValuesOf<typeof keyPairRecord.fields>, KeyPairJson> = keyPairRecord;

/**
 * A launch template, with its versions, as JSON.
 * @public
 */
export interface LaunchTemplateJson extends JsonOf<typeof launchTemplateRecord> {}
const launchTemplateCodec: Codec<ValuesOf<typeof launchTemplateRecord.fields>, LaunchTemplateJson> = launchTemplateRecord;

const usageRecord = object({
  instanceId: string,
  billedSeconds: number,
  periods: array(object({ start: date, end: nullable(date), billedSeconds: number })),
  ebsGibSeconds: number,
  /** Issue 22: the periods the timeline limit folded into `billedSeconds` (absent while none was, and in older snapshots). */
  droppedPeriods: optional(integer),
});

/**
 * Retired usage as JSON.
 * @public
 */
export interface UsageJson extends JsonOf<typeof usageRecord> {}
const usageCodec: Codec<InstanceUsage, UsageJson> = usageRecord;

const networkCodec: Codec<NetworkJson> = networkRecord;

/** The security groups: absent in snapshots written before issue 15 (the default group alone). */
const securityGroupsCodec: Codec<ValuesOf<typeof securityGroupsRecord.fields>, SecurityGroupsJson> = securityGroupsRecord;

/** An image the instances were launched from: any object with an `ImageId`, copied whole. */
const imageCodec: Codec<MockImage> = {
  write: (image) => structuredClone(image),
  read(json, path) {
    const o = readObject(json, path);
    string.read(o.ImageId, `${path}.ImageId`);
    return structuredClone(o) as unknown as MockImage;
  },
};

/** The state of one Region, declared once: the default Region's at the top of a snapshot, every other's in `regions`. */
const regionFields = {
  /** Images the instances were launched from, by id. */
  images: array(imageCodec),
  instances: array(instanceCodec),
  reservations: array(object({ reservationId: string, seq: number, instanceIds: array(string) })),
  reservationSeq: number,
  clientTokens: array(object({ token: string, reservationId: string, digest: string })),
  network: networkCodec,
  volumes: object({ live: array(volumeJsonCodec), deleted: array(volumeJsonCodec), seq: number }),
  addresses: array(addressCodec),
  retiredUsage: array(usageCodec),
  securityGroups: optional(securityGroupsCodec),
  /** Key pairs, in creation order; written only when there are some (absent: none, as in snapshots older than key pairs). */
  keyPairs: optional(array(keyPairCodec), { keep: (keyPairs) => keyPairs.length > 0 }),
  /** Launch templates and their versions, in creation order; written only when there are some. */
  launchTemplates: optional(array(launchTemplateCodec), { keep: (templates) => templates.length > 0 }),
  /** EBS snapshots (CreateSnapshot, CreateImage), in creation order; written only when there are some. */
  ebsSnapshots: optional(array(ebsSnapshotRecord), { keep: (snapshots) => snapshots.length > 0 }),
  /** Deleted EBS snapshots usage keeps (snapshot storage until their deletion); written only when there are some. */
  deletedEbsSnapshots: optional(array(deletedSnapshotRecord), { keep: (deleted) => deleted.length > 0 }),
  /** ModifyVolume's modifications (deleted volumes' included) and the volumes with autoEnableIO on; written only when there are some. */
  volumeModifications: optional(volumeModificationsRecord, {
    keep: (state) => state.modifications.length + state.autoEnableIO.length > 0,
  }),
  /**
   * The account's images (CreateImage, RegisterImage, CopyImage), deregistered ones included, and its tags on
   * the images it does not own; written only when there are some.
   */
  accountImages: optional(object({ own: array(ownImageRecord), tagsOfOthers: mapOf(string, tagsField) }), {
    keep: (images) => images.own.length + images.tagsOfOthers.size > 0,
  }),
  /** EC2 Fleets (CreateFleet), in creation order; written only when there are some. */
  fleets: optional(array(fleetRecord), { keep: (fleets) => fleets.length > 0 }),
  /** Spot prices set by hand (ec2.spot.setPrice), by type and zone then time; written only when there are some. */
  spotPrices: optional(manualPricesCodec, { keep: (prices) => prices.length > 0 }),
  /** Capacity pools withdrawn (ec2.capacity.withdraw), in the order withdrawn; written only when there are some. */
  withdrawnCapacity: optional(withdrawnPoolsCodec, { keep: (pools) => pools.length > 0 }),
  /** Spot Instance requests, in creation order; written only when there are some. */
  spotRequests: optional(array(spotRequestRecord), { keep: (requests) => requests.length > 0 }),
  /** Elastic Load Balancing v2's target groups, load balancers and listeners (src/aws/elbv2/); written only when there are some. */
  elbv2: optional(elbStoreRecord, { keep: (store) => store.targetGroups.length + store.loadBalancers.length + store.listeners.length > 0 }),
  /** EC2 Auto Scaling's groups and activities (issue 19); written only when there are some. */
  autoScaling: optional(autoScalingStateRecord, { keep: (state) => state.groups.length + state.activities.length > 0 }),
} as const;

const otherRegionRecord = object({ region: string, ...regionFields });

/**
 * The state of a Region other than the mock's default one, as JSON.
 * @public
 */
export interface RegionStateJson extends JsonOf<typeof otherRegionRecord> {}

/** The whole state of a mock, declared once, in the order it is written (see {@link Ec2MockSnapshot}). */
const snapshotRecord = object({
  version: literal(SNAPSHOT_VERSION),
  /** The mock's default Region, whose state follows: restore refuses another default Region or account. */
  region: string,
  accountId: string,
  /** Mock time when it was taken (informative). */
  takenAt: time,
  /** The clock's manual offset (mock time minus host time), in ms. */
  clockOffsetMs: number,
  ...regionFields,
  /** Every other Region used so far (absent when none was), in order of first use. */
  regions: optional(array(otherRegionRecord), { keep: (regions) => regions.length > 0 }),
});

/**
 * The whole state of a mock as plain JSON (`ec2.snapshot()`): no Map, Date or
 * class instance, so `JSON.stringify` / `JSON.parse` round-trip it. Times are
 * ISO 8601 strings (`null`: never or none); maps are arrays in their order.
 * Configuration (timing, images of the options, IAM, fault rules,
 * subscribers) is not state: restore into a mock created with the same
 * options.
 * @public
 */
export interface Ec2MockSnapshot extends JsonOf<typeof snapshotRecord> {}

/** What a snapshot holds, in memory: the JSON's ids not yet linked to the records they name. */
type SnapshotFields = ValuesOf<typeof snapshotRecord.fields>;

/** What a Region's state holds, in memory (see `regionFields`). */
type RegionFields = ValuesOf<typeof otherRegionRecord.fields>;

/** The state of one Region, ready to write. */
function regionState(region: Ec2Region, controls: Controls): RegionFields {
  const images = new Map<string, MockImage>();
  const instances = [...region.instances.values()];
  for (const instance of instances) images.set(instance.image.ImageId!, instance.image);
  const volumes = region.volumes.contents();
  return {
    region: region.settings.region,
    images: [...images.values()],
    instances,
    reservations: [...region.reservations.values()].map((r) => ({
      reservationId: r.reservationId,
      seq: r.seq,
      instanceIds: r.instances.map((i) => i.instanceId),
    })),
    reservationSeq: region.reservationCounter,
    clientTokens: [...region.clientTokens].map(([token, used]) => ({ token, ...used })),
    network: region.network.toJson(),
    volumes: { live: volumes.live, deleted: volumes.gone, seq: volumes.seq },
    addresses: [...region.addresses.byAllocationId.values()].map((a) => ({
      ...a,
      association:
        a.association === undefined
          ? undefined
          : { associationId: a.association.associationId, instanceId: a.association.instance.instanceId },
    })),
    retiredUsage: controls.retiredUsage(),
    securityGroups: region.securityGroups.contents(),
    // A key pair's tags are a ReadonlyMap only to keep writers off it: the record is written as it is.
    keyPairs: [...region.keyPairs.list()] as SnapshotFields["keyPairs"],
    launchTemplates: [...region.launchTemplates.list()] as SnapshotFields["launchTemplates"],
    ebsSnapshots: [...region.snapshots.list()],
    deletedEbsSnapshots: [...region.snapshots.deleted()],
    volumeModifications: region.volumeModifications.contents((volumeId) => region.volumes.has(volumeId)),
    accountImages: { own: [...region.images.ownImages()], tagsOfOthers: region.images.tagsOfOthers() },
    fleets: [...region.fleets.list()] as SnapshotFields["fleets"],
    spotPrices: region.spotPrices.manualPrices(),
    withdrawnCapacity: region.capacity.list(),
    autoScaling: region.autoScaling.contents(),
    spotRequests: region.spotRequests.contents() as RegionFields["spotRequests"] & object,
    elbv2: region.elbv2.contents(),
  };
}

/**
 * Takes a snapshot of every Region of a mock. `shiftMs` moves every time
 * back by that amount (the fixture builder uses it to end at clock offset 0).
 * Throws a RangeError naming the field when a number in it is NaN or
 * infinite, which JSON cannot hold: never a snapshot that would not restore.
 */
export function takeSnapshot(world: Ec2World, shiftMs = 0): Ec2MockSnapshot {
  const now = world.catchUp();
  const [first, ...others] = world.existing().map(({ region, controls }) => regionState(region, controls));
  const { region: _default, ...defaultState } = first!;
  const fields: SnapshotFields = {
    version: SNAPSHOT_VERSION,
    region: world.defaultRegion,
    accountId: world.settings.accountId,
    takenAt: now,
    clockOffsetMs: world.clock.offset - shiftMs,
    ...defaultState,
    regions: others,
  };
  const snapshot = snapshotRecord.write(fields, { shiftMs });
  // JSON would write NaN or Infinity as null, a snapshot that no longer restores: refuse it here instead.
  const bad = nonFiniteNumber(snapshot);
  if (bad !== undefined) {
    throw new RangeError(
      `ec2-mock: cannot take a snapshot: ${bad.path} is ${bad.value}, which JSON cannot hold (it would be saved as null)`,
    );
  }
  return snapshot;
}

/** A snapshot read and checked, ready to replace every Region's state (see {@link readSnapshot}). */
export interface CheckedSnapshot {
  /** Each Region's state, the default Region's first. */
  readonly regions: readonly CheckedRegion[];
  readonly clockOffsetMs: number;
}

/** One Region's state, read and checked. */
export interface CheckedRegion {
  readonly region: string;
  readonly network: NetworkJson;
  readonly live: Ec2Volume[];
  readonly deleted: Ec2Volume[];
  readonly volumeSeq: number;
  readonly addresses: ElasticIp[];
  /** The security groups, or undefined for a snapshot without them (the default group alone). */
  readonly securityGroups: ValuesOf<typeof securityGroupsRecord.fields> | undefined;
  readonly keyPairs: KeyPair[];
  readonly launchTemplates: LaunchTemplate[];
  /** The Spot Instance requests (none in snapshots without them). */
  readonly spotRequests: SpotRequest[];
  readonly ebsSnapshots: Ec2Snapshot[];
  /** The deleted snapshots usage keeps. */
  readonly deletedEbsSnapshots: DeletedSnapshot[];
  /** ModifyVolume's modifications and autoEnableIO (none in snapshots without them). */
  readonly volumeModifications: ValuesOf<typeof volumeModificationsRecord.fields>;
  readonly ownImages: OwnImage[];
  readonly tagsOfOthers: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly fleets: Ec2Fleet[];
  /** Spot prices set by hand (none in snapshots without them). */
  readonly spotPrices: ManualPrice[];
  /** Withdrawn capacity pools (none in snapshots without them). */
  readonly withdrawnCapacity: CapacityPool[];
  /** ELBv2's resources (none in snapshots without them). */
  readonly elbv2: ElbStoreContents | undefined;
  /** EC2 Auto Scaling's state (none in snapshots without it). */
  readonly autoScaling: AutoScalingState | undefined;
  readonly machines: Ec2Machine[];
  readonly reservations: Reservation[];
  readonly clientTokens: (readonly [string, { reservationId: string; digest: string }])[];
  readonly reservationSeq: number;
  readonly retired: InstanceUsage[];
}

/**
 * Reads and checks a snapshot for a region without changing anything: a
 * TypeError names the first bad field. What {@link restoreSnapshot} does
 * first; the state file also calls it alone, to refuse a snapshot that
 * would not restore before it is written (src/kit/state/state-file.ts).
 * Every field's type is checked by the declaration; what follows links the
 * ids the snapshot holds to the records they name, and checks they do.
 */
export function readSnapshot(world: Ec2World, snapshot: unknown): CheckedSnapshot {
  // Read first without building a path per member (a refused snapshot is read again with them, for the error).
  return readWithoutPaths(() => readSnapshotOnce(world, snapshot));
}

function readSnapshotOnce(world: Ec2World, snapshot: unknown): CheckedSnapshot {
  let s = readObject(snapshot, "snapshot");
  // The state file's form (version 2) is read too: a state file restores into a mock as it is (ec2.restore(JSON.parse(text))).
  const fileForm = s.version === FILE_SNAPSHOT_VERSION;
  // The state file's form is read as the snapshot it holds (a copy of the top level: the caller's object is not changed).
  if (fileForm) s = { ...s, version: SNAPSHOT_VERSION };
  if (s.version !== SNAPSHOT_VERSION) {
    throw new TypeError(
      `ec2-mock: not a snapshot this version can restore: version must be ${SNAPSHOT_VERSION}; got ${JSON.stringify(s.version) ?? "undefined"}`,
    );
  }
  const snapRegion = string.read(s.region, "region");
  const snapAccount = string.read(s.accountId, "accountId");
  if (snapRegion !== world.defaultRegion || snapAccount !== world.settings.accountId) {
    throw new TypeError(
      `ec2-mock: this snapshot is of region ${snapRegion}, account ${snapAccount}; this mock is region ${world.defaultRegion}, account ${world.settings.accountId}`,
    );
  }
  const {
    version: _version,
    region: _region,
    accountId: _account,
    takenAt: _takenAt,
    clockOffsetMs,
    regions,
    ...first
  } = readDeclared(s, fileForm);
  const images = world.default.region.images;
  const seen = new Set<string>([world.defaultRegion]);
  const others = (regions ?? []).map((state, k) => {
    if (!world.serves(state.region)) throw invalid(`regions[${k}].region`, "an AWS commercial Region", state.region);
    if (seen.has(state.region)) throw invalid(`regions[${k}].region`, "a Region named once (the default one at the top)", state.region);
    seen.add(state.region);
    return readRegion(images, state, `regions[${k}].`, instanceTypesOf(world.settings));
  });
  return {
    regions: [readRegion(images, { region: world.defaultRegion, ...first }, "", instanceTypesOf(world.settings)), ...others],
    clockOffsetMs,
  };
}

/** The snapshot's declared members, read; those of the state file's form expanded as they are read. */
function readDeclared(s: Record<string, unknown>, fileForm: boolean): SnapshotFields {
  expanding = fileForm;
  try {
    return snapshotRecord.read(s, "");
  } finally {
    expanding = false;
  }
}

/**
 * Links one Region's state: the ids it holds to the records they name,
 * checked. `images` is the catalogue every Region shares; `at` prefixes
 * every path of an error (`regions[2].`).
 */
function readRegion(catalogue: ImageCatalogue, fields: RegionFields, at: string, types = defaultInstanceTypes()): CheckedRegion {
  // The instances' subnets, as the network will hold them once restored: by id, and the default one per zone (old snapshots).
  const subnets = new Map([...fields.network.subnets, ...(fields.network.retiredSubnets ?? [])].map((subnet) => [subnet.subnetId, subnet]));
  const zones = new Map(
    fields.network.subnets
      .filter((subnet) => subnet.defaultForAz ?? (subnet.vpcId ?? fields.network.vpcId) === fields.network.vpcId)
      .map((subnet) => [subnet.availabilityZone, subnet]),
  );
  const images = new Map(fields.images.map((image) => [image.ImageId!, image]));
  const { live, deleted, seq: volumeSeq } = fields.volumes;
  const liveById = new Map(live.map((v) => [v.volumeId, v]));
  const groupIds = new Set(
    fields.securityGroups?.groups.map((g) => g.groupId) ??
      fields.network.vpcs?.map((vpc) => vpc.defaultSecurityGroupId) ?? [fields.network.defaultSecurityGroupId],
  );

  const holds = blockTester();
  const instances = new Map<string, Ec2Instance>();
  const wantedEips = new Map<Ec2Instance, string>();
  fields.instances.forEach((read, i) => {
    const p = buildsPaths() ? `${at}instances[${i}]` : at;
    const [own, { imageId, availabilityZone: zone, subnetId, elasticIpAllocationId, volumeIds, launchOptions, securityGroupIds }] =
      read as ReadInstance;
    const instanceId = own.instanceId;
    if (own.machine.id !== instanceId) throw invalid(`${p}.machine.id`, `the instance id ${instanceId}`, own.machine.id);
    // The snapshot's copy first: an image of the account may since have been deregistered or replaced.
    const image = images.get(imageId) ?? catalogue.get(imageId);
    if (image === undefined) throw invalid(`${p}.imageId`, "an image of the mock's catalogue or of the snapshot's images", imageId);
    const typeInfo = types.facts(own.instanceType);
    if (typeInfo === undefined) throw invalid(`${p}.instanceType`, "an instance type the mock knows", own.instanceType);
    const subnet = subnetId === undefined ? zones.get(zone) : subnets.get(subnetId);
    if (subnet === undefined) {
      if (subnetId !== undefined) throw invalid(`${p}.subnetId`, "a subnet of network.subnets", subnetId);
      throw invalid(`${p}.availabilityZone`, "a zone of network.subnets", zone);
    }
    if (subnet.availabilityZone !== zone) throw invalid(`${p}.availabilityZone`, `the zone of ${subnet.subnetId}`, zone);
    if (!holds(subnet.cidrBlock, own.privateIp)) throw invalid(`${p}.privateIp`, `an address of ${subnet.cidrBlock}`, own.privateIp);
    const volumes: AttachedVolume[] = volumeIds.map((id, j) => {
      const volume = liveById.get(id);
      if (volume?.attachment?.instanceId !== instanceId)
        throw invalid(`${p}.volumeIds[${j}]`, `a live volume attached to ${instanceId}`, id);
      return volume.attachment;
    });
    // The record is the fields object itself, given what the ids stand for (no copy: large fleets).
    const record = own as Omit<InstanceFields, LinkedFields> & {
      -readonly [K in Exclude<keyof Ec2Instance, keyof InstanceFields>]?: Ec2Instance[K];
    } & { launchOptions?: LaunchOptions; securityGroupIds?: readonly string[] };
    record.image = image;
    record.typeInfo = typeInfo;
    // Linked once the network is restored (restoreSnapshot): the subnet's id until then.
    record.subnet = { subnetId: subnet.subnetId } as unknown as Ec2Instance["subnet"];
    record.elasticIp = undefined;
    record.launchOptions = launchOptions ?? defaultLaunchOptions(image);
    record.volumes = volumes;
    // A terminated instance still visible may name groups deleted since (its VPC's, with the VPC).
    if (own.machine.phase !== "terminated") {
      (securityGroupIds ?? []).forEach((id, j) => {
        if (!groupIds.has(id)) throw invalid(`${p}.securityGroupIds[${j}]`, "the id of a security group of the snapshot", id);
      });
    }
    record.securityGroupIds = securityGroupIds ?? [fields.network.defaultSecurityGroupId];
    // An interface id and MAC address the instance id derives are not held (launched ones hold none); any other
    // (a snapshot from before they were derived, an 8-digit id) is kept as the instance's own.
    if (derivesInterface(instanceId)) {
      const held = record as { networkInterfaceId: string | undefined; macAddress: string | undefined };
      if (held.networkInterfaceId === derivedInterfaceId(instanceId)) held.networkInterfaceId = undefined;
      if (held.macAddress === derivedMacAddress(instanceId)) held.macAddress = undefined;
    }
    const instance = record as Ec2Instance;
    if (elasticIpAllocationId !== undefined) wantedEips.set(instance, elasticIpAllocationId);
    if (instances.has(instanceId)) throw invalid(`${p}.instanceId`, "unique", instanceId);
    instances.set(instanceId, instance);
  });

  const reservations: Reservation[] = fields.reservations.map((r, i) => ({
    reservationId: r.reservationId,
    seq: r.seq,
    instances: r.instanceIds.map((id, j) => {
      const instance = instances.get(id);
      if (instance === undefined) throw invalid(`${at}reservations[${i}].instanceIds[${j}]`, "the id of an instance of the snapshot", id);
      return instance;
    }),
  }));
  // The fleet is rebuilt from the reservations: an instance outside the one it names would be lost.
  const listed = new Map<Ec2Instance, string>();
  for (const r of reservations) for (const instance of r.instances) listed.set(instance, r.reservationId);
  for (const instance of instances.values()) {
    if (listed.get(instance) !== instance.reservationId) {
      throw invalid(
        `${at}instances(${instance.instanceId}).reservationId`,
        "a reservation that lists the instance",
        instance.reservationId,
      );
    }
  }

  const clientTokens = fields.clientTokens.map(({ token, reservationId, digest }) => [token, { reservationId, digest }] as const);

  const addresses: ElasticIp[] = fields.addresses.map((a, i) => {
    let association: ElasticIp["association"];
    if (a.association !== undefined) {
      const instance = instances.get(a.association.instanceId);
      if (instance === undefined)
        throw invalid(`${at}addresses[${i}].association.instanceId`, "the id of an instance of the snapshot", a.association.instanceId);
      association = { associationId: a.association.associationId, instance };
    }
    return { ...a, association };
  });
  const byAllocation = new Map(addresses.map((a) => [a.allocationId, a]));
  for (const [instance, allocationId] of wantedEips) {
    const address = byAllocation.get(allocationId);
    if (address?.association?.instance !== instance) {
      throw invalid(
        `${at}instances(${instance.instanceId}).elasticIpAllocationId`,
        "an address associated with that instance",
        allocationId,
      );
    }
    instance.elasticIp = address;
  }

  const keyPairs = fields.keyPairs ?? [];
  const keyPairIds = new Set<string>();
  const keyNames = new Set<string>();
  keyPairs.forEach((keyPair, i) => {
    if (keyPairIds.has(keyPair.keyPairId)) throw invalid(`keyPairs[${i}].keyPairId`, "unique", keyPair.keyPairId);
    if (keyNames.has(keyPair.keyName)) throw invalid(`keyPairs[${i}].keyName`, "unique", keyPair.keyName);
    keyPairIds.add(keyPair.keyPairId);
    keyNames.add(keyPair.keyName);
  });

  const spotRequests = (fields.spotRequests ?? []) as SpotRequest[];
  const spotIds = new Set<string>();
  spotRequests.forEach((request, i) => {
    const id = request.spotInstanceRequestId;
    if (!isSpotRequestId(id) || spotIds.has(id)) throw invalid(`${at}spotRequests[${i}].spotInstanceRequestId`, "a unique sir- id", id);
    spotIds.add(id);
  });

  const launchTemplates = (fields.launchTemplates ?? []) as LaunchTemplate[];
  const templateIds = new Set<string>();
  const templateNames = new Set<string>();
  launchTemplates.forEach((template, i) => {
    const where = `${at}launchTemplates[${i}]`;
    if (templateIds.has(template.launchTemplateId)) throw invalid(`${where}.launchTemplateId`, "unique", template.launchTemplateId);
    if (templateNames.has(template.launchTemplateName)) throw invalid(`${where}.launchTemplateName`, "unique", template.launchTemplateName);
    templateIds.add(template.launchTemplateId);
    templateNames.add(template.launchTemplateName);
    // Versions in order, none above the counter, the default among them.
    template.versions.forEach((version, j) => {
      const previous = j === 0 ? 0 : template.versions[j - 1]!.versionNumber;
      if (version.versionNumber <= previous || version.versionNumber > template.versionCounter) {
        throw invalid(`${where}.versions[${j}].versionNumber`, `a number above ${previous}, at most versionCounter`, version.versionNumber);
      }
    });
    if (!template.versions.some((v) => v.versionNumber === template.defaultVersion)) {
      throw invalid(`${where}.defaultVersion`, "the number of one of its versions", template.defaultVersion);
    }
  });

  // Volume modifications: each of a volume of the snapshot (live or deleted), in start order; autoEnableIO of live ones.
  const volumeModifications = fields.volumeModifications ?? { modifications: [], autoEnableIO: [] };
  const everyVolume = new Set([...live, ...deleted].map((v) => v.volumeId));
  volumeModifications.modifications.forEach((m, i) => {
    const where = `${at}volumeModifications.modifications[${i}]`;
    if (!everyVolume.has(m.volumeId)) throw invalid(`${where}.volumeId`, "the id of a volume of the snapshot", m.volumeId);
    const previous = volumeModifications.modifications[i - 1]?.seq ?? 0;
    if (m.seq <= previous) throw invalid(`${where}.seq`, `a number above ${previous}`, m.seq);
  });
  volumeModifications.autoEnableIO.forEach((id, i) => {
    if (!liveById.has(id)) throw invalid(`${at}volumeModifications.autoEnableIO[${i}]`, "the id of a live volume of the snapshot", id);
  });

  const ownImages = fields.accountImages?.own ?? [];
  const ownIds = new Set<string>();
  ownImages.forEach((own, i) => {
    const id = own.image.ImageId!;
    if (!isWellFormedId("ami", id)) throw invalid(`${at}accountImages.own[${i}].image.ImageId`, "an image id", id);
    if (ownIds.has(id)) throw invalid(`${at}accountImages.own[${i}].image.ImageId`, "unique", id);
    ownIds.add(id);
  });

  // ELBv2: unique ARNs and names; each listener of a load balancer and a target group of the snapshot.
  const elbv2 = fields.elbv2;
  if (elbv2 !== undefined) {
    const unique = (list: readonly { arn: string; name?: string }[], what: string) => {
      const arns = new Set<string>();
      const names = new Set<string>();
      list.forEach((item, i) => {
        if (arns.has(item.arn)) throw invalid(`${at}elbv2.${what}[${i}].arn`, "unique", item.arn);
        arns.add(item.arn);
        if (item.name !== undefined && names.has(item.name)) throw invalid(`${at}elbv2.${what}[${i}].name`, "unique", item.name);
        if (item.name !== undefined) names.add(item.name);
      });
      return arns;
    };
    const groups = unique(elbv2.targetGroups, "targetGroups");
    const lbs = unique(elbv2.loadBalancers, "loadBalancers");
    unique(elbv2.listeners, "listeners");
    elbv2.listeners.forEach((listener, i) => {
      if (!lbs.has(listener.loadBalancerArn)) {
        throw invalid(`${at}elbv2.listeners[${i}].loadBalancerArn`, "the ARN of a load balancer of the snapshot", listener.loadBalancerArn);
      }
      if (!groups.has(listener.targetGroupArn)) {
        throw invalid(`${at}elbv2.listeners[${i}].targetGroupArn`, "the ARN of a target group of the snapshot", listener.targetGroupArn);
      }
    });
  }

  const machines = [...instances.values()].map((i) => i.machine);
  return {
    region: fields.region,
    network: fields.network,
    live,
    deleted,
    volumeSeq,
    addresses,
    securityGroups: fields.securityGroups,
    keyPairs,
    launchTemplates,
    spotRequests,
    ebsSnapshots: (fields.ebsSnapshots ?? []) as Ec2Snapshot[],
    deletedEbsSnapshots: (fields.deletedEbsSnapshots ?? []) as DeletedSnapshot[],
    volumeModifications,
    ownImages,
    tagsOfOthers: fields.accountImages?.tagsOfOthers ?? new Map(),
    fleets: (fields.fleets ?? []) as Ec2Fleet[],
    spotPrices: fields.spotPrices ?? [],
    withdrawnCapacity: fields.withdrawnCapacity ?? [],
    elbv2: fields.elbv2,
    autoScaling: fields.autoScaling,
    machines,
    reservations,
    clientTokens,
    reservationSeq: fields.reservationSeq,
    retired: fields.retiredUsage,
  };
}

/**
 * Replaces the state of every Region with a snapshot's: a Region it does not
 * hold is emptied. Every field is checked first (a TypeError names the first
 * bad one), and nothing changes unless the whole snapshot is valid.
 */
export function restoreSnapshot(world: Ec2World, snapshot: unknown): void {
  const checked = readSnapshot(world, snapshot);
  // Everything checked: replace the state in one go.
  world.clear();
  for (const state of checked.regions) {
    const { region, controls } = world.entry(state.region)!;
    region.network.restoreJson(state.network);
    // Each instance gets the very subnet record the network now holds (read: a placeholder naming it).
    for (const reservation of state.reservations) {
      for (const instance of reservation.instances) {
        const id = instance.subnet.subnetId;
        const subnet = (region.network.subnet(id) ?? region.network.retiredSubnet(id))!;
        (instance as { subnet: Ec2Instance["subnet"] }).subnet = subnet;
        // Its address is in use whatever the snapshot's pools say (older ones list them apart).
        region.network.takePrivateIp(subnet, instance.privateIp);
      }
    }
    region.volumes.replace(state.live, state.deleted, state.volumeSeq);
    region.addresses.replace(state.addresses);
    region.keyPairs.replace(state.keyPairs);
    region.launchTemplates.replace(state.launchTemplates);
    region.spotRequests.replace(state.spotRequests);
    region.snapshots.replace(state.ebsSnapshots, state.deletedEbsSnapshots);
    region.volumeModifications.replace(state.volumeModifications);
    region.images.replaceOwn(state.ownImages, state.tagsOfOthers);
    region.fleets.replace(state.fleets);
    region.spotPrices.replaceManual(state.spotPrices);
    region.capacity.replace(state.withdrawnCapacity);
    region.elbv2.replace(state.elbv2);
    region.autoScaling.replace(state.autoScaling);
    region.securityGroups.reset();
    // A snapshot from before security groups: each VPC's default group, with the id its VPC names.
    if (state.securityGroups === undefined) {
      for (const vpc of region.network.allVpcs()) region.securityGroups.createDefault(vpc.vpcId, vpc.defaultSecurityGroupId);
    } else region.securityGroups.replace(state.securityGroups);
    region.engine.replaceMachines(state.machines);
    region.replaceFleet(state.reservations);
    for (const [token, used] of state.clientTokens) region.clientTokens.set(token, used);
    region.reservationCounter = state.reservationSeq;
    controls.replaceRetired(state.retired);
  }
  world.clock.setOffset(checked.clockOffsetMs);
}
