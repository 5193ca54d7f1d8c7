import { type InterruptionBehavior, type SpotRequest, spotStatus } from "../model/spot-requests.js";
import { instanceTypesOf } from "../model/type-catalogue.js";
import type { Ec2Region } from "../region.js";
import type { Ec2World } from "../world.js";

/**
 * The market's controls, as tests drive them: Spot prices (`ec2.spot`) and
 * capacity pools (`ec2.capacity`), per Region and zone. Changes are state:
 * saved in a state file, forgotten by `reset()`. Bad values throw a
 * TypeError, changing nothing.
 */

/**
 * A capacity pool, as a control names it: one instance type in one zone.
 * @public
 */
export interface CapacityPoolOptions {
  /** The instance type, e.g. `m5.large` (one the Region offers in that zone). */
  instanceType: string;
  /** The Availability Zone, e.g. `us-east-1a`. */
  availabilityZone: string;
  /** Its Region; default: the mock's default Region. */
  region?: string;
}

/**
 * A Spot price to set: a pool and its price.
 * @public
 */
export interface SpotPriceOptions extends CapacityPoolOptions {
  /**
   * USD per hour for Linux/UNIX (a positive, finite number; rounded to four
   * decimals, as the series is); the other product descriptions follow by
   * their factor (docs/behaviour.md, "Spot price history").
   */
  price: number;
}

/**
 * `ec2.spot`: the Spot market.
 * @public
 */
export interface Ec2MockSpot {
  /**
   * Sets the Spot price of a type in a zone from now (mock time) on: the
   * price moves at this moment (DescribeSpotPriceHistory shows the change
   * with this timestamp) and stays until set again; the hourly series no
   * longer moves it. A price above an active request's maximum interrupts
   * its instance (reason: price): the interruption warning at once, the
   * request `marked-for-termination` or `marked-for-stop`, then two minutes
   * later (at once for hibernate) `instance-terminated-by-price` or
   * `instance-stopped-by-price`; a price back at or below the maximum lets
   * EC2 restart a stopped one and fulfil open requests, at the next call
   * (docs/behaviour.md, "Spot requests against capacity and price").
   */
  setPrice(options: SpotPriceOptions): void;
  /**
   * Interrupts a running Spot Instance as EC2 does (docs/behaviour.md, "Spot
   * interruptions"): optionally an "EC2 Instance Rebalance Recommendation"
   * event, then at once the "EC2 Spot Instance Interruption Warning" (on
   * `ec2.on("spot", ...)`; or `warningDelayMs` later) and the request's status (`instance-terminated-no-capacity`,
   * or `marked-for-stop` for stop and hibernate), then two minutes later on
   * the mock's clock (`advance`, fake timers; at once for hibernate, as EC2
   * gives no two-minute warning then) the interruption itself:
   * terminated (`Server.SpotInstanceTermination`) or stopped/hibernated
   * (`Server.SpotInstanceShutdown`, request `disabled`,
   * `instance-stopped-no-capacity`). The instance's Region is found from its
   * id. An instance stopped or hibernated this way is restarted by EC2 once
   * capacity is back: `timing.spotCapacityReturn` (10 minutes) after the
   * interruption, or, when its pool was withdrawn, at the first call after
   * `ec2.capacity.restore`. Throws a TypeError, changing nothing, for an
   * instance that is not a running Spot Instance or is already being interrupted.
   */
  interrupt(instanceId: string, options?: SpotInterruptOptions): void;
}

/**
 * Options of `ec2.spot.interrupt`.
 * @public
 */
export interface SpotInterruptOptions {
  /** Send an "EC2 Instance Rebalance Recommendation" before the interruption warning (default false). */
  rebalance?: boolean;
  /**
   * How long after the call (after the rebalance recommendation, when
   * `rebalance` is true) EC2 gives the interruption warning, in ms of mock
   * time: a finite number from 0 to 6 hours. Default 0: the warning comes
   * with the recommendation, the case AWS warns of ("the rebalance
   * recommendation signal can arrive along with the two-minute interruption
   * notice", user guide, "EC2 instance rebalance recommendations"), so a
   * drain tested under the default holds in the worst case; give a delay to
   * test acting on the recommendation alone. The interruption itself comes
   * two minutes after the warning (at once for hibernate).
   */
  warningDelayMs?: number;
}

/** The longest `warningDelayMs` (decision: six hours; AWS documents no bound on how early a recommendation comes). */
export const MAX_WARNING_DELAY_MS = 6 * 3_600_000;

/** The two-minute warning: EC2 interrupts the instance this long after the notice. */
export const SPOT_NOTICE_MS = 120_000;

/** Publishes a Spot event: a rebalance recommendation, or the interruption warning when `action` is given. */
export type SpotEventSink = (instanceId: string, region: string, at: number, action?: "terminate" | "stop" | "hibernate") => void;

/**
 * `ec2.capacity`: EC2's capacity pools.
 * @public
 */
export interface Ec2MockCapacity {
  /**
   * Takes a pool's capacity away: launches of the type in the zone fail with
   * `InsufficientInstanceCapacity` (a launch naming no zone goes to another
   * zone with capacity), and so do starts of its stopped instances there.
   * Open Spot requests that can use no other zone wait, `open` with
   * `capacity-not-available`. Running instances are left alone.
   */
  withdraw(pool: CapacityPoolOptions): void;
  /**
   * Gives a withdrawn pool its capacity back (a pool never withdrawn is left
   * as it is): at the next call, open Spot requests waiting on it are
   * fulfilled and Spot Instances interrupted (stop, hibernate) in it restarted.
   */
  restore(pool: CapacityPoolOptions): void;
}

/** The market's controls over a world. */
export interface MarketControls {
  readonly spot: Ec2MockSpot;
  readonly capacity: Ec2MockCapacity;
}

function bad(what: string, message: string): TypeError {
  return new TypeError(`ec2-mock: ${what}: ${message}`);
}

/** The Region, zone and type a control names, checked: a TypeError for anything the Region does not have. */
function poolOf(world: Ec2World, what: string, options: CapacityPoolOptions): { region: Ec2Region; instanceType: string; zone: string } {
  if (typeof options !== "object" || options === null) throw bad(what, "expected { instanceType, availabilityZone, region? }");
  const { instanceType, availabilityZone, region: name } = options;
  if (name !== undefined && typeof name !== "string") throw bad(what, `region must be a string; got ${JSON.stringify(name)}`);
  const region = world.entry(name ?? world.defaultRegion)?.region;
  if (region === undefined) throw bad(what, `no region ${JSON.stringify(name)} (an AWS commercial Region)`);
  if (typeof availabilityZone !== "string" || region.network.zoneNamed(availabilityZone) === undefined) {
    throw bad(
      what,
      `no zone ${JSON.stringify(availabilityZone)} in ${region.settings.region} (${region.network.zones.map((z) => z.ZoneName).join(", ")})`,
    );
  }
  const catalogue = instanceTypesOf(region.settings);
  if (typeof instanceType !== "string" || catalogue.record(instanceType) === undefined) {
    throw bad(what, `no instance type ${JSON.stringify(instanceType)}`);
  }
  if (!catalogue.offeredZones(region.settings.region, region.network.zones, instanceType).some((z) => z.ZoneName === availabilityZone)) {
    throw bad(what, `${instanceType} is not offered in ${availabilityZone}`);
  }
  return { region, instanceType, zone: availabilityZone };
}

/**
 * A price rise above active requests' maximum (`ec2.spot.setPrice`): EC2
 * interrupts their instances (reason: price; user guide, "Spot Instance
 * interruptions": "The Spot price is higher than your maximum price"), with
 * the same sequence as a capacity interruption: the interruption warning at
 * once, the request `marked-for-termination` (terminate) or
 * `marked-for-stop` (stop, hibernate) while its instance runs out its notice
 * (user guide, "State changes for a Spot request"), then the behaviour two
 * minutes later (at once for hibernate), which sets
 * `instance-terminated-by-price` or `instance-stopped-by-price`
 * (src/aws/ec2/operations/spot-requests.ts). Instances still booting are
 * interrupted too; those already being interrupted are left alone. Returns
 * whether an interruption is due now (hibernate), for the caller to catch up.
 */
function noticePriceInterruptions(region: Ec2Region, instanceType: string, zone: string, now: number, publish: SpotEventSink): boolean {
  let due = false;
  for (const request of region.spotRequests.list()) {
    // An active request's instance, or a cancelled request's still running one (cancelling leaves it a Spot Instance).
    if (request.state !== "active" && request.state !== "cancelled") continue;
    if (request.interruptAt !== undefined || request.instanceId === undefined) continue;
    if (request.instanceType !== instanceType || request.availabilityZone !== zone) continue;
    if (request.maxPrice >= region.spotPrices.priceAt(instanceType, zone, now)) continue;
    const instance = region.instances.get(request.instanceId);
    const phase = instance?.machine.phase;
    if (phase !== "running" && phase !== "launching" && phase !== "starting") continue;
    const action = request.interruptionBehavior;
    const code = action === "terminate" ? spotStatus.markedForTermination : spotStatus.markedForStop;
    region.spotRequests.setStatus(request, request.state, code.code, code.message(), now);
    request.interruptReason = "price";
    // What the instance's metadata shows (src/aws/ec2/observe/imds.ts): the notice, given at once.
    request.noticeFor = request.instanceId;
    request.interruptCalledAt = now;
    request.noticeAt = now;
    request.rebalanceAt = undefined;
    request.warningPending = undefined;
    request.interruptAt = interruptionTime(action, now);
    due ||= action === "hibernate";
    publish(request.instanceId, region.settings.region, now, action);
  }
  return due;
}
/** When EC2 interrupts an instance given notice at `noticeAt`: two minutes later, at once for hibernate. */
export function interruptionTime(action: InterruptionBehavior, noticeAt: number): number {
  return action === "hibernate" ? noticeAt : noticeAt + SPOT_NOTICE_MS;
}

/**
 * The interruption warning, at `at`: the request's status (terminate:
 * `instance-terminated-no-capacity`, the request closed, or open again when
 * persistent, the instance still running; stop and hibernate:
 * `marked-for-stop`) and the "EC2 Spot Instance Interruption Warning" event.
 */
function giveWarning(region: Ec2Region, request: SpotRequest, at: number, publish: SpotEventSink): void {
  const action = request.interruptionBehavior;
  if (action === "terminate") {
    const code = spotStatus.terminatedNoCapacity;
    const next = request.state === "cancelled" ? "cancelled" : request.type === "one-time" ? "closed" : "open";
    region.spotRequests.setStatus(request, next, code.code, code.message(), at);
  } else {
    const code = spotStatus.markedForStop;
    region.spotRequests.setStatus(request, request.state, code.code, code.message(), at);
  }
  publish(request.noticeFor!, region.settings.region, at, action);
}

/**
 * The warnings that fell due (`ec2.spot.interrupt` with a `warningDelayMs`),
 * at a catch-up of `region`, before the interruptions they announce: each
 * given at its own time. An instance that stopped running (or ran again from
 * a new start) since the call gets no warning, and its interruption is
 * called off, as EC2 has nothing left to interrupt.
 */
export function settleSpotWarnings(region: Ec2Region, now: number, publish: SpotEventSink): void {
  for (const request of region.spotRequests.list()) {
    if (request.warningPending !== true || request.noticeAt === undefined || request.noticeAt > now) continue;
    request.warningPending = undefined;
    const instance = request.noticeFor === undefined ? undefined : region.instances.get(request.noticeFor);
    const since = request.interruptCalledAt ?? request.noticeAt;
    if (instance === undefined || instance.machine.phase !== "running" || lastBoot(instance.machine.history) > since) {
      request.interruptAt = undefined;
      request.noticeAt = undefined;
      continue;
    }
    giveWarning(region, request, request.noticeAt, publish);
  }
}

/** When a machine last came up running (its launch or its last start), from its history. */
export function lastBoot(history: readonly { readonly to: string; readonly from: string; readonly at: number }[]): number {
  for (let i = history.length - 1; i >= 0; i--) {
    const change = history[i]!;
    if (change.to === "running" && change.from !== "running") return change.at;
  }
  return Number.NEGATIVE_INFINITY;
}

/** The controls of `world`'s market. */
export function marketControls(world: Ec2World, publish: SpotEventSink = () => {}): MarketControls {
  return {
    spot: {
      interrupt(instanceId, options = {}) {
        if (typeof options !== "object" || options === null) throw bad("spot.interrupt", "options must be { rebalance?, warningDelayMs? }");
        const { rebalance, warningDelayMs = 0 } = options;
        if (rebalance !== undefined && typeof rebalance !== "boolean") {
          throw bad("spot.interrupt", `rebalance must be a boolean; got ${JSON.stringify(rebalance)}`);
        }
        if (
          typeof warningDelayMs !== "number" ||
          !Number.isFinite(warningDelayMs) ||
          warningDelayMs < 0 ||
          warningDelayMs > MAX_WARNING_DELAY_MS
        ) {
          throw bad(
            "spot.interrupt",
            `warningDelayMs must be a number of ms from 0 to ${MAX_WARNING_DELAY_MS}; got ${String(warningDelayMs)}`,
          );
        }
        const now = world.catchUp();
        const region =
          typeof instanceId === "string" ? world.existing().find((e) => e.region.instances.has(instanceId))?.region : undefined;
        if (region === undefined) throw bad("spot.interrupt", `no instance ${JSON.stringify(instanceId)}`);
        const instance = region.instances.get(instanceId)!;
        const request = region.spotRequests.ofInstance(instanceId);
        if (request === undefined) throw bad("spot.interrupt", `${instanceId} is not a Spot Instance`);
        const state = region.stateOf(instance).Name;
        if (instance.machine.phase !== "running") throw bad("spot.interrupt", `${instanceId} is ${String(state)}, not running`);
        if (request.interruptAt !== undefined) throw bad("spot.interrupt", `${instanceId} is already being interrupted`);
        const name = region.settings.region;
        request.interruptReason = "capacity";
        if (rebalance === true) publish(instanceId, name, now);
        const noticeAt = now + warningDelayMs;
        request.noticeFor = instanceId;
        request.interruptCalledAt = now;
        request.rebalanceAt = rebalance === true ? now : undefined;
        request.noticeAt = noticeAt;
        // Hibernation "begins immediately" (no two-minute warning); stop and terminate come two minutes after the notice.
        request.interruptAt = interruptionTime(request.interruptionBehavior, noticeAt);
        if (warningDelayMs > 0) {
          request.warningPending = true;
          return;
        }
        request.warningPending = undefined;
        giveWarning(region, request, now, publish);
        if (request.interruptionBehavior === "hibernate") world.catchUp();
      },
      setPrice(options) {
        const { region, instanceType, zone } = poolOf(world, "spot.setPrice", options);
        const price = options.price;
        if (typeof price !== "number" || !Number.isFinite(price) || price <= 0) {
          throw bad("spot.setPrice", `price must be a positive, finite number of USD per hour; got ${String(price)}`);
        }
        const now = world.catchUp();
        region.spotPrices.setPrice(instanceType, zone, price, now);
        if (noticePriceInterruptions(region, instanceType, zone, now, publish)) world.catchUp();
      },
    },
    capacity: {
      withdraw(pool) {
        const { region, instanceType, zone } = poolOf(world, "capacity.withdraw", pool);
        world.catchUp();
        region.capacity.withdraw(instanceType, zone);
      },
      restore(pool) {
        const { region, instanceType, zone } = poolOf(world, "capacity.restore", pool);
        world.catchUp();
        region.capacity.restore(instanceType, zone);
      },
    },
  };
}

/**
 * The market's control routes on the server (`POST /_mock/spot/price`,
 * `POST /_mock/spot/interrupt?instanceId=i-...&rebalance=true&warningDelayMs=60000`,
 * `POST /_mock/capacity/withdraw`, `POST /_mock/capacity/restore`), each
 * taking the control's options as query parameters (`?instanceType=m5.large&availabilityZone=us-east-1a&price=0.05&region=us-east-1`).
 */
export function marketRoutes(market: MarketControls): Record<string, (query: URLSearchParams) => unknown> {
  const pool = (query: URLSearchParams): CapacityPoolOptions => {
    const region = query.get("region");
    // A missing parameter is undefined, as a missing member of the in-process control is.
    return {
      instanceType: query.get("instanceType") ?? (undefined as unknown as string),
      availabilityZone: query.get("availabilityZone") ?? (undefined as unknown as string),
      ...(region !== null && { region }),
    };
  };
  return {
    "spot/price": (query) => {
      const raw = query.get("price");
      const price = raw === null || raw.trim() === "" ? Number.NaN : Number(raw);
      const options = { ...pool(query), price };
      market.spot.setPrice(options);
      return { price: options };
    },
    "capacity/withdraw": (query) => {
      const options = pool(query);
      market.capacity.withdraw(options);
      return { withdrawn: options };
    },
    "capacity/restore": (query) => {
      const options = pool(query);
      market.capacity.restore(options);
      return { restored: options };
    },
    "spot/interrupt": (query) => {
      const instanceId = query.get("instanceId") ?? (undefined as unknown as string);
      const raw = query.get("rebalance");
      const rebalance = raw === null ? undefined : raw === "true" ? true : raw === "false" ? false : (raw as unknown as boolean);
      const delay = query.get("warningDelayMs");
      const warningDelayMs = delay === null ? undefined : delay.trim() === "" ? Number.NaN : Number(delay);
      const options = {
        ...(rebalance !== undefined && { rebalance }),
        ...(warningDelayMs !== undefined && { warningDelayMs }),
      };
      market.spot.interrupt(instanceId, options);
      return { interrupted: { instanceId, ...options } };
    },
  };
}
