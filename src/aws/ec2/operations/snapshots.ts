import type {
  CopySnapshotCommandInput,
  CopySnapshotCommandOutput,
  CreateSnapshotCommandInput,
  CreateSnapshotCommandOutput,
  CreateSnapshotsCommandInput,
  CreateSnapshotsCommandOutput,
  DeleteSnapshotCommandInput,
  DeleteSnapshotCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
} from "@aws-sdk/client-ec2";
import { tagKeys, volumeResource } from "../../iam/resources.js";
import { optionalString, refuseUnmodelled } from "../checks.js";
import type { AuthResource, Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { type FilterTable, literalValuesOf, type ValuesOf } from "../filters.js";
import { isWellFormedId, newId } from "../model/ids.js";
import {
  COPIED_VOLUME_ID,
  type Ec2Snapshot,
  isCopy,
  renderSnapshot,
  restorableBy,
  type SnapshotView,
  snapshotProgress,
  snapshotState,
} from "../model/snapshots.js";
import { readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, type Position, takePage } from "../pagination.js";
import type { Ec2Region } from "../region.js";
import { readOptionalIds } from "./describe.js";
import { readDescribeQuery } from "./describe-query.js";

/**
 * EBS snapshots: CreateSnapshot and DescribeSnapshots, in EC2's order of
 * checks (parameters → existence → authorization → DryRun → effect).
 * docs/behaviour.md, "EBS snapshots", gives the source of each rule.
 */

/** The IAM resource of a snapshot (snapshot ARNs carry no account id), with the tags it will have. */
function snapshotResource(ctx: OperationContext, snapshotId: string, tags: ReadonlyMap<string, string>): AuthResource {
  return { arn: `arn:aws:ec2:${ctx.region.settings.region}::snapshot/${snapshotId}`, keys: {}, requestTags: tags };
}

/** The IAM resource of an existing snapshot of `region`, with its tags as resource keys. */
export function existingSnapshotResource(region: Ec2Region, snapshot: Ec2Snapshot): AuthResource {
  return { arn: `arn:aws:ec2:${region.settings.region}::snapshot/${snapshot.snapshotId}`, keys: tagKeys(snapshot.tags) };
}

/** What reading a snapshot of the call's region needs: the clock, the default key, the durations. */
export function snapshotView(ctx: OperationContext): SnapshotView {
  return { now: ctx.now, defaultKmsKeyId: ctx.region.ebsKmsKeyId, durations: ctx.region.settings.durations };
}

/** The snapshot a `SnapshotId` member names in `region`: EC2's MissingParameter, Malformed and NotFound otherwise. */
export function findSnapshot(region: Ec2Region, value: unknown, parameter = "SnapshotId"): Ec2Snapshot {
  const snapshotId = optionalString(value);
  if (snapshotId === undefined || snapshotId === "") throw errors.missingParameter(parameter);
  if (!isWellFormedId("snap", snapshotId)) throw errors.malformedSnapshotId(snapshotId);
  const snapshot = region.snapshots.get(snapshotId);
  if (snapshot === undefined) throw errors.snapshotNotFound(snapshotId);
  return snapshot;
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
  // A volume DeleteVolume has begun deleting has no data to copy (decision: the state rule AttachVolume applies).
  if (volume.deleteTime !== undefined) throw errors.volumeNotAvailable(volumeId, "deleting");
  const snapshot = ctx.region.snapshots.add({
    snapshotId: newId("snap"),
    volumeId,
    volumeSizeGiB: volume.sizeGiB,
    description,
    ownerId: ctx.region.settings.accountId,
    startTime: ctx.now,
    tags,
  });
  return renderSnapshot(snapshot, snapshotView(ctx));
};

/** A filter of DescribeSnapshots: reads values off a snapshot. */
type SnapshotValues = ValuesOf<Ec2Snapshot, OperationContext>;

/** DescribeSnapshots' filters, by EC2 name (source: API reference, DescribeSnapshots). Values mirror `renderSnapshot`. */
export const snapshotFilters: FilterTable<Ec2Snapshot, OperationContext> = {
  exact: {
    "snapshot-id": (s) => s.snapshotId,
    "volume-id": (s) => s.volumeId,
    "volume-size": (s) => String(s.volumeSizeGiB),
    status: (s, ctx) => snapshotState(s, snapshotView(ctx)),
    progress: (s, ctx) => snapshotProgress(s, snapshotView(ctx)),
    description: (s) => s.description,
    encrypted: () => "true",
    "owner-id": (s) => s.ownerId,
    // Only Amazon's snapshots have an owner alias (`amazon`); the mock has none of them, so none matches.
    "owner-alias": () => undefined,
    "start-time": (s) => new Date(s.startTime).toISOString(),
    "storage-tier": () => "standard",
    "transfer-type": (s) => (isCopy(s) ? "standard" : undefined),
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

/** An AWS account id: 12 digits. */
const accountIdPattern = /^[0-9]{12}$/;

/**
 * The accounts an `OwnerIds` or `RestorableByUserIds` list names, `self`
 * read as the account; an alias kept as it is where `aliases` allows it
 * (OwnerIds' `amazon`: the API reference names account ids, `self` and
 * `amazon`; RestorableByUserIds' `all`: the public snapshots). Any other
 * value is InvalidUserID.Malformed.
 */
function readAccounts(ctx: OperationContext, value: unknown, aliases: readonly string[]): Set<string> | undefined {
  const values = readOptionalIds(value);
  if (values.length === 0) return undefined;
  for (const v of values) if (v !== "self" && !aliases.includes(v) && !accountIdPattern.test(v)) throw errors.malformedUserId(v);
  return new Set(values.map((v) => (v === "self" ? ctx.region.settings.accountId : v)));
}

/** DescribeSnapshots: the region's snapshots, by id, owner and filters, paged in creation order. */
export const describeSnapshots: Operation<DescribeSnapshotsCommandInput, DescribeSnapshotsCommandOutput> = (ctx, input) => {
  const owners = readAccounts(ctx, input.OwnerIds, ["amazon"]);
  // `all` asks for the public snapshots (those whose createVolumePermission names the group all): the mock has none.
  const restorable = readAccounts(ctx, input.RestorableByUserIds, ["all"]);
  const { ids, max, filters, accept, digest, after } = readDescribeQuery(input, {
    action: "DescribeSnapshots",
    ids: input.SnapshotIds,
    maxResults: snapshotsMaxResults,
    modelled: ["SnapshotIds", "OwnerIds", "RestorableByUserIds", "Filters", "NextToken", "MaxResults"],
    table: snapshotFilters,
    digestExtra: {
      owners: owners === undefined ? [] : [...owners].sort(),
      restorable: restorable === undefined ? [] : [...restorable].sort(),
    },
  });
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
  // `amazon` names Amazon's own snapshots, of which the mock has none; every snapshot of the mock is the account's.
  const keep = (s: Ec2Snapshot) =>
    (owners === undefined || owners.has(s.ownerId)) &&
    (restorable === undefined || [...restorable].some((account) => restorableBy(s, account))) &&
    accept(s, ctx);
  const page = takePage(candidates, positionOf, keep, after, max);
  const view = snapshotView(ctx);
  return {
    Snapshots: page.items.map((s) => renderSnapshot(s, view)),
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
  const snapshot = findSnapshot(ctx.region, input.SnapshotId);
  const snapshotId = snapshot.snapshotId;
  ctx.authorize("DeleteSnapshot", [existingSnapshotResource(ctx.region, snapshot)]);
  if (input.DryRun === true) throw errors.dryRun();
  const image = ctx.region.images.ownImageUsing(snapshotId);
  if (image !== undefined) throw errors.snapshotInUse(snapshotId, image);
  ctx.region.snapshots.delete(snapshot);
  return {};
};

/**
 * CreateSnapshots: one snapshot per EBS volume attached to an instance of
 * the region (root first), but the root volume with `ExcludeBootVolume` and
 * the data volumes `ExcludeDataVolumeIds` names; `CopyTagsFromSource:
 * "volume"` gives each snapshot its volume's tags (the TagSpecifications'
 * win on a shared key). Each is `pending`, then `completed`, as
 * CreateSnapshot's.
 */
export const createSnapshots: Operation<CreateSnapshotsCommandInput, CreateSnapshotsCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CreateSnapshots", input, ["InstanceSpecification", "Description", "TagSpecifications", "CopyTagsFromSource"]);
  const spec = input.InstanceSpecification;
  if (spec === undefined || spec === null) throw errors.missingParameter("InstanceSpecification");
  refuseUnmodelled("CreateSnapshots", spec, ["InstanceId", "ExcludeBootVolume", "ExcludeDataVolumeIds"]);
  const instanceId = optionalString(spec.InstanceId);
  if (instanceId === undefined || instanceId === "") throw errors.missingParameter("InstanceSpecification.InstanceId");
  const excluded = readOptionalIds(spec.ExcludeDataVolumeIds);
  const description = optionalString(input.Description) ?? "";
  const copyTags = optionalString(input.CopyTagsFromSource);
  if (copyTags !== undefined && copyTags !== "volume") throw errors.notOneOf("CopyTagsFromSource", copyTags, ["volume"]);
  const tags = readTagsOf(input.TagSpecifications, "snapshot");
  if (!isWellFormedId("i", instanceId)) throw errors.malformedInstanceId(instanceId);
  for (const id of excluded) if (!isWellFormedId("vol", id)) throw errors.malformedVolumeId(id);
  const instance = ctx.region.instances.get(instanceId);
  if (instance === undefined) throw errors.instancesNotFound([instanceId]);
  const attached = instance.volumes.flatMap((attachment) => {
    const volume = ctx.region.volumes.get(attachment.volumeId);
    return volume?.attachment?.instanceId === instanceId ? [{ attachment, volume }] : [];
  });
  const rootDevice = instance.image.RootDeviceName;
  const isRoot = (deviceName: string) => deviceName === rootDevice;
  for (const id of excluded) {
    const found = attached.find((a) => a.volume.volumeId === id);
    if (found === undefined) {
      if (ctx.region.volumes.get(id) === undefined) throw errors.volumesNotFound([id]);
      throw errors.excludedVolumeNotAttached(id, instanceId);
    }
    if (isRoot(found.attachment.deviceName)) throw errors.excludedRootVolume(id);
  }
  const taken = attached.filter(
    (a) => !excluded.includes(a.volume.volumeId) && !(spec.ExcludeBootVolume === true && isRoot(a.attachment.deviceName)),
  );
  const target = snapshotResource(ctx, "*", tags);
  ctx.authorize("CreateSnapshots", [instance, ...taken.map((a) => volumeResource(ctx.region.settings, a.volume)), target]);
  if (tags.size > 0) ctx.authorize("CreateTags", [target], { keys: { "ec2:CreateAction": "CreateSnapshots" } });
  if (input.DryRun === true) throw errors.dryRun();
  const view = snapshotView(ctx);
  const made = taken.map(({ volume }) => {
    const own = copyTags === "volume" ? new Map([...volume.tags, ...tags]) : tags;
    return ctx.region.snapshots.add({
      snapshotId: newId("snap"),
      volumeId: volume.volumeId,
      volumeSizeGiB: volume.sizeGiB,
      description,
      ownerId: ctx.region.settings.accountId,
      startTime: ctx.now,
      tags: own,
    });
  });
  return {
    Snapshots: made.map((snapshot) => {
      const s = renderSnapshot(snapshot, view);
      return {
        SnapshotId: s.SnapshotId,
        VolumeId: s.VolumeId,
        VolumeSize: s.VolumeSize,
        State: s.State,
        Progress: s.Progress,
        StartTime: s.StartTime,
        Description: s.Description,
        OwnerId: s.OwnerId,
        Encrypted: s.Encrypted,
        ...(s.Tags === undefined ? {} : { Tags: s.Tags }),
      };
    }),
  };
};

/** A KMS key id (a UUID, or `mrk-` and 32 hex digits for a multi-Region key). */
const kmsKeyIdPattern = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/**
 * The key CopySnapshot's `KmsKeyId` names, as a key ARN of the call's
 * region: a key ARN of the region, a key id (of the account), or
 * `alias/aws/ebs` (the default key: undefined). The mock has no KMS and
 * resolves no other alias (decision, docs/behaviour.md).
 */
function readKmsKey(ctx: OperationContext, value: string): string | undefined {
  const { region, accountId } = ctx.region.settings;
  if (value === "alias/aws/ebs" || value === ctx.region.ebsKmsKeyId) return undefined;
  if (kmsKeyIdPattern.test(value)) return `arn:aws:kms:${region}:${accountId}:key/${value}`;
  const prefix = `arn:aws:kms:${region}:`;
  if (value.startsWith(prefix)) {
    const [account, resource] = [value.slice(prefix.length, prefix.length + 12), value.slice(prefix.length + 12)];
    if (accountIdPattern.test(account) && resource.startsWith(":key/") && kmsKeyIdPattern.test(resource.slice(5))) return value;
  }
  throw errors.unmodelledKmsKey(value);
}

/**
 * CopySnapshot: a copy, in the call's region, of a `completed` snapshot of
 * `SourceRegion` (the same one or another of the mock's); the copy is
 * `pending`, then `completed` after as long as a snapshot of its size
 * takes, with EC2's arbitrary volume id. It is encrypted, with the default
 * EBS key or `KmsKeyId`. `PresignedUrl` is accepted and not verified (the
 * SDKs compute it themselves); `DestinationRegion`, which they fill, must
 * name the call's region.
 */
export const copySnapshot: Operation<CopySnapshotCommandInput, CopySnapshotCommandOutput> = (ctx, input) => {
  refuseUnmodelled("CopySnapshot", input, [
    "SourceRegion",
    "SourceSnapshotId",
    "Description",
    "DestinationRegion",
    "PresignedUrl",
    "Encrypted",
    "KmsKeyId",
    "TagSpecifications",
  ]);
  const sourceRegionName = optionalString(input.SourceRegion);
  if (sourceRegionName === undefined || sourceRegionName === "") throw errors.missingParameter("SourceRegion");
  const sourceSnapshotId = optionalString(input.SourceSnapshotId);
  if (sourceSnapshotId === undefined || sourceSnapshotId === "") throw errors.missingParameter("SourceSnapshotId");
  const description = optionalString(input.Description) ?? "";
  const destination = optionalString(input.DestinationRegion);
  if (destination !== undefined && destination !== "" && destination !== ctx.region.settings.region) {
    throw errors.destinationRegionMismatch(destination);
  }
  const keyText = optionalString(input.KmsKeyId);
  if (keyText !== undefined && input.Encrypted !== true) throw errors.kmsKeyNeedsEncrypted();
  const kmsKeyId = keyText === undefined ? undefined : readKmsKey(ctx, keyText);
  const tags = readTagsOf(input.TagSpecifications, "snapshot");
  const sourceRegion = sourceRegionName === ctx.region.settings.region ? ctx.region : ctx.regionNamed?.(sourceRegionName);
  if (sourceRegion === undefined) throw errors.invalidSourceRegion(sourceRegionName);
  const source = findSnapshot(sourceRegion, sourceSnapshotId, "SourceSnapshotId");
  const target = snapshotResource(ctx, "*", tags);
  ctx.authorize("CopySnapshot", [existingSnapshotResource(sourceRegion, source), target]);
  if (tags.size > 0) ctx.authorize("CreateTags", [target], { keys: { "ec2:CreateAction": "CopySnapshot" } });
  if (input.DryRun === true) throw errors.dryRun();
  const sourceView = { now: ctx.now, durations: sourceRegion.settings.durations };
  const state = snapshotState(source, sourceView);
  if (state !== "completed") throw errors.snapshotNotCompleted(state);
  const copy = ctx.region.snapshots.add({
    snapshotId: newId("snap"),
    volumeId: COPIED_VOLUME_ID,
    volumeSizeGiB: source.volumeSizeGiB,
    description,
    ownerId: ctx.region.settings.accountId,
    startTime: ctx.now,
    tags,
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
  });
  return { SnapshotId: copy.snapshotId, ...(tags.size === 0 ? {} : { Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) }) };
};
