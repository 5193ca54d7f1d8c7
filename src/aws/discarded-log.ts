import type { HandlerExecutionContext } from "@smithy/types";

/** A call's context as the SDK's logger middleware reads it (@aws-sdk/core's `loggerMiddleware`). */
interface LoggedContext extends HandlerExecutionContext {
  inputFilterSensitiveLog?: (input: unknown) => unknown;
  outputFilterSensitiveLog?: (output: unknown) => unknown;
}

const nothing = (): undefined => undefined;

/**
 * Whether a logger is the SDK's own `NoOpLogger` (a client's default),
 * recognised as the SDK recognises it itself (@smithy/core's waiter reads
 * `logger.constructor.name`): the class by its name, its `info` and `error`
 * its own (not set on the object). The mock does not import the class:
 * its `@smithy/core` range has versions without `@smithy/core/client`, and
 * a client may load another copy of it.
 */
function isNoOpLogger(logger: unknown): boolean {
  if (typeof logger !== "object" || logger === null) return false;
  return logger.constructor?.name === "NoOpLogger" && !Object.hasOwn(logger, "info") && !Object.hasOwn(logger, "error");
}

/**
 * When a call's logger is the SDK's `NoOpLogger`, replaces the call's
 * log filters (`inputFilterSensitiveLog`, `outputFilterSensitiveLog`) with
 * one that returns nothing. The SDK's logger middleware runs them on every
 * call, whatever the logger, and hands their copies to `logger.info` (or
 * `logger.error`), which a `NoOpLogger` drops: for a RunInstances of 1,000
 * the output's filter walks every instance by schema and copies it, several
 * times the mock's own work (bench/README.md, issue 22 (e)). Nothing
 * else reads them, and nothing reaches a user: a logger that keeps what it
 * is given leaves them as they are. docs/behaviour.md, "The SDK's log filters".
 */
export function skipDiscardedLogFilters(context: HandlerExecutionContext): void {
  if (!isNoOpLogger(context.logger)) return;
  const logged = context as LoggedContext;
  logged.inputFilterSensitiveLog = nothing;
  logged.outputFilterSensitiveLog = nothing;
}
