import { createHash } from "node:crypto";
import type { InstanceTypeInfo as InstanceTypeRecord } from "@aws-sdk/client-ec2";

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
const HOUR_MS = 3_600_000;

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
  const bytes = createHash("sha256").update(key).digest();
  return bytes.readUInt32BE(0) / 0x8000_0000 - 1;
}

/** Rounds a price as EC2 shows Spot prices (four decimals), at least $0.0001. */
export function roundPrice(price: number): number {
  return Math.max(0.0001, Math.round(price * 10_000) / 10_000);
}

/** The Spot prices of a region: the deterministic series, and prices set by hand over it. */
export class SpotPriceBook {
  /** Prices set by hand, by `type zone`, in time order. */
  private readonly set = new Map<string, SetPrice[]>();

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
    const base = 0.3 * onDemandReference(this.recordOf(instanceType));
    return roundPrice(base * (1 + 0.05 * spread(`${instanceType} ${zone}`) + 0.05 * spread(`${instanceType} ${zone} ${hour}`)));
  }

  /** Sets the price of `instanceType` in `zone` from `at` on (a test's market move). */
  setPrice(instanceType: string, zone: string, price: number, at: number): void {
    const key = `${instanceType} ${zone}`;
    const list = (this.set.get(key) ?? []).filter((p) => p.from < at);
    list.push({ from: at, price: roundPrice(price) });
    this.set.set(key, list);
  }

  /** Forgets the prices set by hand. */
  clear(): void {
    this.set.clear();
  }
}
