import type { Instance } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import type { Clock } from "../../engine/clock.js";
import { Engine } from "../../engine/engine.js";
import type { Durations } from "../../engine/timing.js";
import { type CvmPhaseChange, type CvmRequest, describeCvmCause } from "./model/causes.js";
import { type CvmImage, imageCatalogue } from "./model/images.js";
import { applyChange, type CvmInstance, cvmStateOf, renderInstance } from "./model/instance.js";
import { CvmKeyPairs } from "./model/keypairs.js";
import { CvmNetwork } from "./model/network.js";
import type { CvmState } from "./model/states.js";

/** What one CVM region is configured with. */
export interface CvmRegionSettings {
  /** The region name, e.g. `ap-guangzhou`. */
  region: string;
  /** Durations of every step (the engine's). */
  durations: Durations;
  /** The user's images, added to the built-ins. */
  images: readonly CvmImage[];
  /** The clock, shared by every region of one mock (each region is its own world; time is one). */
  clock?: Clock;
  /** How many changes of phase each instance keeps (`createCvmMock({ timelineLimit })`, checked); absent: the engine's default. */
  timelineLimit?: number;
}

/**
 * The CVM world of one region: the engine, the images, the default VPC,
 * the key pairs and the instances with the CVM-only facts the engine does
 * not know (charge type, disks, addresses, key pairs, the latest operation).
 * The engine's phase changes settle operations, make the changes that wait
 * for a stop, and move public addresses; nothing else does.
 */
export class CvmRegion {
  /** The engine underneath: the same one the EC2 front drives. */
  readonly engine: Engine<CvmRequest>;
  /** The default VPC and address pools. */
  readonly network: CvmNetwork;
  /** Launchable images, by id. */
  readonly images: Map<string, CvmImage>;
  /** Every instance CVM still lists, by id, in launch order. */
  readonly instances = new Map<string, CvmInstance>();
  /** RunInstances' `ClientToken`s: each token → the ids its launch answered, so a retry launches nothing new. */
  readonly clientTokens = new Map<string, string[]>();
  /** The region's key pairs. */
  readonly keyPairs = new CvmKeyPairs();

  constructor(readonly settings: CvmRegionSettings) {
    this.engine = new Engine<CvmRequest>(settings.durations, settings.clock, settings.timelineLimit);
    this.network = new CvmNetwork(settings.region);
    this.images = imageCatalogue(settings.images);
    this.engine.listen({ onPhaseChange: (change) => this.onPhaseChange(change) });
  }

  /**
   * Applies every transition that has arrived (listeners hear of each) and
   * returns the mock time it caught up to; called before every read or write
   * of the region. Reading the time alone is `engine.clock.now()`.
   */
  catchUp(): number {
    return this.engine.catchUp();
  }

  /** The CVM state of an instance now (call `catchUp()` first). */
  stateOf(instance: CvmInstance, now: number): CvmState {
    return cvmStateOf(instance, this.engine, now);
  }

  /** The SDK's `Instance` for a record. */
  render(instance: CvmInstance, now: number): Instance {
    return renderInstance(instance, this.stateOf(instance, now), this.network, now);
  }

  /** Empties the region. */
  clear(): void {
    this.engine.clear();
    this.instances.clear();
    this.clientTokens.clear();
    this.keyPairs.clear();
    this.network.clear();
  }

  /** Settles operations and moves public addresses as the engine reports arrivals. */
  private onPhaseChange(change: CvmPhaseChange): void {
    const instance = this.instances.get(change.machineId);
    if (instance === undefined) return;
    const op = instance.operation;
    const settle = (action: string, state: "SUCCESS" | "FAILED", errorMsg?: string) => {
      if (op?.action === action && op.state === "OPERATING")
        instance.operation = { action, requestId: op.requestId, state, ...(errorMsg === undefined ? {} : { errorMsg }) };
    };
    const pending = instance.pending;
    if (pending !== undefined && op?.action === pending.action && op.state === "OPERATING") {
      // A change that needed the instance shut down: made once it is STOPPED, then the instance starts again.
      if (change.to === "stopped") {
        applyChange(instance, pending.change, change.at);
        if (pending.restart) {
          instance.stoppedMode = undefined;
          this.engine.start(instance.machine, { action: pending.action }, change.at);
          return;
        }
      } else if (change.to !== "running") return;
      if (change.to === "running" && instance.wantsPublicIp && instance.publicIp === undefined)
        instance.publicIp = this.network.takePublicIp();
      instance.pending = undefined;
      settle(pending.action, "SUCCESS");
      return;
    }
    if (change.to === "running" && change.abandoned) {
      // A SOFT stop the guest refused: the instance keeps running, addresses and all.
      instance.stoppedMode = undefined;
      settle("StopInstances", "FAILED", `The soft shutdown did not complete: ${describeCvmCause(change.cause)}.`);
    } else if (change.to === "running") {
      if (change.from === "launching" && instance.launchFails) {
        instance.launchFailed = true;
        settle("RunInstances", "FAILED", "The instance failed to launch.");
        return;
      }
      if (instance.wantsPublicIp && instance.publicIp === undefined) instance.publicIp = this.network.takePublicIp();
      settle(change.from === "launching" ? "RunInstances" : "StartInstances", "SUCCESS");
    } else if (change.to === "stopped") {
      // A stop without charges releases the public address (source: CVM user guide,
      // "No charges when shut down"); any other stop keeps it.
      if (instance.stoppedMode === "STOP_CHARGING") instance.publicIp = undefined;
      if (instance.isolating) {
        instance.isolating = false;
        instance.isolated = true;
        settle("TerminateInstances", "SUCCESS");
      } else settle("StopInstances", "SUCCESS");
    } else if (change.to === "terminated") {
      // A destroyed instance is no longer listed: CVM answers NotFound from now on.
      this.instances.delete(instance.instanceId);
    }
  }
}
