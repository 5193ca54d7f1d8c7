#!/usr/bin/env node
import { Session } from "node:inspector/promises";
/**
 * Bytes the mock allocates per Stop/Start cycle without the SDK (its
 * middleware called as bench/plugin-alone.mjs calls it), by allocating
 * function: V8's sampling heap profiler, objects the GC collected
 * included. The harness's own share is the `cycle` line.
 *
 *   node bench/plugin-alloc-alone.mjs DIR
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
const mock = await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const { EC2Client, RunInstancesCommand } = await import("@aws-sdk/client-ec2");
const ec2 = mock.createEc2Mock({ timing: "instant" });
const client = new EC2Client({ region: "us-east-1" });
client.middlewareStack.use(ec2);
const run = await client.send(new RunInstancesCommand({ ImageId: mock.LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
const id = run.Instances[0].InstanceId;
let middleware;
ec2.applyToStack({
  add: (m) => {
    middleware = m;
  },
  addRelativeTo() {},
  applyToStack() {},
  use() {},
  remove: () => false,
});
const next = async () => {
  throw new Error("passed on");
};
const cycle = async () => {
  await middleware(next, { clientName: "EC2Client", commandName: "StopInstancesCommand" })({ input: { InstanceIds: [id] } });
  await middleware(next, { clientName: "EC2Client", commandName: "StartInstancesCommand" })({ input: { InstanceIds: [id] } });
};
for (let i = 0; i < 20000; i++) await cycle();
const s = new Session();
s.connect();
await s.post("HeapProfiler.startSampling", {
  samplingInterval: 64,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const N = 20000;
for (let i = 0; i < N; i++) await cycle();
const { profile } = await s.post("HeapProfiler.stopSampling");
const rows = new Map();
let total = 0;
(function walk(n, stack) {
  const here = `${n.callFrame.functionName || "(anon)"} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = n.selfSize;
  total += self;
  if (self) rows.set(here, (rows.get(here) ?? 0) + self);
  for (const c of n.children) walk(c, stack);
})(profile.head, []);
console.log(`total ${(total / N).toFixed(0)} B per cycle (2 calls)`);
for (const [k, v] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / N).toFixed(0).padStart(6), k);
