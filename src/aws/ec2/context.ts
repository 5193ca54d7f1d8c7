import type { Principal } from "../iam/principals.js";
import type { Ec2Instance } from "./model/instance.js";
import type { Ec2Region } from "./region.js";

/**
 * A resource IAM authorizes an action on, other than an existing instance
 * (those are passed as they are): its ARN and its resource condition keys.
 * Built by the helpers of `iam/resources.ts`.
 */
export interface AuthResource {
  /** `arn:aws:ec2:REGION:ACCOUNT:volume/vol-…`, or `…:instance/*` for one a call creates. */
  readonly arn: string;
  /** Resource condition keys (`ec2:VolumeType`, `ec2:ResourceTag/K`, …); undefined values are absent. */
  readonly keys: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Tags the request puts on this resource (`aws:RequestTag/K`, `aws:TagKeys`), when they are its own. */
  readonly requestTags?: ReadonlyMap<string, string>;
}

/** What an operation authorizes: an existing instance, or any other resource. */
export type AuthTarget = Ec2Instance | AuthResource;

/** Facts of the request that apply to every resource it authorizes. */
export interface AuthRequest {
  /** Tags in the request (`aws:RequestTag/K`, `aws:TagKeys`) for resources without their own. */
  readonly requestTags?: ReadonlyMap<string, string>;
  /** `aws:TagKeys` when it differs from the request tags' keys (DeleteTags by key). */
  readonly tagKeys?: readonly string[];
  /** Other request condition keys (`ec2:CreateAction`, …). */
  readonly keys?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** What every operation is handed: the region, the time of the call, and the authorizer. */
export interface OperationContext {
  /** The region the call runs in. */
  readonly region: Ec2Region;
  /** Mock time of the call (transitions due by then are already applied). */
  readonly now: number;
  /** Who is calling: the default principal in process, or the one the request's access key names. */
  readonly principal: Principal;
  /**
   * Throws EC2's UnauthorizedOperation when the caller may not perform the
   * EC2 `action` on every one of `targets` (on `*`, when empty: Describe
   * actions and creations without a resource ARN). Allows everything until
   * an IAM policy is configured.
   */
  authorize(action: string, targets: readonly AuthTarget[], request?: AuthRequest): void;
  /**
   * Another region of the same mock, by name (CopyImage's SourceRegion):
   * undefined for one the mock does not serve. Absent where no world is at hand.
   */
  readonly regionNamed?: (name: string) => Ec2Region | undefined;
  /** Fixtures only: the ids RunInstances gives its instances, by launch index (otherwise new ones). */
  readonly fixedInstanceIds?: readonly string[];
}

/** An operation: SDK input in, SDK output (without `$metadata`) out, or an `Ec2Error` thrown. */
export type Operation<Input, Output> = (ctx: OperationContext, input: Input) => Omit<Output, "$metadata">;

/**
 * Runs an EC2 action through the engine: the mock's single entry, the one
 * signature every door calls (the plugin, the aws-sdk-client-mock adapter,
 * the wire door behind the HTTP handler and the server). `accessKeyId` names
 * the principal the request runs as (the default principal when absent or
 * unknown): the key the server verified, or, when nothing verifies
 * signatures, the key of the request's SigV4 credential as
 * src/aws/sigv4/authorization.ts reads it; the SDK doors pass none.
 * `region` is the Region the call runs in: the client's (the plugin, the
 * adapter), the SigV4 credential scope's (the wire door); when absent, the
 * mock's default Region. A Region the mock does not serve is AuthFailure,
 * as for a Region the account cannot use. Throws
 * (or rejects with) an `Ec2Error`; a promise when an injected delay holds the
 * call (see `ec2.faults.delay`) or the SDK doors' schemas are still loading.
 */
export type Dispatch = (action: string, input: unknown, accessKeyId?: string, region?: string) => object | Promise<object>;
