#!/usr/bin/env node
/**
 * Issue 22, (d) and (e): memory, launch rate and history caps, through the
 * package's public API (`import("ec2-mock")`, after `npm run build`).
 *
 *   node bench/i22-memory.mjs                 # full: fleets of 100,000 and 1,000,000
 *   BENCH_QUICK=1 node bench/i22-memory.mjs   # quick: 50,000 only, shorter rounds
 *   BENCH_BASE=/path/to/built/checkout node bench/i22-memory.mjs   # the same figures for another build, side by side
 *
 * Each fleet is built in a fresh child process (`--expose-gc`, a large
 * heap), so one figure's garbage never weighs on the next; the figures
 * are printed beside their targets, and `measure({ quick })` returns them
 * as rows `{ figure, value, target, met, detail }` for bench/run.mjs.
 *
 * - heap per instance: the heap after two full collections, before and
 *   after launching the fleet 1,000 at a time (two tags each, the call
 *   history at its defaults), divided by the fleet;
 * - launch rate: RunInstances of 1,000 through the plugin (the whole
 *   `send`), and, for information, the same with the SDK's logger
 *   middleware removed (it walks every output by schema, outside the
 *   project) and the mock's own time (a middleware right outside the
 *   plugin's);
 * - DescribeInstances with a tag and a state filter (8 instances out of the
 *   fleet) at the largest fleet ÷ at 1,000, in interleaved rounds;
 * - (d) a stop/start cycle of an instance cycled N times ÷ of a fresh one
 *   (interleaved rounds), and the heap and snapshot bytes each further
 *   cycle keeps.
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { measure as mockLaunchRows, rotatingRounds } from "./i22-launch.mjs";
import { runChild } from "./run-child.mjs";

const SELF = fileURLToPath(import.meta.url);
const BATCH = 1000;
const ZONES = ["a", "b", "c", "d", "e", "f"];

/** The package to measure: `ec2-mock` (this build), or a built checkout's entry. */
async function load(pkg) {
  const ec2 = await import("@aws-sdk/client-ec2");
  const mock = await import(pkg === undefined || pkg === "" ? "ec2-mock" : pathToFileURL(`${pkg}/dist/esm/index.js`).href);
  return { ...ec2, ...mock };
}

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** A client on a mock, with a timer around the plugin's middleware (the mock's own time). */
function clientOf(api, ec2, region, { withoutLogger = false } = {}) {
  const client = new api.EC2Client({ region });
  client.middlewareStack.use(ec2);
  const timer = { ms: 0 };
  client.middlewareStack.addRelativeTo(
    (next) => async (args) => {
      const t = performance.now();
      try {
        return await next(args);
      } finally {
        timer.ms += performance.now() - t;
      }
    },
    { relation: "before", toMiddleware: "ec2MockMiddleware", name: "i22MockTimer" },
  );
  if (withoutLogger) client.middlewareStack.remove("loggerMiddleware");
  return { client, timer };
}

/** Launches `size` instances, 1,000 at a time, tagged, 8 of each batch probed by a tag of their own and 2 of those stopped. */
async function buildFleet(api, client, region, size, onLaunch = () => {}) {
  const zones = ZONES.slice(0, region === "us-east-1" ? 6 : 3);
  let launchMs = 0;
  for (let b = 0; b < size / BATCH; b++) {
    const t = performance.now();
    const out = await client.send(
      new api.RunInstancesCommand({
        ImageId: api.LINUX_AMI_ID,
        InstanceType: "t2.micro",
        MinCount: BATCH,
        MaxCount: BATCH,
        Placement: { AvailabilityZone: `${region}${zones[b % zones.length]}` },
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "Team", Value: `t${b % 97}` },
              { Key: "Env", Value: b % 2 ? "prod" : "dev" },
            ],
          },
        ],
      }),
    );
    launchMs += performance.now() - t;
    onLaunch(b);
    const probed = out.Instances.slice(0, 10).map((i) => i.InstanceId);
    await client.send(new api.CreateTagsCommand({ Resources: probed, Tags: [{ Key: "Probe", Value: `p${b}` }] }));
    await client.send(new api.StopInstancesCommand({ InstanceIds: probed.slice(0, 2) }));
  }
  return { launchMs };
}

/** Median of the per-round ratios b/a of two workloads run in interleaved rounds (their order alternating). */
async function sideBySide(a, b, rounds, perRound) {
  const ratios = [];
  const times = [[], []];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [b, a] : [a, b];
    const t = [];
    for (const work of order) {
      const s = performance.now();
      for (let i = 0; i < perRound; i++) await work(i + r * perRound);
      t.push((performance.now() - s) / perRound);
    }
    const [ta, tb] = r % 2 ? [t[1], t[0]] : t;
    times[0].push(ta);
    times[1].push(tb);
    ratios.push(tb / ta);
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { ratio: median(ratios), a: median(times[0]), b: median(times[1]) };
}

/** Child: a fleet of `size` in us-east-1 and one of 1,000 in us-west-2: heap per instance, launch rate, the filtered query at both. */
async function childFleet(pkg, size, quick) {
  const api = await load(pkg);
  const before = heap();
  const ec2 = api.createEc2Mock({ timing: "instant", network: { vpcCidr: "10.0.0.0/8" } });
  const big = clientOf(api, ec2, "us-east-1");
  const t0 = performance.now();
  const { launchMs } = await buildFleet(api, big.client, "us-east-1", size);
  const buildMs = performance.now() - t0;
  const after = heap();
  const small = clientOf(api, ec2, "us-west-2");
  await buildFleet(api, small.client, "us-west-2", BATCH);
  const query = (client, batches) => async (i) => {
    const out = await client.send(
      new api.DescribeInstancesCommand({
        Filters: [
          { Name: "tag:Probe", Values: [`p${(i * 7919) % batches}`] },
          { Name: "instance-state-name", Values: ["running"] },
        ],
      }),
    );
    const n = out.Reservations.reduce((sum, r) => sum + r.Instances.length, 0);
    if (n !== 8) throw new Error(`wrong answer: ${n} instances`);
  };
  const warm = performance.now() + (quick ? 500 : 1500);
  for (let i = 0; performance.now() < warm; i++) {
    await query(small.client, 1)(i);
    await query(big.client, size / BATCH)(i);
  }
  const q = await sideBySide(query(small.client, 1), query(big.client, size / BATCH), quick ? 11 : 31, 20);
  return {
    size,
    heapPerInstance: (after - before) / size,
    launchRate: size / (launchMs / 1000),
    buildSeconds: buildMs / 1000,
    mockLaunchRate: size / (big.timer.ms / 1000),
    describeRatio: q.ratio,
    describeSmallUs: q.a * 1000,
    describeBigUs: q.b * 1000,
  };
}

/**
 * Child: launch rate, 1,000 at a time, in interleaved rounds: the whole send; the same without the SDK's logger;
 * the mock's own time. With a base build, its two clients run in the same rounds, so this build ÷ the base is
 * measured side by side.
 */
async function childLaunch(pkgs, total) {
  const contenders = [];
  for (const pkg of pkgs) {
    const api = await load(pkg);
    const ec2 = api.createEc2Mock({ timing: "instant", network: { vpcCidr: "10.0.0.0/8" }, history: { limit: 0 } });
    for (const withoutLogger of [false, true]) {
      const c = clientOf(api, ec2, "us-east-1", { withoutLogger });
      contenders.push({
        pkg,
        withoutLogger,
        timer: c.timer,
        times: [],
        launch: (b) =>
          c.client.send(
            new api.RunInstancesCommand({
              ImageId: api.LINUX_AMI_ID,
              InstanceType: "t2.micro",
              MinCount: BATCH,
              MaxCount: BATCH,
              Placement: { AvailabilityZone: `us-east-1${ZONES[b % 6]}` },
            }),
          ),
      });
    }
  }
  // Warm-up, then rounds of 3 launches each, every contender in every round, in an order that rotates.
  for (const c of contenders) for (let b = 0; b < 4; b++) await c.launch(b);
  for (const c of contenders) c.timer.ms = 0;
  const ratios = await rotatingRounds(contenders, total);
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const rate = (c) => BATCH / (median(c.times) / 1000);
  const mockRate = (c) => (c.times.length * 3 * BATCH) / (c.timer.ms / 1000);
  const of = (k) => ({ sendRate: rate(contenders[k]), withoutLoggerRate: rate(contenders[k + 1]), mockRate: mockRate(contenders[k]) });
  return { this: of(0), ...(contenders.length === 4 ? { base: of(2), speedup: median(ratios) } : {}) };
}

/** Child: (d), a long-cycled instance against fresh ones, and what each further cycle keeps. */
async function childCycles(pkg, cycles, quick) {
  const api = await load(pkg);
  const ec2 = api.createEc2Mock({ timing: "instant" });
  const client = new api.EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const launch = async () =>
    (await client.send(new api.RunInstancesCommand({ ImageId: api.LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances[0].InstanceId;
  const cycle = (id) => async () => {
    await client.send(new api.StopInstancesCommand({ InstanceIds: [id] }));
    await client.send(new api.StartInstancesCommand({ InstanceIds: [id] }));
  };
  const old = await launch();
  for (let n = 0; n < cycles; n++) await cycle(old)();
  // Bytes kept per cycle, past the cap: heap and snapshot, before and after more cycles.
  // Long enough that what the first cycles compile and warm up (a few hundred bytes a cycle) is spread thin.
  const more = quick ? 2000 : 5000;
  const snapBytes = () => JSON.stringify(ec2.snapshot()).length;
  ec2.resetHistory();
  const h0 = heap();
  const s0 = snapBytes();
  for (let n = 0; n < more; n++) await cycle(old)();
  ec2.resetHistory();
  const h1 = heap();
  const s1 = snapBytes();
  // Fresh instances, launched ahead (a launch is not a cycle), each cycled 20 times at most: their history stays short.
  const fresh = [];
  for (let i = 0; i < (quick ? 40 : 120); i++) fresh.push(await launch());
  let k = 0;
  const freshCycle = async () => {
    await cycle(fresh[Math.floor(k++ / 20) % fresh.length])();
  };
  const warm = performance.now() + (quick ? 500 : 1500);
  while (performance.now() < warm) {
    await freshCycle();
    await cycle(old)();
  }
  const c = await sideBySide(freshCycle, cycle(old), quick ? 15 : 41, 20);
  const u = await sideBySide(
    async () => ec2.usage(fresh[0]),
    async () => ec2.usage(old),
    quick ? 15 : 41,
    50,
  );
  return {
    cycles: cycles + more,
    cycleRatio: c.ratio,
    freshUs: c.a * 1000,
    oldUs: c.b * 1000,
    usageRatio: u.ratio,
    usageFreshUs: u.a * 1000,
    usageOldUs: u.b * 1000,
    heapPerCycle: (h1 - h0) / more,
    snapshotPerCycle: (s1 - s0) / more,
  };
}

/** Runs a child task in a fresh process (`--expose-gc`) and returns its JSON answer. */
const child = (task, args, heapMiB = 4096) => runChild(SELF, [task, ...args], { heapMiB, exposeGc: true });

const kib = (b) => `${(b / 1024).toFixed(2)} KiB`;
const n = (x) => Math.round(x).toLocaleString("en");

/**
 * The figures of issue 22 (d) and (e), as rows for bench/run.mjs's table.
 * `base`: a built checkout measured beside this build (its rows say "base").
 */
export async function measure({ quick = false, base = process.env.BENCH_BASE } = {}) {
  const sizes = quick ? [50_000] : [100_000, 1_000_000];
  const cycles = quick ? 4_000 : 10_000;
  const builds = base
    ? [
        ["", "this"],
        [base, "base"],
      ]
    : [["", "this"]];
  const rows = [];
  for (const [pkg, label] of builds) {
    const tag = builds.length > 1 ? ` [${label}]` : "";
    const fleets = [];
    for (const size of label === "base" ? sizes.slice(0, 1) : sizes) {
      fleets.push(await child("fleet", [pkg, size, quick ? 1 : 0], size >= 1_000_000 ? 8192 : 4096));
    }
    for (const f of fleets) {
      const target = f.size === sizes.at(-1) ? "≤ 2 KiB" : "info";
      rows.push({
        figure: `(22e) heap per instance at ${n(f.size)} (2 tags, call history at its defaults)${tag}`,
        value: kib(f.heapPerInstance),
        target,
        met: target === "info" ? "—" : f.heapPerInstance <= 2048 ? "yes" : "NO",
        detail: `${n(f.heapPerInstance)} B; fleet built in ${f.buildSeconds.toFixed(1)} s`,
      });
    }
    const largest = fleets.at(-1);
    rows.push({
      figure: `(22e) RunInstances of 1,000 at a time while building ${n(largest.size)} (whole send, plugin)${tag}`,
      value: `${n(largest.launchRate)}/s`,
      target: "≥ 100,000/s",
      met: largest.launchRate >= 100_000 ? "yes" : "NO",
      detail: `the mock's own time: ${n(largest.mockLaunchRate)}/s`,
    });
    if (label === "this") {
      const both = await child("launch", [base ? `${pkg}|${base}` : pkg, quick ? 12_000 : 96_000]);
      for (const [which, l] of [["this", both.this], ...(both.base ? [["base", both.base]] : [])]) {
        rows.push({
          figure: `(22e) RunInstances of 1,000 at a time, plugin, interleaved rounds${builds.length > 1 ? ` [${which}]` : ""}`,
          value: `${n(l.sendRate)}/s`,
          target: "≥ 100,000/s",
          met: l.sendRate >= 100_000 ? "yes" : "NO",
          detail: `without the SDK's logger: ${n(l.withoutLoggerRate)}/s; the mock's own time: ${n(l.mockRate)}/s`,
        });
      }
      // For information beside the plugin's figure: the mock's own rate, without the SDK client (./i22-launch.mjs).
      rows.push(...(await mockLaunchRows({ quick, base })));
      if (both.speedup !== undefined) {
        rows.push({
          figure: "(22e) RunInstances of 1,000: base's time per launch ÷ this build's (same rounds)",
          value: `${both.speedup.toFixed(2)}×`,
          target: "info",
          met: "—",
          detail: "median of the per-round ratios",
        });
      }
    }
    rows.push({
      figure: `(22e) DescribeInstances tag+state (8 answers) at ${n(largest.size)} ÷ at 1,000 (time/query)${tag}`,
      value: largest.describeRatio.toFixed(2),
      target: "≤ 3×",
      met: largest.describeRatio <= 3 ? "yes" : "NO",
      detail: `${n(largest.describeBigUs)} µs vs ${n(largest.describeSmallUs)} µs`,
    });
    const d = await child("cycles", [pkg, cycles, quick ? 1 : 0]);
    rows.push({
      figure: `(22d) stop/start cycle after ${n(d.cycles)} cycles ÷ a fresh instance's${tag}`,
      value: d.cycleRatio.toFixed(2),
      target: "≤ 1×",
      met: d.cycleRatio <= 1.1 ? "yes" : "NO",
      detail: `${n(d.oldUs)} µs vs ${n(d.freshUs)} µs; usage(id) ${d.usageRatio.toFixed(2)}× (${d.usageOldUs.toFixed(1)} vs ${d.usageFreshUs.toFixed(1)} µs)`,
    });
    rows.push({
      figure: `(22d) bytes kept per further stop/start cycle (heap; snapshot)${tag}`,
      value: `${n(d.heapPerCycle)} B; ${n(d.snapshotPerCycle)} B`,
      target: "~0 past the cap",
      met: d.heapPerCycle < 32 && d.snapshotPerCycle < 1 ? "yes" : "NO",
      detail: `over the last cycles of ${n(d.cycles)}`,
    });
  }
  return rows;
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  const [, task, pkg, a, b] = argv;
  const result =
    task === "fleet"
      ? await childFleet(pkg, Number(a), b === "1")
      : task === "launch"
        ? await childLaunch(pkg.split("|"), Number(a))
        : await childCycles(pkg, Number(a), b === "1");
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else if (process.argv[1] === SELF) {
  const rows = await measure({ quick: process.env.BENCH_QUICK === "1" });
  const w = Math.max(...rows.map((r) => r.figure.length));
  for (const r of rows)
    console.log(`${r.figure.padEnd(w)}  ${String(r.value).padStart(16)}  ${r.target.padEnd(16)} ${r.met.padEnd(4)} ${r.detail}`);
}
