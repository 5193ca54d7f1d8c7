import type { IpPermission } from "@aws-sdk/client-ec2";
import { array, boolean, type JsonOf, nullable, number, object, string, type ValuesOf } from "../../../engine/record.js";
import { newId } from "./ids.js";
import { NO_TAGS, tagsField } from "./tags.js";

/**
 * Security groups of a region: the groups of every VPC (a default group per
 * VPC, created with the VPC, and the groups CreateSecurityGroup makes), their
 * inbound and outbound rules, and how many instances use each group. The
 * operations (src/aws/ec2/operations/security-groups.ts) check everything
 * first; these methods never refuse.
 *
 * A rule is one peer (an IPv4 or IPv6 CIDR block, a security group, or a
 * prefix list) with one protocol and port range, as DescribeSecurityGroupRules
 * shows it; DescribeSecurityGroups groups rules of the same protocol and
 * ports into one `IpPermission` (see {@link ipPermissionsOf}).
 */

/** The name of every VPC's default group. */
export const DEFAULT_GROUP_NAME = "default";
/** The description EC2 gives a default group. */
export const DEFAULT_GROUP_DESCRIPTION = "default VPC security group";
/** EC2's default quota of security groups per network interface (Amazon VPC quotas). */
export const MAX_GROUPS_PER_INTERFACE = 5;
/** EC2's default quota of inbound (and of outbound) rules per security group (Amazon VPC quotas). */
export const MAX_RULES_PER_DIRECTION = 60;

/** A rule's fields, declared once: the record, its snapshot form and the checks on restore. */
export const securityGroupRuleRecord = object({
  /** `sgr-` and 17 hex digits. */
  ruleId: string,
  /** Creation order across the region, for stable pagination. */
  seq: number,
  /** Outbound (true) or inbound. */
  isEgress: boolean,
  /** `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6`, or another protocol's number. */
  ipProtocol: string,
  /** The first port (ICMP: the type); -1 when the protocol has no ports or for all. */
  fromPort: number,
  /** The last port (ICMP: the code); -1 when the protocol has no ports or for all. */
  toPort: number,
  /** The IPv4 peer, if that is the peer. */
  cidrIpv4: nullable(string),
  /** The IPv6 peer, if that is the peer. */
  cidrIpv6: nullable(string),
  /** The security group peer, if that is the peer. */
  referencedGroupId: nullable(string),
  /** The prefix list peer, if that is the peer. */
  prefixListId: nullable(string),
  /** The rule's description, if it has one. */
  description: nullable(string),
  /** Its tags, in the order they were set (replaced whole, never written into). */
  tags: tagsField,
});

/** One rule of a security group. */
export interface SecurityGroupRule extends Readonly<ValuesOf<typeof securityGroupRuleRecord.fields>> {
  /** The group it belongs to. */
  readonly groupId: string;
}

/** A security group's fields, declared once (its rules inside it). */
export const securityGroupRecord = object({
  /** `sg-` and 17 hex digits. */
  groupId: string,
  /** Creation order across the region, for stable pagination. */
  seq: number,
  /** Its name, unique in its VPC regardless of case. */
  groupName: string,
  /** Its description. */
  description: string,
  /** The VPC it belongs to. */
  vpcId: string,
  /** Its tags, in the order they were set (replaced whole, never written into). */
  tags: tagsField,
  /** Its rules, inbound and outbound, in creation order. */
  rules: array(securityGroupRuleRecord),
});

/** One security group. */
export interface SecurityGroup extends Readonly<Omit<ValuesOf<typeof securityGroupRecord.fields>, "rules">> {
  /** Its rules, inbound and outbound, in creation order. */
  readonly rules: SecurityGroupRule[];
}

/** Every security group of a region as JSON (snapshots). */
export const securityGroupsRecord = object({
  groups: array(securityGroupRecord),
  /** The creation counter of groups. */
  seq: number,
  /** The creation counter of rules. */
  ruleSeq: number,
});

/**
 * The security groups of a region as plain JSON (see `SecurityGroupStore.toJson`).
 * @public
 */
export interface SecurityGroupsJson extends JsonOf<typeof securityGroupsRecord> {}

/** A rule to add: everything but its id, order and group (checked by the operation). */
export type RuleSpec = Omit<ValuesOf<typeof securityGroupRuleRecord.fields>, "ruleId" | "seq" | "tags">;

/** The identity of a rule: two rules with the same key are the same rule (the description aside). */
export function ruleKey(rule: RuleSpec): string {
  const peer = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.referencedGroupId ?? rule.prefixListId ?? "";
  return `${rule.isEgress ? "out" : "in"} ${rule.ipProtocol} ${rule.fromPort} ${rule.toPort} ${peer}`;
}

/** Whether a protocol has a port range (TCP, UDP) or an ICMP type and code shown in `FromPort`/`ToPort`. */
export function hasPorts(ipProtocol: string): boolean {
  return ipProtocol === "tcp" || ipProtocol === "udp" || ipProtocol === "icmp" || ipProtocol === "icmpv6";
}

/**
 * The security groups of one region. Every change goes through its methods,
 * which keep the counts that make DeleteSecurityGroup's dependency check and
 * DescribeSecurityGroups cost nothing per instance: how many instances use
 * each group, and how many rules of other groups reference it.
 */
export class SecurityGroupStore {
  private readonly groups = new Map<string, SecurityGroup>();
  private readonly rules = new Map<string, SecurityGroupRule>();
  /** Instances (not yet terminated) using each group. */
  private readonly uses = new Map<string, number>();
  /** Rules of other groups that reference each group. */
  private readonly references = new Map<string, number>();
  private seq = 0;
  private ruleSeq = 0;

  /** @param accountId - the account that owns every group. */
  constructor(readonly accountId: string) {}

  /** Every group, in creation order. */
  all(): IterableIterator<SecurityGroup> {
    return this.groups.values();
  }

  /** How many groups there are. */
  get size(): number {
    return this.groups.size;
  }

  /** The group with this id, if it exists. */
  get(groupId: string): SecurityGroup | undefined {
    return this.groups.get(groupId);
  }

  /** The rule with this id, if it exists. */
  rule(ruleId: string): SecurityGroupRule | undefined {
    return this.rules.get(ruleId);
  }

  /** Every rule, in creation order of their groups, then of the rules. */
  *allRules(): IterableIterator<SecurityGroupRule> {
    for (const group of this.groups.values()) yield* group.rules;
  }

  /** The group of a VPC with this name, compared without regard to case (EC2: names are case-insensitive). */
  byName(vpcId: string, name: string): SecurityGroup | undefined {
    const wanted = name.toLowerCase();
    for (const group of this.groups.values()) if (group.vpcId === vpcId && group.groupName.toLowerCase() === wanted) return group;
    return undefined;
  }

  /** The groups of a VPC, in creation order. */
  inVpc(vpcId: string): SecurityGroup[] {
    return [...this.groups.values()].filter((g) => g.vpcId === vpcId);
  }

  /** The default group of a VPC, if it has one. */
  defaultOf(vpcId: string): SecurityGroup | undefined {
    for (const group of this.groups.values()) if (group.vpcId === vpcId && group.groupName === DEFAULT_GROUP_NAME) return group;
    return undefined;
  }

  /** Whether a group is its VPC's default group (which cannot be deleted). */
  isDefault(group: SecurityGroup): boolean {
    return group.groupName === DEFAULT_GROUP_NAME;
  }

  /**
   * Creates a VPC's default group: all inbound traffic from the group itself,
   * all outbound traffic to 0.0.0.0/0 (Amazon VPC User Guide, "Default
   * security groups for your VPCs"). `groupId` keeps a known id.
   */
  createDefault(vpcId: string, groupId: string = newId("sg")): SecurityGroup {
    const group = this.insert(groupId, DEFAULT_GROUP_NAME, DEFAULT_GROUP_DESCRIPTION, vpcId, NO_TAGS);
    this.addRules(group, [allTraffic(false, { referencedGroupId: groupId }), allTraffic(true, { cidrIpv4: "0.0.0.0/0" })], NO_TAGS);
    return group;
  }

  /** Creates a group with EC2's one default rule: all outbound traffic to 0.0.0.0/0. */
  create(vpcId: string, groupName: string, description: string, tags: ReadonlyMap<string, string>): SecurityGroup {
    const group = this.insert(newId("sg"), groupName, description, vpcId, tags);
    this.addRules(group, [allTraffic(true, { cidrIpv4: "0.0.0.0/0" })], NO_TAGS);
    return group;
  }

  /** Deletes a group and its rules (the caller checked nothing uses or references it). */
  delete(group: SecurityGroup): void {
    this.removeRules(group, [...group.rules]);
    this.groups.delete(group.groupId);
    this.uses.delete(group.groupId);
    this.references.delete(group.groupId);
  }

  /** Deletes every group of a VPC (DeleteVpc, once its other resources are gone). */
  deleteVpcGroups(vpcId: string): void {
    const doomed = this.inVpc(vpcId);
    for (const group of doomed) this.removeRules(group, [...group.rules]);
    for (const group of doomed) this.delete(group);
  }

  /** Adds rules to a group (checked: none a duplicate, within the quota) and returns them. */
  addRules(group: SecurityGroup, specs: readonly RuleSpec[], tags: ReadonlyMap<string, string>): SecurityGroupRule[] {
    const added = specs.map((spec): SecurityGroupRule => {
      const rule = { ...spec, ruleId: newId("sgr"), seq: ++this.ruleSeq, groupId: group.groupId, tags };
      this.link(rule);
      return rule;
    });
    group.rules.push(...added);
    return added;
  }

  /** Removes rules of a group. */
  removeRules(group: SecurityGroup, doomed: readonly SecurityGroupRule[]): void {
    const gone = new Set(doomed);
    for (const rule of doomed) this.unlink(rule);
    const kept = group.rules.filter((r) => !gone.has(r));
    group.rules.length = 0;
    group.rules.push(...kept);
  }

  /** The group's rule equal to `spec` (same direction, protocol, ports and peer), if any. */
  findRule(group: SecurityGroup, spec: RuleSpec): SecurityGroupRule | undefined {
    const key = ruleKey(spec);
    return group.rules.find((r) => ruleKey(r) === key);
  }

  /** Replaces a group's tags (CreateTags, DeleteTags). */
  setTags(group: SecurityGroup, next: ReadonlyMap<string, string>): void {
    (group as { tags: ReadonlyMap<string, string> }).tags = next;
  }

  /** Replaces a rule's tags. */
  setRuleTags(rule: SecurityGroupRule, next: ReadonlyMap<string, string>): void {
    (rule as { tags: ReadonlyMap<string, string> }).tags = next;
  }

  /** How many instances use the group (launched with it, or given it since), until they are terminated. */
  usesOf(groupId: string): number {
    return this.uses.get(groupId) ?? 0;
  }

  /** How many rules of other groups reference the group. */
  referencesTo(groupId: string): number {
    return this.references.get(groupId) ?? 0;
  }

  /** Counts a use of each group (an instance launched with them, or given them). */
  use(groupIds: readonly string[]): void {
    for (const id of groupIds) this.uses.set(id, (this.uses.get(id) ?? 0) + 1);
  }

  /** Counts `count` uses of each group at once (a launch of `count` instances). */
  useMany(groupIds: readonly string[], count: number): void {
    for (const id of groupIds) this.uses.set(id, (this.uses.get(id) ?? 0) + count);
  }

  /** Ends a use of each group (an instance terminated, or given other groups). */
  release(groupIds: readonly string[]): void {
    for (const id of groupIds) {
      const left = (this.uses.get(id) ?? 0) - 1;
      if (left > 0) this.uses.set(id, left);
      else this.uses.delete(id);
    }
  }

  /** Forgets every use (restore: the caller counts them again from the fleet). */
  clearUses(): void {
    this.uses.clear();
  }

  /** The JSON form's values, for the snapshot record to write. */
  contents(): ValuesOf<typeof securityGroupsRecord.fields> {
    return { groups: [...this.groups.values()], seq: this.seq, ruleSeq: this.ruleSeq };
  }

  /** Replaces every group with a snapshot's (already read and checked). */
  replace(contents: ValuesOf<typeof securityGroupsRecord.fields>): void {
    this.reset();
    for (const read of contents.groups) {
      const group: SecurityGroup = { ...read, rules: [] };
      this.groups.set(group.groupId, group);
      for (const rule of read.rules) {
        const linked: SecurityGroupRule = { ...rule, groupId: group.groupId };
        group.rules.push(linked);
        this.link(linked);
      }
    }
    this.seq = contents.seq;
    this.ruleSeq = contents.ruleSeq;
  }

  /** Forgets every group, rule and use (the region then creates its default group again). */
  reset(): void {
    this.groups.clear();
    this.rules.clear();
    this.uses.clear();
    this.references.clear();
    this.seq = 0;
    this.ruleSeq = 0;
  }

  private insert(groupId: string, groupName: string, description: string, vpcId: string, tags: ReadonlyMap<string, string>): SecurityGroup {
    const group: SecurityGroup = { groupId, seq: ++this.seq, groupName, description, vpcId, tags, rules: [] };
    this.groups.set(groupId, group);
    return group;
  }

  private link(rule: SecurityGroupRule): void {
    this.rules.set(rule.ruleId, rule);
    const ref = rule.referencedGroupId;
    if (ref !== undefined && ref !== rule.groupId) this.references.set(ref, (this.references.get(ref) ?? 0) + 1);
  }

  private unlink(rule: SecurityGroupRule): void {
    this.rules.delete(rule.ruleId);
    const ref = rule.referencedGroupId;
    if (ref === undefined || ref === rule.groupId) return;
    const left = (this.references.get(ref) ?? 0) - 1;
    if (left > 0) this.references.set(ref, left);
    else this.references.delete(ref);
  }
}

/** An all-traffic rule to or from one peer. */
function allTraffic(isEgress: boolean, peer: Partial<Pick<RuleSpec, "cidrIpv4" | "referencedGroupId">>): RuleSpec {
  return {
    isEgress,
    ipProtocol: "-1",
    fromPort: -1,
    toPort: -1,
    cidrIpv4: peer.cidrIpv4,
    cidrIpv6: undefined,
    referencedGroupId: peer.referencedGroupId,
    prefixListId: undefined,
    description: undefined,
  };
}

/**
 * A group's rules of one direction as DescribeSecurityGroups shows them: one
 * `IpPermission` per protocol and port range, in order of first appearance,
 * each with its four lists (empty ones included, as EC2 sends them).
 */
export function ipPermissionsOf(group: SecurityGroup, isEgress: boolean, accountId: string): IpPermission[] {
  const byRange = new Map<string, IpPermission>();
  for (const rule of group.rules) {
    if (rule.isEgress !== isEgress) continue;
    const key = `${rule.ipProtocol} ${rule.fromPort} ${rule.toPort}`;
    let permission = byRange.get(key);
    if (permission === undefined) {
      permission = {
        IpProtocol: rule.ipProtocol,
        ...(hasPorts(rule.ipProtocol) ? { FromPort: rule.fromPort, ToPort: rule.toPort } : {}),
        UserIdGroupPairs: [],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      };
      byRange.set(key, permission);
    }
    const described = rule.description === undefined ? {} : { Description: rule.description };
    if (rule.cidrIpv4 !== undefined) permission.IpRanges!.push({ CidrIp: rule.cidrIpv4, ...described });
    else if (rule.cidrIpv6 !== undefined) permission.Ipv6Ranges!.push({ CidrIpv6: rule.cidrIpv6, ...described });
    else if (rule.referencedGroupId !== undefined)
      permission.UserIdGroupPairs!.push({ ...described, UserId: accountId, GroupId: rule.referencedGroupId });
    else if (rule.prefixListId !== undefined) permission.PrefixListIds!.push({ ...described, PrefixListId: rule.prefixListId });
  }
  return [...byRange.values()];
}
