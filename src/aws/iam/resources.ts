/**
 * The resources EC2 authorizes, as IAM sees them: their ARNs and resource
 * condition keys. Operations build their authorization targets with these
 * helpers; docs/behaviour.md lists which action authorizes which resources.
 */

import type { AuthResource } from "../ec2/context.js";
import type { ElasticIp } from "../ec2/model/addresses.js";
import type { MockImage } from "../ec2/model/images.js";
import { type Ec2Instance, interfaceIdOf } from "../ec2/model/instance.js";
import type { Subnet } from "../ec2/model/network.js";
import type { Ec2Volume } from "../ec2/model/volumes.js";
import type { RegionSettings } from "../ec2/region.js";

type Keys = Record<string, string | readonly string[] | undefined>;

/** `arn:aws:ec2:REGION:ACCOUNT:TYPE/ID`. */
export function ec2Arn(settings: Pick<RegionSettings, "region" | "accountId">, type: string, id: string): string {
  return `arn:aws:ec2:${settings.region}:${settings.accountId}:${type}/${id}`;
}

/** `ec2:ResourceTag/K` and `aws:ResourceTag/K` for each tag of a resource. */
export function tagKeys(tags: Iterable<readonly [string, string]>, into: Keys = {}): Keys {
  for (const [key, value] of tags) {
    into[`aws:ResourceTag/${key}`] ??= value;
    into[`ec2:ResourceTag/${key}`] ??= value;
  }
  return into;
}

/** An existing instance: its ARN, type, zone, root device and tags. */
export function instanceResource(settings: RegionSettings, instance: Ec2Instance): AuthResource {
  return {
    arn: ec2Arn(settings, "instance", instance.instanceId),
    keys: tagKeys(instance.tags, {
      "ec2:InstanceID": instance.instanceId,
      "ec2:InstanceType": instance.instanceType,
      "ec2:AvailabilityZone": instance.subnet.availabilityZone,
      "ec2:RootDeviceType": instance.image.RootDeviceType,
      "ec2:Tenancy": "default",
    }),
  };
}

/** An existing EBS volume. */
export function volumeResource(settings: RegionSettings, volume: Ec2Volume): AuthResource {
  return {
    arn: ec2Arn(settings, "volume", volume.volumeId),
    keys: tagKeys(volume.tags, {
      "ec2:VolumeID": volume.volumeId,
      "ec2:VolumeType": volume.volumeType,
      "ec2:VolumeSize": String(volume.sizeGiB),
      "ec2:AvailabilityZone": volume.availabilityZone,
    }),
  };
}

/** An Elastic IP allocation, `…:elastic-ip/eipalloc-…`. */
export function addressResource(settings: RegionSettings, address: ElasticIp): AuthResource {
  return {
    arn: ec2Arn(settings, "elastic-ip", address.allocationId),
    keys: tagKeys(address.tags, { "ec2:AllocationId": address.allocationId, "ec2:Domain": "vpc" }),
  };
}

/** A key pair, `…:key-pair/NAME` (IAM names key pairs by name), with its name, type and tags. */
export function keyPairResource(
  settings: RegionSettings,
  keyPair: { readonly keyName: string; readonly keyType: string; readonly tags: ReadonlyMap<string, string> },
): AuthResource {
  return {
    arn: ec2Arn(settings, "key-pair", keyPair.keyName),
    keys: tagKeys(keyPair.tags, { "ec2:KeyPairName": keyPair.keyName, "ec2:KeyPairType": keyPair.keyType }),
  };
}

/** The primary network interface of an instance. */
export function networkInterfaceResource(settings: RegionSettings, instance: Ec2Instance): AuthResource {
  return {
    arn: ec2Arn(settings, "network-interface", interfaceIdOf(instance)),
    keys: {
      "ec2:NetworkInterfaceID": interfaceIdOf(instance),
      "ec2:Subnet": ec2Arn(settings, "subnet", instance.subnet.subnetId),
      "ec2:AvailabilityZone": instance.subnet.availabilityZone,
    },
  };
}

/** An image: `arn:aws:ec2:REGION::image/ami-…` (no account, as IAM writes image ARNs). */
export function imageResource(settings: RegionSettings, image: MockImage): AuthResource {
  const tags: [string, string][] = (image.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]);
  return {
    arn: `arn:aws:ec2:${settings.region}::image/${image.ImageId}`,
    keys: tagKeys(tags, {
      "ec2:ImageID": image.ImageId,
      "ec2:ImageType": "machine",
      "ec2:Owner": image.ImageOwnerAlias ?? image.OwnerId,
      "ec2:Public": image.Public === undefined ? undefined : String(image.Public),
      "ec2:RootDeviceType": image.RootDeviceType,
    }),
  };
}

/** A subnet of the default VPC. */
export function subnetResource(settings: RegionSettings, subnet: Subnet, vpcId: string): AuthResource {
  return {
    arn: ec2Arn(settings, "subnet", subnet.subnetId),
    keys: { "ec2:AvailabilityZone": subnet.availabilityZone, "ec2:Vpc": ec2Arn(settings, "vpc", vpcId) },
  };
}

/** A security group of the default VPC. */
export function securityGroupResource(settings: RegionSettings, groupId: string, vpcId: string): AuthResource {
  return { arn: ec2Arn(settings, "security-group", groupId), keys: { "ec2:Vpc": ec2Arn(settings, "vpc", vpcId) } };
}

/** A launch template: `launch-template/lt-…`, with its tags as `ec2:ResourceTag/K` (Service Authorization Reference, launch-template). */
export function launchTemplateResource(
  settings: RegionSettings,
  template: { readonly launchTemplateId: string; readonly tags: ReadonlyMap<string, string> },
): AuthResource {
  return { arn: ec2Arn(settings, "launch-template", template.launchTemplateId), keys: tagKeys(template.tags) };
}

/** A resource the call creates: `…:TYPE/*`, with the request's tags for it. */
export function newResource(settings: RegionSettings, type: string, keys: Keys, requestTags?: ReadonlyMap<string, string>): AuthResource {
  return { arn: ec2Arn(settings, type, "*"), keys, requestTags: requestTags ?? new Map() };
}
