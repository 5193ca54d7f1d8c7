/**
 * DescribeSpotPriceHistory (issue 18) through a real EC2Client and every
 * door: the price in effect, windows of changes newest first, product
 * descriptions, the zones that offer a type, filters with wildcards,
 * pagination, the 90 days kept, and EC2's refusals. Prices set with
 * `ec2.spot.setPrice` make the expected history exact.
 */
import { DescribeSpotPriceHistoryCommand, type DescribeSpotPriceHistoryCommandInput, type EC2Client } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { instanceTypeInfo } from "../src/aws/ec2/model/instance-type-catalogue.js";
import { SpotPriceBook } from "../src/aws/ec2/model/spot-prices.js";
import type { Ec2Mock } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, sdkHasMember, useFrozenClock } from "./helpers.js";

const NOW = Date.parse("2026-03-01T12:30:00.000Z");
const HOUR = 3_600_000;
const MINUTE = 60_000;
useFrozenClock({ now: NOW });

const open = doorOpener();
const DOORS = ["plugin", "httpHandler", "server"] as const;

/** The history as plain rows: zone, type, product, price, ISO time. */
async function history(client: EC2Client, input: DescribeSpotPriceHistoryCommandInput) {
  const out = await client.send(new DescribeSpotPriceHistoryCommand(input));
  return {
    rows: (out.SpotPriceHistory ?? []).map((p) => [
      p.AvailabilityZone,
      p.InstanceType,
      p.ProductDescription,
      p.SpotPrice,
      p.Timestamp?.toISOString(),
    ]),
    next: out.NextToken,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const invalid = (message: string) => ({ name: "InvalidParameterValue", message, status: 400 });

/** Sets m5.large's price in us-east-1a to 0.05, then 0.06 half an hour later, then 0.07 (clock: NOW+60 min). */
function threeMoves(ec2: Ec2Mock): void {
  ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: 0.05 });
  ec2.advance(30 * MINUTE);
  ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: 0.06 });
  ec2.advance(30 * MINUTE);
  ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: 0.07 });
}

for (const door of DOORS) {
  describe(`DescribeSpotPriceHistory (${door})`, () => {
    it("without times: the price in effect now, one entry per zone that offers the type, as the series sets it", async () => {
      const { client } = await open(door);
      const book = new SpotPriceBook(instanceTypeInfo);
      const { rows, next } = await history(client, { InstanceTypes: ["m5.large"], ProductDescriptions: ["Linux/UNIX"] });
      const zones = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"];
      expect(rows).toEqual(
        zones.map((zone) => [
          zone,
          "m5.large",
          "Linux/UNIX",
          book.priceAt("m5.large", zone, NOW).toFixed(6),
          iso(book.lastChange("m5.large", zone, NOW, NOW - 90 * 24 * HOUR)),
        ]),
      );
      for (const row of rows) expect(row[3]).toMatch(/^0\.\d{4}00$/);
      expect(next).toBe("");
    });

    it("a window: the changes in it newest first, then the price as of StartTime; each product description at its factor", async () => {
      const { ec2, client } = await open(door);
      const before = new SpotPriceBook(instanceTypeInfo).priceAt("m5.large", "us-east-1a", NOW - 1);
      threeMoves(ec2);
      const { rows } = await history(client, {
        InstanceTypes: ["m5.large"],
        AvailabilityZone: "us-east-1a",
        ProductDescriptions: ["Linux/UNIX", "Windows"],
        StartTime: new Date(NOW - 1),
      });
      const lastHour = new SpotPriceBook(instanceTypeInfo).lastChange("m5.large", "us-east-1a", NOW - 1, NOW - 90 * 24 * HOUR);
      expect(rows).toEqual([
        ["us-east-1a", "m5.large", "Linux/UNIX", "0.070000", iso(NOW + 60 * MINUTE)],
        ["us-east-1a", "m5.large", "Windows", "0.126000", iso(NOW + 60 * MINUTE)],
        ["us-east-1a", "m5.large", "Linux/UNIX", "0.060000", iso(NOW + 30 * MINUTE)],
        ["us-east-1a", "m5.large", "Windows", "0.108000", iso(NOW + 30 * MINUTE)],
        ["us-east-1a", "m5.large", "Linux/UNIX", "0.050000", iso(NOW)],
        ["us-east-1a", "m5.large", "Windows", "0.090000", iso(NOW)],
        ["us-east-1a", "m5.large", "Linux/UNIX", before.toFixed(6), iso(lastHour)],
        ["us-east-1a", "m5.large", "Windows", (Math.round(before * 1.8 * 10_000) / 10_000).toFixed(6), iso(lastHour)],
      ]);
      // EndTime bounds the window; StartTime inside a price gives that price, dated when it was set.
      expect(
        (
          await history(client, {
            InstanceTypes: ["m5.large"],
            AvailabilityZone: "us-east-1a",
            ProductDescriptions: ["Linux/UNIX"],
            StartTime: new Date(NOW + 10 * MINUTE),
            EndTime: new Date(NOW + 45 * MINUTE),
          })
        ).rows,
      ).toEqual([
        ["us-east-1a", "m5.large", "Linux/UNIX", "0.060000", iso(NOW + 30 * MINUTE)],
        ["us-east-1a", "m5.large", "Linux/UNIX", "0.050000", iso(NOW)],
      ]);
      // The time moves on: the price set last is still the one in effect, and EndTime never reaches past now.
      ec2.advance(5 * HOUR);
      expect(
        (
          await history(client, {
            InstanceTypes: ["m5.large"],
            AvailabilityZone: "us-east-1a",
            ProductDescriptions: ["Linux/UNIX (Amazon VPC)"],
            EndTime: new Date(NOW + 100 * HOUR),
          })
        ).rows,
      ).toEqual([["us-east-1a", "m5.large", "Linux/UNIX (Amazon VPC)", "0.070000", iso(NOW + 60 * MINUTE)]]);
    });

    it("every product description by default, in EC2's order, and several types and zones newest first then by type and zone", async () => {
      const { ec2, client } = await open(door);
      ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1b", price: 0.1 });
      ec2.spot.setPrice({ instanceType: "c5.large", availabilityZone: "us-east-1a", price: 0.1 });
      ec2.advance(MINUTE);
      ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: 0.2 });
      const { rows } = await history(client, {
        InstanceTypes: ["m5.large", "c5.large"],
        StartTime: new Date(NOW),
        Filters: [{ Name: "availability-zone", Values: ["us-east-1a", "us-east-1b"] }],
      });
      const products = [
        ["Linux/UNIX", "0.200000"],
        ["Linux/UNIX (Amazon VPC)", "0.200000"],
        ["Red Hat Enterprise Linux", "0.320000"],
        ["Red Hat Enterprise Linux (Amazon VPC)", "0.320000"],
        ["SUSE Linux", "0.260000"],
        ["SUSE Linux (Amazon VPC)", "0.260000"],
        ["Windows", "0.360000"],
        ["Windows (Amazon VPC)", "0.360000"],
      ];
      expect(rows.slice(0, 8)).toEqual(products.map(([p, price]) => ["us-east-1a", "m5.large", p, price, iso(NOW + MINUTE)]));
      // As of NOW: the prices set at NOW (c5.large in 1a, then m5.large in 1b: type, then zone), then the
      // series' last changes on the hour of c5.large in 1b and m5.large in 1a (newest first; type order on a tie).
      const book = new SpotPriceBook(instanceTypeInfo);
      const hourly = [
        ["us-east-1b", "c5.large", book.lastChange("c5.large", "us-east-1b", NOW, NOW - 90 * 24 * HOUR)],
        ["us-east-1a", "m5.large", book.lastChange("m5.large", "us-east-1a", NOW, NOW - 90 * 24 * HOUR)],
      ] as const;
      const [newer, older] = hourly[1][2] > hourly[0][2] ? [hourly[1], hourly[0]] : [hourly[0], hourly[1]];
      expect(rows.slice(8).map((r) => [r[0], r[1], r[4]])).toEqual([
        ...Array(8).fill(["us-east-1a", "c5.large", iso(NOW)]),
        ...Array(8).fill(["us-east-1b", "m5.large", iso(NOW)]),
        ...Array(8).fill([newer[0], newer[1], iso(newer[2])]),
        ...Array(8).fill([older[0], older[1], iso(older[2])]),
      ]);
    });

    it("only where the type is offered (the offerings catalogue, or the instanceTypes option)", async () => {
      const { client } = await open(door, {
        instanceTypes: { offerings: { "us-east-1": { "us-east-1a": ["m5.large"], "us-east-1b": ["m5.large", "c5.large"] } } },
      });
      const { rows } = await history(client, { ProductDescriptions: ["Linux/UNIX"] });
      expect(rows.map((r) => [r[0], r[1]]).sort()).toEqual([
        ["us-east-1a", "m5.large"],
        ["us-east-1b", "c5.large"],
        ["us-east-1b", "m5.large"],
      ]);
    });

    it("filters: spot-price and timestamp (both written forms) with wildcards, instance-type and product-description patterns", async () => {
      const { ec2, client } = await open(door);
      threeMoves(ec2);
      const base = { InstanceTypes: ["m5.large" as const], AvailabilityZone: "us-east-1a", StartTime: new Date(NOW) };
      const prices = async (Filters: DescribeSpotPriceHistoryCommandInput["Filters"]) =>
        (await history(client, { ...base, Filters })).rows.map((r) => `${r[2]} ${r[3]}`);
      expect(await prices([{ Name: "spot-price", Values: ["0.06*", "0.050000"] }])).toEqual([
        "Linux/UNIX 0.060000",
        "Linux/UNIX (Amazon VPC) 0.060000",
        "Linux/UNIX 0.050000",
        "Linux/UNIX (Amazon VPC) 0.050000",
        // SUSE's price at 0.05 for Linux/UNIX: 0.065.
        "SUSE Linux 0.065000",
        "SUSE Linux (Amazon VPC) 0.065000",
      ]);
      expect(
        await prices([
          { Name: "timestamp", Values: ["Sun Mar 01 13:00:00 UTC 2026"] },
          { Name: "product-description", Values: ["S?SE Linux"] },
        ]),
      ).toEqual(["SUSE Linux 0.078000"]);
      expect(
        await prices([
          { Name: "timestamp", Values: ["2026-03-01T12:3*"] },
          { Name: "product-description", Values: ["Windows*"] },
        ]),
      ).toEqual(["Windows 0.090000", "Windows (Amazon VPC) 0.090000"]);
      expect(await prices([{ Name: "instance-type", Values: ["c5.*"] }])).toEqual([]);
    });

    it("pages with MaxResults and NextToken, and refuses a token of another query", async () => {
      const { client } = await open(door);
      const input = { InstanceTypes: ["m5.large" as const], ProductDescriptions: ["Linux/UNIX"] };
      const all = (await history(client, input)).rows;
      const first = await history(client, { ...input, MaxResults: 2 });
      expect(first.rows).toEqual(all.slice(0, 2));
      const second = await history(client, { ...input, MaxResults: 2, NextToken: first.next });
      expect(second.rows).toEqual(all.slice(2, 4));
      const third = await history(client, { ...input, MaxResults: 2, NextToken: second.next });
      expect([third.rows, third.next]).toEqual([all.slice(4), ""]);
      await expectEc2Error(
        client.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: ["c5.large"], NextToken: first.next })),
        invalid("Unable to parse pagination token"),
      );
    });

    it("keeps 90 days: a window older than that gives the price as of the oldest moment kept", async () => {
      const { client } = await open(door);
      const oldest = NOW - 90 * 24 * HOUR;
      const { rows } = await history(client, {
        InstanceTypes: ["m5.large"],
        AvailabilityZone: "us-east-1c",
        ProductDescriptions: ["Linux/UNIX"],
        StartTime: new Date(NOW - 100 * 24 * HOUR),
        EndTime: new Date(NOW - 95 * 24 * HOUR),
      });
      const price = new SpotPriceBook(instanceTypeInfo).priceAt("m5.large", "us-east-1c", oldest);
      expect(rows).toEqual([["us-east-1c", "m5.large", "Linux/UNIX", price.toFixed(6), iso(oldest)]]);
    });

    it("refuses bad parameters as EC2 does, and DryRun answers 412; nothing else reads state", async () => {
      const { client } = await open(door);
      const send = (input: DescribeSpotPriceHistoryCommandInput) => client.send(new DescribeSpotPriceHistoryCommand(input));
      await expectEc2Error(
        send({ StartTime: new Date(NOW), EndTime: new Date(NOW - HOUR) }),
        invalid(`The end time (${iso(NOW - HOUR)}) must not be before the start time (${iso(NOW)}).`),
      );
      await expectEc2Error(
        send({ MaxResults: 0 }),
        invalid("Value ( 0 ) for parameter maxResults is invalid. Expecting a value greater than 1."),
      );
      await expectEc2Error(
        send({ MaxResults: 1001 }),
        invalid("Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000."),
      );
      await expectEc2Error(send({ Filters: [{ Name: "price", Values: ["1"] }] }), invalid("The filter 'price' is invalid"));
      await expectEc2Error(send({ AvailabilityZone: "us-east-1z" }), invalid("Invalid availability zone: [us-east-1z]"));
      await expectEc2Error(send({ Filters: [{ Name: "availability-zone-id", Values: ["use1-az1"] }] }), {
        name: "UnsupportedOperation",
        message: "ec2-mock does not model the filter 'availability-zone-id' of DescribeSpotPriceHistory.",
        status: 400,
      });
      if (await sdkHasMember("DescribeSpotPriceHistory", ["AvailabilityZoneId"])) {
        await expectEc2Error(send({ AvailabilityZoneId: "use1-az1" } as DescribeSpotPriceHistoryCommandInput), {
          name: "UnsupportedOperation",
          message: "ec2-mock does not model the parameter 'AvailabilityZoneId' of DescribeSpotPriceHistory.",
          status: 400,
        });
      }
      await expectEc2Error(send({ DryRun: true }), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
    });
  });
}

describe("DescribeSpotPriceHistory over the wire", () => {
  it("refuses a malformed time before the operation runs, as the wire reads a timestamp", async () => {
    const { ec2 } = await open("plugin");
    const server = await ec2.listen();
    try {
      const answer = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "Action=DescribeSpotPriceHistory&Version=2016-11-15&StartTime=yesterday",
      });
      expect(answer.status).toBe(400);
      const body = await answer.text();
      expect(body).toContain("<Code>InvalidParameterValue</Code>");
      expect(body).toContain("<Message>Value (yesterday) for parameter StartTime is invalid. Expected an ISO 8601 timestamp.</Message>");
    } finally {
      await server.close();
    }
  });
});

describe("the price book's history helpers", () => {
  it("changesAt, lastChange, manualMoments and productPriceAt follow the series and the prices set by hand", () => {
    const book = new SpotPriceBook(instanceTypeInfo);
    const hourStart = Math.floor(NOW / HOUR) * HOUR;
    // A change on the hour is exactly a price that differs from the hour before; never within an hour.
    for (let h = 0; h < 48; h++) {
      const at = hourStart - h * HOUR;
      expect(book.changesAt("m5.large", "us-east-1a", at)).toBe(
        book.priceAt("m5.large", "us-east-1a", at) !== book.priceAt("m5.large", "us-east-1a", at - 1),
      );
      expect(book.changesAt("m5.large", "us-east-1a", at + 1)).toBe(false);
    }
    const last = book.lastChange("m5.large", "us-east-1a", NOW, NOW - 90 * 24 * HOUR);
    expect(last % HOUR).toBe(0);
    expect(book.changesAt("m5.large", "us-east-1a", last)).toBe(true);
    for (let at = last + HOUR; at <= NOW; at += HOUR) expect(book.changesAt("m5.large", "us-east-1a", at)).toBe(false);
    // Prices set by hand: changes at their moments only, and the series no longer moves after the first.
    book.setPrice("m5.large", "us-east-1a", 0.1, NOW + 10 * MINUTE);
    book.setPrice("m5.large", "us-east-1a", 0.1, NOW + 20 * MINUTE);
    expect(book.manualMoments("m5.large", "us-east-1a", NOW, NOW + HOUR)).toEqual([NOW + 10 * MINUTE, NOW + 20 * MINUTE]);
    expect(book.changesAt("m5.large", "us-east-1a", NOW + 20 * MINUTE)).toBe(true);
    expect(book.changesAt("m5.large", "us-east-1a", hourStart + 5 * HOUR)).toBe(false);
    expect(book.lastChange("m5.large", "us-east-1a", NOW + 15 * MINUTE, 0)).toBe(NOW + 10 * MINUTE);
    expect(book.productPriceAt("m5.large", "us-east-1a", "Red Hat Enterprise Linux (Amazon VPC)", NOW + HOUR)).toBe(0.16);
    // The prices set by hand round-trip through manualPrices and replaceManual.
    const copy = new SpotPriceBook(instanceTypeInfo);
    copy.replaceManual(book.manualPrices());
    expect(copy.manualPrices()).toEqual(book.manualPrices());
    expect(copy.priceAt("m5.large", "us-east-1a", NOW + HOUR)).toBe(0.1);
  });
});
