#!/usr/bin/env node
/**
 * Issue 22 (e), for information beside the plugin's launch rate: the mock's
 * own cost of a RunInstances of 1,000, without the SDK client. The plugin's
 * middleware is driven directly, as the SDK would call it (its handler made
 * once on a stand-in stack, then called with `{ input }`), so each launch
 * runs exactly the plugin's own path (the input read by the SDK's schema,
 * the engine, the call history, the output's copy with `$metadata`) and no
 * more: no command, no middleware stack, no SDK logger. With a base build,
 * both builds run in the same interleaved rounds, so their ratio is
 * measured side by side.
 *
 *   node bench/i22-launch.mjs                                  # this build (after `npm run build`)
 *   BENCH_BASE=/path/to/built/checkout node bench/i22-launch.mjs
 *   node --cpu-prof --cpu-prof-dir=DIR bench/i22-launch.mjs --profile SECONDS   # launches only, for bench/cpuprofile-top.mjs
 *   node bench/i22-launch.mjs --alloc [PKG] [ROWS]             # bytes a launch allocates, by function
 *   node bench/i22-launch.mjs --pairs BASE [PAIRS] [LAUNCHES] [defaults]   # base and this build, one child process each, alternating
 *
 * `measure({ quick, base })` returns rows `{ figure, value, target, met, detail }`
 * (bench/i22-memory.mjs adds them to its own). Beside them, measured apart,
 * what the SDK's logger middleware costs on the same 1,000-instance output
 * (the command's `outputFilterSensitiveLog`, `schemaLogFilter`, which walks
 * the output by schema on every call whatever the logger).
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { allocationPerRun } from "./heap-sampling.mjs";
import { runChild } from "./run-child.mjs";

const SELF = fileURLToPath(import.meta.url);
const BATCH = 1000;
const ZONES = ["a", "b", "c", "d", "e", "f"];
/**
 * A fresh mock after this many instances, so no fleet passes 60,000 (the rate at a larger fleet is (e)'s other rows);
 * `I22_FLEET_CAP` changes it (a profile of one growing fleet).
 */
const FLEET_CAP = Number(process.env.I22_FLEET_CAP ?? 60_000);

async function load(pkg) {
  const ec2 = await import("@aws-sdk/client-ec2");
  const mock = await import(pkg === undefined || pkg === "" ? "ec2-mock" : pathToFileURL(`${pkg}/dist/esm/index.js`).href);
  return { ...ec2, ...mock };
}

/** The tags bench/i22-memory.mjs's fleets are launched with. */
const TAGS = (b) => [
  {
    ResourceType: "instance",
    Tags: [
      { Key: "Team", Value: `t${b % 97}` },
      { Key: "Env", Value: b % 2 ? "prod" : "dev" },
    ],
  },
];

/**
 * A RunInstances of 1,000 through the plugin's middleware, without the SDK:
 * the middleware the mock adds to a stack is captured from a stand-in stack
 * (no auth step there: the mock's default Region, us-east-1, serves it) and
 * its handler called as the SDK's initialize step would.
 */
function directLauncher(api, options, cap = FLEET_CAP, tagged = false) {
  let mock;
  let handler;
  let launched = 0;
  const fresh = () => {
    mock = api.createEc2Mock({ timing: "instant", network: { vpcCidr: "10.0.0.0/8" }, ...options });
    let middleware;
    mock.applyToStack({
      add: (m) => {
        middleware = m;
      },
      addRelativeTo: () => {},
      applyToStack: () => {},
      remove: () => false,
    });
    const next = () => {
      throw new Error("the SDK's next handler was called");
    };
    handler = middleware(next, { commandName: "RunInstancesCommand", clientName: "EC2Client" });
    launched = 0;
  };
  fresh();
  return async (b) => {
    if (launched >= cap) fresh();
    const { output } = await handler({
      input: {
        ImageId: api.LINUX_AMI_ID,
        InstanceType: "t2.micro",
        MinCount: BATCH,
        MaxCount: BATCH,
        Placement: { AvailabilityZone: `us-east-1${ZONES[b % ZONES.length]}` },
        // As bench/i22-memory.mjs builds its fleets: two tags an instance.
        ...(tagged ? { TagSpecifications: TAGS(b) } : {}),
      },
    });
    if (output.Instances.length !== BATCH) throw new Error(`wrong answer: ${output.Instances.length} instances`);
    launched += BATCH;
    return output;
  };
}

/**
 * The SDK's logger middleware's own work on one output, apart: the command's
 * `outputFilterSensitiveLog` (taken from the handler context of a real
 * client's call), timed on a 1,000-instance output. µs per instance.
 */
async function loggerFilterUs(api, output, rounds) {
  const ec2 = api.createEc2Mock({ timing: "instant" });
  const client = new api.EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  let filter;
  client.middlewareStack.add(
    (next, context) => (args) => {
      filter = context.outputFilterSensitiveLog;
      return next(args);
    },
    { step: "initialize", priority: "high", name: "i22FilterCapture" },
  );
  await client.send(new api.RunInstancesCommand({ ImageId: api.LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  const { $metadata: _m, ...plain } = { ...output };
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    filter(plain);
    times.push(performance.now() - t);
  }
  return (median(times) * 1000) / BATCH;
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/**
 * Rounds of 3 launches of `BATCH` for every contender (`launch(i)`, its
 * `times` filled with ms a launch), in an order that rotates each round,
 * enough rounds for `total` instances in all; with 4 contenders (two builds
 * × two settings) it returns the per-round ratio of the third to the first
 * (the base's time ÷ this build's). Each contender's `cpuTimes` gets the
 * process's CPU time a launch, round by round, beside its wall time.
 */
export async function rotatingRounds(contenders, total) {
  const rounds = Math.max(5, Math.floor(total / BATCH / 3 / contenders.length));
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    for (const c of order) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      for (let b = 0; b < 3; b++) await c.launch(r * 3 + b);
      c.times.push((performance.now() - t) / 3);
      // The process's CPU time too (ms a launch, GC threads included): steadier than the wall clock when
      // other processes share the cores.
      const used = process.cpuUsage(cpu);
      (c.cpuTimes ??= []).push((used.user + used.system) / 1000 / 3);
    }
    if (contenders.length === 4) ratios.push(contenders[2].times.at(-1) / contenders[0].times.at(-1));
  }
  return ratios;
}

/**
 * Child: every build's launcher, with the call history at its defaults and
 * off, in interleaved rounds of 3 launches each (the order rotating). Rates
 * are the median round's; the speed-up, the median of the per-round ratios.
 */
async function childDirect(pkgs, total) {
  const contenders = [];
  for (const pkg of pkgs) {
    const api = await load(pkg);
    for (const history of ["defaults", "off"]) {
      contenders.push({ pkg, history, api, launch: directLauncher(api, history === "off" ? { history: { limit: 0 } } : {}), times: [] });
    }
  }
  for (const c of contenders) for (let b = 0; b < 6; b++) await c.launch(b);
  const ratios = await rotatingRounds(contenders, total);
  const out = await contenders[0].launch(0);
  const filterUs = await loggerFilterUs(contenders[0].api, out, 15);
  const of = (k) => ({
    msPerLaunch: median(contenders[k].times),
    msPerLaunchNoHistory: median(contenders[k + 1].times),
    cpuMsPerLaunch: median(contenders[k].cpuTimes),
  });
  const cpuRatios = contenders.length === 4 ? contenders[2].cpuTimes.map((t, r) => t / contenders[0].cpuTimes[r]) : [];
  return {
    this: of(0),
    ...(contenders.length === 4 ? { base: of(2), speedup: median(ratios), cpuSpeedup: median(cpuRatios) } : {}),
    filterUs,
    rounds: contenders[0].times.length,
  };
}

const n = (x) => Math.round(x).toLocaleString("en");

/**
 * The mock's own RunInstances rate (issue 22 (e), information), as rows for
 * bench/run.mjs's table. `base`: a built checkout measured in the same rounds.
 */
export async function measure({ quick = false, base = process.env.BENCH_BASE } = {}) {
  const r = await runChild(SELF, [base ? `|${base}` : "", quick ? 24_000 : 180_000]);
  const rows = [];
  const builds = [["this", r.this], ...(r.base ? [["base", r.base]] : [])];
  for (const [label, l] of builds) {
    const rate = BATCH / (l.msPerLaunch / 1000);
    rows.push({
      figure: `(22e) RunInstances of 1,000 without the SDK client (the mock's own rate)${builds.length > 1 ? ` [${label}]` : ""}`,
      value: `${n(rate)}/s`,
      target: "info",
      met: "—",
      detail:
        `${((l.msPerLaunch * 1000) / BATCH).toFixed(1)} µs an instance (CPU: ${((l.cpuMsPerLaunch * 1000) / BATCH).toFixed(1)} µs); call history off: ${n(BATCH / (l.msPerLaunchNoHistory / 1000))}/s` +
        (label === "this" ? `; the SDK's logger filter on the same output, apart: ${r.filterUs.toFixed(1)} µs an instance` : ""),
    });
  }
  if (r.speedup !== undefined) {
    rows.push({
      figure: "(22e) RunInstances of 1,000 without the SDK: base's time ÷ this build's (same rounds)",
      value: `${r.speedup.toFixed(2)}×`,
      target: "info",
      met: "—",
      detail: `median of ${r.rounds} per-round ratios, call history at its defaults; by the process's CPU time: ${r.cpuSpeedup.toFixed(2)}×`,
    });
  }
  return rows;
}

// Only when run itself (bench/i22-memory.mjs imports `measure`, and its own children take `--child` too).
const argv = process.argv[1] === SELF ? process.argv.slice(2) : [];
if (argv[0] === "--child" && argv[1] !== "--pairs-child") {
  const result = await childDirect(argv[1].split("|"), Number(argv[2]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else if (argv[0] === "--profile") {
  // Launches only, this build, call history at its defaults, for `node --cpu-prof`.
  const api = await load("");
  const launch = directLauncher(api, argv[2] === "off" ? { history: { limit: 0 } } : {}, FLEET_CAP, argv[3] === "tagged");
  const end = performance.now() + Number(argv[1] ?? 10) * 1000;
  let b = 0;
  while (performance.now() < end) await launch(b++);
  console.log(`${n(b * BATCH)} instances launched`);
} else if (argv[0] === "--tags") {
  // This build, launches untagged and with two tags an instance (as i22-memory's fleets), in interleaved rounds.
  const api = await load(argv[2]);
  const contenders = [false, true].map((tagged) => ({ tagged, launch: directLauncher(api, {}, FLEET_CAP, tagged), times: [] }));
  for (const c of contenders) for (let b = 0; b < 6; b++) await c.launch(b);
  await rotatingRounds(contenders, Number(argv[1] ?? 120_000));
  for (const c of contenders)
    console.log(
      `${c.tagged ? "two tags" : "untagged"}: ${n(BATCH / (median(c.times) / 1000))}/s, CPU ${((median(c.cpuTimes) * 1000) / BATCH).toFixed(1)} µs an instance`,
    );
} else if (argv[0] === "--grow") {
  // One growing fleet (no fresh mock), this build: per step of instances, the launch rate, the collector's time by
  // kind (node:perf_hooks' gc entries) and the heap, to see why a fleet built to 1M launches slower than small ones.
  // `--grow TOTAL STEP [off]` (off: call history off).
  const { PerformanceObserver, constants } = await import("node:perf_hooks");
  const total = Number(argv[1] ?? 400_000);
  const step = Number(argv[2] ?? 100_000);
  const api = await load("");
  const launch = directLauncher(api, argv[3] === "off" ? { history: { limit: 0 } } : {}, Number.POSITIVE_INFINITY);
  const gc = { minor: 0, major: 0, incremental: 0, other: 0 };
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc[kinds[e.detail?.kind] ?? "other"] += e.duration;
  }).observe({ entryTypes: ["gc"] });
  let b = 0;
  for (let done = 0; done < total; done += step) {
    for (const k of Object.keys(gc)) gc[k] = 0;
    const t = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < step / BATCH; i++) await launch(b++);
    await new Promise((r) => setImmediate(r));
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    console.log(
      `${n(done + step).padStart(9)}: ${n((step / ms) * 1000).padStart(7)}/s (CPU ${((used.user + used.system) / step).toFixed(1)} µs an instance);` +
        ` GC ms minor ${n(gc.minor)}, major ${n(gc.major)}, incremental ${n(gc.incremental)}; heap ${n(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
    );
  }
} else if (argv[0] === "--alloc") {
  // Bytes a launch of 1,000 allocates, by function (V8's sampling heap profiler): this build, or `--alloc PKG`.
  const api = await load(argv[1]);
  const launch = directLauncher(api, {});
  let b = 0;
  const { perRun, rows } = await allocationPerRun(() => launch(b++), { warmUp: 20, runs: 40, samplingInterval: 4096 });
  console.log(`${n(perRun)} B a launch of ${BATCH} (${n(perRun / BATCH)} B an instance)`);
  for (const [where, bytes] of rows.slice(0, Number(argv[2] ?? 30))) console.log(`${n(bytes / BATCH).padStart(8)} B  ${where}`);
} else if (argv[0] === "--child") {
  // `--pairs`' child (runChild passes `--child` first): one build alone in its process, warm-up, then LAUNCHES
  // launches of 1,000, each timed by the process's CPU time.
  const [, , pkg, count, history] = argv;
  const api = await load(pkg);
  const launch = directLauncher(api, history === "defaults" ? {} : { history: { limit: 0 } });
  let b = 0;
  for (let i = 0; i < 15; i++) await launch(b++);
  const cpu = [];
  const wall = [];
  for (let i = 0; i < Number(count); i++) {
    const used = process.cpuUsage();
    const t = performance.now();
    await launch(b++);
    const u = process.cpuUsage(used);
    cpu.push((u.user + u.system) / 1000);
    wall.push(performance.now() - t);
  }
  const mean = (xs) => xs.reduce((x, y) => x + y, 0) / xs.length;
  process.stdout.write(`${JSON.stringify({ cpuUs: (mean(cpu) * 1000) / BATCH, wallUs: (mean(wall) * 1000) / BATCH })}\n`);
  process.exit(0);
} else if (argv[0] === "--pairs") {
  // Base and this build, each alone in a child process (its own heap: in one process the two fleets share the
  // collector, and a build loaded second measured up to 1.5× faster than the same code loaded first), in pairs
  // whose order alternates; per pair, base's CPU time an instance ÷ this build's. Call history off unless `defaults`.
  const [base, pairs = "10", launches = "40", history = "off"] = argv.slice(1);
  const rows = { base: [], this: [] };
  for (let p = 0; p < Number(pairs); p++) {
    for (const which of p % 2 ? ["this", "base"] : ["base", "this"]) {
      const r = await runChild(SELF, ["--pairs-child", which === "base" ? base : "", launches, history]);
      rows[which].push(r);
    }
  }
  const ratios = rows.base.map((r, i) => r.cpuUs / rows.this[i].cpuUs);
  for (const which of ["base", "this"])
    console.log(
      `${which.padEnd(4)}: CPU µs an instance ${rows[which].map((r) => r.cpuUs.toFixed(1)).join(" ")}; median ${median(rows[which].map((r) => r.cpuUs)).toFixed(2)} (wall ${median(rows[which].map((r) => r.wallUs)).toFixed(2)})`,
    );
  console.log(`base ÷ this, per pair: ${ratios.map((x) => x.toFixed(2)).join(" ")}; median ${median(ratios).toFixed(3)}`);
} else if (process.argv[1] === SELF) {
  const rows = await measure({ quick: process.env.BENCH_QUICK === "1" });
  const w = Math.max(...rows.map((r) => r.figure.length));
  for (const r of rows)
    console.log(`${r.figure.padEnd(w)}  ${String(r.value).padStart(12)}  ${r.target.padEnd(6)} ${r.met.padEnd(2)} ${r.detail}`);
}
