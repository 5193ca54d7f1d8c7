import * as cryptoModule from "node:crypto";
import { createHash } from "node:crypto";
import type { InstanceTypeInfo as InstanceTypeRecord } from "@aws-sdk/client-ec2";
import { array, number, object, string, time } from "../../../engine/record.js";

/**
 * Spot prices of one region: what a Spot Instance of a type costs per hour
 * in a zone at a moment, in USD. EC2 sets Spot prices "gradually, based on
 * long-term trends in supply and demand" (EC2 user guide, "Spot Instance
 * pricing history"); the mock has no market, so its series is
 * deterministic: the same type, zone and hour always give the same price.
 *
 * Decision (no AWS figure applies to a mock): a type's On-Demand
 * reference is $0.025 per vCPU-hour plus $0.0058 per GiB-hour of memory
 * (close to m5.large's $0.096 in us-east-1); its Spot price is 30 % of that,
 * moved by up to ±10 % per zone and per hour of the clock, at least
 * $0.0001, rounded to the four decimals EC2 shows. Prices set by hand
 * (tests) replace the series from their time on.
 */

/** One hour, in ms: the series moves at most once an hour. */
export const HOUR_MS = 3_600_000;

/**
 * How far back EC2 keeps Spot price history: 90 days (API reference,
 * DescribeSpotPriceHistory, `StartTime`: "up to the past 90 days").
 */
export const HISTORY_MS = 90 * 24 * HOUR_MS;

/**
 * The product descriptions EC2 prices Spot capacity for (API reference,
 * DescribeSpotPriceHistory, the `product-description` filter), in the order
 * the mock lists them, with the factor of each over the Linux/UNIX price.
 * Decision (AWS publishes no ratio): a licensed OS costs more, as its
 * On-Demand price does: Red Hat ×1.6, SUSE ×1.3, Windows ×1.8; the
 * "(Amazon VPC)" form of each costs what the plain form does (EC2-Classic is
 * gone: both name the same capacity).
 */
export const PRODUCT_DESCRIPTIONS: ReadonlyMap<string, number> = new Map([
  ["Linux/UNIX", 1],
  ["Linux/UNIX (Amazon VPC)", 1],
  ["Red Hat Enterprise Linux", 1.6],
  ["Red Hat Enterprise Linux (Amazon VPC)", 1.6],
  ["SUSE Linux", 1.3],
  ["SUSE Linux (Amazon VPC)", 1.3],
  ["Windows", 1.8],
  ["Windows (Amazon VPC)", 1.8],
]);

/** A price set by hand, as the state file keeps it. */
export interface ManualPrice {
  /** The instance type. */
  readonly instanceType: string;
  /** The Availability Zone. */
  readonly zone: string;
  /** From when (ms since the epoch). */
  readonly from: number;
  /** USD per hour (Linux/UNIX), rounded as EC2 shows it. */
  readonly price: number;
}

/** The prices set by hand, as JSON in a state file. */
export const manualPricesCodec = array(object({ instanceType: string, zone: string, from: time, price: number }));

/** A price set by hand from a moment on. */
interface SetPrice {
  readonly from: number;
  readonly price: number;
}

/** The On-Demand reference price of a type record, USD per hour (see the module's decision). */
export function onDemandReference(record: InstanceTypeRecord | undefined): number {
  const vcpus = record?.VCpuInfo?.DefaultVCpus ?? 1;
  const memoryGiB = (record?.MemoryInfo?.SizeInMiB ?? 1024) / 1024;
  return 0.025 * vcpus + 0.0058 * memoryGiB;
}

/** A stable number in [-1, 1) from a key: the same key, the same spread, on every machine. */
function spread(key: string): number {
  // The first 8 hex digits of the SHA-256 are its first 4 bytes, read big-endian.
  return Number.parseInt(sha256Hex(key).slice(0, 8), 16) / 0x8000_0000 - 1;
}

/** SHA-256 in hex: Node's one-shot `crypto.hash` where it has it (a few times faster), else a Hash object. */
const sha256Hex: (key: string) => string =
  typeof (cryptoModule as { hash?: unknown }).hash === "function"
    ? (key) => (cryptoModule as unknown as { hash(algorithm: string, data: string): string }).hash("sha256", key)
    : (key) => createHash("sha256").update(key).digest("hex");

/** Rounds a price as EC2 shows Spot prices (four decimals), at least $0.0001. */
export function roundPrice(price: number): number {
  return Math.max(0.0001, Math.round(price * 10_000) / 10_000);
}

/**
 * How many hourly prices of the series have been computed (each one a
 * SHA-256), in every book: the work DescribeSpotPriceHistory does, which its
 * tests and bench count (never time).
 */
export const spotSeriesWork = { hours: 0 };

/** The Spot prices of a region: the deterministic series, and prices set by hand over it. */
export class SpotPriceBook {
  /** Prices set by hand, by `type zone`, in time order. */
  private readonly set = new Map<string, SetPrice[]>();
  /** The hour-independent part of each `type zone`'s series (its base price and zone spread), computed once. */
  private readonly bases = new Map<string, { readonly base: number; readonly zoneTerm: number }>();
  /** The last hourly price computed of each `type zone` (a history walks hour by hour, asking each hour twice). */
  private readonly lastHour = new Map<string, { readonly hour: number; readonly price: number }>();

  /** @param recordOf - a type's DescribeInstanceTypes record (the region's catalogue), for its size. */
  constructor(private readonly recordOf: (instanceType: string) => InstanceTypeRecord | undefined) {}

  /** The Spot price of `instanceType` in `zone` at `at` (ms since the epoch), USD per hour. */
  priceAt(instanceType: string, zone: string, at: number): number {
    const manual = this.set.get(`${instanceType} ${zone}`);
    if (manual !== undefined) {
      for (let i = manual.length - 1; i >= 0; i--) if (manual[i]!.from <= at) return manual[i]!.price;
    }
    return this.seriesAt(instanceType, zone, at);
  }

  /** The deterministic series alone (what the hour would cost without prices set by hand). */
  seriesAt(instanceType: string, zone: string, at: number): number {
    const hour = Math.floor(at / HOUR_MS);
    const key = `${instanceType} ${zone}`;
    const cached = this.lastHour.get(key);
    if (cached !== undefined && cached.hour === hour) return cached.price;
    const fixed = this.fixedOf(instanceType, key);
    spotSeriesWork.hours++;
    // The same sum, in the same order, as ever: the series does not change.
    const price = roundPrice(fixed.base * (1 + fixed.zoneTerm + 0.05 * spread(`${key} ${hour}`)));
    this.lastHour.set(key, { hour, price });
    return price;
  }

  /** The hour-independent part of a series. */
  private fixedOf(instanceType: string, key: string): { readonly base: number; readonly zoneTerm: number } {
    let fixed = this.bases.get(key);
    if (fixed === undefined) {
      fixed = { base: 0.3 * onDemandReference(this.recordOf(instanceType)), zoneTerm: 0.05 * spread(key) };
      this.bases.set(key, fixed);
    }
    return fixed;
  }

  /**
   * The lowest and highest Linux/UNIX price the series of `instanceType` in
   * `zone` can take at any hour (the hourly move is at most ±5 % around its
   * zone's level), widened by every price set by hand: a bound that lets a
   * query skip a series no `spot-price` it asks for can match, without
   * computing a single hour.
   */
  priceRange(instanceType: string, zone: string): { readonly min: number; readonly max: number } {
    const key = `${instanceType} ${zone}`;
    const fixed = this.fixedOf(instanceType, key);
    let min = roundPrice(fixed.base * (1 + fixed.zoneTerm - 0.05));
    let max = roundPrice(fixed.base * (1 + fixed.zoneTerm + 0.05));
    for (const p of this.set.get(key) ?? []) {
      min = Math.min(min, p.price);
      max = Math.max(max, p.price);
    }
    return { min, max };
  }

  /** Sets the price of `instanceType` in `zone` from `at` on (a test's market move). */
  setPrice(instanceType: string, zone: string, price: number, at: number): void {
    const key = `${instanceType} ${zone}`;
    const list = (this.set.get(key) ?? []).filter((p) => p.from < at);
    list.push({ from: at, price: roundPrice(price) });
    this.set.set(key, list);
  }

  /** The price of a product description (see {@link PRODUCT_DESCRIPTIONS}; Linux/UNIX for an unknown one). */
  productPriceAt(instanceType: string, zone: string, product: string, at: number): number {
    return roundPrice(this.priceAt(instanceType, zone, at) * (PRODUCT_DESCRIPTIONS.get(product) ?? 1));
  }

  /**
   * Whether the price of `instanceType` in `zone` changes at `at`: an hour of
   * the series whose price differs from the hour before, or a price set by
   * hand from that moment (a price set again to the same value included).
   */
  changesAt(instanceType: string, zone: string, at: number): boolean {
    const manual = this.set.get(`${instanceType} ${zone}`);
    if (manual?.some((p) => p.from === at)) return true;
    if (manual !== undefined && manual.length > 0 && manual[0]!.from < at) return false;
    if (at % HOUR_MS !== 0) return false;
    return this.priceAt(instanceType, zone, at) !== this.priceAt(instanceType, zone, at - 1);
  }

  /** The moments of prices set by hand for `instanceType` in `zone`, from `after` (excluded) to `upTo` (included). */
  manualMoments(instanceType: string, zone: string, after: number, upTo: number): number[] {
    return (this.set.get(`${instanceType} ${zone}`) ?? []).map((p) => p.from).filter((t) => t > after && t <= upTo);
  }

  /**
   * The moment of the last change at or before `at`, looking back no further
   * than `notBefore` (the start of the kept history): `notBefore` itself
   * when the price has not changed since.
   */
  lastChange(instanceType: string, zone: string, at: number, notBefore: number): number {
    const manual = this.set.get(`${instanceType} ${zone}`) ?? [];
    for (let i = manual.length - 1; i >= 0; i--) if (manual[i]!.from <= at) return Math.max(manual[i]!.from, notBefore);
    for (let hour = Math.floor(at / HOUR_MS) * HOUR_MS; hour > notBefore; hour -= HOUR_MS) {
      if (this.changesAt(instanceType, zone, hour)) return hour;
    }
    return notBefore;
  }

  /** Every price set by hand, by type and zone then time (for the state file). */
  manualPrices(): ManualPrice[] {
    return [...this.set].flatMap(([key, list]) => {
      const [instanceType, zone] = key.split(" ") as [string, string];
      return list.map((p) => ({ instanceType, zone, from: p.from, price: p.price }));
    });
  }

  /** Replaces the prices set by hand (a state file's). */
  replaceManual(prices: readonly ManualPrice[]): void {
    this.set.clear();
    for (const p of [...prices].sort((a, b) => a.from - b.from)) this.setPrice(p.instanceType, p.zone, p.price, p.from);
  }

  /** Forgets the prices set by hand. */
  clear(): void {
    this.set.clear();
  }
}
