import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeInstancesCommand,
  EC2Client,
  EC2ServiceException,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import type { NormalizedSchema } from "@smithy/core/schema";
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import {
  createEc2Mock,
  type DurationOverrides,
  type Durations,
  type Ec2Mock,
  type Ec2MockOptions,
  LINUX_AMI_ID,
  type PolicyStatement,
  realisticDurations,
} from "../src/index.js";
import { loadWireDeps } from "../src/protocols/ec2-query/deps.js";
import { shapesOf } from "../src/protocols/ec2-query/schemas.js";

/** us-east-1's six zones as EC2 names them for the mock's account, with their zone ids, in name order. */
export const US_EAST_1_ZONES: [name: string, id: string][] = [
  ["us-east-1a", "use1-az2"],
  ["us-east-1b", "use1-az4"],
  ["us-east-1c", "use1-az6"],
  ["us-east-1d", "use1-az1"],
  ["us-east-1e", "use1-az3"],
  ["us-east-1f", "use1-az5"],
];

/** Mock options with one IAM policy (version 2012-10-17) of these statements, for the default principal. */
export function iamPolicy(...Statement: PolicyStatement[]): Ec2MockOptions {
  return { iam: { policies: [{ Version: "2012-10-17", Statement }] } };
}

/** A mock and a real EC2Client wired to it, as users set them up. */
export function setup(options: Ec2MockOptions = {}): { ec2: Ec2Mock; client: EC2Client } {
  const ec2 = createEc2Mock(options);
  const client = new EC2Client({ region: options.region ?? "us-east-1" });
  client.middlewareStack.use(ec2);
  return { ec2, client };
}

/** Launches instances through the client and returns them as RunInstances did. */
export async function launch(client: EC2Client, input: Partial<RunInstancesCommandInput> = {}): Promise<Instance[]> {
  const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1, ...input }));
  return out.Instances ?? [];
}

/** Launches and returns only the ids. */
export async function launchIds(client: EC2Client, input: Partial<RunInstancesCommandInput> = {}): Promise<string[]> {
  return (await launch(client, input)).map((i) => i.InstanceId!);
}

/** Every instance DescribeInstances shows, by id. */
export async function describeAll(client: EC2Client, ids?: string[]): Promise<Map<string, Instance>> {
  const out = await client.send(new DescribeInstancesCommand(ids === undefined ? {} : { InstanceIds: ids }));
  const byId = new Map<string, Instance>();
  for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) byId.set(i.InstanceId!, i);
  return byId;
}

/** The EC2 state name of one instance, as DescribeInstances shows it. */
export async function stateOf(client: EC2Client, id: string): Promise<string | undefined> {
  return (await describeAll(client, [id])).get(id)?.State?.Name;
}

/** What an EC2 error must look like through the SDK. */
export interface ExpectedError {
  name: string;
  message: string;
  status: number;
}

/**
 * Asserts that `call` rejects with the SDK's EC2ServiceException carrying
 * exactly this code, message and HTTP status (and the matching `$fault`).
 */
export async function expectEc2Error(call: Promise<unknown>, expected: ExpectedError): Promise<EC2ServiceException> {
  const error = await call.then(
    () => {
      throw new Error(`expected ${expected.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EC2ServiceException);
  const e = error as EC2ServiceException & { Code?: string };
  expect({ name: e.name, message: e.message, status: e.$metadata.httpStatusCode, fault: e.$fault, code: e.Code }).toEqual({
    name: expected.name,
    message: expected.message,
    status: expected.status,
    fault: expected.status < 500 ? "client" : "server",
    code: expected.name,
  });
  return e;
}

/**
 * Freezes `Date` for every test of the calling file (or `describe` block):
 * real time moves between two calls, so mock time then moves only by
 * `advance()` and `settle()`, and transition boundaries are exact. Timers stay
 * real unless `timers` is set, which also fakes them (for the SDK's waiters).
 */
export function useFrozenClock(options: { now?: Date | number; timers?: boolean } = {}): void {
  beforeEach(() => {
    vi.useFakeTimers(options.timers ? { now: options.now } : { toFake: ["Date"], now: options.now });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/**
 * Whether the installed SDK's input schema of `action` has the member at
 * `path` (e.g. ["Monitoring", "MetricCategoryIds"]): CI also runs the suite
 * with the oldest SDK the peer range allows, which lacks members added since
 * (and drops them, as its serializer would, before the mock sees them).
 */
export async function sdkHasMember(action: string, path: readonly string[]): Promise<boolean> {
  await loadWireDeps();
  let schema = shapesOf(action)?.input;
  for (const name of path) {
    if (schema === undefined) return false;
    if (schema.isListSchema()) schema = schema.getValueSchema();
    if (!schema.isStructSchema()) return false;
    const members = schema.getMemberSchemas();
    schema = members[name];
  }
  return schema !== undefined;
}

/**
 * A function that keeps of a value only what the installed SDK's output
 * schema of `action` declares at `path` (e.g. ["InstanceTypes"]): what a
 * client reads from the wire, whose deserializer drops members its schema
 * lacks. CI also runs the suite with the oldest SDK the peer range allows,
 * which lacks members added since; with the lockfile's SDK it changes nothing.
 */
export async function sdkOutputView(action: string, path: readonly string[]): Promise<<T>(value: T) => T> {
  await loadWireDeps();
  let schema = shapesOf(action)?.output;
  for (const name of path) schema = schema?.isStructSchema() ? schema.getMemberSchemas()[name] : undefined;
  if (schema === undefined) throw new Error(`no output member ${path.join(".")} of ${action} in the installed SDK`);
  const prune = (s: NormalizedSchema, value: unknown): unknown => {
    if (Array.isArray(value) && s.isListSchema()) return value.map((item) => prune(s.getValueSchema(), item));
    if (value === null || typeof value !== "object" || !s.isStructSchema()) return value;
    const members = s.getMemberSchemas();
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const member = members[key];
      if (member !== undefined) out[key] = prune(member, item);
    }
    return out;
  };
  const root = schema;
  return <T>(value: T) => prune(root, value) as T;
}

/**
 * The `timing` option of `"instant"` but for the durations named, which keep
 * their realistic figure: e.g. `instantBut("imageCreate")` for instances that
 * run at once and images that stay `pending` for their minutes.
 */
export function instantBut(...keep: (keyof Durations)[]): DurationOverrides {
  const overrides: Record<string, number> = {};
  for (const key of Object.keys(realisticDurations) as (keyof Durations)[]) {
    if (key !== "terminatedVisibility" && key !== "spotCapacityReturn" && !keep.includes(key)) overrides[key] = 0;
  }
  return overrides as DurationOverrides;
}

/** A temporary directory for one test file: made before its tests, removed after them. */
export interface TempDir {
  /** The directory (set once the file's tests start). */
  readonly dir: string;
  /** A new path in it that does not exist yet: `<stem>-<n>.json`. */
  fresh(stem: string): string;
}

/** Registers a temporary directory named after `prefix` for the calling test file (see {@link TempDir}). */
export function useTempDir(prefix: string): TempDir {
  let dir = "";
  let counter = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    fresh: (stem) => join(dir, `${stem}-${++counter}.json`),
  };
}
