import type { Image } from "@aws-sdk/client-ec2";
import { type Codec, nullable, number, object, optional, readObject, string, time } from "../../../engine/record.js";
import type { GuestOs } from "../../../engine/timing.js";
import { isWellFormedId } from "./ids.js";
import { publicImages } from "./image-catalogue.js";
import { NO_TAGS, tagsField } from "./tags.js";

/**
 * An image as the mock takes and keeps it: the SDK's `Image`, except that
 * `Platform` also accepts `"windows"`, the value EC2 really sends (the SDK's
 * enum spells it `"Windows"`, but passes the wire's lowercase value through).
 * @public
 */
export type MockImage = Omit<Image, "Platform"> & { Platform?: Image["Platform"] | "windows" };

/**
 * The built-in EBS-backed Amazon Linux 2023 image (x86_64).
 * @public
 */
export const LINUX_AMI_ID = "ami-0a1b2c3d4e5f60718";
/**
 * The built-in EBS-backed Windows Server 2022 image (x86_64).
 * @public
 */
export const WINDOWS_AMI_ID = "ami-0b2c3d4e5f6071829";
/**
 * The built-in instance-store-backed Linux image: its instances cannot be stopped.
 * @public
 */
export const INSTANCE_STORE_AMI_ID = "ami-0c3d4e5f607182930";
/**
 * The built-in EBS-backed Amazon Linux 2023 image for arm64 (Graviton types).
 * @public
 */
export const LINUX_ARM64_AMI_ID = "ami-0d4e5f60718293a41";

const amazonOwner = "137112412989";

function ebsRoot(deviceName: string, sizeGiB: number, snapshot: string): NonNullable<Image["BlockDeviceMappings"]> {
  return [
    {
      DeviceName: deviceName,
      Ebs: { DeleteOnTermination: true, SnapshotId: snapshot, VolumeSize: sizeGiB, VolumeType: "gp3", Encrypted: false },
    },
  ];
}

/**
 * The images every mock knows, in the SDK's `Image` shape.
 * @public
 */
export const builtInImages: readonly MockImage[] = Object.freeze([
  {
    ImageId: LINUX_AMI_ID,
    Name: "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64",
    CreationDate: "2024-11-21T00:00:00.000Z",
    Description: "Amazon Linux 2023 AMI (ec2-mock built-in)",
    Architecture: "x86_64",
    RootDeviceType: "ebs",
    RootDeviceName: "/dev/xvda",
    BlockDeviceMappings: ebsRoot("/dev/xvda", 8, "snap-0a1b2c3d4e5f60718"),
    VirtualizationType: "hvm",
    PlatformDetails: "Linux/UNIX",
    UsageOperation: "RunInstances",
    OwnerId: amazonOwner,
    ImageOwnerAlias: "amazon",
    Public: true,
    State: "available",
    EnaSupport: true,
    Hypervisor: "xen",
    BootMode: "uefi-preferred",
    // As Amazon Linux 2023's own images: instances require IMDSv2, hop limit 2 (API reference, `Image.ImdsSupport`).
    ImdsSupport: "v2.0",
  },
  {
    ImageId: WINDOWS_AMI_ID,
    Name: "Windows_Server-2022-English-Full-Base-2024.11.13",
    CreationDate: "2024-11-13T00:00:00.000Z",
    Description: "Microsoft Windows Server 2022 Full Locale English AMI (ec2-mock built-in)",
    Architecture: "x86_64",
    Platform: "windows",
    RootDeviceType: "ebs",
    RootDeviceName: "/dev/sda1",
    BlockDeviceMappings: ebsRoot("/dev/sda1", 30, "snap-0b2c3d4e5f6071829"),
    VirtualizationType: "hvm",
    PlatformDetails: "Windows",
    UsageOperation: "RunInstances:0002",
    OwnerId: amazonOwner,
    ImageOwnerAlias: "amazon",
    Public: true,
    State: "available",
    EnaSupport: true,
    Hypervisor: "xen",
  },
  {
    ImageId: INSTANCE_STORE_AMI_ID,
    Name: "amzn-ami-minimal-hvm-2018.03.0.20231218.0-x86_64-s3",
    CreationDate: "2023-12-18T00:00:00.000Z",
    Description: "Amazon Linux AMI, instance-store root (ec2-mock built-in)",
    Architecture: "x86_64",
    RootDeviceType: "instance-store",
    RootDeviceName: "/dev/sda1",
    BlockDeviceMappings: [],
    VirtualizationType: "hvm",
    PlatformDetails: "Linux/UNIX",
    UsageOperation: "RunInstances",
    OwnerId: amazonOwner,
    ImageOwnerAlias: "amazon",
    Public: true,
    State: "available",
    EnaSupport: true,
    Hypervisor: "xen",
  },
  {
    ImageId: LINUX_ARM64_AMI_ID,
    Name: "al2023-ami-2023.6.20241121.0-kernel-6.1-arm64",
    CreationDate: "2024-11-21T00:00:00.000Z",
    Description: "Amazon Linux 2023 AMI for arm64 (ec2-mock built-in)",
    Architecture: "arm64",
    RootDeviceType: "ebs",
    RootDeviceName: "/dev/xvda",
    BlockDeviceMappings: ebsRoot("/dev/xvda", 8, "snap-0d4e5f60718293a41"),
    VirtualizationType: "hvm",
    PlatformDetails: "Linux/UNIX",
    UsageOperation: "RunInstances",
    OwnerId: amazonOwner,
    ImageOwnerAlias: "amazon",
    Public: true,
    State: "available",
    EnaSupport: true,
    Hypervisor: "xen",
    BootMode: "uefi",
    ImdsSupport: "v2.0",
  },
]);

/** The guest OS an image boots: Windows when EC2 would say so, Linux otherwise. */
export function guestOsOf(image: MockImage): GuestOs {
  return image.Platform?.toLowerCase() === "windows" || image.PlatformDetails?.startsWith("Windows") ? "windows" : "linux";
}

/**
 * Completes a user-supplied image with the defaults of an EBS-backed x86_64
 * Linux image, so that `{ ImageId, RootDeviceType: "instance-store" }` is enough.
 */
function completeImage(image: MockImage, accountId: string): MockImage {
  if (!isWellFormedId("ami", image.ImageId)) {
    throw new TypeError(`images: ImageId must be "ami-" and 8 or 17 lowercase hex digits; got ${String(image.ImageId)}`);
  }
  const windows = guestOsOf(image) === "windows";
  const rootDeviceType = image.RootDeviceType ?? "ebs";
  const rootDeviceName = image.RootDeviceName ?? (windows || rootDeviceType === "instance-store" ? "/dev/sda1" : "/dev/xvda");
  return {
    Architecture: "x86_64",
    VirtualizationType: "hvm",
    PlatformDetails: windows ? "Windows" : "Linux/UNIX",
    UsageOperation: windows ? "RunInstances:0002" : "RunInstances",
    OwnerId: accountId,
    Public: false,
    State: "available",
    EnaSupport: true,
    Hypervisor: "xen",
    Name: image.ImageId,
    ...image,
    ...(windows ? { Platform: "windows" as const } : {}),
    RootDeviceType: rootDeviceType,
    RootDeviceName: rootDeviceName,
    BlockDeviceMappings:
      image.BlockDeviceMappings ??
      (rootDeviceType === "ebs" ? ebsRoot(rootDeviceName, windows ? 30 : 8, `snap-${image.ImageId!.slice(4)}`) : []),
  };
}

/**
 * How long a deregistered image is still shown by DescribeImages, as
 * `deregistered` (API reference, DescribeImages: "Recently deregistered
 * images appear in the returned results for a short interval"; the figure is
 * a decision: docs/behaviour.md, "Images").
 */
export const DEREGISTERED_VISIBLE_MS = 10 * 60_000;

/**
 * How long CreateImage takes to make an image `available`: the `imageCreate`
 * duration (realistic: a minute), plus a twelfth of it per GiB of EBS volume
 * to snapshot (five seconds per GiB at the realistic figure). EC2 documents
 * no figure; a few minutes for a small root volume: decision,
 * docs/behaviour.md, "Images". The `instant` profile makes it 0.
 */
export function createImageDurationMs(totalGiB: number, baseMs = 60_000): number {
  return baseMs + (baseMs / 12) * totalGiB;
}

/**
 * How long CopyImage takes to make the copy `available`: the `imageCopy`
 * duration (realistic: two minutes), plus a twelfth of it per GiB (ten
 * seconds per GiB at the realistic figure; decision, as above).
 */
export function copyImageDurationMs(totalGiB: number, baseMs = 120_000): number {
  return baseMs + (baseMs / 12) * totalGiB;
}

/** An image in the SDK's shape as a snapshot keeps it: any object with an `ImageId`, copied whole. */
export const mockImageCodec: Codec<MockImage> = {
  write: (image) => structuredClone(image),
  read(json, path) {
    const o = readObject(json, path);
    string.read(o.ImageId, `${path}.ImageId`);
    return structuredClone(o) as unknown as MockImage;
  },
};

/** An image of the account (CreateImage, RegisterImage, CopyImage), declared once: the record and its snapshot form. */
export const ownImageRecord = object({
  /** The image as DescribeImages shows it, without `State` and `Tags` (derived from the fields below). */
  image: mockImageCodec,
  /** Creation order across the region (pagination). */
  seq: number,
  /** When it becomes `available` (mock time); `pending` until then. */
  availableAt: time,
  /** When it was deregistered; undefined while registered. */
  deregisteredAt: nullable(time),
  /** Its tags, in the order they were set. */
  tags: tagsField,
  /** The ClientToken of the CopyImage call that made it, if any (idempotency). */
  clientToken: optional(string),
});

/** One image the account owns. Its tags and deregistration change after creation. */
export interface OwnImage {
  /** The image, without `State` and `Tags`. */
  readonly image: MockImage;
  /** Creation order. */
  readonly seq: number;
  /** When it becomes available. */
  readonly availableAt: number;
  /** When it was deregistered, if it was. */
  deregisteredAt: number | undefined;
  /** Its tags: replaced whole, never written into. */
  tags: ReadonlyMap<string, string>;
  /** The ClientToken of the call that made it, if any. */
  readonly clientToken?: string | undefined;
}

/** The state of an own image at `now`: `pending`, `available` or `deregistered`. */
export function ownImageState(own: OwnImage, now: number): "pending" | "available" | "deregistered" {
  if (own.deregisteredAt !== undefined && now >= own.deregisteredAt) return "deregistered";
  return now < own.availableAt ? "pending" : "available";
}

/** Where an image comes from: the catalogue (built-ins, the `images` option, public images) or the account. */
export type ImageEntry =
  | { readonly kind: "catalogue"; readonly image: MockImage; readonly position: number }
  | { readonly kind: "own"; readonly own: OwnImage; readonly position: number };

/** A release date in an image name: `…20260427…` or `…2024.11.13`. */
const nameDates = [/(?:^|\D)(20\d\d)(0[1-9]|1[0-2])([0-3]\d)(?:\D|$)/, /(20\d\d)\.(0[1-9]|1[0-2])\.([0-3]\d)(?:\D|$)/];

/**
 * The `CreationDate` of a public image, which the data does not hold:
 * midnight UTC of the release date its name carries (Amazon's names do:
 * `al2023-ami-2023.11.20260427.1-…`, `Windows_Server-…-2017.10.13`), else
 * 2017-10-01, the month of the undated ones (decision, docs/behaviour.md,
 * "Images"): the "latest image by name" lookups sort on it.
 */
export function creationDateFromName(name: string | undefined): string {
  for (const pattern of nameDates) {
    const m = pattern.exec(name ?? "");
    if (m !== null) return `${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z`;
  }
  return "2017-10-01T00:00:00.000Z";
}

/** Positions of the account's images come after every catalogue image's (pagination). */
const OWN_POSITION_BASE = 1_000_000;

/**
 * The images of one region: the built-ins and the `images` option (which win
 * on a shared id), the region's public images (data/images.json, read on
 * first use), and the account's own images, with their state derived from
 * the engine clock.
 */
export class ImageCatalogue {
  private readonly byId = new Map<string, MockImage>();
  private readonly own = new Map<string, OwnImage>();
  private publicById: Map<string, MockImage> | undefined;
  /** The account's tags on images it does not own (built-in, public): visible to it alone, as EC2 keeps them. */
  private readonly otherTags = new Map<string, ReadonlyMap<string, string>>();
  /** The last view of each image shown with a state or tags, by its record. */
  private readonly views = new WeakMap<MockImage, { state: string; tags: ReadonlyMap<string, string>; view: MockImage }>();
  private ownSeq = 0;

  /**
   * @param extra - the `images` option, in the SDK's `Image` shape.
   * @param region - the region whose public images it holds.
   * @param now - the engine clock (an own image's state is derived from it).
   */
  constructor(
    extra: readonly MockImage[],
    private readonly accountId: string,
    private readonly region = "us-east-1",
    private readonly now: () => number = () => Date.now(),
  ) {
    for (const image of builtInImages) this.byId.set(image.ImageId!, image);
    for (const image of extra) this.byId.set(image.ImageId!, completeImage(image, accountId));
  }

  /** The region's public images, completed for launch (first use reads data/images.json). */
  private publicOnes(): Map<string, MockImage> {
    if (this.publicById === undefined) {
      this.publicById = new Map();
      for (const image of publicImages(this.region)) {
        if (this.byId.has(image.ImageId!)) continue;
        const completed = completeImage(image as MockImage, this.accountId);
        completed.CreationDate ??= creationDateFromName(image.Name);
        this.publicById.set(image.ImageId!, completed);
      }
    }
    return this.publicById;
  }

  /**
   * The image with this id as RunInstances sees it, if the region holds it:
   * an own image with its current `State` (a deregistered one no longer
   * found once {@link ImageCatalogue.isGone}).
   */
  get(imageId: string): MockImage | undefined {
    const own = this.own.get(imageId);
    if (own !== undefined && !this.byId.has(imageId)) return this.isGone(own) ? undefined : this.view(own);
    const image = this.byId.get(imageId) ?? this.publicOnes().get(imageId);
    return image === undefined ? undefined : this.withTags(image);
  }

  /**
   * A catalogue image with the account's tags on it, if it has some (the
   * shared record itself otherwise); one object per tag set, so that the
   * instances launched from it share it.
   */
  withTags(image: MockImage): MockImage {
    const tags = this.otherTags.get(image.ImageId!);
    if (tags === undefined) return image;
    const cached = this.views.get(image);
    if (cached !== undefined && cached.tags === tags) return cached.view;
    const view = { ...image, Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) };
    this.views.set(image, { state: "available", tags, view });
    return view;
  }

  /** Whether an image with this id exists for a tag call: any catalogue image, an own one still shown. */
  taggable(imageId: string): boolean {
    const own = this.own.get(imageId);
    if (own !== undefined && !this.byId.has(imageId)) return !this.isGone(own);
    return this.byId.has(imageId) || this.publicOnes().has(imageId);
  }

  /** The account's tags on an image. */
  tagsOf(imageId: string): ReadonlyMap<string, string> {
    const own = this.own.get(imageId);
    return own !== undefined && !this.byId.has(imageId) ? own.tags : (this.otherTags.get(imageId) ?? NO_TAGS);
  }

  /** Replaces the account's tags on an image (CreateTags, DeleteTags). */
  setTagsOf(imageId: string, next: ReadonlyMap<string, string>): void {
    const own = this.own.get(imageId);
    if (own !== undefined && !this.byId.has(imageId)) own.tags = next;
    else if (next.size === 0) this.otherTags.delete(imageId);
    else this.otherTags.set(imageId, next);
  }

  /** The ids of the images the account has tagged or owns (DescribeTags), own images first. */
  taggedIds(): string[] {
    const own = [...this.own.values()].filter((o) => !this.isGone(o)).map((o) => o.image.ImageId!);
    return [...own, ...this.otherTags.keys()];
  }

  /** The account's tags on images it does not own, by image id (snapshots). */
  tagsOfOthers(): Map<string, ReadonlyMap<string, string>> {
    return new Map(this.otherTags);
  }

  /** An own image by id (deregistered ones included), if the account has it. */
  ownImage(imageId: string): OwnImage | undefined {
    return this.own.get(imageId);
  }

  /**
   * The image as DescribeImages shows it at the clock's time: `State` and
   * `Tags` filled in. One object per state and tag set (the instances
   * launched from it share it: the memory budget per instance).
   */
  view(own: OwnImage): MockImage {
    const state = ownImageState(own, this.now());
    const cached = this.views.get(own.image);
    if (cached !== undefined && cached.state === state && cached.tags === own.tags) return cached.view;
    const view: MockImage = { ...own.image, State: state };
    if (own.tags.size > 0) view.Tags = [...own.tags].map(([Key, Value]) => ({ Key, Value }));
    this.views.set(own.image, { state, tags: own.tags, view });
    return view;
  }

  /**
   * Whether a deregistered image is past its visible interval: DescribeImages
   * no longer shows it (and by id it is no longer found).
   */
  isGone(own: OwnImage): boolean {
    return own.deregisteredAt !== undefined && this.now() >= own.deregisteredAt + DEREGISTERED_VISIBLE_MS;
  }

  /** Every image of the region, in listing order: the catalogue's, the public ones, then the account's by creation. */
  *entries(): IterableIterator<ImageEntry> {
    let position = 0;
    for (const image of this.byId.values()) yield { kind: "catalogue", image: this.withTags(image), position: position++ };
    for (const image of this.publicOnes().values()) yield { kind: "catalogue", image: this.withTags(image), position: position++ };
    for (const own of this.own.values()) yield { kind: "own", own, position: OWN_POSITION_BASE + own.seq };
  }

  /** The account's images, deregistered ones included, in creation order. */
  ownImages(): IterableIterator<OwnImage> {
    return this.own.values();
  }

  /** The account's image a call with this ClientToken made, if any. */
  ownByClientToken(token: string): OwnImage | undefined {
    for (const own of this.own.values()) if (own.clientToken === token) return own;
    return undefined;
  }

  /** The account's image named `name` that is not deregistered, if any (names are unique per region among those). */
  ownNamed(name: string): OwnImage | undefined {
    for (const own of this.own.values()) if (own.deregisteredAt === undefined && own.image.Name === name) return own;
    return undefined;
  }

  /** Stores a new own image (every check done by the caller) and returns it. */
  addOwn(image: MockImage, availableAt: number, tags: ReadonlyMap<string, string>, clientToken?: string): OwnImage {
    const own: OwnImage = {
      image,
      seq: ++this.ownSeq,
      availableAt,
      deregisteredAt: undefined,
      tags,
      ...(clientToken === undefined ? {} : { clientToken }),
    };
    this.own.set(image.ImageId!, own);
    return own;
  }

  /** Deregisters an own image at `at`. */
  deregister(own: OwnImage, at: number): void {
    own.deregisteredAt = at;
  }

  /** Replaces every own image (restoring a snapshot), in the order given, and the account's tags on the others. */
  replaceOwn(images: Iterable<OwnImage>, tagsOfOthers: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map()): void {
    this.clear();
    for (const [id, tags] of tagsOfOthers) this.otherTags.set(id, tags);
    for (const own of images) {
      this.own.set(own.image.ImageId!, own);
      this.ownSeq = Math.max(this.ownSeq, own.seq);
    }
  }

  /** Forgets the account's images (the catalogue's stay). */
  clear(): void {
    this.own.clear();
    this.otherTags.clear();
    this.ownSeq = 0;
  }

  /** Whether one of the images maps this EBS snapshot: the only snapshots the mock has. */
  hasSnapshot(snapshotId: string): boolean {
    const maps = (image: MockImage) => image.BlockDeviceMappings?.some((mapping) => mapping.Ebs?.SnapshotId === snapshotId) === true;
    for (const image of this.byId.values()) if (maps(image)) return true;
    for (const own of this.own.values()) if (maps(own.image)) return true;
    for (const image of this.publicOnes().values()) if (maps(image)) return true;
    return false;
  }

  /** The id of a registered own image that maps this EBS snapshot (DeleteSnapshot's InvalidSnapshot.InUse), if any. */
  ownImageUsing(snapshotId: string): string | undefined {
    for (const own of this.own.values()) {
      if (own.deregisteredAt !== undefined) continue;
      if (own.image.BlockDeviceMappings?.some((mapping) => mapping.Ebs?.SnapshotId === snapshotId) === true) return own.image.ImageId;
    }
    return undefined;
  }

  /** The size in GiB of a snapshot one of the images maps, if any. */
  snapshotSize(snapshotId: string): number | undefined {
    const images = [...this.byId.values(), ...[...this.own.values()].map((own) => own.image), ...this.publicOnes().values()];
    for (const image of images) {
      for (const mapping of image.BlockDeviceMappings ?? []) {
        if (mapping.Ebs?.SnapshotId === snapshotId) return mapping.Ebs.VolumeSize;
      }
    }
    return undefined;
  }
}
