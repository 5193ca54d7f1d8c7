/**
 * What `import("ec2-mock")` loads (issue 22, figure (f)): the ES entry's
 * static import graph in dist/ holds what `createEc2Mock()`, the plugin and
 * the instance lifecycle need, and never what loads on first use (the
 * on-demand chunk: EC2's other operations, EC2 Fleet, Auto Scaling, ELBv2, the
 * server's door), nor CVM, nor the server's plumbing and the web view's
 * routes. Behaviour, not timing: the figure itself is bench/run.mjs's.
 *
 * Reads dist/ as `npm run build` writes it (`npm test` builds first).
 * Also checks that the lists of action names the doors use before the
 * operations load agree with the action lists themselves.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isAutoScalingAction, isAutoScalingMutating } from "../src/aws/autoscaling/action-names.js";
import { autoScalingActions } from "../src/aws/autoscaling/actions.js";
import { isImplemented, operationLoading } from "../src/aws/ec2/actions.js";
import { isElbv2Action, isElbv2Mutating } from "../src/aws/elbv2/action-names.js";
import { elbv2Actions } from "../src/aws/elbv2/actions.js";

const ESM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "esm");

/** The files a module of dist/esm imports: static (`import … from "./x.js"`, `import "./x.js"`) or dynamic (`import("./x.js")`). */
function importsOf(file: string): { readonly static: string[]; readonly dynamic: string[] } {
  const text = readFileSync(file, "utf8");
  const resolve = (spec: string) => path.resolve(path.dirname(file), spec);
  const statics = [...text.matchAll(/(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+)"/g)].map((m) => resolve(m[1]!));
  const dynamics = [...text.matchAll(/\bimport\(\s*"(\.\.?\/[^"]+)"\s*\)/g)].map((m) => resolve(m[1]!));
  return { static: statics, dynamic: dynamics };
}

/** Every file an entry loads at its import: its static import graph, itself included. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of importsOf(file).static) visit(next);
  };
  visit(entry);
  return seen;
}

/** Whether a bundled file defines the named function or class (names stay as written: the build renames only a name two modules share). */
const defines = (file: string, name: string) =>
  new RegExp(`(?:\\bfunction\\*?\\s*${name}\\(|\\b(?:var|let|const|class)\\s+${name}\\b)`).test(readFileSync(file, "utf8"));

/** Functions of what must load on first use only, one or two per part. */
const LAZY = {
  "EC2's other operations": ["describeImages", "createSecurityGroup", "createVolume", "describeKeyPairs", "createTags"],
  // EC2 Fleet's operations and its own work (a dispatch in a Region with fleets waits for them: test/lazy-restore.test.ts),
  // the launch templates' operations (RunInstances finds templates through ./template-lookup.ts), the instance
  // attributes' (StartInstances' refusal is ./start-refusal.ts), and the matching of instance requirements.
  "EC2 Fleet": ["createFleet", "maintainFleets", "meetsRequirements"],
  "the launch templates' and attributes' operations": ["createLaunchTemplate", "describeLaunchTemplates", "modifyInstanceAttribute"],
  "Auto Scaling's operations": ["createAutoScalingGroup", "describeAutoScalingGroups"],
  "ELBv2's operations": ["createLoadBalancer", "describeTags"],
  "the server": ["startEc2Server", "serveFronts", "answerControl", "verifySignature"],
  "the web view's routes": ["answerWebView"],
  "the state file": ["openStateFile"],
  CVM: ["createCvmMock"],
};

describe('what import("ec2-mock") loads', () => {
  const entry = path.join(ESM, "index.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const graph = [...staticGraph(entry)];

  it("holds the mock and the instance lifecycle", () => {
    for (const name of [
      "createEc2Mock",
      "runInstances",
      "stopInstances",
      "describeInstances",
      "reconcileGroups",
      "findTemplate",
      "startRefusal",
    ]) {
      expect(
        graph.filter((file) => defines(file, name)),
        name,
      ).toHaveLength(1);
    }
  });

  it.each(Object.entries(LAZY))("leaves out %s", (_part, names) => {
    for (const name of names)
      expect(
        graph.filter((file) => defines(file, name)).map((f) => path.relative(ESM, f)),
        name,
      ).toEqual([]);
  });

  it("reaches the on-demand chunk through a dynamic import only, and it holds EC2's, Auto Scaling's, ELBv2's operations and the server", () => {
    const dynamic = new Set(graph.flatMap((file) => importsOf(file).dynamic));
    const onDemand = [...dynamic].filter((file) => path.basename(file).startsWith("on-demand-"));
    expect(onDemand).toHaveLength(1);
    const lazyGraph = [...staticGraph(onDemand[0]!)];
    for (const name of Object.entries(LAZY)
      .filter(([part]) => part !== "CVM")
      .flatMap(([, names]) => names)) {
      expect(
        lazyGraph.some((file) => defines(file, name)),
        name,
      ).toBe(true);
    }
  });

  it("keeps CVM out of `ec2-mock/vitest` and `ec2-mock/jest` too", () => {
    for (const other of ["vitest.js", "jest.js"]) {
      const files = [...staticGraph(path.join(ESM, other))];
      expect(files.filter((file) => defines(file, "createCvmMock") || defines(file, "startEc2Server"))).toEqual([]);
    }
  });
});

describe("the bundle's names", () => {
  /** Every file under a folder, recursively. */
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
  /** The classes of some files: `class Name` (not `class extends`) and esbuild's `var Name = class`, by name. */
  const classesIn = (files: string[]) =>
    new Set(
      files.flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/\b([A-Za-z_$][\w$]*)\s*=\s*class\b|\bclass\s+(?!extends\b)([A-Za-z_$][\w$]*)/g)].map(
          (m) => m[1] ?? m[2]!,
        ),
      ),
    );

  it("keep every class's name as written (the build runs without keepNames: a renamed class would show in `constructor.name`)", () => {
    const written = classesIn(filesUnder(path.join(ESM, "..", "..", "src")).filter((f) => f.endsWith(".ts")));
    for (const dir of [ESM, path.join(ESM, "..", "cjs")]) {
      const bundled = [...classesIn(filesUnder(dir).filter((f) => f.endsWith(".js")))];
      expect(bundled.length).toBeGreaterThan(10);
      // esbuild's inner name of a class that refers to itself (`var Params = class _Params`) is not the class's name.
      expect(bundled.filter((name) => !written.has(name) && !written.has(name.replace(/^_/, "")))).toEqual([]);
    }
  });
});

describe("the action names the doors use before the operations load", () => {
  it("are Auto Scaling's action list, with the same kinds", () => {
    const names = Object.keys(autoScalingActions);
    for (const name of names) {
      expect(isAutoScalingAction(name), name).toBe(true);
      expect(isAutoScalingMutating(name), name).toBe(autoScalingActions[name as keyof typeof autoScalingActions].mutates);
    }
    for (const other of ["toString", "__proto__", "CreateTargetGroup", "RunInstances"])
      expect(isAutoScalingAction(other), other).toBe(false);
    expect(isAutoScalingMutating("NoSuchAction")).toBe(true);
  });

  it("are ELBv2's action list, with the same kinds", () => {
    const names = Object.keys(elbv2Actions);
    for (const name of names) {
      expect(isElbv2Action(name), name).toBe(true);
      expect(isElbv2Mutating(name), name).toBe(elbv2Actions[name as keyof typeof elbv2Actions].mutates);
    }
    for (const other of ["toString", "__proto__", "CreateAutoScalingGroup", "RunInstances"])
      expect(isElbv2Action(other), other).toBe(false);
    expect(isElbv2Mutating("NoSuchAction")).toBe(true);
  });

  it("leaves nothing to load for the lifecycle, and nothing once an action of the on-demand part has loaded it", async () => {
    for (const name of ["RunInstances", "StartInstances", "StopInstances", "RebootInstances", "TerminateInstances", "DescribeInstances"]) {
      expect(operationLoading(name), name).toBeUndefined();
    }
    expect(operationLoading("NoSuchAction")).toBeUndefined();
    expect(isImplemented("CreateTags")).toBe(true);
    const loading = operationLoading("CreateTags");
    if (loading !== undefined) await loading;
    expect(operationLoading("CreateTags")).toBeUndefined();
    expect(operationLoading("DescribeImages")).toBeUndefined();
  });
});
