/**
 * The default VPC's address space: EC2's own by default (172.31.0.0/16, a
 * /20 per zone, InsufficientFreeAddressesInSubnet once a zone is full), and
 * the `network` option that widens it (or narrows it, for tests of a full
 * subnet). Through a real EC2Client, as users see it; the CLI's --config
 * key through the built server.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeInstancesCommand, type EC2Client, RunInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type InstanceStateChangeEvent, LINUX_AMI_ID, type NetworkOptions } from "../src/index.js";
import { runToExit, SLOW, serve } from "./cli-process.js";
import { describeAll, expectEc2Error, launch, setup, useTempDir } from "./helpers.js";

const insufficient = {
  name: "InsufficientFreeAddressesInSubnet",
  message: "There are not enough free addresses in subnet to satisfy the requested number of instances.",
  status: 400,
};

/** Launches `total` instances into one zone, 1,000 per call (EC2's limit per call in the mock). */
async function fill(client: EC2Client, zone: string, total: number): Promise<string[]> {
  const ips: string[] = [];
  for (let left = total; left > 0; left -= 1000) {
    const n = Math.min(1000, left);
    const out = await client.send(
      // t2.micro: offered in every zone of us-east-1 (m1.small, the default type, not in e and f).
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        InstanceType: "t2.micro",
        MinCount: n,
        MaxCount: n,
        Placement: { AvailabilityZone: `us-east-1${zone}` },
      }),
    );
    ips.push(...out.Instances!.map((i) => i.PrivateIpAddress!));
  }
  return ips;
}

describe("the default address space (EC2's)", () => {
  it("holds 4,091 instances per zone, 24,546 in all; the next launch gets EC2's InsufficientFreeAddressesInSubnet", {
    timeout: 120_000,
  }, async () => {
    const { client } = setup();
    try {
      for (const zone of ["a", "b", "c", "d", "e", "f"]) {
        const ips = await fill(client, zone, 4091);
        const base = 16 * (zone.charCodeAt(0) - 97);
        expect([ips[0], ips.at(-1)]).toEqual([`172.31.${base}.4`, `172.31.${base + 15}.254`]);
      }
      for (const zone of ["a", "f"]) {
        await expectEc2Error(
          launch(client, { InstanceType: "t2.micro", Placement: { AvailabilityZone: `us-east-1${zone}` } }),
          insufficient,
        );
      }
    } finally {
      client.destroy();
    }
  });
});

describe("the network option", () => {
  it("widens the space: 25,000 instances in one zone of a 10.0.0.0/8 VPC, each zone a /12", { timeout: 120_000 }, async () => {
    const { client } = setup({ network: { vpcCidr: "10.0.0.0/8" } });
    try {
      const ips = await fill(client, "a", 25_000);
      expect([ips[0], ips.at(-1)]).toEqual(["10.0.0.4", "10.0.97.171"]);
      expect(new Set(ips).size).toBe(25_000);
      const [first] = await launch(client, { Placement: { AvailabilityZone: "us-east-1b" } });
      expect(first).toMatchObject({ PrivateIpAddress: "10.16.0.4", PrivateDnsName: "ip-10-16-0-4.ec2.internal" });
      expect(first!.NetworkInterfaces![0]).toMatchObject({ PrivateIpAddress: "10.16.0.4", SubnetId: first!.SubnetId });
      const found = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: "private-ip-address", Values: ["10.0.97.171"] }] }));
      expect(found.Reservations!.flatMap((r) => r.Instances!.map((i) => i.PrivateIpAddress))).toEqual(["10.0.97.171"]);
    } finally {
      client.destroy();
    }
  });

  it("checks a requested private address against the zone's subnet of the wider space", async () => {
    const { client } = setup({ network: { vpcCidr: "10.0.0.0/8" } });
    try {
      const zoneB = { Placement: { AvailabilityZone: "us-east-1b" } };
      const [last] = await launch(client, { ...zoneB, PrivateIpAddress: "10.31.255.254" });
      expect(last!.PrivateIpAddress).toBe("10.31.255.254");
      for (const ip of ["10.31.255.255", "10.16.0.3", "10.32.0.4", "172.31.16.4", "10.16.0.300"]) {
        await expectEc2Error(launch(client, { ...zoneB, PrivateIpAddress: ip }), {
          name: "InvalidParameterValue",
          message: `Address ${ip} does not fall within the subnet's address range`,
          status: 400,
        });
      }
    } finally {
      client.destroy();
    }
  });

  it("narrows the space too: a /28 per zone holds 11 instances; a refused launch leaves nothing behind", async () => {
    const { ec2, client } = setup({ network: { subnetPrefixLength: 28 } });
    const events: InstanceStateChangeEvent[] = [];
    try {
      const ips = (await launch(client, { MinCount: 11, MaxCount: 11 })).map((i) => i.PrivateIpAddress);
      expect([ips[0], ips.at(-1)]).toEqual(["172.31.0.4", "172.31.0.14"]);
      expect((await launch(client, { Placement: { AvailabilityZone: "us-east-1b" } }))[0]!.PrivateIpAddress).toBe("172.31.0.20");
      ec2.on("state-change", (e) => events.push(e));
      await expectEc2Error(launch(client), insufficient);
      const zoneD = { Placement: { AvailabilityZone: "us-east-1d" } };
      // Twelve do not fit in an empty zone: none is launched, no event, no usage.
      await expectEc2Error(launch(client, { ...zoneD, MinCount: 12, MaxCount: 12 }), insufficient);
      expect(await launch(client, { ...zoneD, MinCount: 11, MaxCount: 11 })).toHaveLength(11);
      expect((await describeAll(client)).size).toBe(23);
      expect(ec2.usage().instances).toHaveLength(23);
      expect(events.map((e) => e.detail.state)).toEqual(Array(11).fill("pending"));
    } finally {
      client.destroy();
    }
  });

  it("keeps a terminated instance's address until it vanishes, as EC2 does", async () => {
    const { ec2, client } = setup({ network: { subnetPrefixLength: 28 }, timing: "instant" });
    try {
      const ids = (await launch(client, { MinCount: 11, MaxCount: 11 })).map((i) => i.InstanceId!);
      await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
      await expectEc2Error(launch(client), insufficient);
      ec2.advance(61 * 60_000);
      expect((await launch(client))[0]!.PrivateIpAddress).toBe("172.31.0.4");
    } finally {
      client.destroy();
    }
  });

  it("derives the subnet size from the VPC's when not given (the default VPC's /16 → /20 ratio)", async () => {
    const { client } = setup({ network: { vpcCidr: "192.168.0.0/16" } });
    try {
      expect((await launch(client, { Placement: { AvailabilityZone: "us-east-1c" } }))[0]!.PrivateIpAddress).toBe("192.168.32.4");
    } finally {
      client.destroy();
    }
  });

  it("survives snapshot and restore, into a mock created with the option or without it", async () => {
    const { ec2, client } = setup({ network: { vpcCidr: "10.0.0.0/8" } });
    const source = await launch(client, { MinCount: 3, MaxCount: 3 });
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    expect(snapshot.network.vpcCidr).toBe("10.0.0.0/8");
    expect(snapshot.network.subnets[1].cidrBlock).toBe("10.16.0.0/12");
    client.destroy();
    for (const options of [{ network: { vpcCidr: "10.0.0.0/8" } }, {}]) {
      const { ec2: other, client: otherClient } = setup(options);
      try {
        other.restore(snapshot);
        const restored = await describeAll(otherClient);
        expect([...restored.values()].map((i) => [i.PrivateIpAddress, i.SubnetId])).toEqual(
          source.map((i) => [i.PrivateIpAddress, i.SubnetId]),
        );
        expect((await launch(otherClient))[0]!.PrivateIpAddress).toBe("10.0.0.7");
        // The space is state: reset frees its addresses but keeps it.
        other.reset();
        expect((await launch(otherClient))[0]!.PrivateIpAddress).toBe("10.0.0.4");
      } finally {
        otherClient.destroy();
      }
    }
  });

  it("refuses a snapshot whose addresses lie outside its subnets", () => {
    const ec2 = createEc2Mock({ instances: [{ state: "running" }] });
    const snapshot = JSON.parse(JSON.stringify(ec2.snapshot()));
    snapshot.instances[0].privateIp = "10.0.0.4";
    expect(() => ec2.restore(snapshot)).toThrow(
      new TypeError(`ec2-mock: not a valid snapshot: instances[0].privateIp must be an address of 172.31.0.0/20; got "10.0.0.4"`),
    );
    snapshot.network.subnets[0].cidrBlock = "172.31.0.0";
    expect(() => ec2.restore(snapshot)).toThrow(
      new TypeError(`ec2-mock: not a valid snapshot: network.subnets[0].cidrBlock must be an IPv4 CIDR block; got "172.31.0.0"`),
    );
  });

  it.each<[string, unknown, string]>([
    ["not an object", "big", 'ec2-mock: network: expected an object of vpcCidr and subnetPrefixLength, got "big"'],
    [
      "an unknown key",
      { subnetPrefix: 16 },
      'ec2-mock: network: unknown key "subnetPrefix" (did you mean "subnetPrefixLength"? valid keys: vpcCidr, subnetPrefixLength)',
    ],
    [
      "a block without its prefix",
      { vpcCidr: "10.0.0.0" },
      'ec2-mock: network.vpcCidr must be an IPv4 CIDR block such as "10.0.0.0/8"; got "10.0.0.0"',
    ],
    [
      "an octet above 255",
      { vpcCidr: "10.300.0.0/16" },
      'ec2-mock: network.vpcCidr must be an IPv4 CIDR block such as "10.0.0.0/8"; got "10.300.0.0/16"',
    ],
    ["a number", { vpcCidr: 10 }, "ec2-mock: network.vpcCidr: expected a string, got 10"],
    [
      "host bits set",
      { vpcCidr: "10.1.0.0/8" },
      'ec2-mock: network.vpcCidr must be the block\'s first address (10.0.0.0/8), with no host bits set; got "10.1.0.0/8"',
    ],
    [
      "a VPC wider than /8",
      { vpcCidr: "10.0.0.0/7" },
      'ec2-mock: network.vpcCidr must be a block from /8 to /25 (six /28 subnets at least must fit); got "10.0.0.0/7"',
    ],
    [
      "a VPC narrower than /25",
      { vpcCidr: "10.0.0.0/26" },
      'ec2-mock: network.vpcCidr must be a block from /8 to /25 (six /28 subnets at least must fit); got "10.0.0.0/26"',
    ],
    [
      "subnets that do not fit six times",
      { subnetPrefixLength: 18 },
      "ec2-mock: network.subnetPrefixLength must be an integer from 19 to 28 (six zones' subnets must fit in the /16 VPC); got 18",
    ],
    [
      "subnets below EC2's smallest",
      { vpcCidr: "10.0.0.0/8", subnetPrefixLength: 29 },
      "ec2-mock: network.subnetPrefixLength must be an integer from 11 to 28 (six zones' subnets must fit in the /8 VPC); got 29",
    ],
    [
      "a fractional prefix",
      { subnetPrefixLength: 20.5 },
      "ec2-mock: network.subnetPrefixLength must be an integer from 19 to 28 (six zones' subnets must fit in the /16 VPC); got 20.5",
    ],
    ["a prefix as a string", { subnetPrefixLength: "20" }, 'ec2-mock: network.subnetPrefixLength: expected a number, got "20"'],
  ])("refuses %s with a TypeError at construction", (_, network, message) => {
    expect(() => createEc2Mock({ network: network as NetworkOptions })).toThrow(new TypeError(message));
  });
});

describe("ec2-mock serve --config network", () => {
  const tmp = useTempDir("ec2-mock-network-");
  const config = (name: string, value: unknown) => {
    const path = join(tmp.dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  it(
    "serves the wider space",
    async () => {
      const { run, url } = await serve(["--port", "0", "--config", config("wide.json", { network: { vpcCidr: "10.0.0.0/8" } })]);
      const { EC2Client } = await import("@aws-sdk/client-ec2");
      const client = new EC2Client({
        region: "us-east-1",
        endpoint: url,
        maxAttempts: 1,
        credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
      });
      try {
        const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
        expect(out.Instances![0]!.PrivateIpAddress).toBe("10.0.0.4");
      } finally {
        client.destroy();
        run.child.kill("SIGTERM");
      }
    },
    SLOW,
  );

  it.each([
    ["not an object", { network: 5 }, /--config .*: network: expected an object of vpcCidr and subnetPrefixLength, got 5/],
    [
      "a bad value",
      { network: { vpcCidr: "10.0.0.1/8" } },
      /--config .*: network\.vpcCidr must be the block's first address \(10\.0\.0\.0\/8\)/,
    ],
  ])(
    "refuses %s with exit code 2",
    async (name, value, stderr) => {
      const exit = await runToExit(["serve", "--config", config(`${name.replaceAll(" ", "-")}.json`, value)]);
      expect(exit.code).toBe(2);
      expect(exit.stderr).toMatch(stderr);
    },
    SLOW,
  );
});
