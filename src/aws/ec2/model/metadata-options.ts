import type { InstanceMetadataOptionsResponse } from "@aws-sdk/client-ec2";
import { type Codec, number, object, optional } from "../../../engine/record.js";
import { type LaunchOptions, metadataOptionsCodec } from "./launch-options.js";

/**
 * How long a ModifyInstanceMetadataOptions change on a running instance
 * stays `pending` before DescribeInstances shows it `applied` (mock time;
 * EC2 documents no figure: decision, docs/behaviour.md).
 */
export const METADATA_APPLY_MS = 2_000;

/**
 * The instance metadata options ModifyInstanceMetadataOptions last set: the
 * options, when, and when they apply. On a running instance they apply
 * `METADATA_APPLY_MS` later; on a stopped one "when the instance is
 * started" (API reference), so `appliesAt` is absent and the change is
 * pending until the instance's next launch time. Also its snapshot form.
 * @public
 */
export interface MetadataChange {
  /** The options as modified (every member, the unchanged ones carried over). */
  readonly metadata: LaunchOptions["metadata"];
  /** When the call was made (mock time, ms). */
  readonly modifiedAt: number;
  /** When the change is applied on a running instance; undefined for a stopped one (at its next start). */
  readonly appliesAt?: number | undefined;
}

/** A metadata change as a snapshot keeps it. */
export const metadataChangeCodec: Codec<MetadataChange, MetadataChange> = object({
  metadata: metadataOptionsCodec,
  modifiedAt: number,
  appliesAt: optional(number, { nullIsAbsent: true }),
});

/** Whether a change is still pending at `now`, for an instance last launched or started at `launchTime`. */
export function isPending(change: MetadataChange, launchTime: number, now: number): boolean {
  return change.appliesAt === undefined ? launchTime <= change.modifiedAt : now < change.appliesAt;
}

/** The SDK's `InstanceMetadataOptionsResponse` for options in a state. */
export function renderMetadataOptions(metadata: LaunchOptions["metadata"], state: "pending" | "applied"): InstanceMetadataOptionsResponse {
  return {
    State: state,
    HttpTokens: metadata.httpTokens,
    HttpPutResponseHopLimit: metadata.hopLimit,
    HttpEndpoint: metadata.httpEndpoint,
    HttpProtocolIpv6: metadata.httpProtocolIpv6,
    InstanceMetadataTags: metadata.instanceMetadataTags,
  };
}

/** The options an instance shows now: the last change's (pending or applied), else the launch's. */
export function currentMetadataOptions(
  instance: { readonly launchOptions: LaunchOptions; readonly metadataChange?: MetadataChange | undefined; readonly launchTime: Date },
  now: number,
): InstanceMetadataOptionsResponse {
  const change = instance.metadataChange;
  if (change === undefined) return renderMetadataOptions(instance.launchOptions.metadata, "applied");
  return renderMetadataOptions(change.metadata, isPending(change, instance.launchTime.getTime(), now) ? "pending" : "applied");
}
