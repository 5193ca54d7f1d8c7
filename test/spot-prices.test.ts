import { describe, expect, it } from "vitest";
import { instanceTypeInfo } from "../src/aws/ec2/model/instance-type-catalogue.js";
import { onDemandReference, roundPrice, SpotPriceBook } from "../src/aws/ec2/model/spot-prices.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

describe("the Spot price series of a region", () => {
  const book = () => new SpotPriceBook(instanceTypeInfo);

  it("is deterministic: the same type, zone and hour give the same price, from one book to another", () => {
    const a = book();
    const b = book();
    for (const zone of ["us-east-1a", "us-east-1b"])
      for (let h = 0; h < 48; h++) expect(a.priceAt("m5.large", zone, T0 + h * HOUR)).toBe(b.priceAt("m5.large", zone, T0 + h * HOUR));
    // Within an hour the price does not move.
    expect(a.priceAt("m5.large", "us-east-1a", T0 + 1)).toBe(a.priceAt("m5.large", "us-east-1a", T0 + HOUR - 1));
  });

  it("stays within ±10 % of 30 % of the On-Demand reference, with four decimals, and grows with the type's size", () => {
    const prices = book();
    const reference = onDemandReference(instanceTypeInfo("m5.large"));
    expect(reference).toBeCloseTo(0.0964, 4);
    const seen = new Set<number>();
    for (let h = 0; h < 200; h++) {
      const p = prices.priceAt("m5.large", "us-east-1c", T0 + h * HOUR);
      expect(p).toBeGreaterThanOrEqual(0.3 * reference * 0.9 - 0.0001);
      expect(p).toBeLessThanOrEqual(0.3 * reference * 1.1 + 0.0001);
      expect(Math.round(p * 10_000) / 10_000).toBe(p);
      seen.add(p);
    }
    // A series, not a constant.
    expect(seen.size).toBeGreaterThan(5);
    expect(prices.priceAt("m5.4xlarge", "us-east-1c", T0)).toBeGreaterThan(prices.priceAt("m5.large", "us-east-1c", T0));
  });

  it("takes prices set by hand from their time on, leaves earlier hours and other zones alone, and forgets them on clear()", () => {
    const prices = book();
    const before = prices.priceAt("c5.large", "us-east-1a", T0);
    prices.setPrice("c5.large", "us-east-1a", 0.5, T0 + HOUR);
    prices.setPrice("c5.large", "us-east-1a", 0.123456, T0 + 3 * HOUR);
    expect(prices.priceAt("c5.large", "us-east-1a", T0)).toBe(before);
    expect(prices.priceAt("c5.large", "us-east-1a", T0 + HOUR)).toBe(0.5);
    expect(prices.priceAt("c5.large", "us-east-1a", T0 + 2 * HOUR)).toBe(0.5);
    expect(prices.priceAt("c5.large", "us-east-1a", T0 + 3 * HOUR)).toBe(0.1235);
    expect(prices.priceAt("c5.large", "us-east-1b", T0 + HOUR)).toBe(prices.seriesAt("c5.large", "us-east-1b", T0 + HOUR));
    // A price set again earlier replaces the later ones.
    prices.setPrice("c5.large", "us-east-1a", 0.2, T0 + 2 * HOUR);
    expect(prices.priceAt("c5.large", "us-east-1a", T0 + 5 * HOUR)).toBe(0.2);
    prices.clear();
    expect(prices.priceAt("c5.large", "us-east-1a", T0 + HOUR)).toBe(prices.seriesAt("c5.large", "us-east-1a", T0 + HOUR));
  });

  it("rounds to four decimals and never below $0.0001", () => {
    expect([roundPrice(0.123456), roundPrice(0), roundPrice(0.00004)]).toEqual([0.1235, 0.0001, 0.0001]);
  });
});
