/**
 * DescribeInstances' tag index against a brute-force scan. fast-check drives
 * random sequences of launches (with TagSpecifications), CreateTags,
 * DeleteTags (by key, by key and value, all), stops, terminations, clock
 * moves past the terminated instances' visibility (they vanish), reset, and
 * snapshot/restore (into the same mock or a fresh one); after every step, tag queries
 * (`tag:KEY` with literal and wildcard values, `tag-key`, `tag-value`, with
 * and without a state filter, whole or paged) must return exactly what
 * filtering the unfiltered listing by hand returns: the same reservations,
 * instances, order and pages.
 *
 * The fleet starts with untagged bulk instances, so that the tags the steps
 * set select a small share of it and the query takes the index (the region
 * uses it below an eighth of the fleet); the steps act on the instances they
 * launched, which are the tagged ones. Queries that select more take the
 * scan. Both must agree with the brute force.
 *
 * Runs: PROPERTY_RUNS, default 60; TAG_INDEX_SEED replays a seed.
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  EC2Client,
  type Filter,
  type Instance,
  type Reservation,
  RunInstancesCommand,
  StopInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID } from "../src/index.js";
import { useFrozenClock } from "./helpers.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const SEED = process.env.TAG_INDEX_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.TAG_INDEX_SEED);
const BULK = 64;
const KEYS = ["Team", "Env", "Owner"] as const;
const VALUES = ["alpha", "beta", "gamma", "", "al"] as const;

type Step =
  | { kind: "launch"; count: number; tags: Tag[]; zone: string }
  | { kind: "create"; pick: number[]; tags: Tag[] }
  | { kind: "delete"; pick: number[]; tags: Tag[] }
  | { kind: "stop"; pick: number[] }
  | { kind: "terminate"; pick: number[] }
  | { kind: "advance"; minutes: number }
  | { kind: "restore"; fresh: boolean }
  | { kind: "reset" };

const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom(...VALUES);
const tag = fc.record({ Key: key, Value: value });
const pick = fc.array(fc.nat(), { minLength: 1, maxLength: 4 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("launch" as const),
    count: fc.integer({ min: 1, max: 4 }),
    tags: fc.array(tag, { maxLength: 3 }),
    zone: fc.constantFrom("a", "b"),
  }),
  fc.record({ kind: fc.constant("create" as const), pick, tags: fc.array(tag, { minLength: 1, maxLength: 2 }) }),
  fc.record({
    kind: fc.constant("delete" as const),
    pick,
    // A key alone deletes it whatever its value; with a value only when it matches; none deletes every tag.
    tags: fc.array(fc.oneof(fc.record({ Key: key }), tag), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant("stop" as const), pick }),
  fc.record({ kind: fc.constant("terminate" as const), pick }),
  fc.record({ kind: fc.constant("advance" as const), minutes: fc.constantFrom(1, 61) }),
  fc.record({ kind: fc.constant("restore" as const), fresh: fc.boolean() }),
  fc.constant({ kind: "reset" as const }),
);

/** A query: one tag filter (sometimes with a wildcard), maybe a state filter, maybe paged. */
const query = fc.record({
  tagFilter: fc.oneof(
    fc.record({
      Name: key.map((k) => `tag:${k}`),
      Values: fc.array(fc.oneof(value, fc.constantFrom("al*", "?eta", "*")), { maxLength: 2 }),
    }),
    fc.record({ Name: fc.constant("tag-key"), Values: fc.array(fc.oneof(key, fc.constant("T*")), { minLength: 1, maxLength: 2 }) }),
    fc.record({ Name: fc.constant("tag-value"), Values: fc.array(value, { minLength: 1, maxLength: 2 }) }),
  ),
  state: fc.option(fc.constantFrom("running", "stopped", "terminated"), { nil: undefined }),
  pageSize: fc.option(fc.integer({ min: 5, max: 7 }), { nil: undefined }),
});

/** EC2's pattern semantics for the patterns generated here (`*`, `?`, no escapes). */
function matches(pattern: string, text: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${source}$`, "u").test(text);
}

/** Whether one instance passes a filter, decided from what DescribeInstances shows of it. */
function passes(instance: Instance, filter: Filter): boolean {
  const tags = instance.Tags ?? [];
  const values = filter.Values ?? [];
  const any = (texts: string[]) => (values.length === 0 ? texts.length > 0 : texts.some((t) => values.some((p) => matches(p, t))));
  if (filter.Name === "instance-state-name") return any([instance.State!.Name!]);
  if (filter.Name === "tag-key") return any(tags.map((t) => t.Key!));
  if (filter.Name === "tag-value") return any(tags.map((t) => t.Value!));
  const k = filter.Name!.slice("tag:".length);
  return any(tags.filter((t) => t.Key === k).map((t) => t.Value!));
}

/** The brute force: the unfiltered listing, each reservation keeping the instances that pass, empty ones dropped. */
function byHand(all: Reservation[], filters: Filter[]): Reservation[] {
  return all
    .map((r) => ({ ...r, Instances: r.Instances!.filter((i) => filters.every((f) => passes(i, f))) }))
    .filter((r) => r.Instances.length > 0);
}

async function describeAllPages(client: EC2Client, filters: Filter[], pageSize: number | undefined): Promise<Reservation[][]> {
  const pages: Reservation[][] = [];
  let token: string | undefined;
  do {
    const out: DescribeInstancesCommandOutput = await client.send(
      new DescribeInstancesCommand({
        Filters: filters,
        ...(pageSize === undefined ? {} : { MaxResults: pageSize }),
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    );
    pages.push(out.Reservations ?? []);
    token = out.NextToken;
  } while (token !== undefined);
  return pages;
}

interface World {
  ec2: Ec2Mock;
  client: EC2Client;
  /** Every id launched, visible or not (steps pick among them; gone ones are skipped). */
  ids: string[];
}

function connect(ec2: Ec2Mock): EC2Client {
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  return client;
}

async function visibleIds(w: World): Promise<Set<string>> {
  const out = await w.client.send(new DescribeInstancesCommand({}));
  return new Set((out.Reservations ?? []).flatMap((r) => r.Instances!.map((i) => i.InstanceId!)));
}

/**
 * The instances a step acts on: picked among the visible ones the steps
 * launched (so that tagged instances get stopped, terminated and vanish),
 * among the bulk when none is left.
 */
async function picked(w: World, pick: number[]): Promise<string[]> {
  const visible = await visibleIds(w);
  const launched = w.ids.filter((id) => visible.has(id));
  const pool = launched.length > 0 ? launched : [...visible];
  return pool.length === 0 ? [] : [...new Set(pick.map((n) => pool[n % pool.length]!))];
}

/** Untagged instances, so that the tags the steps set are a small share of the fleet. */
async function launchBulk(client: EC2Client): Promise<void> {
  await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: BULK, MaxCount: BULK }));
}

async function apply(w: World, s: Step): Promise<void> {
  switch (s.kind) {
    case "launch": {
      const out = await w.client.send(
        new RunInstancesCommand({
          ImageId: LINUX_AMI_ID,
          MinCount: s.count,
          MaxCount: s.count,
          Placement: { AvailabilityZone: `us-east-1${s.zone}` },
          ...(s.tags.length === 0 ? {} : { TagSpecifications: [{ ResourceType: "instance", Tags: s.tags }] }),
        }),
      );
      w.ids.push(...out.Instances!.map((i) => i.InstanceId!));
      return;
    }
    case "create":
    case "delete": {
      const ids = await picked(w, s.pick);
      if (ids.length === 0) return;
      if (s.kind === "create") await w.client.send(new CreateTagsCommand({ Resources: ids, Tags: s.tags }));
      else await w.client.send(new DeleteTagsCommand({ Resources: ids, Tags: s.tags }));
      return;
    }
    case "stop":
    case "terminate": {
      const ids = await picked(w, s.pick);
      if (ids.length === 0) return;
      // Stopping a terminated instance is refused as on EC2; the step then changes nothing.
      const Command = s.kind === "stop" ? StopInstancesCommand : TerminateInstancesCommand;
      await w.client.send(new Command({ InstanceIds: ids })).catch(() => undefined);
      return;
    }
    case "advance":
      w.ec2.advance(s.minutes * 60_000);
      return;
    case "reset":
      // An empty fleet, then a new bulk: nothing of the old fleet may answer a query.
      w.ec2.reset();
      w.ids.length = 0;
      await launchBulk(w.client);
      return;
    case "restore": {
      // From the JSON text of a snapshot: into a fresh mock, whose index starts empty, or into the
      // same one, whose index must forget the records the restore replaces.
      const text = JSON.stringify(w.ec2.snapshot());
      if (!s.fresh) {
        w.ec2.restore(JSON.parse(text));
        return;
      }
      const next = createEc2Mock({ timing: "instant" });
      next.restore(JSON.parse(text));
      w.client.destroy();
      w.ec2 = next;
      w.client = connect(next);
      return;
    }
  }
}

describe("the tag index", () => {
  useFrozenClock({ now: Date.UTC(2026, 0, 1) });

  it(`answers every tag query exactly as a scan does (runs: ${RUNS})`, { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(step, fc.array(query, { minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 20 }),
        async (script) => {
          const ec2 = createEc2Mock({ timing: "instant" });
          const w: World = { ec2, client: connect(ec2), ids: [] };
          try {
            await launchBulk(w.client);
            for (const [s, queries] of script) {
              await apply(w, s);
              const all = (await w.client.send(new DescribeInstancesCommand({}))).Reservations ?? [];
              for (const q of queries) {
                const filters: Filter[] = [
                  q.tagFilter,
                  ...(q.state === undefined ? [] : [{ Name: "instance-state-name", Values: [q.state] }]),
                ];
                const expected = byHand(all, filters);
                const pages = await describeAllPages(w.client, filters, q.pageSize);
                if (q.pageSize === undefined) {
                  expect(pages).toEqual([expected]);
                } else {
                  // Pages split reservations; together they hold the same instances in the same order.
                  const flat = (rs: Reservation[]) => rs.flatMap((r) => r.Instances!.map((i) => [r.ReservationId, i] as const));
                  expect(pages.flatMap(flat)).toEqual(flat(expected));
                  for (const page of pages.slice(0, -1)) expect(flat(page)).toHaveLength(q.pageSize);
                }
              }
            }
          } finally {
            w.client.destroy();
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, verbose: 1 },
    );
  });
});
