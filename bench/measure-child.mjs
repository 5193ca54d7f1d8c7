#!/usr/bin/env node
/**
 * Runs one figure's `measure({ quick, budgetSeconds })` in a process of its
 * own (bench/run.mjs starts it with `--expose-gc` and a heap limit that
 * holds a million instances) and prints its rows as one line of JSON,
 * `ROWS [...]`: so a million instances never share a heap with the other
 * figures, and the heap is measured without them.
 *
 *   node --expose-gc --max-old-space-size=12288 bench/measure-child.mjs MODULE   (BENCH_QUICK=1, BENCH_BUDGET=seconds)
 *
 * MODULE is a file of this directory: "i22-memory.mjs" (helper B's, issue
 * 22 (e)) or "i22-fleet.mjs" (this directory's own).
 */
const file = process.argv[2];
if (file === undefined || !/^[\w.-]+\.mjs$/.test(file)) {
  console.error("usage: node --expose-gc bench/measure-child.mjs MODULE.mjs");
  process.exit(2);
}
const { measure } = await import(new URL(`./${file}`, import.meta.url).href);
const quick = process.env.BENCH_QUICK === "1";
const budgetSeconds = process.env.BENCH_BUDGET === undefined ? undefined : Number(process.env.BENCH_BUDGET);
const rows = await measure({ quick, ...(budgetSeconds === undefined ? {} : { budgetSeconds }) });
process.stdout.write(`ROWS ${JSON.stringify(rows)}\n`);
