/**
 * IAM identity-policy evaluation, as IAM does it for one request context
 * (one action on one resource): default deny; a matching Allow allows; a
 * matching Deny always wins. docs/behaviour.md, "Authorization (IAM)", gives
 * the source of every rule.
 */
import { compileWildcard, type WildcardMatcher } from "../../kit/wildcard.js";
import type { PolicyDocument, PolicyStatement } from "./principals.js";

/** One condition key of a request context: its name as the mock spells it, and its values. */
export interface ContextKey {
  /** The key's name (`ec2:ResourceTag/env`), for the decoded failure message. */
  readonly name: string;
  /** Its values: one for a single-valued key, any number for a multivalued key (`aws:TagKeys`). */
  readonly values: readonly string[];
}

/** The condition keys of a request context, by lower-cased name (IAM key names are case-insensitive). */
export type ContextKeys = ReadonlyMap<string, ContextKey>;

/** What IAM evaluates: who asks to do what to which resource, with which condition keys. */
export interface RequestContext {
  /** The IAM action, `service:Action` (`ec2:StopInstances`). */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** The condition keys present in the request context. */
  readonly keys: ContextKeys;
}

/** A statement that matched the request, with where it came from. */
export interface MatchedStatement {
  readonly statement: PolicyStatement;
  /** Index of the policy among the principal's policies. */
  readonly policyIndex: number;
  /** Index of the statement in its policy. */
  readonly statementIndex: number;
}

/** IAM's decision for one request context. */
export interface Decision {
  /** True when an Allow matched and no Deny did. */
  readonly allowed: boolean;
  /** True when a Deny matched (it wins over every Allow). */
  readonly explicitDeny: boolean;
  /** The Deny statements that matched when denied explicitly, else the Allow statements that matched. */
  readonly matched: readonly MatchedStatement[];
}

/** Builds request-context keys from a record; `undefined` values are left out (the key is absent). */
export function contextKeys(entries: Record<string, string | readonly string[] | undefined>): Map<string, ContextKey> {
  const keys = new Map<string, ContextKey>();
  for (const [name, value] of Object.entries(entries)) addKey(keys, name, value);
  return keys;
}

/** Adds one key (first one wins on a case-insensitive clash, as tag keys may differ only in case). */
export function addKey(keys: Map<string, ContextKey>, name: string, value: string | readonly string[] | undefined): void {
  if (value === undefined) return;
  const lower = name.toLowerCase();
  if (keys.has(lower)) return;
  keys.set(lower, { name, values: typeof value === "string" ? [value] : value });
}

// ---------------------------------------------------------------- wildcards

/** Compiled patterns by case mode and text: policies repeat a few patterns over and over. */
const globCache = new Map<string, WildcardMatcher>();

/**
 * A `*`/`?` wildcard pattern (IAM has no escape character) as a matcher
 * that runs in linear time: a policy's pattern meets request values (tags,
 * ARNs), so no backtracking RegExp may be built from it.
 */
function globMatcher(pattern: string, ignoreCase: boolean): WildcardMatcher {
  const cacheKey = `${ignoreCase ? "i" : "s"}${pattern}`;
  let matcher = globCache.get(cacheKey);
  if (matcher === undefined) {
    matcher = compileWildcard(pattern, { ignoreCase });
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(cacheKey, matcher);
  }
  return matcher;
}

/** Whether `value` matches a `*`/`?` wildcard pattern (`?` is one character: a code point). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return globMatcher(pattern, ignoreCase)(value);
}

/** Splits an ARN into its six components (the resource part keeps its colons). */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/**
 * ArnEquals/ArnLike: the six colon-separated components are compared one by
 * one, each with `*`/`?` wildcards (IAM treats both operators alike). A value
 * that is not an ARN never matches.
 */
function arnMatch(pattern: string, value: string): boolean {
  const p = arnParts(pattern);
  const v = arnParts(value);
  if (p === undefined || v === undefined) return false;
  return p.every((part, i) => wildcardMatch(part, v[i]!));
}

// ---------------------------------------------------------------- conditions

type Comparator = (contextValue: string, policyValue: string) => boolean;

function toNumber(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** A date as IAM reads it: ISO 8601, or epoch seconds. */
function toEpochMs(text: string): number | undefined {
  if (/^-?\d+$/.test(text.trim())) return Number(text) * 1000;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function numeric(test: (a: number, b: number) => boolean): Comparator {
  return (c, p) => {
    const a = toNumber(c);
    const b = toNumber(p);
    return a !== undefined && b !== undefined && test(a, b);
  };
}

function date(test: (a: number, b: number) => boolean): Comparator {
  return (c, p) => {
    const a = toEpochMs(c);
    const b = toEpochMs(p);
    return a !== undefined && b !== undefined && test(a, b);
  };
}

/** The positive form of every operator; `negated` operators are the NOR of their positive form. */
const comparators: Record<string, { compare: Comparator; negated: boolean }> = {};
function define(name: string, compare: Comparator, negatedName?: string): void {
  comparators[name.toLowerCase()] = { compare, negated: false };
  if (negatedName !== undefined) comparators[negatedName.toLowerCase()] = { compare, negated: true };
}
define("StringEquals", (c, p) => c === p, "StringNotEquals");
define("StringEqualsIgnoreCase", (c, p) => c.toLowerCase() === p.toLowerCase(), "StringNotEqualsIgnoreCase");
define("StringLike", (c, p) => wildcardMatch(p, c), "StringNotLike");
define("ArnEquals", (c, p) => arnMatch(p, c), "ArnNotEquals");
define("ArnLike", (c, p) => arnMatch(p, c), "ArnNotLike");
define("Bool", (c, p) => c.toLowerCase() === p.toLowerCase());
define(
  "NumericEquals",
  numeric((a, b) => a === b),
  "NumericNotEquals",
);
define(
  "NumericLessThan",
  numeric((a, b) => a < b),
);
define(
  "NumericLessThanEquals",
  numeric((a, b) => a <= b),
);
define(
  "NumericGreaterThan",
  numeric((a, b) => a > b),
);
define(
  "NumericGreaterThanEquals",
  numeric((a, b) => a >= b),
);
define(
  "DateEquals",
  date((a, b) => a === b),
  "DateNotEquals",
);
define(
  "DateLessThan",
  date((a, b) => a < b),
);
define(
  "DateLessThanEquals",
  date((a, b) => a <= b),
);
define(
  "DateGreaterThan",
  date((a, b) => a > b),
);
define(
  "DateGreaterThanEquals",
  date((a, b) => a >= b),
);

/** A condition operator, parsed: its set qualifier, its base, and IfExists. */
interface ParsedOperator {
  readonly set: "ForAnyValue" | "ForAllValues" | undefined;
  readonly base: string;
  readonly ifExists: boolean;
  readonly isNull: boolean;
}

const operatorCache = new Map<string, ParsedOperator | undefined>();

/** Parses an operator name (case-insensitively), or undefined when IAM does not know it. */
export function parseOperator(name: string): ParsedOperator | undefined {
  if (operatorCache.has(name)) return operatorCache.get(name);
  let rest = name;
  let set: ParsedOperator["set"];
  const lower = rest.toLowerCase();
  if (lower.startsWith("foranyvalue:")) {
    set = "ForAnyValue";
    rest = rest.slice("ForAnyValue:".length);
  } else if (lower.startsWith("forallvalues:")) {
    set = "ForAllValues";
    rest = rest.slice("ForAllValues:".length);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists") && rest.length > "IfExists".length) {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  const base = rest.toLowerCase();
  const isNull = base === "null";
  const parsed = isNull
    ? ifExists
      ? undefined
      : { set, base, ifExists, isNull }
    : base in comparators
      ? { set, base, ifExists, isNull }
      : undefined;
  operatorCache.set(name, parsed);
  return parsed;
}

type ConditionValue = string | number | boolean;

function asList(value: ConditionValue | readonly ConditionValue[]): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** One context value against the policy's values: OR for positive operators, NOR for negated ones. */
function matchOne(op: { compare: Comparator; negated: boolean }, value: string, policyValues: readonly string[]): boolean {
  const any = policyValues.some((p) => op.compare(value, p));
  return op.negated ? !any : any;
}

/** One operator on one key, with IAM's rules for absent keys, IfExists, Null and the set qualifiers. */
function evaluateCondition(operator: ParsedOperator, key: string, policyValues: readonly string[], keys: ContextKeys): boolean {
  const values = keys.get(key.toLowerCase())?.values;
  const present = values !== undefined && values.length > 0;
  if (operator.isNull) {
    // Null: "true" asks for the key to be absent, "false" for it to be present.
    return policyValues.some((p) => (p.toLowerCase() === "true" ? !present : p.toLowerCase() === "false" ? present : false));
  }
  const op = comparators[operator.base]!;
  if (operator.set === "ForAllValues") {
    // Every value of the request is in the policy's set: vacuously true for a missing or empty key.
    return !present || values.every((v) => matchOne(op, v, policyValues));
  }
  if (operator.set === "ForAnyValue") {
    return present && values.some((v) => matchOne(op, v, policyValues));
  }
  if (!present) return operator.ifExists || op.negated;
  // A multivalued key without a qualifier: a positive operator matches when any value
  // does; a negated one when no value matches any policy value.
  return op.negated ? values.every((v) => matchOne(op, v, policyValues)) : values.some((v) => matchOne(op, v, policyValues));
}

/** The Condition block: every operator and every key within it must hold (AND). */
function conditionsHold(condition: PolicyStatement["Condition"], keys: ContextKeys): boolean {
  if (condition === undefined) return true;
  for (const [operatorName, block] of Object.entries(condition)) {
    const operator = parseOperator(operatorName)!;
    for (const [key, value] of Object.entries(block)) {
      if (!evaluateCondition(operator, key, asList(value), keys)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- statements

function list(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

/** Action/NotAction: names are case-insensitive, with `*` and `?`. */
function actionMatches(statement: PolicyStatement, action: string): boolean {
  const actions = list(statement.Action);
  if (actions !== undefined) return actions.some((p) => wildcardMatch(p, action, true));
  return !list(statement.NotAction)!.some((p) => wildcardMatch(p, action, true));
}

/** Resource/NotResource: ARNs are case-sensitive, with `*` and `?`. */
function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  const resources = list(statement.Resource);
  if (resources !== undefined) return resources.some((p) => wildcardMatch(p, resource));
  return !list(statement.NotResource)!.some((p) => wildcardMatch(p, resource));
}

/** Whether a statement applies to a request context (its Effect aside). */
export function statementMatches(statement: PolicyStatement, request: RequestContext): boolean {
  return (
    actionMatches(statement, request.action) &&
    resourceMatches(statement, request.resource) &&
    conditionsHold(statement.Condition, request.keys)
  );
}

/** The statements of a policy as a list. */
export function statementsOf(policy: PolicyDocument): PolicyStatement[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

/**
 * IAM's decision for one request context against a principal's identity
 * policies: denied by default, allowed by a matching Allow, denied by any
 * matching Deny whatever else matches.
 */
export function evaluate(policies: readonly PolicyDocument[], request: RequestContext): Decision {
  const allows: MatchedStatement[] = [];
  const denies: MatchedStatement[] = [];
  policies.forEach((policy, policyIndex) => {
    statementsOf(policy).forEach((statement, statementIndex) => {
      if (!statementMatches(statement, request)) return;
      (statement.Effect === "Deny" ? denies : allows).push({ statement, policyIndex, statementIndex });
    });
  });
  if (denies.length > 0) return { allowed: false, explicitDeny: true, matched: denies };
  return { allowed: allows.length > 0, explicitDeny: false, matched: allows };
}

// ---------------------------------------------------------------- validation

/**
 * Refuses a policy IAM would refuse (MalformedPolicyDocument), with a
 * TypeError naming the statement, so that a typo fails at `createEc2Mock`
 * rather than silently denying.
 */
export function validatePolicy(policy: PolicyDocument, where: string): void {
  if (policy === null || typeof policy !== "object" || policy.Statement === undefined) {
    throw new TypeError(`${where}: a policy document needs a Statement`);
  }
  statementsOf(policy).forEach((statement, i) => {
    const at = `${where}, statement ${statement?.Sid ?? i}`;
    if (statement === null || typeof statement !== "object") throw new TypeError(`${at}: not an object`);
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny") throw new TypeError(`${at}: Effect must be "Allow" or "Deny"`);
    if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
      throw new TypeError(`${at}: give exactly one of Action and NotAction`);
    }
    if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
      throw new TypeError(`${at}: give exactly one of Resource and NotResource`);
    }
    for (const operator of Object.keys(statement.Condition ?? {})) {
      if (parseOperator(operator) === undefined) throw new TypeError(`${at}: unknown condition operator ${operator}`);
    }
  });
}
