/**
 * The market's controls (issue 18): `ec2.capacity.withdraw/restore` and
 * `ec2.spot.setPrice`, in process and on the server's control endpoints
 * (with the Host and Origin rules of every control route), what a withdrawn
 * pool does to RunInstances and StartInstances (EC2's
 * InsufficientInstanceCapacity, HTTP 500), and the state: snapshots, the
 * state file, reset().
 */
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import {
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { expectEc2Error, stateOf, useFrozenClock, useTempDir } from "./helpers.js";

const NOW = Date.parse("2026-03-01T12:30:00.000Z");
useFrozenClock({ now: NOW });
const open = doorOpener();
const DOORS = ["plugin", "httpHandler", "server"] as const;

const run = (input: Partial<RunInstancesCommandInput> = {}) =>
  new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "m5.large", MinCount: 1, MaxCount: 1, ...input });

const longForm = (zone: string, others: string) => ({
  name: "InsufficientInstanceCapacity",
  message:
    `We currently do not have sufficient m5.large capacity in the Availability Zone you requested (${zone}). ` +
    "Our system will be working on provisioning additional capacity. " +
    `You can currently get m5.large capacity by not specifying an Availability Zone in your request or choosing ${others}.`,
  status: 500,
});
const shortForm = { name: "InsufficientInstanceCapacity", message: "Insufficient capacity.", status: 500 };
const M5_ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"];

async function instanceCount(client: EC2Client): Promise<number> {
  const out = await client.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).reduce((n, r) => n + (r.Instances?.length ?? 0), 0);
}

/** The current Linux/UNIX price of m5.large in a zone of a region. */
async function priceOf(client: EC2Client, zone: string): Promise<string | undefined> {
  const out = await client.send(
    new DescribeSpotPriceHistoryCommand({ InstanceTypes: ["m5.large"], AvailabilityZone: zone, ProductDescriptions: ["Linux/UNIX"] }),
  );
  return out.SpotPriceHistory?.[0]?.SpotPrice;
}

for (const door of DOORS) {
  describe(`capacity withdrawn (${door})`, () => {
    it("RunInstances in that zone fails with EC2's InsufficientInstanceCapacity naming the zones that have some; nothing is launched", async () => {
      const { ec2, client } = await open(door, { timing: "instant" });
      ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1a" });
      ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1c" });
      await expectEc2Error(
        client.send(run({ Placement: { AvailabilityZone: "us-east-1a" } })),
        longForm("us-east-1a", "us-east-1b, us-east-1d, us-east-1f"),
      );
      // Through the zone's default subnet: the same.
      const subnets = ec2.snapshot().network.subnets.filter((s) => s.availabilityZone === "us-east-1c");
      await expectEc2Error(
        client.send(run({ SubnetId: subnets[0]!.subnetId })),
        longForm("us-east-1c", "us-east-1b, us-east-1d, us-east-1f"),
      );
      expect(await instanceCount(client)).toBe(0);
      // DryRun answers before capacity is looked at; another type in the zone launches.
      await expectEc2Error(client.send(run({ Placement: { AvailabilityZone: "us-east-1a" }, DryRun: true })), {
        name: "DryRunOperation",
        message: "Request would have succeeded, but DryRun flag is set.",
        status: 412,
      });
      const other = await client.send(run({ InstanceType: "c5.large", Placement: { AvailabilityZone: "us-east-1a" } }));
      expect(other.Instances?.[0]?.Placement?.AvailabilityZone).toBe("us-east-1a");
    });

    it("a launch naming no zone goes to a zone with capacity; with none anywhere, the short form", async () => {
      const { ec2, client } = await open(door, { timing: "instant" });
      ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1a" });
      const placed = await client.send(run());
      expect(placed.Instances?.[0]?.Placement?.AvailabilityZone).toBe("us-east-1b");
      for (const zone of M5_ZONES) ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: zone });
      await expectEc2Error(client.send(run()), shortForm);
      // Named zone, no other left: the short form too.
      await expectEc2Error(client.send(run({ Placement: { AvailabilityZone: "us-east-1d" } })), shortForm);
      expect(await instanceCount(client)).toBe(1);
      // Restored: launches there again.
      ec2.capacity.restore({ instanceType: "m5.large", availabilityZone: "us-east-1d" });
      const back = await client.send(run({ Placement: { AvailabilityZone: "us-east-1d" } }));
      expect(back.Instances?.[0]?.Placement?.AvailabilityZone).toBe("us-east-1d");
      await expectEc2Error(client.send(run({ Placement: { AvailabilityZone: "us-east-1a" } })), longForm("us-east-1a", "us-east-1d"));
    });

    it("StartInstances of a stopped instance there fails with Insufficient capacity and leaves it stopped; running ones are left alone", async () => {
      const { ec2, client } = await open(door, { timing: "instant" });
      const [stopped, running] = (await client.send(run({ MinCount: 2, MaxCount: 2 }))).Instances!.map((i) => i.InstanceId!);
      await client.send(new StopInstancesCommand({ InstanceIds: [stopped!] }));
      await ec2.settle();
      ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1a" });
      await expectEc2Error(client.send(new StartInstancesCommand({ InstanceIds: [stopped!, running!] })), shortForm);
      expect([await stateOf(client, stopped!), await stateOf(client, running!)]).toEqual(["stopped", "running"]);
      // A start of the running one alone changes nothing and succeeds.
      await client.send(new StartInstancesCommand({ InstanceIds: [running!] }));
      ec2.capacity.restore({ instanceType: "m5.large", availabilityZone: "us-east-1a" });
      const started = await client.send(new StartInstancesCommand({ InstanceIds: [stopped!] }));
      expect(started.StartingInstances?.[0]?.CurrentState?.Name).toBe("pending");
    });

    it("reset() gives every pool its capacity back and forgets the prices set by hand", async () => {
      const { ec2, client } = await open(door, { timing: "instant" });
      const series = await priceOf(client, "us-east-1a");
      ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1a" });
      ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: 1.23456 });
      expect(await priceOf(client, "us-east-1a")).toBe("1.234600");
      ec2.reset();
      expect(await priceOf(client, "us-east-1a")).toBe(series);
      expect((await client.send(run({ Placement: { AvailabilityZone: "us-east-1a" } }))).Instances).toHaveLength(1);
    });
  });
}

describe("the controls refuse what the Region does not have, with a TypeError, changing nothing", () => {
  const ec2 = createEc2Mock();
  it.each([
    [
      () => ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1z" }),
      'ec2-mock: capacity.withdraw: no zone "us-east-1z" in us-east-1 (us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f)',
    ],
    [
      () => ec2.capacity.restore({ instanceType: "m9.huge", availabilityZone: "us-east-1a" }),
      'ec2-mock: capacity.restore: no instance type "m9.huge"',
    ],
    [
      () => ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1e" }),
      "ec2-mock: capacity.withdraw: m5.large is not offered in us-east-1e",
    ],
    [
      () => ec2.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-east-1a", region: "mars-1" }),
      'ec2-mock: capacity.withdraw: no region "mars-1" (an AWS commercial Region)',
    ],
    [
      () => ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: 0 }),
      "ec2-mock: spot.setPrice: price must be a positive, finite number of USD per hour; got 0",
    ],
    [
      () => ec2.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: Number.NaN }),
      "ec2-mock: spot.setPrice: price must be a positive, finite number of USD per hour; got NaN",
    ],
  ])("%#", (call, message) => {
    expect(call).toThrow(new TypeError(message));
    expect(ec2.snapshot()).not.toHaveProperty("withdrawnCapacity");
    expect(ec2.snapshot()).not.toHaveProperty("spotPrices");
  });
});

/** One request to the server with exactly these headers. */
function send(url: string, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port, method, path, headers: { ...headers, "content-length": "0" }, setHost: false, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("the server's control endpoints: POST /_mock/spot/price, /_mock/capacity/withdraw, /_mock/capacity/restore", () => {
  it("set a price and withdraw and restore capacity, in the default Region or another; bad parameters are 400; hostile callers 403", async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const server = await ec2.listen();
    const host = { host: new URL(server.url).host };
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
    const east = new EC2Client({ region: "us-east-1", endpoint: server.url, credentials, maxAttempts: 1 });
    const west = new EC2Client({ region: "us-west-2", endpoint: server.url, credentials, maxAttempts: 1 });
    try {
      const price = await send(server.url, "POST", "/_mock/spot/price?instanceType=m5.large&availabilityZone=us-east-1b&price=0.5", host);
      expect([price.status, JSON.parse(price.body)]).toEqual([
        200,
        { price: { instanceType: "m5.large", availabilityZone: "us-east-1b", price: 0.5 } },
      ]);
      expect(await priceOf(east, "us-east-1b")).toBe("0.500000");
      const withdraw = await send(
        server.url,
        "POST",
        "/_mock/capacity/withdraw?instanceType=m5.large&availabilityZone=us-west-2a&region=us-west-2",
        host,
      );
      expect([withdraw.status, JSON.parse(withdraw.body)]).toEqual([
        200,
        { withdrawn: { instanceType: "m5.large", availabilityZone: "us-west-2a", region: "us-west-2" } },
      ]);
      await expectEc2Error(
        west.send(run({ Placement: { AvailabilityZone: "us-west-2a" } })),
        longForm("us-west-2a", "us-west-2b, us-west-2c, us-west-2d"),
      );
      const restore = await send(
        server.url,
        "POST",
        "/_mock/capacity/restore?instanceType=m5.large&availabilityZone=us-west-2a&region=us-west-2",
        host,
      );
      expect(restore.status).toBe(200);
      expect((await west.send(run({ Placement: { AvailabilityZone: "us-west-2a" } }))).Instances).toHaveLength(1);

      const bad = await send(server.url, "POST", "/_mock/spot/price?instanceType=m5.large&availabilityZone=us-east-1b&price=abc", host);
      expect([bad.status, JSON.parse(bad.body)]).toEqual([
        400,
        { error: "ec2-mock: spot.setPrice: price must be a positive, finite number of USD per hour; got NaN" },
      ]);
      const noZone = await send(server.url, "POST", "/_mock/capacity/withdraw?instanceType=m5.large", host);
      expect(noZone.status).toBe(400);
      expect(JSON.parse(noZone.body).error).toMatch(/^ec2-mock: capacity\.withdraw: no zone undefined in us-east-1/);
      const get = await send(server.url, "GET", "/_mock/spot/price", host);
      expect(get.status).toBe(404);
      expect(JSON.parse(get.body).error).toContain("POST /_mock/spot/price, POST /_mock/capacity/withdraw, POST /_mock/capacity/restore");

      // The Host and Origin rules of every path: refused, and nothing changes.
      const port = new URL(server.url).port;
      const hostile: Record<string, string>[] = [
        { host: `evil.example:${port}` },
        { host: `127.0.0.1:${port}`, origin: "https://evil.example" },
      ];
      for (const headers of hostile) {
        const refused = await send(
          server.url,
          "POST",
          "/_mock/capacity/withdraw?instanceType=m5.large&availabilityZone=us-east-1b",
          headers,
        );
        expect(refused.status).toBe(403);
        const priced = await send(
          server.url,
          "POST",
          "/_mock/spot/price?instanceType=m5.large&availabilityZone=us-east-1b&price=9",
          headers,
        );
        expect(priced.status).toBe(403);
      }
      expect(await priceOf(east, "us-east-1b")).toBe("0.500000");
      expect((await east.send(run({ Placement: { AvailabilityZone: "us-east-1b" } }))).Instances).toHaveLength(1);
    } finally {
      east.destroy();
      west.destroy();
      await server.close();
    }
  });
});

describe("state", () => {
  const tmp = useTempDir("spotprice18-");

  it("a snapshot holds the prices set by hand and the withdrawn pools, of every Region, and restores them", async () => {
    const a = createEc2Mock({ timing: "instant" });
    expect(a.snapshot()).not.toHaveProperty("spotPrices");
    a.spot.setPrice({ instanceType: "m5.large", availabilityZone: "us-east-1a", price: 0.25 });
    a.spot.setPrice({ instanceType: "c5.large", availabilityZone: "us-west-2b", price: 0.125, region: "us-west-2" });
    a.capacity.withdraw({ instanceType: "m5.large", availabilityZone: "us-west-2c", region: "us-west-2" });
    const json = JSON.parse(JSON.stringify(a.snapshot()));
    expect(json.spotPrices).toEqual([{ instanceType: "m5.large", zone: "us-east-1a", from: new Date(NOW).toISOString(), price: 0.25 }]);
    expect(json.regions[0].region).toBe("us-west-2");
    expect(json.regions[0].spotPrices).toEqual([
      { instanceType: "c5.large", zone: "us-west-2b", from: new Date(NOW).toISOString(), price: 0.125 },
    ]);
    expect(json.regions[0].withdrawnCapacity).toEqual([{ instanceType: "m5.large", zone: "us-west-2c" }]);
    const b = createEc2Mock({ timing: "instant" });
    b.restore(json);
    expect(b.snapshot()).toEqual(a.snapshot());
    const west = new EC2Client({ region: "us-west-2" });
    west.middlewareStack.use(b);
    await expectEc2Error(
      west.send(run({ Placement: { AvailabilityZone: "us-west-2c" } })),
      longForm("us-west-2c", "us-west-2a, us-west-2b, us-west-2d"),
    );
    const out = await west.send(
      new DescribeSpotPriceHistoryCommand({
        InstanceTypes: ["c5.large"],
        AvailabilityZone: "us-west-2b",
        ProductDescriptions: ["Windows"],
      }),
    );
    expect(out.SpotPriceHistory?.map((p) => [p.SpotPrice, p.Timestamp?.toISOString()])).toEqual([
      ["0.225000", new Date(NOW).toISOString()],
    ]);
    // A snapshot without them (older ones) restores to none.
    const { spotPrices: _p, regions: _r, ...older } = json;
    b.restore(older);
    expect(b.snapshot()).not.toHaveProperty("spotPrices");
    // us-west-2 was used, so it is listed still, emptied.
    expect(b.snapshot().regions?.[0]).not.toHaveProperty("withdrawnCapacity");
  });

  it("the state file saves what the control endpoints change, and a new server starts from it", async () => {
    const path = join(tmp.dir, "state.json");
    const first = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
    const host = { host: new URL(first.url).host };
    try {
      expect(
        (await send(first.url, "POST", "/_mock/spot/price?instanceType=m5.large&availabilityZone=us-east-1c&price=0.75", host)).status,
      ).toBe(200);
      expect(
        (await send(first.url, "POST", "/_mock/capacity/withdraw?instanceType=m5.large&availabilityZone=us-east-1d", host)).status,
      ).toBe(200);
    } finally {
      await first.close();
    }
    // Journaled as they were answered, folded into the snapshot on close.
    const saved = JSON.parse(readFileSync(path, "utf8"));
    expect([saved.spotPrices, saved.withdrawnCapacity]).toEqual([
      [{ instanceType: "m5.large", zone: "us-east-1c", from: new Date(NOW).toISOString(), price: 0.75 }],
      [{ instanceType: "m5.large", zone: "us-east-1d" }],
    ]);
    const second = await createEc2Mock({ timing: "instant" }).listen({ stateFile: path });
    const client = new EC2Client({
      region: "us-east-1",
      endpoint: second.url,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      maxAttempts: 1,
    });
    try {
      expect(await priceOf(client, "us-east-1c")).toBe("0.750000");
      await expectEc2Error(
        client.send(run({ Placement: { AvailabilityZone: "us-east-1d" } })),
        longForm("us-east-1d", "us-east-1a, us-east-1b, us-east-1c, us-east-1f"),
      );
    } finally {
      client.destroy();
      await second.close();
    }
  });
});
