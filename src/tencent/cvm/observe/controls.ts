import type { GuestConfig } from "../../../engine/guest.js";
import type { Phase } from "../../../engine/machine.js";
import type { GuestOs } from "../../../engine/timing.js";
import { describeCvmCause } from "../model/causes.js";
import { type CvmInstance, type OperationState, operationAt, supportsStopCharging } from "../model/instance.js";
import type { CvmRegion } from "../region.js";
import type { CvmState } from "../model/states.js";

/** The guest of one CVM instance, as a test drives it: the same scenarios as EC2's guests. */
export interface CvmGuestControl {
  /** The guest's operating system (from the image). */
  readonly os: GuestOs;
  /** How the guest currently answers shutdown requests. */
  readonly config: Readonly<GuestConfig>;
  /** Replaces how the guest answers shutdown requests (the Windows scenarios are refused on Linux). */
  configure(config: GuestConfig): void;
  /**
   * The OS shuts itself down (`shutdown -h now`): the instance goes
   * STOPPING then STOPPED, nothing vetoes it, and the latest operation is
   * left as it was (no API call made it).
   */
  shutdown(): void;
}

/** Faults of the host under a CVM instance. */
export interface CvmHostFaults {
  /** Makes stops of the instance stick in STOPPING until forced (a SOFT stop still gives up); `false` heals the host. */
  hostStuck(instanceId: string, stuck?: boolean): void;
}

/** One change of the engine's phase, with its time and cause. */
export interface CvmTimelineEntry {
  /** When it happened (mock time). */
  at: Date;
  /** The engine's phase before (cloud-neutral: `launching`, `running`, `stopping`, ...). */
  from: Phase;
  /** The engine's phase after (the same for a reboot). */
  to: Phase;
  /** Why: the API call, or what the guest or the host did. */
  cause: string;
}

/** What `inspect()` shows of a CVM instance beyond the API. */
export interface CvmInstanceInspection {
  /** The instance id. */
  instanceId: string;
  /** Its CVM state now. */
  state: CvmState;
  /** The guest OS and how it answers shutdown requests. */
  guest: { os: GuestOs; config: Readonly<GuestConfig> };
  /** Whether the host is faulty. */
  hostStuck: boolean;
  /** The file system: dirty after a power cut (the next boot checks it). */
  fileSystem: "clean" | "dirty";
  /** The stop under way: since when, what holds it up, when it ends (undefined: stuck) or gives up. */
  stopping?: { since: Date; obstacle: string | undefined; endsAt: Date | undefined; givesUpAt: Date | undefined };
  /** The latest API operation, as DescribeInstances shows it. */
  latestOperation?: { action: string; state: OperationState; requestId: string; errorMsg?: string };
  /** Every change of phase, oldest first. */
  timeline: CvmTimelineEntry[];
}

/** The test-side controls of a CVM region: guests, host faults, inspection. */
export class CvmControls {
  constructor(private readonly region: CvmRegion) {}

  private instance(instanceId: string): CvmInstance {
    this.region.catchUp();
    const instance = this.region.instances.get(instanceId);
    if (instance === undefined) throw new Error(`ec2-mock: no CVM instance ${instanceId} (unknown, or terminated)`);
    return instance;
  }

  /** The guest of an instance. */
  guest(instanceId: string): CvmGuestControl {
    const instance = this.instance(instanceId);
    const lifecycle = this.region.lifecycle;
    return {
      os: instance.machine.os,
      get config() {
        return instance.machine.guest;
      },
      configure: (config) => lifecycle.configureGuest(instance.machine, config),
      shutdown: () => {
        const state = this.region.stateOf(instance, this.region.catchUp());
        if (state !== "RUNNING") throw new Error(`ec2-mock: the guest of ${instanceId} is not running (${state}), so it cannot shut itself down`);
        // A stop from inside keeps charging, where charging could stop at all.
        instance.stoppedMode = supportsStopCharging(instance) ? "KEEP_CHARGING" : undefined;
        lifecycle.guestShutdown(instance.machine, { action: "guest-shutdown" });
      },
    };
  }

  /** Host faults. */
  readonly faults: CvmHostFaults = {
    hostStuck: (instanceId, stuck = true) => this.region.lifecycle.setHostStuck(this.instance(instanceId).machine, stuck),
  };

  /** Everything the mock knows of an instance beyond the API. */
  inspect(instanceId: string): CvmInstanceInspection {
    const instance = this.instance(instanceId);
    const now = this.region.catchUp();
    const machine = instance.machine;
    const plan = machine.phase === "stopping" ? machine.stopPlan : undefined;
    const op = operationAt(instance, now);
    const date = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms));
    const arrival = machine.transition;
    return {
      instanceId,
      state: this.region.stateOf(instance, now),
      guest: { os: machine.os, config: { ...machine.guest } },
      hostStuck: machine.hostStuck,
      fileSystem: machine.fileSystem,
      ...(plan === undefined
        ? {}
        : {
            stopping: {
              since: new Date(plan.startedAt),
              obstacle: plan.obstacle,
              endsAt: arrival?.to === "stopped" ? date(arrival.at) : undefined,
              givesUpAt: date(plan.abandonAt),
            },
          }),
      ...(op === undefined
        ? {}
        : { latestOperation: { action: op.action, state: op.state, requestId: op.requestId, ...(op.errorMsg === undefined ? {} : { errorMsg: op.errorMsg }) } }),
      timeline: machine.history.map((change) => ({ at: new Date(change.at), from: change.from, to: change.to, cause: describeCvmCause(change.cause) })),
    };
  }
}
