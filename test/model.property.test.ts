/**
 * Model-based testing (issue 6): fast-check `commands` drive the plugin door
 * with random sequences of RunInstances, StopInstances (plain, Force,
 * SkipOsShutdown, Hibernate), StartInstances, RebootInstances,
 * TerminateInstances, DescribeInstances (whole fleet and by tag), CreateTags,
 * DescribeTags and DescribeAvailabilityZones, clock moves, guest shutdowns and stuck hosts, and (issue 15) security
 * groups: CreateSecurityGroup, DeleteSecurityGroup, Authorize/Revoke
 * ingress, launches into a group and DescribeSecurityGroups; key pairs: CreateKeyPair
 * (ED25519), ImportKeyPair (RSA, ED25519), DeleteKeyPair by name and by id,
 * DescribeKeyPairs and launches with a KeyName; VPCs and subnets: CreateVpc,
 * DeleteVpc, CreateSubnet, DeleteSubnet, ModifySubnetAttribute, launches into
 * a subnet, DescribeVpcs, DescribeSubnets and where each instance is; and
 * compare every answer with a small reference model of the lifecycle. A failure shrinks to a minimal
 * sequence and prints its seed and path.
 *
 * The mock runs with `timing: "instant"`, so every transition arrives at the
 * instant of its call and the model needs no durations, except where a fault
 * holds a stop up (a stuck host) and the visibility of terminated instances
 * (60 minutes, kept by the instant profile).
 *
 * Runs: MODEL_RUNS (or PROPERTY_RUNS), default 1,000 (about 20 s on 2 cores);
 * MODEL_SEED replays a seed.
 */
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  type DescribeKeyPairsCommandOutput,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ImportKeyPairCommand,
  type Instance,
  ModifyInstanceMetadataOptionsCommand,
  ModifySubnetAttributeCommand,
  RebootInstancesCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput,
  StartInstancesCommand,
  StopInstancesCommand,
  type Subnet,
  TerminateInstancesCommand,
  type Vpc,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";
import { kindTally, MODEL_RUNS as RUNS, runModel } from "./model-runner.js";
import { colonHex, sshBlob } from "./ssh-keys.js";

const VISIBILITY_MS = 60 * 60_000;

type State = "running" | "stopping" | "stopped" | "terminated";

interface ModelInstance {
  state: State;
  hostStuck: boolean;
  tags: Map<string, string>;
  /** Mock time (ms since the start) when it reached terminated. */
  terminatedAt?: number;
  /** The security group it was launched into, by name (the default group when none). */
  group?: string;
  /** Instance metadata `HttpTokens` (the Linux image's default: required). */
  httpTokens?: "optional" | "required";
  /** When ModifyInstanceMetadataOptions' last change applies: a model time, or at the next start; undefined: none. */
  metadataAppliesAt?: number | "start";
  /** The key pair it was launched with, by name. */
  keyName?: string;
  /** The created subnet it was launched into (an index of `Model.subnets`); undefined: a default subnet. */
  subnet?: number;
  /** Whether its subnet maps a public address on launch (default subnets do). */
  publicIp?: boolean;
}

/** A key pair of the model (issue 15). */
interface ModelKey {
  id: string;
  type: "rsa" | "ed25519";
  fingerprint: string;
  /** An imported key's SSH public key line without comment (a created key's is checked against its fingerprint). */
  line?: string;
}

/** A VPC created by the model's commands. */
interface ModelVpc {
  cidr: string;
  first: number;
  size: number;
  deleted: boolean;
}

/** A subnet created by the model's commands. */
interface ModelSubnet {
  /** Its VPC, an index of `Model.vpcs`. */
  vpc: number;
  cidr: string;
  first: number;
  size: number;
  zone: string;
  mapPublic: boolean;
  deleted: boolean;
}

interface Model {
  instances: ModelInstance[];
  now: number;
  /** The security groups created, by name, with their inbound TCP ports (issue 15). */
  groups?: Map<string, Set<number>>;
  /** The key pairs, by name, in creation order. */
  keys?: Map<string, ModelKey>;
  /** Every VPC created, deleted ones included (so that their ids are used again). */
  vpcs?: ModelVpc[];
  /** Every subnet created, deleted ones included. */
  subnets?: ModelSubnet[];
}

interface Real {
  ec2: Ec2Mock;
  client: EC2Client;
  ids: string[];
  /** The ids of the groups created, by name. */
  groupIds?: Map<string, string>;
  /** Where each instance (as `ids`) was launched: its VPC, subnet and zone. */
  placed?: { vpcId: string; subnetId: string; zone: string }[];
  /** The default VPC's id. */
  defaultVpcId?: string;
  /** The last key pair id each key name had. */
  keyIds?: Map<string, string>;
  /** The ids of `Model.vpcs` and `Model.subnets`. */
  vpcIds?: string[];
  subnetIds?: string[];
}

/** The instances still visible, by index. */
function visible(m: Model): number[] {
  return m.instances.flatMap((inst, k) => (inst.terminatedAt !== undefined && m.now - inst.terminatedAt >= VISIBILITY_MS ? [] : [k]));
}

/** Picks a visible instance from a generated number; undefined when none is visible. */
function pick(m: Model, n: number): number | undefined {
  const v = visible(m);
  return v.length === 0 ? undefined : v[n % v.length];
}

/** Sends and returns "ok" or the EC2 error code. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (e) {
    return (e as { name?: string }).name ?? String(e);
  }
}

function terminate(m: Model, inst: ModelInstance): void {
  if (inst.state !== "terminated") {
    inst.state = "terminated";
    inst.terminatedAt = m.now;
  }
}

/** How many commands of each kind ran, and which states stops met: printed, so a vacuous run shows. */
const { tally, count } = kindTally();

abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return visible(m as Model).length > 0;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

/** A command that can run at any time, even with no instance visible. */
abstract class AnyTimeCmd extends Cmd {
  override check(): boolean {
    return true;
  }
}

class Run extends Cmd {
  constructor(readonly count: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.instances.length < 24;
  }
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: this.count, MaxCount: this.count }));
    for (const i of out.Instances!) launched(m, r, i, {});
  }
  toString(): string {
    return `run(${this.count})`;
  }
}

type StopMode = "plain" | "force" | "skipOs" | "hibernate";

class Stop extends Cmd {
  constructor(
    readonly n: number,
    readonly mode: StopMode,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    count(`stop ${this.mode} on ${inst.state}${inst.hostStuck ? " (stuck host)" : ""}`);
    const got = await outcome(
      r.client.send(
        new StopInstancesCommand({
          InstanceIds: [r.ids[k]!],
          ...(this.mode === "force" ? { Force: true } : {}),
          ...(this.mode === "skipOs" ? { SkipOsShutdown: true } : {}),
          ...(this.mode === "hibernate" ? { Hibernate: true } : {}),
        }),
      ),
    );
    // Hibernation is never configured at launch here, so EC2 refuses it first.
    let expected = "ok";
    if (this.mode === "hibernate") expected = "UnsupportedHibernationConfiguration";
    else if (inst.state === "terminated") expected = "IncorrectInstanceState";
    expect(got, `${this} on ${inst.state}`).toBe(expected);
    if (expected !== "ok") return;
    if (inst.state === "running" || inst.state === "stopping") {
      inst.state = inst.hostStuck && this.mode !== "force" ? "stopping" : "stopped";
    }
  }
  toString(): string {
    return `stop(#${this.n}, ${this.mode})`;
  }
}

class Start extends Cmd {
  constructor(readonly n: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    count(`start on ${inst.state}`);
    const got = await outcome(r.client.send(new StartInstancesCommand({ InstanceIds: [r.ids[k]!] })));
    const expected = inst.state === "stopping" || inst.state === "terminated" ? "IncorrectInstanceState" : "ok";
    expect(got, `${this} on ${inst.state}`).toBe(expected);
    // A metadata change made while stopped applies when the instance is started.
    if (expected === "ok" && inst.state === "stopped" && inst.metadataAppliesAt === "start") inst.metadataAppliesAt = m.now;
    if (expected === "ok") inst.state = "running";
  }
  toString(): string {
    return `start(#${this.n})`;
  }
}

class Reboot extends Cmd {
  constructor(readonly n: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    count(`reboot on ${inst.state}`);
    const got = await outcome(r.client.send(new RebootInstancesCommand({ InstanceIds: [r.ids[k]!] })));
    const expected = inst.state === "stopping" || inst.state === "stopped" ? "IncorrectInstanceState" : "ok";
    expect(got, `${this} on ${inst.state}`).toBe(expected);
  }
  toString(): string {
    return `reboot(#${this.n})`;
  }
}

class Terminate extends Cmd {
  constructor(readonly n: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    count(`terminate on ${inst.state}${inst.hostStuck ? " (stuck host)" : ""}`);
    const got = await outcome(r.client.send(new TerminateInstancesCommand({ InstanceIds: [r.ids[k]!] })));
    expect(got, `${this} on ${inst.state}`).toBe("ok");
    terminate(m, inst);
  }
  toString(): string {
    return `terminate(#${this.n})`;
  }
}

class Tag extends Cmd {
  constructor(
    readonly n: number,
    readonly key: string,
    readonly value: string,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    const got = await outcome(
      r.client.send(new CreateTagsCommand({ Resources: [r.ids[k]!], Tags: [{ Key: this.key, Value: this.value }] })),
    );
    expect(got, `${this} on ${inst.state}`).toBe("ok");
    inst.tags.set(this.key, this.value);
  }
  toString(): string {
    return `tag(#${this.n}, ${this.key}=${this.value})`;
  }
}

class Advance extends AnyTimeCmd {
  constructor(readonly ms: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    r.ec2.advance(this.ms);
    m.now += this.ms;
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

class GuestShutdown extends Cmd {
  constructor(readonly n: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    // The guest can only shut down while it runs.
    if (inst.state !== "running") return;
    count(`guest shutdown${inst.hostStuck ? " (stuck host)" : ""}`);
    r.ec2.guest(r.ids[k]!).shutdown();
    // InstanceInitiatedShutdownBehavior defaults to stop; a stuck host holds the stop up.
    inst.state = inst.hostStuck ? "stopping" : "stopped";
  }
  toString(): string {
    return `guestShutdown(#${this.n})`;
  }
}

class HostStuck extends Cmd {
  constructor(
    readonly n: number,
    readonly stuck: boolean,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    if (inst.state === "terminated") return;
    r.ec2.faults.hostStuck(r.ids[k]!, this.stuck);
    inst.hostStuck = this.stuck;
    // A healed host lets a held-up stop finish.
    if (!this.stuck && inst.state === "stopping") inst.state = "stopped";
  }
  toString(): string {
    return `hostStuck(#${this.n}, ${this.stuck})`;
  }
}

class ModifyMetadata extends Cmd {
  constructor(
    readonly n: number,
    readonly tokens: "optional" | "required",
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pick(m, this.n)!;
    const inst = m.instances[k]!;
    count(`modify metadata on ${inst.state}`);
    const got = await outcome(r.client.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: r.ids[k]!, HttpTokens: this.tokens })));
    const expected = inst.state === "running" || inst.state === "stopped" ? "ok" : "IncorrectInstanceState";
    expect(got, `${this} on ${inst.state}`).toBe(expected);
    if (expected !== "ok") return;
    inst.httpTokens = this.tokens;
    inst.metadataAppliesAt = inst.state === "running" ? m.now + 2_000 : "start";
  }
  toString(): string {
    return `modifyMetadata(#${this.n}, ${this.tokens})`;
  }
}

/** Every visible instance's metadata options, `State/HttpTokens`, against the model's. */
class DescribeMetadata extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new DescribeInstancesCommand({}));
    const seen = new Map<string, string>();
    for (const res of out.Reservations ?? [])
      for (const i of res.Instances ?? []) seen.set(i.InstanceId!, `${i.MetadataOptions?.State}/${i.MetadataOptions?.HttpTokens}`);
    const expected = new Map(
      visible(m).map((k) => {
        const inst = m.instances[k]!;
        const at = inst.metadataAppliesAt;
        const pending = at === "start" || (at !== undefined && m.now < at);
        return [r.ids[k]!, `${pending ? "pending" : "applied"}/${inst.httpTokens ?? "required"}`];
      }),
    );
    count("describe metadata");
    expect(seen).toEqual(expected);
  }
  toString(): string {
    return "describeMetadata()";
  }
}

class DescribeAll extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new DescribeInstancesCommand({}));
    const seen = new Map<string, string>();
    for (const res of out.Reservations ?? []) for (const i of res.Instances ?? []) seen.set(i.InstanceId!, i.State!.Name!);
    const expected = new Map(visible(m).map((k) => [r.ids[k]!, m.instances[k]!.state as string]));
    count(`describe (${expected.size} visible)`.replace(/\(\d\d+/, "(10+"));
    expect(seen).toEqual(expected);
  }
  toString(): string {
    return "describe()";
  }
}

class DescribeByTag extends AnyTimeCmd {
  constructor(
    readonly key: string,
    readonly value: string,
    readonly state: State,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${this.key}`, Values: [this.value] },
          { Name: "instance-state-name", Values: [this.state] },
        ],
      }),
    );
    const got = (out.Reservations ?? []).flatMap((res) => (res.Instances ?? []).map((i) => i.InstanceId!));
    const expected = visible(m)
      .filter((k) => m.instances[k]!.tags.get(this.key) === this.value && m.instances[k]!.state === this.state)
      .map((k) => r.ids[k]!);
    expect(got).toEqual(expected);
  }
  toString(): string {
    return `describe(tag:${this.key}=${this.value}, ${this.state})`;
  }
}

/** DescribeTags of the instances: every tag of every visible instance, by instance id then key. */
class DescribeTags extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-type", Values: ["instance"] }] }));
    const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const expected = visible(m)
      .flatMap((k) => [...m.instances[k]!.tags].map(([Key, Value]) => ({ Key, ResourceId: r.ids[k]!, ResourceType: "instance", Value })))
      .sort((a, b) => text(a.ResourceId, b.ResourceId) || text(a.Key, b.Key));
    count(`describeTags (${expected.length === 0 ? "none" : "some"})`);
    expect(out.Tags).toEqual(expected);
  }
  toString(): string {
    return "describeTags()";
  }
}

/** The Region's zones stay what they are whatever the fleet does, and every visible instance is placed in one of them. */
class DescribeZones extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const zones = (await r.client.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
    expect(zones.map((z) => [z.ZoneName, z.ZoneId, z.State])).toEqual([
      ["us-east-1a", "use1-az2", "available"],
      ["us-east-1b", "use1-az4", "available"],
      ["us-east-1c", "use1-az6", "available"],
      ["us-east-1d", "use1-az1", "available"],
      ["us-east-1e", "use1-az3", "available"],
      ["us-east-1f", "use1-az5", "available"],
    ]);
    const names = new Set(zones.map((z) => z.ZoneName));
    const out = await r.client.send(new DescribeInstancesCommand({}));
    const placed = (out.Reservations ?? []).flatMap((res) => (res.Instances ?? []).map((i) => i.Placement?.AvailabilityZone));
    expect(placed.length).toBe(visible(m).length);
    for (const zone of placed) expect(names.has(zone)).toBe(true);
    count("describe zones");
  }
  toString(): string {
    return "describeZones()";
  }
}

/** The model's groups (created on first use). */
function groupsOf(m: Model): Map<string, Set<number>> {
  m.groups ??= new Map();
  return m.groups;
}

/** A created group's name, picked from a generated number; undefined when there is none. */
function pickGroup(m: Readonly<Model>, n: number): string | undefined {
  const names = [...(m.groups?.keys() ?? [])];
  return names.length === 0 ? undefined : names[n % names.length];
}

abstract class GroupCmd extends Cmd {
  override check(m: Readonly<Model>): boolean {
    return (m.groups?.size ?? 0) > 0;
  }
}

class CreateGroup extends AnyTimeCmd {
  constructor(readonly name: string) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const groups = groupsOf(m);
    const expected = groups.has(this.name) ? "InvalidGroup.Duplicate" : "ok";
    let id: string | undefined;
    const got = await outcome(
      r.client.send(new CreateSecurityGroupCommand({ GroupName: this.name, Description: this.name })).then((out) => {
        id = out.GroupId;
      }),
    );
    count(`create group: ${got}`);
    expect(got, `${this}`).toBe(expected);
    if (got === "ok") {
      groups.set(this.name, new Set());
      r.groupIds ??= new Map();
      r.groupIds.set(this.name, id!);
    }
  }
  toString(): string {
    return `createGroup(${this.name})`;
  }
}

class DeleteGroup extends GroupCmd {
  constructor(readonly n: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const name = pickGroup(m, this.n)!;
    const inUse = visible(m).some((k) => m.instances[k]!.group === name && m.instances[k]!.state !== "terminated");
    const got = await outcome(r.client.send(new DeleteSecurityGroupCommand({ GroupId: r.groupIds!.get(name)! })));
    count(`delete group: ${got}`);
    expect(got, `${this} (${name}, in use: ${inUse})`).toBe(inUse ? "DependencyViolation" : "ok");
    if (got === "ok") {
      groupsOf(m).delete(name);
      r.groupIds!.delete(name);
    }
  }
  toString(): string {
    return `deleteGroup(#${this.n})`;
  }
}

class AuthorizePort extends GroupCmd {
  constructor(
    readonly n: number,
    readonly port: number,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const name = pickGroup(m, this.n)!;
    const ports = groupsOf(m).get(name)!;
    const got = await outcome(
      r.client.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: r.groupIds!.get(name)!,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: this.port, ToPort: this.port, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        }),
      ),
    );
    expect(got, `${this} (${name})`).toBe(ports.has(this.port) ? "InvalidPermission.Duplicate" : "ok");
    ports.add(this.port);
  }
  toString(): string {
    return `authorize(#${this.n}, ${this.port})`;
  }
}

class RevokePort extends GroupCmd {
  constructor(
    readonly n: number,
    readonly port: number,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const name = pickGroup(m, this.n)!;
    const ports = groupsOf(m).get(name)!;
    const out = await r.client.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: r.groupIds!.get(name)!,
        IpPermissions: [{ IpProtocol: "tcp", FromPort: this.port, ToPort: this.port, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      }),
    );
    // The default VPC: a rule the group lacks is no error, it comes back as unknown.
    expect(out.UnknownIpPermissions?.length ?? 0, `${this} (${name})`).toBe(ports.has(this.port) ? 0 : 1);
    ports.delete(this.port);
  }
  toString(): string {
    return `revoke(#${this.n}, ${this.port})`;
  }
}

class RunInGroup extends GroupCmd {
  constructor(readonly n: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return super.check(m) && m.instances.length < 24;
  }
  async run(m: Model, r: Real): Promise<void> {
    const name = pickGroup(m, this.n)!;
    const out = await r.client.send(
      new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, SecurityGroupIds: [r.groupIds!.get(name)!] }),
    );
    const instance = out.Instances![0]!;
    expect(instance.SecurityGroups).toEqual([{ GroupId: r.groupIds!.get(name), GroupName: name }]);
    launched(m, r, instance, { group: name });
  }
  toString(): string {
    return `runIn(#${this.n})`;
  }
}

class DescribeGroups extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new DescribeSecurityGroupsCommand({}));
    const got = new Map(
      (out.SecurityGroups ?? [])
        .filter((g) => g.GroupName !== "default")
        .map((g) => [g.GroupName!, (g.IpPermissions ?? []).map((p) => p.FromPort!).sort((a, b) => a - b)]),
    );
    const expected = new Map(
      [...(m.groups ?? new Map<string, Set<number>>())].map(([name, ports]) => [name, [...ports].sort((a, b) => a - b)]),
    );
    expect(got).toEqual(expected);
  }
  toString(): string {
    return "describeGroups()";
  }
}

// ---- Key pairs (issue 15): created (ED25519) and imported (RSA, ED25519), deleted by name or id, launched with ----

/** A public key to import, with what EC2 shows for it, written here independently of the mock. */
interface Importable {
  readonly type: "rsa" | "ed25519";
  /** The SSH public key line without its comment. */
  readonly line: string;
  /** EC2's fingerprint of an imported key: MD5 of the DER public key (RSA), SHA-256 of the SSH blob (ED25519). */
  readonly fingerprint: string;
}

function importable(publicKey: KeyObject): Importable {
  const blob = sshBlob(publicKey);
  if (publicKey.asymmetricKeyType === "rsa") {
    const der = publicKey.export({ format: "der", type: "spki" });
    return { type: "rsa", line: `ssh-rsa ${blob.toString("base64")}`, fingerprint: colonHex(createHash("md5").update(der).digest()) };
  }
  return {
    type: "ed25519",
    line: `ssh-ed25519 ${blob.toString("base64")}`,
    fingerprint: createHash("sha256").update(blob).digest("base64"),
  };
}

/** Made once: an RSA key costs tens of milliseconds to make, too much for every run. */
const IMPORTABLE: readonly Importable[] = [
  importable(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey),
  importable(generateKeyPairSync("ed25519").publicKey),
];

/** The model's key pairs, by name, in creation order. */
function keysOf(m: Model): Map<string, ModelKey> {
  m.keys ??= new Map();
  return m.keys;
}

/** Sends RunInstances and, when it is refused, checks that it launched nothing. */
async function launchOrNothing(m: Model, r: Real, input: Partial<RunInstancesCommandInput>) {
  let out: RunInstancesCommandOutput | undefined;
  const got = await outcome(
    r.client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: input.MaxCount ?? 1, ...input })).then((o) => {
      out = o;
    }),
  );
  if (got !== "ok") {
    const all = await r.client.send(new DescribeInstancesCommand({}));
    expect((all.Reservations ?? []).flatMap((res) => res.Instances ?? []).length, `a refused launch (${got}) created nothing`).toBe(
      visible(m).length,
    );
  }
  return { got, instances: out?.Instances ?? [] };
}

/** Records a launched instance in the model and the real ids, with where it landed. */
function launched(m: Model, r: Real, instance: Instance, model: Omit<ModelInstance, "state" | "hostStuck" | "tags">): void {
  r.ids.push(instance.InstanceId!);
  (r.placed ??= []).push({ subnetId: instance.SubnetId!, vpcId: instance.VpcId!, zone: instance.Placement!.AvailabilityZone! });
  m.instances.push({ state: "running", hostStuck: false, tags: new Map(), ...model });
}

class CreateKey extends AnyTimeCmd {
  constructor(
    readonly name: string,
    /** -1: CreateKeyPair (ED25519); else the index of the key in IMPORTABLE to import. */
    readonly how: number,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const keys = keysOf(m);
    const expected = keys.has(this.name) ? "InvalidKeyPair.Duplicate" : "ok";
    const imported = this.how >= 0 ? IMPORTABLE[this.how]! : undefined;
    let out: { KeyName?: string; KeyPairId?: string; KeyFingerprint?: string; KeyMaterial?: string } = {};
    const got = await outcome(
      (imported === undefined
        ? r.client.send(new CreateKeyPairCommand({ KeyName: this.name, KeyType: "ed25519" }))
        : r.client.send(new ImportKeyPairCommand({ KeyName: this.name, PublicKeyMaterial: Buffer.from(`${imported.line} me@laptop\n`) }))
      ).then((o) => {
        out = o;
      }),
    );
    count(`${imported === undefined ? "create" : `import ${imported.type}`} key: ${got}`);
    expect(got, `${this}`).toBe(expected);
    if (got !== "ok") return;
    expect(out.KeyName).toBe(this.name);
    expect(out.KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);
    if (imported === undefined) expect(out.KeyMaterial).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    else expect(out.KeyFingerprint).toBe(imported.fingerprint);
    keys.set(this.name, {
      id: out.KeyPairId!,
      type: imported?.type ?? "ed25519",
      fingerprint: out.KeyFingerprint!,
      ...(imported === undefined ? {} : { line: imported.line }),
    });
    (r.keyIds ??= new Map()).set(this.name, out.KeyPairId!);
  }
  toString(): string {
    return `createKey(${this.name}, ${this.how < 0 ? "create" : `import #${this.how}`})`;
  }
}

class DeleteKey extends AnyTimeCmd {
  constructor(
    readonly name: string,
    readonly byId: boolean,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const keys = keysOf(m);
    const key = keys.get(this.name);
    // By id: the last id the name had (deleted or not); a name never created is deleted by name.
    const id = this.byId ? r.keyIds?.get(this.name) : undefined;
    let answer: { KeyPairId?: string } = {};
    const got = await outcome(
      r.client.send(new DeleteKeyPairCommand(id === undefined ? { KeyName: this.name } : { KeyPairId: id })).then((o) => {
        answer = o;
      }),
    );
    count(`delete key by ${id === undefined ? "name" : "id"}: ${got}${key === undefined ? " (absent)" : ""}`);
    // An unknown name deletes nothing and is no error; an unknown id is.
    const expected = id !== undefined && key?.id !== id ? "InvalidKeyPair.NotFound" : "ok";
    expect(got, `${this}`).toBe(expected);
    if (got !== "ok") return;
    expect(answer.KeyPairId).toBe(key?.id);
    keys.delete(this.name);
  }
  toString(): string {
    return `deleteKey(${this.name}, ${this.byId ? "by id" : "by name"})`;
  }
}

/** DescribeKeyPairs: every key pair, in creation order, with its public key; or one by name. */
class DescribeKeys extends AnyTimeCmd {
  constructor(readonly name: string | undefined) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const keys = keysOf(m);
    const names = this.name === undefined ? [...keys.keys()] : [this.name];
    let out: DescribeKeyPairsCommandOutput | undefined;
    const got = await outcome(
      r.client
        .send(new DescribeKeyPairsCommand({ IncludePublicKey: true, ...(this.name === undefined ? {} : { KeyNames: [this.name] }) }))
        .then((o) => {
          out = o;
        }),
    );
    count(`describe keys${this.name === undefined ? ` (${keys.size})` : ""}: ${got}`);
    expect(got, `${this}`).toBe(names.every((n) => keys.has(n)) ? "ok" : "InvalidKeyPair.NotFound");
    if (got !== "ok") return;
    const seen = out!.KeyPairs!.map((k) => [k.KeyName, k.KeyPairId, k.KeyType, k.KeyFingerprint, k.PublicKey]);
    const expected = names.map((name) => {
      const key = keys.get(name)!;
      return [name, key.id, key.type, key.fingerprint, key.line === undefined ? expect.any(String) : `${key.line} ${name}`];
    });
    expect(seen).toEqual(expected);
    // A created key's public key is the one its fingerprint is of.
    for (const k of out!.KeyPairs!) {
      const [type, blob, comment] = k.PublicKey!.split(" ");
      expect([type, comment]).toEqual([`ssh-${k.KeyType}`, k.KeyName]);
      if (k.KeyType === "ed25519")
        expect(createHash("sha256").update(Buffer.from(blob!, "base64")).digest("base64")).toBe(k.KeyFingerprint);
    }
  }
  toString(): string {
    return `describeKeys(${this.name ?? ""})`;
  }
}

class RunWithKey extends Cmd {
  constructor(readonly name: string) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.instances.length < 24;
  }
  async run(m: Model, r: Real): Promise<void> {
    const { got, instances } = await launchOrNothing(m, r, { KeyName: this.name });
    count(`run with key: ${got}`);
    expect(got, `${this}`).toBe(keysOf(m).has(this.name) ? "ok" : "InvalidKeyPair.NotFound");
    if (got !== "ok") return;
    expect(instances.map((i) => i.KeyName)).toEqual([this.name]);
    launched(m, r, instances[0]!, { keyName: this.name });
  }
  toString(): string {
    return `runWithKey(${this.name})`;
  }
}

// ---- VPCs and subnets (issue 15) ----

const VPC_CIDRS = ["10.0.0.0/16", "10.1.0.0/16", "172.16.0.0/20", "10.0.0.0/8"] as const;
/** A subnet's block as an offset from its VPC's first address and a prefix; `outside` starts where the VPC ends. */
const SUBNET_BLOCKS = [
  { offset: 0, prefix: 24 },
  { offset: 256, prefix: 24 },
  { offset: 0, prefix: 20 },
  { offset: 528, prefix: 28 },
  { offset: "outside", prefix: 24 },
] as const;
/** The /28 of SUBNET_BLOCKS. */
const SMALL_BLOCK = 3;
const ZONES = ["us-east-1a", "us-east-1b", "us-east-1f"] as const;
/** us-east-1 has six zones, hence six default subnets. */
const ZONES_OF_US_EAST_1 = [1, 2, 3, 4, 5, 6];
/** Addresses EC2 reserves in every subnet: the first four and the last. */
const RESERVED = 5;

function ipv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

function cidrOf(text: string): { first: number; size: number } {
  const [ip, prefix] = text.split("/");
  const first = ip!.split(".").reduce((a, b) => a * 256 + Number(b), 0);
  return { first, size: 2 ** (32 - Number(prefix)) };
}

/** How many still-visible instances hold an address in the subnet (terminated ones until they vanish). */
function holders(m: Model, k: number): number {
  return visible(m).filter((i) => m.instances[i]!.subnet === k).length;
}

abstract class VpcCmd extends Cmd {
  override check(m: Readonly<Model>): boolean {
    return (m.vpcs?.length ?? 0) > 0;
  }
}

abstract class SubnetCmd extends Cmd {
  override check(m: Readonly<Model>): boolean {
    return (m.subnets?.length ?? 0) > 0;
  }
}

class CreateVpc extends AnyTimeCmd {
  constructor(readonly cidr: (typeof VPC_CIDRS)[number]) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const vpcs = (m.vpcs ??= []);
    const live = vpcs.filter((v) => !v.deleted).length;
    // /16 to /28 only; five VPCs per Region, the default VPC included.
    const expected = this.cidr.endsWith("/8") ? "InvalidVpc.Range" : live >= 4 ? "VpcLimitExceeded" : "ok";
    let vpc: Vpc | undefined;
    const got = await outcome(
      r.client.send(new CreateVpcCommand({ CidrBlock: this.cidr })).then((o) => {
        vpc = o.Vpc;
      }),
    );
    count(`create vpc: ${got}`);
    expect(got, `${this} (${live} live)`).toBe(expected);
    if (got !== "ok") return;
    expect([vpc!.CidrBlock, vpc!.State, vpc!.IsDefault]).toEqual([this.cidr, "pending", false]);
    vpcs.push({ cidr: this.cidr, ...cidrOf(this.cidr), deleted: false });
    (r.vpcIds ??= []).push(vpc!.VpcId!);
  }
  toString(): string {
    return `createVpc(${this.cidr})`;
  }
}

class DeleteVpc extends VpcCmd {
  constructor(readonly n: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = this.n % m.vpcs!.length;
    const vpc = m.vpcs![k]!;
    const used = (m.subnets ?? []).some((s) => s.vpc === k && !s.deleted);
    const got = await outcome(r.client.send(new DeleteVpcCommand({ VpcId: r.vpcIds![k]! })));
    count(`delete vpc: ${got}`);
    expect(got, `${this} (deleted: ${vpc.deleted}, subnets: ${used})`).toBe(
      vpc.deleted ? "InvalidVpcID.NotFound" : used ? "DependencyViolation" : "ok",
    );
    if (got === "ok") vpc.deleted = true;
  }
  toString(): string {
    return `deleteVpc(#${this.n})`;
  }
}

class CreateSubnet extends VpcCmd {
  constructor(
    readonly n: number,
    readonly block: number,
    readonly zone: (typeof ZONES)[number],
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = this.n % m.vpcs!.length;
    const vpc = m.vpcs![k]!;
    const { offset, prefix } = SUBNET_BLOCKS[this.block]!;
    const first = vpc.first + (offset === "outside" ? vpc.size : offset);
    const size = 2 ** (32 - prefix);
    const cidr = `${ipv4(first)}/${prefix}`;
    const subnets = (m.subnets ??= []);
    const inside = first >= vpc.first && first + size <= vpc.first + vpc.size;
    const overlaps = subnets.some((s) => s.vpc === k && !s.deleted && first < s.first + s.size && s.first < first + size);
    const expected = vpc.deleted ? "InvalidVpcID.NotFound" : !inside ? "InvalidSubnet.Range" : overlaps ? "InvalidSubnet.Conflict" : "ok";
    let s: Subnet | undefined;
    const got = await outcome(
      r.client.send(new CreateSubnetCommand({ VpcId: r.vpcIds![k]!, CidrBlock: cidr, AvailabilityZone: this.zone })).then((o) => {
        s = o.Subnet;
      }),
    );
    count(`create subnet: ${got}`);
    expect(got, `${this} (${cidr} in ${vpc.cidr})`).toBe(expected);
    if (got !== "ok") return;
    expect([s!.VpcId, s!.CidrBlock, s!.AvailabilityZone, s!.MapPublicIpOnLaunch, s!.DefaultForAz, s!.AvailableIpAddressCount]).toEqual([
      r.vpcIds![k],
      cidr,
      this.zone,
      false,
      false,
      size - RESERVED,
    ]);
    subnets.push({ vpc: k, cidr, first, size, zone: this.zone, mapPublic: false, deleted: false });
    (r.subnetIds ??= []).push(s!.SubnetId!);
  }
  toString(): string {
    return `createSubnet(#${this.n}, block ${this.block}, ${this.zone})`;
  }
}

class DeleteSubnet extends SubnetCmd {
  constructor(readonly n: number) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = this.n % m.subnets!.length;
    const subnet = m.subnets![k]!;
    // Only an instance that is not terminated keeps its subnet.
    const used = visible(m).some((i) => m.instances[i]!.subnet === k && m.instances[i]!.state !== "terminated");
    const got = await outcome(r.client.send(new DeleteSubnetCommand({ SubnetId: r.subnetIds![k]! })));
    count(`delete subnet: ${got}`);
    expect(got, `${this} (deleted: ${subnet.deleted}, used: ${used})`).toBe(
      subnet.deleted ? "InvalidSubnetID.NotFound" : used ? "DependencyViolation" : "ok",
    );
    if (got === "ok") subnet.deleted = true;
  }
  toString(): string {
    return `deleteSubnet(#${this.n})`;
  }
}

class MapPublicIp extends SubnetCmd {
  constructor(
    readonly n: number,
    readonly on: boolean,
  ) {
    super();
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = this.n % m.subnets!.length;
    const subnet = m.subnets![k]!;
    const got = await outcome(
      r.client.send(new ModifySubnetAttributeCommand({ SubnetId: r.subnetIds![k]!, MapPublicIpOnLaunch: { Value: this.on } })),
    );
    expect(got, `${this}`).toBe(subnet.deleted ? "InvalidSubnetID.NotFound" : "ok");
    if (got === "ok") subnet.mapPublic = this.on;
  }
  toString(): string {
    return `mapPublicIp(#${this.n}, ${this.on})`;
  }
}

class RunInSubnet extends SubnetCmd {
  constructor(
    readonly n: number,
    readonly key: string | undefined,
    /** MaxCount (MinCount 1): a subnet with fewer free addresses launches as many as it holds. */
    readonly max: number,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return super.check(m) && m.instances.length < 24;
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = this.n % m.subnets!.length;
    const subnet = m.subnets![k]!;
    const free = subnet.size - RESERVED - holders(m, k);
    const { got, instances } = await launchOrNothing(m, r, {
      MaxCount: this.max,
      // Offered in every us-east-1 zone (the default type, m1.small, is not offered in e and f).
      InstanceType: "t2.micro",
      SubnetId: r.subnetIds![k]!,
      ...(this.key === undefined ? {} : { KeyName: this.key }),
    });
    count(`run in subnet: ${got}${got === "ok" && free < this.max ? " (fewer than MaxCount)" : ""}`);
    // The subnet is looked up before the key pair.
    let expected = "ok";
    if (subnet.deleted) expected = "InvalidSubnetID.NotFound";
    else if (this.key !== undefined && !keysOf(m).has(this.key)) expected = "InvalidKeyPair.NotFound";
    else if (free < 1) expected = "InsufficientFreeAddressesInSubnet";
    expect(got, `${this} (deleted: ${subnet.deleted}, free: ${free})`).toBe(expected);
    if (got !== "ok") return;
    expect(instances.map((i) => [i.SubnetId, i.VpcId, i.Placement?.AvailabilityZone, i.KeyName])).toEqual(
      Array.from({ length: Math.min(this.max, free) }, () => [r.subnetIds![k], r.vpcIds![subnet.vpc], subnet.zone, this.key]),
    );
    for (const instance of instances)
      launched(m, r, instance, { subnet: k, publicIp: subnet.mapPublic, ...(this.key === undefined ? {} : { keyName: this.key }) });
  }
  toString(): string {
    return `runInSubnet(#${this.n}, ${this.max}${this.key === undefined ? "" : `, ${this.key}`})`;
  }
}

/** DescribeVpcs: the default VPC, then the VPCs created and not deleted, in creation order. */
class DescribeVpcs extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new DescribeVpcsCommand({}));
    const seen = (out.Vpcs ?? []).map((v) => [v.VpcId, v.CidrBlock, v.IsDefault, v.State]);
    const expected = [
      [r.defaultVpcId, "172.31.0.0/16", true, "available"],
      ...(m.vpcs ?? []).flatMap((v, k) => (v.deleted ? [] : [[r.vpcIds![k], v.cidr, false, "available"]])),
    ];
    count(`describe vpcs (${expected.length})`);
    expect(seen).toEqual(expected);
  }
  toString(): string {
    return "describeVpcs()";
  }
}

/**
 * DescribeSubnets: the subnets created and not deleted, in creation order,
 * with their free addresses; the default subnets' free addresses account for
 * every other still-visible instance.
 */
class DescribeSubnets extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new DescribeSubnetsCommand({}));
    const all = out.Subnets ?? [];
    const custom = all.filter((s) => s.DefaultForAz === false);
    const seen = custom.map((s) => [
      s.SubnetId,
      s.VpcId,
      s.CidrBlock,
      s.AvailabilityZone,
      s.MapPublicIpOnLaunch,
      s.AvailableIpAddressCount,
    ]);
    const expected = (m.subnets ?? []).flatMap((s, k) =>
      s.deleted ? [] : [[r.subnetIds![k], r.vpcIds![s.vpc], s.cidr, s.zone, s.mapPublic, s.size - RESERVED - holders(m, k)]],
    );
    count(`describe subnets (${expected.length})`);
    expect(seen).toEqual(expected);
    const defaults = all.filter((s) => s.DefaultForAz === true);
    expect(defaults.map((s) => [s.VpcId, s.MapPublicIpOnLaunch])).toEqual(ZONES_OF_US_EAST_1.map(() => [r.defaultVpcId, true]));
    const inDefault = defaults.reduce((n, s) => n + 4096 - RESERVED - s.AvailableIpAddressCount!, 0);
    expect(inDefault).toBe(visible(m).filter((i) => m.instances[i]!.subnet === undefined).length);
  }
  toString(): string {
    return "describeSubnets()";
  }
}

/** Where every visible instance is (VPC, subnet, zone), its key pair and whether it has a public address, as the model says. */
class DescribeWhere extends AnyTimeCmd {
  async run(m: Model, r: Real): Promise<void> {
    const out = await r.client.send(new DescribeInstancesCommand({}));
    const seen = new Map<string, unknown[]>();
    for (const res of out.Reservations ?? [])
      for (const i of res.Instances ?? [])
        seen.set(i.InstanceId!, [i.VpcId, i.SubnetId, i.Placement?.AvailabilityZone, i.KeyName, i.PublicIpAddress !== undefined]);
    const expected = new Map(
      visible(m).map((k) => {
        const inst = m.instances[k]!;
        const placed = r.placed![k]!;
        const terminated = inst.state === "terminated";
        // A terminated instance has no interface left; a running (or stopping) one has its public address if its subnet gave one.
        const publicIp = (inst.publicIp ?? true) && (inst.state === "running" || inst.state === "stopping");
        return [
          r.ids[k]!,
          [terminated ? undefined : placed.vpcId, terminated ? undefined : placed.subnetId, placed.zone, inst.keyName, publicIp],
        ];
      }),
    );
    count("describe where");
    expect(seen).toEqual(expected);
  }
  toString(): string {
    return "describeWhere()";
  }
}

const index = fc.nat({ max: 1000 });
const key = fc.constantFrom("Env", "Team");
const value = fc.constantFrom("a", "b");
const keyName = fc.constantFrom("k1", "k2", "k3");
const commands = [
  fc.integer({ min: 1, max: 3 }).map((n) => new Run(n)),
  fc.tuple(index, fc.constantFrom<StopMode>("plain", "force", "skipOs", "hibernate")).map(([n, mode]) => new Stop(n, mode)),
  index.map((n) => new Start(n)),
  index.map((n) => new Reboot(n)),
  index.map((n) => new Terminate(n)),
  fc.tuple(index, key, value).map(([n, k, v]) => new Tag(n, k, v)),
  fc.constantFrom(1_000, 60_000, 30 * 60_000, 61 * 60_000).map((ms) => new Advance(ms)),
  index.map((n) => new GuestShutdown(n)),
  fc.tuple(index, fc.boolean()).map(([n, s]) => new HostStuck(n, s)),
  fc.constant(new DescribeAll()),
  fc.constant(new DescribeZones()),
  fc.constant(new DescribeTags()),
  fc.tuple(index, fc.constantFrom<"optional" | "required">("optional", "required")).map(([n, t]) => new ModifyMetadata(n, t)),
  fc.constant(new DescribeMetadata()),
  fc.tuple(key, value, fc.constantFrom<State>("running", "stopped", "stopping")).map(([k, v, s]) => new DescribeByTag(k, v, s)),
  fc.constantFrom("web", "db", "ssh").map((name) => new CreateGroup(name)),
  index.map((n) => new DeleteGroup(n)),
  fc.tuple(index, fc.constantFrom(22, 80, 443)).map(([n, port]) => new AuthorizePort(n, port)),
  fc.tuple(index, fc.constantFrom(22, 80, 443)).map(([n, port]) => new RevokePort(n, port)),
  index.map((n) => new RunInGroup(n)),
  fc.constant(new DescribeGroups()),
  fc.tuple(keyName, fc.integer({ min: -1, max: IMPORTABLE.length - 1 })).map(([name, how]) => new CreateKey(name, how)),
  fc.tuple(keyName, fc.boolean()).map(([name, byId]) => new DeleteKey(name, byId)),
  fc.option(keyName, { nil: undefined }).map((name) => new DescribeKeys(name)),
  keyName.map((name) => new RunWithKey(name)),
  // Twice: so that a run reaches the quota of five VPCs now and then.
  fc.constantFrom(...VPC_CIDRS).map((cidr) => new CreateVpc(cidr)),
  fc.constantFrom(...VPC_CIDRS).map((cidr) => new CreateVpc(cidr)),
  index.map((n) => new DeleteVpc(n)),
  fc.tuple(index, fc.nat({ max: SUBNET_BLOCKS.length - 1 }), fc.constantFrom(...ZONES)).map(([n, b, z]) => new CreateSubnet(n, b, z)),
  index.map((n) => new DeleteSubnet(n)),
  fc.tuple(index, fc.boolean()).map(([n, on]) => new MapPublicIp(n, on)),
  fc
    .tuple(index, fc.option(keyName, { nil: undefined, freq: 2 }), fc.constantFrom(1, 2, 12))
    .map(([n, key, max]) => new RunInSubnet(n, key, max)),
  fc.constant(new DescribeVpcs()),
  fc.constant(new DescribeSubnets()),
  fc.constant(new DescribeWhere()),
];

describe("the lifecycle against a reference model (fast-check commands)", () => {
  useFrozenClock({ now: Date.UTC(2026, 0, 1) });

  it(`agrees with the model on every call (runs: ${RUNS})`, { timeout: Math.max(600_000, RUNS * 100) }, async () => {
    // Every run starts with a small fleet, so that the first commands have something to act on.
    await runModel("model.property", commands, tally, async (ec2, client) => {
      const model: Model = { instances: [], now: 0 };
      const real: Real = { ec2, client, ids: [] };
      await new Run(3).run(model, real);
      real.defaultVpcId = real.placed![0]!.vpcId;
      // And a VPC with a small subnet (11 free addresses), so that the subnet commands have one to act on.
      await new CreateVpc("10.0.0.0/16").run(model, real);
      await new CreateSubnet(0, SMALL_BLOCK, "us-east-1b").run(model, real);
      return { model, real };
    });
  });
});

/**
 * Tag filters over a large fleet, where the tag index narrows the candidates
 * (src/aws/ec2/model/tag-index.ts; rare tags, a small share of the fleet): the model
 * above never grows that large, so this checks the answers against the truth
 * after every kind of change: tags created, overwritten and deleted,
 * launches, instances vanishing, and reset. tag-index.property.test.ts
 * checks the same against a brute-force scan on random sequences.
 */
describe("tag filters on a large fleet", () => {
  useFrozenClock({ now: Date.UTC(2026, 0, 1) });

  it("answer exactly after every kind of change", { timeout: 120_000 }, async () => {
    const ec2 = createEc2Mock({ timing: "instant" });
    const client = new EC2Client({ region: "us-east-1" });
    client.middlewareStack.use(ec2);
    const ids: string[] = [];
    const launch = async (n: number, team: string) => {
      const out = await client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          MinCount: n,
          MaxCount: n,
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Team", Value: team }] }],
        }),
      );
      const launched = out.Instances!.map((i) => i.InstanceId!);
      ids.push(...launched);
      return launched;
    };
    const byTag = async (key: string, values: string[], extra: { Name: string; Values: string[] }[] = []) => {
      const out = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${key}`, Values: values }, ...extra] }));
      return (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
    };
    const first = await launch(1000, "bulk");
    await launch(100, "bulk");
    const alpha = await launch(10, "alpha");
    expect(await byTag("Team", ["alpha"])).toEqual(alpha); // 10 of 1,110: from the index

    // Tags changed after the index exists: created, overwritten, deleted.
    await client.send(new CreateTagsCommand({ Resources: [first[5]!, first[7]!], Tags: [{ Key: "Team", Value: "alpha" }] }));
    await client.send(new CreateTagsCommand({ Resources: [alpha[0]!], Tags: [{ Key: "Team", Value: "beta" }] }));
    await client.send(new DeleteTagsCommand({ Resources: [alpha[1]!], Tags: [{ Key: "Team" }] }));
    await client.send(new CreateTagsCommand({ Resources: [first[9]!], Tags: [{ Key: "Owner", Value: "x" }] }));
    expect(await byTag("Team", ["alpha"])).toEqual([first[5]!, first[7]!, ...alpha.slice(2)]);
    expect(await byTag("Team", ["beta"])).toEqual([alpha[0]!]);
    expect(await byTag("Owner", ["x"])).toEqual([first[9]!]);
    expect(await byTag("Team", ["alpha", "beta"], [{ Name: "instance-state-name", Values: ["running"] }])).toHaveLength(11);

    // Launched after the index exists; wildcards fall back to the compiled filters.
    const gamma = await launch(3, "alpha");
    expect(await byTag("Team", ["alpha"])).toEqual([first[5]!, first[7]!, ...alpha.slice(2), ...gamma]);
    expect(await byTag("Team", ["al*"])).toEqual([first[5]!, first[7]!, ...alpha.slice(2), ...gamma]);

    // Terminated instances stay visible for an hour, then vanish from the index too.
    await client.send(new TerminateInstancesCommand({ InstanceIds: gamma }));
    expect(await byTag("Team", ["alpha"], [{ Name: "instance-state-name", Values: ["terminated"] }])).toEqual(gamma);
    ec2.advance(61 * 60_000);
    expect(await byTag("Team", ["alpha"])).toEqual([first[5]!, first[7]!, ...alpha.slice(2)]);

    // Reset empties the fleet and its index; a new large fleet is indexed afresh.
    ec2.reset();
    expect(await byTag("Team", ["alpha"])).toEqual([]);
    await launch(1000, "bulk");
    await launch(100, "bulk");
    const delta = await launch(2, "alpha");
    expect(await byTag("Team", ["alpha"])).toEqual(delta);
    client.destroy();
  });
});
