import {
  addressResource,
  ec2Arn,
  imageResource,
  keyPairResource,
  launchTemplateResource,
  tagKeys,
  volumeResource,
} from "../../iam/resources.js";
import { errors } from "../errors.js";
import type { TaggableFamily } from "../taggable.js";
import type { ElasticIp } from "./addresses.js";
import type { Ec2Fleet } from "./fleets.js";
import { isWellFormedId } from "./ids.js";
import type { ImageCatalogue } from "./images.js";
import type { Ec2Instance } from "./instance.js";
import type { KeyPair } from "./key-pairs.js";
import type { LaunchTemplate } from "./launch-templates.js";
import { subnetTags, vpcTags } from "./network-families.js";
import { securityGroupRuleTags, securityGroupTags } from "./security-group-views.js";
import type { Ec2Snapshot } from "./snapshots.js";
import type { SpotRequest } from "./spot-requests.js";
import type { Ec2Volume } from "./volumes.js";

/**
 * THE registry of taggable resource families: CreateTags, DeleteTags and
 * DescribeTags (src/aws/ec2/operations/tags.ts) reach resources only through
 * it. Adding a family is one line in {@link taggableFamilies}, with its
 * {@link TaggableFamily} entry.
 *
 * An entry lives here, or in a module that src/aws/ec2/region.ts does not
 * import: the interface's module imports the region's type, so an entry in a
 * model file the region imports would close an import cycle
 * (test/architecture.test.ts refuses those).
 */

/** Instances (`i-`), visible ones (terminated ones too, while they are shown). */
export const instanceTags: TaggableFamily<Ec2Instance> = {
  prefix: "i",
  resourceType: "instance",
  find: (region, id) => region.instances.get(id),
  list: (region) => region.instances.values(),
  idOf: (instance) => instance.instanceId,
  tagsOf: (instance) => instance.tags,
  // Through the region, which keeps DescribeInstances' tag index current.
  setTags: (region, instance, next) => region.setTags(instance, next),
  authTarget: (_, instance) => instance,
  notFound: (id) => errors.instancesNotFound([id]),
  // EC2 names every missing instance, as the lifecycle calls do.
  notFoundAll: (ids) => errors.instancesNotFound(ids),
};

/** EBS volumes (`vol-`), attached or available. */
export const volumeTags: TaggableFamily<Ec2Volume> = {
  prefix: "vol",
  resourceType: "volume",
  find: (region, id) => region.volumes.get(id),
  list: (region) => region.volumes.values(),
  idOf: (volume) => volume.volumeId,
  tagsOf: (volume) => volume.tags,
  setTags: (region, volume, next) => region.volumes.setTags(volume, next),
  authTarget: (region, volume) => volumeResource(region.settings, volume),
  // EC2 names one missing volume in a tag call.
  notFound: (id) => errors.volumesNotFound([id]),
};

/** Elastic IP addresses, by allocation id (`eipalloc-`). */
export const addressTags: TaggableFamily<ElasticIp> = {
  prefix: "eipalloc",
  resourceType: "elastic-ip",
  find: (region, id) => (isWellFormedId("eipalloc", id) ? region.addresses.byAllocationId.get(id) : undefined),
  list: (region) => region.addresses.byAllocationId.values(),
  idOf: (address) => address.allocationId,
  tagsOf: (address) => address.tags,
  setTags: (region, address, next) => region.addresses.setTags(address, next),
  authTarget: (region, address) => addressResource(region.settings, address),
  notFound: (id) => errors.allocationNotFound(id),
};

/** Key pairs (`key-`), tagged by id (CreateKeyPair, ImportKeyPair and CreateTags). */
export const keyPairTags: TaggableFamily<KeyPair> = {
  prefix: "key",
  resourceType: "key-pair",
  find: (region, id) => region.keyPairs.get(id),
  list: (region) => region.keyPairs.list(),
  idOf: (keyPair) => keyPair.keyPairId,
  tagsOf: (keyPair) => keyPair.tags,
  setTags: (region, keyPair, next) => region.keyPairs.setTags(keyPair, next),
  authTarget: (region, keyPair) => keyPairResource(region.settings, keyPair),
  notFound: (id) => errors.keyPairNotFound(id),
};

/** Spot Instance requests (`sir-`), tagged by id (RequestSpotInstances, RunInstances and CreateTags). */
export const spotRequestTags: TaggableFamily<SpotRequest> = {
  prefix: "sir",
  resourceType: "spot-instances-request",
  find: (region, id) => region.spotRequests.get(id),
  list: (region) => region.spotRequests.list(),
  idOf: (request) => request.spotInstanceRequestId,
  tagsOf: (request) => request.tags,
  setTags: (region, request, next) => region.spotRequests.setTags(request, next),
  authTarget: (region, request) => ({
    arn: ec2Arn(region.settings, "spot-instances-request", request.spotInstanceRequestId),
    keys: tagKeys(request.tags),
  }),
  notFound: (id) => errors.spotRequestNotFound(id),
};

/** Launch templates (`lt-`), tagged by id (CreateLaunchTemplate and CreateTags); their versions cannot be tagged. */
export const launchTemplateTags: TaggableFamily<LaunchTemplate> = {
  prefix: "lt",
  resourceType: "launch-template",
  find: (region, id) => region.launchTemplates.get(id),
  list: (region) => region.launchTemplates.list(),
  idOf: (template) => template.launchTemplateId,
  tagsOf: (template) => template.tags,
  setTags: (region, template, next) => region.launchTemplates.setTags(template, next),
  authTarget: (region, template) => launchTemplateResource(region.settings, template),
  notFound: (id) => errors.launchTemplateIdNotFound(id),
};

/** An image a tag call names: its id and the region's images, which hold the account's tags on it. */
export interface TaggedImage {
  /** The image's id. */
  readonly imageId: string;
  /** The region's images. */
  readonly images: ImageCatalogue;
}

/**
 * Images (`ami-`), by id: the account's own and any other it can see
 * (built-in, public), whose tags are the account's alone (User Guide, "Tag
 * your Amazon EC2 resources": tags on public or shared resources are
 * visible only to the account that sets them). A deregistered image of the
 * account can no longer be tagged once DescribeImages stops showing it.
 */
export const imageTags: TaggableFamily<TaggedImage> = {
  prefix: "ami",
  resourceType: "image",
  find: (region, id) => (isWellFormedId("ami", id) && region.images.taggable(id) ? { imageId: id, images: region.images } : undefined),
  list: (region) => region.images.taggedIds().map((imageId) => ({ imageId, images: region.images })),
  idOf: (image) => image.imageId,
  tagsOf: (image) => image.images.tagsOf(image.imageId),
  setTags: (_, image, next) => image.images.setTagsOf(image.imageId, next),
  authTarget: (region, image) => imageResource(region.settings, region.images.get(image.imageId) ?? { ImageId: image.imageId }),
  notFound: (id) => errors.imageNotFound(id),
};

/** EC2 Fleets (`fleet-`) of CreateFleet. */
export const fleetTags: TaggableFamily<Ec2Fleet> = {
  prefix: "fleet",
  resourceType: "fleet",
  find: (region, id) => region.fleets.get(id),
  list: (region) => region.fleets.list(),
  idOf: (fleet) => fleet.fleetId,
  tagsOf: (fleet) => fleet.tags,
  setTags: (region, fleet, next) => region.fleets.setTags(fleet, next),
  authTarget: (region, fleet) => ({ arn: ec2Arn(region.settings, "fleet", fleet.fleetId), keys: tagKeys(fleet.tags) }),
  notFound: (id) => errors.fleetNotFound(id),
};

/** EBS snapshots (`snap-`) of CreateSnapshot. Snapshot ARNs carry no account id. */
export const snapshotTags: TaggableFamily<Ec2Snapshot> = {
  prefix: "snap",
  resourceType: "snapshot",
  find: (region, id) => region.snapshots.get(id),
  list: (region) => region.snapshots.list(),
  idOf: (snapshot) => snapshot.snapshotId,
  tagsOf: (snapshot) => snapshot.tags,
  setTags: (region, snapshot, next) => region.snapshots.setTags(snapshot, next),
  authTarget: (region, snapshot) => ({ arn: `arn:aws:ec2:${region.settings.region}::snapshot/${snapshot.snapshotId}`, keys: {} }),
  notFound: (id) => errors.snapshotNotFound(id),
};

/**
 * Every taggable family, in the order a tag call looks its ids up (instances
 * first, whose NotFound names every missing one, then each family's first
 * missing id). Each entry keeps its own resource type; the tag operations
 * hand a family only what it gave them.
 */
export const taggableFamilies: readonly TaggableFamily[] = [
  instanceTags as TaggableFamily,
  volumeTags as TaggableFamily,
  addressTags as TaggableFamily,
  vpcTags as TaggableFamily,
  subnetTags as TaggableFamily,
  securityGroupTags as TaggableFamily,
  securityGroupRuleTags as TaggableFamily,
  keyPairTags as TaggableFamily,
  launchTemplateTags as TaggableFamily,
  imageTags as TaggableFamily,
  snapshotTags as TaggableFamily,
  fleetTags as TaggableFamily,
  spotRequestTags as TaggableFamily,
];

/** The families by id prefix. */
export const taggableByPrefix: ReadonlyMap<string, TaggableFamily> = new Map(taggableFamilies.map((f) => [f.prefix, f]));
