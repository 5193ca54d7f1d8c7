import type {
  DescribeInstanceAttributeCommandInput,
  DescribeInstanceAttributeCommandOutput,
  InstanceAttribute,
  InstanceAttributeName,
  InstanceBlockDeviceMappingSpecification,
  ModifyInstanceAttributeCommandInput,
  ModifyInstanceAttributeCommandOutput,
} from "@aws-sdk/client-ec2";
import { authorizeAndDryRun, findInstances, readShutdownBehavior, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { isWellFormedId } from "../model/ids.js";
import { type Ec2Instance, ebsOptimizedOf, sourceDestCheckOf } from "../model/instance.js";
import { checkUserDataBytes, invalidUserData, readBase64UserData } from "../model/limits.js";
import { MAX_GROUPS_PER_INTERFACE } from "../model/security-groups.js";
import { instanceTypesOf } from "../model/type-catalogue.js";

/**
 * DescribeInstanceAttribute and ModifyInstanceAttribute, in EC2's order of
 * checks: parameters, the instance id, checks of the new value against the
 * instance (architecture, devices), authorization, DryRun, state rules, then
 * the effect.
 *
 * The mock models instanceType, userData, disableApiTermination,
 * disableApiStop, instanceInitiatedShutdownBehavior, sourceDestCheck,
 * ebsOptimized, enaSupport, groupSet and the DeleteOnTermination flag of
 * blockDeviceMapping. The other attributes EC2 lets one modify (
 * kernel, ramdisk, sriovNetSupport, enclaveOptions, nvmeSupport) are
 * described with their fixed values, and modifying them is refused with
 * UnsupportedOperation naming them: silently accepting a change the mock
 * would not show afterwards would let a test pass that EC2 would fail.
 */

/** An attribute's answer in DescribeInstanceAttribute, without `InstanceId`. */
type AttributeAnswer = Omit<InstanceAttribute, "InstanceId">;

function isGone(instance: Ec2Instance): boolean {
  return instance.machine.phase === "terminating" || instance.machine.phase === "terminated";
}

/**
 * The one name of the SDK's `InstanceAttributeName` that DescribeInstanceAttribute
 * does not take: its reference says "the enaSupport attribute is not
 * supported", and EC2 answers it as an unknown attribute (aws/aws-cli#4273).
 * DescribeInstances shows `EnaSupport`.
 */
type NotDescribable = "enaSupport";

/**
 * What DescribeInstanceAttribute answers for each attribute. Keyed by the
 * SDK's `InstanceAttributeName`, so a name the SDK adds fails to compile
 * until it is given an answer. Unmodelled attributes answer what EC2 shows
 * for a default-VPC HVM instance launched without kernel, ramdisk or
 * enclave, and agree with DescribeInstances.
 */
const describers: Record<
  Exclude<InstanceAttributeName, NotDescribable>,
  (ctx: OperationContext, instance: Ec2Instance) => AttributeAnswer
> = {
  instanceType: (_, i) => ({ InstanceType: { Value: i.instanceType } }),
  // EC2 sends an empty <userData/> when there is none; the SDK reads it as {}.
  userData: (_, i) => ({ UserData: i.userData === undefined ? {} : { Value: i.userData } }),
  disableApiTermination: (_, i) => ({ DisableApiTermination: { Value: i.disableApiTermination } }),
  disableApiStop: (_, i) => ({ DisableApiStop: { Value: i.disableApiStop } }),
  instanceInitiatedShutdownBehavior: (_, i) => ({ InstanceInitiatedShutdownBehavior: { Value: i.shutdownBehavior } }),
  rootDeviceName: (_, i) => ({ RootDeviceName: i.image.RootDeviceName === undefined ? {} : { Value: i.image.RootDeviceName } }),
  // Read from the rendered instance, so the two operations can never disagree
  // (a terminated instance has no volumes and no groups left in either).
  blockDeviceMapping: (ctx, i) => ({ BlockDeviceMappings: ctx.region.render(i).BlockDeviceMappings ?? [] }),
  groupSet: (ctx, i) => ({ Groups: ctx.region.render(i).SecurityGroups ?? [] }),
  productCodes: () => ({ ProductCodes: [] }),
  ebsOptimized: (_, i) => ({ EbsOptimized: { Value: ebsOptimizedOf(i) } }),
  sourceDestCheck: (_, i) => ({ SourceDestCheck: { Value: sourceDestCheckOf(i) } }),
  enclaveOptions: (_, i) => ({ EnclaveOptions: { Enabled: i.launchOptions.enclave } }),
  // HVM instances have no kernel or ramdisk image; ENA instances report no SR-IOV value.
  kernel: () => ({ KernelId: {} }),
  ramdisk: () => ({ RamdiskId: {} }),
  sriovNetSupport: () => ({ SriovNetSupport: {} }),
};

/** The attributes DescribeInstanceAttribute answers. */
function isDescribable(name: string): name is Exclude<InstanceAttributeName, NotDescribable> {
  return Object.hasOwn(describers, name);
}

/**
 * The attributes ModifyInstanceAttribute's `Attribute` names: every name of
 * its reference's list ("You can modify the following attributes only"),
 * `nvmeSupport` included though the SDK's enum lacks it, plus
 * `rootDeviceName` and `productCodes`, kept so that they are refused as
 * read-only rather than as unknown.
 */
type ModifiableName = InstanceAttributeName | "nvmeSupport";

function isModifiableName(name: string): name is ModifiableName {
  return name === "enaSupport" || name === "nvmeSupport" || isDescribable(name);
}

/** EC2's refusal of an attribute name it does not know. */
function unknownAttribute(name: string) {
  return errors.unknownAttribute(name);
}

/** A present, non-empty parameter as a string, or MissingParameter naming it. */
function requireString(value: unknown, name: string): string {
  if (value === undefined || value === null || value === "") throw errors.missingParameter(name);
  return String(value);
}

/** DescribeInstanceAttribute: one attribute of one instance. */
export const describeInstanceAttribute: Operation<DescribeInstanceAttributeCommandInput, DescribeInstanceAttributeCommandOutput> = (
  ctx,
  input,
) => {
  const instanceId = requireString(input.InstanceId, "InstanceId");
  const attribute = requireString(input.Attribute, "Attribute");
  if (!isDescribable(attribute)) throw unknownAttribute(attribute);
  refuseUnmodelled("DescribeInstanceAttribute", input, ["InstanceId", "Attribute", "DryRun"]);
  const [instance] = findInstances(ctx, [instanceId]);
  authorizeAndDryRun(ctx, "DescribeInstanceAttribute", [instance!], input.DryRun);
  return { InstanceId: instance!.instanceId, ...describers[attribute](ctx, instance!) };
};

/** A checked change of one attribute, not applied yet. */
interface Change {
  /**
   * EC2 only allows it on a stopped instance: instanceType, userData, kernel
   * and ramdisk (User Guide, "Stop and start your instance"), EBS
   * optimization ("Modify a stopped instance") and ENA support
   * ("Enable enhanced networking with ENA").
   */
  readonly needsStopped: boolean;
  /** Checks of the new value that need the instance; run after the id checks, before authorization. */
  check(instance: Ec2Instance): void;
  /** Writes the new value. */
  apply(instance: Ec2Instance): void;
}

/** One attribute the request names: its EC2 spelling, the value given, and in which form. */
interface GivenAttribute {
  readonly name: ModifiableName;
  readonly value: unknown;
  /** Given as `Attribute` + `Value` (a string), not as its own structured field. */
  readonly legacy: boolean;
}

/** The structured fields of ModifyInstanceAttribute and the attribute each one sets, in EC2's model order. */
const structuredFields = [
  ["InstanceType", "instanceType"],
  ["UserData", "userData"],
  ["DisableApiTermination", "disableApiTermination"],
  ["DisableApiStop", "disableApiStop"],
  ["InstanceInitiatedShutdownBehavior", "instanceInitiatedShutdownBehavior"],
  ["BlockDeviceMappings", "blockDeviceMapping"],
  ["SourceDestCheck", "sourceDestCheck"],
  ["Groups", "groupSet"],
  ["EbsOptimized", "ebsOptimized"],
  ["SriovNetSupport", "sriovNetSupport"],
  ["EnaSupport", "enaSupport"],
  ["Kernel", "kernel"],
  ["Ramdisk", "ramdisk"],
  ["EnclaveOptions", "enclaveOptions"],
] as const satisfies ReadonlyArray<readonly [keyof ModifyInstanceAttributeCommandInput, InstanceAttributeName]>;

/**
 * The members of ModifyInstanceAttributeRequest the mock models; the others
 * (Kernel, Ramdisk, SriovNetSupport, EnclaveOptions) are refused by
 * name with `refuseUnmodelled`.
 */
const modelledMembers = [
  "InstanceId",
  "Attribute",
  "Value",
  "DryRun",
  "InstanceType",
  "UserData",
  "DisableApiTermination",
  "DisableApiStop",
  "InstanceInitiatedShutdownBehavior",
  "BlockDeviceMappings",
  "SourceDestCheck",
  "EbsOptimized",
  "EnaSupport",
  "Groups",
] as const satisfies ReadonlyArray<keyof ModifyInstanceAttributeCommandInput>;

/**
 * The value a structured field carries, or undefined when it counts as not
 * given: the SDK sends nothing for a wrapper without a value or for an empty
 * list, so EC2 never sees either.
 */
function structuredValue(field: unknown): unknown {
  if (Array.isArray(field)) return field.length === 0 ? undefined : field;
  if (field === null || typeof field !== "object") return undefined;
  const wrapper = field as { Value?: unknown; Enabled?: unknown };
  return wrapper.Value ?? wrapper.Enabled;
}

/**
 * The request as EC2 receives it: without the structured fields the SDK
 * would not send (a wrapper without a value), so that every door refuses
 * an unmodelled member alike.
 */
function sentMembers(input: ModifyInstanceAttributeCommandInput): Partial<ModifyInstanceAttributeCommandInput> {
  const sent: Partial<ModifyInstanceAttributeCommandInput> = { ...input };
  for (const [field] of structuredFields) if (structuredValue(input[field]) === undefined) delete sent[field];
  return sent;
}

/** Every attribute the request names: the legacy `Attribute` first, then the structured fields. */
function givenAttributes(input: ModifyInstanceAttributeCommandInput): GivenAttribute[] {
  const given: GivenAttribute[] = [];
  if (input.Attribute !== undefined) {
    const name = String(input.Attribute);
    if (!isModifiableName(name)) throw unknownAttribute(name);
    if (input.Value === undefined) throw errors.missingParameter("Value");
    given.push({ name, value: input.Value, legacy: true });
  } else if (input.Value !== undefined) {
    throw errors.missingParameter("Attribute");
  }
  for (const [field, name] of structuredFields) {
    const value = structuredValue(input[field]);
    if (value !== undefined) given.push({ name, value: field === "BlockDeviceMappings" ? input[field] : value, legacy: false });
  }
  return given;
}

/** A boolean attribute value: a boolean, or (legacy form, or from the wire) `"true"` / `"false"`. */
function readBoolean(value: unknown, name: string): boolean {
  if (typeof value === "boolean") return value;
  const text = String(value).toLowerCase();
  if (text === "true" || text === "false") return text === "true";
  throw errors.notOneOf(name, String(value), ["true", "false"]);
}

/**
 * User data as the mock stores it (base64, undefined for none). The
 * structured form carries the SDK blob (raw bytes; the SDK door turns a
 * string into its UTF-8 bytes, as the SDK would on the wire) and the mock
 * encodes it; the legacy `Value` is already the wire's base64 text. Either
 * way it must be at most 16 KB decoded (src/aws/ec2/model/limits.ts).
 */
function readUserData(value: unknown, legacy: boolean): string | undefined {
  let encoded: string;
  if (legacy) {
    encoded = readBase64UserData(String(value));
  } else if (value instanceof Uint8Array) {
    checkUserDataBytes(value.byteLength);
    encoded = Buffer.from(value).toString("base64");
  } else if (typeof value === "string") {
    checkUserDataBytes(Buffer.byteLength(value, "utf8"));
    encoded = Buffer.from(value, "utf8").toString("base64");
  } else {
    throw invalidUserData();
  }
  // An empty value clears the user data, and DescribeInstanceAttribute then shows none.
  return encoded === "" ? undefined : encoded;
}

/**
 * A new instance type: known to the mock (else EC2's documented
 * InvalidInstanceAttributeValue), of the architecture of the instance's
 * image, and able to run its virtualization type (a PV instance cannot move
 * to an HVM-only type): the User Guide's compatibility rules, refused with
 * the words EC2 uses for a type change it does not allow.
 */
function instanceTypeChange(value: unknown, ctx: OperationContext): Change {
  const instanceType = String(value);
  const typeInfo = instanceTypesOf(ctx.region.settings).facts(instanceType);
  if (typeInfo === undefined) throw errors.instanceTypeInvalid(instanceType);
  return {
    needsStopped: true,
    check(instance) {
      const paravirtual = instance.image.VirtualizationType === "paravirtual";
      if (!typeInfo.architectures.includes(instance.image.Architecture ?? "") || (paravirtual && !typeInfo.paravirtual)) {
        throw errors.instanceTypeChangeNotAllowed(instance.instanceType, instanceType);
      }
      // A type the instance's zone does not offer cannot run it: refused with EC2's words for a type change it
      // does not allow (raw response, pulumi/pulumi#16758; applying them here is a decision).
      const zone = instance.subnet.availabilityZone;
      const offered = instanceTypesOf(ctx.region.settings).offeredZones(ctx.region.settings.region, ctx.region.network.zones, instanceType);
      if (!offered.some((z) => z.ZoneName === zone)) throw errors.instanceTypeChangeNotAllowed(instance.instanceType, instanceType);
    },
    apply(instance) {
      instance.instanceType = instanceType;
      // CpuOptions in DescribeInstances follow the type.
      instance.typeInfo = typeInfo;
    },
  };
}

/** A change of a plain value that needs no check against the instance. */
function simpleChange(apply: (instance: Ec2Instance) => void, needsStopped = false): Change {
  return { needsStopped, check: () => {}, apply };
}

/**
 * Stop protection: any live state ("while the instance is running, or
 * while the instance is stopped"), but "you can't enable stop protection
 * for instance store-backed instances" (User Guide, "Enable stop
 * protection"). Turning it off is always accepted.
 */
function disableApiStopChange(flag: boolean): Change {
  return {
    needsStopped: false,
    check(instance) {
      if (flag && instance.image.RootDeviceType === "instance-store") {
        throw errors.stopProtectionNotEbs(instance.instanceId);
      }
    },
    apply: (instance) => (instance.disableApiStop = flag),
  };
}

/**
 * EBS optimization, only while stopped. Enabling it on a type that does not
 * offer it (t2, m1.small, m1.medium) is refused with EC2's words for the same
 * request at launch; disabling it is accepted on any type (on a type that is
 * EBS-optimized by default it has no effect, as the User Guide says).
 */
function ebsOptimizedChange(flag: boolean): Change {
  return {
    needsStopped: true,
    check(instance) {
      if (flag && instance.typeInfo.ebsOptimization === "unsupported") throw errors.unsupportedConfiguration("EBS-optimized instances");
    },
    apply: (instance) => (instance.ebsOptimized = flag),
  };
}

/**
 * New DeleteOnTermination flags by device. A device not attached to the
 * instance is refused, and so is an `Ebs.VolumeId` other than the volume
 * at that device; without `DeleteOnTermination` the flag becomes `true`,
 * the reference's default. NoDevice and VirtualName (detaching, instance
 * store) are not modelled.
 */
function blockDeviceChange(value: unknown): Change {
  const specs = value as InstanceBlockDeviceMappingSpecification[];
  const flags = new Map<string, boolean>();
  const volumeIds = new Map<string, string>();
  for (const spec of specs) {
    const device = requireString(spec?.DeviceName, "BlockDeviceMapping.DeviceName");
    if (spec.NoDevice !== undefined || spec.VirtualName !== undefined) {
      throw errors.unmodelledBlockDeviceChange();
    }
    const flag = spec.Ebs?.DeleteOnTermination;
    flags.set(device, flag === undefined ? true : readBoolean(flag, "deleteOnTermination"));
    if (spec.Ebs?.VolumeId !== undefined) volumeIds.set(device, String(spec.Ebs.VolumeId));
  }
  return {
    needsStopped: false,
    check(instance) {
      for (const device of flags.keys()) {
        const attached = instance.volumes.find((v) => v.deviceName === device);
        if (attached === undefined) throw errors.noDeviceMapped(device);
        const volumeId = volumeIds.get(device);
        if (volumeId !== undefined && volumeId !== attached.volumeId) {
          throw errors.volumeNotAtDevice(volumeId, instance.instanceId, device);
        }
      }
    },
    apply(instance) {
      for (const volume of instance.volumes) {
        const flag = flags.get(volume.deviceName);
        if (flag !== undefined) volume.deleteOnTermination = flag;
      }
    },
  };
}

/**
 * The instance's security groups (issue 15): the list replaces them all, on
 * a running or stopped instance ("Change security groups for your instance",
 * EC2 User Guide). Every id well formed and existing (checked before
 * authorization), of the instance's VPC, at most five (the quota of groups
 * per network interface). The legacy form's `Value` is one group id.
 */
function groupSetChange(ctx: OperationContext, value: unknown): Change {
  const ids = [...new Set((Array.isArray(value) ? value : [value]).map(String))];
  for (const id of ids) if (!isWellFormedId("sg", id)) throw errors.malformedGroupId(id);
  if (ids.length > MAX_GROUPS_PER_INTERFACE) throw errors.groupsPerInterfaceLimit();
  return {
    needsStopped: false,
    check(instance) {
      for (const id of ids) {
        const group = ctx.region.securityGroups.get(id);
        if (group === undefined) throw errors.securityGroupNotFound(id);
        if (group.vpcId !== instance.subnet.vpcId) throw errors.groupOfOtherNetwork(id, instance.subnet.subnetId);
      }
    },
    apply: (instance) => ctx.region.setSecurityGroups(instance, ids),
  };
}

/** Attributes EC2 can modify but the mock does not model, when named by the legacy `Attribute`. */
const unmodelled = new Set<ModifiableName>(["sriovNetSupport", "kernel", "ramdisk", "enclaveOptions", "nvmeSupport"]);

/** Reads the one attribute of the call into a checked change (every parameter check, no instance needed). */
function readChange({ name, value, legacy }: GivenAttribute, ctx: OperationContext): Change {
  if (unmodelled.has(name)) {
    throw errors.unmodelledAttributeChange(name);
  }
  switch (name) {
    case "instanceType":
      return instanceTypeChange(value, ctx);
    case "userData": {
      const userData = readUserData(value, legacy);
      return simpleChange((i) => (i.userData = userData), true);
    }
    case "disableApiTermination": {
      const flag = readBoolean(value, name);
      return simpleChange((i) => (i.disableApiTermination = flag));
    }
    case "disableApiStop":
      return disableApiStopChange(readBoolean(value, name));
    case "instanceInitiatedShutdownBehavior": {
      const behavior = readShutdownBehavior(value);
      return simpleChange((i) => (i.shutdownBehavior = behavior));
    }
    case "sourceDestCheck": {
      // Any live state (ResetInstanceAttribute: "the instance can be either running or stopped").
      const flag = readBoolean(value, name);
      return simpleChange((i) => (i.sourceDestCheck = flag));
    }
    case "ebsOptimized":
      return ebsOptimizedChange(readBoolean(value, name));
    case "enaSupport": {
      // Accepted on any type: a type that requires ENA refuses to start without it (see `startRefusal`, ./start-refusal.ts).
      const flag = readBoolean(value, name);
      return simpleChange((i) => (i.enaSupport = flag), true);
    }
    case "groupSet":
      return groupSetChange(ctx, value);
    case "blockDeviceMapping":
      if (legacy) {
        throw errors.attributeViaBlockDeviceMappings(name);
      }
      return blockDeviceChange(value);
    default:
      // productCodes, rootDeviceName: fixed at launch.
      throw errors.attributeNotModifiable(name);
  }
}

/** The state rules: some attributes only on a stopped instance; nothing on one shutting down or gone. */
function checkState(instance: Ec2Instance, change: Change): void {
  if (change.needsStopped && instance.machine.phase !== "stopped") {
    throw errors.notStopped(instance.instanceId);
  }
  if (isGone(instance)) {
    throw errors.notInStateFor(instance.instanceId, "modified");
  }
}

/** ModifyInstanceAttribute: changes one attribute, given in the legacy or the structured form. */
export const modifyInstanceAttribute: Operation<ModifyInstanceAttributeCommandInput, ModifyInstanceAttributeCommandOutput> = (
  ctx,
  input,
) => {
  const instanceId = requireString(input.InstanceId, "InstanceId");
  const given = givenAttributes(input);
  if (given.length === 0) throw errors.noAttributesSpecified();
  if (given.length > 1) {
    throw errors.multipleAttributes(given.map((g) => g.name));
  }
  refuseUnmodelled("ModifyInstanceAttribute", sentMembers(input), modelledMembers);
  const change = readChange(given[0]!, ctx);
  const [instance] = findInstances(ctx, [instanceId]);
  change.check(instance!);
  authorizeAndDryRun(ctx, "ModifyInstanceAttribute", [instance!], input.DryRun);
  checkState(instance!, change);
  change.apply(instance!);
  return {};
};
