#!/usr/bin/env node
/**
 * ec2-mock's server in a process of its own, for the server ÷ moto figure
 * (bench/server-vs-moto.mjs) and bench/profile-server.mjs: moto's server is a
 * process of its own, so the mock's is too, and neither shares a thread with
 * the client that measures them.
 *
 *   node bench/ec2-mock-server.mjs     prints "listening http://127.0.0.1:PORT", serves until SIGTERM/SIGINT
 *
 * Loaded through the package's own exports ("ec2-mock"), not a path under
 * dist/, so it survives the files moving. Timing "instant": instances are
 * running as soon as they are launched, so the figure is the cost of
 * answering, not of waiting. `Host: localhost` is accepted at any port, so
 * the very same request bytes go to this server and to moto's.
 *
 * With BENCH_CPU_PROFILE=FILE, SIGUSR2 starts V8's CPU profiler (sampling
 * every 100 µs) and the next SIGUSR2 writes the profile to FILE and prints
 * "profile written": only the part of the run between them is profiled (not
 * the start, the fleet's launch or the warm-up, as `node --cpu-prof` would).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createEc2Mock } from "ec2-mock";

const server = await createEc2Mock({ timing: "instant" }).listen({ port: 0, allowedHosts: ["localhost"] });
console.log(`listening ${server.url}`);
const stop = () => server.close().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);

const profileFile = process.env.BENCH_CPU_PROFILE;
if (profileFile) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on("SIGUSR2", async () => {
    if (!running) {
      running = true;
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 100 });
      await session.post("Profiler.start");
      console.log("profiling");
    } else {
      running = false;
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(profileFile, JSON.stringify(profile));
      console.log("profile written");
    }
  });
}
