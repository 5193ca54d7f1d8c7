/**
 * The shape of src/, checked: the import graph has no cycles, and each layer
 * imports only from the layers below it (docs/architecture.md):
 *
 *   engine/      the cloud-neutral engine: imports nothing from kit/, protocols/, aws/, tencent/
 *   kit/         shared by every front: nothing from aws/ or tencent/
 *   protocols/   codecs: nothing from aws/ or tencent/
 *   aws/, tencent/  one folder per cloud: neither imports from the other
 *
 * The entry points (src/index.ts, src/cvm.ts, src/vitest.ts, src/cli/) sit
 * above every layer and may import from any. Every import counts: static,
 * type-only (`import type`, `import("…").T`) and dynamic (`await import()`);
 * a type-only import couples two modules as much as any other in review, and
 * a cycle through one is still a cycle in the design.
 *
 * The imports are read with TypeScript's parser (no dependency of its own).
 * KNOWN_* below are the violations present when the check was written; each
 * is an edge to remove. The test fails on any new violation and on any entry
 * that no longer occurs, so the lists only shrink.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "src");

/** One import: from a module of src/ to another, both as paths relative to src/ ("aws/ec2/mock.ts"). */
interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

const key = (e: { from: string; to: string }) => `${e.from} -> ${e.to}`;

function sourceFiles(dir: string, base = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = base === "" ? entry.name : `${base}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path.join(dir, entry.name), rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** Every module specifier a file names, and whether the reference is for types only. */
function specifiersOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(path.join(SRC, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause;
      const allTypes =
        node.isTypeOnly ||
        (named !== undefined && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) found.push({ specifier: arg.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = sourceFiles(SRC).sort();
const known = new Set(files);

/** "./x.js" from "a/b.ts" → "a/x.ts" (or "a/x/index.ts"); packages and node: modules → undefined. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [target.replace(/\.js$/, ".ts"), `${target}.ts`, `${target}/index.ts`]) {
    if (known.has(candidate)) return candidate;
  }
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

const edges: Edge[] = files.flatMap((from) =>
  specifiersOf(from).flatMap(({ specifier, typeOnly }) => {
    const to = resolve(from, specifier);
    return to === undefined ? [] : [{ from, to, typeOnly }];
  }),
);

/** Strongly connected components of size > 1 (or with a self-import): each holds at least one cycle (Tarjan). */
function cyclicComponents(graphEdges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of graphEdges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) components.push(component.sort());
    }
  };
  for (const e of graphEdges) if (!index.has(e.from)) connect(e.from);
  return components;
}

/** One cycle through `start`, as a path "a.ts -> b.ts -> a.ts", for the failure message. */
function cycleThrough(start: string, graphEdges: readonly Edge[]): string {
  const next = new Map<string, string[]>();
  for (const e of graphEdges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const seen = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next.get(v) ?? []) {
      if (w === start) {
        const trail = [start];
        for (let u = v; u !== start; u = seen.get(u)!) trail.splice(1, 0, u);
        return [...trail, start].join(" -> ");
      }
      if (!seen.has(w)) {
        seen.set(w, v);
        queue.push(w);
      }
    }
  }
  return start;
}

/** The layer rules: a module under `from` imports nothing under any of `not`. */
const LAYERS: { from: string; not: string[] }[] = [
  { from: "engine/", not: ["kit/", "protocols/", "aws/", "tencent/"] },
  { from: "kit/", not: ["aws/", "tencent/"] },
  { from: "protocols/", not: ["aws/", "tencent/"] },
  { from: "aws/", not: ["tencent/"] },
  { from: "tencent/", not: ["aws/"] },
];

function breaksLayers(e: Edge): boolean {
  return LAYERS.some((rule) => e.from.startsWith(rule.from) && rule.not.some((below) => e.to.startsWith(below)));
}

/**
 * Imports allowed to close a cycle: none since issue 14 broke the last three.
 * An entry needs a reason beside it, and comes off once its import is gone.
 */
const KNOWN_CYCLE_EDGES: string[] = [];

/** Imports allowed to cross the layers the wrong way: none since issue 14 (same rules as above). */
const KNOWN_LAYER_VIOLATIONS: string[] = [];

describe("the import graph of src/", () => {
  it("reads every module and import", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(files.length);
  });

  it("finds the cycles of a made-up graph (the checker itself)", () => {
    const made = (pairs: [string, string][]): Edge[] => pairs.map(([from, to]) => ({ from, to, typeOnly: false }));
    const graph = made([
      ["a", "b"],
      ["b", "c"],
      ["c", "a"],
      ["c", "d"],
      ["e", "e"],
    ]);
    expect(cyclicComponents(graph)).toEqual([["a", "b", "c"], ["e"]]);
    expect(cycleThrough("a", graph)).toBe("a -> b -> c -> a");
    const chain = made([
      ["a", "b"],
      ["b", "c"],
    ]);
    expect(cyclicComponents(chain)).toEqual([]);
  });

  it("has no cycles (beyond the known edges listed, which only shrink)", () => {
    const allowed = new Set(KNOWN_CYCLE_EDGES);
    const rest = edges.filter((e) => !allowed.has(key(e)));
    const cycles = cyclicComponents(rest).map((component) => cycleThrough(component[0]!, rest));
    expect(cycles, "import cycles (break each; see docs/architecture.md for the layers)").toEqual([]);
    // Every listed edge still exists and still closes a cycle; one that does not comes off the list.
    const inCycle = new Set(cyclicComponents(edges).flat());
    const present = new Set(edges.map(key));
    const stale = KNOWN_CYCLE_EDGES.filter((k) => {
      const [from, to] = k.split(" -> ") as [string, string];
      return !present.has(k) || !inCycle.has(from) || !inCycle.has(to);
    });
    expect(stale, "no longer in a cycle: remove from KNOWN_CYCLE_EDGES").toEqual([]);
  });

  it("imports only downwards: engine < kit, protocols < aws | tencent (beyond the known violations listed, which only shrink)", () => {
    const violations = [...new Set(edges.filter(breaksLayers).map(key))].sort();
    const allowed = new Set(KNOWN_LAYER_VIOLATIONS);
    expect(
      violations.filter((v) => !allowed.has(v)),
      "imports against the layers",
    ).toEqual([]);
    expect(
      KNOWN_LAYER_VIOLATIONS.filter((v) => !violations.includes(v)),
      "no longer present: remove from KNOWN_LAYER_VIOLATIONS",
    ).toEqual([]);
  });
});
