import type { SecurityGroupRule as SdkSecurityGroupRule } from "@aws-sdk/client-ec2";
import { ec2Arn, tagKeys } from "../../iam/resources.js";
import type { AuthResource } from "../context.js";
import { errors } from "../errors.js";
import type { Ec2Region } from "../region.js";
import type { TaggableFamily } from "../taggable.js";
import { isWellFormedId } from "./ids.js";
import type { SecurityGroup, SecurityGroupRule } from "./security-groups.js";

/**
 * Security groups as the rest of the EC2 front sees them: a rule as the
 * operations show it, a group as IAM authorizes it, and both families for
 * the tag operations. Apart from ./security-groups.ts, which the region
 * imports: these need the region's type, and the import graph has no cycle.
 */

/** A rule as DescribeSecurityGroupRules and the Authorize operations show it. */
export function renderRule(region: Ec2Region, rule: SecurityGroupRule): SdkSecurityGroupRule {
  const { accountId } = region.settings;
  return {
    SecurityGroupRuleId: rule.ruleId,
    GroupId: rule.groupId,
    GroupOwnerId: accountId,
    IsEgress: rule.isEgress,
    IpProtocol: rule.ipProtocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(rule.cidrIpv4 === undefined ? {} : { CidrIpv4: rule.cidrIpv4 }),
    ...(rule.cidrIpv6 === undefined ? {} : { CidrIpv6: rule.cidrIpv6 }),
    ...(rule.prefixListId === undefined ? {} : { PrefixListId: rule.prefixListId }),
    ...(rule.referencedGroupId === undefined ? {} : { ReferencedGroupInfo: { GroupId: rule.referencedGroupId, UserId: accountId } }),
    ...(rule.description === undefined ? {} : { Description: rule.description }),
    Tags: [...rule.tags].map(([Key, Value]) => ({ Key, Value })),
    SecurityGroupRuleArn: ec2Arn(region.settings, "security-group-rule", rule.ruleId),
  };
}

/** What IAM authorizes an action on a group as: its ARN, `ec2:Vpc` and its tags. */
export function groupResource(region: Ec2Region, group: SecurityGroup): AuthResource {
  return {
    arn: ec2Arn(region.settings, "security-group", group.groupId),
    keys: { "ec2:Vpc": ec2Arn(region.settings, "vpc", group.vpcId), ...tagKeys(group.tags) },
  };
}

/** Security groups for the tag operations (CreateTags, DeleteTags, DescribeTags). */
export const securityGroupTags: TaggableFamily<SecurityGroup> = {
  prefix: "sg",
  resourceType: "security-group",
  find: (region, id) => (isWellFormedId("sg", id) ? region.securityGroups.get(id) : undefined),
  list: (region) => region.securityGroups.all(),
  idOf: (group) => group.groupId,
  tagsOf: (group) => group.tags,
  setTags: (region, group, next) => region.securityGroups.setTags(group, next),
  authTarget: (region, group) => groupResource(region, group),
  notFound: (id) => errors.securityGroupNotFound(id),
};

/** Security group rules for the tag operations. */
export const securityGroupRuleTags: TaggableFamily<SecurityGroupRule> = {
  prefix: "sgr",
  resourceType: "security-group-rule",
  find: (region, id) => (isWellFormedId("sgr", id) ? region.securityGroups.rule(id) : undefined),
  list: (region) => region.securityGroups.allRules(),
  idOf: (rule) => rule.ruleId,
  tagsOf: (rule) => rule.tags,
  setTags: (region, rule, next) => region.securityGroups.setRuleTags(rule, next),
  authTarget: (region, rule) => ({ arn: ec2Arn(region.settings, "security-group-rule", rule.ruleId), keys: tagKeys(rule.tags) }),
  notFound: (id) => errors.securityGroupRuleNotFound(id),
};
