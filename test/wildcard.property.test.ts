/**
 * The wildcard matcher (src/kit/wildcard.ts) against two references, on
 * random patterns and values built from a small alphabet that makes matches
 * likely and holds every hard case: `*`, `?`, `\`, a surrogate pair, each of
 * its halves alone, and letters of both cases.
 * - a memoized recursive matcher over code points (the definition);
 * - for EC2's syntax, the RegExp the mock used before (anchored, `u` flag),
 *   which defines "today's semantics"; safe here because the inputs are short.
 * Then the pathological patterns of issue 12, which must simply answer.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePatterns, literalOf, matchesPattern } from "../src/aws/ec2/filters.js";
import { wildcardMatch } from "../src/aws/iam/evaluate.js";
import { compileWildcard } from "../src/kit/wildcard.js";

const STAR = Symbol("star");
const ANY = Symbol("any");
type Token = string | typeof STAR | typeof ANY;

/** The pattern as tokens, one per code point (a lone surrogate is one), read as the spec says. */
function tokens(pattern: string, escapes: boolean): Token[] {
  const chars = Array.from(pattern);
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "*") out.push(STAR);
    else if (c === "?") out.push(ANY);
    else if (c === "\\" && escapes && i + 1 < chars.length) out.push(chars[++i]!);
    else out.push(c);
    // Escapes resolved, two lone halves left side by side read as the pair.
    const last = out.length - 1;
    if (last > 0 && typeof out[last] === "string" && typeof out[last - 1] === "string") {
      const joined = `${out[last - 1] as string}${out[last] as string}`;
      if (Array.from(joined).length === 1) out.splice(last - 1, 2, joined);
    }
  }
  return out;
}

function lower(c: string): string {
  const l = c.toLowerCase();
  return Array.from(l).length === 1 ? l : c;
}

/** The definition, memoized: pattern position × value position. */
function reference(pattern: string, value: string, options: { escapes?: boolean; ignoreCase?: boolean } = {}): boolean {
  const p = tokens(pattern, options.escapes === true);
  const v = Array.from(value);
  const same = (a: string, b: string) => (options.ignoreCase ? lower(a) === lower(b) : a === b);
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (v.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === v.length;
    else if (p[i] === STAR) result = go(i + 1, j) || (j < v.length && go(i, j + 1));
    else result = j < v.length && (p[i] === ANY || same(p[i] as string, v[j]!)) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** The mock's former matcher, kept here as the oracle of today's semantics. */
function formerRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i]!;
    if (c === "*") source += "[\\s\\S]*";
    else if (c === "?") source += "[\\s\\S]";
    else {
      if (c === "\\" && i + 1 < pattern.length) c = pattern[++i]!;
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, "u");
}

const PAIR = "\ud83d\ude00";
const patternChar = fc.constantFrom("a", "b", "A", "*", "*", "?", "\\", PAIR, "\ud83d", "\ude00", "é");
const valueChar = fc.constantFrom("a", "b", "A", "B", PAIR, "\ud83d", "\ude00", "*", "?", "\\", "é", "É");
const pattern = fc.array(patternChar, { maxLength: 9 }).map((cs) => cs.join(""));
const value = fc.array(valueChar, { maxLength: 12 }).map((cs) => cs.join(""));

describe("compileWildcard", () => {
  it("agrees with the recursive definition, with and without escapes", () => {
    fc.assert(
      fc.property(pattern, value, fc.boolean(), (p, v, escapes) => {
        expect(compileWildcard(p, { escapes })(v)).toBe(reference(p, v, { escapes }));
      }),
      { numRuns: 20_000 },
    );
  });

  it("agrees with the definition ignoring case (IAM's action names)", () => {
    fc.assert(
      fc.property(pattern, value, (p, v) => {
        expect(compileWildcard(p, { ignoreCase: true })(v)).toBe(reference(p, v, { ignoreCase: true }));
      }),
      { numRuns: 10_000 },
    );
  });

  it("keeps the semantics of the former RegExp for EC2's filters (code points, escapes)", () => {
    fc.assert(
      fc.property(pattern, value, (p, v) => {
        expect(matchesPattern(p, v)).toBe(formerRegExp(p).test(v));
      }),
      { numRuns: 20_000 },
    );
  });

  it("matches a value against a whole filter as any one of its patterns would (literals by lookup)", () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 4 }), value, (ps, v) => {
        expect(compilePatterns(ps)(v)).toBe(ps.some((p) => reference(p, v, { escapes: true })));
      }),
      { numRuns: 10_000 },
    );
  });

  it("finds the literal of exactly the patterns without wildcards, and that literal matches itself only", () => {
    fc.assert(
      fc.property(pattern, value, (p, v) => {
        const literal = literalOf(p);
        const wild = tokens(p, true).some((t) => t === STAR || t === ANY);
        expect(literal === undefined).toBe(wild);
        if (literal !== undefined) expect(matchesPattern(p, v)).toBe(v === literal);
      }),
      { numRuns: 10_000 },
    );
  });

  it("treats a surrogate pair as one character and a lone half as another", () => {
    expect(matchesPattern("?", PAIR)).toBe(true);
    expect(matchesPattern("??", PAIR)).toBe(false);
    expect(matchesPattern("?", "\ud83d")).toBe(true);
    expect(matchesPattern("\ud83d*", PAIR)).toBe(false);
    expect(matchesPattern("*\ude00", PAIR)).toBe(false);
    expect(matchesPattern("*\ude00*", `x${PAIR}y`)).toBe(false);
    expect(matchesPattern("*\ud83d", "x\ud83d")).toBe(true);
    expect(matchesPattern("?\ud83d\\\ude00", `a${PAIR}`)).toBe(true);
    expect(matchesPattern("\ud83d\\\ude00?", `${PAIR}\ude00`)).toBe(true);
    expect(matchesPattern("a\\*b", "a*b")).toBe(true);
    expect(matchesPattern("a\\*b", "axb")).toBe(false);
    expect(matchesPattern("a\\", "a\\")).toBe(true);
    expect(matchesPattern("\\?", "?")).toBe(true);
  });
});

describe("pathological patterns (issue 12)", () => {
  const long = "a".repeat(256);
  const huge = "a".repeat(100_000);

  it("answers *a*a*a*a*a*ab against 256 and 100,000 characters", () => {
    expect(matchesPattern("*a*a*a*a*a*ab", long)).toBe(false);
    expect(matchesPattern("*a*a*a*a*a*ab", `${long}b`)).toBe(true);
    expect(matchesPattern("*a*a*a*a*a*ab", huge)).toBe(false);
    expect(compilePatterns(["*a*a*a*a*a*ab", "x"])(huge)).toBe(false);
  });

  it("answers patterns that need the general matcher (`?`, split surrogates, case) on long values", () => {
    const nasty = "*a?*a?*a?*a?*a?*a?*b";
    expect(matchesPattern(nasty, long)).toBe(false);
    expect(matchesPattern(nasty, huge)).toBe(false);
    expect(matchesPattern(nasty, `${huge}b`)).toBe(true);
    expect(matchesPattern(`*\ude00*a*a*a*a*b`, huge)).toBe(false);
    expect(wildcardMatch("*A*A*A*A*A*A*B", huge, true)).toBe(false);
    expect(wildcardMatch("*A*A*A*A*A*A*B", `${huge}b`, true)).toBe(true);
    expect(wildcardMatch("*a*a*a*a*a*a*b", huge)).toBe(false);
  });

  it("answers a long pattern of stars and `?` against a long value", () => {
    const manyStars = `${"*a".repeat(200)}?b`;
    expect(matchesPattern(manyStars, huge.slice(0, 20_000))).toBe(false);
    expect(matchesPattern(manyStars, `${huge.slice(0, 20_000)}xb`)).toBe(true);
  });
});
