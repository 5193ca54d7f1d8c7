/**
 * The engine (src/engine/) speaks no cloud's words: no cloud or service name,
 * no API action, parameter, state name or option of a front, and no import
 * from outside the engine. A front renders the engine's typed causes in its
 * own words (src/aws/ec2/model/causes.ts, src/tencent/cvm/model/causes.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ENGINE_DIR = join(__dirname, "..", "src", "engine");

/** Every source file of the engine, with its text. */
function engineFiles(): { name: string; text: string }[] {
  return readdirSync(ENGINE_DIR, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => ({ name, text: readFileSync(join(ENGINE_DIR, name), "utf8") }));
}

/**
 * Words of a cloud's API, case-sensitive where the case is what makes them
 * a cloud's (EC2's `Force` flag, not the engine's `force` mode). The package
 * name `ec2-mock` (in error messages) is the product's, not EC2's API.
 */
const forbidden: { word: string; pattern: RegExp }[] = [
  { word: "EC2 / ec2", pattern: /\bec2\b(?!-mock)/i },
  { word: "AWS", pattern: /\baws\b/i },
  { word: "Amazon", pattern: /\bamazon\b/i },
  { word: "Nitro", pattern: /\bNitro\b/ },
  { word: "CVM", pattern: /\bcvm\b/i },
  { word: "Tencent", pattern: /\btencent\b/i },
  { word: "Force (EC2's flag)", pattern: /\bForce\b/ },
  { word: "SkipOsShutdown", pattern: /SkipOsShutdown/i },
  { word: "Hibernate (EC2's flag)", pattern: /\bHibernate\b/ },
  { word: "HibernationOptions", pattern: /HibernationOptions/ },
  { word: "InstanceId(s)", pattern: /\bInstanceIds?\b/ },
  { word: "an API action (RunInstances, StopInstances, ...)", pattern: /\b(Run|Start|Stop|Terminate|Reboot|Describe)Instances\b/ },
  { word: "an EC2 state name (shutting-down)", pattern: /\bshutting-down\b/ },
  { word: "StateReason / StateTransitionReason", pattern: /\bState(Transition)?Reason\b/ },
  { word: "a CVM StopType (SOFT, HARD, SOFT_FIRST)", pattern: /\b(SOFT|HARD|SOFT_FIRST)\b/ },
  { word: "a CVM stop mode (KEEP_CHARGING, STOP_CHARGING)", pattern: /\b(KEEP|STOP)_CHARGING\b/ },
  { word: "ForceStop / ForceReboot", pattern: /\bForce(Stop|Reboot)\b/ },
];

/** Every import or re-export specifier of a file: `from "x"`, `import("x")`, `import "x"`. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm)) {
    found.push(match[1] ?? match[2] ?? match[3]!);
  }
  return found;
}

describe("the engine speaks no cloud's words", () => {
  const files = engineFiles();

  it("has files to check", () => {
    expect(files.map((f) => f.name)).toContain("engine.ts");
  });

  it("names no cloud, service, API action, parameter or state of a front", () => {
    const hits: string[] = [];
    for (const { name, text } of files) {
      text.split("\n").forEach((line, i) => {
        for (const { word, pattern } of forbidden) {
          if (pattern.test(line)) hits.push(`src/engine/${name}:${i + 1}: ${word}: ${line.trim()}`);
        }
      });
    }
    expect(hits).toEqual([]);
  });

  it("imports nothing from outside src/engine/ (no front, no kit, no package)", () => {
    const outside: string[] = [];
    for (const { name, text } of files) {
      for (const spec of specifiers(text)) {
        if (!spec.startsWith("./")) outside.push(`src/engine/${name}: ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("writes causes as typed values, never as words: no cause is a string", () => {
    const stringCauses: string[] = [];
    for (const { name, text } of files) {
      text.split("\n").forEach((line, i) => {
        if (/\bcause\??\s*:\s*string\b/.test(line) || /\bcause\s*=\s*["'`]/.test(line))
          stringCauses.push(`src/engine/${name}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(stringCauses).toEqual([]);
  });
});
