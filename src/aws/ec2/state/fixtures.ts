import type { RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import type { GuestConfig } from "../../../engine/guest.js";
import { isWellFormedId } from "../model/ids.js";
import { LINUX_AMI_ID } from "../model/images.js";
import type { Ec2Region } from "../region.js";

/**
 * The states a fixture instance can start in.
 * @public
 */
export type FixtureState = "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";

const fixtureStates: readonly FixtureState[] = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];

/**
 * Instances a mock starts with (`createEc2Mock({ instances: [...] })`), built
 * by the real operations so that they are exactly what RunInstances,
 * StopInstances and TerminateInstances would have made.
 * @public
 */
export interface InstanceFixture {
  /** The state it is in when the mock is created. */
  state: FixtureState;
  /** The image (default: the built-in Linux image, `LINUX_AMI_ID`): RunInstances' `ImageId`. */
  imageId?: string;
  /** The instance type (default as RunInstances: `m1.small`): RunInstances' `InstanceType`. */
  instanceType?: string;
  /** Tags of the instance. */
  tags?: Record<string, string>;
  /** How many such instances, launched in one reservation (default 1). */
  count?: number;
  /** A fixed instance id (`i-` and 8 or 17 lowercase hex digits); only with `count` 1. */
  id?: string;
  /** The Region it runs in (default: the mock's `region`); each Region is a world of its own. */
  region?: string;
  /** Availability zone (default `<region>a`). */
  availabilityZone?: string;
  /** Whether it may hibernate (EBS-backed images only). */
  hibernationConfigured?: boolean;
  /** Stop protection, set once the instance is in its state. */
  disableApiStop?: boolean;
  /** Termination protection, set once the instance is in its state. */
  disableApiTermination?: boolean;
  /**
   * How the guest answers shutdown requests. Applied at launch, so a
   * `stopping` fixture's stop follows it (a guest that never shuts down makes
   * a stop that never ends); for a `stopped` fixture it is applied once the
   * instance has stopped, so the fixture always reaches its state.
   */
  guest?: GuestConfig;
}

/** Runs one operation for the fixture builder (authorization off, time as the mock's). */
export type FixtureCall = (action: string, input: object, fixedInstanceIds?: readonly string[]) => object;

function fail(path: string, message: string): never {
  throw new TypeError(`ec2-mock: instances${path}: ${message}`);
}

/** Checks the `instances` option and returns it typed. */
export function checkFixtures(value: unknown): InstanceFixture[] {
  if (!Array.isArray(value)) fail("", "must be an array of instance fixtures");
  const ids = new Set<string>();
  return value.map((raw, i) => {
    if (typeof raw !== "object" || raw === null) fail(`[${i}]`, "must be an object");
    const f = raw as InstanceFixture;
    if (!fixtureStates.includes(f.state))
      fail(`[${i}].state`, `must be one of ${fixtureStates.join(", ")}; got ${JSON.stringify(f.state)}`);
    const count = f.count ?? 1;
    if (!Number.isInteger(count) || count < 1) fail(`[${i}].count`, `must be a positive integer; got ${JSON.stringify(f.count)}`);
    if (f.id !== undefined) {
      if (!isWellFormedId("i", f.id))
        fail(`[${i}].id`, `must be an instance id (i- and 8 or 17 lowercase hex digits); got ${JSON.stringify(f.id)}`);
      if (count !== 1) fail(`[${i}].id`, "a fixed id needs count 1");
      if (ids.has(f.id)) fail(`[${i}].id`, `${f.id} is used twice`);
      ids.add(f.id);
    }
    if (f.region !== undefined && (typeof f.region !== "string" || f.region === ""))
      fail(`[${i}].region`, `must be a Region name such as "eu-west-1"; got ${JSON.stringify(f.region)}`);
    if (f.tags !== undefined) {
      if (typeof f.tags !== "object" || f.tags === null || Array.isArray(f.tags)) fail(`[${i}].tags`, "must be an object of string values");
      for (const [k, v] of Object.entries(f.tags)) if (typeof v !== "string") fail(`[${i}].tags.${k}`, "must be a string");
    }
    return f;
  });
}

/** The fixtures by Region, each Region's in fixture order (launch order is per Region). */
export function fixturesByRegion(fixtures: readonly InstanceFixture[], defaultRegion: string): Map<string, InstanceFixture[]> {
  const byRegion = new Map<string, InstanceFixture[]>();
  for (const fixture of fixtures) {
    const name = fixture.region ?? defaultRegion;
    let list = byRegion.get(name);
    if (list === undefined) byRegion.set(name, (list = []));
    list.push(fixture);
  }
  return byRegion;
}

/**
 * Builds the fleet through the operations, in three rounds on the mock's
 * clock: launch everything that does not end `pending` and settle; stop or
 * terminate what ends `stopped` / `terminated` and settle; then start what
 * stays in flight (`stopping`, `shutting-down`) and launch the `pending`
 * ones. Returns the reservations' order wanted (fixture order), for the
 * caller to renumber. The caller then shifts every time back so the clock
 * offset ends at 0.
 */
export function buildFleet(region: Ec2Region, fixtures: readonly InstanceFixture[], call: FixtureCall): void {
  const launched: { fixture: InstanceFixture; ids: string[]; reservationId: string }[] = [];
  const launch = (fixture: InstanceFixture, index: number) => {
    const count = fixture.count ?? 1;
    const tags = Object.entries(fixture.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const input: RunInstancesCommandInput = {
      ImageId: fixture.imageId ?? LINUX_AMI_ID,
      MinCount: count,
      MaxCount: count,
      ...(fixture.instanceType === undefined ? {} : { InstanceType: fixture.instanceType as RunInstancesCommandInput["InstanceType"] }),
      ...(fixture.availabilityZone === undefined ? {} : { Placement: { AvailabilityZone: fixture.availabilityZone } }),
      ...(fixture.hibernationConfigured ? { HibernationOptions: { Configured: true } } : {}),
      ...(tags.length === 0 ? {} : { TagSpecifications: [{ ResourceType: "instance", Tags: tags }] }),
    };
    let out: { ReservationId?: string; Instances?: { InstanceId?: string }[] };
    try {
      out = call("RunInstances", input, fixture.id === undefined ? undefined : [fixture.id]) as typeof out;
    } catch (e) {
      throw new TypeError(`ec2-mock: instances[${index}] cannot be launched: ${(e as Error).message}`);
    }
    const ids = (out.Instances ?? []).map((i) => i.InstanceId!);
    if (fixture.guest !== undefined && fixture.state !== "stopped") {
      for (const id of ids) region.engine.configureGuest(region.instances.get(id)!.machine, fixture.guest);
    }
    launched[index] = { fixture, ids, reservationId: out.ReservationId! };
  };

  fixtures.forEach((fixture, i) => {
    if (fixture.state !== "pending") launch(fixture, i);
  });
  region.engine.settle();
  for (const entry of launched) {
    if (entry === undefined) continue;
    if (entry.fixture.state === "stopped") call("StopInstances", { InstanceIds: entry.ids });
    if (entry.fixture.state === "terminated") call("TerminateInstances", { InstanceIds: entry.ids });
  }
  region.engine.settle();
  for (const entry of launched) {
    if (entry === undefined) continue;
    if (entry.fixture.state === "stopping") call("StopInstances", { InstanceIds: entry.ids });
    if (entry.fixture.state === "shutting-down") call("TerminateInstances", { InstanceIds: entry.ids });
    if (entry.fixture.state === "stopped" && entry.fixture.guest !== undefined) {
      for (const id of entry.ids) region.engine.configureGuest(region.instances.get(id)!.machine, entry.fixture.guest);
    }
  }
  fixtures.forEach((fixture, i) => {
    if (fixture.state === "pending") launch(fixture, i);
  });
  region.catchUp();
  // Protection last: it would have refused the fixture's own stop or termination.
  for (const entry of launched) {
    for (const id of entry.ids) {
      const instance = region.instances.get(id)!;
      if (entry.fixture.disableApiStop) instance.disableApiStop = true;
      if (entry.fixture.disableApiTermination) instance.disableApiTermination = true;
    }
  }
  // Launch order is fixture order, whatever round launched each one.
  renumber(
    region,
    launched.map((entry) => entry.reservationId),
  );
}

/** Renumbers reservations (and their volumes) so that launch order is `order`. */
function renumber(region: Ec2Region, order: readonly string[]): void {
  const reservations = order.map((id) => region.reservations.get(id)!);
  const seqs = reservations.map((r) => r.seq).sort((a, b) => a - b);
  reservations.forEach((reservation, i) => {
    (reservation as { seq: number }).seq = seqs[i]!;
  });
  region.replaceFleet(reservations);
  const { live, gone, seq } = region.volumes.contents();
  const rank = new Map<string, number>();
  reservations.forEach((r, i) => {
    for (const inst of r.instances) rank.set(inst.instanceId, i);
  });
  const all = [...live, ...gone];
  const volumeSeqs = all.map((v) => v.seq).sort((a, b) => a - b);
  const sorted = [...all].sort((a, b) => (rank.get(a.launchedWith ?? "") ?? 0) - (rank.get(b.launchedWith ?? "") ?? 0) || a.seq - b.seq);
  sorted.forEach((v, i) => {
    (v as { seq: number }).seq = volumeSeqs[i]!;
  });
  const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
  region.volumes.replace([...live].sort(bySeq), [...gone].sort(bySeq), seq);
}
