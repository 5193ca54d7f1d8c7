#!/usr/bin/env node
/**
 * Issue 22 (e): what the SDK's logger middleware costs a RunInstances of
 * 1,000 through the plugin, and the ways around it, side by side in one
 * process (this build, after `npm run build`, and with BENCH_BASE a built
 * checkout; rounds interleaved, their order rotating, bench/i22-launch.mjs'
 * `rotatingRounds`; rates by the process's CPU time). Every contender is
 * the whole `client.send`, on a mock of its own:
 *
 * - `default`: a client as the SDK makes it (its logger a `NoOpLogger`);
 *   this build skips the log filters itself then (src/aws/discarded-log.ts);
 * - base `+ filters skipped`: the base with a middleware right inside the
 *   logger's doing what this build does (the call's log filters replaced by
 *   one that returns nothing when its logger is the SDK's `NoOpLogger`,
 *   which drops what it is given);
 * - base `logger without info`: the client's `logger` has no `info` (the
 *   SDK calls `logger?.info?.(…)`, which then does not evaluate its
 *   argument, the filtered output): what a user could do (the SDK's
 *   `Logger` type wants an `info`, so a cast);
 * - `no logger middleware`: the middleware removed (the floor).
 *
 *   node bench/i22-logger.mjs [instances]
 *   node --cpu-prof --cpu-prof-dir=DIR bench/i22-logger.mjs --profile SECONDS   # the first contender only (this build, default client)
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { NoOpLogger } from "@smithy/core/client";
import { rotatingRounds } from "./i22-launch.mjs";

const BATCH = 1000;
const ZONES = ["a", "b", "c", "d", "e", "f"];
const FLEET_CAP = 60_000;
const ec2 = await import("@aws-sdk/client-ec2");
const base = process.env.BENCH_BASE;
const builds = [
  ["this", await import("ec2-mock")],
  ...(base ? [["base", await import(pathToFileURL(`${base}/dist/esm/index.js`).href)]] : []),
];

/** A launcher on a client of its own, `setup` applied to it; a fresh mock every FLEET_CAP instances. */
function launcher(mock, setup, options = {}) {
  let client;
  let launched = 0;
  const fresh = () => {
    client = new ec2.EC2Client({ region: "us-east-1", ...options });
    client.middlewareStack.use(mock.createEc2Mock({ timing: "instant", network: { vpcCidr: "10.0.0.0/8" } }));
    setup(client);
    launched = 0;
  };
  fresh();
  return async (b) => {
    if (launched >= FLEET_CAP) fresh();
    const out = await client.send(
      new ec2.RunInstancesCommand({
        ImageId: mock.LINUX_AMI_ID,
        InstanceType: "t2.micro",
        MinCount: BATCH,
        MaxCount: BATCH,
        Placement: { AvailabilityZone: `us-east-1${ZONES[b % ZONES.length]}` },
      }),
    );
    if (out.Instances.length !== BATCH) throw new Error("wrong answer");
    launched += BATCH;
  };
}

let skipped = 0;
const skipFilterWhenNoOp = (client) =>
  client.middlewareStack.addRelativeTo(
    (next, context) => async (args) => {
      const response = await next(args);
      if (context.logger?.info === NoOpLogger.prototype.info) {
        context.inputFilterSensitiveLog = () => undefined;
        context.outputFilterSensitiveLog = () => undefined;
        skipped++;
      }
      return response;
    },
    { relation: "after", toMiddleware: "loggerMiddleware", name: "i22SkipFilter" },
  );
const noInfo = { trace() {}, debug() {}, warn() {}, error() {} };

const contenders = builds
  .flatMap(([label, mock]) => [
    { name: `[${label}] default (NoOpLogger)`, launch: launcher(mock, () => {}) },
    ...(label === "base"
      ? [
          { name: `[${label}] + filters skipped when the logger is NoOpLogger`, launch: launcher(mock, skipFilterWhenNoOp) },
          { name: `[${label}] logger without info`, launch: launcher(mock, () => {}, { logger: noInfo }) },
        ]
      : []),
    { name: `[${label}] no logger middleware`, launch: launcher(mock, (c) => c.middlewareStack.remove("loggerMiddleware")) },
  ])
  .map((c) => ({ ...c, times: [] }));

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

if (process.argv[2] === "--profile") {
  const end = performance.now() + Number(process.argv[3] ?? 10) * 1000;
  let b = 0;
  while (performance.now() < end) await contenders[0].launch(b++);
  console.log(`${(b * BATCH).toLocaleString("en")} instances launched`);
} else {
  for (const c of contenders) for (let b = 0; b < 4; b++) await c.launch(b);
  const total = Number(process.argv[2] ?? 96_000);
  const perRound = [];
  const rounds = Math.max(5, Math.floor(total / BATCH / 3 / contenders.length));
  // rotatingRounds gives ratios for 4 contenders (the third ÷ the first); the per-round ratios to the default are taken here.
  await rotatingRounds(contenders, total);
  for (let r = 0; r < rounds; r++) perRound.push(contenders.map((c) => contenders[0].cpuTimes[r] / c.cpuTimes[r]));
  console.log(`${rounds} rounds; rates by the process's CPU time (a shared machine: the wall clock's in brackets)`);
  if (base && skipped === 0) throw new Error("the client's logger is not this NoOpLogger: the skip never applied");
  for (const [k, c] of contenders.entries()) {
    const ms = median(c.cpuTimes);
    console.log(
      `${c.name.padEnd(48)} ${Math.round(BATCH / (ms / 1000))
        .toLocaleString("en")
        .padStart(
          8,
        )}/s  ${((ms * 1000) / BATCH).toFixed(1).padStart(6)} µs an instance  ×${median(perRound.map((p) => p[k])).toFixed(2)} the default's rate (median per-round)  [wall ${Math.round(BATCH / (median(c.times) / 1000)).toLocaleString("en")}/s]`,
    );
  }
}
