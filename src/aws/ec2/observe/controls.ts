import type { InstanceStateName } from "@aws-sdk/client-ec2";
import type { GuestConfig } from "../../../engine/guest.js";
import { billedSecondsOf, closesPeriod, type HistoryFold, opensPeriod } from "../../../engine/history.js";
import type { Machine, PhaseChange } from "../../../engine/machine.js";
import type { GuestOs } from "../../../engine/timing.js";
import { type GuestControlBase, type HostFaultsBase, InstanceControls, type TimelineEntryBase, timelineOf } from "../../../kit/controls.js";
import { describeEc2Cause, ec2Requests } from "../model/causes.js";
import { chargesOf, EBS_VOLUME_TYPES, type EbsVolumeType, snapshotGibSeconds } from "../model/ebs-billing.js";
import type { Ec2Instance } from "../model/instance.js";
import { stateNameOf } from "../model/states.js";
import type { Ec2VolumeModification } from "../model/volume-modifications.js";
import type { Ec2Region } from "../region.js";

/**
 * The guest of one instance, as a test drives it. `shutdown()`: the
 * instance stops or terminates as its `InstanceInitiatedShutdownBehavior`
 * says, with StateReason `Client.InstanceInitiatedShutdown`.
 * @public
 */
export interface GuestControl extends GuestControlBase {}

/**
 * Faults of the host under an instance: `hostStuck` makes stops stick in `stopping` whatever the guest does (only Force ends them).
 * @public
 */
export interface HostFaults extends HostFaultsBase {}

/**
 * One entry of an instance's timeline, in EC2 state names.
 * @public
 */
export interface TimelineEntry extends TimelineEntryBase<InstanceStateName> {}

/**
 * What `inspect()` shows of an instance beyond the EC2 API.
 * @public
 */
export interface InstanceInspection {
  /** The instance id. */
  instanceId: string;
  /** Its EC2 state now. */
  state: InstanceStateName;
  /** The guest OS and how it answers shutdown requests. */
  guest: { os: GuestOs; config: Readonly<GuestConfig> };
  /** Whether the host is faulty (stops stick until forced). */
  hostStuck: boolean;
  /** Memory: in use by a running guest, saved to the root volume by hibernation, or lost. */
  memory: "in-use" | "saved" | "lost";
  /** The file system: clean, or dirty after a power cut (the next boot checks it). */
  fileSystem: "clean" | "dirty";
  /** The stop under way: since when, what holds it up, when it ends (undefined while stuck). */
  stopping?: { since: Date; obstacle: string | undefined; endsAt: Date | undefined };
  /** Whether the guest is rebooting. */
  rebooting: boolean;
  /** The latest transitions, oldest first, with their times and causes: at most `createEc2Mock({ timelineLimit })` (default 200). */
  timeline: TimelineEntry[];
  /** How many older transitions the timeline limit dropped; absent when none was (docs/behaviour.md, "Bounded history"). */
  timelineDropped?: number;
}

/**
 * A billed period: from reaching running to leaving it (a hibernating stop still bills).
 * @public
 */
export interface BilledPeriod {
  /** When billing began (the instance reached running). */
  start: Date;
  /** When it ended; undefined while it goes on. */
  end: Date | undefined;
  /** Seconds billed: at least 60, then per second. */
  billedSeconds: number;
}

/**
 * What an instance has cost so far, in billable units.
 * @public
 */
export interface InstanceUsage {
  /** The instance id. */
  instanceId: string;
  /** Instance seconds billed over every period. */
  billedSeconds: number;
  /**
   * The periods, oldest first: those the instance's kept timeline shows
   * (`createEc2Mock({ timelineLimit })`); `billedSeconds` counts the older ones too.
   */
  periods: BilledPeriod[];
  /**
   * How many older periods the timeline limit folded into `billedSeconds`
   * without listing them; absent when none was (docs/behaviour.md, "Bounded history").
   */
  droppedPeriods?: number;
  /**
   * Billed GiB-seconds of the EBS volumes its launch created, while they
   * existed (attached or not): whole seconds, at least 60 s per volume.
   */
  ebsGibSeconds: number;
}

/**
 * What the whole fleet has cost so far, terminated and expired instances
 * included, and what EBS bills for the region's volumes and snapshots
 * (docs/behaviour.md, "EBS billing").
 * @public
 */
export interface FleetUsage {
  /** Instance seconds billed, summed. */
  billedSeconds: number;
  /**
   * Billed GiB-seconds of every EBS volume ever created, summed: from its
   * creation to its deletion, attached or not, in whole seconds and at least
   * 60 s per volume (EBS's per-second billing).
   */
  ebsGibSeconds: number;
  /** {@link FleetUsage.ebsGibSeconds} by volume type: every type, 0 for a type no volume had. */
  ebsGibSecondsByType: Record<EbsVolumeType, number>;
  /** Billed provisioned IOPS-seconds: all of io1's and io2's, gp3's above the 3,000 included, on the same seconds as storage. */
  ebsIopsSeconds: number;
  /** Billed throughput beyond gp3's included 125 MiB/s, in MiB/s-seconds, on the same seconds as storage. */
  ebsThroughputMibSeconds: number;
  /**
   * Billed snapshot storage in GiB-seconds: each snapshot of the account
   * (CreateSnapshot, CreateImage) at its volume's full size, for every
   * started hour from its creation to its deletion (EBS snapshots are
   * billed hourly).
   */
  snapshotGibSeconds: number;
  /** Each instance's usage, in launch order. */
  instances: InstanceUsage[];
}

/** A breakdown by volume type with every type at 0. */
export function noEbsByType(): Record<EbsVolumeType, number> {
  return Object.fromEntries(EBS_VOLUME_TYPES.map((t) => [t, 0])) as Record<EbsVolumeType, number>;
}

/**
 * Billing periods from a timeline. Each start begins a period billed at
 * least 60 s then per second; pending, stopping (unless hibernating),
 * stopped, shutting-down and terminated are free; a reboot is no new period.
 * `folded` is what the changes dropped by the timeline limit left behind: a
 * period they opened is listed from its start (the periods they closed are
 * in its totals, not listed).
 */
export function billedPeriods(history: readonly PhaseChange[], now: number, folded?: HistoryFold): BilledPeriod[] {
  const periods: BilledPeriod[] = [];
  let openedAt: number | undefined = folded?.openSince;
  const close = (end: number | undefined) => {
    periods.push({
      start: new Date(openedAt!),
      end: end === undefined ? undefined : new Date(end),
      billedSeconds: billedSecondsOf(openedAt!, end ?? now),
    });
    openedAt = undefined;
  };
  for (const change of history) {
    if (openedAt === undefined) {
      if (opensPeriod(change)) openedAt = change.at;
    } else if (closesPeriod(change)) {
      close(change.at);
    }
  }
  if (openedAt !== undefined) close(undefined);
  return periods;
}

function memoryOf(machine: Machine): InstanceInspection["memory"] {
  switch (machine.phase) {
    case "stopped":
      return machine.hibernated ? "saved" : "lost";
    case "terminating":
    case "terminated":
      return "lost";
    default:
      return "in-use";
  }
}

/** The test-side controls of a region: guests, host faults, inspection and usage. */
export class Controls extends InstanceControls<Ec2Instance> {
  /** Usage of instances whose visibility ran out, frozen when they went. */
  private readonly retired = new Map<string, InstanceUsage>();

  constructor(protected override readonly region: Ec2Region) {
    super(region, (instanceId) => `ec2-mock: no instance ${instanceId} (unknown, or terminated over an hour ago)`);
    region.engine.listen({
      onExpire: (machine) => this.retired.set(machine.id, this.usageOf(machine.id, machine)),
    });
  }

  /** Whether the usage of this expired instance is kept (it ran in this region). */
  hasRetired(instanceId: string): boolean {
    return this.retired.has(instanceId);
  }

  /** Usage of expired instances, in expiry order (snapshots). */
  retiredUsage(): InstanceUsage[] {
    return [...this.retired.values()];
  }

  /** Replaces retired usage (restoring a snapshot). */
  replaceRetired(usages: readonly InstanceUsage[]): void {
    this.retired.clear();
    for (const usage of usages) this.retired.set(usage.instanceId, usage);
  }

  /** Forgets retired usage (with `reset()`). */
  clear(): void {
    this.retired.clear();
  }

  /** The guest's own shutdown: stop or terminate, as the instance's shutdown behaviour says. */
  protected shutdownGuest(instance: Ec2Instance, instanceId: string): void {
    const engine = this.region.engine;
    this.region.catchUp();
    if (instance.machine.phase !== "running") {
      throw new Error(
        `ec2-mock: the guest of ${instanceId} is not running (${this.region.stateOf(instance).Name}), so it cannot shut itself down`,
      );
    }
    instance.stateReason = {
      Code: "Client.InstanceInitiatedShutdown",
      Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown",
    };
    instance.stateTransitionReason = "";
    if (instance.shutdownBehavior === "terminate") engine.terminate(instance.machine, ec2Requests.guestShutdown.terminate);
    else engine.guestShutdown(instance.machine, ec2Requests.guestShutdown.stop);
  }

  /** Everything the mock knows of an instance, beyond what the EC2 API shows. */
  inspect(instanceId: string): InstanceInspection {
    const instance = this.instance(instanceId);
    const machine = instance.machine;
    const engine = this.region.engine;
    const plan = machine.phase === "stopping" ? machine.stopPlan : undefined;
    const endsAt = machine.transition?.at;
    return {
      instanceId,
      state: this.region.stateOf(instance).Name!,
      guest: { os: machine.os, config: { ...machine.guest } },
      hostStuck: machine.hostStuck,
      memory: memoryOf(machine),
      fileSystem: machine.fileSystem,
      ...(plan === undefined
        ? {}
        : {
            stopping: {
              since: new Date(plan.startedAt),
              obstacle: machine.hostStuck ? "the host is faulty: only Force ends the stop" : plan.obstacle,
              endsAt: endsAt === undefined || !Number.isFinite(endsAt) ? undefined : new Date(endsAt),
            },
          }),
      rebooting: engine.isRebooting(machine),
      timeline: timelineOf(
        machine.history,
        (change) => ({ from: stateNameOf[change.from], to: stateNameOf[change.to] }),
        (change) => describeEc2Cause(change.cause),
      ),
      ...(machine.folded === undefined ? {} : { timelineDropped: machine.folded.dropped }),
    };
  }

  /** Billed instance seconds and EBS GiB-seconds of one instance so far (an expired one included). */
  usage(instanceId: string): InstanceUsage {
    this.region.catchUp();
    const retired = this.retired.get(instanceId);
    if (retired !== undefined) return retired;
    return this.usageOf(instanceId, this.instance(instanceId).machine);
  }

  /** The fleet's usage: every instance ever launched since the last reset. */
  fleetUsage(): FleetUsage {
    const now = this.region.catchUp();
    const byType = noEbsByType();
    let ebsGibSeconds = 0;
    let ebsIopsSeconds = 0;
    let ebsThroughputMibSeconds = 0;
    const modifications = this.modificationsByVolume();
    // Each volume's charges once, and the GiB-seconds of the volumes each launch created (one pass, not one per instance).
    const launchedGibSeconds = new Map<string, number>();
    for (const volume of this.region.volumes.all()) {
      const charges = chargesOf(volume, now, modifications.get(volume.volumeId));
      if (volume.launchedWith !== undefined) {
        launchedGibSeconds.set(volume.launchedWith, (launchedGibSeconds.get(volume.launchedWith) ?? 0) + charges.gibSeconds);
      }
      ebsGibSeconds += charges.gibSeconds;
      ebsIopsSeconds += charges.iopsSeconds;
      ebsThroughputMibSeconds += charges.throughputMibSeconds;
      for (const [type, gibSeconds] of charges.gibSecondsByType) {
        if (type in byType) byType[type as EbsVolumeType] += gibSeconds;
      }
    }
    const instances = [
      ...this.retired.values(),
      ...[...this.region.instances.values()].map((i) => this.usageOf(i.instanceId, i.machine, launchedGibSeconds.get(i.instanceId) ?? 0)),
    ];
    const snapshots = this.region.snapshots;
    const snapshotGib = [...snapshots.list(), ...snapshots.deleted()].reduce((sum, s) => sum + snapshotGibSeconds(s, now), 0);
    return {
      billedSeconds: instances.reduce((sum, u) => sum + u.billedSeconds, 0),
      ebsGibSeconds,
      ebsGibSecondsByType: byType,
      ebsIopsSeconds,
      ebsThroughputMibSeconds,
      snapshotGibSeconds: snapshotGib,
      instances,
    };
  }

  /** The region's volume modifications (ModifyVolume), by volume, in start order: the size changes billing follows. */
  private modificationsByVolume(): Map<string, Ec2VolumeModification[]> {
    const byVolume = new Map<string, Ec2VolumeModification[]>();
    for (const m of this.region.volumeModifications.list()) {
      const list = byVolume.get(m.volumeId);
      if (list === undefined) byVolume.set(m.volumeId, [m]);
      else list.push(m);
    }
    return byVolume;
  }

  /** One instance's usage; `launchedGibSeconds`, when the caller has it, saves a pass over the region's volumes. */
  private usageOf(instanceId: string, machine: Machine, launchedGibSeconds?: number): InstanceUsage {
    const now = this.region.engine.clock.now();
    const folded = machine.folded;
    const periods = billedPeriods(machine.history, now, folded);
    const modifications = launchedGibSeconds === undefined ? this.modificationsByVolume() : undefined;
    const ebsGibSeconds =
      launchedGibSeconds ??
      this.region.volumes
        .all()
        .reduce((sum, v) => sum + (v.launchedWith === instanceId ? chargesOf(v, now, modifications!.get(v.volumeId)).gibSeconds : 0), 0);
    const billedSeconds = periods.reduce((sum, p) => sum + p.billedSeconds, folded?.billedSeconds ?? 0);
    return folded === undefined || folded.periods === 0
      ? { instanceId, billedSeconds, periods, ebsGibSeconds }
      : { instanceId, billedSeconds, periods, ebsGibSeconds, droppedPeriods: folded.periods };
  }
}
