import { isIPv6 } from "node:net";
import type {
  AuthorizeSecurityGroupEgressCommandInput,
  AuthorizeSecurityGroupEgressCommandOutput,
  AuthorizeSecurityGroupIngressCommandInput,
  AuthorizeSecurityGroupIngressCommandOutput,
  CreateSecurityGroupCommandInput,
  CreateSecurityGroupCommandOutput,
  DeleteSecurityGroupCommandInput,
  DeleteSecurityGroupCommandOutput,
  DescribeSecurityGroupRulesCommandInput,
  DescribeSecurityGroupRulesCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  IpPermission,
  RevokedSecurityGroupRule,
  RevokeSecurityGroupEgressCommandInput,
  RevokeSecurityGroupEgressCommandOutput,
  RevokeSecurityGroupIngressCommandInput,
  RevokeSecurityGroupIngressCommandOutput,
  SecurityGroup as SdkSecurityGroup,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { ec2Arn, newResource } from "../../iam/resources.js";
import { optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters, type ValuesOf } from "../filters.js";
import { isWellFormedId } from "../model/ids.js";
import { checkFilterCount, clipped } from "../model/limits.js";
import { groupResource, renderRule } from "../model/security-group-views.js";
import {
  DEFAULT_GROUP_NAME,
  hasPorts,
  ipPermissionsOf,
  MAX_RULES_PER_DIRECTION,
  type RuleSpec,
  ruleKey,
  type SecurityGroup,
  type SecurityGroupRule,
} from "../model/security-groups.js";
import { readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, type Position, readMaxResults, readToken, takePage } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";

/**
 * Security groups: CreateSecurityGroup, DeleteSecurityGroup,
 * DescribeSecurityGroups, DescribeSecurityGroupRules, and the Authorize and
 * Revoke operations of both directions, in EC2's order of checks
 * (parameters → existence → authorization → DryRun → state rules → effect).
 * docs/behaviour.md, "Security groups", gives the source of each rule.
 */

/** The characters EC2 allows in a group's name and description and in a rule's description. */
const GROUP_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
/** The longest name or description, in characters. */
const MAX_TEXT = 255;
/** A dotted-quad IPv4 address. */
const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Whether every character is ASCII. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Whether the group is in the region's default VPC (EC2 has rules of its own there). */
function inDefaultVpc(ctx: OperationContext, group: SecurityGroup): boolean {
  return group.vpcId === ctx.region.network.vpcId;
}

/** A VPC the region has. */
function vpcExists(ctx: OperationContext, vpcId: string): boolean {
  return ctx.region.network.vpc(vpcId) !== undefined;
}

/** A group by id: well formed, then existing. */
function findGroupById(ctx: OperationContext, id: string): SecurityGroup {
  if (!isWellFormedId("sg", id)) throw errors.malformedGroupId(clipped(id));
  const group = ctx.region.securityGroups.get(id);
  if (group === undefined) throw errors.securityGroupNotFound(id);
  return group;
}

/** A group by name: names are resolved in the default VPC only (API reference, `GroupName`: "[Default VPC]"). */
function findGroupByName(ctx: OperationContext, name: string): SecurityGroup {
  const vpcId = ctx.region.network.vpcId;
  const group = ctx.region.securityGroups.byName(vpcId, name);
  if (group === undefined) throw errors.securityGroupNameNotFound(clipped(name, MAX_TEXT), vpcId);
  return group;
}

/** The group an operation names by `GroupId` or (default VPC) `GroupName`; `GroupId` when both. */
function targetGroup(ctx: OperationContext, groupId: string | undefined, groupName: string | undefined): SecurityGroup {
  if (groupId !== undefined) return findGroupById(ctx, groupId);
  return findGroupByName(ctx, groupName!);
}

/** Checks a group name or description against EC2's constraints. */
function checkGroupText(value: string, parameter: "GroupName" | "GroupDescription"): void {
  if (!isAscii(value)) throw errors.groupTextNotAscii(parameter, clipped(value, MAX_TEXT));
  if (value.length > MAX_TEXT || !GROUP_TEXT.test(value)) {
    throw parameter === "GroupName" ? errors.invalidGroupName() : errors.invalidGroupDescription();
  }
}

// ---- CreateSecurityGroup, DeleteSecurityGroup ----

/** CreateSecurityGroup: a new group in a VPC (the default VPC when none is named), with the default egress rule. */
export const createSecurityGroup: Operation<CreateSecurityGroupCommandInput, CreateSecurityGroupCommandOutput> = (ctx, input) => {
  const name = optionalString(input.GroupName);
  if (name === undefined || name === "") throw errors.missingParameter("GroupName");
  const description = optionalString(input.Description);
  if (description === undefined || description === "") throw errors.missingParameter("GroupDescription");
  refuseUnmodelled("CreateSecurityGroup", input, ["GroupName", "Description", "VpcId", "TagSpecifications"]);
  checkGroupText(name, "GroupName");
  if (name.toLowerCase().startsWith("sg-")) throw errors.groupNameLikeId(clipped(name, MAX_TEXT));
  if (name.toLowerCase() === DEFAULT_GROUP_NAME) throw errors.reservedGroupName();
  checkGroupText(description, "GroupDescription");
  const tags = readTagsOf(input.TagSpecifications, "security-group");
  const named = optionalString(input.VpcId);
  // No VPC named and none by default: the error EC2 gives RunInstances in the same case (decision: EC2 documents none here).
  if (named === undefined && ctx.region.network.defaultVpc() === undefined) throw errors.noDefaultVpc();
  const vpcId = named ?? ctx.region.network.vpcId;
  if (!vpcExists(ctx, vpcId)) throw errors.vpcNotFound(clipped(vpcId));
  const settings = ctx.region.settings;
  const created = newResource(settings, "security-group", { "ec2:Vpc": ec2Arn(settings, "vpc", vpcId) }, tags);
  ctx.authorize("CreateSecurityGroup", [created, { arn: ec2Arn(settings, "vpc", vpcId), keys: {} }]);
  if (tags.size > 0) ctx.authorize("CreateTags", [created], { keys: { "ec2:CreateAction": "CreateSecurityGroup" } });
  if (input.DryRun === true) throw errors.dryRun();
  if (ctx.region.securityGroups.byName(vpcId, name) !== undefined) throw errors.groupDuplicate(name, vpcId);
  const group = ctx.region.securityGroups.create(vpcId, name, description, tags);
  return {
    GroupId: group.groupId,
    ...(tags.size === 0 ? {} : { Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) }),
    SecurityGroupArn: ec2Arn(settings, "security-group", group.groupId),
  };
};

/**
 * DeleteSecurityGroup, by id or (default VPC) by name. A VPC's default group
 * cannot be deleted; nor can a group an instance uses (until it is
 * terminated) or another group's rule references.
 */
export const deleteSecurityGroup: Operation<DeleteSecurityGroupCommandInput, DeleteSecurityGroupCommandOutput> = (ctx, input) => {
  const groupId = optionalString(input.GroupId);
  const groupName = optionalString(input.GroupName);
  if (groupId === undefined && groupName === undefined) throw errors.missingParameter("groupName or groupId");
  if (groupId !== undefined && groupName !== undefined) throw errors.groupNameWithGroupId();
  refuseUnmodelled("DeleteSecurityGroup", input, ["GroupId", "GroupName"]);
  const group = targetGroup(ctx, groupId, groupName);
  ctx.authorize("DeleteSecurityGroup", [groupResource(ctx.region, group)]);
  if (input.DryRun === true) throw errors.dryRun();
  const store = ctx.region.securityGroups;
  if (store.isDefault(group)) throw errors.cannotDeleteDefaultGroup(group.groupId);
  if (store.usesOf(group.groupId) > 0 || store.referencesTo(group.groupId) > 0) throw errors.groupHasDependents(group.groupId);
  store.delete(group);
  return { Return: true, GroupId: group.groupId };
};

// ---- DescribeSecurityGroups, DescribeSecurityGroupRules ----

/** Page sizes of both Describe operations: 5..1000 (API reference, `MaxResults`). */
const groupsMaxResults: MaxResultsRule = { idsParameter: "groupIdSet", min: 5, max: 1000, above: "error" };

/** The rules of one direction, for the `ip-permission.*` and `egress.ip-permission.*` filters. */
function rulesOf(group: SecurityGroup, isEgress: boolean): SecurityGroupRule[] {
  return group.rules.filter((r) => r.isEgress === isEgress);
}

/** The values of one rule field over a direction's rules (rules without it give none). */
function over(
  isEgress: boolean,
  field: (rule: SecurityGroupRule, ctx: OperationContext) => string | undefined,
): ValuesOf<SecurityGroup, OperationContext> {
  return (group, ctx) => {
    const values: string[] = [];
    for (const rule of rulesOf(group, isEgress)) {
      const value = field(rule, ctx);
      if (value !== undefined) values.push(value);
    }
    return values;
  };
}

/** The `ip-permission.*` filters of one direction, under `prefix`. */
function permissionFilters(prefix: string, isEgress: boolean): Record<string, ValuesOf<SecurityGroup, OperationContext>> {
  return {
    [`${prefix}cidr`]: over(isEgress, (r) => r.cidrIpv4),
    [`${prefix}ipv6-cidr`]: over(isEgress, (r) => r.cidrIpv6),
    [`${prefix}prefix-list-id`]: over(isEgress, (r) => r.prefixListId),
    [`${prefix}from-port`]: over(isEgress, (r) => (hasPorts(r.ipProtocol) ? String(r.fromPort) : undefined)),
    [`${prefix}to-port`]: over(isEgress, (r) => (hasPorts(r.ipProtocol) ? String(r.toPort) : undefined)),
    [`${prefix}protocol`]: over(isEgress, (r) => r.ipProtocol),
    [`${prefix}group-id`]: over(isEgress, (r) => r.referencedGroupId),
    [`${prefix}group-name`]: over(isEgress, (r, ctx) =>
      r.referencedGroupId === undefined ? undefined : ctx.region.securityGroups.get(r.referencedGroupId)?.groupName,
    ),
    [`${prefix}user-id`]: over(isEgress, (r, ctx) => (r.referencedGroupId === undefined ? undefined : ctx.region.settings.accountId)),
  };
}

/** DescribeSecurityGroups' filters, by EC2 name (source: API reference, DescribeSecurityGroups). */
export const securityGroupFilters: FilterTable<SecurityGroup, OperationContext> = {
  exact: {
    description: (g) => g.description,
    "group-id": (g) => g.groupId,
    "group-name": (g) => g.groupName,
    "owner-id": (_, ctx) => ctx.region.settings.accountId,
    "vpc-id": (g) => g.vpcId,
    "tag-key": (g) => [...g.tags.keys()],
    "tag-value": (g) => [...g.tags.values()],
    ...permissionFilters("ip-permission.", false),
    ...permissionFilters("egress.ip-permission.", true),
  },
  prefixed: {
    "tag:": (key) => (g) => g.tags.get(key),
  },
};

/** DescribeSecurityGroupRules' filters (source: API reference, DescribeSecurityGroupRules). */
export const securityGroupRuleFilters: FilterTable<SecurityGroupRule, OperationContext> = {
  exact: {
    "group-id": (r) => r.groupId,
    "security-group-rule-id": (r) => r.ruleId,
  },
  prefixed: {
    "tag:": (key) => (r) => r.tags.get(key),
  },
};

/** A group as DescribeSecurityGroups shows it. */
function renderGroup(ctx: OperationContext, group: SecurityGroup): SdkSecurityGroup {
  const { accountId } = ctx.region.settings;
  return {
    GroupId: group.groupId,
    IpPermissionsEgress: ipPermissionsOf(group, true, accountId),
    ...(group.tags.size === 0 ? {} : { Tags: [...group.tags].map(([Key, Value]) => ({ Key, Value })) }),
    VpcId: group.vpcId,
    SecurityGroupArn: ec2Arn(ctx.region.settings, "security-group", group.groupId),
    OwnerId: accountId,
    GroupName: group.groupName,
    Description: group.description,
    IpPermissions: ipPermissionsOf(group, false, accountId),
  };
}

/**
 * DescribeSecurityGroups: every group of the region in creation order, or
 * those named by `GroupIds` and (default VPC) `GroupNames`, narrowed by
 * `Filters`, paged. Its cost is the groups' rules: instances play no part.
 */
export const describeSecurityGroups: Operation<DescribeSecurityGroupsCommandInput, DescribeSecurityGroupsCommandOutput> = (ctx, input) => {
  const ids = readOptionalIds(input.GroupIds);
  const names = readOptionalIds(input.GroupNames);
  const max = readMaxResults(input.MaxResults, false, groupsMaxResults);
  refuseUnmodelled("DescribeSecurityGroups", input, ["GroupIds", "GroupNames", "Filters", "NextToken", "MaxResults"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, securityGroupFilters);
  const digest = digestOf({
    action: "DescribeSecurityGroups",
    filters: canonicalFilters(filters),
    ids: [...new Set(ids)].sort(),
    names: [...new Set(names)].sort(),
  });
  const after = readToken(input.NextToken, digest);
  for (const id of ids) if (!isWellFormedId("sg", id)) throw errors.malformedGroupId(clipped(id));
  const named = new Set<SecurityGroup>();
  for (const id of ids) named.add(findGroupById(ctx, id));
  for (const name of names) named.add(findGroupByName(ctx, name));
  ctx.authorize("DescribeSecurityGroups", []);
  if (input.DryRun === true) throw errors.dryRun();
  const all = ctx.region.securityGroups.all();
  const candidates = ids.length + names.length > 0 ? [...named].sort((a, b) => a.seq - b.seq) : all;
  const page = takePage(
    candidates,
    (g): Position => ({ seq: g.seq, index: 0 }),
    (g) => accept(g, ctx),
    after,
    max,
  );
  return {
    SecurityGroups: page.items.map((g) => renderGroup(ctx, g)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** Where a rule stands: its group's creation order, then its own. */
function rulePosition(ctx: OperationContext, rule: SecurityGroupRule): Position {
  return { seq: ctx.region.securityGroups.get(rule.groupId)?.seq ?? 0, index: rule.seq };
}

/** DescribeSecurityGroupRules: every rule (or those named), filtered and paged. */
export const describeSecurityGroupRules: Operation<DescribeSecurityGroupRulesCommandInput, DescribeSecurityGroupRulesCommandOutput> = (
  ctx,
  input,
) => {
  const ids = readOptionalIds(input.SecurityGroupRuleIds);
  const max = readMaxResults(input.MaxResults, false, groupsMaxResults);
  refuseUnmodelled("DescribeSecurityGroupRules", input, ["Filters", "SecurityGroupRuleIds", "NextToken", "MaxResults"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, securityGroupRuleFilters);
  const digest = digestOf({ action: "DescribeSecurityGroupRules", filters: canonicalFilters(filters), ids: [...new Set(ids)].sort() });
  const after = readToken(input.NextToken, digest);
  for (const id of ids) if (!isWellFormedId("sgr", id)) throw errors.malformedSecurityGroupRuleId(clipped(id));
  const named: SecurityGroupRule[] = [];
  for (const id of new Set(ids)) {
    const rule = ctx.region.securityGroups.rule(id);
    if (rule === undefined) throw errors.securityGroupRuleNotFound(id);
    named.push(rule);
  }
  ctx.authorize("DescribeSecurityGroupRules", []);
  if (input.DryRun === true) throw errors.dryRun();
  const byPosition = (a: SecurityGroupRule, b: SecurityGroupRule) => {
    const pa = rulePosition(ctx, a);
    const pb = rulePosition(ctx, b);
    return pa.seq - pb.seq || pa.index - pb.index;
  };
  const candidates = ids.length > 0 ? named.sort(byPosition) : ctx.region.securityGroups.allRules();
  const page = takePage(
    candidates,
    (r) => rulePosition(ctx, r),
    (r) => accept(r, ctx),
    after,
    max,
  );
  return {
    SecurityGroupRules: page.items.map((r) => renderRule(ctx.region, r)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

// ---- Rules: reading IpPermissions ----

/** A rule asked for, with what the request said of its peer group (checked for existence later). */
interface AskedRule extends RuleSpec {
  /** The peer group as named, when by name (default VPC). */
  readonly peerGroupName?: string | undefined;
}

/**
 * An IpProtocol: a name (`tcp`, `udp`, `icmp`, `icmpv6`, any case), `-1`, or
 * a protocol number 0..255. The numbers of the four named protocols are
 * stored and shown as their names, as EC2 does.
 */
function readProtocol(value: unknown): string {
  const text = optionalString(value);
  if (text === undefined || text === "") throw errors.protocolRequired();
  const lower = text.toLowerCase();
  if (lower === "-1" || lower === "tcp" || lower === "udp" || lower === "icmp" || lower === "icmpv6") return lower;
  if (/^\d{1,3}$/.test(text)) {
    const n = Number(text);
    if (n <= 255) return ({ 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6" } as Record<number, string>)[n] ?? String(n);
  }
  throw errors.unknownProtocol(clipped(text));
}

/** A port (or ICMP type/code) as a number, or undefined when absent. */
function readPort(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw errors.invalidValueFor("port", String(value));
  return n;
}

/**
 * The ports of a rule: TCP and UDP need both, in 0..65535, from ≤ to; ICMP
 * takes a type and code in -1..255 (absent: -1, all), a code other than -1
 * only with a type; any other protocol covers every port (the ports given
 * are ignored, as the API reference says), stored as -1.
 */
function readPorts(protocol: string, fromValue: unknown, toValue: unknown): { fromPort: number; toPort: number } {
  const from = readPort(fromValue);
  const to = readPort(toValue);
  if (protocol === "tcp" || protocol === "udp") {
    if (from === undefined && to === undefined) throw errors.portsRequired();
    // One port left out counts as -1 (raw response: boto/boto3#336).
    const fromPort = from ?? -1;
    const toPort = to ?? -1;
    if (fromPort < 0 || fromPort > 65535) throw errors.portOutOfRange(fromPort);
    if (toPort < 0 || toPort > 65535) throw errors.portOutOfRange(toPort);
    if (fromPort > toPort) throw errors.portRangeInverted(fromPort, toPort, protocol);
    return { fromPort, toPort };
  }
  if (protocol === "icmp" || protocol === "icmpv6") {
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255) throw errors.icmpOutOfRange("type", type);
    if (code < -1 || code > 255) throw errors.icmpOutOfRange("code", code);
    if (type === -1 && code !== -1) throw errors.icmpCodeWithAllTypes(code);
    return { fromPort: type, toPort: code };
  }
  return { fromPort: -1, toPort: -1 };
}

/** An IPv4 CIDR block `a.b.c.d/n`. */
function readCidrIpv4(value: unknown): string {
  const text = String(value ?? "");
  const slash = text.indexOf("/");
  const prefix = slash < 0 ? "" : text.slice(slash + 1);
  if (slash < 0 || !ipv4.test(text.slice(0, slash)) || !/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) {
    throw errors.cidrMalformed(clipped(text));
  }
  return text;
}

/** An IPv6 CIDR block `addr/n`. */
function readCidrIpv6(value: unknown): string {
  const text = String(value ?? "");
  const slash = text.indexOf("/");
  const prefix = slash < 0 ? "" : text.slice(slash + 1);
  if (slash < 0 || !isIPv6(text.slice(0, slash)) || !/^\d{1,3}$/.test(prefix) || Number(prefix) > 128) {
    throw errors.cidrMalformed(clipped(text));
  }
  return text;
}

/** A rule's description: up to 255 characters of EC2's set. */
function readRuleDescription(value: unknown): string | undefined {
  const text = optionalString(value);
  if (text === undefined) return undefined;
  if (text.length > MAX_TEXT || !isAscii(text) || !GROUP_TEXT.test(text)) throw errors.invalidRuleDescription();
  return text;
}

/** The empty peer of a rule spec. */
const NO_PEER = { cidrIpv4: undefined, cidrIpv6: undefined, referencedGroupId: undefined, prefixListId: undefined } as const;

/**
 * Reads `IpPermissions` into one rule per peer. Prefix lists, peering and
 * other accounts' groups are refused by name: the mock has none of them.
 */
function readPermissions(action: string, permissions: readonly IpPermission[], isEgress: boolean, accountId: string): AskedRule[] {
  const rules: AskedRule[] = [];
  permissions.forEach((permission, i) => {
    const at = `IpPermissions.${i + 1}`;
    const protocol = readProtocol(permission?.IpProtocol);
    const ports = readPorts(protocol, permission.FromPort, permission.ToPort);
    const base = { isEgress, ipProtocol: protocol, ...ports };
    if ((permission.PrefixListIds?.length ?? 0) > 0) throw errors.unmodelledParameter(action, `${at}.PrefixListIds`);
    for (const range of permission.IpRanges ?? []) {
      rules.push({ ...base, ...NO_PEER, cidrIpv4: readCidrIpv4(range?.CidrIp), description: readRuleDescription(range?.Description) });
    }
    for (const range of permission.Ipv6Ranges ?? []) {
      rules.push({ ...base, ...NO_PEER, cidrIpv6: readCidrIpv6(range?.CidrIpv6), description: readRuleDescription(range?.Description) });
    }
    for (const pair of permission.UserIdGroupPairs ?? []) {
      if (pair?.VpcPeeringConnectionId !== undefined || pair?.VpcId !== undefined || pair?.PeeringStatus !== undefined) {
        throw errors.unmodelledParameter(action, `${at}.UserIdGroupPairs.VpcPeeringConnectionId`);
      }
      if (pair.UserId !== undefined && pair.UserId !== accountId) throw errors.unmodelledParameter(action, `${at}.UserIdGroupPairs.UserId`);
      const groupId = optionalString(pair.GroupId);
      const groupName = optionalString(pair.GroupName);
      if (groupId === undefined && groupName === undefined) throw errors.missingParameter("GroupId");
      if (groupId !== undefined && !isWellFormedId("sg", groupId)) throw errors.malformedGroupId(clipped(groupId));
      rules.push({
        ...base,
        ...NO_PEER,
        referencedGroupId: groupId,
        peerGroupName: groupId === undefined ? groupName : undefined,
        description: readRuleDescription(pair.Description),
      });
    }
  });
  return rules;
}

/** The legacy top-level members of AuthorizeSecurityGroupIngress and RevokeSecurityGroupIngress. */
interface LegacyRule {
  readonly CidrIp?: string | undefined;
  readonly IpProtocol?: string | undefined;
  readonly FromPort?: number | undefined;
  readonly ToPort?: number | undefined;
  readonly SourceSecurityGroupName?: string | undefined;
  readonly SourceSecurityGroupOwnerId?: string | undefined;
}

/**
 * The legacy form of an ingress rule (top-level `CidrIp`, `IpProtocol`,
 * ports, `SourceSecurityGroupName`). A source group named without a
 * protocol grants all ICMP, TCP and UDP traffic: three rules (API
 * reference, `SourceSecurityGroupName`).
 */
function readLegacy(input: LegacyRule, accountId: string): AskedRule[] {
  const given = ["CidrIp", "IpProtocol", "FromPort", "ToPort", "SourceSecurityGroupName", "SourceSecurityGroupOwnerId"] as const;
  if (!given.some((name) => input[name] !== undefined)) return [];
  if (input.SourceSecurityGroupOwnerId !== undefined && input.SourceSecurityGroupOwnerId !== accountId) {
    throw errors.unmodelledParameter("AuthorizeSecurityGroupIngress", "SourceSecurityGroupOwnerId");
  }
  const source = optionalString(input.SourceSecurityGroupName);
  if (source !== undefined && input.CidrIp !== undefined) throw errors.parameterCombination("cidrIp", "sourceSecurityGroupName");
  if (source !== undefined && input.IpProtocol === undefined) {
    return (["icmp", "tcp", "udp"] as const).map((protocol) => ({
      isEgress: false,
      ipProtocol: protocol,
      ...(protocol === "icmp" ? { fromPort: -1, toPort: -1 } : { fromPort: 0, toPort: 65535 }),
      ...NO_PEER,
      peerGroupName: source,
      description: undefined,
    }));
  }
  const protocol = readProtocol(input.IpProtocol);
  const ports = readPorts(protocol, input.FromPort, input.ToPort);
  const peer = source !== undefined ? { ...NO_PEER, peerGroupName: source } : { ...NO_PEER, cidrIpv4: readCidrIpv4(input.CidrIp) };
  return [{ isEgress: false, ipProtocol: protocol, ...ports, ...peer, description: undefined }];
}

/**
 * Every rule of a request (the `IpPermissions` and, for ingress, the legacy
 * members; not both), at least one.
 */
function readRules(
  action: string,
  input: { IpPermissions?: IpPermission[] | undefined } & LegacyRule,
  isEgress: boolean,
  accountId: string,
): AskedRule[] {
  const permissions = input.IpPermissions ?? [];
  const legacy = isEgress ? [] : readLegacy(input, accountId);
  if (legacy.length > 0 && permissions.length > 0) throw errors.parameterCombination("ipPermissions", "ipProtocol");
  const rules = legacy.length > 0 ? legacy : readPermissions(action, permissions, isEgress, accountId);
  if (rules.length === 0) throw errors.noPermissions();
  return rules;
}

/** The peer groups named by name or id resolved: names in the default VPC, ids existing. */
function resolvePeers(ctx: OperationContext, rules: readonly AskedRule[]): RuleSpec[] {
  return rules.map(({ peerGroupName, ...rule }) => {
    if (peerGroupName !== undefined) return { ...rule, referencedGroupId: findGroupByName(ctx, peerGroupName).groupId };
    if (rule.referencedGroupId !== undefined) findGroupById(ctx, rule.referencedGroupId);
    return rule;
  });
}

/** How EC2 describes a rule in InvalidPermission.Duplicate: `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`. */
function describeRule(rule: RuleSpec): string {
  const peer = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.referencedGroupId ?? rule.prefixListId ?? "";
  const protocol = rule.ipProtocol;
  if (protocol === "-1") return `peer: ${peer}, ALL, ALLOW`;
  if (protocol === "tcp" || protocol === "udp") {
    return `peer: ${peer}, ${protocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW`;
  }
  if (protocol === "icmp" || protocol === "icmpv6") {
    return `peer: ${peer}, ${protocol.toUpperCase()}, type: ${rule.fromPort}, code: ${rule.toPort}, ALLOW`;
  }
  return `peer: ${peer}, protocol: ${protocol}, ALLOW`;
}

/** A rule counts against the IPv4 quota, the IPv6 quota, or both (a group or prefix list peer). */
function countsAs(rule: RuleSpec): { v4: boolean; v6: boolean } {
  if (rule.cidrIpv4 !== undefined) return { v4: true, v6: false };
  if (rule.cidrIpv6 !== undefined) return { v4: false, v6: true };
  return { v4: true, v6: true };
}

/**
 * The quota: at most 60 rules per direction, counted apart for IPv4 and
 * IPv6, a rule that references a group counting once for each (Amazon VPC
 * User Guide, "Amazon VPC quotas", Security groups).
 */
function checkRuleLimit(group: SecurityGroup, isEgress: boolean, added: readonly RuleSpec[]): void {
  let v4 = 0;
  let v6 = 0;
  for (const rule of [...rulesOf(group, isEgress), ...added]) {
    const c = countsAs(rule);
    if (c.v4) v4++;
    if (c.v6) v6++;
  }
  if (v4 > MAX_RULES_PER_DIRECTION || v6 > MAX_RULES_PER_DIRECTION) throw errors.rulesPerGroupLimit();
}

/** What both Authorize operations take. */
type AuthorizeInput = (AuthorizeSecurityGroupIngressCommandInput | AuthorizeSecurityGroupEgressCommandInput) & LegacyRule;

/** Authorize{Ingress,Egress}: new rules, each a new `sgr-` rule, none already there. */
function authorize(
  ctx: OperationContext,
  action: "AuthorizeSecurityGroupIngress" | "AuthorizeSecurityGroupEgress",
  input: AuthorizeInput,
  isEgress: boolean,
): AuthorizeSecurityGroupIngressCommandOutput {
  const groupId = optionalString(input.GroupId);
  const groupName = isEgress ? undefined : optionalString((input as AuthorizeSecurityGroupIngressCommandInput).GroupName);
  if (groupId === undefined && groupName === undefined) throw errors.missingParameter(isEgress ? "GroupId" : "groupId or groupName");
  const legacy = ["CidrIp", "IpProtocol", "FromPort", "ToPort", "SourceSecurityGroupName", "SourceSecurityGroupOwnerId"] as const;
  const modelled = ["GroupId", "IpPermissions", "TagSpecifications", ...(isEgress ? [] : ["GroupName" as const, ...legacy])] as const;
  refuseUnmodelled(action, input as AuthorizeSecurityGroupIngressCommandInput, modelled);
  const asked = readRules(action, input, isEgress, ctx.region.settings.accountId);
  const keys = new Set<string>();
  for (const rule of asked) {
    const key = `${ruleKey(rule)} ${rule.peerGroupName ?? ""}`;
    if (keys.has(key)) throw errors.permissionRepeated();
    keys.add(key);
  }
  const tags = readTagsOf(input.TagSpecifications, "security-group-rule");
  const group = targetGroup(ctx, groupId, groupName);
  const specs = resolvePeers(ctx, asked);
  const target = groupResource(ctx.region, group);
  ctx.authorize(action, [target]);
  if (tags.size > 0) {
    const created = newResource(ctx.region.settings, "security-group-rule", {}, tags);
    ctx.authorize("CreateTags", [created], { keys: { "ec2:CreateAction": action } });
  }
  if (input.DryRun === true) throw errors.dryRun();
  const store = ctx.region.securityGroups;
  for (const spec of specs) if (store.findRule(group, spec) !== undefined) throw errors.permissionDuplicate(describeRule(spec));
  checkRuleLimit(group, isEgress, specs);
  const added = store.addRules(group, specs, tags);
  return { $metadata: {}, Return: true, SecurityGroupRules: added.map((r) => renderRule(ctx.region, r)) };
}

/** AuthorizeSecurityGroupIngress: inbound rules (IpPermissions, or the legacy top-level members). */
export const authorizeSecurityGroupIngress: Operation<
  AuthorizeSecurityGroupIngressCommandInput,
  AuthorizeSecurityGroupIngressCommandOutput
> = (ctx, input) => {
  const { $metadata: _, ...out } = authorize(ctx, "AuthorizeSecurityGroupIngress", input, false);
  return out;
};

/** AuthorizeSecurityGroupEgress: outbound rules (IpPermissions only; the legacy members are "not supported"). */
export const authorizeSecurityGroupEgress: Operation<
  AuthorizeSecurityGroupEgressCommandInput,
  AuthorizeSecurityGroupEgressCommandOutput
> = (ctx, input) => {
  const { $metadata: _, ...out } = authorize(ctx, "AuthorizeSecurityGroupEgress", input, true);
  return out;
};

/** A rule as RevokeSecurityGroup* shows it revoked. */
function revoked(rule: SecurityGroupRule): RevokedSecurityGroupRule {
  return {
    SecurityGroupRuleId: rule.ruleId,
    GroupId: rule.groupId,
    IsEgress: rule.isEgress,
    IpProtocol: rule.ipProtocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(rule.cidrIpv4 === undefined ? {} : { CidrIpv4: rule.cidrIpv4 }),
    ...(rule.cidrIpv6 === undefined ? {} : { CidrIpv6: rule.cidrIpv6 }),
    ...(rule.prefixListId === undefined ? {} : { PrefixListId: rule.prefixListId }),
    ...(rule.referencedGroupId === undefined ? {} : { ReferencedGroupId: rule.referencedGroupId }),
    ...(rule.description === undefined ? {} : { Description: rule.description }),
  };
}

/** A rule the group does not have, as `UnknownIpPermissions` shows it. */
function unknownPermission(rule: RuleSpec, accountId: string): IpPermission {
  return {
    IpProtocol: rule.ipProtocol,
    ...(hasPorts(rule.ipProtocol) ? { FromPort: rule.fromPort, ToPort: rule.toPort } : {}),
    UserIdGroupPairs: rule.referencedGroupId === undefined ? [] : [{ UserId: accountId, GroupId: rule.referencedGroupId }],
    IpRanges: rule.cidrIpv4 === undefined ? [] : [{ CidrIp: rule.cidrIpv4 }],
    Ipv6Ranges: rule.cidrIpv6 === undefined ? [] : [{ CidrIpv6: rule.cidrIpv6 }],
    PrefixListIds: rule.prefixListId === undefined ? [] : [{ PrefixListId: rule.prefixListId }],
  };
}

/** What both Revoke operations take. */
type RevokeInput = (RevokeSecurityGroupIngressCommandInput | RevokeSecurityGroupEgressCommandInput) & LegacyRule;

/**
 * Revoke{Ingress,Egress}: by rule ids (each a rule of the group, in that
 * direction) or by rule properties, matched exactly (the description aside).
 * A rule that does not match is refused with InvalidPermission.NotFound in a
 * non-default VPC; in the default VPC it is returned in
 * `UnknownIpPermissions`, and the others are revoked (API reference).
 */
function revoke(
  ctx: OperationContext,
  action: "RevokeSecurityGroupIngress" | "RevokeSecurityGroupEgress",
  input: RevokeInput,
  isEgress: boolean,
): RevokeSecurityGroupIngressCommandOutput {
  const groupId = optionalString(input.GroupId);
  const groupName = isEgress ? undefined : optionalString((input as RevokeSecurityGroupIngressCommandInput).GroupName);
  if (groupId === undefined && groupName === undefined) throw errors.missingParameter(isEgress ? "GroupId" : "groupId or groupName");
  const legacy = ["CidrIp", "IpProtocol", "FromPort", "ToPort", "SourceSecurityGroupName", "SourceSecurityGroupOwnerId"] as const;
  const modelled = ["GroupId", "IpPermissions", "SecurityGroupRuleIds", ...(isEgress ? [] : ["GroupName" as const, ...legacy])] as const;
  refuseUnmodelled(action, input as RevokeSecurityGroupIngressCommandInput, modelled);
  const ruleIds = readOptionalIds(input.SecurityGroupRuleIds);
  for (const id of ruleIds) if (!isWellFormedId("sgr", id)) throw errors.malformedSecurityGroupRuleId(clipped(id));
  const hasProperties = (input.IpPermissions?.length ?? 0) > 0 || legacy.some((name) => !isEgress && input[name] !== undefined);
  if (ruleIds.length > 0 && hasProperties) throw errors.parameterCombination("securityGroupRuleId", "ipPermissions");
  const asked = ruleIds.length > 0 ? [] : readRules(action, input, isEgress, ctx.region.settings.accountId);
  const group = targetGroup(ctx, groupId, groupName);
  const byId: SecurityGroupRule[] = [];
  for (const id of new Set(ruleIds)) {
    const rule = ctx.region.securityGroups.rule(id);
    if (rule === undefined || rule.groupId !== group.groupId || rule.isEgress !== isEgress) throw errors.securityGroupRuleNotFound(id);
    byId.push(rule);
  }
  // A peer group named by name must exist; one named by id need not (a rule may outlive nothing, but matching is exact).
  const specs: RuleSpec[] = asked.map(({ peerGroupName, ...rule }) =>
    peerGroupName === undefined ? rule : { ...rule, referencedGroupId: findGroupByName(ctx, peerGroupName).groupId },
  );
  ctx.authorize(action, [groupResource(ctx.region, group)]);
  if (input.DryRun === true) throw errors.dryRun();
  const store = ctx.region.securityGroups;
  const matched = new Set<SecurityGroupRule>(byId);
  const unknown: IpPermission[] = [];
  for (const spec of specs) {
    const rule = store.findRule(group, spec);
    if (rule !== undefined) matched.add(rule);
    else if (inDefaultVpc(ctx, group)) unknown.push(unknownPermission(spec, ctx.region.settings.accountId));
    else throw errors.permissionNotFound();
  }
  const gone = [...matched];
  store.removeRules(group, gone);
  return {
    $metadata: {},
    Return: true,
    ...(unknown.length === 0 ? {} : { UnknownIpPermissions: unknown }),
    RevokedSecurityGroupRules: gone.map(revoked),
  };
}

/** RevokeSecurityGroupIngress: removes inbound rules. */
export const revokeSecurityGroupIngress: Operation<RevokeSecurityGroupIngressCommandInput, RevokeSecurityGroupIngressCommandOutput> = (
  ctx,
  input,
) => {
  const { $metadata: _, ...out } = revoke(ctx, "RevokeSecurityGroupIngress", input, false);
  return out;
};

/** RevokeSecurityGroupEgress: removes outbound rules. */
export const revokeSecurityGroupEgress: Operation<RevokeSecurityGroupEgressCommandInput, RevokeSecurityGroupEgressCommandOutput> = (
  ctx,
  input,
) => {
  const { $metadata: _, ...out } = revoke(ctx, "RevokeSecurityGroupEgress", input, true);
  return out;
};
