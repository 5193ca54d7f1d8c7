import { ec2Arn, tagKeys } from "../../iam/resources.js";
import type { AuthResource } from "../context.js";
import { errors } from "../errors.js";
import type { Ec2Region } from "../region.js";
import type { TaggableFamily } from "../taggable.js";
import type { Subnet, Vpc } from "./network.js";

/**
 * VPCs and subnets as the rest of the front names them: to IAM (their ARNs
 * and condition keys) and to the tag operations (their `TaggableFamily`
 * entries). Apart from ./network.ts, which the instance record imports, so
 * that the model does not import the operation context back.
 */

/** What IAM authorizes on a VPC: its ARN, tenancy and tags. */
export function vpcResource(region: Ec2Region, vpc: Vpc): AuthResource {
  const settings = region.settings;
  return {
    arn: ec2Arn(settings, "vpc", vpc.vpcId),
    keys: tagKeys(vpc.tags, { "ec2:Tenancy": vpc.instanceTenancy }),
  };
}

/** What IAM authorizes on a subnet: its ARN, zone, VPC and tags. */
export function subnetAuthResource(region: Ec2Region, subnet: Subnet): AuthResource {
  const settings = region.settings;
  return {
    arn: ec2Arn(settings, "subnet", subnet.subnetId),
    keys: tagKeys(subnet.tags, {
      "ec2:AvailabilityZone": subnet.availabilityZone,
      "ec2:Vpc": ec2Arn(settings, "vpc", subnet.vpcId),
    }),
  };
}

/** VPCs as CreateTags, DeleteTags and DescribeTags see them. */
export const vpcTags: TaggableFamily<Vpc> = {
  prefix: "vpc",
  resourceType: "vpc",
  find: (region, id) => region.network.vpc(id),
  list: (region) => region.network.allVpcs(),
  idOf: (vpc) => vpc.vpcId,
  tagsOf: (vpc) => vpc.tags,
  setTags: (_region, vpc, next) => {
    vpc.tags = next;
  },
  authTarget: (region, vpc) => vpcResource(region, vpc),
  notFound: (id) => errors.vpcNotFound(id),
};

/** Subnets as CreateTags, DeleteTags and DescribeTags see them. */
export const subnetTags: TaggableFamily<Subnet> = {
  prefix: "subnet",
  resourceType: "subnet",
  find: (region, id) => region.network.subnet(id),
  list: (region) => region.network.subnetValues(),
  idOf: (subnet) => subnet.subnetId,
  tagsOf: (subnet) => subnet.tags,
  setTags: (_region, subnet, next) => {
    subnet.tags = next;
  },
  authTarget: (region, subnet) => subnetAuthResource(region, subnet),
  notFound: (id) => errors.subnetNotFound(id),
};
