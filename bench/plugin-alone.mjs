#!/usr/bin/env node
/**
 * The mock's own cost per call on figure (a)'s path, without the SDK's: the
 * plugin's middleware taken off a stand-in stack and called as the SDK calls
 * it (the factory once per call, then the handler) for StopInstances and
 * StartInstances on one instance, in CPU time (`process.cpuUsage`, the GC's
 * threads included), the median of many short rounds. One build per process
 * (two builds in one process share a heap, and one's garbage is collected in
 * the other's rounds):
 *
 *   node bench/plugin-alone.mjs [WORKTREE]     (default: this package's own build)
 *   MOCK_OPTS='{"history":{"limit":0}}' node bench/plugin-alone.mjs
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { middlewareCycle } from "./plugin-cycles.mjs";

const dir = process.argv[2];
const options = JSON.parse(process.env.MOCK_OPTS ?? "{}");
const mock = dir === undefined ? await import("ec2-mock") : await import(pathToFileURL(path.resolve(dir, "dist/esm/index.js")).href);
const cycle = await middlewareCycle(mock, options);
const N = 2000;
const ROUNDS = Number(process.env.ROUNDS ?? 21);
for (const end = performance.now() + 2000; performance.now() < end; ) await cycle();
const perCall = [];
for (let r = 0; r < ROUNDS; r++) {
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) await cycle();
  const d = process.cpuUsage(t);
  perCall.push((d.user + d.system) / N / 2);
}
const median = [...perCall].sort((a, b) => a - b)[Math.floor(perCall.length / 2)];
console.log(`${dir ?? "ec2-mock"}: ${median.toFixed(2)} µs of CPU per call (median of ${ROUNDS} rounds of ${N} cycles)`);
