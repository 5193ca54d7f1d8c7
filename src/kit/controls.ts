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
 * The clock of a front's mock, the same for every front.
 * @public
 */
export interface ClockControls {
  /** Moves the mock's clock forward by `ms` milliseconds (a RangeError past the end of year 9999). */
  advance(ms: number): void;
  /** Finishes every transition in flight. */
  settle(): Promise<void>;
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
  /** Finishes every transition in flight (`POST PREFIXsettle`). */
  settle(): Promise<void>;
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
   * The web view's data (`GET PREFIXui/data`, `GET PREFIXui/instance?id=`);
   * a front without it has no page at `GET PREFIXui`. Read-only.
   */
  readonly web?: WebViewSource;
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
  /** Finishes every transition in flight. */
  settle(): void;
  /** Empties the state (the clock is reset apart). */
  clear(): void;
}

/** A single region as {@link Clocked}: its engine's clock and settle. */
export function regionClock(region: FrontRegion<{ machine: Machine }>): Clocked {
  return {
    clock: region.engine.clock,
    catchUp: () => region.catchUp(),
    settle: () => region.engine.settle(),
    clear: () => region.clear(),
  };
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
      world.settle();
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
