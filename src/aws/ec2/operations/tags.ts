import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  ResourceType,
  Tag,
  TagDescription,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { authorizeAndDryRun, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors, notFoundFamilies } from "../errors.js";
import { compileFilters, type FilterSpec, type FilterTable, literalValuesOf, readFilters } from "../filters.js";
import { instanceOfInterface } from "../model/instance.js";
import { checkFilterCount } from "../model/limits.js";
import { taggableByPrefix, taggableFamilies } from "../model/taggables.js";
import { checkTagCount, checkTags } from "../model/tags.js";
import { type MaxResultsRule, readMaxResults } from "../pagination.js";
import type { Ec2Region } from "../region.js";
import type { TaggableFamily } from "../taggable.js";
import { canonicalFilters } from "./describe.js";

/**
 * CreateTags, DeleteTags and DescribeTags, over the registry of taggable
 * families (../model/taggables.ts: instances, EBS volumes, Elastic IPs, ...).
 *
 * CreateTags and DeleteTags, in EC2's order of checks: parameters (resource
 * list, tag list, id shapes, tag keys and values), existence of every
 * resource, the 50-tag limit, authorization, DryRun, then the effect. The new
 * tag set of every resource is computed before any is written, so a rejected
 * call changes nothing.
 *
 * An id of a family the mock holds but does not tag (interfaces, images,
 * snapshots, subnets, the VPC, its security group) that names nothing is that
 * family's NotFound, as on EC2; one that names something the mock holds, or of
 * a family it does not model, is refused with UnsupportedOperation naming it.
 */

/** One resource a tag call touches: its family and the resource itself, as the family gave it. */
interface TagTarget {
  readonly family: TaggableFamily;
  readonly resource: unknown;
}

/**
 * EC2 resource-id prefixes CreateTags knows, so that `foo-12345678` is an
 * InvalidID rather than an unsupported resource.
 */
const resourcePrefixes = new Set([
  "i",
  "vol",
  "eni",
  "ami",
  "snap",
  "sg",
  "subnet",
  "vpc",
  "igw",
  "eigw",
  "rtb",
  "acl",
  "dopt",
  "eipalloc",
  "nat",
  "vgw",
  "cgw",
  "vpn",
  "pcx",
  "vpce",
  "tgw",
  "lt",
  "key",
  "fleet",
  "sir",
  "host",
  "r",
  "pl",
  "ipam",
]);

/** A resource id: a known prefix, then 8 or 17 lowercase hex digits, or a UUID (EC2 Fleet's `fleet-` ids). */
const resourceIdShape = /^([a-z]+)-(?:[0-9a-f]{8}|[0-9a-f]{17}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The prefix of a well-formed resource id, or undefined when it is not one. */
function prefixOf(id: string): string | undefined {
  const prefix = resourceIdShape.exec(id)?.[1];
  return prefix !== undefined && (resourcePrefixes.has(prefix) || taggableByPrefix.has(prefix)) ? prefix : undefined;
}

/** The most resource ids one call may name (API reference, CreateTags and DeleteTags: "Up to 1000 resource IDs"). */
export const MAX_RESOURCES_PER_CALL = 1000;
/** The most tags one DeleteTags call may give (API reference, DeleteTags: "Up to 1000 tags"). */
export const MAX_TAGS_PER_DELETE = 1000;

/**
 * `Resources`: missing or empty is MissingParameter naming the wire list,
 * `resourceIdSet`; more than 1000 ids (counted as given, repeats included:
 * the wire carries each one) is ResourceCountExceeded.
 */
function requireResources(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw errors.missingParameter("resourceIdSet");
  if (value.length > MAX_RESOURCES_PER_CALL) throw errors.resourceCountExceeded();
  return [...new Set(value.map(String))];
}

/** `Tags` as a list; anything that is not one is treated as absent (the SDK would send nothing). */
function tagList(value: unknown): Tag[] {
  return Array.isArray(value) ? (value as Tag[]) : [];
}

/** Refuses ids of no known shape (InvalidID), every one before any lookup. */
function checkResourceIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (prefixOf(id) === undefined) throw errors.invalidResourceId(id);
  }
}

/**
 * Whether the mock holds a resource of a family it models but does not tag:
 * an instance's network interface (while the instance shows it). Undefined for a family the mock does not model at
 * all, whose ids it cannot judge. Only asked about prefixes that no
 * registered family has: a case here for a family registered later is dead.
 */
function holdsUntaggable(ctx: OperationContext, prefix: string, id: string): boolean | undefined {
  const region = ctx.region;
  switch (prefix) {
    case "eni": {
      const instance = instanceOfInterface(region.instances, id);
      return instance !== undefined && instance.machine.phase !== "terminated";
    }
    default:
      return undefined;
  }
}

/** How the refusal of an untaggable resource names the families the mock tags: `instance (i-)`, ... */
const taggableNames = taggableFamilies.map((f) => `${f.resourceType} (${f.prefix}-)`);

/**
 * Ids of unregistered families, after every registered one exists: one the
 * mock models but that names nothing is that family's NotFound (EC2's answer
 * for a missing resource); one it holds, or of a family it does not model,
 * is refused with UnsupportedOperation naming it, since the mock keeps no
 * tags there (rather than a NotFound for an id it may have handed out itself).
 */
function checkUntaggable(ctx: OperationContext, ids: readonly string[]): void {
  const others = ids.filter((id) => !taggableByPrefix.has(prefixOf(id)!));
  for (const id of others) {
    const prefix = prefixOf(id)!;
    if (holdsUntaggable(ctx, prefix, id) === false && notFoundFamilies.has(prefix)) throw errors.resourceNotFound(prefix, id);
  }
  const first = others[0];
  if (first !== undefined) {
    throw errors.untaggableResource(first, taggableNames);
  }
}

/**
 * Every resource of the call, after the existence checks, family by family in
 * the registry's order: instances first (NotFound names every missing
 * instance, as the lifecycle calls do), then each other family (its first
 * missing id, in the order given), then the families the mock does not tag
 * (one named, then UnsupportedOperation for the first one the mock cannot tag).
 */
function findTargets(ctx: OperationContext, ids: readonly string[]): TagTarget[] {
  const found = new Map<string, TagTarget>();
  const prefixes = ids.map(prefixOf);
  for (const family of taggableFamilies) {
    const missing: string[] = [];
    for (const [n, id] of ids.entries()) {
      if (prefixes[n] !== family.prefix) continue;
      const resource = family.find(ctx.region, id);
      if (resource === undefined) missing.push(id);
      else found.set(id, { family, resource });
    }
    const first = missing[0];
    if (first !== undefined) throw family.notFoundAll === undefined ? family.notFound(first) : family.notFoundAll(missing);
  }
  checkUntaggable(ctx, ids);
  return ids.map((id) => found.get(id)!);
}

/**
 * Steps shared by both calls once the new tag sets are known: the tag limit,
 * authorization, DryRun, then the writes.
 */
function commit(
  ctx: OperationContext,
  action: "CreateTags" | "DeleteTags",
  plans: ReadonlyArray<{ target: TagTarget; next: ReadonlyMap<string, string> }>,
  dryRun: unknown,
  tags: readonly Tag[],
): void {
  for (const { next } of plans) checkTagCount(next.size);
  // IAM authorizes each resource tagged, with the request's tags: aws:RequestTag/K for
  // every tag given with a value, aws:TagKeys for every key given.
  const requestTags = new Map<string, string>();
  for (const tag of tags) if (tag.Value !== undefined || action === "CreateTags") requestTags.set(tag.Key!, tag.Value ?? "");
  authorizeAndDryRun(
    ctx,
    action,
    plans.map(({ target }) => target.family.authTarget(ctx.region, target.resource)),
    dryRun,
    { requestTags, tagKeys: [...new Set(tags.map((t) => t.Key!))] },
  );
  for (const { target, next } of plans) target.family.setTags(ctx.region, target.resource, next);
}

/** The resources' tags with `tags` set: a new key goes last, an overwritten key keeps its place. */
function withTags(current: ReadonlyMap<string, string>, tags: readonly Tag[]): Map<string, string> {
  const next = new Map(current);
  // A tag without a value is stored with the empty value, as EC2 does.
  for (const tag of tags) next.set(tag.Key!, tag.Value ?? "");
  return next;
}

/**
 * The resources' tags without `tags`: a tag with a value (even `""`) removes
 * the key only when its value matches; a tag without one removes the key
 * whatever its value. No tags at all removes every tag.
 */
function withoutTags(current: ReadonlyMap<string, string>, tags: readonly Tag[]): Map<string, string> {
  if (tags.length === 0) return new Map();
  const next = new Map(current);
  for (const { Key, Value } of tags) {
    if (Value === undefined || next.get(Key!) === Value) next.delete(Key!);
  }
  return next;
}

/** CreateTags: adds or overwrites tags on resources of every registered family. */
export const createTags: Operation<CreateTagsCommandInput, CreateTagsCommandOutput> = (ctx, input) => {
  const ids = requireResources(input.Resources);
  const tags = tagList(input.Tags);
  if (tags.length === 0) throw errors.missingParameter("Tag");
  checkResourceIds(ids);
  checkTags(tags, "CreateTags");
  // Last of the parameter checks, before any lookup (issue 13's order): every member is modelled today.
  refuseUnmodelled("CreateTags", input, ["Resources", "Tags"]);
  const targets = findTargets(ctx, ids);
  commit(
    ctx,
    "CreateTags",
    targets.map((target) => ({ target, next: withTags(target.family.tagsOf(target.resource), tags) })),
    input.DryRun,
    tags,
  );
  return {};
};

/** DeleteTags: removes tags by key, or by key and value, or all of them when no tag is given. */
export const deleteTags: Operation<DeleteTagsCommandInput, DeleteTagsCommandOutput> = (ctx, input) => {
  const ids = requireResources(input.Resources);
  const tags = tagList(input.Tags);
  // Wording: EC2's pattern for a refused value, with the documented limit (decision: EC2 publishes no message).
  if (tags.length > MAX_TAGS_PER_DELETE) {
    throw errors.tooManyTagsToDelete(tags.length, MAX_TAGS_PER_DELETE);
  }
  checkResourceIds(ids);
  // The same key rules as CreateTags: `aws:` tags are not the caller's to delete either.
  checkTags(tags, "CreateTags");
  refuseUnmodelled("DeleteTags", input, ["Resources", "Tags"]);
  const targets = findTargets(ctx, ids);
  commit(
    ctx,
    "DeleteTags",
    targets.map((target) => ({ target, next: withoutTags(target.family.tagsOf(target.resource), tags) })),
    input.DryRun,
    tags,
  );
  return {};
};

/** One row of DescribeTags: a tag of a resource, with the resource's other tags (for `tag:<key>`). */
interface TagRow {
  readonly family: TaggableFamily;
  readonly resourceId: string;
  /** Every tag of the resource. */
  readonly tags: ReadonlyMap<string, string>;
  readonly key: string;
  readonly value: string;
}

/**
 * DescribeTags' filters, by EC2 name (source: API reference, DescribeTags
 * `Filter.N`): `key`, `value` and `resource-id`, `resource-type` read the row;
 * `tag:<key>` keeps every tag of the resources that have that tag.
 */
export const tagFilters: FilterTable<TagRow, OperationContext> = {
  exact: {
    key: (row) => row.key,
    value: (row) => row.value,
    "resource-id": (row) => row.resourceId,
    "resource-type": (row) => row.family.resourceType,
  },
  prefixed: {
    "tag:": (key) => (row) => row.tags.get(key),
  },
};

/**
 * DescribeTags' page sizes: 5..1000; a larger value returns 1000 items
 * (source: API reference, DescribeTags `MaxResults`, "This value can be
 * between 5 and 1000"; its 2015 edition: "if MaxResults is given a value
 * larger than 1000, only 1000 results are returned"). DescribeTags has no id
 * list, so `idsParameter` never shows.
 */
export const tagsMaxResults: MaxResultsRule = { idsParameter: "resourceIdSet", min: 5, max: 1000, above: "clamp" };

/** Code-unit order of two strings (the order of DescribeTags' answer). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where a page ended: the last row's resource id and key. */
interface TagPosition {
  readonly resourceId: string;
  readonly key: string;
}

/** The token that resumes `digest`'s query after `after`: base64url of a small JSON document. */
function encodeTagToken(after: TagPosition, digest: string): string {
  return Buffer.from(JSON.stringify({ v: 1, id: after.resourceId, k: after.key, q: digest }), "utf8").toString("base64url");
}

/** Reads `NextToken` as the other Describe operations do: absent or `""` starts over; another query's token is refused. */
function readTagToken(token: unknown, digest: string): TagPosition | undefined {
  if (token === undefined || token === null || token === "") return undefined;
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]+$/.test(token)) throw errors.badNextToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw errors.badNextToken();
  }
  const { v, id, k, q } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (v !== 1 || typeof id !== "string" || typeof k !== "string" || q !== digest) throw errors.badNextToken();
  return { resourceId: id, key: k };
}

/** A resource that has rows to show, with them in key order. */
interface Shown {
  readonly resourceId: string;
  readonly rows: TagRow[];
}

/**
 * The resources a query may show, family by family: only the families a
 * literal `resource-type` filter names, and only the resources a literal
 * `resource-id` filter names (looked up, not scanned).
 */
function* candidates(region: Ec2Region, filters: readonly FilterSpec[]): Generator<[TaggableFamily, unknown]> {
  const types = literalValuesOf(filters, "resource-type");
  const families = types === undefined ? taggableFamilies : taggableFamilies.filter((f) => types.includes(f.resourceType));
  const ids = literalValuesOf(filters, "resource-id");
  if (ids !== undefined) {
    for (const id of new Set(ids)) {
      const family = taggableByPrefix.get(id.slice(0, id.indexOf("-")));
      if (family === undefined || !families.includes(family)) continue;
      const resource = family.find(region, id);
      if (resource !== undefined) yield [family, resource];
    }
    return;
  }
  for (const family of families) for (const resource of family.list(region)) yield [family, resource];
}

/**
 * The rows of one resource the filters accept, after `after` and not beyond
 * `bound`, in key order; none for a resource without tags (most of a large
 * fleet: nothing is built for them) or outside the window.
 */
function rowsOf(
  family: TaggableFamily,
  resource: unknown,
  accept: (row: TagRow) => boolean,
  after: TagPosition | undefined,
  bound: string | undefined,
): Shown | undefined {
  const tags = family.tagsOf(resource);
  if (tags.size === 0) return undefined;
  const resourceId = family.idOf(resource);
  if (bound !== undefined && compareText(resourceId, bound) > 0) return undefined;
  const order = after === undefined ? 1 : compareText(resourceId, after.resourceId);
  if (order < 0) return undefined;
  const rows: TagRow[] = [];
  for (const [key, value] of tags) {
    if (order === 0 && compareText(key, after!.key) <= 0) continue;
    const row: TagRow = { family, resourceId, tags, key, value };
    if (accept(row)) rows.push(row);
  }
  if (rows.length === 0) return undefined;
  if (rows.length > 1) rows.sort((a, b) => compareText(a.key, b.key));
  return { resourceId, rows };
}

/** Sorts resources by id, in place. */
function byResourceId(shown: Shown[]): Shown[] {
  return shown.sort((a, b) => compareText(a.resourceId, b.resourceId));
}

/**
 * DescribeTags: the tags of every resource of every registered family in the
 * region, as TagDescriptions, filtered and paged. Decision (EC2 documents no
 * order: "The order of the elements in the response ... might vary"): by
 * resource id, then by key, in code-unit order; a token resumes after the
 * last row's resource id and key, so that a page never repeats or skips a
 * tag whatever was created, tagged or deleted between pages. With a
 * `resource-id` filter, EC2 ignores `MaxResults` and answers in one page
 * (measured: cloud-custodian/cloud-custodian#11069); the mock does the same.
 */
export const describeTags: Operation<DescribeTagsCommandInput, DescribeTagsCommandOutput> = (ctx, input) => {
  const requested = readMaxResults(input.MaxResults, false, tagsMaxResults);
  refuseUnmodelled("DescribeTags", input, ["Filters", "MaxResults", "NextToken"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, tagFilters);
  const digest = digestOf({ action: "DescribeTags", filters: canonicalFilters(filters) });
  const after = readTagToken(input.NextToken, digest);
  // Describe actions are authorized on "*" only.
  authorizeAndDryRun(ctx, "DescribeTags", [], input.DryRun);
  const max = filters.some((f) => f.name === "resource-id") ? undefined : requested;
  const accepts = (row: TagRow) => accept(row, ctx);
  // Keeps the `max + 1` first resources in id order: they hold the page's rows and tell whether another page follows.
  // Once `max + 1` are kept, a resource beyond the last of them (`bound`) cannot be on this page: it is skipped unread.
  let shown: Shown[] = [];
  let bound: string | undefined;
  for (const [family, resource] of candidates(ctx.region, filters)) {
    const one = rowsOf(family, resource, accepts, after, bound);
    if (one === undefined) continue;
    shown.push(one);
    if (max !== undefined && shown.length >= 2 * (max + 1)) {
      shown = byResourceId(shown).slice(0, max + 1);
      bound = shown.at(-1)!.resourceId;
    }
  }
  const rows = byResourceId(shown).flatMap((s) => s.rows);
  const page = max === undefined ? rows : rows.slice(0, max);
  const last = page.at(-1);
  const Tags: TagDescription[] = page.map((row) => ({
    Key: row.key,
    ResourceId: row.resourceId,
    ResourceType: row.family.resourceType as ResourceType,
    Value: row.value,
  }));
  return {
    Tags,
    ...(rows.length > page.length && last !== undefined
      ? { NextToken: encodeTagToken({ resourceId: last.resourceId, key: last.key }, digest) }
      : {}),
  };
};
