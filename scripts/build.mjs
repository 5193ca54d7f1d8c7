// Builds the package from one source into dist/esm (ES modules) and
// dist/cjs (CommonJS), each with its own copy of the type declarations;
// a package.json in dist/cjs marks that folder as CommonJS, since the root
// says "module".
//
// tsc writes the declarations; esbuild bundles the JavaScript, one file per
// entry point of package.json's "exports" and "bin". Bundling is for the
// users' import time: as ~60 small modules, `import("ec2-mock")` cost about
// 55 ms of module loading alone; bundled, about 10 ms (bench/README.md,
// figure f). The ES build splits the code the entries share into chunks, so
// `ec2-mock` and `ec2-mock/vitest` (or the CLI) load one copy of it, and what
// loads on first use (src/aws/on-demand.ts, one dynamic import) is a chunk of
// its own (docs/architecture.md, "What loads when").
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const pkg = JSON.parse(readFileSync("package.json", "utf8"));

/** `./dist/esm/cvm.js` (or `./dist/cjs/...`) → `./src/cvm.ts`. */
const sourceOf = (target) => target.replace(/^\.\/dist\/(esm|cjs)\//, "./src/").replace(/\.js$/, ".ts");
/** The source of every entry of the exports map (package.json itself aside), from its ES target. */
const libraryEntries = Object.values(pkg.exports).flatMap((target) =>
  typeof target === "object" ? [sourceOf(target.import.default)] : [],
);
// The CLI is CommonJS only (bin points at dist/cjs): node 20 imports the SDK's CommonJS build from an ES module
// through its ES-module translator, which scans and compiles client-ec2's 2 MB index.js twice more (the export
// lexer, the module-format detection): about 0.4 s more of every `ec2-mock serve` start than require() (issue 22
// (c), restart; bench/README.md). A library user pays that once in their own import of the SDK; the CLI's process
// imports nothing else.
const cliEntries = Object.values(pkg.bin).map(sourceOf);

rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--emitDeclarationOnly"], { stdio: "inherit" });
cpSync("dist/esm", "dist/cjs", { recursive: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  // Dependencies and peers stay imports: users' copies of the SDK, @smithy and fast-xml-parser.
  packages: "external",
  outbase: "src",
  // No keepNames (issue 22): its `__name(fn, "fn")` ran ~1,800 times at import and inside hot paths (1.2 % of the
  // plugin's cycle). esbuild renames only a top-level name two modules share (a function `readList` becomes
  // `readList2`): no class is among them, and every error class sets its `name` itself (test/package.test.ts and
  // test/error-catalogue.test.ts check the errors' names through the bundle and the source).
  keepNames: false,
  // No comments or indentation in what users load: parsing is part of their import time (bench/README.md,
  // figure f; docs/decisions/0008-bundling-the-package.md). Names stay as written. EC2_MOCK_READABLE_BUILD=1
  // keeps the layout and esbuild's `// src/...` markers, which bench/profile-server.mjs reads.
  minifyWhitespace: process.env.EC2_MOCK_READABLE_BUILD !== "1",
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: libraryEntries,
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  outdir: "dist/esm",
});
// In CommonJS, the lazy loads (the SDK's schemas on the first call of any door, STS, yaml) become
// require(): jest's CommonJS runtime refuses dynamic import() without --experimental-vm-modules.
// `import.meta.url` in the CommonJS bundle is only reached where `__dirname` is missing, which CommonJS never
// is (src/aws/ec2/model/catalogue-file.ts), so esbuild's warning that it is empty there is noise.
await build({
  ...common,
  entryPoints: [...libraryEntries, ...cliEntries],
  format: "cjs",
  outdir: "dist/cjs",
  supported: { "dynamic-import": false },
  logOverride: { "empty-import-meta": "silent" },
});
// tsc declared the CLI in both folders; it is built in dist/cjs alone.
rmSync("dist/esm/cli", { recursive: true });
writeFileSync("dist/cjs/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
