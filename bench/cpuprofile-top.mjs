#!/usr/bin/env node
/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or bench/profile-server.mjs's)
 * as the top functions by self time, with their share of the profile and
 * where they live (a `src/...` module of ec2-mock's bundle is named by the
 * file of the bundle; node's and the SDK's by their path under node_modules).
 *
 *   node bench/cpuprofile-top.mjs FILE.cpuprofile [count]
 */
import { readFileSync } from "node:fs";

const [file, countArg = "15"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
// timeDeltas[i] is the time before samples[i].
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url) => {
  if (!url) return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length).replace(/\/dist-[a-z]+\//, "/…/");
  const dist = url.indexOf("/dist/");
  if (dist >= 0) return `ec2-mock ${url.slice(dist + 1)}`;
  return url.replace(/^file:\/\/.*\/bench\//, "bench/");
};
const byFunction = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const key = `${f.functionName || "(anonymous)"}  ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ""}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg));
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
for (const [key, us] of top)
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${key}`);
