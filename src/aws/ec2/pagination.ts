import { type Ec2Error, errors } from "./errors.js";

/**
 * Pagination shared by the Describe operations: `MaxResults` checks and
 * opaque `NextToken`s.
 *
 * A token records where the previous page ended (a position in launch order)
 * and a digest of the query it belongs to (action, filters, ids, flags). A
 * position rather than an offset keeps paging correct when instances appear
 * or expire between pages; the digest makes a token used with another query
 * fail, as EC2 refuses it, instead of silently skipping results.
 */

/** EC2's bounds for `MaxResults` on DescribeInstances and DescribeInstanceStatus. */
export const MIN_RESULTS = 5;
/** See {@link MIN_RESULTS}. */
export const MAX_RESULTS = 1000;

/**
 * A place in listing order: for instances, the reservation's `seq`, then the
 * launch index in it; for resources created one at a time (volumes), their
 * creation `seq` and index 0.
 */
export interface Position {
  /** The reservation's launch-order number. */
  readonly seq: number;
  /** The instance's launch index in that reservation. */
  readonly index: number;
}

/** Orders positions: negative when `a` comes first. */
export function comparePositions(a: Position, b: Position): number {
  return a.seq - b.seq || a.index - b.index;
}

function invalidMaxResults(value: unknown, expecting: string): Ec2Error {
  return errors.invalidMaxResults(String(value), expecting);
}

/** How one Describe operation bounds `MaxResults`. */
export interface MaxResultsRule {
  /** The wire name of its id list, as EC2 names it in the combination error (`instancesSet`, `volumeSet`). */
  readonly idsParameter: string;
  /** The smallest page size accepted. */
  readonly min: number;
  /** The largest page size. */
  readonly max: number;
  /**
   * What a larger value does: `error` (InvalidParameterValue, DescribeInstances)
   * or `clamp` (a page of `max`, DescribeVolumes).
   */
  readonly above: "error" | "clamp";
}

/** DescribeInstances' and DescribeInstanceStatus' rule: 5..1000, refused above. */
export const instancesMaxResults: MaxResultsRule = { idsParameter: "instancesSet", min: MIN_RESULTS, max: MAX_RESULTS, above: "error" };

/**
 * Reads `MaxResults` in EC2's order: first the combination with the id list
 * (EC2 pages only unfiltered-by-id listings), then the range.
 * Returns undefined when absent: everything comes in one page.
 */
export function readMaxResults(value: unknown, hasIds: boolean, rule: MaxResultsRule = instancesMaxResults): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (hasIds) {
    throw errors.maxResultsWithIds(rule.idsParameter);
  }
  const n = Number(value);
  // EC2's message for values under 5 says "greater than 5" although 5 is accepted; kept verbatim.
  if (!Number.isInteger(n)) throw invalidMaxResults(value, "an integer");
  if (n < rule.min) throw invalidMaxResults(value, `a value greater than ${rule.min}`);
  if (n > rule.max) {
    if (rule.above === "clamp") return rule.max;
    throw invalidMaxResults(value, `a value less than or equal to ${rule.max}`);
  }
  return n;
}

/** The token that resumes `digest`'s query after `after`: base64url of a small JSON document. */
export function encodeToken(after: Position, digest: string): string {
  return Buffer.from(JSON.stringify({ v: 1, r: after.seq, i: after.index, q: digest }), "utf8").toString("base64url");
}

function badToken(): Ec2Error {
  return errors.badNextToken();
}

/**
 * Reads `NextToken`: undefined (or `""`, which SDK paginators never send but
 * callers may) starts at the beginning; anything that is not a token of this
 * very query is refused with EC2's InvalidParameterValue.
 */
export function readToken(token: unknown, digest: string): Position | undefined {
  if (token === undefined || token === null || token === "") return undefined;
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]+$/.test(token)) throw badToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badToken();
  }
  const { v, r, i, q } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (v !== 1 || !Number.isInteger(r) || !Number.isInteger(i) || q !== digest) throw badToken();
  return { seq: r as number, index: i as number };
}

/** One page of results and where the next one starts, if there is one. */
export interface Page<T> {
  /** The items of this page, in order. */
  readonly items: T[];
  /** The position of the page's last item, when more items follow. */
  readonly next: Position | undefined;
}

/**
 * Takes one page from `candidates` (in launch order): the items after
 * `after` that pass `accept`, at most `max` of them. It looks one match
 * beyond a full page so that `next` is only set when another page exists.
 */
export function takePage<T>(
  candidates: Iterable<T>,
  positionOf: (item: T) => Position,
  accept: (item: T) => boolean,
  after: Position | undefined,
  max: number | undefined,
): Page<T> {
  const items: T[] = [];
  for (const item of candidates) {
    if (after !== undefined && comparePositions(positionOf(item), after) <= 0) continue;
    if (!accept(item)) continue;
    if (max !== undefined && items.length === max) return { items, next: positionOf(items[items.length - 1]!) };
    items.push(item);
  }
  return { items, next: undefined };
}
