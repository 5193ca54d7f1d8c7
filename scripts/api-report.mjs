// The API report: what each entry point of the package exports, as
// api-extractor prints it from the built declarations (dist/esm/*.d.ts), one
// file per entry under api/. A change to the public surface changes a report,
// so it shows in review.
//
//   node scripts/api-report.mjs          check: fail when a report differs from the declarations (CI)
//   node scripts/api-report.mjs --local  update the reports under api/ (then commit them)
//
// Run `npm run build` first. Every exported declaration carries a release tag
// (`@public`, or `@internal` for what public types must reach but users should
// not use). A missing tag, a TSDoc syntax error or any other finding of
// api-extractor fails the check, except two that are written into the report
// as warnings (so they show in review): a type the surface uses but no entry
// exports ("forgotten export"), and a public type that uses an internal one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CompilerState, Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const local = process.argv.includes("--local");

/** Report name → built entry (package.json "exports": ".", "./vitest", "./cvm", "./jest"). */
const ENTRIES = [
  ["ec2-mock", "dist/esm/index.d.ts"],
  ["ec2-mock-vitest", "dist/esm/vitest.d.ts"],
  ["ec2-mock-cvm", "dist/esm/cvm.d.ts"],
  ["ec2-mock-jest", "dist/esm/jest.d.ts"],
];

const missing = ENTRIES.filter(([, entry]) => !existsSync(path.join(root, entry)));
if (missing.length > 0) {
  console.error(`no ${missing.map(([, entry]) => entry).join(", ")}: run \`npm run build\` first.`);
  process.exit(1);
}

const temp = mkdtempSync(path.join(tmpdir(), "ec2-mock-api-"));
const error = { logLevel: "error", addToApiReportFile: false };
/** Written into the report (so a change shows in review) rather than failing the check. */
const inReport = { logLevel: "warning", addToApiReportFile: true };

function configFor(name, entry) {
  return ExtractorConfig.prepare({
    configObjectFullPath: path.join(root, "api", `${name}.api-extractor.json`),
    packageJsonFullPath: path.join(root, "package.json"),
    configObject: {
      projectFolder: root,
      newlineKind: "lf",
      mainEntryPointFilePath: path.join(root, entry),
      compiler: {
        // The built declarations only; the options are the repo's (NodeNext resolution, Node's types).
        overrideTsconfig: {
          compilerOptions: {
            target: "ES2022",
            lib: ["ES2023"],
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            types: ["node"],
            skipLibCheck: true,
          },
          files: ENTRIES.map(([, file]) => path.join(root, file)),
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: name,
        reportFolder: path.join(root, "api"),
        reportTempFolder: temp,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: "error" } },
        extractorMessageReporting: {
          default: { logLevel: "error" },
          "ae-missing-release-tag": error,
          // A type the surface uses but no entry exports (typedoc's "intentionallyNotExported"): listed in the report.
          "ae-forgotten-export": inReport,
          // A public type that reaches an `@internal` one (InstanceJson.machine → MachineJson): listed in the report.
          "ae-incompatible-release-tags": inReport,
          // Documentation is typedoc's check (typedoc.json "notDocumented", "requiredToBeDocumented").
          "ae-undocumented": { logLevel: "none", addToApiReportFile: false },
          // `@internal` names keep their names: the exported surface does not change.
          "ae-internal-missing-underscore": { logLevel: "none", addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: "error" } },
      },
    },
  });
}

const configs = ENTRIES.map(([name, entry]) => configFor(name, entry));
// One TypeScript program for the three entries (they share most declarations).
const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: configs.slice(1).map((c) => c.mainEntryPointFilePath) });

let failed = 0;
for (const config of configs) {
  const result = Extractor.invoke(config, { localBuild: local, compilerState, showVerboseMessages: false });
  const name = path.basename(config.reportFilePath);
  // Not `warningCount`: in local mode, updating a report is itself a warning.
  if (!result.succeeded) {
    failed += 1;
    if (result.apiReportChanged) {
      // The difference itself, for the CI log (the new report is in a folder removed below).
      spawnSync("git", ["diff", "--no-index", "--no-color", config.reportFilePath, path.join(temp, name)], { stdio: "inherit" });
      console.error(`api/${name} differs from the declarations: review the change, then run \`npm run api\` and commit api/.`);
    } else {
      console.error(`api/${name}: ${result.errorCount} error(s), ${result.warningCount} warning(s).`);
    }
  } else {
    console.log(`api/${name}: ${local && result.apiReportChanged ? "updated" : "up to date"}`);
  }
}
rmSync(temp, { recursive: true, force: true });
process.exit(failed > 0 ? 1 : 0);
