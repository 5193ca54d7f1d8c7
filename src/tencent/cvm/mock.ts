import type { RunInstancesRequest } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { checkTimelineLimit } from "../../engine/history.js";
import { type DurationOverrides, type Durations, resolveDurations } from "../../engine/timing.js";
import { clockControls, type SettleReport } from "../../kit/controls.js";
import { quietUuid } from "../../kit/entropy.js";
import type { FrontState } from "../../kit/front.js";
import { type ReportOptions, renderReport } from "../../kit/web-view/report.js";
import { isCvmAction, isCvmMutating } from "./actions.js";
import { attachClient, type CvmClientLike, detachClient } from "./doors/client.js";
import { type CvmListenOptions, type RunningCvmServer, startCvmServer } from "./doors/server.js";
import { type CvmWireDoor, createCvmDoor } from "./doors/wire-door.js";
import { answerCall, type CvmAnswer, type CvmCall } from "./entry.js";
import { CvmError, cvmErrors } from "./errors.js";
import { CVM_LINUX_IMAGE_ID, type CvmImage } from "./model/images.js";
import { CvmControls, type CvmGuestControl, type CvmHostFaults, type CvmInstanceInspection } from "./observe/controls.js";
import { cvmWebView } from "./observe/web-view.js";
import { runWith } from "./operations/run.js";
import type { CvmRegion } from "./region.js";
import { type CvmMockSnapshot, checkCvmSnapshot, restoreCvmSnapshot, takeCvmSnapshot } from "./state/snapshot.js";
import { CvmWorld } from "./world.js";

/**
 * Options of {@link createCvmMock}. Every one is optional.
 * @public
 */
export interface CvmMockOptions {
  /**
   * The default region (default `ap-guangzhou`): `launch()`'s, and one the
   * mock serves even when CVM has no such region. Every region of
   * {@link CVM_REGIONS} is served too, each its own world, chosen by the
   * client's `region` (`X-TC-Region`); a region's zones are `<region>-1` …
   * `<region>-7`.
   */
  region?: string;
  /**
   * How long transitions take: the engine's profiles, as for EC2 (`"realistic"`,
   * `"instant"`, or overrides in ms). `forceTimeout` is CVM's soft-shutdown
   * window, five minutes unless overridden ({@link CVM_SOFT_SHUTDOWN_WINDOW}):
   * how long SOFT_FIRST waits before it forces, and how long a SOFT stop or
   * reboot waits for the guest before it gives up.
   */
  timing?: "realistic" | "instant" | DurationOverrides;
  /**
   * How many mock milliseconds pass per real millisecond (default 1), as
   * `createEc2Mock({ speed })`: a number above 0 and at most 10000.
   * Server: `POST /cvm/_mock/speed?factor=N`.
   */
  speed?: number;
  /** Images added to the built-in ones (the SDK's `Image` shape; only `ImageId`, `img-` + 8 characters, is required). */
  images?: readonly CvmImage[];
  /**
   * How many state transitions each instance's timeline keeps, the latest
   * (default 200; at least 16, or `Infinity`), as `createEc2Mock({ timelineLimit })`:
   * the same engine records and the same cap; `inspect()`'s `timelineDropped`
   * counts the dropped ones. A bad limit throws a RangeError.
   */
  timelineLimit?: number;
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
  /** The region to launch in (default: the mock's `region`). */
  region?: string;
};

/**
 * The object {@link createCvmMock} returns: the CVM front's doors and the test controls.
 * @public
 */
export interface CvmMock {
  /** The default region. */
  readonly region: string;
  /**
   * The in-process door: makes a `tencentcloud-sdk-nodejs-cvm` client answer
   * from the mock (no network, signing or credentials; its `region` chooses
   * the region, which must be one the mock serves). Results and errors are
   * what the SDK builds from CVM's answers. Returns the client.
   */
  attach<T extends CvmClientLike>(client: T): T;
  /** Gives an attached client its own network path back. */
  detach(client: CvmClientLike): void;
  /** Launches instances as RunInstances does, with defaults; returns their ids (PENDING). Throws a {@link CvmError} for a launch RunInstances would refuse. */
  launch(input?: CvmLaunchInput): string[];
  /** Moves the mock's clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /**
   * Finishes every transition in flight, reboots included, and resolves to a
   * {@link SettleReport}: a stop that never ends alone (a stuck host) is not
   * waited for but listed, with what ends it.
   */
  settle(): Promise<SettleReport>;
  /** Empties every region (instances, key pairs) and moves the clock offset back to 0. */
  reset(): void;
  /** Mock time now, in epoch milliseconds (`Date.now()` plus every `advance`). */
  now(): number;
  /** The guest OS of an instance: the same shutdown scenarios as EC2's (`configure({ shutdownEventTracker: true })`, ...). */
  guest(instanceId: string): CvmGuestControl;
  /** Host faults (`hostStuck(id)`). */
  readonly faults: CvmHostFaults;
  /** State, guest, file system, the stop under way, the latest operation and every transition with its cause. */
  inspect(instanceId: string): CvmInstanceInspection;
  /**
   * The state of every region (instances with their machines, key pairs,
   * network ids and counters, client tokens) and the clock offset, as JSON-ready data.
   */
  snapshot(): CvmMockSnapshot;
  /**
   * Replaces the state with a snapshot's (from this mock or another whose
   * regions and images include the snapshot's); a TypeError naming the bad
   * field, with nothing changed, for one that is not a snapshot.
   */
  restore(snapshot: CvmMockSnapshot): void;
  /** The wire door (API 3.0), for a server: `ec2.listen({ doors: [cvm.door] })` serves it next to EC2. */
  readonly door: CvmWireDoor;
  /**
   * Serves this mock alone over HTTP (API 3.0) and resolves once listening.
   * Point the SDK at it with `profile: { httpProfile: { endpoint: "127.0.0.1:PORT", protocol: "http://" } }`.
   */
  listen(options?: CvmListenOptions): Promise<RunningCvmServer>;
  /**
   * A self-contained HTML page of the web view (`GET /cvm/_mock/ui`) for
   * this mock's fleet and history as of now, the data embedded and the
   * clock controls hidden; written to `options.file` too when given. Bad
   * options throw a TypeError. As `ec2.report()`.
   */
  report(options?: ReportOptions): string;
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
  const world = new CvmWorld({
    defaultRegion: options.region ?? "ap-guangzhou",
    durations: cvmDurations(options.timing),
    timelineLimit: checkTimelineLimit(options.timelineLimit),
    images: options.images ?? [],
  });
  if (options.speed !== undefined) world.clock.setSpeed(options.speed);
  const controlsByRegion = new Map<CvmRegion, CvmControls>();
  const controlsOf = (region: CvmRegion): CvmControls => {
    let controls = controlsByRegion.get(region);
    if (controls === undefined) controlsByRegion.set(region, (controls = new CvmControls(region)));
    return controls;
  };
  // The region holding an instance; an unknown id goes to the default region, whose controls say it is unknown.
  const controlsFor = (instanceId: string) => controlsOf(world.holding(instanceId) ?? world.defaultRegion);
  const answer = (call: CvmCall): CvmAnswer => answerCall(world, call);
  // What a state file keeps: every region, under the file's `cvm` member.
  const state: FrontState = {
    member: "cvm",
    snapshot: () => takeCvmSnapshot(world),
    check: (snapshot) => checkCvmSnapshot(world, snapshot),
    restore: (snapshot) => restoreCvmSnapshot(world, snapshot),
    changes: (request) => {
      // An API call of a mutating action, answered or refused: a refusal changes nothing, and saving it costs one write.
      const action = request.headers["x-tc-action"];
      return typeof action === "string" && isCvmAction(action) && isCvmMutating(action);
    },
  };

  /** The web view (`GET /cvm/_mock/ui`, `cvm.report()`): read-only. */
  const web = cvmWebView({ world, controlsFor });
  const mock: CvmMock = {
    region: world.defaultRegion.settings.region,
    attach: (client) => attachClient(client, answer),
    detach: detachClient,
    launch(input = {}) {
      const { launchFails, region: regionName, ...request } = input;
      const region = world.region(regionName ?? mock.region);
      if (region === undefined) throw cvmErrors.unsupportedRegion(regionName ?? "", world.servedList());
      const run = { Placement: { Zone: region.network.zones[0]! }, ImageId: CVM_LINUX_IMAGE_ID, ...request };
      world.catchUp();
      const ctx = { region, now: region.catchUp(), requestId: quietUuid() };
      return runWith(ctx, JSON.parse(JSON.stringify(run)), { launchFails: launchFails === true }).InstanceIdSet ?? [];
    },
    ...clockControls(world),
    guest: (instanceId) => controlsFor(instanceId).guest(instanceId),
    faults: { hostStuck: (instanceId, stuck) => controlsFor(instanceId).faults.hostStuck(instanceId, stuck) },
    inspect: (instanceId) => controlsFor(instanceId).inspect(instanceId),
    snapshot: () => takeCvmSnapshot(world),
    restore: (snapshot) => restoreCvmSnapshot(world, snapshot),
    door: createCvmDoor(
      answer,
      {
        advance: (ms) => mock.advance(ms),
        settle: () => mock.settle(),
        reset: () => mock.reset(),
        clock: world.clock,
        // The web view at /cvm/_mock/ui (src/kit/web-view/): read-only.
        web,
        state: () => {
          const now = world.catchUp();
          return {
            now: new Date(now).toISOString(),
            region: mock.region,
            instances: world.existing().flatMap((region) => [...region.instances.values()].map((i) => region.render(i, now))),
          };
        },
      },
      state,
    ),
    listen: (listenOptions) => startCvmServer(mock.door, listenOptions),
    report: (reportOptions) => renderReport(web, reportOptions),
  };
  return mock;
}
