import type { Image } from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import type { GuestOs } from "../../../engine/timing.js";

/**
 * An image the mock can launch: the SDK's `Image` shape; only `ImageId` is required.
 * @public
 */
export type CvmImage = Partial<Image> & { ImageId: string };

/**
 * The built-in Linux image (TencentOS Server 3.1, public).
 * @public
 */
export const CVM_LINUX_IMAGE_ID = "img-eb30mz89";
/**
 * The built-in Windows image (Windows Server 2022, public).
 * @public
 */
export const CVM_WINDOWS_IMAGE_ID = "img-9id7emv7";

/**
 * The images every CVM mock knows.
 * @public
 */
export const builtInCvmImages: readonly CvmImage[] = Object.freeze([
  {
    ImageId: CVM_LINUX_IMAGE_ID,
    OsName: "TencentOS Server 3.1 (TK4)",
    Platform: "TencentOS",
    ImageType: "PUBLIC_IMAGE",
    Architecture: "x86_64",
  },
  {
    ImageId: CVM_WINDOWS_IMAGE_ID,
    OsName: "Windows Server 2022 DataCenter 64bit",
    Platform: "Windows",
    ImageType: "PUBLIC_IMAGE",
    Architecture: "x86_64",
  },
]);

/** The guest OS of an image: Windows when its platform or OS name says so, Linux otherwise. */
export function osOfImage(image: CvmImage): GuestOs {
  return /windows/i.test(image.Platform ?? "") || /windows/i.test(image.OsName ?? "") ? "windows" : "linux";
}

/** The built-in images and the user's, by id (the user's win on a shared id). */
export function imageCatalogue(extra: readonly CvmImage[] = []): Map<string, CvmImage> {
  return new Map([...builtInCvmImages, ...extra].map((image) => [image.ImageId, image]));
}
