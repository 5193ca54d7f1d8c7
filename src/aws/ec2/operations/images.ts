import type {
  BlockDeviceMapping,
  CopyImageCommandInput,
  CopyImageCommandOutput,
  CreateImageCommandInput,
  CreateImageCommandOutput,
  DeregisterImageCommandInput,
  DeregisterImageCommandOutput,
  DescribeImageAttributeCommandInput,
  DescribeImageAttributeCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  Image,
  RegisterImageCommandInput,
  RegisterImageCommandOutput,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { imageResource } from "../../iam/resources.js";
import { authorizeAndDryRun, optionalString, refuseUnmodelled } from "../checks.js";
import type { AuthResource, Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters, type ValuesOf } from "../filters.js";
import { ec2Requests } from "../model/causes.js";
import { isWellFormedId, newId } from "../model/ids.js";
import {
  copyImageDurationMs,
  createImageDurationMs,
  type ImageCatalogue,
  type ImageEntry,
  type MockImage,
  type OwnImage,
} from "../model/images.js";
import { enaSupportOf } from "../model/instance.js";
import { checkFilterCount } from "../model/limits.js";
import { COPIED_VOLUME_ID } from "../model/snapshots.js";
import { readTagSpecifications, readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, type Position, readMaxResults, readToken, takePage } from "../pagination.js";
import type { Ec2Region } from "../region.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";

/**
 * Images (AMIs): DescribeImages, DescribeImageAttribute, CreateImage,
 * RegisterImage, CopyImage and DeregisterImage, in EC2's order of checks
 * (parameters → existence → authorization → DryRun → state rules →
 * effect). docs/behaviour.md, "Images", gives the source of each rule.
 */

/** The owner aliases DescribeImages' `Owners` takes besides `self` and account ids (API reference). */
const OWNER_ALIASES: ReadonlySet<string> = new Set(["amazon", "aws-marketplace", "aws-backup-vault"]);

/** An AWS account id: 12 digits. */
const accountIdPattern = /^[0-9]{12}$/;

/**
 * A new image's name (API reference, CreateImage `Name`: 3-128 letters,
 * digits, parentheses, square brackets, spaces, periods, slashes, dashes,
 * single quotes, at-signs or underscores).
 */
const imageNamePattern = /^[A-Za-z0-9()[\] ./'@_-]{3,128}$/;

/** DescribeImages' page sizes (decision: the 5..1000 of EC2's other paged Describe calls, refused outside). */
export const imagesMaxResults: MaxResultsRule = { idsParameter: "ImageId", min: 5, max: 1000, above: "error" };

/** A list parameter as strings; missing means none. */
function readList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** A new image's name: required, and in EC2's character set and length. */
function readNewImageName(value: unknown): string {
  const name = optionalString(value);
  if (name === undefined || name === "") throw errors.missingParameter("Name");
  if (!imageNamePattern.test(name)) throw errors.malformedImageName();
  return name;
}

/** An image listed by DescribeImages: its SDK view, where it stands, and its record when the account owns it. */
interface Listed {
  readonly image: MockImage;
  readonly position: number;
  readonly own: OwnImage | undefined;
}

/** The SDK view of a catalogue entry (an own image's with its state and tags). */
function listed(catalogue: ImageCatalogue, entry: ImageEntry): Listed {
  return entry.kind === "own"
    ? { image: catalogue.view(entry.own), position: entry.position, own: entry.own }
    : { image: entry.image, position: entry.position, own: undefined };
}

/** A filter of DescribeImages: reads values off an image. */
type ImageValues = ValuesOf<Listed, OperationContext>;

/** The values of one member of every EBS mapping of an image. */
function ebsValues(pick: (ebs: NonNullable<BlockDeviceMapping["Ebs"]>) => unknown): ImageValues {
  return ({ image }) =>
    (image.BlockDeviceMappings ?? []).flatMap((m) => {
      const value = m.Ebs === undefined ? undefined : pick(m.Ebs);
      return value === undefined ? [] : [String(value)];
    });
}

/** A boolean member as the filter sees it (`true` / `false`), absent when the image has none. */
function bool(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** DescribeImages' filters, by EC2 name (source: API reference, DescribeImages `Filters`). */
export const imageFilters: FilterTable<Listed, OperationContext> = {
  exact: {
    architecture: ({ image }) => image.Architecture,
    "block-device-mapping.delete-on-termination": ebsValues((ebs) => ebs.DeleteOnTermination),
    "block-device-mapping.device-name": ({ image }) => (image.BlockDeviceMappings ?? []).flatMap((m) => m.DeviceName ?? []),
    "block-device-mapping.snapshot-id": ebsValues((ebs) => ebs.SnapshotId),
    "block-device-mapping.volume-size": ebsValues((ebs) => ebs.VolumeSize),
    "block-device-mapping.volume-type": ebsValues((ebs) => ebs.VolumeType),
    "block-device-mapping.encrypted": ebsValues((ebs) => ebs.Encrypted),
    "creation-date": ({ image }) => image.CreationDate,
    description: ({ image }) => image.Description,
    "ena-support": ({ image }) => bool(image.EnaSupport),
    hypervisor: ({ image }) => image.Hypervisor,
    "image-id": ({ image }) => image.ImageId,
    "image-type": ({ image }) => image.ImageType ?? "machine",
    "is-public": ({ image }) => bool(image.Public),
    "kernel-id": ({ image }) => image.KernelId,
    "manifest-location": ({ image }) => image.ImageLocation,
    name: ({ image }) => image.Name,
    "owner-alias": ({ image }) => image.ImageOwnerAlias,
    "owner-id": ({ image }) => image.OwnerId,
    platform: ({ image }) => (image.Platform === undefined ? undefined : String(image.Platform).toLowerCase()),
    "product-code": ({ image }) => (image.ProductCodes ?? []).flatMap((p) => p.ProductCodeId ?? []),
    "product-code.type": ({ image }) => (image.ProductCodes ?? []).flatMap((p) => p.ProductCodeType ?? []),
    "ramdisk-id": ({ image }) => image.RamdiskId,
    "root-device-name": ({ image }) => image.RootDeviceName,
    "root-device-type": ({ image }) => image.RootDeviceType,
    "source-image-id": ({ image }) => image.SourceImageId,
    "source-image-region": ({ image }) => image.SourceImageRegion,
    "source-instance-id": ({ image }) => image.SourceInstanceId,
    state: ({ image }) => image.State,
    "state-reason-code": ({ image }) => image.StateReason?.Code,
    "state-reason-message": ({ image }) => image.StateReason?.Message,
    "sriov-net-support": ({ image }) => image.SriovNetSupport,
    "virtualization-type": ({ image }) => image.VirtualizationType,
    "tag-key": ({ image }) => (image.Tags ?? []).flatMap((t) => t.Key ?? []),
  } satisfies Record<string, ImageValues>,
  prefixed: {
    "tag:":
      (key) =>
      ({ image }) =>
        image.Tags?.find((t) => t.Key === key)?.Value,
  },
};

/** Filters EC2 documents that the mock refuses by name (it has no data for them). */
const unmodelledImageFilters: ReadonlySet<string> = new Set(["free-tier-eligible", "image-allowed"]);

/** Whether an image matches one `Owners` value. */
function ownedBy(image: MockImage, owner: string, accountId: string): boolean {
  if (owner === "self") return image.OwnerId === accountId;
  if (OWNER_ALIASES.has(owner)) return image.ImageOwnerAlias === owner;
  return image.OwnerId === owner;
}

/**
 * Whether the account named by one `ExecutableUsers` value has explicit
 * launch permission: `all` is every public image; an account id (or `self`)
 * has none, because the mock shares no image (ModifyImageAttribute is not
 * modelled: decision, docs/behaviour.md).
 */
function executableBy(image: MockImage, user: string): boolean {
  return user === "all" && image.Public === true;
}

/** Whether an image is deprecated at `now` (its DeprecationTime has passed). */
function isDeprecated(image: MockImage, now: number): boolean {
  if (image.DeprecationTime === undefined) return false;
  const at = Date.parse(image.DeprecationTime);
  return Number.isFinite(at) && at <= now;
}

/** Whether a deregistered own image past its visible interval is still referenced by an instance of the region. */
function stillReferenced(region: Ec2Region, imageId: string): boolean {
  for (const instance of region.instances.values()) {
    if (instance.image.ImageId === imageId && instance.machine.phase !== "terminated") return true;
  }
  return false;
}

/** The image as the SDK's `Image`: the mock's `Platform` is EC2's wire value. */
function asSdkImage(image: MockImage): Image {
  return image as Image;
}

/**
 * DescribeImages: the images available to the account (public, its own),
 * those named by `ImageIds`, narrowed by `Owners`, `ExecutableUsers`,
 * `Filters` and `IncludeDeprecated`, paged.
 */
export const describeImages: Operation<DescribeImagesCommandInput, DescribeImagesCommandOutput> = (ctx, input) => {
  const ids = readOptionalIds(input.ImageIds);
  const owners = readList(input.Owners);
  const users = readList(input.ExecutableUsers);
  const max = readMaxResults(input.MaxResults, ids.length > 0, imagesMaxResults);
  // IncludeDisabled is modelled: the mock has no disabled image, so the list is the same either way.
  refuseUnmodelled("DescribeImages", input, [
    "ImageIds",
    "Owners",
    "ExecutableUsers",
    "Filters",
    "IncludeDeprecated",
    "IncludeDisabled",
    "MaxResults",
    "NextToken",
  ]);
  for (const owner of owners) {
    if (owner !== "self" && !OWNER_ALIASES.has(owner) && !accountIdPattern.test(owner)) throw errors.malformedUserId(owner);
  }
  for (const user of users) {
    if (user !== "self" && user !== "all" && !accountIdPattern.test(user)) throw errors.malformedUserId(user);
  }
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  for (const filter of filters) if (unmodelledImageFilters.has(filter.name)) throw errors.unmodelledFilter("DescribeImages", filter.name);
  const accept = compileFilters(filters, imageFilters);
  const includeDeprecated = input.IncludeDeprecated === true;
  const digest = digestOf({
    action: "DescribeImages",
    filters: canonicalFilters(filters),
    owners: [...new Set(owners)].sort(),
    users: [...new Set(users)].sort(),
    includeDeprecated,
  });
  const after = readToken(input.NextToken, digest);
  const catalogue = ctx.region.images;
  const accountId = ctx.region.settings.accountId;
  let named: Listed[] | undefined;
  if (ids.length > 0) {
    for (const id of ids) if (!isWellFormedId("ami", id)) throw errors.malformedImageId(id);
    named = [];
    const byId = new Map<string, Listed>();
    for (const entry of catalogue.entries()) {
      const id = entry.kind === "own" ? entry.own.image.ImageId! : entry.image.ImageId!;
      if (ids.includes(id)) byId.set(id, listed(catalogue, entry));
    }
    for (const id of new Set(ids)) {
      const found = byId.get(id);
      if (found?.own !== undefined && catalogue.isGone(found.own)) {
        // Past its interval: no longer shown; an error once no instance references it (API reference, DescribeImages).
        if (stillReferenced(ctx.region, id)) continue;
        throw errors.imageNotFound(id);
      }
      if (found === undefined) throw errors.imageNotFound(id);
    }
    named = [...byId.values()].filter((l) => l.own === undefined || !catalogue.isGone(l.own)).sort((a, b) => a.position - b.position);
  }
  ctx.authorize("DescribeImages", []);
  if (input.DryRun === true) throw errors.dryRun();
  const candidates: Iterable<Listed> =
    named ??
    (function* () {
      for (const entry of catalogue.entries()) {
        if (entry.kind === "own" && catalogue.isGone(entry.own)) continue;
        yield listed(catalogue, entry);
      }
    })();
  const keep = (l: Listed): boolean => {
    if (owners.length > 0 && !owners.some((owner) => ownedBy(l.image, owner, accountId))) return false;
    if (users.length > 0 && !users.some((user) => executableBy(l.image, user))) return false;
    if (!includeDeprecated && l.image.OwnerId !== accountId && isDeprecated(l.image, ctx.now)) return false;
    return accept(l, ctx);
  };
  const positionOf = (l: Listed): Position => ({ seq: l.position, index: 0 });
  const page = takePage(candidates, positionOf, keep, after, max);
  return {
    Images: page.items.map((l) => asSdkImage(l.image)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** The account's image with this id, or EC2's errors for a malformed id or one that names no image. */
function findImage(ctx: OperationContext, value: unknown): { image: MockImage; own: OwnImage | undefined } {
  const id = optionalString(value);
  if (id === undefined || id === "") throw errors.missingParameter("ImageId");
  if (!isWellFormedId("ami", id)) throw errors.malformedImageId(id);
  const own = ctx.region.images.ownImage(id);
  if (own !== undefined) {
    if (ctx.region.images.isGone(own)) throw errors.imageNotFound(id);
    return { image: ctx.region.images.view(own), own };
  }
  const image = ctx.region.images.get(id);
  if (image === undefined) throw errors.imageNotFound(id);
  return { image, own: undefined };
}

/**
 * DeregisterImage: the account's own image only (another owner's is
 * AuthFailure); it is shown `deregistered` for a while, then no longer
 * (`DEREGISTERED_VISIBLE_MS`). Instances launched from it are not affected.
 */
export const deregisterImage: Operation<DeregisterImageCommandInput, DeregisterImageCommandOutput> = (ctx, input) => {
  refuseUnmodelled("DeregisterImage", input, ["ImageId"]);
  const { image, own } = findImage(ctx, input.ImageId);
  authorizeAndDryRun(ctx, "DeregisterImage", [imageResource(ctx.region.settings, image)], input.DryRun);
  if (own === undefined) throw errors.imageNotOwned(image.ImageId!);
  if (own.deregisteredAt !== undefined) throw errors.imageNoLongerAvailable(image.ImageId!);
  ctx.region.images.deregister(own, ctx.now);
  return { Return: true };
};

/** DescribeImageAttribute's attributes the mock answers (API reference: `Attribute` valid values). */
const modelledImageAttributes = [
  "description",
  "kernel",
  "ramdisk",
  "launchPermission",
  "productCodes",
  "sriovNetSupport",
  "bootMode",
  "tpmSupport",
  "imdsSupport",
  "deregistrationProtection",
] as const;
/** The other documented attributes, refused by name: the mock has no UEFI variable store and tracks no launch times. */
const unmodelledImageAttributes: ReadonlySet<string> = new Set(["uefiData", "lastLaunchedTime"]);

/** An attribute's value as the SDK's `AttributeValue`: absent when the image has none. */
function attributeValue(value: string | undefined): { Value: string } | Record<string, never> {
  return value === undefined ? {} : { Value: value };
}

/**
 * DescribeImageAttribute: one attribute of an image the account can see.
 * `blockDeviceMapping` is deprecated (AuthFailure, as documented); the
 * attributes the mock has no data for are refused by name.
 */
export const describeImageAttribute: Operation<DescribeImageAttributeCommandInput, DescribeImageAttributeCommandOutput> = (ctx, input) => {
  const attribute = optionalString(input.Attribute);
  if (attribute === undefined || attribute === "") throw errors.missingParameter("Attribute");
  if (attribute !== "blockDeviceMapping" && !unmodelledImageAttributes.has(attribute)) {
    if (!(modelledImageAttributes as readonly string[]).includes(attribute)) throw errors.unknownAttribute(attribute);
  }
  refuseUnmodelled("DescribeImageAttribute", input, ["Attribute", "ImageId"]);
  const { image } = findImage(ctx, input.ImageId);
  authorizeAndDryRun(ctx, "DescribeImageAttribute", [imageResource(ctx.region.settings, image)], input.DryRun);
  if (attribute === "blockDeviceMapping") throw errors.imageBlockDeviceMappingAttribute();
  if (unmodelledImageAttributes.has(attribute)) throw errors.unmodelledImageAttribute(attribute);
  const ImageId = image.ImageId!;
  switch (attribute as (typeof modelledImageAttributes)[number]) {
    case "description":
      return { ImageId, Description: attributeValue(image.Description) };
    case "launchPermission":
      // A public image can be launched by every account (group `all`); the mock shares no image with accounts.
      return { ImageId, LaunchPermissions: image.Public === true ? [{ Group: "all" }] : [] };
    case "bootMode":
      return { ImageId, BootMode: attributeValue(image.BootMode) };
    case "imdsSupport":
      return { ImageId, ImdsSupport: attributeValue(image.ImdsSupport) };
    case "sriovNetSupport":
      return { ImageId, SriovNetSupport: attributeValue(image.SriovNetSupport) };
    case "productCodes":
      return { ImageId, ProductCodes: image.ProductCodes ?? [] };
    case "kernel":
      return { ImageId, KernelId: attributeValue(image.KernelId) };
    case "ramdisk":
      return { ImageId, RamdiskId: attributeValue(image.RamdiskId) };
    case "tpmSupport":
      return { ImageId, TpmSupport: attributeValue(image.TpmSupport) };
    case "deregistrationProtection":
      // EnableImageDeregistrationProtection is not modelled: every image is unprotected.
      return { ImageId, DeregistrationProtection: attributeValue(image.DeregistrationProtection ?? "disabled") };
  }
};

/** The IAM resource of an image a call creates (`…::image/*`), with the tags it will have. */
function newImageResource(ctx: OperationContext, tags: ReadonlyMap<string, string>): AuthResource {
  return { arn: `arn:aws:ec2:${ctx.region.settings.region}::image/*`, keys: {}, requestTags: tags };
}

/** The IAM resource of the snapshots a call creates (`…::snapshot/*`), with the tags they will have. */
function newSnapshotResource(ctx: OperationContext, tags: ReadonlyMap<string, string>): AuthResource {
  return { arn: `arn:aws:ec2:${ctx.region.settings.region}::snapshot/*`, keys: {}, requestTags: tags };
}

/** `InvalidAMIName.Duplicate` when one of the account's images in the region already has the name. */
function checkNameFree(catalogue: ImageCatalogue, name: string): void {
  const holder = catalogue.ownNamed(name);
  if (holder !== undefined) throw errors.imageNameDuplicate(name, holder.image.ImageId!);
}

/** What every new image of the account has in common. */
function baseImage(ctx: OperationContext, imageId: string, name: string, description: string | undefined): MockImage {
  const accountId = ctx.region.settings.accountId;
  return {
    ImageId: imageId,
    ImageLocation: `${accountId}/${name}`,
    OwnerId: accountId,
    CreationDate: new Date(ctx.now).toISOString(),
    Public: false,
    ImageType: "machine",
    Name: name,
    ...(description === undefined ? {} : { Description: description }),
    Hypervisor: "xen",
  };
}

/**
 * CreateImage: an EBS-backed image of a running or stopped instance, one new
 * snapshot per EBS volume in its block device mappings. The instance is
 * rebooted unless `NoReboot`; the image is `pending`, then `available`
 * after a time that grows with the volumes' size (`createImageDurationMs`, from
 * the `imageCreate` duration of the timing option).
 */
export const createImage: Operation<CreateImageCommandInput, CreateImageCommandOutput> = (ctx, input) => {
  const name = readNewImageName(input.Name);
  const instanceId = optionalString(input.InstanceId);
  if (instanceId === undefined || instanceId === "") throw errors.missingParameter("InstanceId");
  const description = optionalString(input.Description);
  const tags = readTagSpecifications(input.TagSpecifications, ["image", "snapshot"]);
  refuseUnmodelled("CreateImage", input, ["InstanceId", "Name", "Description", "NoReboot", "TagSpecifications"]);
  if (!isWellFormedId("i", instanceId)) throw errors.malformedInstanceId(instanceId);
  const instance = ctx.region.instances.get(instanceId);
  if (instance === undefined) throw errors.instancesNotFound([instanceId]);
  const imageTags = tags.get("image") ?? new Map<string, string>();
  const snapshotTags = tags.get("snapshot") ?? new Map<string, string>();
  const targets = [instance, newImageResource(ctx, imageTags), newSnapshotResource(ctx, snapshotTags)];
  ctx.authorize("CreateImage", targets);
  if (imageTags.size + snapshotTags.size > 0) {
    ctx.authorize("CreateTags", targets.slice(1), { keys: { "ec2:CreateAction": "CreateImage" } });
  }
  if (input.DryRun === true) throw errors.dryRun();
  const phase = instance.machine.phase;
  if (phase !== "running" && phase !== "stopped" && phase !== "stopping") throw errors.notInStateFor(instanceId, "imaged");
  const source = instance.image;
  if (source.RootDeviceType !== "ebs") throw errors.imageNeedsEbsRoot(instanceId);
  checkNameFree(ctx.region.images, name);
  // Effect: one new snapshot per EBS volume, the instance's mappings as they are now.
  const mappings: BlockDeviceMapping[] = [];
  const taken: { snapshotId: string; volumeId: string; volumeSizeGiB: number }[] = [];
  let totalGiB = 0;
  for (const attachment of instance.volumes) {
    const volume = ctx.region.volumes.get(attachment.volumeId);
    if (volume === undefined) continue;
    totalGiB += volume.sizeGiB;
    const snapshotId = newId("snap");
    taken.push({ snapshotId, volumeId: volume.volumeId, volumeSizeGiB: volume.sizeGiB });
    mappings.push({
      DeviceName: attachment.deviceName,
      Ebs: {
        DeleteOnTermination: attachment.deleteOnTermination,
        SnapshotId: snapshotId,
        VolumeSize: volume.sizeGiB,
        VolumeType: volume.volumeType as NonNullable<BlockDeviceMapping["Ebs"]>["VolumeType"],
        ...(volume.iops === undefined ? {} : { Iops: volume.iops }),
        ...(volume.throughput === undefined ? {} : { Throughput: volume.throughput }),
        // Every volume of the mock is encrypted with the account's default EBS key, and so are its snapshots.
        Encrypted: true,
      },
    });
  }
  const imageId = newId("ami");
  const image: MockImage = {
    ...baseImage(ctx, imageId, name, description),
    Architecture: source.Architecture,
    ...(source.Platform === undefined ? {} : { Platform: source.Platform }),
    PlatformDetails: source.PlatformDetails,
    UsageOperation: source.UsageOperation,
    RootDeviceType: "ebs",
    RootDeviceName: source.RootDeviceName,
    BlockDeviceMappings: mappings,
    VirtualizationType: source.VirtualizationType,
    EnaSupport: enaSupportOf(instance),
    ...(source.SriovNetSupport === undefined ? {} : { SriovNetSupport: source.SriovNetSupport }),
    ...(source.BootMode === undefined ? {} : { BootMode: source.BootMode }),
    ...(source.ImdsSupport === undefined ? {} : { ImdsSupport: source.ImdsSupport }),
    SourceInstanceId: instanceId,
  };
  if (input.NoReboot !== true && phase === "running") ctx.region.engine.reboot(instance.machine, ec2Requests.reboot);
  ctx.region.images.addOwn(image, ctx.now + createImageDurationMs(totalGiB, ctx.region.settings.durations.imageCreate), imageTags);
  // The snapshots are records of the region's snapshot store (DescribeSnapshots, DeleteSnapshot), described as EC2 does.
  const accountId = ctx.region.settings.accountId;
  const made = `Created by CreateImage(${instanceId}) for ${imageId}`;
  for (const t of taken) ctx.region.snapshots.add({ ...t, description: made, ownerId: accountId, startTime: ctx.now, tags: snapshotTags });
  return { ImageId: imageId };
};

/** RegisterImage's root device: the mapping at `RootDeviceName`, with a snapshot the region knows. */
function readRegisterMappings(ctx: OperationContext, value: unknown, rootDeviceName: string): BlockDeviceMapping[] {
  const mappings = Array.isArray(value) ? (value as BlockDeviceMapping[]) : [];
  for (const mapping of mappings) {
    const snapshotId = mapping.Ebs?.SnapshotId;
    if (snapshotId === undefined) continue;
    if (!isWellFormedId("snap", snapshotId)) throw errors.malformedSnapshotId(snapshotId);
    if (!ctx.region.hasSnapshot(snapshotId)) throw errors.snapshotNotFound(snapshotId);
  }
  const root = mappings.find((m) => m.DeviceName === rootDeviceName);
  if (root?.Ebs?.SnapshotId === undefined) throw errors.missingParameter("BlockDeviceMapping");
  return mappings.map((m) => {
    if (m.Ebs === undefined) return { ...m };
    const size = m.Ebs.VolumeSize ?? (m.Ebs.SnapshotId === undefined ? undefined : ctx.region.snapshotSize(m.Ebs.SnapshotId));
    return {
      DeviceName: m.DeviceName,
      Ebs: {
        DeleteOnTermination: m.Ebs.DeleteOnTermination ?? true,
        ...(m.Ebs.SnapshotId === undefined ? {} : { SnapshotId: m.Ebs.SnapshotId }),
        ...(size === undefined ? {} : { VolumeSize: size }),
        VolumeType: m.Ebs.VolumeType ?? "gp2",
        ...(m.Ebs.Iops === undefined ? {} : { Iops: m.Ebs.Iops }),
        ...(m.Ebs.Throughput === undefined ? {} : { Throughput: m.Ebs.Throughput }),
        Encrypted: m.Ebs.Encrypted ?? true,
      },
    };
  });
}

/** An enum member of RegisterImage, or EC2's InvalidParameterValue. */
function readEnum<T extends string>(parameter: string, value: unknown, allowed: readonly T[], fallback: T): T;
function readEnum<T extends string>(parameter: string, value: unknown, allowed: readonly T[]): T | undefined;
function readEnum<T extends string>(parameter: string, value: unknown, allowed: readonly T[], fallback?: T): T | undefined {
  const text = optionalString(value);
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw errors.notOneOf(parameter, text, allowed);
  return text as T;
}

/**
 * RegisterImage from an EBS snapshot the region knows (one of its images'):
 * `Name`, `RootDeviceName` and a mapping of the root device with a
 * snapshot. Architecture defaults to `i386` and virtualization to
 * `paravirtual`, as the API reference documents. The image is available at once.
 */
export const registerImage: Operation<RegisterImageCommandInput, RegisterImageCommandOutput> = (ctx, input) => {
  const name = readNewImageName(input.Name);
  const rootDeviceName = optionalString(input.RootDeviceName);
  if (rootDeviceName === undefined || rootDeviceName === "") throw errors.missingParameter("RootDeviceName");
  const architecture = readEnum("Architecture", input.Architecture, ["i386", "x86_64", "arm64"], "i386");
  const virtualization = readEnum("VirtualizationType", input.VirtualizationType, ["hvm", "paravirtual"], "paravirtual");
  const bootMode = readEnum("BootMode", input.BootMode, ["legacy-bios", "uefi", "uefi-preferred"]);
  const imdsSupport = readEnum("ImdsSupport", input.ImdsSupport, ["v2.0"]);
  const description = optionalString(input.Description);
  const tags = readTagsOf(input.TagSpecifications, "image");
  refuseUnmodelled("RegisterImage", input, [
    "Name",
    "RootDeviceName",
    "BlockDeviceMappings",
    "Architecture",
    "VirtualizationType",
    "EnaSupport",
    "SriovNetSupport",
    "BootMode",
    "ImdsSupport",
    "Description",
    "TagSpecifications",
  ]);
  const mappings = readRegisterMappings(ctx, input.BlockDeviceMappings, rootDeviceName);
  const target = newImageResource(ctx, tags);
  ctx.authorize("RegisterImage", [target]);
  if (tags.size > 0) ctx.authorize("CreateTags", [target], { keys: { "ec2:CreateAction": "RegisterImage" } });
  if (input.DryRun === true) throw errors.dryRun();
  checkNameFree(ctx.region.images, name);
  const imageId = newId("ami");
  const image: MockImage = {
    ...baseImage(ctx, imageId, name, description),
    Architecture: architecture,
    PlatformDetails: "Linux/UNIX",
    UsageOperation: "RunInstances",
    RootDeviceType: "ebs",
    RootDeviceName: rootDeviceName,
    BlockDeviceMappings: mappings,
    VirtualizationType: virtualization,
    EnaSupport: input.EnaSupport === true,
    ...(input.SriovNetSupport === undefined ? {} : { SriovNetSupport: String(input.SriovNetSupport) }),
    ...(bootMode === undefined ? {} : { BootMode: bootMode }),
    ...(imdsSupport === undefined ? {} : { ImdsSupport: imdsSupport }),
  };
  ctx.region.images.addOwn(image, ctx.now, tags);
  return { ImageId: imageId };
};

/** A whole number with its thousands separated by commas, as EC2 writes a copied AMI snapshot's task time (`1,566,308,778,174`). */
function groupedThousands(n: number): string {
  const digits = String(Math.trunc(n));
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return groups.join(",");
}

/**
 * CopyImage: a copy, in the call's region, of an image of `SourceRegion`
 * the account can see; new snapshots, `pending` then `available` after a
 * time that grows with the volumes' size (`copyImageDurationMs`, from the
 * `imageCopy` duration of the timing option).
 */
export const copyImage: Operation<CopyImageCommandInput, CopyImageCommandOutput> = (ctx, input) => {
  const name = readNewImageName(input.Name);
  const sourceRegionName = optionalString(input.SourceRegion);
  if (sourceRegionName === undefined || sourceRegionName === "") throw errors.missingParameter("SourceRegion");
  const sourceImageId = optionalString(input.SourceImageId);
  if (sourceImageId === undefined || sourceImageId === "") throw errors.missingParameter("SourceImageId");
  const description = optionalString(input.Description);
  const tags = readTagSpecifications(input.TagSpecifications, ["image", "snapshot"]);
  refuseUnmodelled("CopyImage", input, ["Name", "SourceRegion", "SourceImageId", "Description", "ClientToken", "TagSpecifications"]);
  const sourceRegion = ctx.regionNamed?.(sourceRegionName);
  if (sourceRegion === undefined) throw errors.invalidSourceRegion(sourceRegionName);
  if (!isWellFormedId("ami", sourceImageId)) throw errors.malformedImageId(sourceImageId);
  const ownSource = sourceRegion.images.ownImage(sourceImageId);
  const source =
    ownSource === undefined
      ? sourceRegion.images.get(sourceImageId)
      : sourceRegion.images.isGone(ownSource)
        ? undefined
        : sourceRegion.images.view(ownSource);
  if (source === undefined) throw errors.imageNotFound(sourceImageId);
  const imageTags = tags.get("image") ?? new Map<string, string>();
  const snapshotTags = tags.get("snapshot") ?? new Map<string, string>();
  const targets = [imageResource(sourceRegion.settings, source), newImageResource(ctx, imageTags), newSnapshotResource(ctx, snapshotTags)];
  ctx.authorize("CopyImage", targets);
  if (imageTags.size + snapshotTags.size > 0) {
    ctx.authorize("CreateTags", targets.slice(1), { keys: { "ec2:CreateAction": "CopyImage" } });
  }
  if (input.DryRun === true) throw errors.dryRun();
  // The same ClientToken: the image the first call made (decision: the other members are not compared).
  const clientToken = optionalString(input.ClientToken);
  const earlier = clientToken === undefined || clientToken === "" ? undefined : ctx.region.images.ownByClientToken(clientToken);
  if (earlier !== undefined) return { ImageId: earlier.image.ImageId! };
  if (source.State !== "available") throw errors.imageUnavailable(sourceImageId, String(source.State));
  checkNameFree(ctx.region.images, name);
  let totalGiB = 0;
  const copiedSnapshots: { snapshotId: string; from: string | undefined; volumeSizeGiB: number }[] = [];
  const mappings = (source.BlockDeviceMappings ?? []).map((m) => {
    if (m.Ebs === undefined) return { ...m };
    totalGiB += m.Ebs.VolumeSize ?? 0;
    const snapshotId = newId("snap");
    copiedSnapshots.push({ snapshotId, from: m.Ebs.SnapshotId, volumeSizeGiB: m.Ebs.VolumeSize ?? 0 });
    return { ...m, Ebs: { ...m.Ebs, SnapshotId: snapshotId } };
  });
  const imageId = newId("ami");
  const { Tags: _tags, State: _state, ImageOwnerAlias: _alias, DeprecationTime: _deprecation, ...copied } = source;
  const image: MockImage = {
    ...copied,
    ...baseImage(ctx, imageId, name, description ?? source.Description),
    BlockDeviceMappings: mappings,
    SourceImageId: sourceImageId,
    SourceImageRegion: sourceRegionName,
  };
  if (description === undefined && source.Description === undefined) delete image.Description;
  ctx.region.images.addOwn(
    image,
    ctx.now + copyImageDurationMs(totalGiB, ctx.region.settings.durations.imageCopy),
    imageTags,
    clientToken || undefined,
  );
  // The new snapshots are records of this region's snapshot store (DescribeSnapshots; DeleteSnapshot refuses them while
  // the image is registered), with the volume id and the description EC2 gives a copied AMI's snapshots.
  const accountId = ctx.region.settings.accountId;
  const task = groupedThousands(ctx.now);
  for (const c of copiedSnapshots) {
    const made = `Copied for DestinationAmi ${imageId} from SourceAmi ${sourceImageId} for SourceSnapshot ${c.from ?? ""}. Task created on ${task}.`;
    ctx.region.snapshots.add({
      snapshotId: c.snapshotId,
      volumeId: COPIED_VOLUME_ID,
      volumeSizeGiB: c.volumeSizeGiB,
      description: made,
      ownerId: accountId,
      startTime: ctx.now,
      tags: snapshotTags,
    });
  }
  return { ImageId: imageId };
};
