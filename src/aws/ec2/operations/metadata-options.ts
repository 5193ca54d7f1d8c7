import type { ModifyInstanceMetadataOptionsCommandInput, ModifyInstanceMetadataOptionsCommandOutput } from "@aws-sdk/client-ec2";
import { authorizeAndDryRun, findInstances, refuseUnmodelled } from "../checks.js";
import type { Operation } from "../context.js";
import { errors } from "../errors.js";
import type { LaunchOptions } from "../model/launch-options.js";
import { currentMetadataOptions, METADATA_APPLY_MS, renderMetadataOptions } from "../model/metadata-options.js";

/** The members of ModifyInstanceMetadataOptionsRequest the mock models (all of them, with DryRun). */
const MODELLED_MEMBERS = [
  "InstanceId",
  "HttpTokens",
  "HttpPutResponseHopLimit",
  "HttpEndpoint",
  "HttpProtocolIpv6",
  "InstanceMetadataTags",
] as const satisfies readonly (keyof ModifyInstanceMetadataOptionsCommandInput)[];

const enabledDisabled = ["enabled", "disabled"] as const;

/** An enum member given: one of `allowed`, else InvalidParameterValue naming it; undefined: not given. */
function given<T extends string>(value: unknown, parameter: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw errors.notOneOf(parameter, String(value), allowed);
}

/** The members given, checked (EC2's values and the hop limit's range, 1 to 64); the others keep their state. */
function readChanges(input: ModifyInstanceMetadataOptionsCommandInput): Partial<LaunchOptions["metadata"]> {
  const hop = input.HttpPutResponseHopLimit;
  if (hop !== undefined && !(Number.isInteger(hop) && hop >= 1 && hop <= 64)) {
    throw errors.notInRange("HttpPutResponseHopLimit", String(hop), 1, 64);
  }
  const changes = {
    httpTokens: given(input.HttpTokens, "HttpTokens", ["optional", "required"]),
    hopLimit: hop,
    httpEndpoint: given(input.HttpEndpoint, "HttpEndpoint", enabledDisabled),
    httpProtocolIpv6: given(input.HttpProtocolIpv6, "HttpProtocolIpv6", enabledDisabled),
    instanceMetadataTags: given(input.InstanceMetadataTags, "InstanceMetadataTags", enabledDisabled),
  };
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
}

/**
 * ModifyInstanceMetadataOptions: changes the members given on a running or
 * stopped instance ("Modify the instance metadata parameters on a running
 * or stopped instance"; API reference), each other member keeping its
 * state. The answer, and DescribeInstances, show the new options `pending`:
 * on a running instance until `METADATA_APPLY_MS` of mock time have
 * passed, on a stopped one until it is started; then `applied`. Order:
 * parameters, the instance, IAM (with `ec2:Metadata*` request keys),
 * DryRun, the state, the change.
 */
export const modifyInstanceMetadataOptions: Operation<
  ModifyInstanceMetadataOptionsCommandInput,
  ModifyInstanceMetadataOptionsCommandOutput
> = (ctx, input) => {
  if (input.InstanceId === undefined || input.InstanceId === null || input.InstanceId === "") {
    throw errors.missingParameter("InstanceId");
  }
  refuseUnmodelled("ModifyInstanceMetadataOptions", input, MODELLED_MEMBERS);
  const changes = readChanges(input);
  const [instance] = findInstances(ctx, [String(input.InstanceId)]);
  authorizeAndDryRun(ctx, "ModifyInstanceMetadataOptions", [instance!], input.DryRun, {
    keys: {
      "ec2:MetadataHttpTokens": changes.httpTokens,
      "ec2:MetadataHttpPutResponseHopLimit": changes.hopLimit === undefined ? undefined : String(changes.hopLimit),
      "ec2:MetadataHttpEndpoint": changes.httpEndpoint,
    },
  });
  const state = ctx.region.stateOf(instance!).Name;
  if (state !== "running" && state !== "stopped") throw errors.notInStateFor(instance!.instanceId, "modified");
  const current = currentMetadataOptions(instance!, () => ctx.now);
  const metadata: LaunchOptions["metadata"] = Object.freeze({
    httpTokens: changes.httpTokens ?? (current.HttpTokens as LaunchOptions["metadata"]["httpTokens"]),
    hopLimit: changes.hopLimit ?? current.HttpPutResponseHopLimit!,
    httpEndpoint: changes.httpEndpoint ?? (current.HttpEndpoint as LaunchOptions["metadata"]["httpEndpoint"]),
    httpProtocolIpv6: changes.httpProtocolIpv6 ?? (current.HttpProtocolIpv6 as LaunchOptions["metadata"]["httpProtocolIpv6"]),
    instanceMetadataTags:
      changes.instanceMetadataTags ?? (current.InstanceMetadataTags as LaunchOptions["metadata"]["instanceMetadataTags"]),
  });
  instance!.metadataChange = Object.freeze({
    metadata,
    modifiedAt: ctx.now,
    ...(state === "running" ? { appliesAt: ctx.now + METADATA_APPLY_MS } : {}),
  });
  return { InstanceId: instance!.instanceId, InstanceMetadataOptions: renderMetadataOptions(metadata, "pending") };
};
