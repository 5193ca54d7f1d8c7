/**
 * The test-side controls every front shares: the clock (advance, settle,
 * reset, now), the guests and host faults of instances, and the timeline of
 * an instance in the front's own state names. A front's controls (EC2's
 * `Controls`, CVM's `CvmControls`) extend {@link InstanceControls} with what
 * only that cloud has (EC2's billing, CVM's latest operation); the logic
 * they share lives here once.
 */
import type { Clock } from "../engine/clock.js";
import type { Engine } from "../engine/engine.js";
import type { GuestConfig } from "../engine/guest.js";
import type { Machine, PhaseChange } from "../engine/machine.js";
import type { GuestOs } from "../engine/timing.js";
import type { WebViewSource } from "./web-view/view.js";

/**
 * Something `settle()` could not finish: it stays in transition after the
 * clock has moved to the last arrival, and says why.
 * @public
 */
export interface UnsettledResource {
  /** The region it is in. */
  region: string;
  /** What it is: an instance, a Spot Instance request or an Auto Scaling group. */
  resource: "instance" | "spot-instance-request" | "auto-scaling-group";
  /** Its id (a group's name). */
  id: string;
  /** Its state, in the front's own words (`stopping`, `STOPPING`, `open`, ...). */
  state: string;
  /** Why it stays, and what ends it (`StopInstances with Force=true`, `ec2.capacity.restore(...)`, ...). */
  reason: string;
}

/**
 * What `settle()` resolves to: whether everything in flight finished, and,
 * when not, what stays in transition and why (a guest that refuses to shut
 * down, a stuck host, a Spot request waiting for capacity, an Auto Scaling
 * group that cannot reach its desired capacity). `POST /_mock/settle`
 * answers it as JSON.
 * @public
 */
export interface SettleReport {
  /** True when nothing stays in transition (`unsettled` is empty). */
  settled: boolean;
  /** What stays in transition, region by region, in the order the mock keeps them. */
  unsettled: UnsettledResource[];
}

/** The report of what stays in transition (`settled` when nothing does). */
export function settleReport(unsettled: UnsettledResource[]): SettleReport {
  return { settled: unsettled.length === 0, unsettled };
}

/**
 * The clock of a front's mock, the same for every front.
 * @public
 */
export interface ClockControls {
  /** Moves the mock's clock forward by `ms` milliseconds (a RangeError past the end of year 9999). */
  advance(ms: number): void;
  /**
   * Finishes every transition in flight, and resolves to what could not
   * finish and why (`settled: false` with the list; nothing is thrown or logged).
   */
  settle(): Promise<SettleReport>;
  /** Empties the fleet and moves the clock offset back to 0. */
  reset(): void;
  /** Mock time now, in epoch milliseconds (`Date.now()` plus every `advance`). */
  now(): number;
}

/**
 * What a front's control routes drive (`/_mock/...`, `/cvm/_mock/...`):
 * the clock, and a JSON-ready view of the fleet. A change may be
 * asynchronous (a state file saves it before it is answered).
 * @public
 */
export interface ServedControls {
  /** Moves the clock forward by `ms` milliseconds (`POST PREFIXadvance`). */
  advance(ms: number): void | Promise<void>;
  /** Finishes every transition in flight and reports what could not (`POST PREFIXsettle` answers the report). */
  settle(): Promise<SettleReport>;
  /** Empties the fleet and the clock offset (`POST PREFIXreset`). */
  reset(): void | Promise<void>;
  /** A JSON-ready view of the fleet for `GET PREFIXstate`. */
  state(): unknown;
  /**
   * The front's own control routes, by path under the prefix (`spot/price`
   * for `POST PREFIXspot/price`): each takes the request's query and
   * answers a JSON-ready value, or throws a TypeError or RangeError for bad
   * parameters (answered 400). Each is a change (a state file saves it).
   */
  readonly routes?: Readonly<Record<string, (query: URLSearchParams) => unknown>>;
  /**
   * The front's clock, shown in `GET PREFIXstate` (`clock: { offsetMs, speed }`)
   * and paced by `POST PREFIXspeed?factor=N`; a front without one has neither.
   */
  readonly clock?: ServedClock;
  /**
   * The web view's data (`GET PREFIXui/data`, `GET PREFIXui/instance?id=`);
   * a front without it has no page at `GET PREFIXui`. Read-only.
   */
  readonly web?: WebViewSource;
}

/**
 * A front's clock as its control routes show and pace it (the engine's `Clock` is one).
 * @public
 */
export interface ServedClock {
  /** Mock time minus real time, in ms: what `advance` and `settle` pushed it ahead by, and what a speed other than 1 gained or lost. */
  readonly offset: number;
  /** How many mock ms pass per real ms (1 by default). */
  readonly speed: number;
  /** Runs the clock `factor` times as fast as real time from now on; a RangeError for a factor not above 0 or above 10000. */
  setSpeed(factor: number): void;
}

/**
 * One entry of an instance's timeline, in the front's state names (`S`).
 * @public
 */
export interface TimelineEntryBase<S extends string = string> {
  /** When it happened (mock time). */
  at: Date;
  /** The state before. */
  from: S;
  /** The state after (the same for a reboot). */
  to: S;
  /** Why: the API call, or what the guest or the host did. */
  cause: string;
}

/**
 * The guest of one instance, as a test drives it.
 * @public
 */
export interface GuestControlBase {
  /** The guest's operating system (from the image). */
  readonly os: GuestOs;
  /** How the guest currently answers shutdown requests. */
  readonly config: Readonly<GuestConfig>;
  /** Replaces how the guest answers shutdown requests (checked against its OS). */
  configure(config: GuestConfig): void;
  /** The OS shuts itself down (`shutdown -h now`, `shutdown /s`); what follows is the front's rule. */
  shutdown(): void;
}

/**
 * Faults of the host under an instance.
 * @public
 */
export interface HostFaultsBase {
  /** Makes stops of the instance stick in stopping until forced; `false` heals the host. */
  hostStuck(instanceId: string, stuck?: boolean): void;
}

/** What the shared controls need of a front's region. */
export interface FrontRegion<I extends { machine: Machine }> {
  /** The engine. */
  readonly engine: Engine;
  /** The instances the front still shows, by id. */
  readonly instances: ReadonlyMap<string, I>;
  /** Applies every transition due and returns mock time now. */
  catchUp(): number;
  /** Empties the region. */
  clear(): void;
}

/** What clock controls drive: a clock and what keeps time with it (one region, or every region of a mock). */
export interface Clocked {
  /** The clock. */
  readonly clock: Clock;
  /** Applies every transition due and returns mock time now. */
  catchUp(): number;
  /** Finishes every transition in flight; returns what stays in transition and why. */
  settle(): UnsettledResource[];
  /** Empties the state (the clock is reset apart). */
  clear(): void;
}

/** The clock controls of a region or a world: `onReset` forgets what the front keeps beside it (usage, API faults). */
export function clockControls(world: Clocked, onReset: () => void = () => {}): ClockControls {
  return {
    advance(ms) {
      world.clock.advance(ms);
      // Observing the clock applies (and reports) the transitions that fell due.
      world.catchUp();
    },
    async settle() {
      return settleReport(world.settle());
    },
    reset() {
      world.clear();
      onReset();
      world.clock.reset();
    },
    // Like every call, reading the time applies (and reports) the transitions that fell due.
    now: () => world.catchUp(),
  };
}

/**
 * A timeline in a front's state names: `states` names the two ends of each
 * change (called in order, oldest first), `cause` says why in the front's words.
 */
export function timelineOf<S extends string, C extends PhaseChange<unknown>>(
  history: readonly C[],
  states: (change: C) => { from: S; to: S },
  cause: (change: C) => string,
): TimelineEntryBase<S>[] {
  return history.map((change) => ({ at: new Date(change.at), ...states(change), cause: cause(change) }));
}

/** The controls of a front's instances: lookup, guests, host faults. */
export abstract class InstanceControls<I extends { machine: Machine }> {
  /** @param missing - the message of the Error thrown for an id the front does not show. */
  constructor(
    protected readonly region: FrontRegion<I>,
    private readonly missing: (instanceId: string) => string,
  ) {}

  /** The instance (after applying the transitions due); throws for an unknown one. */
  protected instance(instanceId: string): I {
    this.region.catchUp();
    const instance = this.region.instances.get(instanceId);
    if (instance === undefined) throw new Error(this.missing(instanceId));
    return instance;
  }

  /** The guest shuts itself down: the front's checks and rule (what the instance does next). */
  protected abstract shutdownGuest(instance: I, instanceId: string): void;

  /** The guest of an instance. */
  guest(instanceId: string): GuestControlBase {
    const instance = this.instance(instanceId);
    const engine = this.region.engine;
    return {
      os: instance.machine.os,
      get config() {
        return instance.machine.guest;
      },
      configure: (config) => engine.configureGuest(instance.machine, config),
      shutdown: () => this.shutdownGuest(instance, instanceId),
    };
  }

  /** Host faults. */
  readonly faults: HostFaultsBase = {
    hostStuck: (instanceId, stuck = true) => this.region.engine.setHostStuck(this.instance(instanceId).machine, stuck),
  };
}
