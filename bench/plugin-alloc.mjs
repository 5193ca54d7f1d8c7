#!/usr/bin/env node
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
import { allocationPerRun } from "./heap-sampling.mjs";
import { FLOOR_ID, floorClient, pluginClient, sdkCycle } from "./plugin-cycles.mjs";

const dir = process.argv[2];
const which = process.argv[3] ?? "plugin";
const mock = await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const cycle =
  which === "plugin" ? await pluginClient(mock).then(({ client, id }) => sdkCycle(client, id)) : sdkCycle(floorClient(), FLOOR_ID);
const { perRun } = await allocationPerRun(cycle, { warmUp: 5000, runs: 10000, samplingInterval: 256 });
console.log(`${which} ${dir}: ${perRun.toFixed(0)} B per cycle`);
