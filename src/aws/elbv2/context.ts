import type { Ec2Region } from "../ec2/region.js";
import type { Principal } from "../iam/principals.js";

/** A resource an ELBv2 action is authorized on: its ARN (`arn:aws:elasticloadbalancing:…`), or `*`. */
export interface ElbResource {
  /** The resource's ARN, or `*` for a Describe action or a resource not yet created. */
  readonly arn: string;
  /** Resource condition keys (`aws:ResourceTag/K`, `elasticloadbalancing:ResourceTag/K`). */
  readonly keys?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/**
 * What every ELBv2 operation is handed: the AWS Region's state (ELBv2's
 * store is `region.elbv2`; instances, VPCs and subnets are EC2's, read from
 * the same Region), the mock time of the call, the caller, and the
 * authorizer.
 */
export interface ElbContext {
  /** The Region the call runs in (EC2's state of it, ELBv2's store included). */
  readonly region: Ec2Region;
  /** Mock time of the call (the engine has caught up to it). */
  readonly now: number;
  /** Who is calling. */
  readonly principal: Principal;
  /**
   * Throws ELBv2's AccessDenied (403) when the caller may not perform the
   * action (`elasticloadbalancing:ACTION`) on every one of `resources` (on
   * `*` when empty). Allows everything until an IAM policy is configured.
   */
  authorize(action: string, resources: readonly ElbResource[]): void;
}

/**
 * An ELBv2 operation: the SDK command's input in, its output (without
 * `$metadata`) out, or an {@link ElbError} thrown that each door renders as
 * ELBv2 would (the plugin as the SDK's exception class, the wire door as
 * ELBv2's `<ErrorResponse>`).
 */
export type ElbOperation<Input, Output> = (ctx: ElbContext, input: Input) => Omit<Output, "$metadata">;
