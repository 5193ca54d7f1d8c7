#!/usr/bin/env node
/**
 * Issue 22's first profiles: one workload of a missed figure, run for a
 * bounded time, to be run under `node --cpu-prof` and summarised with
 * bench/cpuprofile-top.mjs:
 *
 *   node --cpu-prof --cpu-prof-dir=DIR bench/profile-issue22.mjs WORKLOAD [seconds]
 *   node bench/cpuprofile-top.mjs DIR/*.cpuprofile
 *
 * Workloads:
 * - cycle:  the plugin's Stop/Start cycle on one instance (figures (a), (22d));
 * - launch: RunInstances of 1,000 at a time through the plugin on a /8 (22e);
 * - state:  Stop/Start over raw HTTP against `listen({ stateFile })` with a
 *           fleet of 10,000 (22c), server and client in this process;
 * - import: the SDK's import then ec2-mock's (f); its second argument is
 *           the file the profile of the package's import alone is written to
 *           (over the inspector: no --cpu-prof).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const [workload = "cycle", secondsArg = "5"] = process.argv.slice(2);
const seconds = Number(secondsArg);
const end = () => performance.now() + seconds * 1000;

if (workload === "import") {
  // Only the package's import is profiled (started over the inspector after the SDK's),
  // written to the file named by the second argument.
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  await import("@aws-sdk/client-ec2");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const t = performance.now();
  await import("ec2-mock");
  const ms = performance.now() - t;
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(secondsArg, JSON.stringify(profile));
  console.log(`import("ec2-mock") after the SDK: ${ms.toFixed(1)} ms (profiled every 100 µs)`);
  process.exit(0);
}

const { EC2Client, RunInstancesCommand, StopInstancesCommand, StartInstancesCommand } = await import("@aws-sdk/client-ec2");
const { createEc2Mock, LINUX_AMI_ID } = await import("ec2-mock");

function pluginClient(options = {}) {
  const ec2 = createEc2Mock({ timing: "instant", ...options });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  return { ec2, client };
}

if (workload === "cycle") {
  const { client } = pluginClient();
  const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }))).Instances[0].InstanceId;
  let n = 0;
  for (const stop = end(); performance.now() < stop; n++) {
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
  }
  console.log(`${n} cycles, ${((seconds * 1e6) / n).toFixed(0)} µs a cycle`);
} else if (workload === "launch") {
  const { client } = pluginClient({ network: { vpcCidr: "10.0.0.0/8" } });
  let n = 0;
  const t0 = performance.now();
  for (const stop = end(); performance.now() < stop && n < 500_000; n += 1000) {
    await client.send(
      new RunInstancesCommand({
        ImageId: LINUX_AMI_ID,
        InstanceType: "t2.micro",
        MinCount: 1000,
        MaxCount: 1000,
        Placement: { AvailabilityZone: `us-east-1${"abcdef"[(n / 1000) % 6]}` },
      }),
    );
  }
  console.log(`${n} instances, ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} instances/s`);
} else if (workload === "state") {
  const { queryRequest, RawConnection } = await import("./raw-http.mjs");
  const { ec2, client } = pluginClient({ network: { vpcCidr: "10.0.0.0/8" } });
  for (let b = 0; b < 10; b++) {
    await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t2.micro", MinCount: 1000, MaxCount: 1000 }));
  }
  const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, InstanceType: "t2.micro", MinCount: 1, MaxCount: 1 })))
    .Instances[0].InstanceId;
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench22-prof-state-"));
  const server = await ec2.listen({ port: 0, allowedHosts: ["localhost"], stateFile: path.join(dir, "state.json") });
  const port = Number(new URL(server.url).port);
  const requests = ["StopInstances", "StartInstances"].map((a) => queryRequest(`Action=${a}&Version=2016-11-15&InstanceId.1=${id}`));
  let n = 0;
  const stop = end();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      const conn = new RawConnection(port);
      await conn.open();
      for (let k = 0; performance.now() < stop; k++, n++) await conn.request(requests[k % 2]);
      conn.close();
    }),
  );
  console.log(`${n} answers, ${(n / seconds).toFixed(1)} answers/s with --state at 10,001 instances`);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
} else {
  throw new Error(`unknown workload ${workload}`);
}
