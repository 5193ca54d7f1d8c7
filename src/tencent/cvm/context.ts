import type { CvmRegion } from "./region.js";

/** What every CVM operation is handed: the region and the call's time and request id. */
export interface CvmContext {
  /** The region the call runs in. */
  readonly region: CvmRegion;
  /** Mock time of the call (transitions due by then are already applied). */
  readonly now: number;
  /** The call's request id (CVM's `RequestId`; `LatestOperationRequestId` remembers it). */
  readonly requestId: string;
}

/** An operation: parameters in (checked by the operation), the SDK response without `RequestId` out, or a `CvmError` thrown. */
export type CvmOperation<Output> = (ctx: CvmContext, input: unknown) => Omit<Output, "RequestId">;
