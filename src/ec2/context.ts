import type { Principal } from "./iam/principals.js";
import type { Ec2Instance } from "./instance.js";
import type { Ec2Region } from "./region.js";

/** What every operation is handed: the region, the time of the call, and the authorizer. */
export interface OperationContext {
  /** The region the call runs in. */
  readonly region: Ec2Region;
  /** Mock time of the call (transitions due by then are already applied). */
  readonly now: number;
  /** Who is calling: the default principal in process, or the one the request's access key names. */
  readonly principal: Principal;
  /**
   * Throws EC2's UnauthorizedOperation when the caller may not perform
   * `action` on every one of `instances` (or on the action itself, when
   * empty). Allows everything until an IAM policy is configured.
   */
  authorize(action: string, instances: readonly Ec2Instance[]): void;
}

/** An operation: SDK input in, SDK output (without `$metadata`) out, or an `Ec2Error` thrown. */
export type Operation<Input, Output> = (ctx: OperationContext, input: Input) => Omit<Output, "$metadata">;
