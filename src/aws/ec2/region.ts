import type { Instance, InstanceState } from "@aws-sdk/client-ec2";
import type { Clock } from "../../engine/clock.js";
import { Engine } from "../../engine/engine.js";
import type { Durations } from "../../engine/timing.js";
import { AutoScalingStore } from "../autoscaling/model/groups.js";
import { ElbStore } from "../elbv2/model/store.js";
import type { AddressSpace } from "./model/address-space.js";
import { AddressStore } from "./model/addresses.js";
import { CapacityBook } from "./model/capacity.js";
import type { Ec2Request } from "./model/causes.js";
import { FleetStore } from "./model/fleets.js";
import type { MockImage } from "./model/images.js";
import { ImageCatalogue } from "./model/images.js";
import { type AttachedVolume, type Ec2Instance, type RenderContext, renderInstance } from "./model/instance.js";
import { KeyPairStore } from "./model/key-pairs.js";
import { LaunchTemplateStore } from "./model/launch-templates.js";
import { applyOnStart } from "./model/metadata-options.js";
import { Network } from "./model/network.js";
import { SecurityGroupStore } from "./model/security-groups.js";
import { SnapshotStore } from "./model/snapshots.js";
import { SpotPriceBook } from "./model/spot-prices.js";
import { SpotRequestStore } from "./model/spot-requests.js";
import { instanceState } from "./model/states.js";
import { TagIndex } from "./model/tag-index.js";
import { type InstanceTypeCatalogue, instanceTypesOf } from "./model/type-catalogue.js";
import { VolumeModificationStore } from "./model/volume-modifications.js";
import { attachmentState, defaultEbsKeyArn, VolumeStore } from "./model/volumes.js";

/** A reservation: the instances one RunInstances call launched. */
export interface Reservation {
  /** The reservation id. */
  readonly reservationId: string;
  /** Launch order across the region, for stable pagination. */
  readonly seq: number;
  /** Its instances still visible, by launch index. */
  readonly instances: Ec2Instance[];
}

/** What one region of the EC2 front is configured with. */
export interface RegionSettings {
  /** The region name, e.g. `us-east-1`. */
  region: string;
  /** The account that owns everything. */
  accountId: string;
  /** The internal high byte put in state codes (0 for none). */
  stateCodeHighByte: number;
  /** Durations of every step. */
  durations: Durations;
  /** The user's images, added to the built-ins. */
  images: readonly MockImage[];
  /** The default VPC's address space (checked: see `resolveAddressSpace`). */
  network: AddressSpace;
  /** The instance types and their offerings (`createEc2Mock({ instanceTypes })`); absent: EC2's catalogue as it is. */
  instanceTypes?: InstanceTypeCatalogue;
  /** How many changes of phase each instance keeps (`createEc2Mock({ timelineLimit })`, checked); absent: the engine's default. */
  timelineLimit?: number;
}

/**
 * The EC2 world of one mock: the engine, the image catalogue, the default
 * VPC, and the instances and reservations with the EC2-only facts the engine
 * does not know (addresses, tags, attributes, reasons).
 */
export class Ec2Region {
  /** The engine underneath. */
  readonly engine: Engine<Ec2Request>;
  /** Launchable images. */
  readonly images: ImageCatalogue;
  /** The VPCs, subnets and address pools. */
  readonly network: Network;
  /**
   * Every visible instance, by id, in launch order. Read-only to everyone
   * else: the fleet changes only through `add`, `replaceFleet`, `clear` and
   * expiry, which keep {@link Ec2Region.tagIndex} current with it.
   */
  readonly instances: ReadonlyMap<string, Ec2Instance> = new Map<string, Ec2Instance>();
  /** The visible instances by tag key and value (DescribeInstances' tag filters). */
  readonly tagIndex = new TagIndex<Ec2Instance>();
  /** Every reservation with a visible instance, by id, in launch order. */
  readonly reservations = new Map<string, Reservation>();
  /** RunInstances' client tokens: the reservation each launched and a digest of its request. */
  readonly clientTokens = new Map<string, { reservationId: string; digest: string }>();
  /** Every EBS volume, attached or not (src/aws/ec2/model/volumes.ts). */
  readonly volumes = new VolumeStore();
  /** The account's default EBS key, which encrypts every volume. */
  readonly ebsKmsKeyId: string;
  /** The Elastic IP addresses (src/aws/ec2/model/addresses.ts). */
  readonly addresses: AddressStore;
  /** The security groups and their rules (src/aws/ec2/model/security-groups.ts). */
  readonly securityGroups: SecurityGroupStore;
  /** The key pairs (src/aws/ec2/model/key-pairs.ts). */
  readonly keyPairs = new KeyPairStore();
  /** The launch templates and their versions (src/aws/ec2/model/launch-templates.ts). */
  readonly launchTemplates = new LaunchTemplateStore();
  /** The EBS snapshots of CreateSnapshot (src/aws/ec2/model/snapshots.ts); deletions dated by the engine clock, for usage. */
  readonly snapshots: SnapshotStore;
  /** ModifyVolume's modifications and the volumes' autoEnableIO (src/aws/ec2/model/volume-modifications.ts). */
  readonly volumeModifications = new VolumeModificationStore();
  /** The Spot prices of the region's types and zones (src/aws/ec2/model/spot-prices.ts). */
  readonly spotPrices: SpotPriceBook;
  /** The EC2 Fleets of CreateFleet (src/aws/ec2/model/fleets.ts). */
  readonly fleets = new FleetStore();
  /** The capacity pools tests withdrew (src/aws/ec2/model/capacity.ts). */
  readonly capacity = new CapacityBook();
  /** The Spot Instance requests, and through them each Spot Instance's link (src/aws/ec2/model/spot-requests.ts). */
  readonly spotRequests = new SpotRequestStore();
  /** Elastic Load Balancing v2's target groups, load balancers and listeners in this Region (src/aws/elbv2/). */
  readonly elbv2 = new ElbStore();
  /**
   * Evaluates the open Spot requests at a catch-up (set by the mock: the
   * evaluation launches through RunInstances' path, which the region does not
   * import); undefined: none are evaluated.
   */
  spotSettler: ((now: number) => void) | undefined;
  /** EC2 Auto Scaling's groups and activities in this Region (src/aws/autoscaling/model/groups.ts), reconciled at each catch-up. */
  readonly autoScaling = new AutoScalingStore();
  private settlingSpot = false;
  private reservationSeq = 0;

  /** @param clock - the mock's clock, shared by all its regions (each region has an engine of its own). */
  constructor(
    readonly settings: RegionSettings,
    clock?: Clock,
  ) {
    this.engine = new Engine<Ec2Request>(settings.durations, clock, settings.timelineLimit);
    this.snapshots = new SnapshotStore(() => this.engine.clock.now());
    this.spotPrices = new SpotPriceBook((instanceType) => instanceTypesOf(settings).record(instanceType));
    this.images = new ImageCatalogue(settings.images, settings.accountId, settings.region, () => this.engine.clock.now());
    this.network = new Network(settings.region, settings.network);
    this.addresses = new AddressStore(this.network);
    this.securityGroups = new SecurityGroupStore(settings.accountId);
    // A default security group per VPC, made and dropped with it; the groups a VPC still has keep it from deletion.
    for (const vpc of this.network.allVpcs()) this.securityGroups.createDefault(vpc.vpcId, vpc.defaultSecurityGroupId);
    this.network.hooks.push({
      created: (vpc) => {
        if (this.securityGroups.defaultOf(vpc.vpcId) === undefined)
          this.securityGroups.createDefault(vpc.vpcId, vpc.defaultSecurityGroupId);
      },
      deleted: (vpc) => this.securityGroups.deleteVpcGroups(vpc.vpcId),
      hasDependencies: (vpc) => this.securityGroups.inVpc(vpc.vpcId).some((group) => !this.securityGroups.isDefault(group)),
    });
    // ELBv2's load balancers and target groups keep their VPC (src/aws/elbv2/).
    this.network.hooks.push({ hasDependencies: (vpc) => this.elbv2.usesVpc(vpc.vpcId) });
    // One listener for the region's instances, its steps in the order they were four listeners (addresses,
    // volumes, security groups, metadata options): one fleet lookup a change instead of four, and every
    // instance of a launch changes twice (issue 22 (e), second pass).
    this.engine.listen({
      onPhaseChange: (change) => {
        const instance = this.instances.get(change.machineId);
        if (instance === undefined) return;
        const to = change.to;
        if (to === "running") {
          // An instance holding an Elastic IP gets no auto-assigned address.
          if (instance.wantsPublicIp && instance.publicIp === undefined && instance.elasticIp === undefined) {
            instance.publicIp = this.network.takePublicIpIfAny();
          }
          instance.stateReason = undefined;
          instance.stateTransitionReason = "";
        } else if (to === "stopped" || to === "terminated") {
          if (instance.publicIp !== undefined) this.network.releasePublicIp(instance.publicIp);
          instance.publicIp = undefined;
          if (to === "terminated") {
            // An Elastic IP stays across stop and start; termination disassociates it (it stays allocated).
            this.addresses.instanceTerminated(instance);
            // Volumes: deleted on termination, or detached.
            this.releaseVolumes(instance, change.at);
            // Security groups: a terminated instance's interface is gone, and with it its use of its groups.
            this.securityGroups.release(instance.securityGroupIds);
          }
        } else if (to === "starting" && change.from === "stopped") {
          // Instance metadata options modified while stopped apply when the instance is started.
          applyOnStart(instance, change.at);
        }
      },
      onExpire: (machine) => this.forget(machine.id),
    });
    this.ebsKmsKeyId = defaultEbsKeyArn(settings.region, settings.accountId);
  }

  /**
   * Applies every transition that has arrived (listeners hear of each) and
   * returns the mock time it caught up to; called before every read or write
   * of the region. Reading the time alone is `engine.clock.now()`.
   */
  catchUp(now: number = this.engine.clock.now()): number {
    this.settleVolumes(now);
    this.engine.catchUp(now);
    // Volume modifications that reached `optimizing`: their volumes show the target from then on.
    this.volumeModifications.applyDue(now, this.volumes);
    // Spot requests last, once the instances they wait on are where the clock puts them (not while one is being evaluated).
    if (this.spotSettler !== undefined && this.spotRequests.size > 0 && !this.settlingSpot) {
      this.settlingSpot = true;
      try {
        this.spotSettler(now);
      } finally {
        this.settlingSpot = false;
      }
    }
    // Auto Scaling groups last: they see every instance where the clock puts it (issue 19: no timer).
    this.autoScaling.settle(now);
    return now;
  }

  /**
   * Ends the volume detaches and deletions due at `now` (DetachVolume's
   * `volumeDetach`, DeleteVolume's `volumeDelete`): a detached volume leaves
   * its instance's block devices. Part of every catch-up, before the
   * instances' transitions.
   */
  settleVolumes(now: number): void {
    const { volumeDetach, volumeDelete } = this.settings.durations;
    this.volumes.catchUp(now, volumeDetach, volumeDelete, this.detachedFromInstance);
  }

  /** A detached volume leaves its instance's block devices (made once: every call of every door catches up). */
  private readonly detachedFromInstance = (attachment: AttachedVolume): void => {
    const devices = this.instances.get(attachment.instanceId)?.volumes;
    const at = devices?.indexOf(attachment) ?? -1;
    if (at >= 0) devices!.splice(at, 1);
  };

  /** The next reservation's launch-order number. */
  nextReservationSeq(): number {
    return ++this.reservationSeq;
  }

  /** The launch-order counter (snapshots). */
  get reservationCounter(): number {
    return this.reservationSeq;
  }

  set reservationCounter(value: number) {
    this.reservationSeq = value;
  }

  /** The fleet's map, writable: only the methods below change it. */
  private get fleet(): Map<string, Ec2Instance> {
    return this.instances as Map<string, Ec2Instance>;
  }

  /** Registers a reservation and its instances (RunInstances, after every check), tags indexed. */
  add(reservation: Reservation): void {
    this.reservations.set(reservation.reservationId, reservation);
    // The groups' uses counted once per run of instances sharing one list (a launch's share it), not per instance.
    let groups: readonly string[] | undefined;
    let uses = 0;
    for (const instance of reservation.instances) {
      this.fleet.set(instance.instanceId, instance);
      if (instance.tags.size > 0) this.tagIndex.add(instance, instance.tags);
      if (instance.machine.phase === "terminated") continue;
      if (instance.securityGroupIds !== groups) {
        if (uses > 0) this.securityGroups.useMany(groups!, uses);
        groups = instance.securityGroupIds;
        uses = 0;
      }
      uses++;
    }
    if (uses > 0) this.securityGroups.useMany(groups!, uses);
  }

  /**
   * Replaces every reservation and instance (restoring a snapshot, reordering
   * fixtures): reservations in launch order (`seq`), each one's instances by
   * launch index, so that the fleet's order is launch order whatever order
   * they came in. The tag index is rebuilt with them.
   */
  replaceFleet(reservations: Iterable<Reservation>): void {
    this.reservations.clear();
    this.fleet.clear();
    this.tagIndex.clear();
    this.securityGroups.clearUses();
    for (const reservation of [...reservations].sort((a, b) => a.seq - b.seq)) {
      reservation.instances.sort((a, b) => a.launchIndex - b.launchIndex);
      this.add(reservation);
    }
  }

  /**
   * Replaces an instance's tags (CreateTags, DeleteTags): the record gets
   * `next` itself, never a write into its current map, because instances
   * launched together share one map until one of them is retagged.
   */
  setTags(instance: Ec2Instance, next: ReadonlyMap<string, string>): void {
    const indexed = this.instances.get(instance.instanceId) === instance;
    if (indexed) this.tagIndex.remove(instance, instance.tags);
    (instance as { tags: ReadonlyMap<string, string> }).tags = next;
    if (indexed) this.tagIndex.add(instance, next);
  }

  /**
   * Replaces an instance's security groups (ModifyInstanceAttribute): the
   * groups' use counts follow (a terminated instance uses none).
   */
  setSecurityGroups(instance: Ec2Instance, groupIds: readonly string[]): void {
    const counted = instance.machine.phase !== "terminated";
    if (counted) this.securityGroups.release(instance.securityGroupIds);
    instance.securityGroupIds = groupIds;
    if (counted) this.securityGroups.use(groupIds);
  }

  /** An instance's security groups by id and name (DescribeInstances, DescribeInstanceAttribute). */
  groupsOf(instance: Ec2Instance): { GroupId: string; GroupName: string }[] {
    return instance.securityGroupIds.map((id) => ({ GroupId: id, GroupName: this.securityGroups.get(id)?.groupName ?? "" }));
  }

  /** The EC2 state of an instance as of the last catch-up. */
  stateOf(instance: Ec2Instance): InstanceState {
    return instanceState(instance.machine.phase, this.settings.stateCodeHighByte);
  }

  /**
   * What every render of this region reads besides the instance, made once
   * (closures made at every render showed in the wire's profile: issue 22).
   */
  private readonly renderHelpers: Pick<RenderContext, "privateDnsName" | "publicDnsName" | "now" | "attachmentStatus"> = {
    privateDnsName: (ip) => this.network.privateDnsName(ip),
    publicDnsName: (ip) => this.network.publicDnsName(ip),
    now: () => this.engine.clock.now(),
    attachmentStatus: (attachment) => {
      const volume = this.volumes.get(attachment.volumeId);
      const { volumeAttach, volumeDetach } = this.settings.durations;
      return volume === undefined
        ? "attached"
        : (attachmentState(volume, this.engine.clock.now(), volumeAttach, volumeDetach) ?? "detached");
    },
  };

  /**
   * The context every render of this region is given: one object, its per-instance members rewritten at each
   * render (a literal of nine members per rendered instance was young garbage: issue 22 (e), seventh pass).
   * `renderInstance` keeps nothing of it but the groups, which each render makes anew.
   */
  private readonly renderContext: RenderContext = {
    accountId: "",
    vpcId: "",
    groups: [],
    state: { Code: 0, Name: "pending" },
    privateDnsName: this.renderHelpers.privateDnsName,
    publicDnsName: this.renderHelpers.publicDnsName,
    now: this.renderHelpers.now,
    attachmentStatus: this.renderHelpers.attachmentStatus,
  };

  /** The SDK `Instance` for a record. */
  render(instance: Ec2Instance): Instance {
    const state = this.stateOf(instance);
    // A Spot Instance shows its lifecycle and its request (issue 18).
    const spot = this.spotRequests.ofInstance(instance.instanceId);
    const ctx = this.renderContext;
    ctx.accountId = this.settings.accountId;
    ctx.vpcId = instance.subnet.vpcId;
    // Made for this render alone (the render keeps the groups as its SecurityGroups): not copied again.
    ctx.groups = this.groupsOf(instance);
    ctx.state = state as RenderContext["state"];
    const rendered = renderInstance(instance, ctx);
    // Nothing of this answer stays reachable from the region.
    ctx.groups = NO_GROUPS;
    return spot === undefined ? rendered : { ...rendered, InstanceLifecycle: "spot", SpotInstanceRequestId: spot.spotInstanceRequestId };
  }

  /**
   * Whether the region knows this EBS snapshot: one of its snapshots
   * (CreateSnapshot, CreateImage) or one its images map (the built-in and
   * public images' snapshots, which have no record of their own).
   */
  hasSnapshot(snapshotId: string): boolean {
    return this.snapshots.get(snapshotId) !== undefined || this.images.hasSnapshot(snapshotId);
  }

  /** The size in GiB of a snapshot the region knows ({@link Ec2Region.hasSnapshot}), when it is known. */
  snapshotSize(snapshotId: string): number | undefined {
    return this.snapshots.get(snapshotId)?.volumeSizeGiB ?? this.images.snapshotSize(snapshotId);
  }

  /** Empties the region: no instances, fresh address pools. */
  clear(): void {
    this.engine.clear();
    this.fleet.clear();
    this.tagIndex.clear();
    this.reservations.clear();
    this.clientTokens.clear();
    // Back to the default VPC's default group alone, with its id (the network's reset makes it again).
    this.securityGroups.reset();
    this.network.clear();
    this.addresses.clear();
    this.volumes.clear();
    this.keyPairs.clear();
    this.launchTemplates.clear();
    this.snapshots.clear();
    this.volumeModifications.clear();
    this.spotPrices.clear();
    this.fleets.clear();
    this.capacity.clear();
    this.spotRequests.clear();
    this.autoScaling.clear();
    this.images.clear();
    this.elbv2.clear();
  }

  /**
   * What termination does to an instance's volumes, at the moment it reaches
   * `terminated`: those with DeleteOnTermination are deleted, the others
   * detached (`available`). The instance keeps no attachment.
   */
  private releaseVolumes(instance: Ec2Instance, at: number): void {
    for (const attachment of instance.volumes) {
      const volume = this.volumes.get(attachment.volumeId);
      if (volume === undefined) continue;
      if (attachment.deleteOnTermination) this.volumes.delete(volume, at);
      else this.volumes.detach(volume);
    }
    instance.volumes = [];
  }

  /** Drops an instance whose visibility ran out, and returns its private address. */
  private forget(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (instance === undefined) return;
    this.fleet.delete(instanceId);
    this.tagIndex.remove(instance, instance.tags);
    this.network.releasePrivateIp(instance.subnet, instance.privateIp);
    const reservation = this.reservations.get(instance.reservationId);
    if (reservation === undefined) return;
    const index = reservation.instances.indexOf(instance);
    if (index >= 0) reservation.instances.splice(index, 1);
    if (reservation.instances.length === 0) this.reservations.delete(reservation.reservationId);
  }
}

/** The render context's groups between renders: none (its array is never written into). */
const NO_GROUPS: { GroupId: string; GroupName: string }[] = [];
