import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  Tag,
} from "@aws-sdk/client-ec2";
import { volumeResource } from "../../iam/resources.js";
import { authorizeAndDryRun, findInstances, refuseUnmodelled } from "../checks.js";
import type { AuthResource, AuthTarget, Operation, OperationContext } from "../context.js";
import { errors, notFoundFamilies } from "../errors.js";
import type { Ec2Instance } from "../model/instance.js";
import { checkTagCount, checkTags } from "../model/tags.js";
import type { Ec2Volume } from "../model/volumes.js";

/**
 * CreateTags and DeleteTags, in EC2's order of checks: parameters (resource
 * list, tag list, id shapes, tag keys and values), existence of every
 * resource, the 50-tag limit, authorization, DryRun, then the effect. The new
 * tag set of every resource is computed before any is written, so a rejected
 * call changes nothing.
 *
 * The mock models two kinds of taggable resource: instances, and EBS volumes
 * (attached or available, from the region's volume store). An id of another
 * family the mock holds (interfaces, images, snapshots, subnets, the VPC,
 * its security group, Elastic IPs) that names nothing is that family's
 * NotFound, as on EC2; one that names something the mock holds, or of a
 * family it does not model, is refused with UnsupportedOperation naming it.
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

/** Refuses ids of no known shape (InvalidID), every one before any lookup. */
function checkResourceIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (prefixOf(id) === undefined) throw errors.invalidResourceId(id);
  }
}

/**
 * Whether the mock holds a resource of a family it models but does not tag:
 * an instance's network interface (while the instance shows it), a
 * catalogue image or its snapshot, a default subnet, the default VPC, its
 * default security group, an Elastic IP allocation. Undefined for a family
 * the mock does not model at all, whose ids it cannot judge.
 */
function holdsUntaggable(ctx: OperationContext, prefix: string, id: string): boolean | undefined {
  const region = ctx.region;
  switch (prefix) {
    case "eni":
      for (const i of region.instances.values()) if (i.networkInterfaceId === id) return i.machine.phase !== "terminated";
      return false;
    case "ami":
      return region.images.get(id) !== undefined;
    case "snap":
      return region.images.hasSnapshot(id);
    case "subnet":
      return region.network.allSubnets().some((s) => s.subnetId === id);
    case "vpc":
      return region.network.vpcId === id;
    case "sg":
      return region.securityGroups.get(id) !== undefined;
    case "eipalloc":
      return region.addresses.byAllocationId.has(id);
    default:
      return undefined;
  }
}

/**
 * Ids of families other than instances and volumes, after those exist: one
 * the mock models but that names nothing is that family's NotFound (EC2's
 * answer for a missing resource); one it holds, or of a family it does not
 * model, is refused with UnsupportedOperation naming it, since the mock
 * keeps no tags there (rather than a NotFound for an id it may have handed
 * out itself).
 */
function checkUntaggable(ctx: OperationContext, ids: readonly string[]): void {
  const others = ids.filter((id) => prefixOf(id) !== "i" && prefixOf(id) !== "vol");
  for (const id of others) {
    const prefix = prefixOf(id)!;
    if (holdsUntaggable(ctx, prefix, id) === false && notFoundFamilies.has(prefix)) throw errors.resourceNotFound(prefix, id);
  }
  const first = others[0];
  if (first !== undefined) {
    throw errors.untaggableResource(first);
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
 * volumes (EC2 names one missing volume), then the other families (one
 * named, then UnsupportedOperation for the first one the mock cannot tag).
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
  checkUntaggable(ctx, ids);
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
  authorizeAndDryRun(
    ctx,
    action,
    plans.map((p) => p.target.auth),
    dryRun,
    { requestTags, tagKeys: [...new Set(tags.map((t) => t.Key!))] },
  );
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
    targets.map((target) => ({ target, next: withTags(target.tags, tags) })),
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
    targets.map((target) => ({ target, next: withoutTags(target.tags, tags) })),
    input.DryRun,
    tags,
  );
  return {};
};
