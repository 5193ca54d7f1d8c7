#!/usr/bin/env node
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
import { allocationPerRun } from "./heap-sampling.mjs";
import { middlewareCycle } from "./plugin-cycles.mjs";

const dir = process.argv[2];
const mock = await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const cycle = await middlewareCycle(mock);
const { perRun, rows } = await allocationPerRun(cycle, { warmUp: 20000, runs: 20000, samplingInterval: 64 });
console.log(`total ${perRun.toFixed(0)} B per cycle (2 calls)`);
for (const [where, bytes] of rows.slice(0, 40)) console.log(bytes.toFixed(0).padStart(6), where);
