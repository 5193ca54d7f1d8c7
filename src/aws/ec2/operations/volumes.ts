import type {
  AttachVolumeCommandInput,
  AttachVolumeCommandOutput,
  CreateVolumeCommandInput,
  CreateVolumeCommandOutput,
  DeleteVolumeCommandInput,
  DeleteVolumeCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
} from "@aws-sdk/client-ec2";
import { instanceResource, newResource, volumeResource } from "../../iam/resources.js";
import { findInstances, optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { type FilterTable, literalValuesOf, type readFilters, type ValuesOf } from "../filters.js";
import { checkDeviceName, checkVolumeLimits, checkVolumeType, ebsAttachmentLimit } from "../model/ebs-limits.js";
import { isWellFormedId, newId } from "../model/ids.js";
import { clipped } from "../model/limits.js";
import { regionsAndZones } from "../model/region-catalogue.js";
import { snapshotState } from "../model/snapshots.js";
import { tagCandidates } from "../model/tag-index.js";
import { readTagsOf } from "../model/tags.js";
import { attachmentState, type Ec2Volume, renderVolume, volumeState } from "../model/volumes.js";
import { encodeToken, type MaxResultsRule, type Position, takePage } from "../pagination.js";
import { readDescribeQuery } from "./describe-query.js";
import { snapshotView } from "./snapshots.js";

/**
 * DescribeVolumes, in the order of checks of the instance Describe
 * operations: `VolumeIds` with `MaxResults`, the `MaxResults` range, filter
 * names, the token, malformed ids, unknown ids, authorization, DryRun.
 * Volumes are listed in creation order; filters and pagination are the
 * shared ones (src/aws/ec2/filters.ts, src/aws/ec2/pagination.ts).
 */

let zoneIds: Map<string, string> | undefined;
/**
 * A zone's id (`use1-az2`) from the Region catalogue, by zone name; undefined
 * for a zone the catalogue does not know (a zone letter the Region lacks).
 */
function zoneIdOf(zoneName: string): string | undefined {
  if (zoneIds === undefined) {
    zoneIds = new Map();
    for (const region of regionsAndZones()) for (const zone of region.Zones) zoneIds.set(zone.ZoneName, zone.ZoneId);
  }
  return zoneIds.get(zoneName);
}

/** A filter of DescribeVolumes: reads values off a volume. */
type VolumeValues = ValuesOf<Ec2Volume, OperationContext>;

/** DescribeVolumes' filters, by EC2 name (source: API reference, DescribeVolumes). Values mirror `renderVolume`. */
export const volumeFilters: FilterTable<Ec2Volume, OperationContext> = {
  exact: {
    "volume-id": (v) => v.volumeId,
    "volume-type": (v) => v.volumeType,
    size: (v) => String(v.sizeGiB),
    status: (v, ctx) => volumeState(v, ctx.now, ctx.region.settings.durations.volumeCreate, ctx.region.settings.durations.volumeDetach),
    "availability-zone": (v) => v.availabilityZone,
    "availability-zone-id": (v) => zoneIdOf(v.availabilityZone),
    encrypted: () => "true",
    // A blank volume has no snapshot: it never matches, not even a "has any value" filter.
    "snapshot-id": (v) => (v.snapshotId === "" ? undefined : v.snapshotId),
    "create-time": (v) => v.createTime.toISOString(),
    "multi-attach-enabled": () => "false",
    "fast-restored": () => "false",
    // No volume of the mock is managed by an AWS service: none has a managing principal.
    "operator.managed": () => "false",
    "operator.principal": () => undefined,
    "attachment.instance-id": (v) => v.attachment?.instanceId,
    "attachment.device": (v) => v.attachment?.deviceName,
    "attachment.status": (v, ctx) =>
      attachmentState(v, ctx.now, ctx.region.settings.durations.volumeAttach, ctx.region.settings.durations.volumeDetach),
    "attachment.delete-on-termination": (v) => (v.attachment === undefined ? undefined : String(v.attachment.deleteOnTermination)),
    "attachment.attach-time": (v) => v.attachment?.attachTime.toISOString(),
    "tag-key": (v) => [...v.tags.keys()],
    "tag-value": (v) => [...v.tags.values()],
  } satisfies Record<string, VolumeValues>,
  prefixed: {
    "tag:": (key) => (v) => v.tags.get(key),
  },
};

/**
 * DescribeVolumes' page sizes: 5..500; a larger value returns 500 items
 * (source: API reference, DescribeVolumes `MaxResults`: "if you specify a
 * value larger than 500, only 500 items are returned").
 */
export const volumesMaxResults: MaxResultsRule = { idsParameter: "volumeSet", min: 5, max: 500, above: "clamp" };

/** Where a volume stands in creation order. */
function positionOf(volume: Ec2Volume): Position {
  return { seq: volume.seq, index: 0 };
}

/** Steps 2 and 3 for volume ids: every id well formed, then every id known (NotFound names every missing one). */
export function findVolumes(ctx: OperationContext, ids: readonly string[]): Ec2Volume[] {
  for (const id of ids) if (!isWellFormedId("vol", id)) throw errors.malformedVolumeId(id);
  const unique = [...new Set(ids)];
  const missing = unique.filter((id) => !ctx.region.volumes.has(id));
  if (missing.length > 0) throw errors.volumesNotFound(missing);
  return unique.map((id) => ctx.region.volumes.get(id)!).sort((a, b) => a.seq - b.seq);
}

/** The share of the region's volumes above which the tag index's candidates are not worth sorting: a scan in order is cheaper. */
const INDEX_SHARE = 1 / 8;

/**
 * The volumes a query may return, in creation order: a superset of the
 * matches (every candidate still goes through the compiled filters, so the
 * answer, its order and its pages are the scan's). Named ids; else the
 * narrowest of: literal `volume-id` filters (by id), literal
 * `attachment.instance-id` filters (the instances' own attachments, the
 * very records of the volumes'), tag filters (the store's tag index); else
 * every volume. A filter none of these narrows (`status`, `size`, ...) scans.
 */
function candidates(ctx: OperationContext, named: Ec2Volume[] | undefined, filters: ReturnType<typeof readFilters>): Iterable<Ec2Volume> {
  if (named !== undefined) return named;
  const volumes = ctx.region.volumes;
  const live = (ids: Iterable<string>) => [...new Set(ids)].map((id) => volumes.get(id)).filter((v): v is Ec2Volume => v !== undefined);
  let best: Ec2Volume[] | undefined;
  const ids = literalValuesOf(filters, "volume-id");
  if (ids !== undefined) best = live(ids);
  const instanceIds = literalValuesOf(filters, "attachment.instance-id");
  if (instanceIds !== undefined) {
    const attached = live([...new Set(instanceIds)].flatMap((id) => (ctx.region.instances.get(id)?.volumes ?? []).map((a) => a.volumeId)));
    if (best === undefined || attached.length < best.length) best = attached;
  }
  const tagged = tagCandidates(volumes.tagIndex, filters, volumes.size * INDEX_SHARE);
  if (tagged !== undefined && (best === undefined || tagged.size < best.length)) best = [...tagged];
  return best === undefined ? volumes.values() : best.sort((a, b) => a.seq - b.seq);
}

/** DescribeVolumes: the region's live volumes (attached or available), filtered and paged. */
export const describeVolumes: Operation<DescribeVolumesCommandInput, DescribeVolumesCommandOutput> = (ctx, input) => {
  const { ids, max, filters, accept, digest, after } = readDescribeQuery(input, {
    action: "DescribeVolumes",
    ids: input.VolumeIds,
    maxResults: volumesMaxResults,
    // IncludeManagedResources is modelled: the mock has no managed volume, so hidden or shown, the list is the same.
    modelled: ["VolumeIds", "IncludeManagedResources", "Filters", "NextToken", "MaxResults"],
    table: volumeFilters,
  });
  const named = ids.length > 0 ? findVolumes(ctx, ids) : undefined;
  ctx.authorize("DescribeVolumes", []);
  if (input.DryRun === true) throw errors.dryRun();
  const page = takePage(candidates(ctx, named, filters), positionOf, (v) => accept(v, ctx), after, max);
  const durations = ctx.region.settings.durations;
  const render = {
    kmsKeyId: ctx.region.ebsKmsKeyId,
    now: ctx.now,
    createMs: durations.volumeCreate,
    attachMs: durations.volumeAttach,
    detachMs: durations.volumeDetach,
  };
  return {
    Volumes: page.items.map((v) => renderVolume(v, render)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** The members of CreateVolume the mock models. */
const createVolumeMembers = [
  "AvailabilityZone",
  "Size",
  "SnapshotId",
  "VolumeType",
  "Iops",
  "Throughput",
  "Encrypted",
  "TagSpecifications",
  "ClientToken",
] as const;

/**
 * CreateVolume: a blank volume, or one from a snapshot an image maps (the
 * only snapshots the mock has), in a zone of the Region. Checks: the zone
 * (MissingParameter, InvalidZone.NotFound), Size or SnapshotId, the type and
 * its size/IOPS/throughput ranges (the same rules as a launch's mappings),
 * the snapshot, tags, authorization, DryRun. The volume is `creating` for
 * the `volumeCreate` duration, then `available`. Every volume is encrypted
 * with the account's default EBS key, as the launch's are: `Encrypted:
 * false` is accepted (decision: encryption by default overrides it, as AWS
 * documents), a KmsKeyId is refused as not modelled.
 */
export const createVolume: Operation<CreateVolumeCommandInput, CreateVolumeCommandOutput> = (ctx, input) => {
  const zone = optionalString(input.AvailabilityZone);
  if (zone === undefined || zone === "") throw errors.missingParameter("AvailabilityZone");
  refuseUnmodelled("CreateVolume", input, createVolumeMembers);
  if (ctx.region.network.zoneNamed(zone) === undefined) throw errors.zoneNotFound(clipped(zone));
  const snapshotId = optionalString(input.SnapshotId);
  if (input.Size === undefined && snapshotId === undefined) throw errors.missingParameter("size or snapshotId");
  const volumeType = checkVolumeType(input.VolumeType ?? "gp2");
  if ((volumeType === "io1" || volumeType === "io2") && input.Iops === undefined) throw errors.iopsRequired(volumeType);
  let sizeGiB = input.Size;
  if (snapshotId !== undefined) {
    if (!ctx.region.hasSnapshot(snapshotId)) throw errors.snapshotNotFound(clipped(snapshotId));
    const snapshotGiB = ctx.region.snapshotSize(snapshotId) ?? 1;
    if (sizeGiB !== undefined && sizeGiB < snapshotGiB) throw errors.volumeSmallerThanSnapshot(sizeGiB, snapshotId, snapshotGiB);
    sizeGiB ??= snapshotGiB;
  }
  checkVolumeLimits({ sizeGiB: sizeGiB!, volumeType, iops: input.Iops, throughput: input.Throughput });
  const tags = readTagsOf(input.TagSpecifications, "volume");
  const settings = ctx.region.settings;
  const created = newResource(
    settings,
    "volume",
    { "ec2:AvailabilityZone": zone, "ec2:VolumeType": volumeType, "ec2:VolumeSize": String(sizeGiB), "ec2:Encrypted": "true" },
    tags,
  );
  ctx.authorize("CreateVolume", [created]);
  if (tags.size > 0) ctx.authorize("CreateTags", [created], { keys: { "ec2:CreateAction": "CreateVolume" } });
  if (input.DryRun === true) throw errors.dryRun();
  // A state rule: a snapshot CreateSnapshot took is usable once `completed` (an image's are always).
  const snapshot = snapshotId === undefined ? undefined : ctx.region.snapshots.get(snapshotId);
  if (snapshot !== undefined && snapshotState(snapshot, snapshotView(ctx)) === "pending") throw errors.snapshotNotCompleted("pending");
  // The same ClientToken: the volume the first call made (idempotency; decision: the other members are not compared).
  const token = optionalString(input.ClientToken);
  const earlier = token === undefined || token === "" ? undefined : ctx.region.volumes.byClientToken(token);
  const volume =
    earlier ??
    ctx.region.volumes.create(
      newId("vol"),
      {
        sizeGiB: sizeGiB!,
        volumeType,
        iops: input.Iops,
        throughput: input.Throughput,
        snapshotId: snapshotId ?? "",
        availabilityZone: zone,
      },
      new Date(ctx.now),
      tags,
    );
  if (token !== undefined && token !== "") ctx.region.volumes.rememberClientToken(token, volume.volumeId);
  const { Attachments: _none, ...shown } = renderVolume(volume, {
    kmsKeyId: ctx.region.ebsKmsKeyId,
    now: ctx.now,
    createMs: settings.durations.volumeCreate,
  });
  return shown;
};

/**
 * DeleteVolume: a volume not attached is `deleting` for the `volumeDelete`
 * duration, then leaves DescribeVolumes (kept for usage, billed until the
 * call); an attached one, `detaching` included, is `VolumeInUse`. Deleting a
 * volume already `deleting` succeeds and changes nothing (decision).
 */
export const deleteVolume: Operation<DeleteVolumeCommandInput, DeleteVolumeCommandOutput> = (ctx, input) => {
  const volumeId = optionalString(input.VolumeId);
  if (volumeId === undefined || volumeId === "") throw errors.missingParameter("VolumeId");
  refuseUnmodelled("DeleteVolume", input, ["VolumeId"]);
  const [volume] = findVolumes(ctx, [volumeId]);
  ctx.authorize("DeleteVolume", [volumeResource(ctx.region.settings, volume!)]);
  if (input.DryRun === true) throw errors.dryRun();
  if (volume!.deleteTime !== undefined) return {};
  if (volume!.attachment !== undefined) throw errors.volumeInUse(volume!.volumeId, volume!.attachment.instanceId);
  ctx.region.volumes.delete(volume!, ctx.now, ctx.region.settings.durations.volumeDelete);
  return {};
};

/**
 * AttachVolume: an `available` volume to a running or stopped instance of
 * its zone, at a device name of EC2's forms the instance does not use. The
 * volume is `in-use` at once; its attachment is `attaching` for the
 * `volumeAttach` duration, then `attached` (derived from the attach time on
 * read). DeleteOnTermination is false, as EC2 sets it for attached volumes.
 * A volume still `detaching` is attached (`VolumeInUse`); an instance at
 * its type's EBS attachment limit (`ebsAttachmentLimit`, detaching volumes
 * counted) is `AttachmentLimitExceeded`.
 */
export const attachVolume: Operation<AttachVolumeCommandInput, AttachVolumeCommandOutput> = (ctx, input) => {
  const device = optionalString(input.Device);
  if (device === undefined || device === "") throw errors.missingParameter("Device");
  const instanceId = optionalString(input.InstanceId);
  if (instanceId === undefined || instanceId === "") throw errors.missingParameter("InstanceId");
  const volumeId = optionalString(input.VolumeId);
  if (volumeId === undefined || volumeId === "") throw errors.missingParameter("VolumeId");
  refuseUnmodelled("AttachVolume", input, ["Device", "InstanceId", "VolumeId"]);
  checkDeviceName(device);
  const [volume] = findVolumes(ctx, [volumeId]);
  const [instance] = findInstances(ctx, [instanceId]);
  const settings = ctx.region.settings;
  ctx.authorize("AttachVolume", [volumeResource(settings, volume!), instanceResource(settings, instance!)]);
  if (input.DryRun === true) throw errors.dryRun();
  if (volume!.attachment !== undefined) throw errors.volumeAlreadyAttached(volume!.volumeId);
  const state = volumeState(volume!, ctx.now, settings.durations.volumeCreate);
  if (state !== "available") throw errors.volumeNotAvailable(volume!.volumeId, state);
  if (volume!.availabilityZone !== instance!.subnet.availabilityZone)
    throw errors.volumeZoneMismatch(volume!.volumeId, instance!.instanceId);
  const phase = instance!.machine.phase;
  if (phase !== "running" && phase !== "stopped") throw errors.instanceNotAttachable(instance!.instanceId);
  if (instance!.volumes.some((v) => v.deviceName === device)) throw errors.deviceInUse(clipped(device));
  const limit = ebsAttachmentLimit(settings, instance!.instanceType);
  if (instance!.volumes.length >= limit) throw errors.attachmentLimitExceeded(limit);
  const attachment = {
    volumeId: volume!.volumeId,
    instanceId: instance!.instanceId,
    deviceName: device,
    deleteOnTermination: false,
    attachTime: new Date(ctx.now),
    byAttachVolume: true,
  };
  instance!.volumes.push(attachment);
  volume!.attachment = attachment;
  return {
    AttachTime: new Date(ctx.now),
    Device: device,
    InstanceId: instance!.instanceId,
    State: settings.durations.volumeAttach > 0 ? "attaching" : "attached",
    VolumeId: volume!.volumeId,
  };
};
