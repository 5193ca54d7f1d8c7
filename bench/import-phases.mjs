#!/usr/bin/env node
/**
 * Issue 22 (f): where `import("ec2-mock")`'s time goes, by phase, without a
 * profiler (whose own cost, on this machine, was as large as what it
 * measured). Each fresh process imports the SDK, then loads the ES build's
 * eager graph (dist/esm/index.js and the chunks it imports statically) the
 * way node's loader does, through `vm.SourceTextModule` (the same V8 module
 * compile), timing each phase apart: reading and decoding the files, V8's
 * compile (a parse of every byte; functions are pre-parsed), linking, and
 * evaluating the top-level code. External imports (`node:*`, the SDK) are
 * taken from node's own loader, already loaded. It needs
 * `--experimental-vm-modules`, which it passes to its children.
 *
 *   node bench/import-phases.mjs [processes] [tree ...]
 *
 * Prints, per tree (this one by default; several are measured in
 * alternation, a process of each in turn, so that they share the machine's
 * load), the median CPU time (`process.cpuUsage()`, all threads) and wall
 * time of each phase, and the bytes.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(import.meta.url);
const [processesArg = "9", ...treeArgs] = process.argv.slice(2);
const trees = treeArgs.length > 0 ? treeArgs.map((t) => path.resolve(t)) : [path.resolve(path.dirname(here), "..")];
const treeArg = trees[0];

if (process.env.IMPORT_PHASES_CHILD === "1") {
  const vm = await import("node:vm");
  await import("@aws-sdk/client-ec2");
  const entry = path.join(treeArg, "dist", "esm", "index.js");
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const phases = { read: [0, 0], compile: [0, 0], link: [0, 0], evaluate: [0, 0] };
  const timed = (phase, fn) => {
    const c = cpu();
    const t = performance.now();
    const out = fn();
    phases[phase][0] += cpu() - c;
    phases[phase][1] += performance.now() - t;
    return out;
  };
  const timedAsync = async (phase, fn) => {
    const c = cpu();
    const t = performance.now();
    const out = await fn();
    phases[phase][0] += cpu() - c;
    phases[phase][1] += performance.now() - t;
    return out;
  };
  let bytes = 0;
  const modules = new Map();
  const externals = new Map();
  /** The module of a file, compiled (its dependencies compiled first, as the loader does before linking). */
  const moduleOf = (file) => {
    let m = modules.get(file);
    if (m !== undefined) return m;
    const text = timed("read", () => readFileSync(file, "utf8"));
    bytes += text.length;
    m = timed("compile", () => new vm.SourceTextModule(text, { identifier: pathToFileURL(file).href }));
    modules.set(file, m);
    for (const specifier of m.dependencySpecifiers) if (specifier.startsWith(".")) moduleOf(path.resolve(path.dirname(file), specifier));
    return m;
  };
  const root = moduleOf(entry);
  for (const m of modules.values())
    for (const specifier of m.dependencySpecifiers) {
      if (specifier.startsWith(".") || externals.has(specifier)) continue;
      const ns = await import(specifier);
      const keys = Object.keys(ns);
      externals.set(
        specifier,
        new vm.SyntheticModule(keys, function () {
          for (const k of keys) this.setExport(k, ns[k]);
        }),
      );
    }
  await timedAsync("link", () =>
    root.link((specifier, referencing) =>
      specifier.startsWith(".")
        ? modules.get(path.resolve(path.dirname(fileURLToPath(referencing.identifier)), specifier))
        : externals.get(specifier),
    ),
  );
  // Each module evaluated apart, dependencies first (evaluating one evaluates what it imports, already done): the
  // top-level code's time per file.
  const perFile = {};
  const evaluated = new Set();
  const evaluate = async (file) => {
    if (evaluated.has(file)) return;
    evaluated.add(file);
    const m = modules.get(file);
    for (const specifier of m.dependencySpecifiers)
      if (specifier.startsWith(".")) await evaluate(path.resolve(path.dirname(file), specifier));
    const c = cpu();
    await timedAsync("evaluate", () => m.evaluate());
    perFile[path.basename(file)] = cpu() - c;
  };
  await evaluate(entry);
  console.log(JSON.stringify({ phases, bytes, files: modules.size, perFile }));
  process.exit(0);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const child = (tree) => {
  const r = spawnSync(process.execPath, ["--experimental-vm-modules", "--no-warnings", here, processesArg, tree], {
    env: { ...process.env, IMPORT_PHASES_CHILD: "1" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
};
const runsOf = new Map(trees.map((t) => [t, []]));
for (const tree of trees) child(tree); // warms the page cache
for (let i = 0; i < Number(processesArg); i++) {
  // The order rotates, so that no tree always runs right after another.
  for (let j = 0; j < trees.length; j++) {
    const tree = trees[(i + j) % trees.length];
    runsOf.get(tree).push(child(tree));
  }
}
for (const [tree, runs] of runsOf) {
  console.log(`${tree}: ${runs[0].files} files, ${(runs[0].bytes / 1024).toFixed(0)} KiB of text; median of ${runs.length} processes`);
  for (const phase of Object.keys(runs[0].phases))
    console.log(
      `  ${phase.padEnd(9)} CPU ${median(runs.map((r) => r.phases[phase][0])).toFixed(1)} ms, wall ${median(runs.map((r) => r.phases[phase][1])).toFixed(1)} ms`,
    );
  for (const file of Object.keys(runs[0].perFile))
    console.log(`    evaluate ${file.padEnd(20)} CPU ${median(runs.map((r) => r.perFile[file])).toFixed(1)} ms`);
  const total = (r, k) => Object.values(r.phases).reduce((a, p) => a + p[k], 0);
  console.log(
    `  total     CPU ${median(runs.map((r) => total(r, 0))).toFixed(1)} ms, wall ${median(runs.map((r) => total(r, 1))).toFixed(1)} ms`,
  );
}
