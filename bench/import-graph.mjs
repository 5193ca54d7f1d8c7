#!/usr/bin/env node
import { readFileSync } from "node:fs";
/**
 * Issue 22 (f): what `import("ec2-mock")` loads, by module. Bundles the ES
 * build as scripts/build.mjs does (in memory, with esbuild's metafile), walks
 * the static imports from the `ec2-mock` entry, and prints the files loaded
 * at import with their bytes, then the bytes each source module puts in them
 * (largest first) and the same by folder.
 *
 *   node bench/import-graph.mjs [folder depth = 4] [modules shown = 70]
 */
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const sourceOf = (t) => t.replace(/^\.\/dist\/esm\//, "./src/").replace(/\.js$/, ".ts");
// The ES build's entries: the exports map's (the CLI is built as CommonJS alone, scripts/build.mjs).
const entries = Object.values(pkg.exports).flatMap((t) => (typeof t === "object" ? [sourceOf(t.import.default)] : []));
const r = await build({
  bundle: true,
  platform: "node",
  target: "node20",
  packages: "external",
  outbase: "src",
  minifyWhitespace: true,
  entryPoints: entries,
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  outdir: path.join(os.tmpdir(), "ec2-mock-import-graph"),
  metafile: true,
  logLevel: "error",
  write: false,
});
const outs = r.metafile.outputs;
const key = Object.keys(outs).find((k) => outs[k].entryPoint === "src/index.ts");
const seen = new Set();
const visit = (k) => {
  if (seen.has(k)) return;
  seen.add(k);
  for (const i of outs[k].imports) if (i.kind === "import-statement" && !i.external) visit(i.path);
};
visit(key);
let total = 0;
const per = {};
for (const k of seen) {
  total += outs[k].bytes;
  for (const [inp, v] of Object.entries(outs[k].inputs)) per[inp] = (per[inp] ?? 0) + v.bytesInOutput;
}
console.log("eager files", seen.size, "bytes", total);
for (const k of seen) console.log("  ", path.basename(k), outs[k].bytes);
const dirs = {};
for (const [k, v] of Object.entries(per)) {
  const d = k
    .split("/")
    .slice(0, process.argv[2] ? Number(process.argv[2]) : 4)
    .join("/");
  dirs[d] = (dirs[d] ?? 0) + v;
}
console.log(
  Object.entries(per)
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(process.argv[3] ?? 70))
    .map(([k, v]) => `${(v / 1024).toFixed(1).padStart(6)} ${k}`)
    .join("\n"),
);
console.log("--- by dir");
console.log(
  Object.entries(dirs)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${(v / 1024).toFixed(1).padStart(6)} ${k}`)
    .join("\n"),
);
