/**
 * Wildcard patterns (`*` any run of characters, `?` exactly one), matched in
 * time linear in the pattern times the value at worst, with no regular
 * expression: a pattern comes from the caller (a filter value, a policy), and
 * a backtracking RegExp built from one (`*a*a*a*a*a*ab`) takes exponential
 * time on a long value and stalls every other client of the server.
 *
 * A character is a code point: `?` matches a surrogate pair whole, and a
 * lone surrogate is a character of its own (what a RegExp with the `u` flag
 * did). Nothing here knows of any cloud; EC2's filters add `\` escapes and
 * IAM's action names are compared ignoring case.
 */

/** Tests one value against a compiled pattern. */
export type WildcardMatcher = (value: string) => boolean;

/** How a pattern is read. */
export interface WildcardSyntax {
  /** `\` makes the next character literal (a `\` at the very end is itself literal). Default false. */
  readonly escapes?: boolean;
  /** Compare characters ignoring case (per code point, by their lower-case form). Default false. */
  readonly ignoreCase?: boolean;
}

/** Token values besides code points (which are ≥ 0). */
const STAR = -1;
const ANY = -2;

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** The pattern as tokens: code points, `ANY` and `STAR` (runs of `*` collapsed into one). */
function tokenize(pattern: string, escapes: boolean): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < pattern.length; ) {
    let cp = pattern.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (cp === 0x2a) {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
      continue;
    }
    if (cp === 0x3f) {
      tokens.push(ANY);
      continue;
    }
    if (cp === 0x5c && escapes && i < pattern.length) {
      cp = pattern.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      // An escape between the halves of a pair (`\ud83d\\\ude00`) leaves
      // them adjacent: they are one character, as the literal text would be.
      const previous = tokens[tokens.length - 1];
      if (isLow(cp) && previous !== undefined && isHigh(previous)) {
        tokens[tokens.length - 1] = 0x10000 + ((previous - 0xd800) << 10) + (cp - 0xdc00);
        continue;
      }
    }
    tokens.push(cp);
  }
  return tokens;
}

/** A code point's lower-case form when that is one code point, else itself. */
function fold(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
  const lower = String.fromCodePoint(cp).toLowerCase();
  const folded = lower.codePointAt(0)!;
  return lower.length === (folded > 0xffff ? 2 : 1) ? folded : cp;
}

/**
 * The general matcher: a single pass that, on a mismatch, resumes after the
 * last `*` seen, one character further into the value. Only the last `*`
 * ever needs revisiting (whatever an earlier one could absorb, the later one
 * can too), so the work is at most |pattern| × |value| steps.
 */
function general(tokens: readonly number[], ignoreCase: boolean): WildcardMatcher {
  const m = tokens.length;
  const want = Int32Array.from(ignoreCase ? tokens.map((t) => (t >= 0 ? fold(t) : t)) : tokens);
  /** The code point at `i` (a code unit outside the surrogates, the common case, needs no codePointAt). */
  const at = (value: string, i: number): number => {
    const unit = value.charCodeAt(i);
    return unit < 0xd800 || unit > 0xdbff ? unit : value.codePointAt(i)!;
  };
  return (value) => {
    const n = value.length;
    let p = 0;
    let v = 0;
    let starP = -1;
    let starV = 0;
    while (v < n) {
      if (p < m) {
        const t = want[p]!;
        if (t === STAR) {
          starP = p++;
          starV = v;
          continue;
        }
        const cp = at(value, v);
        if (t === ANY || t === (ignoreCase ? fold(cp) : cp)) {
          p++;
          v += cp > 0xffff ? 2 : 1;
          continue;
        }
      }
      if (starP < 0) return false;
      // Let the last `*` take one more character, and retry from there.
      starV += at(value, starV) > 0xffff ? 2 : 1;
      v = starV;
      p = starP + 1;
    }
    while (p < m && want[p] === STAR) p++;
    return p === m;
  };
}

/**
 * A literal run can be searched for as UTF-16 text (startsWith, indexOf)
 * only when every match it finds starts and ends on a character boundary of
 * the value: it must not begin with a low surrogate (the second half of a
 * pair) nor end with a high one (the first half).
 */
function searchable(segment: string): boolean {
  return segment === "" || (!isLow(segment.charCodeAt(0)) && !isHigh(segment.charCodeAt(segment.length - 1)));
}

/**
 * Patterns made of literal runs and `*` only: the first run is a prefix, the
 * last a suffix, and each one between is found, leftmost first, by indexOf
 * after the previous (leftmost is always safe: it leaves the most room).
 */
function segmented(segments: readonly string[]): WildcardMatcher {
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((s) => s !== "");
  const fixed = first.length + last.length;
  if (middle.length === 0) {
    if (first === "" && last === "") return () => true;
    if (last === "") return (value) => value.startsWith(first);
    if (first === "") return (value) => value.endsWith(last);
    return (value) => value.length >= fixed && value.startsWith(first) && value.endsWith(last);
  }
  return (value) => {
    if (value.length < fixed || !value.startsWith(first) || !value.endsWith(last)) return false;
    const end = value.length - last.length;
    let at = first.length;
    for (const segment of middle) {
      const found = value.indexOf(segment, at);
      if (found < 0 || found + segment.length > end) return false;
      at = found + segment.length;
    }
    return true;
  };
}

/** Compiles a pattern into a matcher (see the module's comment for the rules). */
export function compileWildcard(pattern: string, syntax: WildcardSyntax = {}): WildcardMatcher {
  const tokens = tokenize(pattern, syntax.escapes === true);
  const ignoreCase = syntax.ignoreCase === true;
  if (!ignoreCase && !tokens.includes(ANY)) {
    // Literal runs between stars: string search, no per-character loop.
    const segments: string[] = [""];
    for (const t of tokens) {
      if (t === STAR) segments.push("");
      else segments[segments.length - 1] += String.fromCodePoint(t);
    }
    if (segments.length === 1) {
      const literal = segments[0]!;
      return (value) => value === literal;
    }
    if (segments.every(searchable)) return segmented(segments);
  }
  return general(tokens, ignoreCase);
}
