import type {
  CreateVolumePermission,
  DescribeSnapshotAttributeCommandInput,
  DescribeSnapshotAttributeCommandOutput,
  ModifySnapshotAttributeCommandInput,
  ModifySnapshotAttributeCommandOutput,
  ResetSnapshotAttributeCommandInput,
  ResetSnapshotAttributeCommandOutput,
} from "@aws-sdk/client-ec2";
import { optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation } from "../context.js";
import { errors } from "../errors.js";
import { readOptionalIds } from "./describe.js";
import { existingSnapshotResource, findSnapshot } from "./snapshots.js";

/**
 * A snapshot's attributes: DescribeSnapshotAttribute,
 * ModifySnapshotAttribute and ResetSnapshotAttribute, in EC2's order of
 * checks (parameters → existence → authorization → DryRun → state rules →
 * effect). The createVolumePermission attribute names the accounts that may
 * create volumes from a snapshot besides its owner; every snapshot of the
 * mock is encrypted, so none can be made public, and one encrypted with the
 * default EBS key cannot be shared at all (docs/behaviour.md, "EBS
 * snapshots").
 */

/** The attributes of a snapshot (API reference: `Attribute` valid values). */
const snapshotAttributes = ["productCodes", "createVolumePermission"] as const;

/** An AWS account id: 12 digits. */
const accountIdPattern = /^[0-9]{12}$/;

/** ModifySnapshotAttribute's cap on modifications in one call (API reference). */
const MAX_MODIFICATIONS = 500;

/** The `Attribute` member: required where `required`, one of the documented values. */
function readAttribute(value: unknown, required: boolean): (typeof snapshotAttributes)[number] | undefined {
  const attribute = optionalString(value);
  if (attribute === undefined || attribute === "") {
    if (required) throw errors.missingParameter("Attribute");
    return undefined;
  }
  if (!(snapshotAttributes as readonly string[]).includes(attribute)) throw errors.notOneOf("Attribute", attribute, snapshotAttributes);
  return attribute as (typeof snapshotAttributes)[number];
}

/** DescribeSnapshotAttribute: a snapshot's createVolumePermission (the accounts it is shared with) or its product codes (none). */
export const describeSnapshotAttribute: Operation<DescribeSnapshotAttributeCommandInput, DescribeSnapshotAttributeCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelled("DescribeSnapshotAttribute", input, ["Attribute", "SnapshotId"]);
  const attribute = readAttribute(input.Attribute, true);
  const snapshot = findSnapshot(ctx.region, input.SnapshotId);
  ctx.authorize("DescribeSnapshotAttribute", [existingSnapshotResource(ctx.region, snapshot)]);
  if (input.DryRun === true) throw errors.dryRun();
  if (attribute === "productCodes") return { SnapshotId: snapshot.snapshotId, ProductCodes: [] };
  return {
    SnapshotId: snapshot.snapshotId,
    CreateVolumePermissions: (snapshot.createVolumePermissions ?? []).map((UserId) => ({ UserId })),
  };
};

/** One permission of a modification: an account id or the group `all`, checked. */
function readPermission(permission: CreateVolumePermission): { userId?: string; group?: "all" } {
  const userId = optionalString(permission?.UserId);
  const group = optionalString(permission?.Group);
  if (group !== undefined && group !== "all") throw errors.notOneOf("Group", group, ["all"]);
  if (userId !== undefined && !accountIdPattern.test(userId)) throw errors.malformedUserId(userId);
  if (userId === undefined && group === undefined) throw errors.missingParameter("UserId");
  return { ...(userId === undefined ? {} : { userId }), ...(group === undefined ? {} : { group: "all" as const }) };
}

/**
 * The modification a ModifySnapshotAttribute call asks for, in either of
 * its two forms (`CreateVolumePermission.Add`/`Remove`, or `OperationType`
 * with `UserIds` and `GroupNames`): adds or removes, never both.
 */
function readModification(input: ModifySnapshotAttributeCommandInput): { op: "add" | "remove"; users: string[]; public: boolean } {
  const adds: CreateVolumePermission[] = [...(input.CreateVolumePermission?.Add ?? [])];
  const removes: CreateVolumePermission[] = [...(input.CreateVolumePermission?.Remove ?? [])];
  const operation = optionalString(input.OperationType);
  if (operation !== undefined && operation !== "add" && operation !== "remove") {
    throw errors.notOneOf("OperationType", operation, ["add", "remove"]);
  }
  const users = readOptionalIds(input.UserIds);
  const groups = readOptionalIds(input.GroupNames);
  if (users.length + groups.length > 0) {
    if (operation === undefined) throw errors.missingParameter("OperationType");
    const listed = [...users.map((UserId) => ({ UserId })), ...groups.map((Group) => ({ Group }) as CreateVolumePermission)];
    (operation === "add" ? adds : removes).push(...listed);
  }
  if (adds.length > 0 && removes.length > 0) throw errors.snapshotPermissionAddAndRemove();
  const listed = adds.length > 0 ? adds : removes;
  if (listed.length === 0) throw errors.missingParameter("CreateVolumePermission");
  if (listed.length > MAX_MODIFICATIONS) throw errors.tooManySnapshotPermissions(listed.length);
  const read = listed.map(readPermission);
  const op = adds.length > 0 ? "add" : "remove";
  const accounts = read.flatMap((p) => (p.userId === undefined ? [] : [p.userId]));
  return { op, users: [...new Set(accounts)], public: read.some((p) => p.group === "all") };
}

/**
 * ModifySnapshotAttribute: adds accounts to a snapshot's
 * createVolumePermission or removes them. Adding the group `all` is refused
 * (every snapshot of the mock is encrypted), and so is adding an account to
 * a snapshot encrypted with the default EBS key; removing what is not there
 * changes nothing.
 */
export const modifySnapshotAttribute: Operation<ModifySnapshotAttributeCommandInput, ModifySnapshotAttributeCommandOutput> = (
  ctx,
  input,
) => {
  refuseUnmodelled("ModifySnapshotAttribute", input, [
    "Attribute",
    "CreateVolumePermission",
    "GroupNames",
    "OperationType",
    "SnapshotId",
    "UserIds",
  ]);
  const attribute = readAttribute(input.Attribute, false);
  if (attribute === "productCodes") throw errors.snapshotAttributeNotModifiable(attribute);
  const modification = readModification(input);
  const snapshot = findSnapshot(ctx.region, input.SnapshotId);
  ctx.authorize("ModifySnapshotAttribute", [existingSnapshotResource(ctx.region, snapshot)]);
  if (input.DryRun === true) throw errors.dryRun();
  const current = snapshot.createVolumePermissions ?? [];
  if (modification.op === "remove") {
    ctx.region.snapshots.setCreateVolumePermissions(
      snapshot,
      current.filter((id) => !modification.users.includes(id)),
    );
    return {};
  }
  if (modification.public) throw errors.encryptedSnapshotPublic();
  if (snapshot.kmsKeyId === undefined && modification.users.length > 0) throw errors.snapshotDefaultKeyShared();
  ctx.region.snapshots.setCreateVolumePermissions(snapshot, [...current, ...modification.users.filter((id) => !current.includes(id))]);
  return {};
};

/** ResetSnapshotAttribute: a snapshot's createVolumePermission back to none (its owner alone). */
export const resetSnapshotAttribute: Operation<ResetSnapshotAttributeCommandInput, ResetSnapshotAttributeCommandOutput> = (ctx, input) => {
  refuseUnmodelled("ResetSnapshotAttribute", input, ["Attribute", "SnapshotId"]);
  const attribute = readAttribute(input.Attribute, true);
  if (attribute === "productCodes") throw errors.snapshotAttributeNotModifiable(attribute);
  const snapshot = findSnapshot(ctx.region, input.SnapshotId);
  ctx.authorize("ResetSnapshotAttribute", [existingSnapshotResource(ctx.region, snapshot)]);
  if (input.DryRun === true) throw errors.dryRun();
  ctx.region.snapshots.setCreateVolumePermissions(snapshot, []);
  return {};
};
