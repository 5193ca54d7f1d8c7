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
import { FLOOR_ID, floorClient, pluginClient, sdkCycle } from "./plugin-cycles.mjs";

const dir = process.argv[2];
const which = process.argv[3] ?? "plugin";
const mock = await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const cycle =
  which === "plugin" ? await pluginClient(mock).then(({ client, id }) => sdkCycle(client, id)) : sdkCycle(floorClient(), FLOOR_ID);
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
