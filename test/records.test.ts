import { readFileSync } from "node:fs";
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeVolumesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  array,
  boolean,
  date,
  isoText,
  isoTimeMs,
  literal,
  mapOf,
  nullable,
  number,
  object,
  optional,
  readWithoutPaths,
  string,
  time,
  timeOr,
  tuple,
} from "../src/engine/record.js";
import type { Ec2MockSnapshot } from "../src/index.js";
import { setup, useFrozenClock } from "./helpers.js";
import { FLEET_TIME, populate } from "./records-fleet.js";

/** A state file written by the code before the declarations (commit 589322a), by `populate` at FLEET_TIME. */
const LEGACY = new URL("./data/snapshot-v1.json", import.meta.url);

const text = (snapshot: unknown) => `${JSON.stringify(snapshot, null, 2)}\n`;

async function view(client: EC2Client) {
  const strip = <T extends { $metadata?: unknown }>(out: T) => ({ ...out, $metadata: undefined });
  return {
    instances: strip(await client.send(new DescribeInstancesCommand({}))),
    volumes: strip(await client.send(new DescribeVolumesCommand({}))),
    addresses: strip(await client.send(new DescribeAddressesCommand({}))),
    keyPairs: strip(await client.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }))),
  };
}

describe("the record kit (src/engine/record.ts)", () => {
  const shift = { shiftMs: 0 };

  it("writes members in declaration order, leaves out absent optional ones, and reads them back", () => {
    const codec = object({
      name: string,
      size: number,
      on: boolean,
      kind: literal("a", "b"),
      at: date,
      until: timeOr(Infinity),
      note: nullable(string),
      extra: optional(boolean),
      pairs: mapOf(string, number),
      list: array(tuple(string, time)),
    });
    const value = {
      name: "x",
      size: 2,
      on: true,
      kind: "b" as const,
      at: new Date(0),
      until: Infinity,
      note: undefined,
      pairs: new Map([["k", 1]]),
      list: [["t", 1000] as [string, number]],
    };
    const json = codec.write(value, shift);
    expect(JSON.stringify(json)).toBe(
      '{"name":"x","size":2,"on":true,"kind":"b","at":"1970-01-01T00:00:00.000Z","until":null,"note":null,"pairs":[["k",1]],"list":[["t","1970-01-01T00:00:01.000Z"]]}',
    );
    expect(codec.read(JSON.parse(JSON.stringify(json)), "r")).toEqual(value);
    expect(codec.write({ ...value, extra: false }, { shiftMs: 1000 })).toMatchObject({ at: "1969-12-31T23:59:59.000Z", extra: false });
  });

  it("refuses a bad member with a TypeError naming its path, in restore's words", () => {
    const codec = object({ list: array(object({ n: number, kind: literal("a", "b"), at: time })) });
    const bad = (json: unknown) => () => codec.read(json, "root");
    expect(bad([])).toThrow("ec2-mock: not a valid snapshot: root must be an object; got []");
    expect(bad({ list: {} })).toThrow("ec2-mock: not a valid snapshot: root.list must be an array; got {}");
    expect(bad({ list: [{ n: "1" }] })).toThrow('ec2-mock: not a valid snapshot: root.list[0].n must be a finite number; got "1"');
    expect(bad({ list: [{ n: 1, kind: "c" }] })).toThrow('root.list[0].kind must be one of a, b; got "c"');
    expect(bad({ list: [{ n: 1, kind: "a" }] })).toThrow("root.list[0].at must be an ISO 8601 time; got undefined");
    expect(object({ a: string }).read({ a: "x" }, "")).toEqual({ a: "x" });
    expect(() => object({ a: string }).read({}, "")).toThrow("a must be a string; got undefined");
  });

  it("writes a time as toISOString does, whatever the number (property)", () => {
    const viaDate = (ms: number) => {
      try {
        return new Date(ms).toISOString();
      } catch (error) {
        return `throws ${(error as Error).name}`;
      }
    };
    const viaText = (ms: number) => {
      try {
        return isoText(ms);
      } catch (error) {
        return `throws ${(error as Error).name}`;
      }
    };
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const numbers = fc.oneof(
      fc.integer({ min: 0, max: last }),
      fc.integer({ min: -1e13, max: last + 1e12 }),
      fc.constantFrom(0, last, last + 1, -1, 951_782_400_000, 8.64e15, 8.64e15 + 1, -8.64e15),
      fc.double(),
    );
    fc.assert(
      fc.property(numbers, (ms) => {
        expect(viaText(ms)).toBe(viaDate(ms));
      }),
      { numRuns: 5000 },
    );
    expect(time.write(Date.UTC(2000, 1, 29, 1, 2, 3, 4), { shiftMs: 0 })).toBe("2000-02-29T01:02:03.004Z");
  });

  it("reads toISOString's times by character codes exactly as Date.parse does, and leaves every other text to it (property)", () => {
    const lo = Date.UTC(100, 0, 1);
    const hi = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    fc.assert(
      fc.property(fc.integer({ min: lo - 5e11, max: hi }), (ms) => {
        const text = new Date(ms).toISOString();
        expect(time.read(text, "t")).toBe(Date.parse(text));
        if (ms >= lo) expect(isoTimeMs(text)).toBe(ms);
      }),
    );
    // Texts of the shape with any digits (days past the month's end, hour 24, second 60, years before 100) and some
    // not of it: where the reader answers, Date.parse answers the same; where it does not, Date.parse decides.
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));
    const shaped = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(19), two(39), two(29), two(69), two(69), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${String(y).padStart(4, "0")}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, "0")}Z`);
    const other = fc.oneof(
      shaped.map((t) => t.replace("Z", "+")),
      shaped.map((t) => ` ${t.slice(1)}`),
      fc.string({ minLength: 24, maxLength: 24 }),
    );
    fc.assert(
      fc.property(fc.oneof(shaped, other), (text) => {
        const fast = isoTimeMs(text);
        if (!Number.isNaN(fast)) expect(fast).toBe(Date.parse(text));
        const parsed = Date.parse(text);
        if (Number.isNaN(parsed)) expect(() => time.read(text, "t")).toThrow("t must be an ISO 8601 time");
        else expect(time.read(text, "t")).toBe(parsed);
      }),
      { numRuns: 2000 },
    );
    expect(isoTimeMs("2024-02-29T12:00:00.000Z")).toBe(Date.UTC(2024, 1, 29, 12));
    expect(isoTimeMs("2023-02-29T12:00:00.000Z")).toBeNaN();
    expect(isoTimeMs("2023-04-30T24:00:00.000Z")).toBeNaN();
  });

  it("reads without paths the same values, and a refused read still names the path (read again with them)", () => {
    const codec = object({ list: array(object({ n: number, pairs: mapOf(string, tuple(number, time)) })) });
    const good = { list: [{ n: 1, pairs: [["k", [2, "1970-01-01T00:00:01.000Z"]]] }] };
    expect(readWithoutPaths(() => codec.read(good, "root"))).toEqual(codec.read(good, "root"));
    const bad = { list: [good.list[0], { n: 1, pairs: [["k", [2, "soon"]]] }] };
    const message = 'ec2-mock: not a valid snapshot: root.list[1].pairs[0][1][1] must be an ISO 8601 time; got "soon"';
    expect(() => codec.read(bad, "root")).toThrow(message);
    let runs = 0;
    expect(() =>
      readWithoutPaths(() => {
        runs++;
        return codec.read(bad, "root");
      }),
    ).toThrow(message);
    expect(runs).toBe(2);
    // Paths are built again once it returns or throws.
    expect(() => codec.read(bad, "root")).toThrow(message);
  });
});

describe("snapshots from the declarations", () => {
  useFrozenClock({ now: FLEET_TIME });

  it("loads a state file written before the declarations, and takes it back to the same text (causes aside: now values)", () => {
    const file = readFileSync(LEGACY, "utf8");
    const { ec2 } = setup();
    ec2.restore(JSON.parse(file) as Ec2MockSnapshot);
    const again = ec2.snapshot();
    // That file holds causes in words, as before causes became values (issue 14); test/snapshot.test.ts checks how words map.
    const causes = again.instances.flatMap((i) => i.machine.history.map((change) => change.cause));
    expect(causes.length).toBeGreaterThan(0);
    expect(causes.every((cause) => typeof cause === "object" && typeof cause.kind === "string")).toBe(true);
    const withoutCauses = (snapshot: Ec2MockSnapshot): Ec2MockSnapshot => {
      for (const instance of snapshot.instances)
        for (const change of instance.machine.history) delete (change as { cause?: unknown }).cause;
      return snapshot;
    };
    // Issue 15 grew the network's record (VPCs, pools per subnet), links each instance to its subnet by id, and
    // added security groups (a file without them restores with the default group, saved from then on):
    // everything else comes back as the same text; the network as the same facts.
    expect(again.securityGroups?.groups.map((g) => g.groupName)).toEqual(["default"]);
    const withoutNetwork = (snapshot: Ec2MockSnapshot) => {
      const { network: _network, securityGroups: _groups, ...rest } = snapshot;
      for (const instance of rest.instances) {
        delete instance.subnetId;
        delete instance.securityGroupIds;
      }
      return rest;
    };
    const legacy = JSON.parse(file) as Ec2MockSnapshot;
    expect(text(withoutNetwork(withoutCauses(structuredClone(again))))).toBe(text(withoutNetwork(withoutCauses(structuredClone(legacy)))));
    const { network } = again;
    expect(network).toMatchObject({
      vpcId: legacy.network.vpcId,
      defaultSecurityGroupId: legacy.network.defaultSecurityGroupId,
      vpcCidr: legacy.network.vpcCidr,
      publicInUse: legacy.network.publicInUse,
      publicCounter: legacy.network.publicCounter,
    });
    expect(network.subnets.map(({ subnetId, availabilityZone, cidrBlock }) => ({ subnetId, availabilityZone, cidrBlock }))).toEqual(
      legacy.network.subnets,
    );
    expect(network.subnets.every((s) => s.vpcId === legacy.network.vpcId && s.defaultForAz && s.mapPublicIpOnLaunch)).toBe(true);
    expect([...network.nextHost].sort()).toEqual([...legacy.network.nextHost].sort());
    expect((network.addressesInUse ?? []).flatMap(([, ips]) => ips).sort()).toEqual([...(legacy.network.privateInUse ?? [])].sort());
    expect(again.instances.every((i) => network.subnets.some((s) => s.subnetId === i.subnetId))).toBe(true);
  });

  it("round-trips a populated mock: take → JSON → restore → take gives the same snapshot, text and API view", async () => {
    const source = setup();
    await populate(source.ec2, source.client);
    const taken = source.ec2.snapshot();
    const states = new Set(taken.instances.map((i) => i.machine.phase));
    expect([...states].sort()).toEqual(["launching", "running", "stopped", "stopping", "terminated", "terminating"]);
    expect(taken.addresses.some((a) => a.association !== null) && taken.addresses.some((a) => a.association === null)).toBe(true);
    expect(taken.volumes.live.some((v) => v.tags.length > 0) && taken.instances.some((i) => i.sourceDestCheck === false)).toBe(true);

    const target = setup();
    target.ec2.restore(JSON.parse(JSON.stringify(taken)) as Ec2MockSnapshot);
    const again = target.ec2.snapshot();
    expect(again).toEqual(taken);
    expect(text(again)).toBe(text(taken));
    expect(await view(target.client)).toEqual(await view(source.client));
  });

  /** Every member (object key or array item) of a JSON value, with its path in restore's notation. */
  function members(
    value: unknown,
    path = "",
    keys: (string | number)[] = [],
  ): { path: string; keys: (string | number)[]; parent: Record<string, unknown> | unknown[]; key: string | number }[] {
    if (typeof value !== "object" || value === null) return [];
    const out: ReturnType<typeof members> = [];
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      const p = typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
      out.push({ path: p, keys: [...keys, key], parent: value as never, key });
      // An image and a guest config are copied whole: only their outline is declared.
      if (/^images\[\d+\]$/.test(p) || p.endsWith(".guest")) continue;
      out.push(...members(child, p, [...keys, key]));
    }
    return out;
  }

  /** Members that may be absent: optional (written only once set) or nullable (absent reads as none). */
  const mayBeAbsent = (path: string) =>
    /\.(launchOptions|securityGroupIds|cidrIpv4|cidrIpv6|referencedGroupId|prefixListId|description|sourceDestCheck|ebsOptimized|enaSupport|clean|diskCheck|obstacle|abandoned|abandonAt|cpu|Code|Message|elasticIpAllocationId|keyName|stateReason|userData|iops|throughput|launchedWith|deleteTime|attachment|association|transition|stopPlan|gracefulAt|forceCutAt|skipCutAt|runningSince|rebootUntil|expiresAt|end)$/.test(
      path,
    ) ||
    /\.transition\.at$|\.history\[\d+\]\.hibernating$|^instances\[\d+\]\.publicIp$/.test(path) ||
    // Issue 15: members older snapshots lack (the one default VPC's network, security groups), read with their old meaning.
    /^network\.(vpcs|dhcpOptionsId|privateInUse|addressesInUse)$|^network\.subnets\[\d+\]\.(vpcId|availabilityZoneId|defaultForAz|mapPublicIpOnLaunch|tags)$|^instances\[\d+\]\.subnetId$/.test(
      path,
    ) ||
    /^images\[\d+\]\./.test(path) ||
    path === "securityGroups" ||
    path === "keyPairs";

  const kindOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  const ours = /^ec2-mock: (not a valid snapshot: |not a snapshot this version can restore: |this snapshot is of region )/;

  it("refuses any field of the wrong type or a missing required member, naming its path, and changes nothing (property)", async () => {
    const { ec2, client } = setup();
    await populate(ec2, client);
    const good = ec2.snapshot();
    const before = text(good);
    const all = members(good).filter((m) => !/^images\[\d+\]\./.test(m.path) || m.path.endsWith(".ImageId"));
    const wrong = fc.oneof(
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.constant({}),
      fc.constant([]),
      fc.constant([["x", "y"]]),
      fc.double(),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.oneof(
          fc.constant({ remove: true as const }),
          wrong.map((value) => ({ value })),
        ),
        (member, corruption) => {
          const copy = JSON.parse(before) as Ec2MockSnapshot;
          const parent = member.keys.slice(0, -1).reduce<any>((o, k) => o[k], copy) as Record<string | number, unknown>;
          const target = { parent, key: member.key };
          const original = parent[target.key];
          const removing = "remove" in corruption;
          if (removing && Array.isArray(target.parent)) return; // an array item is not a member
          // A null (none) may hold a value of any type the member allows: only a value of another type than the one there is a corruption.
          if (
            !removing &&
            (original === null ||
              kindOf(corruption.value) === kindOf(original) ||
              (kindOf(original) === "object" && kindOf(corruption.value) === "null"))
          )
            return;
          if (removing) delete (target.parent as Record<string, unknown>)[target.key as string];
          else (target.parent as Record<string | number, unknown>)[target.key] = corruption.value;
          let error: unknown;
          try {
            ec2.restore(copy);
          } catch (e) {
            error = e;
          }
          if (error === undefined) {
            // Accepted: only a member that may be absent was removed.
            expect(removing && mayBeAbsent(member.path), `accepted ${JSON.stringify(corruption)} at ${member.path}`).toBe(true);
            ec2.restore(JSON.parse(before) as Ec2MockSnapshot);
            return;
          }
          expect(error, String(error)).toBeInstanceOf(TypeError);
          expect((error as Error).message).toMatch(ours);
          // A cause's request is read whole (it must be one the front makes), so its refusal names the request.
          const named = member.path.replace(/(\.cause\.request)\..*$/, "$1");
          if (!(removing && mayBeAbsent(member.path))) expect((error as Error).message).toContain(`${named} must be`);
          expect(text(ec2.snapshot())).toBe(before);
        },
      ),
      { numRuns: 600 },
    );
  }, 120_000);
});
