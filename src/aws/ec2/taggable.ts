import type { AuthTarget } from "./context.js";
import type { Ec2Error } from "./errors.js";
import type { Ec2Region } from "./region.js";

/**
 * A family of taggable resources (instances, volumes, Elastic IPs, VPCs,
 * subnets, security groups, key pairs, ...): how CreateTags, DeleteTags and
 * DescribeTags find its resources, read and replace their tags, and name
 * them to IAM. One entry per family, written beside the family's store; the
 * tag operations know only this interface.
 */
export interface TaggableFamily<T = unknown> {
  /** The id prefix that names the family (`vpc` for `vpc-0123…`). */
  readonly prefix: string;
  /** DescribeTags' `resource-type` (`vpc`, `security-group`, `key-pair`, `elastic-ip`, ...). */
  readonly resourceType: string;
  /** The resource with this id in the region, if it exists (and is still visible). */
  find(region: Ec2Region, id: string): T | undefined;
  /** Every resource of the family in the region, in a stable order (DescribeTags). */
  list(region: Ec2Region): Iterable<T>;
  /** The resource's id. */
  idOf(resource: T): string;
  /** Its current tags. */
  tagsOf(resource: T): ReadonlyMap<string, string>;
  /** Replaces its tags by `next` (kept in `next`'s order). */
  setTags(region: Ec2Region, resource: T, next: ReadonlyMap<string, string>): void;
  /** What IAM authorizes a tag call on: the resource's ARN and condition keys. */
  authTarget(region: Ec2Region, resource: T): AuthTarget;
  /** EC2's NotFound error for an id of the family that names nothing. */
  notFound(id: string): Ec2Error;
  /**
   * EC2's NotFound error naming every missing id of the family at once, for a
   * family whose NotFound lists them all (instances). Without it, a tag call
   * answers {@link TaggableFamily.notFound} for the first missing id, in the
   * order given.
   */
  notFoundAll?(ids: readonly string[]): Ec2Error;
}
