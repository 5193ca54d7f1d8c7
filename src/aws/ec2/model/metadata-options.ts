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
 * started" (API reference), so `appliesAt` is absent until the instance
 * is next started (`applyOnStart`). Also its snapshot form.
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

/** Whether a change is still pending at `now`: a stopped instance's until it is started, a running one's until `appliesAt`. */
export function isPending(change: MetadataChange, now: number): boolean {
  return change.appliesAt === undefined || now < change.appliesAt;
}

/**
 * A start (the machine leaves `stopped` for `starting` at `at`) applies a
 * change made while the instance was stopped; the engine's listener calls
 * this (src/aws/ec2/region.ts).
 */
export function applyOnStart(instance: { metadataChange?: MetadataChange | undefined }, at: number): void {
  const change = instance.metadataChange;
  if (change !== undefined && change.appliesAt === undefined) instance.metadataChange = Object.freeze({ ...change, appliesAt: at });
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
  instance: { readonly launchOptions: LaunchOptions; readonly metadataChange?: MetadataChange | undefined },
  now: () => number,
): InstanceMetadataOptionsResponse {
  const change = instance.metadataChange;
  if (change === undefined) return renderMetadataOptions(instance.launchOptions.metadata, "applied");
  return renderMetadataOptions(change.metadata, isPending(change, now()) ? "pending" : "applied");
}
