import type { Clock } from "../../../engine/clock.js";
import { type Ec2Action, implementedActions, isImplemented } from "../actions.js";
import { type Ec2Error, errors } from "../errors.js";
import { DEFAULT_INSTANCE_TYPE } from "../model/instance-types.js";
import type { Ec2Region } from "../region.js";

/** The names fault injection accepts: every EC2 action the mock implements (derived from ../actions.ts). */
export const FAULTABLE_ACTIONS: readonly Ec2Action[] = implementedActions;

export type { Ec2Action };

/**
 * The actions that can fail with `InsufficientInstanceCapacity` (the ones that place an instance on a host).
 * @public
 */
export type CapacityAction = "RunInstances" | "StartInstances";

/**
 * An error of one's own: any code, message and HTTP status (400–599).
 * @public
 */
export interface CustomFaultError {
  /** EC2's error code, e.g. `Unavailable`. */
  code: string;
  /** The message. */
  message: string;
  /** The HTTP status, 400 to 599 (from 500 the SDK sees a server fault, and retries 500, 502, 503 and 504). */
  status: number;
}

/**
 * What a failed call answers: one of EC2's errors by its code, with EC2's own
 * status and message, or a custom one. `InsufficientInstanceCapacity` only
 * for RunInstances and StartInstances.
 * @public
 */
export type FaultError<A extends Ec2Action = Ec2Action> =
  | "RequestLimitExceeded"
  | "InternalError"
  | (A extends CapacityAction ? "InsufficientInstanceCapacity" : never)
  | CustomFaultError;

/**
 * Options of {@link ApiFaultControls.failNext}.
 * @public
 */
export interface FailNextOptions<A extends Ec2Action = Ec2Action> {
  /** The error to answer with. */
  error: FaultError<A>;
  /** How many calls fail (default 1); `Infinity` fails every call until `clear()`. */
  times?: number;
}

/**
 * Options of {@link ApiFaultControls.delay}.
 * @public
 */
export interface DelayOptions {
  /** Milliseconds each call waits (a `setTimeout`, so fake timers control it). */
  ms: number;
  /** How many calls are delayed (default: every call until `clear()`). */
  times?: number;
}

/**
 * Options of {@link ApiFaultControls.throttle}.
 * @public
 */
export interface ThrottleOptions {
  /** The actions limited, each with its own bucket (default: every action the mock implements). */
  actions?: readonly Ec2Action[];
  /** Tokens added to each bucket per second of mock time (may be fractional). */
  ratePerSecond: number;
  /** The size of each bucket: how many calls may come at once (a bucket starts full). */
  burst: number;
}

/**
 * Faults of the API itself: failures, throttling and latency, for every door.
 * @public
 */
export interface ApiFaultControls {
  /**
   * The next `times` calls of `action` (default 1) fail with `error` before
   * any check, changing nothing. Several `failNext` on one action queue up in order.
   */
  failNext<A extends Ec2Action>(action: A, options: FailNextOptions<A>): void;
  /**
   * EC2's request-rate limit as a token bucket per action: a call takes a
   * token; with none left it fails with `RequestLimitExceeded` 503. Tokens
   * come back at `ratePerSecond` on the mock's clock (`Date.now()` plus every
   * `advance`, so fake timers and `ec2.advance` both refill). Replaces an
   * earlier throttle of the same actions.
   */
  throttle(options: ThrottleOptions): void;
  /** The next `times` calls of `action` (default: every one) wait `ms` milliseconds before reaching the mock. */
  delay(action: Ec2Action, options: DelayOptions): void;
  /** Removes every failure, throttle and delay (host faults stay: heal them with `hostStuck(id, false)`). */
  clear(): void;
}

interface CountedRule<T> {
  value: T;
  remaining: number;
}

interface Bucket {
  ratePerSecond: number;
  burst: number;
  tokens: number;
  /** Mock time of the last refill. */
  at: number;
}

function checkAction(action: unknown, what: string): Ec2Action {
  if (typeof action !== "string" || !isImplemented(action)) {
    throw new TypeError(
      `ec2-mock: faults.${what} takes an action the mock implements (e.g. "StopInstances"); got ${JSON.stringify(action)}`,
    );
  }
  return action;
}

function checkTimes(times: unknown, fallback: number, what: string): number {
  if (times === undefined) return fallback;
  if (typeof times !== "number" || !(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times >= 1))) {
    throw new RangeError(`ec2-mock: faults.${what} times must be an integer of at least 1, or Infinity; got ${String(times)}`);
  }
  return times;
}

function checkError(action: Ec2Action, error: unknown): FaultError {
  if (error === "RequestLimitExceeded" || error === "InternalError") return error;
  if (error === "InsufficientInstanceCapacity") {
    if (action !== "RunInstances" && action !== "StartInstances") {
      throw new TypeError(`ec2-mock: InsufficientInstanceCapacity is only for RunInstances and StartInstances, not ${action}`);
    }
    return error;
  }
  if (typeof error === "object" && error !== null) {
    const { code, message, status } = error as Partial<CustomFaultError>;
    if (typeof code !== "string" || code === "" || typeof message !== "string") {
      throw new TypeError("ec2-mock: a custom fault error is { code, message, status } with a non-empty code and a message");
    }
    if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`ec2-mock: a custom fault error's status must be an integer from 400 to 599; got ${String(status)}`);
    }
    return { code, message, status };
  }
  throw new TypeError(
    `ec2-mock: faults.failNext error must be "RequestLimitExceeded", "InternalError", "InsufficientInstanceCapacity" or { code, message, status }; got ${JSON.stringify(error)}`,
  );
}

/**
 * Fault injection at the mock's single entry: every door's call passes
 * {@link ApiFaults.admit} before the EC2 checks run. Nothing here touches the
 * engine; a delay is the only timer, and it lives outside the engine.
 */
export class ApiFaults {
  private readonly failures = new Map<Ec2Action, CountedRule<FaultError>[]>();
  private readonly delays = new Map<Ec2Action, CountedRule<number>[]>();
  private readonly buckets = new Map<Ec2Action, Bucket>();

  /** @param clock - mock time (throttle buckets refill with it). */
  constructor(private readonly clock: Clock) {}

  /** The controls users call as `ec2.faults.*`. */
  readonly controls: ApiFaultControls = {
    failNext: (action, options) => {
      const name = checkAction(action, "failNext");
      if (typeof options !== "object" || options === null) throw new TypeError("ec2-mock: faults.failNext takes { error, times? }");
      const error = checkError(name, options.error);
      const times = checkTimes(options.times, 1, "failNext");
      this.queue(this.failures, name).push({ value: error, remaining: times });
    },
    throttle: (options) => {
      if (typeof options !== "object" || options === null)
        throw new TypeError("ec2-mock: faults.throttle takes { actions?, ratePerSecond, burst }");
      const { ratePerSecond, burst } = options;
      if (typeof ratePerSecond !== "number" || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
        throw new RangeError(`ec2-mock: faults.throttle ratePerSecond must be a finite number above 0; got ${String(ratePerSecond)}`);
      }
      if (typeof burst !== "number" || !Number.isInteger(burst) || burst < 1) {
        throw new RangeError(`ec2-mock: faults.throttle burst must be an integer of at least 1; got ${String(burst)}`);
      }
      if (options.actions !== undefined && !Array.isArray(options.actions)) {
        throw new TypeError("ec2-mock: faults.throttle actions must be an array of action names");
      }
      const actions = (options.actions ?? FAULTABLE_ACTIONS).map((a) => checkAction(a, "throttle"));
      const at = this.now();
      for (const action of actions) this.buckets.set(action, { ratePerSecond, burst, tokens: burst, at });
    },
    delay: (action, options) => {
      const name = checkAction(action, "delay");
      if (typeof options !== "object" || options === null) throw new TypeError("ec2-mock: faults.delay takes { ms, times? }");
      const { ms } = options;
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`ec2-mock: faults.delay ms must be a finite number of at least 0; got ${String(ms)}`);
      }
      const times = checkTimes(options.times, Number.POSITIVE_INFINITY, "delay");
      this.queue(this.delays, name).push({ value: ms, remaining: times });
    },
    clear: () => this.clear(),
  };

  /** Removes every API fault (with `clear()` and `reset()`). */
  clear(): void {
    this.failures.clear();
    this.delays.clear();
    this.buckets.clear();
  }

  /**
   * Lets one call through, or not: waits the call's delay if one applies,
   * then takes a throttle token, then consumes a scripted failure. Throws the
   * fault's `Ec2Error`, so the call fails before any EC2 check and changes
   * nothing. Synchronous (no promise) when no delay applies.
   */
  admit(action: string, input: unknown, region: Ec2Region): void | Promise<void> {
    // No fault set (the common case): nothing to look up, on every call of every door.
    if (this.delays.size === 0 && this.failures.size === 0 && this.buckets.size === 0) return;
    if (!isImplemented(action)) return;
    const delayMs = this.take(this.delays, action);
    if (delayMs === undefined || delayMs === 0) {
      this.check(action, input, region);
      return;
    }
    return new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(() => this.check(action, input, region));
  }

  /** `region`: the call's, for the instance type and zones of `InsufficientInstanceCapacity`. */
  private check(action: Ec2Action, input: unknown, region: Ec2Region): void {
    const bucket = this.buckets.get(action);
    if (bucket !== undefined) {
      const now = this.now();
      // The clock may go back (reset() zeroes the offset): no refill then, only a new reference point.
      const elapsed = Math.max(0, now - bucket.at);
      bucket.tokens = Math.min(bucket.burst, bucket.tokens + (elapsed * bucket.ratePerSecond) / 1000);
      bucket.at = now;
      if (bucket.tokens < 1) throw errors.requestLimitExceeded();
      bucket.tokens -= 1;
    }
    const failure = this.take(this.failures, action);
    if (failure !== undefined) throw this.errorOf(failure, action, input, region);
  }

  private errorOf(error: FaultError, action: Ec2Action, input: unknown, region: Ec2Region): Ec2Error {
    if (error === "RequestLimitExceeded") return errors.requestLimitExceeded();
    if (error === "InternalError") return errors.internal();
    if (error === "InsufficientInstanceCapacity") return insufficientCapacity(region, action, input);
    return errors.userRequested(error.code, error.message, error.status);
  }

  private queue<T>(rules: Map<Ec2Action, CountedRule<T>[]>, action: Ec2Action): CountedRule<T>[] {
    let queue = rules.get(action);
    if (queue === undefined) rules.set(action, (queue = []));
    return queue;
  }

  /** Consumes one use of the first rule of an action, if any. */
  private take<T>(rules: Map<Ec2Action, CountedRule<T>[]>, action: Ec2Action): T | undefined {
    const queue = rules.get(action);
    const rule = queue?.[0];
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) queue!.shift();
    return rule.value;
  }

  /** Mock time, without applying transitions (that is the operation's business). */
  private now(): number {
    return this.clock.now();
  }
}

/**
 * EC2's message names the instance type and the zone asked for, and the
 * region's other zones (raw responses quoted in cloud-custodian#5235 and
 * skyplane#299). StartInstances of no known instance gets EC2's short form
 * `Insufficient capacity.` (raw response in hammertime#29).
 */
function insufficientCapacity(region: Ec2Region, action: Ec2Action, input: unknown): Ec2Error {
  const request = (typeof input === "object" && input !== null ? input : {}) as {
    InstanceType?: unknown;
    Placement?: { AvailabilityZone?: unknown };
    SubnetId?: unknown;
    InstanceIds?: unknown;
  };
  let placed: { instanceType: string; zone: string } | undefined;
  if (action === "RunInstances") {
    // A launch into a subnet by id goes to the subnet's zone (issue 13: SubnetId is modelled).
    const zone =
      request.Placement?.AvailabilityZone ?? region.network.allSubnets().find((s) => s.subnetId === request.SubnetId)?.availabilityZone;
    placed = {
      instanceType: typeof request.InstanceType === "string" && request.InstanceType !== "" ? request.InstanceType : DEFAULT_INSTANCE_TYPE,
      zone: typeof zone === "string" && zone !== "" ? zone : region.network.defaultZone,
    };
  } else if (Array.isArray(request.InstanceIds)) {
    for (const id of request.InstanceIds) {
      const instance = typeof id === "string" ? region.instances.get(id) : undefined;
      if (instance !== undefined) {
        placed = { instanceType: instance.instanceType, zone: instance.subnet.availabilityZone };
        break;
      }
    }
  }
  if (placed === undefined) return errors.insufficientCapacity();
  const otherZones = region.network.zones.map((z) => z.ZoneName).filter((zone) => zone !== placed.zone);
  return errors.insufficientCapacity({ ...placed, otherZones });
}
