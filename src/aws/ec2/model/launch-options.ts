import type { RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { boolean, type Codec, checked, invalid, literal, mapped, number, object, optional, string } from "../../../engine/record.js";
import { errors } from "../errors.js";
import type { MockImage } from "./images.js";
import { type InstanceTypeSupport, instanceTypeSupport } from "./instance-types.js";

/**
 * The options RunInstances records for an instance and DescribeInstances
 * shows (issue 13: every member is modelled or refused): instance
 * metadata options, detailed monitoring, EBS optimization, Nitro Enclaves,
 * automatic recovery, the Capacity Reservation preference and the
 * hostname options. One frozen object is shared by every instance of a
 * launch (memory at scale); nothing writes into it.
 * @public
 */
export interface LaunchOptions {
  /** `InstanceMetadataOptionsRequest`, with the image's defaults filled in. */
  readonly metadata: {
    readonly httpTokens: "optional" | "required";
    readonly hopLimit: number;
    readonly httpEndpoint: "enabled" | "disabled";
    readonly httpProtocolIpv6: "enabled" | "disabled";
    readonly instanceMetadataTags: "enabled" | "disabled";
  };
  /** Detailed monitoring (`Monitoring.Enabled`). */
  readonly monitoring: boolean;
  /** `EbsOptimized` (default false, as the API reference says). */
  readonly ebsOptimized: boolean;
  /** `EnclaveOptions.Enabled`. */
  readonly enclave: boolean;
  /** `MaintenanceOptions.AutoRecovery`. */
  readonly autoRecovery: "default" | "disabled";
  /** `CapacityReservationSpecification.CapacityReservationPreference` (open or none). */
  readonly capacityReservationPreference: "open" | "none";
  /** `PrivateDnsNameOptions`' two record flags (the hostname type is always ip-name). */
  readonly resourceNameDnsA: boolean;
  readonly resourceNameDnsAAAA: boolean;
  /** `CpuOptions` chosen at launch; undefined for the type's defaults. */
  readonly cpu?: { readonly coreCount: number; readonly threadsPerCore: number } | undefined;
  /** `IamInstanceProfile`, resolved to its ARN and id (src/aws/ec2/model/instance-profile.ts); undefined for none. */
  readonly iamInstanceProfile?: { readonly arn: string; readonly id: string } | undefined;
  /** The primary network interface's `Description` (`NetworkInterfaces.1.Description`); undefined for `""`. */
  readonly networkInterfaceDescription?: string | undefined;
}

const enabledDisabled = ["enabled", "disabled"] as const;

/**
 * EC2's defaults for an image (source: API reference, `Image.ImdsSupport`:
 * an image of ImdsSupport `v2.0` launches with HttpTokens `required` and a
 * hop limit of 2; `InstanceMetadataOptionsRequest` and the launch
 * template's: otherwise `optional` and 1). The account-level defaults are
 * not modelled (every account is `no-preference`).
 */
export function defaultLaunchOptions(image: Pick<MockImage, "ImdsSupport">): LaunchOptions {
  const v2 = image.ImdsSupport === "v2.0";
  return {
    metadata: {
      httpTokens: v2 ? "required" : "optional",
      hopLimit: v2 ? 2 : 1,
      httpEndpoint: "enabled",
      httpProtocolIpv6: "disabled",
      instanceMetadataTags: "disabled",
    },
    monitoring: false,
    ebsOptimized: false,
    enclave: false,
    autoRecovery: "default",
    capacityReservationPreference: "open",
    resourceNameDnsA: false,
    resourceNameDnsAAAA: false,
  };
}

/** An enum member: one of `allowed`, else InvalidParameterValue naming the wire parameter (wording: decision, EC2's pattern). */
function oneOf<T extends string>(value: unknown, parameter: string, allowed: readonly T[]): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw errors.notOneOf(parameter, String(value), allowed);
}

/**
 * A nested member the mock does not model, refused by its dotted SDK path
 * (`Placement.HostId`), never dropped: `refuseUnmodelled` one level down.
 */
export function refuseNested(path: string, value: object | undefined, modelled: readonly string[]): void {
  if (value === undefined) return;
  for (const [name, member] of Object.entries(value)) {
    if (member === undefined || modelled.includes(name)) continue;
    if (Array.isArray(member) && member.length === 0) continue;
    throw errors.unmodelledParameter("RunInstances", `${path}.${name}`);
  }
}

/**
 * Reads the launch options of a RunInstances request, checking each
 * against EC2's valid values, the instance type and the other options;
 * returns the image's defaults for whatever the request leaves out.
 * `hibernation` is `HibernationOptions.Configured`.
 */
export function readLaunchOptions(
  input: RunInstancesCommandInput,
  image: MockImage,
  instanceType: string,
  hibernation: boolean,
  supportOf: (instanceType: string) => InstanceTypeSupport = instanceTypeSupport,
): LaunchOptions {
  const defaults = defaultLaunchOptions(image);
  const m = input.MetadataOptions;
  refuseNested("MetadataOptions", m, ["HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "HttpProtocolIpv6", "InstanceMetadataTags"]);
  refuseNested("HibernationOptions", input.HibernationOptions, ["Configured"]);
  refuseNested("EnclaveOptions", input.EnclaveOptions, ["Enabled"]);
  refuseNested("MaintenanceOptions", input.MaintenanceOptions, ["AutoRecovery"]);
  refuseNested("Monitoring", input.Monitoring, ["Enabled"]);
  refuseNested("CapacityReservationSpecification", input.CapacityReservationSpecification, ["CapacityReservationPreference"]);
  refuseNested("PrivateDnsNameOptions", input.PrivateDnsNameOptions, [
    "HostnameType",
    "EnableResourceNameDnsARecord",
    "EnableResourceNameDnsAAAARecord",
  ]);
  const hop = m?.HttpPutResponseHopLimit;
  if (hop !== undefined && !(Number.isInteger(hop) && hop >= 1 && hop <= 64)) {
    throw errors.notInRange("MetadataOptions.HttpPutResponseHopLimit", String(hop), 1, 64);
  }
  const metadata: LaunchOptions["metadata"] = {
    httpTokens:
      m?.HttpTokens === undefined
        ? defaults.metadata.httpTokens
        : oneOf(m.HttpTokens, "MetadataOptions.HttpTokens", ["optional", "required"]),
    hopLimit: hop ?? defaults.metadata.hopLimit,
    httpEndpoint: m?.HttpEndpoint === undefined ? "enabled" : oneOf(m.HttpEndpoint, "MetadataOptions.HttpEndpoint", enabledDisabled),
    httpProtocolIpv6:
      m?.HttpProtocolIpv6 === undefined ? "disabled" : oneOf(m.HttpProtocolIpv6, "MetadataOptions.HttpProtocolIpv6", enabledDisabled),
    instanceMetadataTags:
      m?.InstanceMetadataTags === undefined
        ? "disabled"
        : oneOf(m.InstanceMetadataTags, "MetadataOptions.InstanceMetadataTags", enabledDisabled),
  };
  const preference = input.CapacityReservationSpecification?.CapacityReservationPreference;
  if (preference === "capacity-reservations-only") {
    throw errors.unmodelledParameter("RunInstances", "CapacityReservationSpecification.CapacityReservationPreference");
  }
  const hostnameType = input.PrivateDnsNameOptions?.HostnameType;
  if (hostnameType === "resource-name") throw errors.unmodelledParameter("RunInstances", "PrivateDnsNameOptions.HostnameType");
  if (hostnameType !== undefined) oneOf(hostnameType, "PrivateDnsNameOptions.HostnameType", ["ip-name", "resource-name"]);
  const autoRecovery = input.MaintenanceOptions?.AutoRecovery;
  const enclave = input.EnclaveOptions?.Enabled === true;
  if (enclave && hibernation) {
    throw errors.hibernationWithEnclave();
  }
  const ebsOptimized = input.EbsOptimized === true;
  // The type's support is read from the catalogue only when an option needs it.
  if (ebsOptimized && supportOf(instanceType).ebsOptimized === "unsupported")
    throw errors.unsupportedConfiguration("EBS-optimized instances");
  if (enclave && !supportOf(instanceType).enclaves) throw errors.unsupportedConfiguration("Nitro Enclaves");
  const cpu = readCpuOptions(input.CpuOptions, instanceType, supportOf);
  return Object.freeze({
    ...(cpu === undefined ? {} : { cpu: Object.freeze(cpu) }),
    metadata: Object.freeze(metadata),
    monitoring: input.Monitoring?.Enabled === true,
    ebsOptimized,
    enclave,
    autoRecovery: autoRecovery === undefined ? "default" : oneOf(autoRecovery, "MaintenanceOptions.AutoRecovery", ["default", "disabled"]),
    capacityReservationPreference:
      preference === undefined
        ? "open"
        : oneOf(preference, "CapacityReservationSpecification.CapacityReservationPreference", ["open", "none"]),
    resourceNameDnsA: input.PrivateDnsNameOptions?.EnableResourceNameDnsARecord === true,
    resourceNameDnsAAAA: input.PrivateDnsNameOptions?.EnableResourceNameDnsAAAARecord === true,
  });
}

/**
 * `CpuOptions`: both members (source: EC2's MissingParameter, raw response
 * in hashicorp/terraform-provider-aws#46821), each one of the type's
 * `ValidCores` and `ValidThreadsPerCore` (DescribeInstanceTypes); a type
 * without them (t2, previous generations) takes none (wording: decisions).
 */
function readCpuOptions(
  cpu: RunInstancesCommandInput["CpuOptions"],
  instanceType: string,
  supportOf: (instanceType: string) => InstanceTypeSupport,
): LaunchOptions["cpu"] {
  refuseNested("CpuOptions", cpu, ["CoreCount", "ThreadsPerCore"]);
  if (cpu === undefined) return undefined;
  const { CoreCount: coreCount, ThreadsPerCore: threadsPerCore } = cpu;
  if (coreCount === undefined || threadsPerCore === undefined) {
    throw errors.cpuOptionsIncomplete();
  }
  const support = supportOf(instanceType);
  if (support.validCores === undefined || support.validThreadsPerCore === undefined) throw errors.unsupportedConfiguration("CPU options");
  if (!support.validCores.includes(coreCount)) {
    throw errors.invalidCpuOption("CpuOptions.CoreCount", String(coreCount), instanceType, support.validCores);
  }
  if (!support.validThreadsPerCore.includes(threadsPerCore)) {
    throw errors.invalidCpuOption("CpuOptions.ThreadsPerCore", String(threadsPerCore), instanceType, support.validThreadsPerCore);
  }
  return { coreCount, threadsPerCore };
}

const frozen = <T extends object>(value: T): T => Object.freeze(value);

/** Instance metadata options as a snapshot keeps them (frozen when read). */
export const metadataOptionsCodec: Codec<LaunchOptions["metadata"], LaunchOptions["metadata"]> = mapped(
  object({
    httpTokens: literal("optional", "required"),
    hopLimit: checked(number, (hopLimit, path) => {
      if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64) throw invalid(path, "an integer from 1 to 64", hopLimit);
    }),
    httpEndpoint: literal(...enabledDisabled),
    httpProtocolIpv6: literal(...enabledDisabled),
    instanceMetadataTags: literal(...enabledDisabled),
  }),
  { read: frozen, write: (metadata) => metadata },
);

/** CpuOptions chosen at launch. */
const cpuRecord = object({ coreCount: number, threadsPerCore: number });

/** The options as a snapshot keeps them, in the order they are written. */
const launchOptionsRecord = object({
  cpu: optional(mapped(cpuRecord, { read: frozen, write: (cpu) => cpu }), { nullIsAbsent: true }),
  metadata: metadataOptionsCodec,
  monitoring: boolean,
  ebsOptimized: boolean,
  enclave: boolean,
  autoRecovery: literal("default", "disabled"),
  capacityReservationPreference: literal("open", "none"),
  resourceNameDnsA: boolean,
  resourceNameDnsAAAA: boolean,
  iamInstanceProfile: optional(mapped(object({ arn: string, id: string }), { read: frozen, write: (profile) => profile }), {
    nullIsAbsent: true,
  }),
  networkInterfaceDescription: optional(string, { nullIsAbsent: true }),
});

/**
 * The options as a snapshot keeps them (plain JSON).
 * @public
 */
export type LaunchOptionsJson = LaunchOptions;

/**
 * A snapshot's options, frozen as a launch's are (a snapshot written before
 * they existed lacks them: the image's defaults, `defaultLaunchOptions`).
 */
export const launchOptionsCodec: Codec<LaunchOptions, LaunchOptionsJson> = mapped(launchOptionsRecord, {
  read: frozen,
  write: (options) => options,
});
