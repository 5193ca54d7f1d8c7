#!/usr/bin/env node
/**
 * Figure (i6) side by side for two builds: a Stop/Start cycle through an
 * EC2Client whose requestHandler is `ec2.httpHandler()` of this checkout's
 * build and of another (`--base DIR`, a built checkout: `git worktree add
 * /tmp/x-base integ`, node_modules symlinked, `npm run build` there), and
 * the same client on bench/i6-canned.mjs's handler returning constant XML.
 * Interleaved rounds, each round starting with the next contender in turn
 * (as run.mjs's (a)); every ratio is the median of the per-round ratios.
 * Not part of `npm run bench`.
 *
 *   node bench/i6-ab.mjs [--base DIR] [rounds=31] [cycles=40]
 *   node --cpu-prof bench/i6-ab.mjs --profile [--canned] [seconds=10]   (this build's httpHandler cycle alone, or the canned one's)
 *   node bench/i6-ab.mjs --door [--base DIR] [rounds=31] [cycles=200]
 *   node --cpu-prof bench/i6-ab.mjs --door --profile [seconds=10]
 *
 * --door: the mock's own part alone, without the SDK: the StopInstances and
 * StartInstances requests the SDK client sent (captured once, signed) handed
 * to `httpHandler().handle` in turn, and the answer's body read as the SDK
 * reads it; µs per cycle of each build.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { cannedHandler } from "./i6-canned.mjs";
import { sdkCycle } from "./plugin-cycles.mjs";

const args = process.argv.slice(2);
const baseAt = args.indexOf("--base");
const baseDir = baseAt >= 0 ? args[baseAt + 1] : undefined;
const profile = args.includes("--profile");
const numbers = args.filter((a, i) => !a.startsWith("--") && (baseAt < 0 || i !== baseAt + 1)).map(Number);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A cycle through `requestHandler`'s client on one instance (launched through it, or the canned id). */
async function handlerCycle(mockModule) {
  const ec2 = mockModule.createEc2Mock({ timing: "instant" });
  const client = new EC2Client({ region: "us-east-1", credentials, maxAttempts: 1, requestHandler: ec2.httpHandler() });
  const run = await client.send(new RunInstancesCommand({ ImageId: mockModule.LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  return sdkCycle(client, run.Instances[0].InstanceId);
}

/** The door alone: handle() on the captured Stop and Start requests of one instance, in turn. */
async function doorCycle(mockModule) {
  const ec2 = mockModule.createEc2Mock({ timing: "instant" });
  const handler = ec2.httpHandler();
  const sent = [];
  const capture = {
    ...handler,
    handle(request, options) {
      sent.push(request);
      return handler.handle(request, options);
    },
  };
  const client = new EC2Client({ region: "us-east-1", credentials, maxAttempts: 1, requestHandler: capture });
  const run = await client.send(new RunInstancesCommand({ ImageId: mockModule.LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  await sdkCycle(client, run.Instances[0].InstanceId)();
  const [stop, start] = sent.slice(1);
  return async () => {
    for (const request of [stop, start]) {
      const { response } = await handler.handle(request);
      if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
    }
  };
}

const door = args.includes("--door");
const load = (dir) => import(pathToFileURL(path.join(dir, "dist/esm/index.js")).href);
const contender = door ? doorCycle : handlerCycle;
const mine = await contender(await load(root));
const canned = sdkCycle(
  new EC2Client({ region: "us-east-1", credentials, maxAttempts: 1, requestHandler: cannedHandler }),
  "i-0123456789abcdef0",
);

if (profile) {
  const seconds = numbers[0] ?? 10;
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const op = args.includes("--canned") ? canned : mine;
  for (; performance.now() < end; n++) await op();
  console.log(`${(n / seconds).toFixed(0)} cycles/s under the profiler`);
  process.exit(0);
}

const [rounds = 31, cycles = door ? 200 : 40] = numbers;
const contenders = [["this build", mine]];
if (baseDir !== undefined) contenders.push(["base", await contender(await load(path.resolve(baseDir)))]);
if (!door) contenders.push(["canned XML", canned]);

for (const [, op] of contenders) {
  const end = performance.now() + 2_000;
  while (performance.now() < end) await op();
}
const rates = contenders.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let j = 0; j < contenders.length; j++) {
    const k = (r + j) % contenders.length;
    const t0 = performance.now();
    for (let i = 0; i < cycles; i++) await contenders[k][1]();
    rates[k].push(cycles / ((performance.now() - t0) / 1000));
  }
}
const ratio = (a, b) => median(rates[a].map((x, r) => x / rates[b][r]));
const last = contenders.length - 1;
for (let k = 0; k < contenders.length; k++)
  console.log(`${contenders[k][0].padEnd(11)} ${median(rates[k]).toFixed(0)} cycles/s, ${(1e6 / median(rates[k])).toFixed(1)} µs a cycle`);
if (!door) console.log(`this build ÷ canned ${ratio(0, last).toFixed(3)}`);
if (!door && baseDir !== undefined) console.log(`base ÷ canned       ${ratio(1, last).toFixed(3)}`);
if (baseDir !== undefined) console.log(`this build ÷ base   ${ratio(0, 1).toFixed(3)}`);
