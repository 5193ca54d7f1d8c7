import type { Image } from "@aws-sdk/client-ec2";
import { readCatalogue, ShapeTable, type ShapeTableFile } from "./catalogue-file.js";

/**
 * The public images Amazon publishes, as DescribeImages shows them, from the
 * package's data/images.json (read on first use).
 */

/**
 * A public image: the SDK's `Image`, except that `Platform` is EC2's wire
 * value `"windows"` (the SDK's enum spells it `"Windows"` but passes the
 * wire's value through). The same shape as the mock's own images
 * (src/aws/ec2/model/images.ts, `MockImage`), restated here only because this module
 * may depend on nothing else in src/ until the restructure (issue 14) lands.
 */
export type PublicImage = Omit<Image, "Platform"> & { Platform?: "windows" };

interface ImagesFile extends ShapeTableFile {
  /** The images of every Region (record indices). */
  readonly common: readonly number[];
  /** Per Region, the current Amazon Linux images (record indices). */
  readonly regions: Readonly<Record<string, readonly number[]>>;
}

let file: ImagesFile | undefined;
let table: ShapeTable | undefined;
/** Per Region the data covers, its list; `""` the list of every other Region (the common images alone). */
const cache = new Map<string, readonly PublicImage[]>();

/**
 * The public images a Region holds, in the catalogue's order: the current
 * Amazon Linux images of that Region (those the public SSM parameters
 * `/aws/service/ami-amazon-linux-latest/*` point at; none for a Region the
 * data does not cover), then the images the data gives without a Region,
 * which every Region holds (data/README.md). Each is public, `available`,
 * owned by one of Amazon's accounts and listed under the owner alias
 * `amazon`. The caller checks that `region` exists. Frozen and shared.
 */
export function publicImages(region: string): readonly PublicImage[] {
  file ??= readCatalogue<ImagesFile>("images.json", "images");
  // Only the Regions of the file are keys: a caller's odd Region name cannot grow the cache.
  const key = Object.hasOwn(file.regions, region) ? region : "";
  const known = cache.get(key);
  if (known !== undefined) return known;
  table ??= new ShapeTable(file);
  const images = Object.freeze([...(file.regions[key] ?? []), ...file.common].map((i) => table!.record(i) as PublicImage));
  cache.set(key, images);
  return images;
}
