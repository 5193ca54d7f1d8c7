#!/usr/bin/env node
/**
 * ec2-mock benchmarks (issues 6 and 22). Runs against the built package
 * (`npm run build` first, loaded through its own exports, "ec2-mock") and
 * prints one table: every figure is a ratio of two things measured side by
 * side in this run (interleaved rounds, median of the per-round ratios), with
 * its target. Not a test: it never fails, it reports.
 *
 *   node bench/run.mjs            (re-executes itself with --expose-gc)
 *   BENCH_QUICK=1 node bench/run.mjs   (fewer rounds and calls, for a smoke run;
 *                                       (d) and (e) still build 1k, 10k and 100k)
 *   BENCH_ONLY=a node bench/run.mjs    (only the sections of the figures named,
 *                                       comma-separated: a, b, c, d, f, g; (e) comes with (d))
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

if (typeof globalThis.gc !== "function") {
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const {
  EC2Client,
  StopInstancesCommand,
  StartInstancesCommand,
  RunInstancesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeSecurityGroupsCommand,
  CreateSecurityGroupCommand,
} = await import("@aws-sdk/client-ec2");
const { createEc2Mock, LINUX_AMI_ID } = await import("ec2-mock");

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = QUICK ? 15 : 41;
const WARM_UP_MS = QUICK ? 1_500 : 3_000;
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const rows = [];
/** The figures BENCH_ONLY names (`a,c`), or undefined for every figure. */
const ONLY = process.env.BENCH_ONLY === undefined ? undefined : new Set(process.env.BENCH_ONLY.split(",").map((f) => f.trim()));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Seconds each section took, printed under the table (the run's budget: 5 min, 1 min quick). */
const sectionTimes = [];
/** Where a long section's time went, printed under the section times. */
const subTimes = [];
/** Runs one section; a failure becomes a row rather than ending the run. */
async function section(name, fn) {
  // A section's figures are the letters in parentheses that open its name: "(a) plugin" is a; (e)'s section also runs for d.
  const figures = [...name.matchAll(/\(([a-z])\)/g)].map((m) => m[1]);
  if (ONLY !== undefined && !figures.some((f) => ONLY.has(f) || (f === "e" && ONLY.has("d")))) return;
  const t0 = performance.now();
  try {
    await fn();
  } catch (e) {
    rows.push([name, NaN, "—", false, `failed: ${String(e?.message ?? e).split("\n")[0]}`]);
  }
  sectionTimes.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

/** Operations per second of `op`, run `n` times. */
async function rate(op, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  return n / ((performance.now() - t0) / 1000);
}

/** Runs `op` repeatedly for `ms` milliseconds. */
async function warmUp(op, ms) {
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; i++) await op(i);
}

/**
 * Many short interleaved rounds of each contender. Returns the median rate of
 * each (for the detail column) and `ratio(k)`: the median over rounds of the
 * first contender's rate ÷ contender k's in the same round. On two shared
 * cores the machine's speed drifts within seconds; a ratio per round, taken
 * between neighbours in time, cancels that drift where the ratio of two
 * medians of long rounds swung from 0.74 to 1.06 between identical runs.
 */
async function sideBySide(contenders, n) {
  const rates = contenders.map(() => []);
  // Warm-up by time, not by count: V8 optimizes a function only after many
  // calls, and the mock runs more code than a constant floor, so a short
  // count-based warm-up measured the mock half-interpreted.
  for (const c of contenders) await warmUp(c, WARM_UP_MS);
  for (let r = 0; r < ROUNDS; r++) for (let k = 0; k < contenders.length; k++) rates[k].push(await rate(contenders[k], n));
  return {
    rates: rates.map(median),
    ratio: (k) => median(rates[0].map((first, r) => first / rates[k][r])),
  };
}

// ---------------------------------------------------------------- (a)(b) the plugin
// The constant outputs of the floor and the stub: what EC2 answers for one
// instance, the shape the mock returns. The SDK's own middleware walks an
// output after the initialize step (its logger filters it by schema), so an
// empty constant would make the floor cheaper for reasons that are not the mock.
const change = (from, to) => [
  { InstanceId: "i-0123456789abcdef0", CurrentState: { Code: to[0], Name: to[1] }, PreviousState: { Code: from[0], Name: from[1] } },
];
const STOP_OUT = { StoppingInstances: change([16, "running"], [64, "stopping"]) };
const START_OUT = { StartingInstances: change([80, "stopped"], [0, "pending"]) };
const constantOutputs = { StopInstancesCommand: STOP_OUT, StartInstancesCommand: START_OUT };

async function pluginCycle() {
  const ec2 = createEc2Mock({ timing: "instant" });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const run = await client.send(new RunInstancesCommand({ ImageId: await anyImage(), MinCount: 1, MaxCount: 1 }));
  const id = run.Instances[0].InstanceId;
  return async () => {
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
  };
}

async function anyImage() {
  return LINUX_AMI_ID;
}

function floorCycle() {
  const client = new EC2Client({ region: "us-east-1" });
  // Same step and priority as the plugin's middleware, so both skip the same part of the stack.
  const metadata = { httpStatusCode: 200, requestId: "r", attempts: 1, totalRetryDelay: 0 };
  client.middlewareStack.add(
    (_next, context) => async () => ({
      output: { ...constantOutputs[context.commandName], $metadata: metadata },
      response: { statusCode: 200, headers: {} },
    }),
    {
      step: "initialize",
      priority: "low",
      name: "constantOutput",
    },
  );
  return async () => {
    await client.send(new StopInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }));
    await client.send(new StartInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }));
  };
}

async function clientMockCycle() {
  let mockClient;
  try {
    ({ mockClient } = await import("aws-sdk-client-mock"));
  } catch {
    return undefined;
  }
  const client = new EC2Client({ region: "us-east-1" });
  mockClient(client).on(StopInstancesCommand).resolves(STOP_OUT).on(StartInstancesCommand).resolves(START_OUT);
  return async () => {
    await client.send(new StopInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }));
    await client.send(new StartInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }));
  };
}

await section("(a) plugin", async () => {
  const N = QUICK ? 200 : 300;
  const plugin = await pluginCycle();
  const floor = floorCycle();
  const stub = await clientMockCycle();
  const {
    rates: [p, f, s],
    ratio,
  } = await sideBySide(stub ? [plugin, floor, stub] : [plugin, floor], N);
  rows.push([
    "(a) plugin Stop/Start cycle ÷ SDK floor (initialize-step constant)",
    ratio(1),
    "≥ 0.90",
    ratio(1) >= 0.9,
    `${fmt(p, 0)} vs ${fmt(f, 0)} cycles/s`,
  ]);
  if (stub)
    rows.push(["(a) plugin ÷ aws-sdk-client-mock .resolves()", ratio(2), "info", undefined, `${fmt(p, 0)} vs ${fmt(s, 0)} cycles/s`]);
  else rows.push(["(a) plugin ÷ aws-sdk-client-mock .resolves()", NaN, "info", undefined, "aws-sdk-client-mock not installed"]);
});

// ---------------------------------------------------------------- (b) the server ÷ moto's
await section("(b) server ÷ moto", async () => {
  const { serverVsMoto } = await import("./server-vs-moto.mjs");
  const sdk = { EC2Client, StopInstancesCommand, StartInstancesCommand, DescribeInstancesCommand };
  const parts = [];
  const onTime = (label, seconds) => parts.push(`${label} ${seconds.toFixed(1)}`);
  rows.push(...(await serverVsMoto({ quick: QUICK, sdk, credentials, log: (line) => console.log(line), onTime })));
  if (parts.length > 0) subTimes.push(`(b): ${parts.join(", ")} s`);
});

// ---------------------------------------------------------------- (c) the HTTP handler
const XML_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
// The documents EC2 answers (one instance, as the mock's cycle does), so the
// SDK's deserializer does the same work on both sides and the ratio measures
// the mock, not the size of the answer.
const stateChange = (from, to) =>
  `<instancesSet><item><instanceId>i-0123456789abcdef0</instanceId><currentState><code>${to[0]}</code><name>${to[1]}</name></currentState>` +
  `<previousState><code>${from[0]}</code><name>${from[1]}</name></previousState></item></instancesSet>`;
const cannedXml = {
  StopInstances: `<?xml version="1.0" encoding="UTF-8"?>\n<StopInstancesResponse xmlns="${XML_NS}"><requestId>r</requestId>${stateChange([16, "running"], [64, "stopping"])}</StopInstancesResponse>`,
  StartInstances: `<?xml version="1.0" encoding="UTF-8"?>\n<StartInstancesResponse xmlns="${XML_NS}"><requestId>r</requestId>${stateChange([80, "stopped"], [0, "pending"])}</StartInstancesResponse>`,
};
const cannedBytes = Object.fromEntries(Object.entries(cannedXml).map(([k, v]) => [k, Buffer.from(v)]));
const cannedHandler = {
  async handle(request) {
    const action = String(request.body).includes("Action=StopInstances") ? "StopInstances" : "StartInstances";
    return { response: { statusCode: 200, headers: { "content-type": "text/xml;charset=UTF-8" }, body: cannedBytes[action] } };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
};

await section("(c) httpHandler", async () => {
  const N = QUICK ? 40 : 80;
  const ec2 = createEc2Mock({ timing: "instant" });
  const mocked = new EC2Client({ region: "us-east-1", credentials, maxAttempts: 1, requestHandler: ec2.httpHandler() });
  const run = await mocked.send(new RunInstancesCommand({ ImageId: await anyImage(), MinCount: 1, MaxCount: 1 }));
  const id = run.Instances[0].InstanceId;
  const canned = new EC2Client({ region: "us-east-1", credentials, maxAttempts: 1, requestHandler: cannedHandler });
  const cycle = (client) => async () => {
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
  };
  const {
    rates: [h, c],
    ratio,
  } = await sideBySide([cycle(mocked), cycle(canned)], N);
  rows.push([
    "(c) httpHandler() ÷ handler returning canned XML",
    ratio(1),
    "≥ 0.80",
    ratio(1) >= 0.8,
    `${fmt(h, 0)} vs ${fmt(c, 0)} cycles/s`,
  ]);
});

// ---------------------------------------------------------------- (d)(e) fleets
/**
 * EC2's default VPC has a /20 per zone (172.31.0.0/16, six zones): 6 × 4,091
 * usable addresses, and every visible instance holds one, so one default
 * fleet tops out at 24,546 instances. Every fleet here is created with the
 * documented `network` option for a wider space (10.0.0.0/8, a /12 per
 * zone), the same at every size so that only the size differs.
 */
const ZONES = ["a", "b", "c", "d", "e", "f"];
const GROUP = 10; // instances per tag value: every query returns at most 10
const SIZES = [1000, 10_000, 100_000];
const LARGEST = SIZES.at(-1);
const WIDE = { vpcCidr: "10.0.0.0/8" };
/**
 * The fleets' type: one every us-east-1 zone offers (issue 16: the mock now
 * refuses a type the zone does not offer, as EC2 does, and the default
 * `m1.small` is not offered in us-east-1e or us-east-1f).
 */
const FLEET_TYPE = "t2.micro";

async function buildFleet(size) {
  const ec2 = createEc2Mock({ timing: "instant", network: WIDE });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const image = await anyImage();
  const groups = size / GROUP;
  for (let g = 0; g < groups; g++) {
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: image,
        InstanceType: FLEET_TYPE,
        MinCount: GROUP,
        MaxCount: GROUP,
        Placement: { AvailabilityZone: `us-east-1${ZONES[g % ZONES.length]}` },
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "Group", Value: `g${g}` },
              { Key: "Env", Value: g % 2 ? "prod" : "dev" },
            ],
          },
        ],
      }),
    );
    // Two of every ten stopped, so the state filter has something to refuse.
    await client.send(new StopInstancesCommand({ InstanceIds: out.Instances.slice(0, 2).map((i) => i.InstanceId) }));
  }
  return { ec2, client, groups };
}

/**
 * (e) is measured on (d)'s largest fleet as it is built, rather than on a
 * second one, which would cost as long again: the heap after two full
 * collections, before and after building it (the smaller fleets already
 * exist, so the difference is this fleet's alone).
 */
let heapPerInstance;

await section("(d) DescribeInstances", async () => {
  const perQuery = {};
  const fleets = {};
  for (const size of SIZES) {
    const measured = size === LARGEST;
    if (measured) {
      gc();
      gc();
    }
    const before = process.memoryUsage().heapUsed;
    fleets[size] = await buildFleet(size);
    if (measured) {
      gc();
      gc();
      heapPerInstance = (process.memoryUsage().heapUsed - before) / size;
    }
  }
  const queryOf = (size) => {
    const { client, groups } = fleets[size];
    return async (i) => {
      const out = await client.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: "tag:Group", Values: [`g${(i * 7919) % groups}`] },
            { Name: "instance-state-name", Values: ["running"] },
          ],
        }),
      );
      if (out.Reservations[0].Instances.length !== GROUP - 2) throw new Error("wrong answer");
    };
  };
  const { rates, ratio: ratioTo } = await sideBySide(SIZES.map(queryOf), QUICK ? 20 : 50);
  SIZES.forEach((s, k) => {
    perQuery[s] = 1e6 / rates[k];
  });
  for (const [k, s] of SIZES.entries()) {
    if (s === 1000) continue;
    // Time per query at s ÷ at 1,000 is the 1,000 fleet's rate ÷ this one's (SIZES[0] is 1,000).
    const ratio = ratioTo(k);
    const target = s === LARGEST ? "≤ 3×" : "info";
    rows.push([
      `(d) DescribeInstances tag+state at ${s.toLocaleString("en")} ÷ 1,000 (time/query)`,
      ratio,
      target,
      s === LARGEST ? ratio <= 3 : undefined,
      `${fmt(perQuery[s], 0)} µs vs ${fmt(perQuery[1000], 0)} µs`,
    ]);
  }
  for (const s of SIZES) fleets[s].client.destroy();
});

await section("(e) memory", async () => {
  if (heapPerInstance === undefined) throw new Error("not measured: (d) did not build its largest fleet");
  rows.push([
    `(e) heap per instance at ${LARGEST.toLocaleString("en")} (2 tags, tag index included)`,
    heapPerInstance / 1024,
    "≤ 2 KiB",
    heapPerInstance <= 2048,
    `${fmt(heapPerInstance, 0)} B; measured while (d) builds its largest fleet`,
  ]);
});

// ---------------------------------------------------------------- (g) subnets and groups at 100k instances
/**
 * Issue 15's cost criterion: a DescribeSubnets or DescribeSecurityGroups
 * answer must not grow with the number of instances. Two fleets, 1,000 and
 * 100,000 instances, built the same way (the wide address space of (d),
 * RunInstances of 1,000 at a time spread over the six zones' default
 * subnets, every instance in the default group and a group of its own), so
 * that every subnet and both groups are in use and only the fleet's size
 * differs. Each call answers the same six subnets (their
 * AvailableIpAddressCount included) or the same two groups at both sizes,
 * checked on every call. Through the plugin, and through the server
 * (`listen()` in this process, an EC2Client with its `endpoint`: the SDK's
 * signing, XML and loopback HTTP are in both sides of that ratio).
 */
const G_SIZES = [1000, 100_000];
const G_BATCH = 1000;

async function buildNetworkFleet(size) {
  const ec2 = createEc2Mock({ timing: "instant", network: WIDE });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const { GroupId } = await client.send(new CreateSecurityGroupCommand({ GroupName: "bench", Description: "bench" }));
  const image = await anyImage();
  for (let b = 0; b < size / G_BATCH; b++) {
    await client.send(
      new RunInstancesCommand({
        ImageId: image,
        InstanceType: FLEET_TYPE,
        MinCount: G_BATCH,
        MaxCount: G_BATCH,
        Placement: { AvailabilityZone: `us-east-1${ZONES[b % ZONES.length]}` },
        // Half the batches in the default group (no SecurityGroupIds), half in the group made above.
        ...(b % 2 ? { SecurityGroupIds: [GroupId] } : {}),
      }),
    );
  }
  return { ec2, client, groupId: GroupId };
}

await section("(g) DescribeSubnets, DescribeSecurityGroups", async () => {
  const fleets = [];
  const built = performance.now();
  for (const size of G_SIZES) fleets.push(await buildNetworkFleet(size));
  subTimes.push(`(g): fleets of 1,000 and 100,000 built in ${((performance.now() - built) / 1000).toFixed(1)} s`);
  const servers = await Promise.all(fleets.map(({ ec2 }) => ec2.listen({ port: 0 })));
  const wire = servers.map((server) => new EC2Client({ region: "us-east-1", credentials, maxAttempts: 1, endpoint: server.url }));
  const subnets = (client) => async () => {
    const out = await client.send(new DescribeSubnetsCommand({}));
    if (out.Subnets.length !== ZONES.length || !out.Subnets.every((s) => s.AvailableIpAddressCount > 0)) throw new Error("wrong answer");
  };
  const groups = (client) => async () => {
    const out = await client.send(new DescribeSecurityGroupsCommand({}));
    if (out.SecurityGroups.length !== 2) throw new Error("wrong answer");
  };
  // The answers differ between the sizes only in the counts of free addresses.
  const [small, large] = await Promise.all(fleets.map(({ client }) => client.send(new DescribeSubnetsCommand({}))));
  const used = (out) =>
    out.Subnets.reduce((n, s) => n + (2 ** (32 - Number(s.CidrBlock.split("/")[1])) - 5 - s.AvailableIpAddressCount), 0);
  if (used(small) !== G_SIZES[0] || used(large) !== G_SIZES[1]) throw new Error(`addresses in use: ${used(small)}, ${used(large)}`);
  const cases = [
    ["DescribeSubnets (6 subnets), plugin", subnets, fleets.map((f) => f.client)],
    ["DescribeSecurityGroups (2 groups), plugin", groups, fleets.map((f) => f.client)],
    ["DescribeSubnets (6 subnets), server", subnets, wire],
    ["DescribeSecurityGroups (2 groups), server", groups, wire],
  ];
  try {
    for (const [label, call, clients] of cases) {
      const plugin = label.endsWith("plugin");
      const { rates, ratio } = await sideBySide(clients.map(call), plugin ? (QUICK ? 100 : 200) : QUICK ? 20 : 40);
      const [at1k, at100k] = rates.map((r) => 1e6 / r);
      rows.push([
        `(g) ${label}: 100,000 ÷ 1,000 instances (time/call)`,
        ratio(1),
        "≤ 1.5×",
        ratio(1) <= 1.5,
        `${fmt(at100k, 0)} µs vs ${fmt(at1k, 0)} µs`,
      ]);
    }
  } finally {
    for (const client of [...wire, ...fleets.map((f) => f.client)]) client.destroy();
    await Promise.all(servers.map((server) => server.close()));
  }
});

// ---------------------------------------------------------------- (f) import cost
await section("(f) import cost", async () => {
  const child = (code) => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout.trim());
  };
  const sdkOnly = `const t=performance.now(); await import("@aws-sdk/client-ec2"); console.log(performance.now()-t);`;
  const sdkThenMock = `await import("@aws-sdk/client-ec2"); const t=performance.now(); await import("ec2-mock"); console.log(performance.now()-t);`;
  const both = `const t=performance.now(); await import("@aws-sdk/client-ec2"); await import("ec2-mock"); console.log(performance.now()-t);`;
  const n = QUICK ? 3 : 9;
  const a = [],
    b = [],
    c = [];
  for (let i = 0; i < n; i++) {
    a.push(child(sdkOnly));
    b.push(child(sdkThenMock));
    // Both in one timing is the detail column's only: quick runs skip it (a second a process).
    if (!QUICK) c.push(child(both));
  }
  const extra = median(b);
  const together = QUICK ? "not timed in quick runs" : `SDK + mock ${fmt(median(c), 1)} ms`;
  rows.push([
    '(f) import("ec2-mock") beyond the SDK\'s own import (ms)',
    extra,
    "≤ 30 ms",
    extra <= 30,
    `SDK alone ${fmt(median(a), 1)} ms, ${together}`,
  ]);
});

// ---------------------------------------------------------------- table
const header = ["figure", "value", "target", "met", "detail"];
const table = rows.map(([name, value, target, met, detail]) => [
  name,
  fmt(value),
  target,
  met === undefined ? "—" : met ? "yes" : "NO",
  detail,
]);
const widths = header.map((h, k) => Math.max(h.length, ...table.map((r) => r[k].length)));
const line = (r) => `| ${r.map((c, k) => c.padEnd(widths[k])).join(" | ")} |`;
console.log(`ec2-mock benchmarks — node ${process.version}, ${new Date().toISOString().slice(0, 10)}${QUICK ? " (quick)" : ""}`);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of table) console.log(line(r));
console.log(`time per section: ${sectionTimes.join(", ")}`);
for (const line of subTimes) console.log(`  ${line}`);
