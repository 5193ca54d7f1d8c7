/** What every STS operation is handed. */
export interface StsContext {
  /** The call's request id (STS's `RequestId`). */
  readonly requestId: string;
}

/**
 * An STS operation: its input in, its output (without `$metadata`) out, or
 * an error thrown that the doors render as STS's (the plugin as the SDK's
 * exception, the wire door as STS's `<ErrorResponse>`).
 */
export type StsOperation<Input, Output> = (ctx: StsContext, input: Input) => Output;
