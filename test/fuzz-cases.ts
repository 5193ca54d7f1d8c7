/**
 * What the fuzz suites share (test/fuzz.test.ts for EC2's query door,
 * test/cvm-fuzz.test.ts for CVM's API 3.0 door): a seeded generator and the
 * shape of one hostile request.
 */

/** xorshift32: fast and replayable from its seed. */
export function prng(seed: number): () => number {
  let x = seed || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** The seed of a run: `fromEnv` when set (to replay a printed seed), else a fresh one. */
export function fuzzSeed(fromEnv: string | undefined): number {
  return Number(fromEnv ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0);
}

/** One generated request. */
export interface FuzzCase {
  /** The family of hostility it belongs to, for the printed tally. */
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | string;
  /** A well-formed request that may succeed (the CVM suite otherwise expects an error for every case). */
  mayPass?: boolean;
}

/** Characters XML 1.0 forbids: C0 controls (not tab, LF, CR), U+FFFE, U+FFFF, and lone surrogate halves. */
export const FORBIDDEN_IN_XML = ["\u0000", "\u0001", "\u0007", "\u0008", "\u000b", "\u000c", "\u000e", "\u001b", "\u001f", "\ufffe", "\uffff", "\ud800", "\udbff", "\udc00", "\udfff"];

/** Allowed, but each a trap for a careless XML writer or reader. */
export const TRICKY_IN_XML = ["\t", "\n", "\r", "\r\n", "]]>", "<", "&", '"', "'", "&amp;", "\uFFFD", "\u0085", "\u2028", "\uFDD0", "😀", "\ud83d\ude00", "\u{10FFFF}", "é"];

/** A short text mixing letters with forbidden and tricky characters (lone surrogates included). */
export function hostileText(rand: () => number, maxLength = 12): string {
  const length = 1 + Math.floor(rand() * maxLength);
  let text = "";
  for (let i = 0; i < length; i++) {
    const roll = rand();
    if (roll < 0.3) text += FORBIDDEN_IN_XML[Math.floor(rand() * FORBIDDEN_IN_XML.length)]!;
    else if (roll < 0.55) text += TRICKY_IN_XML[Math.floor(rand() * TRICKY_IN_XML.length)]!;
    else text += String.fromCharCode(97 + Math.floor(rand() * 3));
  }
  return text;
}

/**
 * An EC2 filter pattern built to make a backtracking matcher explode: runs of
 * `*a` (and `*a?`) ending in a character the value lacks, stars and `?` in
 * bulk, escapes, surrogate halves; or a random mix of them.
 */
export function wildcardPattern(rand: () => number): string {
  const int = (max: number) => Math.floor(rand() * max);
  const repeat = 2 + int(30);
  switch (int(5)) {
    case 0:
      return `${"*a".repeat(repeat)}b`;
    case 1:
      return `${"*a?".repeat(repeat)}*b`;
    case 2:
      return `${"?".repeat(int(300))}*${"*".repeat(int(50))}x`;
    case 3:
      return `*\\*${"*\\?a".repeat(repeat)}\ude00*`;
    default: {
      const parts = ["*", "?", "\\", "a", "b", "😀", "\ud83d", "\ude00", "*a", "a*"];
      return Array.from({ length: 1 + int(60) }, () => parts[int(parts.length)]!).join("");
    }
  }
}
