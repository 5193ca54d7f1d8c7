/**
 * What ELBv2's operations share: the refusal of members the mock does not
 * model, tags, pagination (`Marker`, `PageSize`), and IAM resources.
 */
import type { Tag } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ElbContext, ElbResource } from "../context.js";
import { elbErrors } from "../errors.js";
import type { ArnScope } from "../model/arns.js";

/**
 * Refuses a member the operation does not model (present, and for a list
 * not empty): the first one, in the order of `input`'s keys, by name.
 */
export function refuseUnmodelled<T extends object>(action: string, input: T, modelled: readonly (keyof T & string)[]): void {
  const known = new Set<string>(modelled);
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || known.has(name)) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    throw elbErrors.unmodelledParameter(action, name);
  }
}

/** The Region and account of a call, for its ARNs. */
export function scopeOf(ctx: ElbContext): ArnScope {
  return { region: ctx.region.settings.region, accountId: ctx.region.settings.accountId };
}

/** ELBv2's tag limits (API reference, "Tag": keys up to 128 characters, values up to 256; AddTags: up to 50 tags per resource). */
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
/** The most tags a resource holds (API reference, AddTags). */
export const MAX_TAGS = 50;

/** Reads a request's tags (duplicate keys: DuplicateTagKeys), in order. */
export function readTags(tags: readonly Tag[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const tag of tags ?? []) {
    const key = tag.Key ?? "";
    if (key.length < 1 || key.length > MAX_TAG_KEY)
      throw elbErrors.validation(`Tag key '${key}' must be between 1 and ${MAX_TAG_KEY} characters`);
    const value = tag.Value ?? "";
    if (value.length > MAX_TAG_VALUE) throw elbErrors.validation(`Tag value for key '${key}' must be at most ${MAX_TAG_VALUE} characters`);
    if (out.has(key)) throw elbErrors.duplicateTagKeys(key);
    out.set(key, value);
  }
  if (out.size > MAX_TAGS) throw elbErrors.tooManyTags();
  return out;
}

/** IAM's resource of an existing ELBv2 resource: its ARN and its tags as `aws:ResourceTag/K`. */
export function resourceOf(arn: string, tags: ReadonlyMap<string, string>): ElbResource {
  const keys: Record<string, string> = {};
  for (const [key, value] of tags) keys[`aws:ResourceTag/${key}`] = value;
  return { arn, keys };
}

/** Describe calls' page size: 1 to 400 (API reference, DescribeTargetGroups `PageSize`). */
const MAX_PAGE_SIZE = 400;

/**
 * One page of `items` (`Marker` and `PageSize`, as the Describe actions
 * take them): the marker is the position of the next item, opaque to the
 * caller (decision: a base64 text), and `NextMarker` is absent on the last page.
 */
export function page<T>(items: readonly T[], marker: string | undefined, pageSize: number | undefined): { items: T[]; next?: string } {
  if (pageSize !== undefined && (pageSize < 1 || pageSize > MAX_PAGE_SIZE)) {
    throw elbErrors.validation(`Page size must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  let start = 0;
  if (marker !== undefined) {
    const decoded = Buffer.from(marker, "base64").toString("utf8");
    start = /^[0-9]{1,9}$/.test(decoded) ? Number(decoded) : -1;
    if (start < 0 || start > items.length) throw elbErrors.validation("Invalid marker");
  }
  const size = pageSize ?? MAX_PAGE_SIZE;
  const end = Math.min(items.length, start + size);
  return { items: items.slice(start, end), ...(end < items.length && { next: Buffer.from(String(end), "utf8").toString("base64") }) };
}

/** An integer within a range, or ELBv2's ValidationError naming the member. */
export function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw elbErrors.validation(`${name} must be between ${min} and ${max}; got ${value}`);
  }
}

/** Names ELBv2 resources may have: 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen (API reference). */
const NAME_CHARS = /^[A-Za-z0-9-]+$/;

/** Checks a target group or load balancer name (`kind`: "Target group", "Load balancer"). */
export function checkName(kind: string, name: string): void {
  if (name.length === 0 || name.length > 32) throw elbErrors.validation(`${kind} name '${name}' cannot be longer than '32' characters`);
  if (!NAME_CHARS.test(name)) {
    throw elbErrors.validation(`${kind} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  }
  if (name.startsWith("-") || name.endsWith("-")) throw elbErrors.validation(`${kind} name '${name}' cannot begin or end with '-'`);
}
