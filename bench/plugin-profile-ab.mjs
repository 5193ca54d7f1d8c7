#!/usr/bin/env node
import { Session } from "node:inspector/promises";
/**
 * Figure (a)'s interleaved CPU profile (bench/README.md, issue 22 (a), third
 * pass): the SDK floor and the plugin of a build (DIR's dist/) in
 * alternating chunks of 100 cycles under one sampling profile (100 µs),
 * each sample given to the chunk its timestamp falls in (the profile's
 * clock is the monotonic one `process.hrtime` reads). Prints µs per cycle by
 * category (SDK, mock, GC, ...) for each, and the functions that differ most.
 *
 *   node bench/plugin-profile-ab.mjs DIR [CHUNKS]      (MOCK_OPTS='{"history":{"limit":0}}')
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { FLOOR_ID, floorClient, pluginClient, sdkCycle } from "./plugin-cycles.mjs";

const dir = process.argv[2];
const CHUNKS = Number(process.argv[3] ?? 60),
  N = 100;
const mock = await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const plugin = await pluginClient(mock, JSON.parse(process.env.MOCK_OPTS ?? "{}"));
const contenders = [sdkCycle(floorClient(), FLOOR_ID), sdkCycle(plugin.client, plugin.id)];
for (const end = performance.now() + 3000; performance.now() < end; ) {
  await contenders[0]();
  await contenders[1]();
}
const s = new Session();
s.connect();
await s.post("Profiler.enable");
await s.post("Profiler.setSamplingInterval", { interval: 100 });
await s.post("Profiler.start");
const marks = []; // [start µs, end µs, contender], on process.hrtime: the clock the profile's timestamps use
for (let c = 0; c < CHUNKS; c++) {
  const k = c % 2;
  const a = Number(process.hrtime.bigint() / 1000n);
  for (let i = 0; i < N; i++) await contenders[k]();
  const b = Number(process.hrtime.bigint() / 1000n);
  marks.push([a, b, k]);
}
const { profile } = await s.post("Profiler.stop");
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const cat = (n) => {
  const f = n.callFrame;
  const u = f.url;
  if (f.functionName === "(garbage collector)") return "GC";
  if (u.includes(dir) && !u.includes("node_modules") && u.includes("/dist/")) return "mock";
  if (u.includes("@aws-sdk") || u.includes("@smithy")) return "SDK";
  if (f.functionName === "(program)" || f.functionName === "(idle)") return f.functionName;
  if (u === "") return "native/other";
  if (u.includes("plugin-profile-ab.mjs")) return "harness";
  return "node/other";
};
// Profile timestamps are µs in the monotonic clock; align: first sample time ≈ t0 region. Use startTime + cumulative deltas, offset so that
// the profile's startTime corresponds to just before t0.
let t = profile.startTime;
const times = [];
for (const d of profile.timeDeltas) {
  t += d;
  times.push(t);
}
const totals = [new Map(), new Map()];
const wall = [0, 0];
const cycles = [0, 0];
for (const [a, b, k] of marks) {
  wall[k] += (b - a) / 1000;
  cycles[k] += N;
}
const fnTotals = [new Map(), new Map()];
let mi = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const ms = times[i];
  while (mi < marks.length && ms > marks[mi][1]) mi++;
  if (mi >= marks.length) break;
  if (ms < marks[mi][0]) continue;
  const k = marks[mi][2];
  const n = byId.get(profile.samples[i]);
  const c = cat(n);
  const dt = profile.timeDeltas[i + 1] ?? 100;
  totals[k].set(c, (totals[k].get(c) ?? 0) + dt);
  if (c === "mock" || c === "SDK" || c === "node/other" || c === "native/other") {
    const key = `${c} ${n.callFrame.functionName}`;
    fnTotals[k].set(key, (fnTotals[k].get(key) ?? 0) + dt);
  }
}
const names = ["floor", "plugin"];
for (const k of [0, 1]) {
  const per = (v) => (v / cycles[k]).toFixed(1);
  console.log(
    `${names[k]}: wall ${((wall[k] * 1000) / cycles[k]).toFixed(1)} µs/cycle; sampled by category (µs/cycle): ${[...totals[k]]
      .sort((a, b) => b[1] - a[1])
      .map(([c, v]) => `${c} ${per(v)}`)
      .join(", ")}`,
  );
}
const diff = new Map();
for (const k of [0, 1]) for (const [f, v] of fnTotals[k]) diff.set(f, (diff.get(f) ?? 0) + (k ? v / cycles[1] : -v / cycles[0]));
console.log("largest plugin − floor differences by function (µs/cycle):");
for (const [f, v] of [...diff].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 25)) console.log(v.toFixed(1).padStart(8), f);
