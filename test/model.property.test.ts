/**
 * Model-based testing (issue 6): fast-check `commands` drive the plugin door
 * with random sequences of RunInstances, StopInstances (plain, Force,
 * SkipOsShutdown, Hibernate), StartInstances, RebootInstances,
 * TerminateInstances, DescribeInstances (whole fleet and by tag), CreateTags,
 * DescribeTags and DescribeAvailabilityZones, clock moves, guest shutdowns and stuck hosts, and (issue 15) security
 * groups: CreateSecurityGroup, DeleteSecurityGroup, Authorize/Revoke
 * ingress, launches into a group and DescribeSecurityGroups, and compare every answer with
 * a small reference model of the lifecycle. A failure shrinks to a minimal
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
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
  RebootInstancesCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";

const RUNS = Number(process.env.MODEL_RUNS ?? process.env.PROPERTY_RUNS ?? 1000);
const SEED = process.env.MODEL_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.MODEL_SEED);
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
}

interface Model {
  instances: ModelInstance[];
  now: number;
  /** The security groups created, by name, with their inbound TCP ports (issue 15). */
  groups?: Map<string, Set<number>>;
}

interface Real {
  ec2: Ec2Mock;
  client: EC2Client;
  ids: string[];
  /** The ids of the groups created, by name. */
  groupIds?: Map<string, string>;
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
const tally = new Map<string, number>();
function count(what: string): void {
  tally.set(what, (tally.get(what) ?? 0) + 1);
}

abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return visible(m as Model).length > 0;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
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
    for (const i of out.Instances!) {
      r.ids.push(i.InstanceId!);
      m.instances.push({ state: "running", hostStuck: false, tags: new Map() });
    }
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

class Advance extends Cmd {
  constructor(readonly ms: number) {
    super();
  }
  override check(): boolean {
    return true;
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
class DescribeMetadata extends Cmd {
  override check(): boolean {
    return true;
  }
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

class DescribeAll extends Cmd {
  override check(): boolean {
    return true;
  }
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

class DescribeByTag extends Cmd {
  constructor(
    readonly key: string,
    readonly value: string,
    readonly state: State,
  ) {
    super();
  }
  override check(): boolean {
    return true;
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
class DescribeTags extends Cmd {
  override check(): boolean {
    return true;
  }
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
class DescribeZones extends Cmd {
  override check(): boolean {
    return true;
  }
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

class CreateGroup extends Cmd {
  constructor(readonly name: string) {
    super();
  }
  override check(): boolean {
    return true;
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
    r.ids.push(instance.InstanceId!);
    m.instances.push({ state: "running", hostStuck: false, tags: new Map(), group: name });
  }
  toString(): string {
    return `runIn(#${this.n})`;
  }
}

class DescribeGroups extends Cmd {
  override check(): boolean {
    return true;
  }
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

const index = fc.nat({ max: 1000 });
const key = fc.constantFrom("Env", "Team");
const value = fc.constantFrom("a", "b");
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
];

describe("the lifecycle against a reference model (fast-check commands)", () => {
  useFrozenClock({ now: Date.UTC(2026, 0, 1) });

  it(`agrees with the model on every call (runs: ${RUNS})`, { timeout: Math.max(600_000, RUNS * 100) }, async () => {
    console.log(`model.property: seed ${SEED}, ${RUNS} runs (MODEL_SEED=${SEED} replays; MODEL_RUNS raises)`);
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "+1" }), async (cmds) => {
        const ec2 = createEc2Mock({ timing: "instant" });
        const client = new EC2Client({ region: "us-east-1" });
        client.middlewareStack.use(ec2);
        try {
          // Every run starts with a small fleet, so that the first commands have something to act on.
          const setupFleet = async () => {
            const model: Model = { instances: [], now: 0 };
            const real: Real = { ec2, client, ids: [] };
            await new Run(3).run(model, real);
            return { model, real };
          };
          await fc.asyncModelRun(setupFleet, cmds);
        } finally {
          client.destroy();
        }
      }),
      { numRuns: RUNS, seed: SEED, verbose: 1 },
    );
    console.log(
      [...tally]
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n"),
    );
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
