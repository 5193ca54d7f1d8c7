/**
 * Issue 22 (c): a server's restart from a large state file, the snapshot
 * read whole (one string, one `JSON.parse`: every version before) or in
 * pieces (src/kit/state/json-stream.ts), side by side in one run, each
 * figure a fresh `node` process, the two alternating.
 *
 *   node bench/i22-restart.mjs make N FILE      a fleet of N (vpcFleet; wideFleet past 286,000), its state file written by listen({ stateFile })
 *   node bench/i22-restart.mjs compare FILE R   R rounds of: restart whole, restart in pieces (and the parse alone, each way)
 *
 * The code is bundled from src/ (esbuild) into dist-bench/, so that both
 * readings run the same code, the reading chosen by SNAPSHOT_READING (the
 * knob a test lowers): `whole` reads any size whole (what every version did,
 * and fails past V8's longest string), `pieces` reads any size in pieces.
 * Each restart prints its wall time, the process's CPU time, the garbage
 * collector's time (PerformanceObserver "gc") and the peak RSS.
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundle = path.join(repo, "dist-bench", "restart.mjs");
const [mode, ...args] = process.argv.slice(2);

async function build() {
  const { build } = await import("esbuild");
  await build({
    stdin: {
      contents: `export * from "./src/index.ts"; export { SNAPSHOT_READING, readJsonFile } from "./src/kit/state/json-stream.ts";`,
      resolveDir: repo,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile: bundle,
    logLevel: "warning",
  });
}

const READINGS = { whole: { wholeText: Number.POSITIVE_INFINITY }, pieces: { wholeText: 0 } };

if (mode === "make") {
  const [n, file] = args;
  await build();
  const ec2Mock = await import(bundle);
  const sdk = { ...(await import("@aws-sdk/client-ec2")), credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" } };
  const { vpcFleet, wideFleet } = await import("./fleets.mjs");
  const t0 = performance.now();
  // EC2's own layout (VPCs of /16) holds at most 286,670 instances in a Region: past that, the /8 default VPC.
  const fleet = Number(n) > 286_000 ? await wideFleet(sdk, ec2Mock) : await vpcFleet(sdk, ec2Mock);
  await fleet.grow(Number(n));
  const t1 = performance.now();
  const server = await fleet.ec2.listen({ stateFile: file });
  await server.close();
  console.log(
    `fleet of ${fleet.size + (fleet.cycleId === undefined ? 0 : 1)} built in ${((t1 - t0) / 1000).toFixed(1)} s, file written in ${((performance.now() - t1) / 1000).toFixed(1)} s: ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`,
  );
} else if (mode === "child") {
  const [what, file, reading] = args;
  const ec2Mock = await import(bundle);
  Object.assign(ec2Mock.SNAPSHOT_READING, READINGS[reading]);
  const { PerformanceObserver } = await import("node:perf_hooks");
  let gc = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc += entry.duration;
  });
  observer.observe({ entryTypes: ["gc"] });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let detail = "";
  try {
    if (what === "parse") {
      const { value } = ec2Mock.readJsonFile(file, ec2Mock.SNAPSHOT_READING);
      detail = `${Object.keys(value).length} members`;
      // The observer's entries arrive after a turn of the loop.
      await new Promise((resolve) => setTimeout(resolve, 10));
    } else {
      const mock = ec2Mock.createEc2Mock({ timing: "instant" });
      const server = await mock.listen({ stateFile: file });
      detail = "listening";
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      await new Promise((resolve) => setImmediate(resolve));
      report(wall, cpu, detail);
      await server.close();
      process.exit(0);
    }
  } catch (error) {
    detail = `FAILED: ${error.message.slice(0, 160)}`;
  }
  report(performance.now() - t0, process.cpuUsage(c0), detail);
  function report(wall, cpu, text) {
    console.log(
      JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000, gc, rss: process.resourceUsage().maxRSS / 1024, detail: text }),
    );
  }
} else if (mode === "compare") {
  const [file, rounds = "2"] = args;
  await build();
  const mib = (statSync(file).size / 2 ** 20).toFixed(1);
  console.log(`state file ${mib} MiB; load average ${(await import("node:os")).loadavg()[0].toFixed(1)} at the start`);
  const run = (what, reading) => {
    const out = execFileSync(
      process.execPath,
      ["--max-old-space-size=16000", fileURLToPath(import.meta.url), "child", what, file, reading],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    const r = JSON.parse(out.trim().split("\n").pop());
    console.log(
      `${what.padEnd(7)} ${reading.padEnd(6)} wall ${(r.wall / 1000).toFixed(2)} s, CPU ${(r.cpu / 1000).toFixed(2)} s, GC ${(r.gc / 1000).toFixed(2)} s, peak RSS ${(r.rss / 1024).toFixed(2)} GiB  ${r.detail}`,
    );
  };
  for (let round = 0; round < Number(rounds); round++) {
    const order = round % 2 === 0 ? ["whole", "pieces"] : ["pieces", "whole"];
    for (const what of ["parse", "restart"]) for (const reading of order) run(what, reading);
  }
  console.log(`load average ${(await import("node:os")).loadavg()[0].toFixed(1)} at the end`);
} else {
  console.error("usage: node bench/i22-restart.mjs make N FILE | compare FILE ROUNDS");
  process.exit(2);
}
