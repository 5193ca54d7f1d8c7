#!/usr/bin/env node
import { Session } from "node:inspector/promises";
/**
 * Bytes allocated per Stop/Start cycle through the SDK client (V8's sampling
 * heap profiler, objects the GC collected included): the plugin of a
 * build (DIR's dist/), or the SDK floor of figure (a). Allocation does not
 * depend on the machine's load (bench/README.md, issue 22 (a), third pass).
 *
 *   node bench/plugin-alloc.mjs DIR plugin|floor
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
const which = process.argv[3] ?? "plugin";
const mock = await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const { EC2Client, RunInstancesCommand, StopInstancesCommand, StartInstancesCommand } = await import("@aws-sdk/client-ec2");
const client = new EC2Client({ region: "us-east-1" });
let id = "i-0123456789abcdef0";
if (which === "plugin") {
  client.middlewareStack.use(mock.createEc2Mock({ timing: "instant" }));
  id = (await client.send(new RunInstancesCommand({ ImageId: mock.LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances[0].InstanceId;
} else {
  const change = (from, to) => [
    { InstanceId: id, CurrentState: { Code: to[0], Name: to[1] }, PreviousState: { Code: from[0], Name: from[1] } },
  ];
  const outputs = {
    StopInstancesCommand: { StoppingInstances: change([16, "running"], [64, "stopping"]) },
    StartInstancesCommand: { StartingInstances: change([80, "stopped"], [0, "pending"]) },
  };
  const metadata = { httpStatusCode: 200, requestId: "r", attempts: 1, totalRetryDelay: 0 };
  client.middlewareStack.add(
    (_n, c) => async () => ({ output: { ...outputs[c.commandName], $metadata: metadata }, response: { statusCode: 200, headers: {} } }),
    { step: "initialize", priority: "low", name: "constantOutput" },
  );
}
const cycle = async () => {
  await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
};
for (let i = 0; i < 5000; i++) await cycle();
const s = new Session();
s.connect();
await s.post("HeapProfiler.startSampling", {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const N = 10000;
for (let i = 0; i < N; i++) await cycle();
const { profile } = await s.post("HeapProfiler.stopSampling");
let total = 0;
(function walk(n) {
  total += n.selfSize;
  for (const c of n.children) walk(c);
})(profile.head);
console.log(`${which} ${dir}: ${(total / N).toFixed(0)} B per cycle`);
