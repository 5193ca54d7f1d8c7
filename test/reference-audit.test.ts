/**
 * docs/reference-audit.md (issue 13) stays honest: every row of its tables
 * is classified, and every "honoured" row names a test that exists. A row
 * names a test by quoting it (`describe › it`, `…` for an elided part, the
 * cases of a parametrised test by their label); "same test" or "the rows
 * below" refer to the row beside it. That the named tests pass is the rest
 * of the suite's job.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const audit = readFileSync(new URL("../docs/reference-audit.md", import.meta.url), "utf8");
const testDir = new URL("./", import.meta.url);
const testSources = readdirSync(testDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(new URL(f, testDir), "utf8"))
  .join("\n");

interface Row {
  line: number;
  test: string;
  status: string;
}

/** The table rows (four cells: statement, source, test, status), headers and rulers left out. */
function rows(): Row[] {
  const out: Row[] = [];
  audit.split("\n").forEach((text, index) => {
    if (!text.startsWith("| ") || text.startsWith("| ---")) return;
    const cells = text.slice(2, -2).split(" | ");
    if (cells[cells.length - 1] === "Status") return; // a header
    out.push({ line: index + 1, test: cells[cells.length - 2] ?? "", status: (cells[cells.length - 1] ?? "").replace(/^\*+/, "") });
  });
  return out;
}

/** A quoted name is found when each of its parts (split at ` › ` and `…`) stands in a test file. */
function found(name: string): boolean {
  const parts = name
    .split(/ › |…/)
    .map((p) =>
      p
        .trim()
        .replace(/^› /, "")
        .replace(/[:;,]$/, ""),
    )
    .filter((p) => p.length >= 6);
  return parts.every((p) => {
    // As written; with its quotes escaped; a case label of a `refuses …` table; a case of an `it.each("%s …")`.
    const variants = [p, p.replace(/'/g, "\\'"), p.replace(/^refuses /, ""), p.replace(/^\S+ /, "%s ")];
    return variants.some((v) => testSources.includes(v));
  });
}

const REFERS_TO_NEIGHBOUR = /same test|the rows (below|here)|the tests above/;

describe("docs/reference-audit.md", () => {
  const table = rows();

  it("has rows for every implemented action's section", () => {
    const sections = audit.split("\n").filter((l) => l.startsWith("## "));
    expect(sections.length).toBeGreaterThanOrEqual(9);
    expect(audit).not.toContain("(to be written)");
    expect(table.length).toBeGreaterThan(400);
  });

  it("classifies every row: honoured, decision or not modelled", () => {
    const unclassified = table.filter((r) => !/^(honoured|decision|not modelled)/.test(r.status));
    expect(unclassified.map((r) => r.line)).toEqual([]);
  });

  it("names an existing test in every honoured row", () => {
    const unnamed: string[] = [];
    for (const row of table) {
      if (!row.status.startsWith("honoured")) continue;
      const names = [...row.test.matchAll(/"((?:[^"\\]|\\.)+)"/g)].map((m) => m[1]!);
      if (names.length === 0 ? !REFERS_TO_NEIGHBOUR.test(row.test) : !names.every(found)) unnamed.push(`line ${row.line}: ${row.test}`);
    }
    expect(unnamed).toEqual([]);
  });
});
