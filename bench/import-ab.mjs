#!/usr/bin/env node
/**
 * Issue 22 (f), A/B: the import of two builds of ec2-mock after the SDK's,
 * each in a fresh node process, the two alternating (their order swapped
 * every pair), so that both see the same load of the machine.
 *
 *   node bench/import-ab.mjs BASE_TREE [pairs] [entry]
 *
 * BASE_TREE is another checkout with `npm run build` done (e.g.
 * `git worktree add /tmp/x-base integ`, node_modules symlinked); this
 * tree is the other. `entry` is a file under dist/esm (index.js, cvm.js).
 * Prints, per build, the median CPU time of the import (all threads,
 * `process.cpuUsage()`), its wall time, and the median of the per-pair
 * ratios (this tree ÷ base).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [baseArg, pairsArg = "21", entry = "index.js"] = process.argv.slice(2);
if (baseArg === undefined) throw new Error("usage: node bench/import-ab.mjs BASE_TREE [pairs] [entry]");
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const trees = { base: path.resolve(baseArg), this: here };
const pairs = Number(pairsArg);

/** One fresh process: the SDK's import, then the tree's entry; its CPU and wall ms. */
function once(tree) {
  const url = pathToFileURL(path.join(tree, "dist", "esm", entry)).href;
  const code = `await import("@aws-sdk/client-ec2");
const c = process.cpuUsage(); const t = performance.now();
await import(${JSON.stringify(url)});
const w = performance.now() - t; const u = process.cpuUsage(c);
console.log(JSON.stringify({ cpu: (u.user + u.system) / 1000, wall: w }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: here, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const runs = { base: [], this: [] };
once(trees.base); // warm the file cache for both
once(trees.this);
for (let i = 0; i < pairs; i++) {
  const order = i % 2 ? ["this", "base"] : ["base", "this"];
  for (const name of order) runs[name].push(once(trees[name]));
}
const row = (name) =>
  `${name.padEnd(5)} CPU ${median(runs[name].map((r) => r.cpu)).toFixed(1)} ms, wall ${median(runs[name].map((r) => r.wall)).toFixed(1)} ms`;
console.log(`${entry}, ${pairs} pairs (base: ${trees.base})`);
console.log(row("base"));
console.log(row("this"));
const ratio = (k) => median(runs.this.map((r, i) => r[k] / runs.base[i][k])).toFixed(3);
console.log(`this ÷ base, median of pairs: CPU ${ratio("cpu")}, wall ${ratio("wall")}`);
