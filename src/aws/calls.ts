/**
 * What every door does around the engine, for every service (EC2, Auto
 * Scaling, ELBv2, STS): the overrides first (`ec2.use`, `createEc2Mock({ overrides })`),
 * then the engine when the mock implements the action, else the
 * unhandled-command policy. Each door holds one {@link CallRouter}, made for
 * it by the mock ({@link createCallRouter}); the doors keep the rest of their
 * path (reading the input, rendering the answer) as before.
 *
 * Errors: an {@link Ec2MockServiceError} thrown by a handler becomes the
 * service's own error (its catalogue's `userRequested`), which each door
 * renders as it renders the service's errors. Anything else a handler
 * throws is rethrown as is by the SDK doors (plugin, adapter); over the
 * wire it is the service's internal error (500) with the handler's message.
 */
import { asgErrors } from "./autoscaling/errors.js";
import { errors as ec2Errors } from "./ec2/errors.js";
import { elbErrors } from "./elbv2/errors.js";
import { notImplementedMessage } from "./not-implemented.js";
import { type Ec2MockDoor, Ec2MockServiceError, type OverrideStack, overrideKey } from "./overrides.js";

/**
 * What to do with a command the mock does not implement. A function is
 * called with the command's name (`DescribeVpcEndpointsCommand`) and input:
 * it may return the command's output (without `$metadata`), which answers the call
 * in every door; throw (an `Ec2MockServiceError` for a service error) to fail it;
 * or return `undefined` for what it meant before: the real handler (plugin),
 * the stub's own behaviour (adapter), the 501 (over the wire).
 * @public
 */
export type UnhandledCommandFunction = (
  commandName: string,
  input: unknown,
  // biome-ignore lint/suspicious/noConfusingVoidType: a policy function written before returns void, which stays valid
) => object | undefined | void | Promise<object | undefined | void>;

/** The catalogue of a service's errors, as far as the router uses it. */
interface RouterErrors {
  notImplemented(action: string, service: string): Error;
  userRequested(code: string, message: string, status: number): Error;
}

/** The internal error code of each service (over the wire, a handler's own failure is answered with it). */
const catalogues: Readonly<Record<string, { readonly errors: RouterErrors; readonly internalCode: string }>> = {
  ec2: { errors: ec2Errors, internalCode: "InternalError" },
  elasticloadbalancing: { errors: elbErrors, internalCode: "InternalFailure" },
  autoscaling: { errors: asgErrors, internalCode: "InternalFailure" },
};

/** Whether a door is one of the wire doors (the SDK serialized the call). */
export function isWireDoor(door: Ec2MockDoor): boolean {
  return door === "httpHandler" || door === "server";
}

/** What the router needs of the mock. */
export interface CallRouterDeps {
  /** The overrides. */
  readonly overrides: OverrideStack;
  /** The unhandled-command policy. */
  readonly policy: "error" | "warn" | "passthrough" | UnhandledCommandFunction;
  /** The default Region (a call that names none runs there). */
  readonly defaultRegion: string;
  /** Mock time now, in epoch milliseconds. */
  now(): number;
  /**
   * Reads an SDK door's input as the wire door reads the request the SDK
   * would send (EC2's normalization, the query services' encode/decode), so
   * that a handler gets the same input whatever the door; undefined when the
   * service has no schema for it (the input is handed on as given).
   */
  readSdkInput(service: string, action: string, input: unknown): unknown;
  /** Counts an unimplemented call (`GET /_mock/state`'s `unimplemented`). */
  countUnimplemented(service: string, action: string): void;
}

/** The overrides and the unhandled policy, for one door. */
export interface CallRouter {
  /** The door it serves. */
  readonly door: Ec2MockDoor;
  /** Whether an override names the action now. */
  has(service: string, action: string): boolean;
  /**
   * The answer of an override to a call, before the implemented check:
   * `undefined` (synchronously) when no override names the action, else
   * a promise of the output, or of `undefined` when every handler fell through.
   * `service` is `ec2` or a signing name; `input` is the door's (SDK-shaped
   * for the wire doors; an SDK door's own, read here).
   */
  override(service: string, action: string, input: unknown, region: string | undefined): Promise<object | undefined> | undefined;
  /**
   * A call of an action the mock does not implement: the unhandled policy's
   * function's answer (counted when there is none). An SDK door then
   * applies the policy (`undefined`); a wire door never gets `undefined`:
   * it throws the service's 501 `Ec2MockNotImplemented` (after a warning
   * under `"warn"`).
   */
  unimplemented(service: string, action: string, input: unknown, region: string | undefined): Promise<object | undefined>;
}

/** A handler's error, as the door renders it. */
function serviceErrorOf(service: string, door: Ec2MockDoor, error: unknown): unknown {
  const catalogue = catalogues[service];
  // STS has no catalogue: its doors render the Ec2MockServiceError themselves.
  if (catalogue === undefined) {
    if (error instanceof Ec2MockServiceError || !isWireDoor(door)) return error;
    return new Ec2MockServiceError("InternalFailure", error instanceof Error ? error.message : String(error), 500);
  }
  if (error instanceof Ec2MockServiceError) return catalogue.errors.userRequested(error.code, error.message, error.status);
  if (!isWireDoor(door)) return error;
  return catalogue.errors.userRequested(catalogue.internalCode, error instanceof Error ? error.message : String(error), 500);
}

/** The router of one door. */
export function createCallRouter(deps: CallRouterDeps, door: Ec2MockDoor): CallRouter {
  const callOf = (region: string | undefined) => ({ region: region ?? deps.defaultRegion, door, now: deps.now() });
  const sdkDoor = !isWireDoor(door);
  return {
    door,
    has: (service, action) => deps.overrides.has(overrideKey(service, action)),
    override(service, action, input, region) {
      const key = overrideKey(service, action);
      if (!deps.overrides.has(key)) return undefined;
      return (async () => {
        try {
          const read = sdkDoor ? await deps.readSdkInput(service, action, input) : input;
          return await deps.overrides.answer(key, read ?? {}, callOf(region));
        } catch (error) {
          throw serviceErrorOf(service, door, error);
        }
      })();
    },
    async unimplemented(service, action, input, _region) {
      const policy = deps.policy;
      if (typeof policy === "function") {
        let output: unknown;
        try {
          output = await policy(`${action}Command`, input);
        } catch (error) {
          throw serviceErrorOf(service, door, error);
        }
        if (output !== undefined && output !== null) {
          if (typeof output !== "object" || Array.isArray(output)) {
            throw new TypeError(
              `ec2-mock: onUnhandledCommand returned ${typeof output} for ${action}; return the output object, or undefined`,
            );
          }
          return output;
        }
      }
      deps.countUnimplemented(service, action);
      if (sdkDoor) return undefined;
      if (policy === "warn") console.warn(`ec2-mock: ${action} (${service}) is not implemented; answered 501 Ec2MockNotImplemented.`);
      const catalogue = catalogues[service];
      if (catalogue === undefined) {
        throw new Ec2MockServiceError("Ec2MockNotImplemented", notImplementedMessage(action, service, "STS"), 501);
      }
      throw catalogue.errors.notImplemented(action, service);
    },
  };
}
