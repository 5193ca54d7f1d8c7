#!/usr/bin/env node
/**
 * Issue 22 (c), the journal's commit rate, A/B in one process: one fleet
 * (bench/fleets.mjs, launched through this package's plugin), served three
 * times by `listen()` in this process, as bench/i22-state.mjs serves it:
 * without a state file, with one by another build of the package (BASE: a
 * directory holding a built ec2-mock, e.g. a worktree of the base commit),
 * and with one by this build. Raw HTTP, 8 in flight, StopInstances and
 * StartInstances on one instance (i22-state.mjs' rounds), the three in
 * rounds whose order rotates; prints each round's rates and the median
 * ratios to the plain server. The state files go to os.tmpdir() (set TMPDIR
 * to put them on another file system, e.g. /dev/shm).
 *
 *   node --max-old-space-size=8000 bench/journal-ab.mjs BASE [N=10000] [round ms=600] [rounds=6]
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { vpcFleet } from "./fleets.mjs";
import { rawContender } from "./server-vs-moto.mjs";

const [baseDir, nArg = "10000", msArg = "600", roundsArg = "6"] = process.argv.slice(2);
if (baseDir === undefined) throw new Error("usage: journal-ab.mjs BASE [N] [round ms] [rounds]");
/** The SDK's classes and credentials bench/fleets.mjs launches with (through the plugin: never signed on a wire). */
const sdk = {
  ...(await import("@aws-sdk/client-ec2")),
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
};
const mine = await import("ec2-mock");
const base = await import(pathToFileURL(path.join(path.resolve(baseDir), "dist/esm/index.js")).href);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const fleet = await vpcFleet(sdk, mine);
await fleet.grow(Number(nArg));
const snapshot = fleet.ec2.snapshot();
const dir = mkdtempSync(path.join(os.tmpdir(), "bench22-journal-ab-"));
const twin = (pkg, name) => {
  const copy = pkg.createEc2Mock({ timing: "instant" });
  copy.restore(snapshot);
  return copy.listen({ port: 0, allowedHosts: ["localhost"], stateFile: path.join(dir, `${name}.json`) });
};
const servers = [await fleet.ec2.listen({ port: 0, allowedHosts: ["localhost"] }), await twin(base, "base"), await twin(mine, "new")];
const names = ["plain", "base --state", "new --state"];
const contenders = servers.map((server, k) =>
  rawContender({ name: names[k], port: Number(new URL(server.url).port) }, { key: "cycle" }, fleet.cycleId),
);
const ms = Number(msArg);
for (const c of contenders) await c(ms);
const rates = servers.map(() => []);
/** The process's CPU time over each round's wall time: below 1, the event loop waited (for the disk). */
const cpu = servers.map(() => []);
for (let r = 0; r < Number(roundsArg); r++) {
  const order = servers.map((_, k) => (k + r) % servers.length);
  for (const k of order) {
    const c0 = process.cpuUsage();
    rates[k].push(await contenders[k](ms));
    const c = process.cpuUsage(c0);
    cpu[k].push((c.user + c.system) / 1000 / ms);
  }
  console.log(
    `round ${r + 1}: ${rates.map((xs, k) => `${xs.at(-1).toFixed(0)}/s (CPU ${cpu[k].at(-1).toFixed(2)})`).join(" / ")} (${names.join(" / ")})`,
  );
}
const ratio = (k) => median(rates[k].map((x, r) => x / rates[0][r]));
console.log(
  `${Number(nArg) + 1} instances, state files in ${dir}: medians ${rates.map((xs) => median(xs).toFixed(0)).join(" / ")} answers/s; ` +
    `ratio to plain: ${names
      .slice(1)
      .map((n, k) => `${n} ${ratio(k + 1).toFixed(2)}`)
      .join(", ")}; ÷ base: ${names
      .slice(2)
      .map((n, k) => `${n} ${median(rates[k + 2].map((x, r) => x / rates[1][r])).toFixed(2)}`)
      .join(", ")}`,
);
await Promise.all(servers.map((s) => s.close()));
rmSync(dir, { recursive: true, force: true });
fleet.client.destroy();
