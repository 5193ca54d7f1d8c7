import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  Tag,
} from "@aws-sdk/client-ec2";
import { authorizeAndDryRun, findInstances, refuseUnmodelled } from "../checks.js";
import type { AuthResource, AuthTarget, Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { volumeResource } from "../iam/resources.js";
import type { Ec2Instance } from "../instance.js";
import { checkTagCount, checkTags } from "../tags.js";
import type { Ec2Volume } from "../volumes.js";

/**
 * CreateTags and DeleteTags, in EC2's order of checks: parameters (resource
 * list, tag list, id shapes, tag keys and values), existence of every
 * resource, the 50-tag limit, authorization, DryRun, then the effect. The new
 * tag set of every resource is computed before any is written, so a rejected
 * call changes nothing.
 *
 * The mock models two kinds of taggable resource: instances, and EBS volumes
 * (attached or available, from the region's volume store). Any other
 * well-formed id is refused with UnsupportedOperation, not NotFound, because
 * the id may well be one the mock itself handed out (an ENI, the default VPC).
 */

/** One resource a tag call touches: where its tags live and which instance owns it. */
interface TagTarget {
  /** The resource id as given. */
  readonly id: string;
  /** The instance it is, or the instance its volume is attached to; none for an available volume. */
  readonly owner: Ec2Instance | undefined;
  /** What IAM authorizes: the instance, or the volume's ARN and keys. */
  readonly auth: AuthTarget;
  /** Its current tags (empty for a volume never tagged). */
  readonly tags: ReadonlyMap<string, string>;
  /** Replaces its tags by `next`, in `next`'s order. */
  write(next: Map<string, string>): void;
}

/**
 * EC2 resource-id prefixes CreateTags knows, so that `foo-12345678` is an
 * InvalidID rather than an unsupported resource.
 */
const resourcePrefixes = new Set([
  "i", "vol", "eni", "ami", "snap", "sg", "subnet", "vpc", "igw", "eigw", "rtb", "acl", "dopt", "eipalloc",
  "nat", "vgw", "cgw", "vpn", "pcx", "vpce", "tgw", "lt", "key", "fleet", "sir", "host", "r", "pl", "ipam",
]);

/** A resource id: a known prefix, then 8 or 17 lowercase hex digits. */
const resourceIdShape = /^([a-z]+)-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The prefix of a well-formed resource id, or undefined when it is not one. */
function prefixOf(id: string): string | undefined {
  const prefix = resourceIdShape.exec(id)?.[1];
  return prefix !== undefined && resourcePrefixes.has(prefix) ? prefix : undefined;
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

/** Refuses ids of no known shape (InvalidID), then families the mock does not tag (UnsupportedOperation). */
function checkResourceIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (prefixOf(id) === undefined) throw errors.invalidResourceId(id);
  }
  for (const id of ids) {
    const prefix = prefixOf(id);
    if (prefix !== "i" && prefix !== "vol") {
      throw errors.unsupported(
        `ec2-mock does not model tags on the resource '${id}': only instances (i-) and EBS volumes (vol-) can be tagged.`,
      );
    }
  }
}

function instanceTarget(ctx: OperationContext, instance: Ec2Instance): TagTarget {
  return {
    id: instance.instanceId,
    owner: instance,
    auth: instance,
    tags: instance.tags,
    // Through the region, which keeps DescribeInstances' tag index current.
    write: (next) => ctx.region.setTags(instance, next),
  };
}

function volumeTarget(ctx: OperationContext, volume: Ec2Volume): TagTarget {
  const instanceId = volume.attachment?.instanceId;
  return {
    id: volume.volumeId,
    owner: instanceId === undefined ? undefined : ctx.region.instances.get(instanceId),
    auth: volumeResource(ctx.region.settings, volume) satisfies AuthResource,
    tags: volume.tags,
    write: (next) => ctx.region.volumes.setTags(volume, next),
  };
}

/**
 * Every resource of the call, after the existence checks: instances first
 * (NotFound names every missing instance, as the lifecycle calls do), then
 * volumes (EC2 names one missing volume).
 */
function findTargets(ctx: OperationContext, ids: readonly string[]): TagTarget[] {
  const instanceIds = ids.filter((id) => prefixOf(id) === "i");
  const instances = new Map(findInstances(ctx, instanceIds).map((i) => [i.instanceId, i]));
  const volumes = new Map<string, TagTarget>();
  for (const id of ids) {
    if (prefixOf(id) !== "vol") continue;
    const volume = ctx.region.volumes.get(id);
    if (volume === undefined) throw errors.volumesNotFound([id]);
    volumes.set(id, volumeTarget(ctx, volume));
  }
  return ids.map((id) => volumes.get(id) ?? instanceTarget(ctx, instances.get(id)!));
}

/**
 * Steps shared by both calls once the new tag sets are known: the tag limit,
 * authorization, DryRun, then the writes.
 */
function commit(
  ctx: OperationContext,
  action: "CreateTags" | "DeleteTags",
  plans: ReadonlyArray<{ target: TagTarget; next: Map<string, string> }>,
  dryRun: unknown,
  tags: readonly Tag[],
): void {
  for (const { next } of plans) checkTagCount(next.size);
  // IAM authorizes each resource tagged, with the request's tags: aws:RequestTag/K for
  // every tag given with a value, aws:TagKeys for every key given.
  const requestTags = new Map<string, string>();
  for (const tag of tags) if (tag.Value !== undefined || action === "CreateTags") requestTags.set(tag.Key!, tag.Value ?? "");
  authorizeAndDryRun(ctx, action, plans.map((p) => p.target.auth), dryRun, { requestTags, tagKeys: [...new Set(tags.map((t) => t.Key!))] });
  for (const { target, next } of plans) target.write(next);
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

/** CreateTags: adds or overwrites tags on instances and volumes. */
export const createTags: Operation<CreateTagsCommandInput, CreateTagsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateTags", input, ["Resources", "Tags"]);
  const ids = requireResources(input.Resources);
  const tags = tagList(input.Tags);
  if (tags.length === 0) throw errors.missingParameter("Tag");
  checkResourceIds(ids);
  checkTags(tags, "CreateTags");
  const targets = findTargets(ctx, ids);
  commit(ctx, "CreateTags", targets.map((target) => ({ target, next: withTags(target.tags, tags) })), input.DryRun, tags);
  return {};
};

/** DeleteTags: removes tags by key, or by key and value, or all of them when no tag is given. */
export const deleteTags: Operation<DeleteTagsCommandInput, DeleteTagsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeleteTags", input, ["Resources", "Tags"]);
  const ids = requireResources(input.Resources);
  const tags = tagList(input.Tags);
  // Wording: EC2's pattern for a refused value, with the documented limit (decision: EC2 publishes no message).
  if (tags.length > MAX_TAGS_PER_DELETE) {
    throw errors.invalidValue(`Value (${tags.length}) for parameter Tag is invalid. DeleteTags takes up to ${MAX_TAGS_PER_DELETE} tags.`);
  }
  checkResourceIds(ids);
  // The same key rules as CreateTags: `aws:` tags are not the caller's to delete either.
  checkTags(tags, "CreateTags");
  const targets = findTargets(ctx, ids);
  commit(ctx, "DeleteTags", targets.map((target) => ({ target, next: withoutTags(target.tags, tags) })), input.DryRun, tags);
  return {};
};
