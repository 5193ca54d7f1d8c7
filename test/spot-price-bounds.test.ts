/**
 * DescribeSpotPriceHistory's worst case is bounded (issue 18): a 90-day
 * window over every instance type and zone with a filter that matches
 * nothing must not compute the ~10 million hourly prices of the whole
 * space. The filters are compiled before any price is computed: a product
 * whose prices no literal `spot-price` can be is skipped whole, literal
 * `timestamp`s name the only moments looked at. The work is counted (hourly
 * prices computed, `spotSeriesWork`), never timed; and the narrowed answers
 * are checked against the plain ones.
 */
import { DescribeSpotPriceHistoryCommand, type DescribeSpotPriceHistoryCommandInput, type SpotPrice } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { spotSeriesWork } from "../src/aws/ec2/model/spot-prices.js";
import { doorOpener } from "./doors.js";
import { useFrozenClock } from "./helpers.js";

const NOW = Date.parse("2026-12-03T08:30:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Far below the whole space (about 2,160 hours × every type and zone: millions), far above what a bounded query computes. */
const BOUND = 20_000;

const row = (p: SpotPrice) => [p.InstanceType, p.AvailabilityZone, p.ProductDescription, p.SpotPrice, p.Timestamp?.toISOString()];

describe.each(["plugin", "server"])("DescribeSpotPriceHistory's bounded worst case through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  async function counted(send: () => Promise<SpotPrice[]>): Promise<{ prices: SpotPrice[]; work: number }> {
    const before = spotSeriesWork.hours;
    const prices = await send();
    return { prices, work: spotSeriesWork.hours - before };
  }

  async function all(
    client: { send(c: DescribeSpotPriceHistoryCommand): Promise<{ SpotPriceHistory?: SpotPrice[]; NextToken?: string }> },
    input: DescribeSpotPriceHistoryCommandInput,
  ) {
    const out: SpotPrice[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new DescribeSpotPriceHistoryCommand({ ...input, ...(NextToken ? { NextToken } : {}) }));
      out.push(...(page.SpotPriceHistory ?? []));
      NextToken = page.NextToken || undefined;
    } while (NextToken !== undefined);
    return out;
  }

  it("a spot-price that no series can show: 90 days, every type, nothing computed hour by hour", async () => {
    const { client } = await openDoor(door);
    const window = { StartTime: new Date(NOW - 90 * DAY), EndTime: new Date(NOW) };
    for (const value of ["99.000000", "0.05", "0.000000"]) {
      const { prices, work } = await counted(() => all(client, { ...window, Filters: [{ Name: "spot-price", Values: [value] }] }));
      expect([value, prices]).toEqual([value, []]);
      expect(work).toBeLessThan(BOUND);
    }
  });

  it("a timestamp that names no change: 90 days, every type, bounded", async () => {
    const { client } = await openDoor(door);
    const window = { StartTime: new Date(NOW - 90 * DAY), EndTime: new Date(NOW) };
    for (const value of ["2026-11-01T00:30:00Z", "not a time", "Mon Nov 01 00:00:00 UTC 2026" /* a Sunday */]) {
      const { prices, work } = await counted(() => all(client, { ...window, Filters: [{ Name: "timestamp", Values: [value] }] }));
      expect([value, prices]).toEqual([value, []]);
      expect(work).toBeLessThan(BOUND);
    }
  });

  it("narrowed answers are the plain answers filtered: timestamp and spot-price literals", async () => {
    const { client } = await openDoor(door);
    const start = Math.floor(NOW / HOUR) * HOUR - 3 * HOUR;
    const base = {
      StartTime: new Date(start),
      EndTime: new Date(NOW),
      InstanceTypes: ["m5.large" as const],
      AvailabilityZone: "us-east-1a",
    };
    const plain = await all(client, base);
    expect(plain.length).toBeGreaterThan(8);
    const t1 = new Date(start + HOUR);
    const long = "Thu Dec 03 06:00:00 UTC 2026";
    expect(new Date(start + HOUR * 1).toISOString()).toBe("2026-12-03T06:00:00.000Z");
    const byTime = await all(client, {
      ...base,
      Filters: [{ Name: "timestamp", Values: [long, new Date(start).toISOString().replace(".000", "")] }],
    });
    const wanted = plain.filter((p) => p.Timestamp!.getTime() === t1.getTime() || p.Timestamp!.getTime() === start);
    expect(byTime.map(row)).toEqual(wanted.map(row));
    expect(wanted.length).toBeGreaterThan(0);
    const price = plain.find((p) => p.ProductDescription === "Linux/UNIX")!.SpotPrice!;
    const byPrice = await all(client, { ...base, Filters: [{ Name: "spot-price", Values: [price] }] });
    expect(byPrice.map(row)).toEqual(plain.filter((p) => p.SpotPrice === price).map(row));
    // Over every type and 90 days, the same price is found, and the query skips the series that cannot show it.
    const { prices: wide, work } = await counted(() =>
      all(client, {
        StartTime: new Date(NOW - 90 * DAY),
        EndTime: new Date(NOW),
        Filters: [
          { Name: "spot-price", Values: [price] },
          { Name: "instance-type", Values: ["m5.*"] },
        ],
      }),
    );
    expect(wide.every((p) => p.SpotPrice === price)).toBe(true);
    expect(wide.map(row)).toEqual(expect.arrayContaining(byPrice.map(row)));
    // The counter counts: the series that can show the price were walked hour by hour.
    expect(work).toBeGreaterThan(90 * 24);
    expect(work).toBeLessThan(90 * 24 * 6 * 20);
  });
});
