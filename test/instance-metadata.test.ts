/**
 * The instance metadata service (issue 18): `ec2.metadata(id)` in process
 * and `/_mock/imds/<id>/latest/...` on the server show an instance what EC2's
 * IMDS shows it: its own items, and the Spot notices `ec2.spot.interrupt`
 * gives (`events/recommendations/rebalance`, `spot/instance-action`,
 * `spot/termination-time`), at the times `warningDelayMs` and the two-minute
 * notice put them on the mock's clock; IMDSv2 tokens, `HttpTokens` and
 * `HttpEndpoint` as the instance's MetadataOptions say.
 */
import {
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Ec2Mock, LINUX_AMI_ID, realisticDurations, type SpotEvent } from "../src/index.js";
import { doorOpener } from "./doors.js";
import { useFrozenClock } from "./helpers.js";

const NOW = Date.parse("2026-12-03T08:00:00.000Z");
const ZONE = "us-east-1a";
const iso = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");

function run(client: EC2Client, spot: Record<string, unknown> | undefined, more: Partial<RunInstancesCommandInput> = {}) {
  return client.send(
    new RunInstancesCommand({
      ImageId: LINUX_AMI_ID,
      InstanceType: "m5.large",
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: ZONE },
      ...(spot === undefined ? {} : { InstanceMarketOptions: { MarketType: "spot", SpotOptions: spot } }),
      ...more,
    } as RunInstancesCommandInput),
  );
}

async function described(client: EC2Client, id: string): Promise<Instance> {
  return (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
}

/** A running instance launched at NOW: Spot with `spot` (its SpotOptions), On-Demand with null. */
async function launched(ec2: Ec2Mock, client: EC2Client, spot: Record<string, unknown> | null = {}, more = {}) {
  const out = await run(client, spot ?? undefined, more);
  await ec2.settle();
  const i = out.Instances![0]!;
  return { id: i.InstanceId!, sir: i.SpotInstanceRequestId, at: ec2.now() };
}

function spotEvents(ec2: Ec2Mock): unknown[][] {
  const seen: unknown[][] = [];
  ec2.on("spot", (e: SpotEvent) => seen.push([e["detail-type"], e.time, e.detail]));
  return seen;
}

/** Reads an item through the door under test: in process, or over HTTP with an IMDSv2 token. */
type Reader = (id: string, path: string) => Promise<string | undefined>;

async function readerFor(door: string, ec2: Ec2Mock, close: (f: () => Promise<void>) => void): Promise<Reader> {
  if (door === "plugin") return async (id, path) => ec2.metadata(id).get(path);
  const server = await ec2.listen();
  close(() => server.close());
  return async (id, path) => {
    const base = `${server.url}/_mock/imds/${id}/latest`;
    const token = await fetch(`${base}/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "21600" } });
    expect(token.status).toBe(200);
    const got = await fetch(`${base}/meta-data/${path}`, { headers: { "X-aws-ec2-metadata-token": await token.text() } });
    if (got.status === 404) return undefined;
    expect([got.status, got.headers.get("content-type")]).toEqual([200, "text/plain"]);
    return got.text();
  };
}

describe.each(["plugin", "server"])("instance metadata through the %s", (door) => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();
  const closers: (() => Promise<void>)[] = [];
  const track = (f: () => Promise<void>) => closers.push(f);
  // Closes what a test opened besides its door (a second server).
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((f) => f()));
  });

  it("shows the instance's own items and the top-level listing", async () => {
    const { ec2, client } = await openDoor(door);
    const read = await readerFor(door, ec2, track);
    const { id } = await launched(ec2, client);
    const i = await described(client, id);
    expect(await read(id, "instance-id")).toBe(id);
    expect(await read(id, "instance-type")).toBe("m5.large");
    expect(await read(id, "ami-id")).toBe(LINUX_AMI_ID);
    expect(await read(id, "instance-life-cycle")).toBe("spot");
    expect(await read(id, "placement/availability-zone")).toBe(ZONE);
    expect(await read(id, "placement/region")).toBe("us-east-1");
    expect(await read(id, "local-ipv4")).toBe(i.PrivateIpAddress);
    expect(await read(id, "local-hostname")).toBe(i.PrivateDnsName);
    expect(await read(id, "mac")).toBe(i.NetworkInterfaces![0]!.MacAddress);
    expect(await read(id, "reservation-id")).toBe(
      (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.ReservationId,
    );
    expect(await read(id, "public-ipv4")).toBe(i.PublicIpAddress);
    expect(await read(id, "security-groups")).toBe("default");
    expect(await read(id, "services/partition")).toBe("aws");
    expect((await read(id, ""))?.split("\n")).toEqual([
      "ami-id",
      "ami-launch-index",
      "events/",
      "hostname",
      "instance-action",
      "instance-id",
      "instance-life-cycle",
      "instance-type",
      "local-hostname",
      "local-ipv4",
      "mac",
      "placement/",
      "public-hostname",
      "public-ipv4",
      "reservation-id",
      "security-groups",
      "services/",
    ]);
    expect(await read(id, "placement/")).toBe("availability-zone\navailability-zone-id\nregion");
    // No notice yet: the Spot items are absent (404).
    expect(await read(id, "spot/instance-action")).toBeUndefined();
    expect(await read(id, "spot/termination-time")).toBeUndefined();
    expect(await read(id, "events/recommendations/rebalance")).toBeUndefined();
    expect(await read(id, "no-such-item")).toBeUndefined();
  });

  it("an On-Demand instance is on-demand and never has Spot items", async () => {
    const { ec2, client } = await openDoor(door);
    const read = await readerFor(door, ec2, track);
    const { id } = await launched(ec2, client, null);
    expect(await read(id, "instance-life-cycle")).toBe("on-demand");
    expect(await read(id, "spot/")).toBeUndefined();
  });

  it("warningDelayMs: the rebalance recommendation at once, the warning later, the termination two minutes after it", async () => {
    const { ec2, client } = await openDoor(door);
    const read = await readerFor(door, ec2, track);
    const { id, sir, at } = await launched(ec2, client);
    const seen = spotEvents(ec2);
    ec2.spot.interrupt(id, { rebalance: true, warningDelayMs: 60_000 });
    expect(seen).toEqual([["EC2 Instance Rebalance Recommendation", iso(at), { "instance-id": id }]]);
    expect(await read(id, "events/recommendations/rebalance")).toBe(`{"noticeTime": "${iso(at)}"}`);
    expect(await read(id, "events/")).toBe("maintenance/\nrecommendations/");
    expect(await read(id, "spot/instance-action")).toBeUndefined();
    const before = (await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir!] })))
      .SpotInstanceRequests![0]!;
    expect([before.State, before.Status?.Code]).toEqual(["active", "fulfilled"]);
    ec2.advance(59_999);
    expect(await read(id, "spot/instance-action")).toBeUndefined();
    expect(seen).toHaveLength(1);
    ec2.advance(1);
    expect(await read(id, "spot/instance-action")).toBe(`{"action": "terminate", "time": "${iso(at + 180_000)}"}`);
    expect(await read(id, "spot/termination-time")).toBe(iso(at + 180_000));
    expect(await read(id, "spot/")).toBe("instance-action\ntermination-time");
    expect(seen[1]).toEqual([
      "EC2 Spot Instance Interruption Warning",
      iso(at + 60_000),
      { "instance-id": id, "instance-action": "terminate" },
    ]);
    const marked = (await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir!] })))
      .SpotInstanceRequests![0]!;
    expect([marked.State, marked.Status?.Code, marked.Status?.UpdateTime?.getTime()]).toEqual([
      "closed",
      "instance-terminated-no-capacity",
      at + 60_000,
    ]);
    ec2.advance(119_999);
    expect((await described(client, id)).State?.Name).toBe("running");
    ec2.advance(1);
    const going = await described(client, id);
    expect([going.State?.Name, going.StateReason?.Code]).toEqual(["shutting-down", "Server.SpotInstanceTermination"]);
    // The guest still runs while it shuts down: the notice is still there.
    expect(await read(id, "spot/instance-action")).toBe(`{"action": "terminate", "time": "${iso(at + 180_000)}"}`);
  });

  it("stop: instance-action says stop (no termination-time); EC2's restart gives a clean slate", async () => {
    const { ec2, client } = await openDoor(door);
    const read = await readerFor(door, ec2, track);
    const { id, at } = await launched(ec2, client, { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "stop" });
    ec2.spot.interrupt(id);
    expect(await read(id, "spot/instance-action")).toBe(`{"action": "stop", "time": "${iso(at + 120_000)}"}`);
    expect(await read(id, "spot/termination-time")).toBeUndefined();
    expect(await read(id, "events/recommendations/rebalance")).toBeUndefined();
    ec2.advance(120_000);
    await ec2.settle();
    expect((await described(client, id)).State?.Name).toBe("stopped");
    // Only EC2 restarts an interrupted Spot Instance: when its capacity is back (timing.spotCapacityReturn).
    ec2.advance(realisticDurations.spotCapacityReturn);
    await ec2.settle();
    expect((await described(client, id)).State?.Name).toBe("running");
    expect(await read(id, "spot/instance-action")).toBeUndefined();
    expect(await read(id, "instance-id")).toBe(id);
  });

  it("hibernate: instance-action says hibernate, dated the warning (hibernation begins at once), while the guest saves its memory", async () => {
    const { ec2, client } = await openDoor(door);
    const read = await readerFor(door, ec2, track);
    const { id, at } = await launched(
      ec2,
      client,
      { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "hibernate" },
      {
        HibernationOptions: { Configured: true },
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 30, Encrypted: true } }],
      },
    );
    ec2.spot.interrupt(id, { warningDelayMs: 5_000 });
    expect((await described(client, id)).State?.Name).toBe("running");
    ec2.advance(5_000);
    expect((await described(client, id)).State?.Name).toBe("stopping");
    expect(await read(id, "spot/instance-action")).toBe(`{"action": "hibernate", "time": "${iso(at + 5_000)}"}`);
    expect(await read(id, "spot/termination-time")).toBeUndefined();
  });

  it("a warning that falls due after the user terminated the instance is never given", async () => {
    const { ec2, client } = await openDoor(door);
    const { id, sir } = await launched(ec2, client);
    const seen = spotEvents(ec2);
    ec2.spot.interrupt(id, { rebalance: true, warningDelayMs: 30_000 });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    ec2.advance(30_000);
    await ec2.settle();
    expect(seen.map((e) => e[0])).toEqual(["EC2 Instance Rebalance Recommendation"]);
    const r = (await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir!] }))).SpotInstanceRequests![0]!;
    expect([r.State, r.Status?.Code]).toEqual(["closed", "instance-terminated-by-user"]);
  });

  it("fake timers move the warning and the notice", async () => {
    vi.useFakeTimers({ now: NOW });
    const { ec2, client } = await openDoor(door);
    const read = await readerFor(door, ec2, track);
    const { id, at } = await launched(ec2, client);
    ec2.spot.interrupt(id, { warningDelayMs: 10_000 });
    expect(await read(id, "spot/instance-action")).toBeUndefined();
    vi.advanceTimersByTime(10_000);
    expect(await read(id, "spot/instance-action")).toBe(`{"action": "terminate", "time": "${iso(at + 130_000)}"}`);
    vi.advanceTimersByTime(120_000);
    expect((await described(client, id)).State?.Name).toBe("shutting-down");
  });
});

describe("the metadata service over HTTP: IMDSv2 and the instance's MetadataOptions", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  async function serve() {
    const { ec2, client } = await openDoor("server");
    const server = await ec2.listen();
    const at = (id: string) => `${server.url}/_mock/imds/${id}/latest`;
    const token = async (id: string, ttl = "60", extra: Record<string, string> = {}) =>
      fetch(`${at(id)}/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": ttl, ...extra } });
    return { ec2, client, server, at, token };
  }

  it("HttpTokens optional: IMDSv1 works; a bad or expired token is 401; the TTL must be 1 to 21600", async () => {
    const { ec2, client, server, at, token } = await serve();
    try {
      const { id } = await launched(ec2, client, {}, { MetadataOptions: { HttpTokens: "optional" } });
      const v1 = await fetch(`${at(id)}/meta-data/instance-id`);
      expect([v1.status, await v1.text()]).toEqual([200, id]);
      const bad = await fetch(`${at(id)}/meta-data/instance-id`, { headers: { "X-aws-ec2-metadata-token": "nope" } });
      expect([bad.status, await bad.text()]).toEqual([401, "401 - Unauthorized"]);
      for (const ttl of ["0", "21601", "abc", ""]) {
        const refused = await token(id, ttl);
        expect([ttl, refused.status, await refused.text()]).toEqual([ttl, 400, "400 - Missing or Invalid Parameters"]);
      }
      const missing = await fetch(`${at(id)}/api/token`, { method: "PUT" });
      expect(missing.status).toBe(400);
      const proxied = await token(id, "60", { "X-Forwarded-For": "10.0.0.1" });
      expect([proxied.status, await proxied.text()]).toEqual([403, "403 - Forbidden"]);
      const versioned = await fetch(`${server.url}/_mock/imds/${id}/2021-03-23/api/token`, {
        method: "PUT",
        headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" },
      });
      expect(versioned.status).toBe(403);
      const short = await token(id, "1");
      expect([short.status, short.headers.get("x-aws-ec2-metadata-token-ttl-seconds")]).toEqual([200, "1"]);
      const value = await short.text();
      const use = () => fetch(`${at(id)}/meta-data/instance-type`, { headers: { "X-aws-ec2-metadata-token": value } });
      expect((await use()).status).toBe(200);
      ec2.advance(1_000);
      expect((await use()).status).toBe(401);
      const head = await fetch(`${at(id)}/meta-data/instance-id`, { method: "HEAD" });
      expect(head.status).toBe(200);
      const post = await fetch(`${at(id)}/meta-data/instance-id`, { method: "POST" });
      expect(post.status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it("HttpTokens required: 401 without a token; a token is good only on its own instance", async () => {
    const { ec2, client, server, at, token } = await serve();
    try {
      const { id } = await launched(ec2, client, {}, { MetadataOptions: { HttpTokens: "required" } });
      const { id: other } = await launched(ec2, client, {});
      const v1 = await fetch(`${at(id)}/meta-data/instance-id`);
      expect([v1.status, await v1.text()]).toEqual([401, "401 - Unauthorized"]);
      const mine = await (await token(id)).text();
      const ok = await fetch(`${at(id)}/meta-data/instance-id`, { headers: { "X-aws-ec2-metadata-token": mine } });
      expect([ok.status, await ok.text()]).toEqual([200, id]);
      const elsewhere = await fetch(`${at(other)}/meta-data/instance-id`, { headers: { "X-aws-ec2-metadata-token": mine } });
      expect(elsewhere.status).toBe(401);
      expect(() => ec2.metadata(id).get("instance-id")).not.toThrow();
      expect(ec2.metadata(id).get("instance-id")).toBe(id);
    } finally {
      await server.close();
    }
  });

  it("HttpEndpoint disabled: 403 for every request; in process, get throws", async () => {
    const { ec2, client, server, at, token } = await serve();
    try {
      const { id } = await launched(ec2, client, {}, { MetadataOptions: { HttpEndpoint: "disabled" } });
      expect((await token(id)).status).toBe(403);
      const got = await fetch(`${at(id)}/meta-data/instance-id`);
      expect([got.status, await got.text()]).toEqual([403, "403 - Forbidden"]);
      expect(() => ec2.metadata(id).get("instance-id")).toThrow("403 - Forbidden");
    } finally {
      await server.close();
    }
  });

  it("an unknown instance is 404 and a stopped one 409, in the mock's JSON; metadata() of an unknown id throws", async () => {
    const { ec2, client, server, at } = await serve();
    try {
      const unknown = await fetch(`${at("i-0123456789abcdef0")}/meta-data/`);
      expect([unknown.status, await unknown.json()]).toEqual([404, { error: "no instance i-0123456789abcdef0" }]);
      expect(() => ec2.metadata("i-0123456789abcdef0")).toThrow(TypeError);
      const { id } = await launched(ec2, client, null);
      await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
      await ec2.settle();
      const stopped = await fetch(`${at(id)}/meta-data/`);
      expect([stopped.status, await stopped.json()]).toEqual([
        409,
        { error: `${id} is stopped: only a running instance's guest reaches its metadata service` },
      ]);
      expect(() => ec2.metadata(id).get("instance-id")).toThrow(/is stopped/);
    } finally {
      await server.close();
    }
  });

  it("POST /_mock/spot/interrupt takes warningDelayMs; a bad one is 400 and changes nothing", async () => {
    const { ec2, client, server } = await serve();
    try {
      const { id, at } = await launched(ec2, client);
      const seen = spotEvents(ec2);
      const post = (query: string) => fetch(`${server.url}/_mock/spot/interrupt?${query}`, { method: "POST" });
      for (const bad of ["-1", "soon", "", "21600001"]) {
        const refused = await post(`instanceId=${id}&warningDelayMs=${bad}`);
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: string }).error).toMatch(
          /^ec2-mock: spot\.interrupt: warningDelayMs must be a number of ms from 0 to 21600000/,
        );
      }
      expect(seen).toEqual([]);
      const ok = await post(`instanceId=${id}&rebalance=true&warningDelayMs=90000`);
      expect([ok.status, await ok.json()]).toEqual([200, { interrupted: { instanceId: id, rebalance: true, warningDelayMs: 90_000 } }]);
      await fetch(`${server.url}/_mock/advance?ms=90000`, { method: "POST" });
      expect(seen.map((e) => [e[0], e[1]])).toEqual([
        ["EC2 Instance Rebalance Recommendation", iso(at)],
        ["EC2 Spot Instance Interruption Warning", iso(at + 90_000)],
      ]);
    } finally {
      await server.close();
    }
  });

  it("in process, a bad warningDelayMs is a TypeError", async () => {
    const { ec2, client } = await openDoor("plugin");
    const { id } = await launched(ec2, client);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 6 * 3_600_000 + 1, "1" as unknown as number]) {
      expect(() => ec2.spot.interrupt(id, { warningDelayMs: bad })).toThrow(TypeError);
    }
    expect(ec2.metadata(id).get("spot/instance-action")).toBeUndefined();
  });
});

describe("a pending warning is state", () => {
  useFrozenClock({ now: NOW });
  const openDoor = doorOpener();

  it("survives a snapshot (JSON) restored into another mock, and is given there, with its metadata, in a non-default Region", async () => {
    const { ec2 } = await openDoor("plugin");
    // The default Region is us-east-1; the instance runs in eu-west-1, a Region of its own.
    const client = new EC2Client({ region: "eu-west-1" });
    client.middlewareStack.use(ec2);
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        InstanceType: "m5.large",
        MinCount: 1,
        MaxCount: 1,
        InstanceMarketOptions: { MarketType: "spot", SpotOptions: {} },
      }),
    );
    await ec2.settle();
    const id = out.Instances![0]!.InstanceId!;
    const at = ec2.now();
    ec2.spot.interrupt(id, { rebalance: true, warningDelayMs: 45_000 });
    const saved = JSON.parse(JSON.stringify(ec2.snapshot()));
    client.destroy();
    const { ec2: other } = await openDoor("plugin");
    other.restore(saved);
    const seen = spotEvents(other);
    expect(other.metadata(id).get("events/recommendations/rebalance")).toBe(`{"noticeTime": "${iso(at)}"}`);
    expect(other.metadata(id).get("spot/instance-action")).toBeUndefined();
    expect(other.metadata(id).get("placement/region")).toBe("eu-west-1");
    other.advance(45_000);
    expect(other.metadata(id).get("spot/instance-action")).toBe(`{"action": "terminate", "time": "${iso(at + 165_000)}"}`);
    expect(seen).toEqual([
      ["EC2 Spot Instance Interruption Warning", iso(at + 45_000), { "instance-id": id, "instance-action": "terminate" }],
    ]);
  });
});

describe("the IMDS route's path", () => {
  const openDoor = doorOpener();

  it("a malformed instance id is the mock's 404, never a server error", async () => {
    const { ec2 } = await openDoor("plugin");
    const server = await ec2.listen();
    try {
      for (const id of ["%E0%A4%A", "i-1%2F..", "x".repeat(65)]) {
        const got = await fetch(`${server.url}/_mock/imds/${id}/latest/meta-data/`);
        expect([id, got.status]).toEqual([id, 404]);
        expect(((await got.json()) as { error: string }).error).toMatch(/^no instance /);
      }
      const bare = await fetch(`${server.url}/_mock/imds/`);
      expect(bare.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
