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
import { middlewareCycle } from "./plugin-cycles.mjs";

const dir = process.argv[2];
const mock = await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const cycle = await middlewareCycle(mock);
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
