import type { GuestConfig } from "../../../engine/guest.js";
import type { Phase, PhaseChange } from "../../../engine/machine.js";
import type { GuestOs } from "../../../engine/timing.js";
import { type GuestControlBase, type HostFaultsBase, InstanceControls, type TimelineEntryBase, timelineOf } from "../../../kit/controls.js";
import { describeCvmCause } from "../model/causes.js";
import { type CvmInstance, type OperationState, operationAt, supportsStopCharging } from "../model/instance.js";
import type { CvmState } from "../model/states.js";
import type { CvmRegion } from "../region.js";

/**
 * The guest of one CVM instance, as a test drives it: the same scenarios as
 * EC2's guests. `shutdown()`: the instance goes STOPPING then STOPPED,
 * nothing vetoes it, and the latest operation is left as it was (no API
 * call made it).
 * @public
 */
export interface CvmGuestControl extends GuestControlBase {}

/**
 * Faults of the host under a CVM instance: `hostStuck` makes stops stick in STOPPING until forced (a SOFT stop still gives up).
 * @public
 */
export interface CvmHostFaults extends HostFaultsBase {}

/**
 * One change of an instance's CVM state, with its time and cause: the
 * launch is `PENDING → PENDING`, a reboot `RUNNING → RUNNING`, a failed
 * launch ends in LAUNCH_FAILED, an isolated (prepaid, terminated) instance
 * in SHUTDOWN.
 * @public
 */
export interface CvmTimelineEntry extends TimelineEntryBase<CvmState> {}

/** The CVM state of each engine phase, as a timeline names it (the instance's own flags aside). */
const stateOfPhase: Readonly<Record<Phase, CvmState>> = {
  launching: "PENDING",
  starting: "STARTING",
  running: "RUNNING",
  stopping: "STOPPING",
  stopped: "STOPPED",
  terminating: "TERMINATING",
  terminated: "TERMINATING",
};

/**
 * The two CVM states of each change of an instance's history, oldest
 * first: a failed launch's arrival (and what follows) is LAUNCH_FAILED, and
 * the last arrival in stopped of an isolated instance (and what follows) SHUTDOWN.
 */
function cvmTimelineStates(instance: CvmInstance): (change: PhaseChange) => { from: CvmState; to: CvmState } {
  const history = instance.machine.history;
  let isolatedAt = -1;
  if (instance.isolated) for (let i = history.length - 1; i >= 0 && isolatedAt < 0; i--) if (history[i]!.to === "stopped") isolatedAt = i;
  let index = -1;
  // A failed launch whose arrival the timeline limit dropped: everything kept comes after it.
  let failed = instance.launchFails && instance.machine.folded !== undefined && history[0]?.from !== "launching";
  return (change) => {
    index++;
    const from = failed ? "LAUNCH_FAILED" : index > isolatedAt && isolatedAt >= 0 ? "SHUTDOWN" : stateOfPhase[change.from];
    if (instance.launchFails && change.from === "launching" && change.to === "running") failed = true;
    const to = failed && change.to === "running" ? "LAUNCH_FAILED" : index === isolatedAt ? "SHUTDOWN" : stateOfPhase[change.to];
    return { from, to };
  };
}

/**
 * What `inspect()` shows of a CVM instance beyond the API.
 * @public
 */
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
  /** How the administrator logs in: the key pairs the instance accepts, whether a password does, and the last password reset. */
  login: { keyIds: string[]; passwordLogin: boolean; lastPasswordReset?: { userName: string; at: Date } };
  /** The latest changes of state, oldest first, in CVM state names: at most `createCvmMock({ timelineLimit })` (default 200). */
  timeline: CvmTimelineEntry[];
  /** How many older changes the timeline limit dropped; absent when none was. */
  timelineDropped?: number;
}

/** The test-side controls of a CVM region: guests, host faults, inspection. */
export class CvmControls extends InstanceControls<CvmInstance> {
  constructor(protected override readonly region: CvmRegion) {
    super(region, (instanceId) => `ec2-mock: no CVM instance ${instanceId} (unknown, or terminated)`);
  }

  /** The guest's own shutdown: STOPPING then STOPPED, charging kept where charging could stop at all. */
  protected shutdownGuest(instance: CvmInstance, instanceId: string): void {
    const state = this.region.stateOf(instance, this.region.catchUp());
    if (state !== "RUNNING")
      throw new Error(`ec2-mock: the guest of ${instanceId} is not running (${state}), so it cannot shut itself down`);
    // A stop from inside keeps charging, where charging could stop at all.
    instance.stoppedMode = supportsStopCharging(instance) ? "KEEP_CHARGING" : undefined;
    this.region.engine.guestShutdown(instance.machine, { action: "guest-shutdown" });
  }

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
        : {
            latestOperation: {
              action: op.action,
              state: op.state,
              requestId: op.requestId,
              ...(op.errorMsg === undefined ? {} : { errorMsg: op.errorMsg }),
            },
          }),
      login: {
        keyIds: [...instance.keyIds],
        passwordLogin: instance.login.passwordLogin,
        ...(instance.login.lastPasswordReset === undefined
          ? {}
          : {
              lastPasswordReset: { userName: instance.login.lastPasswordReset.userName, at: new Date(instance.login.lastPasswordReset.at) },
            }),
      },
      timeline: timelineOf(machine.history, cvmTimelineStates(instance), (change) => describeCvmCause(change.cause)),
      ...(machine.folded === undefined ? {} : { timelineDropped: machine.folded.dropped }),
    };
  }
}
