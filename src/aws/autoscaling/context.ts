import type { OperationContext } from "../ec2/context.js";
import type { Ec2Region } from "../ec2/region.js";
import type { SdkOperation } from "../sdk-actions.js";

/**
 * What every Auto Scaling operation is handed: the Region (Auto Scaling's
 * state hangs on EC2's Region, `region.autoScaling`, so that its instances
 * are EC2's), the time of the call, the caller's authorization under the
 * `autoscaling:` prefix, and the EC2 context the service itself acts in
 * (its launches and terminations are EC2's own, as the service, never
 * denied by the caller's policies).
 */
export interface AutoScalingContext {
  /** The Region the call runs in. */
  readonly region: Ec2Region;
  /** Mock time of the call (the Region has caught up to it, groups reconciled). */
  readonly now: number;
  /**
   * Throws Auto Scaling's AccessDenied when the caller may not perform
   * `autoscaling:<action>` on every ARN of `resources` (`*` when empty).
   * Allows everything until an IAM policy is configured.
   */
  authorize(action: string, resources: readonly string[]): void;
  /** The EC2 context of the service's own work (RunInstances, TerminateInstances as Auto Scaling). */
  readonly ec2: OperationContext;
}

/**
 * An Auto Scaling operation: the SDK command's input in, its output (without
 * `$metadata`) out, or an `AutoScalingError` thrown (src/aws/autoscaling/errors.ts).
 */
export type AutoScalingOperation<I, O> = SdkOperation<AutoScalingContext, I, O>;
