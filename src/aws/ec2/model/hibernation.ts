import type { RegionSettings } from "../region.js";
import type { Ec2Instance } from "./instance.js";
import { instanceTypesOf } from "./type-catalogue.js";
import type { VolumeStore } from "./volumes.js";

/**
 * What hibernation asks of the root volume (User Guide, "Prerequisites for
 * EC2 instance hibernation"): it "must be large enough to store the RAM
 * contents and accommodate your expected usage", and it must be encrypted.
 * The mock checks the part EC2 can know: the root volume holds at least the
 * instance type's memory, rounded up to whole GiB (the usage is the user's
 * to judge). Every volume of the mock is encrypted with the account's
 * default EBS key, so the encryption rule always holds.
 */

/** The GiB of root volume an instance type's memory needs to hibernate; undefined when the type's memory is unknown. */
export function hibernationRootGiB(settings: RegionSettings, instanceType: string): number | undefined {
  const mib = instanceTypesOf(settings).record(instanceType)?.MemoryInfo?.SizeInMiB;
  return mib === undefined ? undefined : Math.ceil(mib / 1024);
}

/**
 * Whether an instance can hibernate now: its root volume is attached and
 * holds its type's memory. A stop that cannot hibernate is a normal stop
 * (API reference, StopInstances: "If hibernation fails, a normal shutdown
 * occurs"; User Guide, Spot hibernation: "if ... there isn't enough volume
 * space to save the instance memory, hibernation fails and Amazon EC2 stops
 * the instance instead").
 */
export function canHibernate(settings: RegionSettings, volumes: VolumeStore, instance: Ec2Instance): boolean {
  const root = instance.volumes.find((v) => v.deviceName === instance.image.RootDeviceName);
  const volume = root === undefined ? undefined : volumes.get(root.volumeId);
  if (volume === undefined) return false;
  const needed = hibernationRootGiB(settings, instance.instanceType);
  return needed === undefined || volume.sizeGiB >= needed;
}
