/**
 * DescribeTags against a simple model. fast-check drives random sequences of
 * CreateTags and DeleteTags (by key, by key and value, all tags; several
 * resources at once) over 8 instances, their root volumes and 2 Elastic IPs
 * (more resources than two pages hold, so that paging keeps a window),
 * some calls naming a resource that does not exist (refused: nothing
 * changes). The model is a map per resource id (a new key goes last, an
 * overwritten key keeps its place, a tag without a value is ""). After every
 * step:
 * - DescribeTags, whole and walked page by page under a random filter and
 *   page size, equals the model's rows, by resource id then key;
 * - DescribeInstances, DescribeVolumes and DescribeAddresses show each
 *   resource's tags in the model's order.
 *
 * Runs: PROPERTY_RUNS, default 40; DESCRIBE_TAGS_SEED replays a seed.
 */
import {
  AllocateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type Filter,
  RunInstancesCommand,
  type Tag,
  type TagDescription,
} from "@aws-sdk/client-ec2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID } from "../src/index.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const SEED =
  process.env.DESCRIBE_TAGS_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.DESCRIBE_TAGS_SEED);
const KEYS = ["Name", "env", "team", "a"] as const;
const VALUES = ["web", "dev", "", "prod"] as const;
const MISSING = ["i-0123456789abcdef0", "vol-0123456789abcdef0", "eipalloc-0123456789abcdef0"] as const;

type Step =
  | { kind: "create"; pick: number[]; tags: Tag[]; missing: number | null }
  | { kind: "delete"; pick: number[]; tags: Tag[]; missing: number | null };

const tag: fc.Arbitrary<Tag> = fc.oneof(
  fc.record({ Key: fc.constantFrom(...KEYS), Value: fc.constantFrom(...VALUES) }),
  fc.record({ Key: fc.constantFrom(...KEYS) }),
);
const pick = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });
// A missing resource now and then: the whole call is refused.
const missing = fc.option(fc.constantFrom(0, 1, 2), { freq: 6 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), pick, tags: fc.array(tag, { minLength: 1, maxLength: 3 }), missing }),
  fc.record({ kind: fc.constant("delete" as const), pick, tags: fc.array(tag, { maxLength: 2 }), missing }),
);
/** A query: a filter (or none) and a page size. */
const query = fc.record({
  filter: fc.option(
    fc.oneof(
      fc.record({ Name: fc.constant("key"), Values: fc.array(fc.constantFrom(...KEYS, "e*", "?"), { minLength: 1, maxLength: 2 }) }),
      fc.record({ Name: fc.constant("value"), Values: fc.array(fc.constantFrom(...VALUES, "*e*"), { minLength: 1, maxLength: 2 }) }),
      fc.record({
        Name: fc.constant("resource-type"),
        Values: fc.array(fc.constantFrom("instance", "volume", "elastic-ip", "vpc"), { minLength: 1, maxLength: 2 }),
      }),
      fc.record({
        Name: fc.constantFrom("tag:env", "tag:Name"),
        Values: fc.array(fc.constantFrom(...VALUES, "*"), { minLength: 1, maxLength: 2 }),
      }),
    ),
    { nil: undefined },
  ),
  max: fc.integer({ min: 5, max: 8 }),
});

/** A model resource: its id, type and tags in order. */
interface Resource {
  readonly id: string;
  readonly type: string;
  readonly tags: Map<string, string>;
}

/** A tiny EC2-pattern matcher for the model (`*`, `?`; the patterns here have no escapes). */
function matches(pattern: string, value: string): boolean {
  if (pattern === "") return value === "";
  const [head, ...rest] = [...pattern];
  if (head === "*") return matches(rest.join(""), value) || (value !== "" && matches(pattern, value.slice(1)));
  if (value === "") return false;
  if (head === "?" || head === value[0]) return matches(rest.join(""), value.slice(1));
  return false;
}

/** The model's DescribeTags answer: every row the filter accepts, by resource id then key. */
function expectedRows(resources: readonly Resource[], filter: Filter | undefined): TagDescription[] {
  const rows: TagDescription[] = [];
  for (const r of resources) {
    for (const [Key, Value] of r.tags) {
      const values = filter?.Values ?? [];
      const subject =
        filter === undefined
          ? undefined
          : filter.Name === "key"
            ? Key
            : filter.Name === "value"
              ? Value
              : filter.Name === "resource-type"
                ? r.type
                : r.tags.get(filter.Name!.slice("tag:".length));
      if (filter !== undefined && (subject === undefined || !values.some((p) => matches(p, subject)))) continue;
      rows.push({ Key, ResourceId: r.id, ResourceType: r.type as TagDescription["ResourceType"], Value });
    }
  }
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort((a, b) => text(a.ResourceId!, b.ResourceId!) || text(a.Key!, b.Key!));
}

/** Applies a successful call to the model, as EC2 documents CreateTags and DeleteTags. */
function apply(targets: readonly Resource[], s: Step): void {
  for (const r of targets) {
    if (s.kind === "create") {
      for (const t of s.tags) r.tags.set(t.Key!, t.Value ?? "");
    } else if (s.tags.length === 0) {
      r.tags.clear();
    } else {
      for (const t of s.tags) if (t.Value === undefined || r.tags.get(t.Key!) === t.Value) r.tags.delete(t.Key!);
    }
  }
}

const asTags = (tags: Map<string, string>) => [...tags].map(([Key, Value]) => ({ Key, Value }));

describe("DescribeTags equals a model of CreateTags and DeleteTags on instances, volumes and addresses", () => {
  it(`after every step, whole and paged (${RUNS} runs, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.array(query, { minLength: 1, maxLength: 3 }),
        async (steps, queries) => {
          const ec2 = createEc2Mock({ timing: "instant" });
          const client = new EC2Client({ region: "us-east-1" });
          client.middlewareStack.use(ec2);
          try {
            // Every resource starts with one tag, so that a page's window fills.
            const launched = await client.send(
              new RunInstancesCommand({
                ImageId: LINUX_AMI_ID,
                MinCount: 8,
                MaxCount: 8,
                TagSpecifications: [
                  { ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] },
                  { ResourceType: "volume", Tags: [{ Key: "env", Value: "dev" }] },
                ],
              }),
            );
            const resources: Resource[] = [];
            for (const i of launched.Instances!) {
              resources.push({ id: i.InstanceId!, type: "instance", tags: new Map([["Name", "web"]]) });
              resources.push({ id: i.BlockDeviceMappings![0]!.Ebs!.VolumeId!, type: "volume", tags: new Map([["env", "dev"]]) });
            }
            for (let n = 0; n < 2; n++) {
              const { AllocationId } = await client.send(
                new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: "elastic-ip", Tags: [{ Key: "team", Value: "" }] }] }),
              );
              resources.push({ id: AllocationId!, type: "elastic-ip", tags: new Map([["team", ""]]) });
            }
            for (const [n, s] of steps.entries()) {
              const targets = [...new Set(s.pick.map((p) => resources[p % resources.length]!))];
              const Resources = [...targets.map((r) => r.id), ...(s.missing === null ? [] : [MISSING[s.missing]!])];
              const Tags = s.tags;
              const call =
                s.kind === "create"
                  ? client.send(new CreateTagsCommand({ Resources, Tags }))
                  : client.send(new DeleteTagsCommand({ Resources, ...(Tags.length === 0 ? {} : { Tags }) }));
              const outcome = await call.then(
                () => "ok",
                (e: Error) => e.name,
              );
              expect(outcome, `step ${n}`).toBe(
                s.missing === null
                  ? "ok"
                  : ["InvalidInstanceID.NotFound", "InvalidVolume.NotFound", "InvalidAllocationID.NotFound"][s.missing],
              );
              if (s.missing === null) apply(targets, s);
              const sorted = [...resources].sort((a, b) => (a.id < b.id ? -1 : 1));
              expect((await client.send(new DescribeTagsCommand({}))).Tags, `step ${n}: whole`).toEqual(expectedRows(sorted, undefined));
              for (const q of queries) {
                const seen: TagDescription[] = [];
                let NextToken: string | undefined;
                do {
                  const page = await client.send(
                    new DescribeTagsCommand({ MaxResults: q.max, NextToken, ...(q.filter === undefined ? {} : { Filters: [q.filter] }) }),
                  );
                  expect(page.Tags!.length).toBeLessThanOrEqual(q.max);
                  seen.push(...page.Tags!);
                  NextToken = page.NextToken;
                } while (NextToken !== undefined);
                expect(seen, `step ${n}: ${JSON.stringify(q)}`).toEqual(expectedRows(sorted, q.filter));
              }
            }
            // Each family's own Describe shows the tags in the model's order.
            const instances = (await client.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
            const volumes = (await client.send(new DescribeVolumesCommand({}))).Volumes!;
            const addresses = (await client.send(new DescribeAddressesCommand({}))).Addresses!;
            const shown = new Map<string, Tag[]>([
              ...instances.map((i) => [i.InstanceId!, i.Tags ?? []] as const),
              ...volumes.map((v) => [v.VolumeId!, v.Tags ?? []] as const),
              ...addresses.map((a) => [a.AllocationId!, a.Tags ?? []] as const),
            ]);
            for (const r of resources) expect(shown.get(r.id), r.id).toEqual(asTags(r.tags));
          } finally {
            client.destroy();
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);
});
