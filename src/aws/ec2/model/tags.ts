import type { Tag, TagSpecification } from "@aws-sdk/client-ec2";
import { type Codec, mapOf, mapped, string } from "../../../engine/record.js";
import { longerThan } from "../../../kit/text.js";
import { forbiddenXmlChar } from "../../../protocols/xml-text.js";
import { errors } from "../errors.js";

/** The longest tag key, in Unicode characters. */
export const MAX_TAG_KEY_LENGTH = 128;
/** The longest tag value, in Unicode characters. */
export const MAX_TAG_VALUE_LENGTH = 256;

/** EC2's limit on tags per resource. */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Validates tags as EC2 does for CreateTags and TagSpecifications: keys of
 * 1..128 Unicode characters (code points, not UTF-16 units) not starting
 * with `aws:`, values of up to 256, neither holding a character XML 1.0
 * forbids (./xml-text.ts). The
 * wording of the reserved-prefix error differs between the two operations,
 * as it does on EC2.
 */
export function checkTags(tags: readonly Tag[], where: "CreateTags" | "TagSpecification"): void {
  for (const tag of tags) {
    const key = tag.Key;
    if (typeof key !== "string" || key.length === 0) {
      throw errors.emptyTagKey();
    }
    if (longerThan(key, MAX_TAG_KEY_LENGTH)) {
      throw errors.tagKeyTooLong(MAX_TAG_KEY_LENGTH);
    }
    if (key.toLowerCase().startsWith("aws:")) {
      throw errors.reservedTagKey(where === "CreateTags" ? key : undefined);
    }
    const value = tag.Value;
    if (value !== undefined && (typeof value !== "string" || longerThan(value, MAX_TAG_VALUE_LENGTH))) {
      throw errors.tagValueTooLong(MAX_TAG_VALUE_LENGTH);
    }
    // EC2 takes any character in a tag, but answers in XML 1.0: one that XML forbids could never be shown again.
    const badKeyChar = forbiddenXmlChar(key);
    if (badKeyChar !== undefined) throw errors.tagKeyXmlChar(badKeyChar);
    const badValueChar = tag.Value === undefined ? undefined : forbiddenXmlChar(tag.Value);
    if (badValueChar !== undefined) throw errors.tagValueXmlChar(badValueChar);
  }
}

/** Throws TagLimitExceeded when a resource would hold more than 50 tags. */
export function checkTagCount(count: number): void {
  if (count > MAX_TAGS_PER_RESOURCE) {
    throw errors.tagLimitExceeded();
  }
}

/** The resource types RunInstances accepts in TagSpecifications. */
const runInstancesTaggable: readonly string[] = ["instance", "volume", "network-interface"];

/**
 * Reads a call's TagSpecifications into a map per resource type, after
 * validating every spec (a type outside `taggable` is
 * InvalidParameterValue), so that a refused call changes nothing.
 * `taggable` defaults to RunInstances' types.
 */
export function readTagSpecifications(
  specs: unknown,
  taggable: readonly string[] = runInstancesTaggable,
): Map<string, Map<string, string>> {
  const byType = new Map<string, Map<string, string>>();
  if (specs === undefined || specs === null) return byType;
  if (!Array.isArray(specs)) throw errors.tagSpecificationNotList();
  for (const spec of specs as TagSpecification[]) {
    const type = String(spec?.ResourceType ?? "");
    if (!taggable.includes(type)) {
      throw errors.untaggableResourceType(type);
    }
    const tags = Array.isArray(spec.Tags) ? spec.Tags : [];
    checkTags(tags, "TagSpecification");
    const target = byType.get(type) ?? new Map<string, string>();
    for (const tag of tags) target.set(tag.Key!, tag.Value ?? "");
    checkTagCount(target.size);
    byType.set(type, target);
  }
  return byType;
}

/**
 * The TagSpecifications of a Create call that tags one resource type
 * (`vpc` for CreateVpc, `key-pair` for CreateKeyPair, ...), checked as
 * RunInstances' are: the tags for that type, empty when none are given.
 */
export function readTagsOf(specs: unknown, type: string): Map<string, string> {
  return readTagSpecifications(specs, [type]).get(type) ?? new Map<string, string>();
}

/**
 * The tags of every untagged resource: one shared empty map rather than one
 * per volume or instance (an empty Map costs about 200 bytes, and a fleet of
 * 100,000 has 100,000 root volumes). Typed read-only; nothing writes into it.
 */
export const NO_TAGS: ReadonlyMap<string, string> = new Map();

/** Tags, in the order they were set: `[key, value]` pairs in JSON; untagged records share {@link NO_TAGS} (memory of large restored fleets). */
export const tagsField: Codec<ReadonlyMap<string, string>, [string, string][]> = mapped(mapOf(string, string), {
  read: (tags) => (tags.size === 0 ? NO_TAGS : tags),
  write: (tags) => tags as Map<string, string>,
});
