#!/usr/bin/env node
/**
 * The catalogues' first-use costs (issue 16: the catalogue may add no more
 * than 10 ms to `import("ec2-mock")`, so it is read on first use; this
 * measures what that first use costs). Not a test: it prints, never fails.
 *
 *   node bench/catalogue.mjs          (21 fresh processes; BENCH_QUICK=1: 7)
 *
 * Each figure is the median over fresh Node processes, since a first use
 * happens once per process: reading and parsing each data file by itself
 * (readFileSync + JSON.parse), then the loaders' first calls, which include
 * finding, reading, parsing and indexing their file. The loaders are
 * bundled with esbuild as scripts/build.mjs bundles the package, into
 * node_modules/.cache/ (below the repository, so that they find data/ as
 * the package's code does).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const model = path.join(root, "src", "aws", "ec2", "model");
const dir = path.join(root, "node_modules", ".cache", "ec2-mock-bench");
mkdirSync(dir, { recursive: true });
const runs = process.env.BENCH_QUICK === "1" ? 7 : 21;

const probe = path.join(dir, "catalogue-probe.ts");
writeFileSync(
  probe,
  `import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
const ms = (f: () => unknown) => { const t = performance.now(); f(); return performance.now() - t; };
const figure = process.argv[2]!;
const out: Record<string, number> = {};
if (figure.startsWith("file:")) {
  const name = figure.slice(5);
  const file = name.startsWith("/") ? name : ${JSON.stringify(path.join(root, "data"))} + "/" + name;
  let text = "";
  out.read = ms(() => { text = readFileSync(file, "utf8"); });
  out.parse = ms(() => JSON.parse(text));
} else {
  let t = performance.now();
  const types = await import(${JSON.stringify(path.join(model, "instance-type-catalogue.ts"))});
  const regions = await import(${JSON.stringify(path.join(model, "region-catalogue.ts"))});
  const images = await import(${JSON.stringify(path.join(model, "image-catalogue.ts"))});
  out.import = performance.now() - t;
  if (figure === "expand") {
    writeFileSync(process.argv[3]!, JSON.stringify(types.allInstanceTypes()));
  } else if (figure === "types") {
    out.first = ms(() => types.instanceTypeInfo("m7i.48xlarge"));
    out.all = ms(() => types.allInstanceTypes());
    t = performance.now();
    const names = types.instanceTypeNames();
    for (let i = 0; i < 100_000; i++) types.instanceTypeInfo(names[i % names.length]);
    out.warmLookupNs = ((performance.now() - t) * 1e6) / 100_000;
  } else if (figure === "offerings") {
    out.first = ms(() => regions.offeredZones("us-east-1", "m7i.48xlarge"));
    out.list = ms(() => regions.offerings("us-east-1", "availability-zone"));
    out.zones = ms(() => regions.regionsAndZones());
  } else {
    out.first = ms(() => images.publicImages("us-east-1"));
    out.second = ms(() => images.publicImages("eu-west-1"));
  }
}
console.log(JSON.stringify(out));
`,
);
const bundle = path.join(dir, "catalogue-probe.mjs");
await build({
  entryPoints: [probe],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  outfile: bundle,
  logLevel: "warning",
  splitting: false,
});

// For scale: the same records as one plain JSON document (what shipping the catalogue uncompacted would cost).
const expanded = path.join(dir, "instance-types-expanded.json");
spawnSync(process.execPath, [bundle, "expand", expanded], { stdio: ["ignore", "ignore", "inherit"] });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function measure(figure) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [bundle, figure], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    samples.push(JSON.parse(r.stdout));
  }
  return Object.fromEntries(Object.keys(samples[0]).map((k) => [k, median(samples.map((s) => s[k]))]));
}

const rows = [];
for (const file of ["instance-types.json", "offerings.json", "images.json"]) {
  const m = measure(`file:${file}`);
  rows.push([`read + parse data/${file}`, m.read + m.parse, `read ${m.read.toFixed(2)} ms, parse ${m.parse.toFixed(2)} ms`]);
}
const x = measure(`file:${expanded}`);
rows.push([
  "for scale: read + parse every record as plain JSON (2.8 MB)",
  x.read + x.parse,
  `read ${x.read.toFixed(2)} ms, parse ${x.parse.toFixed(2)} ms`,
]);
const t = measure("types");
rows.push(["import of the three loaders (bundled, nothing read)", t.import, ""]);
rows.push(["first instanceTypeInfo() (find, read, parse, decode one)", t.first, ""]);
rows.push(["then allInstanceTypes() (decode the other 1,262, column by column)", t.all, ""]);
rows.push(["instanceTypeInfo() once warm (µs per call)", t.warmLookupNs / 1000, "100,000 lookups over every name"]);
const o = measure("offerings");
rows.push(["first offeredZones() (find, read, parse, one Region's masks)", o.first, ""]);
rows.push(['then offerings("us-east-1", "availability-zone")', o.list, ""]);
const im = measure("images");
rows.push(['first publicImages("us-east-1") (read, parse, decode)', im.first, ""]);
rows.push(['then publicImages("eu-west-1")', im.second, ""]);

const width = Math.max(...rows.map((r) => r[0].length));
console.log(
  `median of ${runs} fresh processes, ms (Node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})`,
);
for (const [name, value, detail] of rows) console.log(`${name.padEnd(width)}  ${value.toFixed(3).padStart(7)}  ${detail}`);
