import type { Image } from "@aws-sdk/client-ec2";
import type { GuestOs } from "../../../engine/timing.js";
import { isWellFormedId } from "./ids.js";

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

/** The images one mock can launch: the built-ins plus the user's (which win on a shared id). */
export class ImageCatalogue {
  private readonly byId = new Map<string, MockImage>();

  /** @param extra - the `images` option, in the SDK's `Image` shape. */
  constructor(extra: readonly MockImage[], accountId: string) {
    for (const image of builtInImages) this.byId.set(image.ImageId!, image);
    for (const image of extra) this.byId.set(image.ImageId!, completeImage(image, accountId));
  }

  /** The image with this id, if the catalogue holds it. */
  get(imageId: string): MockImage | undefined {
    return this.byId.get(imageId);
  }

  /** Whether one of the images maps this EBS snapshot: the only snapshots the mock has. */
  hasSnapshot(snapshotId: string): boolean {
    for (const image of this.byId.values()) {
      if (image.BlockDeviceMappings?.some((mapping) => mapping.Ebs?.SnapshotId === snapshotId)) return true;
    }
    return false;
  }
}
