/**
 * The opening every paged Describe operation shares, in EC2's order of
 * checks: the id list, `MaxResults` (refused with ids, then bounded), the
 * members the mock models, the filters (count, shape, names), and the
 * `NextToken` of the same query. What stays in each operation is what is
 * its own: existence of the named ids, authorisation, DryRun, candidates.
 */

import { digestOf } from "../../../kit/digest.js";
import { refuseUnmodelled } from "../checks.js";
import type { OperationContext } from "../context.js";
import { compileFilters, type FilterSpec, type FilterTable, type Predicate, readFilters } from "../filters.js";
import { checkFilterCount } from "../model/limits.js";
import { type MaxResultsRule, type Position, readMaxResults, readToken } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";

/** The members a paged Describe reads through {@link readDescribeQuery}. */
export interface PagedDescribeInput {
  /** The filters, as the SDK sends them. */
  readonly Filters?: unknown;
  /** The token of the previous page. */
  readonly NextToken?: unknown;
  /** The page size. */
  readonly MaxResults?: unknown;
}

/** How one Describe operation reads its query. */
export interface DescribeQueryRule<Input, Subject> {
  /** The action's name, for refusals and the token's digest. */
  readonly action: string;
  /** The id list member's value (`input.VolumeIds`), absent when the action has none. */
  readonly ids?: unknown;
  /** `MaxResults`' bounds and the id list's wire name. */
  readonly maxResults: MaxResultsRule;
  /** The members the mock models (every other one is refused by name). */
  readonly modelled: readonly (keyof Input & string)[];
  /** The action's filter table. */
  readonly table: FilterTable<Subject, OperationContext>;
  /** Further parts of the query a token belongs to (owners, flags), already read. */
  readonly digestExtra?: Readonly<Record<string, unknown>>;
}

/** A Describe query as read, ready for the operation's own checks and {@link takePage}. */
export interface DescribeQuery<Subject> {
  /** The ids named, in request order (empty when none). */
  readonly ids: string[];
  /** The page size, or undefined for one page of everything. */
  readonly max: number | undefined;
  /** The filters as read. */
  readonly filters: FilterSpec[];
  /** Whether a subject passes every filter. */
  readonly accept: Predicate<Subject, OperationContext>;
  /** The digest a `NextToken` of this query carries. */
  readonly digest: string;
  /** Where the previous page ended, when a token was given. */
  readonly after: Position | undefined;
}

/** Reads a paged Describe's ids, `MaxResults`, members, filters and token, in EC2's order. */
export function readDescribeQuery<Input extends PagedDescribeInput, Subject>(
  input: Input,
  rule: DescribeQueryRule<Input, Subject>,
): DescribeQuery<Subject> {
  const ids = readOptionalIds(rule.ids);
  const max = readMaxResults(input.MaxResults, ids.length > 0, rule.maxResults);
  refuseUnmodelled(rule.action, input, rule.modelled);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, rule.table);
  const digest = digestOf({
    action: rule.action,
    filters: canonicalFilters(filters),
    ids: [...new Set(ids)].sort(),
    ...rule.digestExtra,
  });
  return { ids, max, filters, accept, digest, after: readToken(input.NextToken, digest) };
}
