import { randomUUID } from "node:crypto";
import type { RunInstancesRequest } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { type DurationOverrides, type Durations, resolveDurations } from "../../engine/timing.js";
import { clockControls, regionClock } from "../../kit/controls.js";
import { attachClient, type CvmClientLike, detachClient } from "./doors/client.js";
import { type CvmListenOptions, type RunningCvmServer, startCvmServer } from "./doors/server.js";
import { type CvmWireDoor, createCvmDoor } from "./doors/wire-door.js";
import { answerCall, type CvmAnswer, type CvmCall } from "./entry.js";
import { CvmError } from "./errors.js";
import { CVM_LINUX_IMAGE_ID, type CvmImage } from "./model/images.js";
import { CvmControls, type CvmGuestControl, type CvmHostFaults, type CvmInstanceInspection } from "./observe/controls.js";
import { runWith } from "./operations/run.js";
import { CvmRegion } from "./region.js";

/**
 * Options of {@link createCvmMock}. Every one is optional.
 * @public
 */
export interface CvmMockOptions {
  /** The region the mock answers for (default `ap-guangzhou`); its zones are `<region>-1` … `<region>-7`. */
  region?: string;
  /**
   * How long transitions take: the engine's profiles, as for EC2 (`"realistic"`,
   * `"instant"`, or overrides in ms). `forceTimeout` is CVM's soft-shutdown
   * window, five minutes unless overridden ({@link CVM_SOFT_SHUTDOWN_WINDOW}):
   * how long SOFT_FIRST waits before it forces, and how long a SOFT stop or
   * reboot waits for the guest before it gives up.
   */
  timing?: "realistic" | "instant" | DurationOverrides;
  /** Images added to the built-in ones (the SDK's `Image` shape; only `ImageId`, `img-` + 8 characters, is required). */
  images?: readonly CvmImage[];
}

/**
 * What {@link CvmMock.launch} takes: RunInstances' parameters, every one
 * optional (zone `<region>-1` and the built-in Linux image by default),
 * plus `launchFails` to make the launch end in LAUNCH_FAILED.
 * @public
 */
export type CvmLaunchInput = Partial<RunInstancesRequest> & {
  /** The launch fails: the instances go PENDING, then LAUNCH_FAILED, with the operation FAILED. */
  launchFails?: boolean;
};

/**
 * The object {@link createCvmMock} returns: the CVM front's doors and the test controls.
 * @public
 */
export interface CvmMock {
  /** The region the mock answers for. */
  readonly region: string;
  /**
   * The in-process door: makes a `tencentcloud-sdk-nodejs-cvm` client answer
   * from the mock (no network, signing or credentials; its `region` must be
   * the mock's). Results and errors are what the SDK builds from CVM's
   * answers. Returns the client.
   */
  attach<T extends CvmClientLike>(client: T): T;
  /** Gives an attached client its own network path back. */
  detach(client: CvmClientLike): void;
  /** Launches instances as RunInstances does, with defaults; returns their ids (PENDING). Throws a {@link CvmError} for a launch RunInstances would refuse. */
  launch(input?: CvmLaunchInput): string[];
  /** Moves the mock's clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Finishes every transition in flight, reboots included (a stuck stop is not waited for). */
  settle(): Promise<void>;
  /** Empties the fleet and moves the clock offset back to 0. */
  reset(): void;
  /** Mock time now, in epoch milliseconds (`Date.now()` plus every `advance`). */
  now(): number;
  /** The guest OS of an instance: the same shutdown scenarios as EC2's (`configure({ shutdownEventTracker: true })`, ...). */
  guest(instanceId: string): CvmGuestControl;
  /** Host faults (`hostStuck(id)`). */
  readonly faults: CvmHostFaults;
  /** State, guest, file system, the stop under way, the latest operation and every transition with its cause. */
  inspect(instanceId: string): CvmInstanceInspection;
  /** The wire door (API 3.0), for a server: `ec2.listen({ doors: [cvm.door] })` serves it next to EC2. */
  readonly door: CvmWireDoor;
  /**
   * Serves this mock alone over HTTP (API 3.0) and resolves once listening.
   * Point the SDK at it with `profile: { httpProfile: { endpoint: "127.0.0.1:PORT", protocol: "http://" } }`.
   */
  listen(options?: CvmListenOptions): Promise<RunningCvmServer>;
}

/**
 * How long CVM lets a soft shutdown run before SOFT_FIRST forces it: five
 * minutes (source: Tencent Cloud's CFS guide "Terminating Compute
 * Instances": "If the soft shutdown fails within 5 minutes, a forced
 * shutdown will be performed"). A SOFT stop or reboot gives up after the
 * same window (decision: CVM does not publish when it gives up).
 * @public
 */
export const CVM_SOFT_SHUTDOWN_WINDOW = 5 * 60_000;

/** The engine's durations for CVM: the profile, with CVM's soft-shutdown window unless the caller set `forceTimeout` or asked for `instant`. */
function cvmDurations(timing: CvmMockOptions["timing"]): Durations {
  const durations = resolveDurations(timing);
  const overridden = typeof timing === "object" && timing !== null && timing.forceTimeout !== undefined;
  if (timing !== "instant" && !overridden) durations.forceTimeout = CVM_SOFT_SHUTDOWN_WINDOW;
  return durations;
}

/**
 * Creates a mock Tencent Cloud CVM (API 2017-03-12) over the same engine as
 * the EC2 mock: the same guests, clock and timed transitions, CVM's states,
 * rules and errors.
 * @public
 */
export function createCvmMock(options: CvmMockOptions = {}): CvmMock {
  const region = new CvmRegion({
    region: options.region ?? "ap-guangzhou",
    durations: cvmDurations(options.timing),
    images: options.images ?? [],
  });
  const controls = new CvmControls(region);
  const answer = (call: CvmCall): CvmAnswer => answerCall(region, call);

  const mock: CvmMock = {
    region: region.settings.region,
    attach: (client) => attachClient(client, answer),
    detach: detachClient,
    launch(input = {}) {
      const { launchFails, ...request } = input;
      const run = { Placement: { Zone: region.network.zones[0]! }, ImageId: CVM_LINUX_IMAGE_ID, ...request };
      const ctx = { region, now: region.catchUp(), requestId: randomUUID() };
      return runWith(ctx, JSON.parse(JSON.stringify(run)), { launchFails: launchFails === true }).InstanceIdSet ?? [];
    },
    ...clockControls(regionClock(region)),
    guest: (instanceId) => controls.guest(instanceId),
    faults: controls.faults,
    inspect: (instanceId) => controls.inspect(instanceId),
    door: createCvmDoor(answer, {
      advance: (ms) => mock.advance(ms),
      settle: () => mock.settle(),
      reset: () => mock.reset(),
      state: () => {
        const now = region.catchUp();
        return {
          now: new Date(now).toISOString(),
          region: region.settings.region,
          instances: [...region.instances.values()].map((i) => region.render(i, now)),
        };
      },
    }),
    listen: (listenOptions) => startCvmServer(mock.door, listenOptions),
  };
  return mock;
}
