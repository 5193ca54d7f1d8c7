/**
 * Tags of ELBv2 resources (target groups, load balancers, listeners):
 * AddTags, DescribeTags, RemoveTags (API reference, each action's page).
 */
import type {
  AddTagsCommandInput,
  AddTagsCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  RemoveTagsCommandInput,
  RemoveTagsCommandOutput,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ElbContext, ElbOperation } from "../context.js";
import { elbErrors } from "../errors.js";
import { MAX_TAGS, readTags, refuseUnmodelled, resourceOf } from "./common.js";

/** A taggable resource of the Region by ARN: its record (whose `tags` the tag actions replace). */
interface Tagged {
  arn: string;
  tags: Map<string, string>;
}

/** The resource an ARN names, or the NotFound of its kind (its kind from the ARN's resource type). */
function resourceNamed(ctx: ElbContext, arn: string): Tagged {
  const store = ctx.region.elbv2;
  const found = store.targetGroups.get(arn) ?? store.loadBalancers.get(arn) ?? store.listeners.get(arn);
  if (found !== undefined) return found;
  if (arn.includes(":loadbalancer/")) throw elbErrors.loadBalancerNotFound(arn);
  if (arn.includes(":listener/")) throw elbErrors.listenerNotFound(arn);
  throw elbErrors.targetGroupNotFound(arn);
}

/** The most resources one tag call names (API reference, DescribeTags: up to 20). */
const MAX_RESOURCES = 20;

function resourcesOf(ctx: ElbContext, arns: readonly string[] | undefined): Tagged[] {
  const list = arns ?? [];
  if (list.length === 0) throw elbErrors.validation("At least one resource ARN must be specified");
  if (list.length > MAX_RESOURCES) throw elbErrors.validation(`At most ${MAX_RESOURCES} resource ARNs can be specified`);
  return [...new Set(list)].map((arn) => resourceNamed(ctx, arn));
}

/** AddTags: sets tags (a key already there takes the new value); no resource may end with more than 50. */
export const addTags: ElbOperation<AddTagsCommandInput, AddTagsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("AddTags", input, ["ResourceArns", "Tags"]);
  const tags = readTags(input.Tags);
  if (tags.size === 0) throw elbErrors.validation("At least one tag must be specified");
  const resources = resourcesOf(ctx, input.ResourceArns);
  ctx.authorize(
    "AddTags",
    resources.map((r) => resourceOf(r.arn, r.tags)),
  );
  for (const resource of resources) {
    if (new Set([...resource.tags.keys(), ...tags.keys()]).size > MAX_TAGS) throw elbErrors.tooManyTags();
  }
  for (const resource of resources) resource.tags = new Map([...resource.tags, ...tags]);
  return {};
};

/** DescribeTags: each resource's tags, in the order the resources were named. */
export const describeTags: ElbOperation<DescribeTagsCommandInput, DescribeTagsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DescribeTags", input, ["ResourceArns"]);
  const resources = resourcesOf(ctx, input.ResourceArns);
  ctx.authorize("DescribeTags", []);
  return {
    TagDescriptions: resources.map((r) => ({ ResourceArn: r.arn, Tags: [...r.tags].map(([Key, Value]) => ({ Key, Value })) })),
  };
};

/** RemoveTags: removes the keys named (a key a resource does not have is ignored). */
export const removeTags: ElbOperation<RemoveTagsCommandInput, RemoveTagsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("RemoveTags", input, ["ResourceArns", "TagKeys"]);
  const keys = input.TagKeys ?? [];
  if (keys.length === 0) throw elbErrors.validation("At least one tag key must be specified");
  const resources = resourcesOf(ctx, input.ResourceArns);
  ctx.authorize(
    "RemoveTags",
    resources.map((r) => resourceOf(r.arn, r.tags)),
  );
  for (const resource of resources) resource.tags = new Map([...resource.tags].filter(([key]) => !keys.includes(key)));
  return {};
};
