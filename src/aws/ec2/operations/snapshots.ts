import type {
  CreateSnapshotCommandInput,
  CreateSnapshotCommandOutput,
  DeleteSnapshotCommandInput,
  DeleteSnapshotCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { tagKeys, volumeResource } from "../../iam/resources.js";
import { optionalString, refuseUnmodelled } from "../checks.js";
import type { AuthResource, Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterTable, literalValuesOf, readFilters, type ValuesOf } from "../filters.js";
import { isWellFormedId, newId } from "../model/ids.js";
import { checkFilterCount } from "../model/limits.js";
import { type Ec2Snapshot, renderSnapshot, snapshotProgress, snapshotState } from "../model/snapshots.js";
import { readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, type Position, readMaxResults, readToken, takePage } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";

/**
 * EBS snapshots: CreateSnapshot and DescribeSnapshots, in EC2's order of
 * checks (parameters → existence → authorization → DryRun → effect).
 * docs/behaviour.md, "EBS snapshots", gives the source of each rule.
 */

/** The IAM resource of a snapshot (snapshot ARNs carry no account id), with the tags it will have. */
function snapshotResource(ctx: OperationContext, snapshotId: string, tags: ReadonlyMap<string, string>): AuthResource {
  return { arn: `arn:aws:ec2:${ctx.region.settings.region}::snapshot/${snapshotId}`, keys: {}, requestTags: tags };
}

/**
 * CreateSnapshot: a snapshot of a volume of the region, `pending` with its
 * Progress, then `completed` (src/aws/ec2/model/snapshots.ts).
 */
export const createSnapshot: Operation<CreateSnapshotCommandInput, CreateSnapshotCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateSnapshot", input, ["VolumeId", "Description", "TagSpecifications"]);
  const volumeId = optionalString(input.VolumeId);
  if (volumeId === undefined) throw errors.missingParameter("VolumeId");
  const description = optionalString(input.Description) ?? "";
  const tags = readTagsOf(input.TagSpecifications, "snapshot");
  if (!isWellFormedId("vol", volumeId)) throw errors.malformedVolumeId(volumeId);
  const volume = ctx.region.volumes.get(volumeId);
  if (volume === undefined) throw errors.volumesNotFound([volumeId]);
  const target = snapshotResource(ctx, "*", tags);
  ctx.authorize("CreateSnapshot", [volumeResource(ctx.region.settings, volume), target]);
  if (tags.size > 0) ctx.authorize("CreateTags", [target], { keys: { "ec2:CreateAction": "CreateSnapshot" } });
  if (input.DryRun === true) throw errors.dryRun();
  const snapshot = ctx.region.snapshots.add({
    snapshotId: newId("snap"),
    volumeId,
    volumeSizeGiB: volume.sizeGiB,
    description,
    ownerId: ctx.region.settings.accountId,
    startTime: ctx.now,
    tags,
  });
  return renderSnapshot(snapshot, ctx.now, ctx.region.ebsKmsKeyId);
};

/** A filter of DescribeSnapshots: reads values off a snapshot. */
type SnapshotValues = ValuesOf<Ec2Snapshot, OperationContext>;

/** DescribeSnapshots' filters, by EC2 name (source: API reference, DescribeSnapshots). Values mirror `renderSnapshot`. */
export const snapshotFilters: FilterTable<Ec2Snapshot, OperationContext> = {
  exact: {
    "snapshot-id": (s) => s.snapshotId,
    "volume-id": (s) => s.volumeId,
    "volume-size": (s) => String(s.volumeSizeGiB),
    status: (s, ctx) => snapshotState(s, ctx.now),
    progress: (s, ctx) => snapshotProgress(s, ctx.now),
    description: (s) => s.description,
    encrypted: () => "true",
    "owner-id": (s) => s.ownerId,
    "start-time": (s) => new Date(s.startTime).toISOString(),
    "storage-tier": () => "standard",
    "tag-key": (s) => [...s.tags.keys()],
    "tag-value": (s) => [...s.tags.values()],
  } satisfies Record<string, SnapshotValues>,
  prefixed: {
    "tag:": (key) => (s) => s.tags.get(key),
  },
};

/** DescribeSnapshots' page sizes: 5..1000 (source: API reference, DescribeSnapshots `MaxResults`). */
export const snapshotsMaxResults: MaxResultsRule = { idsParameter: "snapshotSet", min: 5, max: 1000, above: "error" };

/** Where a snapshot stands in creation order. */
function positionOf(snapshot: Ec2Snapshot): Position {
  return { seq: snapshot.seq, index: 0 };
}

/** The owners DescribeSnapshots' `OwnerIds` names, `self` read as the account. */
function readOwners(ctx: OperationContext, value: unknown): Set<string> | undefined {
  const owners = readOptionalIds(value);
  if (owners.length === 0) return undefined;
  return new Set(owners.map((o) => (o === "self" ? ctx.region.settings.accountId : o)));
}

/** DescribeSnapshots: the region's snapshots, by id, owner and filters, paged in creation order. */
export const describeSnapshots: Operation<DescribeSnapshotsCommandInput, DescribeSnapshotsCommandOutput> = (ctx, input) => {
  const ids = readOptionalIds(input.SnapshotIds);
  const max = readMaxResults(input.MaxResults, ids.length > 0, snapshotsMaxResults);
  refuseUnmodelled("DescribeSnapshots", input, ["SnapshotIds", "OwnerIds", "Filters", "NextToken", "MaxResults"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, snapshotFilters);
  const owners = readOwners(ctx, input.OwnerIds);
  const digest = digestOf({
    action: "DescribeSnapshots",
    filters: canonicalFilters(filters),
    ids: [...new Set(ids)].sort(),
    owners: owners === undefined ? [] : [...owners].sort(),
  });
  const after = readToken(input.NextToken, digest);
  for (const id of ids) if (!isWellFormedId("snap", id)) throw errors.malformedSnapshotId(id);
  for (const id of ids) if (ctx.region.snapshots.get(id) === undefined) throw errors.snapshotNotFound(id);
  ctx.authorize("DescribeSnapshots", []);
  if (input.DryRun === true) throw errors.dryRun();
  let candidates: Iterable<Ec2Snapshot> = ctx.region.snapshots.list();
  const literal = ids.length > 0 ? ids : literalValuesOf(filters, "snapshot-id");
  if (literal !== undefined) {
    candidates = [...new Set(literal)]
      .map((id) => ctx.region.snapshots.get(id))
      .filter((s): s is Ec2Snapshot => s !== undefined)
      .sort((a, b) => a.seq - b.seq);
  }
  const keep = (s: Ec2Snapshot) => (owners === undefined || owners.has(s.ownerId)) && accept(s, ctx);
  const page = takePage(candidates, positionOf, keep, after, max);
  return {
    Snapshots: page.items.map((s) => renderSnapshot(s, ctx.now, ctx.region.ebsKmsKeyId)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/**
 * DeleteSnapshot: forgets a snapshot of the region; one that a registered
 * image of the account maps is refused with InvalidSnapshot.InUse (deregister
 * the image first).
 */
export const deleteSnapshot: Operation<DeleteSnapshotCommandInput, DeleteSnapshotCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeleteSnapshot", input, ["SnapshotId"]);
  const snapshotId = optionalString(input.SnapshotId);
  if (snapshotId === undefined) throw errors.missingParameter("SnapshotId");
  if (!isWellFormedId("snap", snapshotId)) throw errors.malformedSnapshotId(snapshotId);
  const snapshot = ctx.region.snapshots.get(snapshotId);
  if (snapshot === undefined) throw errors.snapshotNotFound(snapshotId);
  const arn = `arn:aws:ec2:${ctx.region.settings.region}::snapshot/${snapshotId}`;
  ctx.authorize("DeleteSnapshot", [{ arn, keys: tagKeys(snapshot.tags) }]);
  if (input.DryRun === true) throw errors.dryRun();
  const image = ctx.region.images.ownImageUsing(snapshotId);
  if (image !== undefined) throw errors.snapshotInUse(snapshotId, image);
  ctx.region.snapshots.delete(snapshot);
  return {};
};
