import { compileWildcard, type WildcardSyntax } from "../../kit/wildcard.js";
import { type Ec2Error, errors } from "./errors.js";

/**
 * EC2's `Filters` parameter, shared by every Describe operation: reading and
 * checking the filters, EC2's wildcard patterns, and a compiled predicate.
 *
 * Semantics (EC2 user guide, "List and filter your resources"): filters are
 * ANDed, the values of one filter are ORed, matching is case-sensitive, `*`
 * matches any run of characters, `?` exactly one (a code point: a surrogate
 * pair is one character), and a backslash makes the next character literal.
 * Matching takes at most |pattern| × |value| steps (../engine/wildcard.ts). A filter given with a name but no values matches
 * every subject that has some value for it (what EC2 does with
 * `Filter.N.Name=vpc-id` and no `Filter.N.Value.M`, per an AWS CLI maintainer
 * in aws/aws-cli#1735).
 */

/** EC2's pattern syntax: `*`, `?`, backslash escapes, case-sensitive. */
const EC2_SYNTAX: WildcardSyntax = { escapes: true };

/** One filter as the caller gave it, checked: a name and its values (empty: "has any value"). */
export interface FilterSpec {
  /** The filter's name, e.g. `instance-state-name` or `tag:Env`. */
  readonly name: string;
  /** The patterns, in the order given. */
  readonly values: readonly string[];
}

/** What a subject shows for one filter: one value, several, or none (`undefined`). */
export type FilterValues = string | readonly string[] | undefined;

/** Reads one filter's values off a subject, given the operation's context. */
export type ValuesOf<Subject, Context> = (subject: Subject, context: Context) => FilterValues;

/**
 * The filters an operation accepts. Adding a filter is one line in `exact`;
 * `prefixed` holds families whose name carries a key, such as `tag:KEY`.
 */
export interface FilterTable<Subject, Context> {
  /** Filters by exact name. */
  readonly exact: Readonly<Record<string, ValuesOf<Subject, Context>>>;
  /** Filter families by name prefix: the rest of the name is handed to the factory. */
  readonly prefixed?: Readonly<Record<string, (key: string) => ValuesOf<Subject, Context>>>;
}

/** A compiled set of filters: true when the subject passes every one. */
export type Predicate<Subject, Context> = (subject: Subject, context: Context) => boolean;

/** Tests one value against a filter's patterns. */
export type Matcher = (value: string) => boolean;

/** EC2's refusal of a filter name it does not know (`null` when the name is missing). */
export function invalidFilter(name: string): Ec2Error {
  return errors.invalidFilter(name);
}

/**
 * Reads `Filters`. Missing or an empty list means no filter (the plugin sees
 * the SDK input before serialization, so `[]` is what the user meant: none).
 * A filter without a name is refused as EC2 refuses it, naming `'null'`.
 */
export function readFilters(value: unknown): FilterSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidFilter("null");
  return value.map(readFilter);
}

function readFilter(filter: unknown): FilterSpec {
  const { Name, Values } = (typeof filter === "object" && filter !== null ? filter : {}) as { Name?: unknown; Values?: unknown };
  if (Name === undefined || Name === null) throw invalidFilter("null");
  const name = String(Name);
  if (Values === undefined || Values === null) return { name, values: [] };
  // A bare string is taken as one value rather than spread into characters.
  const values = Array.isArray(Values) ? Values.map(String) : [String(Values)];
  return { name, values };
}

/**
 * The literal text of a pattern without wildcards (escapes removed), or
 * undefined when it has a wildcard. Lets callers look values up in an index.
 */
export function literalOf(pattern: string): string | undefined {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" || c === "?") return undefined;
    if (c === "\\" && i + 1 < pattern.length) {
      out += pattern[++i];
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * One matcher for all the patterns of a filter (ORed): literal patterns are
 * a set lookup, wildcard patterns a linear-time matcher each (no regular
 * expression is ever built from a pattern: see ../engine/wildcard.ts).
 */
export function compilePatterns(patterns: readonly string[]): Matcher {
  const literals = new Set<string>();
  const wild: Matcher[] = [];
  for (const pattern of patterns) {
    const literal = literalOf(pattern);
    if (literal === undefined) wild.push(compileWildcard(pattern, EC2_SYNTAX));
    else literals.add(literal);
  }
  if (wild.length === 0) return (value) => literals.has(value);
  if (wild.length === 1) {
    const only = wild[0]!;
    return literals.size === 0 ? only : (value) => literals.has(value) || only(value);
  }
  return (value) => literals.has(value) || wild.some((matches) => matches(value));
}

/** Whether a single value matches one EC2 pattern (`*`, `?`, `\` escapes; case-sensitive). */
export function matchesPattern(pattern: string, value: string): boolean {
  return compilePatterns([pattern])(value);
}

function resolve<S, C>(table: FilterTable<S, C>, name: string): ValuesOf<S, C> {
  if (Object.hasOwn(table.exact, name)) return table.exact[name]!;
  for (const [prefix, factory] of Object.entries(table.prefixed ?? {})) {
    if (name.startsWith(prefix)) return factory(name.slice(prefix.length));
  }
  throw invalidFilter(name);
}

function hasAnyValue(values: FilterValues): boolean {
  return typeof values === "string" || (values !== undefined && values.length > 0);
}

function someMatch(values: FilterValues, matcher: Matcher): boolean {
  if (values === undefined) return false;
  if (typeof values === "string") return matcher(values);
  return values.some(matcher);
}

/**
 * Checks every filter name against the table (an unknown one throws EC2's
 * InvalidParameterValue) and compiles the lot into one predicate.
 */
export function compileFilters<S, C>(specs: readonly FilterSpec[], table: FilterTable<S, C>): Predicate<S, C> {
  const tests = specs.map((spec) => {
    const valuesOf = resolve(table, spec.name);
    if (spec.values.length === 0) return (s: S, c: C) => hasAnyValue(valuesOf(s, c));
    const matcher = compilePatterns(spec.values);
    return (s: S, c: C) => someMatch(valuesOf(s, c), matcher);
  });
  if (tests.length === 0) return () => true;
  return (subject, context) => tests.every((test) => test(subject, context));
}

/**
 * The literal values of the first filter named `name`, when every one of
 * them is free of wildcards; otherwise undefined. Every subject the filters
 * accept has one of these values, so a caller may narrow its candidates with
 * an index before running the predicate.
 */
export function literalValuesOf(specs: readonly FilterSpec[], name: string): string[] | undefined {
  const spec = specs.find((s) => s.name === name);
  if (spec === undefined || spec.values.length === 0) return undefined;
  const literals = spec.values.map(literalOf);
  return literals.every((l) => l !== undefined) ? (literals as string[]) : undefined;
}
