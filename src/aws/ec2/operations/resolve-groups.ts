import type { GroupIdentifier } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { clipped } from "../model/limits.js";

/**
 * The security groups a launch names, by id and by name, resolved in the
 * region: each must exist (`InvalidGroup.NotFound`), and the answer is the
 * groups as an instance shows them. Today the default VPC's default group
 * is the only one the mock has; the security-group store replaces this
 * function whole (same signature).
 */
export function resolveGroups(
  ctx: OperationContext,
  ids: readonly string[] | undefined,
  names: readonly string[] | undefined,
): GroupIdentifier[] {
  const network = ctx.region.network;
  for (const id of ids ?? []) if (id !== network.defaultSecurityGroupId) throw errors.securityGroupNotFound(clipped(id));
  for (const name of names ?? []) if (name !== "default") throw errors.securityGroupNameNotFound(clipped(name, 255), network.vpcId);
  return [{ GroupId: network.defaultSecurityGroupId, GroupName: "default" }];
}
