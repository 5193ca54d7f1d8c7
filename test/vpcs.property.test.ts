/**
 * A model-based test of VPCs and subnets (issue 15): random sequences of
 * CreateVpc, CreateSubnet, DeleteSubnet, DeleteVpc and CreateDefaultVpc
 * against a small model of blocks and ownership, through a real EC2Client
 * with the plugin. After every command, DescribeVpcs and DescribeSubnets
 * must show exactly the model, and every refusal must be the one the model
 * predicts (range, overlap, dependencies, quotas).
 */

import {
  CreateDefaultVpcCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEc2Mock } from "../src/index.js";

interface ModelSubnet {
  id: string;
  first: number;
  size: number;
}
interface ModelVpc {
  id: string;
  first: number;
  size: number;
  isDefault: boolean;
  subnets: ModelSubnet[];
}
interface Model {
  vpcs: ModelVpc[];
}
interface Real {
  client: EC2Client;
}

function block(cidr: string): { first: number; size: number; prefix: number } {
  const [ip, prefix] = cidr.split("/") as [string, string];
  const first = ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return { first, size: 2 ** (32 - Number(prefix)), prefix: Number(prefix) };
}

/** What the call answered: its error code, or "ok" and its output. */
async function outcome<T>(call: Promise<T>): Promise<{ code: string; out?: T }> {
  try {
    return { code: "ok", out: await call };
  } catch (e) {
    if (e instanceof EC2ServiceException) return { code: e.name };
    throw e;
  }
}

const VPC_BLOCKS = ["10.0.0.0/16", "10.1.0.0/16", "192.168.0.0/20", "10.0.0.0/28", "10.0.0.0/15", "172.31.0.0/16"];
const SUBNET_BLOCKS = [
  "10.0.0.0/24",
  "10.0.0.0/20",
  "10.0.1.0/24",
  "10.1.0.0/24",
  "192.168.0.0/24",
  "192.168.0.0/20",
  "172.31.0.0/24",
  "172.31.96.0/20",
  "10.0.0.0/29",
  "10.0.0.0/28",
];

abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

class CreateVpc extends Cmd {
  constructor(readonly cidr: string) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const { first, size, prefix } = block(this.cidr);
    const expected = prefix < 16 || prefix > 28 ? "InvalidVpc.Range" : m.vpcs.length >= 5 ? "VpcLimitExceeded" : "ok";
    const got = await outcome(r.client.send(new CreateVpcCommand({ CidrBlock: this.cidr })));
    expect(got.code).toBe(expected);
    if (got.out !== undefined) m.vpcs.push({ id: got.out.Vpc!.VpcId!, first, size, isDefault: false, subnets: [] });
  }
  toString(): string {
    return `CreateVpc(${this.cidr})`;
  }
}

class CreateSubnet extends Cmd {
  constructor(
    readonly pick: number,
    readonly cidr: string,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const vpc = m.vpcs[this.pick % m.vpcs.length];
    if (vpc === undefined) return;
    const { first, size, prefix } = block(this.cidr);
    const inside = first >= vpc.first && first + size <= vpc.first + vpc.size;
    const overlaps = vpc.subnets.some((s) => first < s.first + s.size && s.first < first + size);
    const expected = prefix < 16 || prefix > 28 || !inside ? "InvalidSubnet.Range" : overlaps ? "InvalidSubnet.Conflict" : "ok";
    const got = await outcome(r.client.send(new CreateSubnetCommand({ VpcId: vpc.id, CidrBlock: this.cidr })));
    expect(got.code).toBe(expected);
    if (got.out !== undefined) vpc.subnets.push({ id: got.out.Subnet!.SubnetId!, first, size });
  }
  toString(): string {
    return `CreateSubnet(${this.pick}, ${this.cidr})`;
  }
}

class DeleteSubnet extends Cmd {
  constructor(readonly pick: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const all = m.vpcs.flatMap((v) => v.subnets.map((s) => [v, s] as const));
    const chosen = all[this.pick % Math.max(1, all.length)];
    if (chosen === undefined) return;
    const [vpc, subnet] = chosen;
    const got = await outcome(r.client.send(new DeleteSubnetCommand({ SubnetId: subnet.id })));
    expect(got.code).toBe("ok");
    vpc.subnets.splice(vpc.subnets.indexOf(subnet), 1);
  }
  toString(): string {
    return `DeleteSubnet(${this.pick})`;
  }
}

class DeleteVpc extends Cmd {
  constructor(readonly pick: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const vpc = m.vpcs[this.pick % Math.max(1, m.vpcs.length)];
    if (vpc === undefined) return;
    const got = await outcome(r.client.send(new DeleteVpcCommand({ VpcId: vpc.id })));
    expect(got.code).toBe(vpc.subnets.length > 0 ? "DependencyViolation" : "ok");
    if (got.code === "ok") m.vpcs.splice(m.vpcs.indexOf(vpc), 1);
  }
  toString(): string {
    return `DeleteVpc(${this.pick})`;
  }
}

class CreateDefaultVpc extends Cmd {
  async run(m: Model, r: Real): Promise<void> {
    const expected = m.vpcs.some((v) => v.isDefault) ? "DefaultVpcAlreadyExists" : m.vpcs.length >= 5 ? "VpcLimitExceeded" : "ok";
    const got = await outcome(r.client.send(new CreateDefaultVpcCommand({})));
    expect(got.code).toBe(expected);
    if (got.out === undefined) return;
    const id = got.out.Vpc!.VpcId!;
    const subnets = (await r.client.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [id] }] }))).Subnets!;
    m.vpcs.push({
      id,
      ...block("172.31.0.0/16"),
      isDefault: true,
      subnets: subnets.map((s) => ({ id: s.SubnetId!, ...block(s.CidrBlock!) })),
    });
  }
  toString(): string {
    return "CreateDefaultVpc";
  }
}

/** After every command: the API shows exactly the model. */
async function agree(m: Model, r: Real): Promise<void> {
  const vpcs = (await r.client.send(new DescribeVpcsCommand({}))).Vpcs!;
  expect(vpcs.map((v) => [v.VpcId, v.IsDefault])).toEqual(m.vpcs.map((v) => [v.id, v.isDefault]));
  const subnets = (await r.client.send(new DescribeSubnetsCommand({}))).Subnets!;
  const shown = subnets.map((s) => [s.SubnetId, s.VpcId, s.AvailableIpAddressCount]).sort();
  const modelled = m.vpcs.flatMap((v) => v.subnets.map((s) => [s.id, v.id, s.size - 5])).sort();
  expect(shown).toEqual(modelled);
}

describe("VPCs and subnets against a model (plugin)", () => {
  it("creates, refuses and deletes exactly as the model predicts", async () => {
    const commands = [
      fc.constantFrom(...VPC_BLOCKS).map((c) => new CreateVpc(c)),
      fc.tuple(fc.nat(9), fc.constantFrom(...SUBNET_BLOCKS)).map(([p, c]) => new CreateSubnet(p, c)),
      fc.tuple(fc.nat(9), fc.constantFrom(...SUBNET_BLOCKS)).map(([p, c]) => new CreateSubnet(p, c)),
      fc.nat(20).map((p) => new DeleteSubnet(p)),
      fc.nat(9).map((p) => new DeleteVpc(p)),
      fc.constant(new CreateDefaultVpc()),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        const ec2 = createEc2Mock();
        const client = new EC2Client({ region: "us-east-1" });
        client.middlewareStack.use(ec2);
        try {
          const r: Real = { client };
          const [vpc] = (await client.send(new DescribeVpcsCommand({}))).Vpcs!;
          const defaults = (await client.send(new DescribeSubnetsCommand({}))).Subnets!;
          const m: Model = {
            vpcs: [
              {
                id: vpc!.VpcId!,
                ...block("172.31.0.0/16"),
                isDefault: true,
                subnets: defaults.map((s) => ({ id: s.SubnetId!, ...block(s.CidrBlock!) })),
              },
            ],
          };
          for (const cmd of cmds) {
            await cmd.run(m, r);
            await agree(m, r);
          }
        } finally {
          client.destroy();
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
