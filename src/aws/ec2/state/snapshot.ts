import type { StateReason } from "@aws-sdk/client-ec2";
import { badSnapshot, machineFromJson, machineToJson, type MachineJson, nonFiniteNumber, read, TimeCodec } from "../../../engine/snapshot.js";
import { type Ec2Machine, readEc2Request } from "../model/causes.js";
import type { ElasticIp } from "../model/addresses.js";
import type { Controls, InstanceUsage } from "../observe/controls.js";
import type { MockImage } from "../model/images.js";
import type { AttachedVolume, Ec2Instance } from "../model/instance.js";
import { instanceTypeInfo } from "../model/instance-types.js";
import { launchOptionsFromJson, type LaunchOptionsJson } from "../model/launch-options.js";
import { parseCidr } from "../model/address-space.js";
import { type NetworkJson, type Subnet, subnetHolding, subnetRecord } from "../model/network.js";
import type { Ec2Region, Reservation } from "../region.js";
import { type Ec2Volume, NO_TAGS } from "../model/volumes.js";

/**
 * The snapshot format this version writes and reads.
 * @public
 */
export const SNAPSHOT_VERSION = 1;

/**
 * The whole state of a mock as plain JSON (`ec2.snapshot()`): no Map, Date or
 * class instance, so `JSON.stringify` / `JSON.parse` round-trip it. Times are
 * ISO 8601 strings (`null`: never or none); maps are arrays in their order.
 * Configuration (timing, images of the options, IAM, fault rules,
 * subscribers) is not state: restore into a mock created with the same
 * options.
 * @public
 */
export interface Ec2MockSnapshot {
  version: 1;
  /** Where it was taken: restore refuses another region or account. */
  region: string;
  accountId: string;
  /** Mock time when it was taken (informative). */
  takenAt: string;
  /** The clock's manual offset (mock time minus host time), in ms. */
  clockOffsetMs: number;
  /** Images the instances were launched from, by id. */
  images: MockImage[];
  instances: InstanceJson[];
  reservations: { reservationId: string; seq: number; instanceIds: string[] }[];
  reservationSeq: number;
  clientTokens: { token: string; reservationId: string; digest: string }[];
  network: NetworkJson;
  volumes: { live: VolumeJson[]; deleted: VolumeJson[]; seq: number };
  addresses: AddressJson[];
  retiredUsage: UsageJson[];
}

/**
 * An instance as JSON: the EC2 record and its machine.
 * @public
 */
export interface InstanceJson {
  instanceId: string;
  reservationId: string;
  launchIndex: number;
  imageId: string;
  instanceType: string;
  createdAt: string;
  launchTime: string;
  availabilityZone: string;
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
  machine: MachineJson;
}

/**
 * A volume as JSON.
 * @public
 */
export interface VolumeJson {
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
  attachment: { instanceId: string; deviceName: string; deleteOnTermination: boolean; attachTime: string } | null;
  tags: [string, string][];
}

/**
 * An Elastic IP as JSON.
 * @public
 */
export interface AddressJson {
  allocationId: string;
  publicIp: string;
  association: { associationId: string; instanceId: string } | null;
  tags: [string, string][];
}

/**
 * Retired usage as JSON.
 * @public
 */
export interface UsageJson {
  instanceId: string;
  billedSeconds: number;
  periods: { start: string; end: string | null; billedSeconds: number }[];
  ebsGibSeconds: number;
}

/**
 * Takes a snapshot of a region and its controls. `shiftMs` moves every time
 * back by that amount (the fixture builder uses it to end at clock offset 0).
 * Throws a RangeError naming the field when a number in it is NaN or
 * infinite, which JSON cannot hold: never a snapshot that would not restore.
 */
export function takeSnapshot(region: Ec2Region, controls: Controls, shiftMs = 0): Ec2MockSnapshot {
  const now = region.catchUp();
  const time = new TimeCodec(shiftMs);
  const images = new Map<string, MockImage>();
  const instances = [...region.instances.values()].map((instance): InstanceJson => {
    images.set(instance.image.ImageId!, instance.image);
    return {
      instanceId: instance.instanceId,
      reservationId: instance.reservationId,
      launchIndex: instance.launchIndex,
      imageId: instance.image.ImageId!,
      instanceType: instance.instanceType,
      createdAt: time.outDate(instance.createdAt),
      launchTime: time.outDate(instance.launchTime),
      availabilityZone: instance.subnet.availabilityZone,
      privateIp: instance.privateIp,
      publicIp: instance.publicIp ?? null,
      wantsPublicIp: instance.wantsPublicIp,
      elasticIpAllocationId: instance.elasticIp?.allocationId ?? null,
      networkInterfaceId: instance.networkInterfaceId,
      macAddress: instance.macAddress,
      keyName: instance.keyName ?? null,
      clientToken: instance.clientToken,
      hibernationConfigured: instance.hibernationConfigured,
      launchOptions: instance.launchOptions,
      volumeIds: instance.volumes.map((v) => v.volumeId),
      tags: [...instance.tags],
      stateReason: instance.stateReason === undefined ? null : { ...instance.stateReason },
      stateTransitionReason: instance.stateTransitionReason,
      userData: instance.userData ?? null,
      disableApiStop: instance.disableApiStop,
      disableApiTermination: instance.disableApiTermination,
      shutdownBehavior: instance.shutdownBehavior,
      ...(instance.sourceDestCheck === undefined ? {} : { sourceDestCheck: instance.sourceDestCheck }),
      ...(instance.ebsOptimized === undefined ? {} : { ebsOptimized: instance.ebsOptimized }),
      ...(instance.enaSupport === undefined ? {} : { enaSupport: instance.enaSupport }),
      machine: machineToJson(instance.machine, time),
    };
  });
  const volumeToJson = (v: Ec2Volume): VolumeJson => ({
    volumeId: v.volumeId,
    seq: v.seq,
    sizeGiB: v.sizeGiB,
    volumeType: v.volumeType,
    iops: v.iops ?? null,
    throughput: v.throughput ?? null,
    snapshotId: v.snapshotId,
    availabilityZone: v.availabilityZone,
    createTime: time.outDate(v.createTime),
    launchedWith: v.launchedWith ?? null,
    deleteTime: v.deleteTime === undefined ? null : time.outDate(v.deleteTime),
    attachment:
      v.attachment === undefined
        ? null
        : {
            instanceId: v.attachment.instanceId,
            deviceName: v.attachment.deviceName,
            deleteOnTermination: v.attachment.deleteOnTermination,
            attachTime: time.outDate(v.attachment.attachTime),
          },
    tags: [...v.tags],
  });
  const volumes = region.volumes.contents();
  const snapshot: Ec2MockSnapshot = {
    version: SNAPSHOT_VERSION,
    region: region.settings.region,
    accountId: region.settings.accountId,
    takenAt: time.out(now),
    clockOffsetMs: region.lifecycle.clock.offset - shiftMs,
    images: structuredClone([...images.values()]),
    instances,
    reservations: [...region.reservations.values()].map((r) => ({
      reservationId: r.reservationId,
      seq: r.seq,
      instanceIds: r.instances.map((i) => i.instanceId),
    })),
    reservationSeq: region.reservationCounter,
    clientTokens: [...region.clientTokens].map(([token, used]) => ({ token, ...used })),
    network: region.network.toJson(),
    volumes: { live: volumes.live.map(volumeToJson), deleted: volumes.gone.map(volumeToJson), seq: volumes.seq },
    addresses: [...region.addresses.byAllocationId.values()].map((a) => ({
      allocationId: a.allocationId,
      publicIp: a.publicIp,
      association: a.association === undefined ? null : { associationId: a.association.associationId, instanceId: a.association.instance.instanceId },
      tags: [...a.tags],
    })),
    retiredUsage: controls.retiredUsage().map((u) => ({
      instanceId: u.instanceId,
      billedSeconds: u.billedSeconds,
      periods: u.periods.map((p) => ({ start: time.outDate(p.start), end: p.end === undefined ? null : time.outDate(p.end), billedSeconds: p.billedSeconds })),
      ebsGibSeconds: u.ebsGibSeconds,
    })),
  };
  // JSON would write NaN or Infinity as null, a snapshot that no longer restores: refuse it here instead.
  const bad = nonFiniteNumber(snapshot);
  if (bad !== undefined) {
    throw new RangeError(`ec2-mock: cannot take a snapshot: ${bad.path} is ${bad.value}, which JSON cannot hold (it would be saved as null)`);
  }
  return snapshot;
}

/** Untagged records share one empty map, as launched ones do (memory of large restored fleets). */
function sharedIfEmpty(tags: Map<string, string>): ReadonlyMap<string, string> {
  return tags.size === 0 ? NO_TAGS : tags;
}

/** A CIDR block field: its text, checked. */
function readCidr(value: unknown, path: string): string {
  const text = read.string(value, path);
  if (parseCidr(text) === undefined) throw badSnapshot(path, "an IPv4 CIDR block", text);
  return text;
}

/** The network, checked: valid blocks, and every address in use inside a subnet. */
function readNetwork(value: unknown): { json: NetworkJson; subnets: Subnet[] } {
  const n = read.object(value, "network");
  const subnets = read.array(n.subnets, "network.subnets").map((s, i) => {
    const o = read.object(s, `network.subnets[${i}]`);
    return subnetRecord(
      read.string(o.subnetId, `network.subnets[${i}].subnetId`),
      read.string(o.availabilityZone, `network.subnets[${i}].availabilityZone`),
      readCidr(o.cidrBlock, `network.subnets[${i}].cidrBlock`),
    );
  });
  const privateInUse = read.array(n.privateInUse, "network.privateInUse").map((ip, i) => {
    const text = read.string(ip, `network.privateInUse[${i}]`);
    if (subnetHolding(subnets, text) === undefined) throw badSnapshot(`network.privateInUse[${i}]`, "an address of a subnet", text);
    return text;
  });
  const json: NetworkJson = {
    vpcId: read.string(n.vpcId, "network.vpcId"),
    defaultSecurityGroupId: read.string(n.defaultSecurityGroupId, "network.defaultSecurityGroupId"),
    vpcCidr: readCidr(n.vpcCidr, "network.vpcCidr"),
    subnets: subnets.map((s) => ({ subnetId: s.subnetId, availabilityZone: s.availabilityZone, cidrBlock: s.cidrBlock })),
    privateInUse,
    nextHost: read.array(n.nextHost, "network.nextHost").map((pair, i) => {
      const [id, host] = read.array(pair, `network.nextHost[${i}]`);
      return [read.string(id, `network.nextHost[${i}][0]`), read.number(host, `network.nextHost[${i}][1]`)];
    }),
    publicInUse: read.array(n.publicInUse, "network.publicInUse").map((ip, i) => read.string(ip, `network.publicInUse[${i}]`)),
    publicCounter: read.number(n.publicCounter, "network.publicCounter"),
  };
  return { json, subnets };
}

function readVolume(value: unknown, path: string): Ec2Volume {
  const v = read.object(value, path);
  const volumeId = read.string(v.volumeId, `${path}.volumeId`);
  const a = v.attachment === null || v.attachment === undefined ? undefined : read.object(v.attachment, `${path}.attachment`);
  const deleteTime = read.timeOr(v.deleteTime, `${path}.deleteTime`, undefined);
  const iops = v.iops === null || v.iops === undefined ? undefined : read.number(v.iops, `${path}.iops`);
  const throughput = v.throughput === null || v.throughput === undefined ? undefined : read.number(v.throughput, `${path}.throughput`);
  return {
    volumeId,
    seq: read.number(v.seq, `${path}.seq`),
    sizeGiB: read.number(v.sizeGiB, `${path}.sizeGiB`),
    volumeType: read.string(v.volumeType, `${path}.volumeType`),
    iops,
    throughput,
    snapshotId: read.string(v.snapshotId, `${path}.snapshotId`),
    availabilityZone: read.string(v.availabilityZone, `${path}.availabilityZone`),
    createTime: new Date(read.time(v.createTime, `${path}.createTime`)),
    launchedWith: read.optString(v.launchedWith, `${path}.launchedWith`),
    deleteTime: deleteTime === undefined ? undefined : new Date(deleteTime),
    attachment:
      a === undefined
        ? undefined
        : {
            volumeId,
            instanceId: read.string(a.instanceId, `${path}.attachment.instanceId`),
            deviceName: read.string(a.deviceName, `${path}.attachment.deviceName`),
            deleteOnTermination: read.boolean(a.deleteOnTermination, `${path}.attachment.deleteOnTermination`),
            attachTime: new Date(read.time(a.attachTime, `${path}.attachment.attachTime`)),
          },
    tags: sharedIfEmpty(read.pairs(v.tags, `${path}.tags`)),
  };
}

/** A snapshot read and checked, ready to replace a region's state (see {@link readSnapshot}). */
export interface CheckedSnapshot {
  readonly network: NetworkJson;
  readonly live: Ec2Volume[];
  readonly deleted: Ec2Volume[];
  readonly volumeSeq: number;
  readonly addresses: ElasticIp[];
  readonly machines: Ec2Machine[];
  readonly reservations: Reservation[];
  readonly clientTokens: (readonly [string, { reservationId: string; digest: string }])[];
  readonly reservationSeq: number;
  readonly retired: InstanceUsage[];
  readonly clockOffsetMs: number;
}

/**
 * Reads and checks a snapshot for a region without changing anything: a
 * TypeError names the first bad field. What {@link restoreSnapshot} does
 * first; the state file also calls it alone, to refuse a snapshot that
 * would not restore before it is written (src/kit/state/state-file.ts).
 */
export function readSnapshot(region: Ec2Region, snapshot: unknown): CheckedSnapshot {
  const s = read.object(snapshot, "snapshot");
  if (s.version !== SNAPSHOT_VERSION) {
    throw new TypeError(`ec2-mock: not a snapshot this version can restore: version must be ${SNAPSHOT_VERSION}; got ${JSON.stringify(s.version) ?? "undefined"}`);
  }
  const snapRegion = read.string(s.region, "region");
  const snapAccount = read.string(s.accountId, "accountId");
  if (snapRegion !== region.settings.region || snapAccount !== region.settings.accountId) {
    throw new TypeError(
      `ec2-mock: this snapshot is of region ${snapRegion}, account ${snapAccount}; this mock is region ${region.settings.region}, account ${region.settings.accountId}`,
    );
  }
  const clockOffsetMs = read.number(s.clockOffsetMs, "clockOffsetMs");
  const { json: network, subnets } = readNetwork(s.network);
  const zones = new Map(subnets.map((subnet) => [subnet.availabilityZone, subnet]));

  const images = new Map<string, MockImage>();
  read.array(s.images, "images").forEach((image, i) => {
    const o = read.object(image, `images[${i}]`);
    images.set(read.string(o.ImageId, `images[${i}].ImageId`), structuredClone(o) as unknown as MockImage);
  });

  const vols = read.object(s.volumes, "volumes");
  const live = read.array(vols.live, "volumes.live").map((v, i) => readVolume(v, `volumes.live[${i}]`));
  const deleted = read.array(vols.deleted, "volumes.deleted").map((v, i) => readVolume(v, `volumes.deleted[${i}]`));
  const volumeSeq = read.number(vols.seq, "volumes.seq");
  const liveById = new Map(live.map((v) => [v.volumeId, v]));

  const instances = new Map<string, Ec2Instance>();
  const wantedEips = new Map<Ec2Instance, string>();
  read.array(s.instances, "instances").forEach((value, i) => {
    const p = `instances[${i}]`;
    const o = read.object(value, p);
    const instanceId = read.string(o.instanceId, `${p}.instanceId`);
    const machine = machineFromJson(o.machine, `${p}.machine`, readEc2Request);
    if (machine.id !== instanceId) throw badSnapshot(`${p}.machine.id`, `the instance id ${instanceId}`, machine.id);
    const imageId = read.string(o.imageId, `${p}.imageId`);
    const image = region.images.get(imageId) ?? images.get(imageId);
    if (image === undefined) throw badSnapshot(`${p}.imageId`, "an image of the mock's catalogue or of the snapshot's images", imageId);
    const instanceType = read.string(o.instanceType, `${p}.instanceType`);
    const typeInfo = instanceTypeInfo(instanceType);
    if (typeInfo === undefined) throw badSnapshot(`${p}.instanceType`, "an instance type the mock knows", instanceType);
    const zone = read.string(o.availabilityZone, `${p}.availabilityZone`);
    const subnet = zones.get(zone);
    if (subnet === undefined) throw badSnapshot(`${p}.availabilityZone`, "a zone of network.subnets", zone);
    const privateIp = read.string(o.privateIp, `${p}.privateIp`);
    if (subnetHolding([subnet], privateIp) === undefined) throw badSnapshot(`${p}.privateIp`, `an address of ${subnet.cidrBlock}`, privateIp);
    const volumes: AttachedVolume[] = read.array(o.volumeIds, `${p}.volumeIds`).map((id, j) => {
      const volume = liveById.get(read.string(id, `${p}.volumeIds[${j}]`));
      if (volume?.attachment?.instanceId !== instanceId) throw badSnapshot(`${p}.volumeIds[${j}]`, `a live volume attached to ${instanceId}`, id);
      return volume.attachment;
    });
    const stateReason = o.stateReason === null || o.stateReason === undefined ? undefined : read.object(o.stateReason, `${p}.stateReason`);
    const instance: Ec2Instance = {
      machine,
      instanceId,
      reservationId: read.string(o.reservationId, `${p}.reservationId`),
      launchIndex: read.number(o.launchIndex, `${p}.launchIndex`),
      image,
      instanceType,
      typeInfo,
      createdAt: new Date(read.time(o.createdAt, `${p}.createdAt`)),
      launchTime: new Date(read.time(o.launchTime, `${p}.launchTime`)),
      subnet,
      privateIp,
      publicIp: read.optString(o.publicIp, `${p}.publicIp`),
      wantsPublicIp: read.boolean(o.wantsPublicIp, `${p}.wantsPublicIp`),
      elasticIp: undefined,
      networkInterfaceId: read.string(o.networkInterfaceId, `${p}.networkInterfaceId`),
      macAddress: read.string(o.macAddress, `${p}.macAddress`),
      keyName: read.optString(o.keyName, `${p}.keyName`),
      clientToken: read.string(o.clientToken, `${p}.clientToken`),
      hibernationConfigured: read.boolean(o.hibernationConfigured, `${p}.hibernationConfigured`),
      launchOptions: launchOptionsFromJson(o.launchOptions, `${p}.launchOptions`, image),
      volumes,
      tags: sharedIfEmpty(read.pairs(o.tags, `${p}.tags`)),
      stateReason:
        stateReason === undefined
          ? undefined
          : { Code: read.optString(stateReason.Code, `${p}.stateReason.Code`), Message: read.optString(stateReason.Message, `${p}.stateReason.Message`) },
      stateTransitionReason: read.string(o.stateTransitionReason, `${p}.stateTransitionReason`),
      userData: read.optString(o.userData, `${p}.userData`),
      disableApiStop: read.boolean(o.disableApiStop, `${p}.disableApiStop`),
      disableApiTermination: read.boolean(o.disableApiTermination, `${p}.disableApiTermination`),
      shutdownBehavior: read.oneOf(o.shutdownBehavior, `${p}.shutdownBehavior`, ["stop", "terminate"] as const),
      ...(o.sourceDestCheck === undefined ? {} : { sourceDestCheck: read.boolean(o.sourceDestCheck, `${p}.sourceDestCheck`) }),
      ...(o.ebsOptimized === undefined ? {} : { ebsOptimized: read.boolean(o.ebsOptimized, `${p}.ebsOptimized`) }),
      ...(o.enaSupport === undefined ? {} : { enaSupport: read.boolean(o.enaSupport, `${p}.enaSupport`) }),
    };
    const eip = read.optString(o.elasticIpAllocationId, `${p}.elasticIpAllocationId`);
    if (eip !== undefined) wantedEips.set(instance, eip);
    if (instances.has(instanceId)) throw badSnapshot(`${p}.instanceId`, "unique", instanceId);
    instances.set(instanceId, instance);
  });

  const reservations: Reservation[] = read.array(s.reservations, "reservations").map((value, i) => {
    const o = read.object(value, `reservations[${i}]`);
    return {
      reservationId: read.string(o.reservationId, `reservations[${i}].reservationId`),
      seq: read.number(o.seq, `reservations[${i}].seq`),
      instances: read.array(o.instanceIds, `reservations[${i}].instanceIds`).map((id, j) => {
        const instance = instances.get(read.string(id, `reservations[${i}].instanceIds[${j}]`));
        if (instance === undefined) throw badSnapshot(`reservations[${i}].instanceIds[${j}]`, "the id of an instance of the snapshot", id);
        return instance;
      }),
    };
  });
  // The fleet is rebuilt from the reservations: an instance outside the one it names would be lost.
  const listed = new Map(reservations.flatMap((r) => r.instances.map((instance) => [instance, r.reservationId] as const)));
  for (const instance of instances.values()) {
    if (listed.get(instance) !== instance.reservationId) {
      throw badSnapshot(`instances(${instance.instanceId}).reservationId`, "a reservation that lists the instance", instance.reservationId);
    }
  }

  const clientTokens = read.array(s.clientTokens, "clientTokens").map((value, i) => {
    const o = read.object(value, `clientTokens[${i}]`);
    return [
      read.string(o.token, `clientTokens[${i}].token`),
      { reservationId: read.string(o.reservationId, `clientTokens[${i}].reservationId`), digest: read.string(o.digest, `clientTokens[${i}].digest`) },
    ] as const;
  });

  const addresses: ElasticIp[] = read.array(s.addresses, "addresses").map((value, i) => {
    const p = `addresses[${i}]`;
    const o = read.object(value, p);
    const a = o.association === null || o.association === undefined ? undefined : read.object(o.association, `${p}.association`);
    let association: ElasticIp["association"];
    if (a !== undefined) {
      const instance = instances.get(read.string(a.instanceId, `${p}.association.instanceId`));
      if (instance === undefined) throw badSnapshot(`${p}.association.instanceId`, "the id of an instance of the snapshot", a.instanceId);
      association = { associationId: read.string(a.associationId, `${p}.association.associationId`), instance };
    }
    return { allocationId: read.string(o.allocationId, `${p}.allocationId`), publicIp: read.string(o.publicIp, `${p}.publicIp`), association, tags: read.pairs(o.tags, `${p}.tags`) };
  });
  const byAllocation = new Map(addresses.map((a) => [a.allocationId, a]));
  for (const [instance, allocationId] of wantedEips) {
    const address = byAllocation.get(allocationId);
    if (address?.association?.instance !== instance) {
      throw badSnapshot(`instances(${instance.instanceId}).elasticIpAllocationId`, "an address associated with that instance", allocationId);
    }
    instance.elasticIp = address;
  }

  const retired: InstanceUsage[] = read.array(s.retiredUsage, "retiredUsage").map((value, i) => {
    const p = `retiredUsage[${i}]`;
    const o = read.object(value, p);
    return {
      instanceId: read.string(o.instanceId, `${p}.instanceId`),
      billedSeconds: read.number(o.billedSeconds, `${p}.billedSeconds`),
      periods: read.array(o.periods, `${p}.periods`).map((period, j) => {
        const q = read.object(period, `${p}.periods[${j}]`);
        const end = read.timeOr(q.end, `${p}.periods[${j}].end`, undefined);
        return {
          start: new Date(read.time(q.start, `${p}.periods[${j}].start`)),
          end: end === undefined ? undefined : new Date(end),
          billedSeconds: read.number(q.billedSeconds, `${p}.periods[${j}].billedSeconds`),
        };
      }),
      ebsGibSeconds: read.number(o.ebsGibSeconds, `${p}.ebsGibSeconds`),
    };
  });
  const reservationSeq = read.number(s.reservationSeq, "reservationSeq");
  const machines = [...instances.values()].map((i) => i.machine);
  return { network, live, deleted, volumeSeq, addresses, machines, reservations, clientTokens, reservationSeq, retired, clockOffsetMs };
}

/**
 * Replaces the state of a region and its controls with a snapshot. Every
 * field is checked first (a TypeError names the first bad one), and nothing
 * changes unless the whole snapshot is valid.
 */
export function restoreSnapshot(region: Ec2Region, controls: Controls, snapshot: unknown): void {
  const checked = readSnapshot(region, snapshot);
  // Everything checked: replace the state in one go.
  region.clear();
  region.network.restoreJson(checked.network);
  region.volumes.replace(checked.live, checked.deleted, checked.volumeSeq);
  region.addresses.replace(checked.addresses);
  region.lifecycle.replaceMachines(checked.machines);
  region.replaceFleet(checked.reservations);
  for (const [token, used] of checked.clientTokens) region.clientTokens.set(token, used);
  region.reservationCounter = checked.reservationSeq;
  controls.replaceRetired(checked.retired);
  region.lifecycle.clock.setOffset(checked.clockOffsetMs);
}
