import type {
  DescribeVolumeAttributeCommandInput,
  DescribeVolumeAttributeCommandOutput,
  DescribeVolumeStatusCommandInput,
  DescribeVolumeStatusCommandOutput,
  DescribeVolumesModificationsCommandInput,
  DescribeVolumesModificationsCommandOutput,
  ModifyVolumeAttributeCommandInput,
  ModifyVolumeAttributeCommandOutput,
  ModifyVolumeCommandInput,
  ModifyVolumeCommandOutput,
  VolumeStatusItem,
  VolumeType,
} from "@aws-sdk/client-ec2";
import { volumeResource } from "../../iam/resources.js";
import { optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { type FilterTable, literalValuesOf, type ValuesOf } from "../filters.js";
import { checkVolumeLimits, checkVolumeType } from "../model/ebs-limits.js";
import { isWellFormedId } from "../model/ids.js";
import { regionsAndZones } from "../model/region-catalogue.js";
import {
  configurationOf,
  type Ec2VolumeModification,
  MODIFICATIONS_PER_WINDOW,
  modificationState,
  RATE_WINDOW_MS,
  renderModification,
  sameConfiguration,
  targetOf,
} from "../model/volume-modifications.js";
import { type Ec2Volume, volumeState } from "../model/volumes.js";
import { encodeToken, type MaxResultsRule, type Position, takePage } from "../pagination.js";
import { readDescribeQuery } from "./describe-query.js";

/**
 * Elastic Volumes and volume status: ModifyVolume, DescribeVolumesModifications,
 * DescribeVolumeStatus, DescribeVolumeAttribute and ModifyVolumeAttribute,
 * in EC2's order of checks (parameters → existence → authorization → DryRun
 * → state rules → effect). docs/behaviour.md, "EBS volume modifications and
 * status", gives the source of each rule.
 */

/** Every id well formed, then every id a live volume of the region (NotFound names every missing one); in creation order. */
function findVolumes(ctx: OperationContext, ids: readonly string[]): Ec2Volume[] {
  for (const id of ids) if (!isWellFormedId("vol", id)) throw errors.malformedVolumeId(id);
  const unique = [...new Set(ids)];
  const missing = unique.filter((id) => !ctx.region.volumes.has(id));
  if (missing.length > 0) throw errors.volumesNotFound(missing);
  return unique.map((id) => ctx.region.volumes.get(id)!).sort((a, b) => a.seq - b.seq);
}

/** The one volume a `VolumeId` member names (MissingParameter when absent). */
function findVolume(ctx: OperationContext, value: unknown): Ec2Volume {
  const volumeId = optionalString(value);
  if (volumeId === undefined || volumeId === "") throw errors.missingParameter("VolumeId");
  return findVolumes(ctx, [volumeId])[0]!;
}

/** A non-negative integer member, else EC2's InvalidParameterValue. */
function optionalInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw errors.invalidValueFor(name, String(value));
  return n;
}

/**
 * ModifyVolume: a new size (only growing), type, IOPS or throughput for an
 * `available` or `in-use` volume, within the target type's ranges (the
 * same limits as CreateVolume). The modification is `modifying` for the
 * `volumeModify` duration, `optimizing` for `volumeOptimize`, then
 * `completed`; the volume shows its target from `optimizing` on. A volume
 * whose previous modification is not `completed` is IncorrectModificationState;
 * a fifth modification within 24 hours is VolumeModificationRateExceeded.
 * Multi-Attach is not modelled: `MultiAttachEnabled` is refused by name.
 */
export const modifyVolume: Operation<ModifyVolumeCommandInput, ModifyVolumeCommandOutput> = (ctx, input) => {
  const volumeId = optionalString(input.VolumeId);
  if (volumeId === undefined || volumeId === "") throw errors.missingParameter("VolumeId");
  refuseUnmodelled("ModifyVolume", input, ["VolumeId", "Size", "VolumeType", "Iops", "Throughput"]);
  const sizeGiB = optionalInteger(input.Size, "size");
  const iops = optionalInteger(input.Iops, "iops");
  const throughput = optionalInteger(input.Throughput, "throughput");
  const requestedType = optionalString(input.VolumeType);
  const volumeType: VolumeType | undefined = requestedType === undefined ? undefined : checkVolumeType(requestedType);
  ctx.region.volumeModifications.applyDue(ctx.now, ctx.region.volumes);
  const volume = findVolume(ctx, volumeId);
  const original = configurationOf(volume);
  if (sizeGiB !== undefined && sizeGiB < original.sizeGiB) throw errors.volumeSizeDecrease();
  const target = targetOf(original, { sizeGiB, volumeType, iops, throughput });
  checkVolumeLimits({
    sizeGiB: target.sizeGiB,
    volumeType: target.volumeType as VolumeType,
    iops: target.requestedIops,
    throughput: target.requestedThroughput,
  });
  const { requestedIops: _iops, requestedThroughput: _throughput, ...targetConfiguration } = target;
  if (sameConfiguration(original, targetConfiguration)) throw errors.volumeModificationNoChange(volume.volumeId);
  const settings = ctx.region.settings;
  ctx.authorize("ModifyVolume", [volumeResource(settings, volume)]);
  if (input.DryRun === true) throw errors.dryRun();
  const state = volumeState(volume, ctx.now, settings.durations.volumeCreate);
  if (state !== "available" && state !== "in-use") throw errors.volumeNotAvailable(volume.volumeId, state);
  const store = ctx.region.volumeModifications;
  const previous = store.latest(volume.volumeId);
  if (previous !== undefined) {
    const previousState = modificationState(previous, ctx.now);
    if (previousState !== "completed") throw errors.incorrectModificationState(volume.volumeId, previousState.toUpperCase());
  }
  const recent = store.startedSince(volume.volumeId, ctx.now - RATE_WINDOW_MS);
  if (recent.count >= MODIFICATIONS_PER_WINDOW) {
    throw errors.volumeModificationRateExceeded(new Date(recent.earliest! + RATE_WINDOW_MS).toISOString());
  }
  const optimizingAt = ctx.now + settings.durations.volumeModify;
  const modification = store.start({
    volumeId: volume.volumeId,
    startTime: ctx.now,
    optimizingAt,
    endTime: optimizingAt + settings.durations.volumeOptimize,
    original,
    target: targetConfiguration,
  });
  // With no `modifying` time (the instant profile), the volume shows its target at once.
  store.applyDue(ctx.now, ctx.region.volumes);
  return { VolumeModification: renderModification(modification, ctx.now) };
};

/** A filter of DescribeVolumesModifications: reads values off a modification. */
type ModificationValues = ValuesOf<Ec2VolumeModification, OperationContext>;

/** DescribeVolumesModifications' filters, by EC2 name (source: API reference, DescribeVolumesModifications). Values mirror `renderModification`. */
export const volumeModificationFilters: FilterTable<Ec2VolumeModification, OperationContext> = {
  exact: {
    "volume-id": (m) => m.volumeId,
    "modification-state": (m, ctx) => modificationState(m, ctx.now),
    "target-size": (m) => String(m.target.sizeGiB),
    "target-iops": (m) => (m.target.iops === undefined ? undefined : String(m.target.iops)),
    "target-volume-type": (m) => m.target.volumeType,
    "original-size": (m) => String(m.original.sizeGiB),
    "original-iops": (m) => (m.original.iops === undefined ? undefined : String(m.original.iops)),
    "original-volume-type": (m) => m.original.volumeType,
    "start-time": (m) => new Date(m.startTime).toISOString(),
  } satisfies Record<string, ModificationValues>,
  prefixed: {},
};

/** DescribeVolumesModifications' page sizes: up to 500 (API reference); 5 at least and a larger value clamped, as DescribeVolumes (decision). */
export const volumeModificationsMaxResults: MaxResultsRule = { idsParameter: "volumeSet", min: 5, max: 500, above: "clamp" };

/** Where a modification stands in start order. */
function modificationPosition(m: Ec2VolumeModification): Position {
  return { seq: m.seq, index: 0 };
}

/**
 * DescribeVolumesModifications: the latest modification of each live volume
 * (one per volume, in start order), by volume id and filters, paged. A named
 * volume never modified is InvalidVolumeModification.NotFound.
 */
export const describeVolumesModifications: Operation<
  DescribeVolumesModificationsCommandInput,
  DescribeVolumesModificationsCommandOutput
> = (ctx, input) => {
  const { ids, max, filters, accept, digest, after } = readDescribeQuery(input, {
    action: "DescribeVolumesModifications",
    ids: input.VolumeIds,
    maxResults: volumeModificationsMaxResults,
    // IncludeManagedResources is modelled: the mock has no managed volume, so hidden or shown, the list is the same.
    modelled: ["VolumeIds", "Filters", "NextToken", "MaxResults", "IncludeManagedResources"],
    table: volumeModificationFilters,
  });
  const store = ctx.region.volumeModifications;
  store.applyDue(ctx.now, ctx.region.volumes);
  const named = ids.length > 0 ? findVolumes(ctx, ids) : undefined;
  for (const volume of named ?? [])
    if (store.latest(volume.volumeId) === undefined) throw errors.volumeModificationNotFound(volume.volumeId);
  ctx.authorize("DescribeVolumesModifications", []);
  if (input.DryRun === true) throw errors.dryRun();
  const volumeIds = named?.map((v) => v.volumeId) ?? literalValuesOf(filters, "volume-id");
  let candidates: Ec2VolumeModification[];
  if (volumeIds !== undefined) {
    candidates = [...new Set(volumeIds)]
      .filter((id) => ctx.region.volumes.has(id))
      .map((id) => store.latest(id))
      .filter((m): m is Ec2VolumeModification => m !== undefined)
      .sort((a, b) => a.seq - b.seq);
  } else {
    candidates = store.list().filter((m) => store.latest(m.volumeId) === m && ctx.region.volumes.has(m.volumeId));
  }
  const page = takePage(candidates, modificationPosition, (m) => accept(m, ctx), after, max);
  return {
    VolumesModifications: page.items.map((m) => renderModification(m, ctx.now)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** The volume types whose I/O performance EBS checks (EBS User Guide, "Amazon EBS volume events": io1, io2 and gp3 only). */
const PERFORMANCE_CHECKED = new Set(["io1", "io2", "gp3"]);

/** Whether a volume's status checks have not run yet: while it is `creating`. */
function checksPending(ctx: OperationContext, volume: Ec2Volume): boolean {
  return volumeState(volume, ctx.now, ctx.region.settings.durations.volumeCreate) === "creating";
}

/** A volume's status: `insufficient-data` while creating, else `ok` with its two checks (decision: no check ever fails). */
function volumeStatusOf(
  ctx: OperationContext,
  volume: Ec2Volume,
): { status: "ok" | "insufficient-data"; ioEnabled: string; ioPerformance: string } {
  if (checksPending(ctx, volume))
    return { status: "insufficient-data", ioEnabled: "insufficient-data", ioPerformance: "insufficient-data" };
  return { status: "ok", ioEnabled: "passed", ioPerformance: PERFORMANCE_CHECKED.has(volume.volumeType) ? "normal" : "not-applicable" };
}

let zoneIds: Map<string, string> | undefined;
/** A zone's id (`use1-az2`) from the Region catalogue, by zone name. */
function zoneIdOf(zoneName: string): string | undefined {
  if (zoneIds === undefined) {
    zoneIds = new Map();
    for (const region of regionsAndZones()) for (const zone of region.Zones) zoneIds.set(zone.ZoneName, zone.ZoneId);
  }
  return zoneIds.get(zoneName);
}

/** The SDK `VolumeStatusItem` of a live volume: no event, no action (the mock's volumes are never impaired). */
function renderVolumeStatus(ctx: OperationContext, volume: Ec2Volume): VolumeStatusItem {
  const status = volumeStatusOf(ctx, volume);
  const attachment = volume.attachment;
  const zoneId = zoneIdOf(volume.availabilityZone);
  return {
    Actions: [],
    AvailabilityZone: volume.availabilityZone,
    ...(zoneId === undefined ? {} : { AvailabilityZoneId: zoneId }),
    Events: [],
    VolumeId: volume.volumeId,
    VolumeStatus: {
      Details: [
        { Name: "io-enabled", Status: status.ioEnabled },
        { Name: "io-performance", Status: status.ioPerformance },
      ],
      Status: status.status,
    },
    ...(attachment === undefined
      ? {}
      : {
          AttachmentStatuses: [
            {
              InstanceId: attachment.instanceId,
              ...(PERFORMANCE_CHECKED.has(volume.volumeType) ? { IoPerformance: status.ioPerformance } : {}),
            },
          ],
        }),
  };
}

/** A filter of DescribeVolumeStatus: reads values off a volume. */
type StatusValues = ValuesOf<Ec2Volume, OperationContext>;

/** No event or action ever exists: these filters match nothing. */
const never: StatusValues = () => undefined;

/** DescribeVolumeStatus' filters, by EC2 name (source: API reference, DescribeVolumeStatus). Values mirror `renderVolumeStatus`. */
export const volumeStatusFilters: FilterTable<Ec2Volume, OperationContext> = {
  exact: {
    "action.code": never,
    "action.description": never,
    "action.event-id": never,
    "attachment-status.instance-id": (v) => v.attachment?.instanceId,
    "attachment-status.io-performance": (v, ctx) =>
      v.attachment !== undefined && PERFORMANCE_CHECKED.has(v.volumeType) ? volumeStatusOf(ctx, v).ioPerformance : undefined,
    "availability-zone": (v) => v.availabilityZone,
    "event.description": never,
    "event.event-id": never,
    "event.event-type": never,
    "event.not-after": never,
    "event.not-before": never,
    "volume-status.details-name": () => ["io-enabled", "io-performance"],
    "volume-status.details-status": (v, ctx) => {
      const status = volumeStatusOf(ctx, v);
      return [status.ioEnabled, status.ioPerformance];
    },
    "volume-status.status": (v, ctx) => volumeStatusOf(ctx, v).status,
  } satisfies Record<string, StatusValues>,
  prefixed: {},
};

/**
 * DescribeVolumeStatus' page sizes: 5..1000; a larger value returns 1000
 * items (source: API reference, DescribeVolumeStatus `MaxResults`, as it
 * documented the range; decision to keep it).
 */
export const volumeStatusMaxResults: MaxResultsRule = { idsParameter: "volumeSet", min: 5, max: 1000, above: "clamp" };

/** Where a volume stands in creation order. */
function volumePosition(volume: Ec2Volume): Position {
  return { seq: volume.seq, index: 0 };
}

/** DescribeVolumeStatus: the status of the region's live volumes, by id and filters, paged in creation order. */
export const describeVolumeStatus: Operation<DescribeVolumeStatusCommandInput, DescribeVolumeStatusCommandOutput> = (ctx, input) => {
  const { ids, max, accept, digest, after } = readDescribeQuery(input, {
    action: "DescribeVolumeStatus",
    ids: input.VolumeIds,
    maxResults: volumeStatusMaxResults,
    // IncludeManagedResources is modelled: the mock has no managed volume.
    modelled: ["VolumeIds", "Filters", "NextToken", "MaxResults", "IncludeManagedResources"],
    table: volumeStatusFilters,
  });
  const named = ids.length > 0 ? findVolumes(ctx, ids) : undefined;
  ctx.authorize("DescribeVolumeStatus", []);
  if (input.DryRun === true) throw errors.dryRun();
  const page = takePage(named ?? ctx.region.volumes.values(), volumePosition, (v) => accept(v, ctx), after, max);
  return {
    VolumeStatuses: page.items.map((v) => renderVolumeStatus(ctx, v)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** DescribeVolumeAttribute's attributes (API reference: `Attribute` valid values). */
const volumeAttributes = ["autoEnableIO", "productCodes"] as const;

/**
 * DescribeVolumeAttribute: a volume's `autoEnableIO` (off until
 * ModifyVolumeAttribute turns it on) or `productCodes` (none: the mock's
 * volumes come from no Marketplace product).
 */
export const describeVolumeAttribute: Operation<DescribeVolumeAttributeCommandInput, DescribeVolumeAttributeCommandOutput> = (
  ctx,
  input,
) => {
  const attribute = optionalString(input.Attribute);
  if (attribute === undefined || attribute === "") throw errors.missingParameter("Attribute");
  if (!(volumeAttributes as readonly string[]).includes(attribute)) throw errors.unknownAttribute(attribute);
  refuseUnmodelled("DescribeVolumeAttribute", input, ["Attribute", "VolumeId"]);
  const volume = findVolume(ctx, input.VolumeId);
  ctx.authorize("DescribeVolumeAttribute", [volumeResource(ctx.region.settings, volume)]);
  if (input.DryRun === true) throw errors.dryRun();
  if (attribute === "productCodes") return { VolumeId: volume.volumeId, ProductCodes: [] };
  return { VolumeId: volume.volumeId, AutoEnableIO: { Value: ctx.region.volumeModifications.autoEnableIO(volume.volumeId) } };
};

/** A boolean attribute value: a boolean, or (from the wire) `"true"` / `"false"`. */
function readBoolean(value: unknown, name: string): boolean {
  if (typeof value === "boolean") return value;
  const text = String(value).toLowerCase();
  if (text === "true" || text === "false") return text === "true";
  throw errors.notOneOf(name, String(value), ["true", "false"]);
}

/** ModifyVolumeAttribute: sets a volume's `autoEnableIO`, the one attribute EC2 modifies. */
export const modifyVolumeAttribute: Operation<ModifyVolumeAttributeCommandInput, ModifyVolumeAttributeCommandOutput> = (ctx, input) => {
  const volumeId = optionalString(input.VolumeId);
  if (volumeId === undefined || volumeId === "") throw errors.missingParameter("VolumeId");
  refuseUnmodelled("ModifyVolumeAttribute", input, ["VolumeId", "AutoEnableIO"]);
  const value = input.AutoEnableIO?.Value;
  if (value === undefined || value === null) throw errors.noAttributesSpecified();
  const on = readBoolean(value, "AutoEnableIO");
  const volume = findVolume(ctx, volumeId);
  ctx.authorize("ModifyVolumeAttribute", [volumeResource(ctx.region.settings, volume)]);
  if (input.DryRun === true) throw errors.dryRun();
  ctx.region.volumeModifications.setAutoEnableIO(volume.volumeId, on);
  return {};
};
