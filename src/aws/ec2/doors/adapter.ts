import type { CallRouter } from "../../calls.js";
import { isImplemented } from "../actions.js";
import type { Dispatch } from "../context.js";
import { Ec2Error } from "../errors.js";
import { type CallRecorder, errorOfThrown } from "../observe/history.js";
import { Ec2MockUnhandledCommandError, type UnhandledCommandPolicy } from "./plugin.js";
import { responseMetadata, toServiceException } from "./sdk-errors.js";

/**
 * What the adapter needs of aws-sdk-client-mock's `AwsStub`
 * (`mockClient(EC2Client)`): its `send` (a sinon stub, whose default
 * behaviour the adapter sets with `callsFake`) and `reset()`, which the
 * adapter wraps so that the routing survives it. Kept structural so the
 * library needs no dependency on it.
 * @public
 */
export interface ClientStubLike {
  /** The stubbed `Client#send` (a sinon stub). */
  send: { callsFake(fake: (this: unknown, command: unknown, ...rest: unknown[]) => unknown): unknown };
  /** Replaces the stub with a new one, with clean history and behaviours. */
  reset(): unknown;
}

/**
 * The Region of the client a stubbed `send` was called on: its `config.region`
 * provider, as the SDK resolves it; undefined when the client names none
 * (the mock's default Region serves it).
 */
async function clientRegion(getClient: (() => unknown) | undefined): Promise<string | undefined> {
  const config = (getClient?.() as { config?: { region?: unknown } } | undefined)?.config;
  const region = config?.region;
  try {
    const value = typeof region === "function" ? await (region as () => unknown)() : region;
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    // The SDK's "Region is missing": no Region named.
    return undefined;
  }
}

/** What the adapter needs of the mock. */
export interface AdapterDeps {
  /** Runs an action through the engine (API faults included, so it may wait). */
  dispatch: Dispatch;
  /** Mints a request id. */
  newRequestId(): string;
  /** The overrides and the unhandled policy's function (src/aws/calls.ts). */
  router?: CallRouter;
  /** The unhandled-command policy. */
  onUnhandledCommand: UnhandledCommandPolicy;
  /** Where every call is recorded (absent: nowhere). */
  history?: CallRecorder;
}

/** The EC2 action of a command: its operation schema's name (`[9, namespace, name, ...]`), else its class's name without `Command`. */
function actionOf(command: unknown): string | undefined {
  if (command === null || typeof command !== "object") return undefined;
  const schema = (command as { schema?: unknown }).schema;
  if (Array.isArray(schema) && schema[0] === 9 && typeof schema[2] === "string") return schema[2];
  const name = (command as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name.endsWith("Command") ? name.slice(0, -7) : undefined;
}

/**
 * Routes an aws-sdk-client-mock stub's `send` to the mock: the answer of
 * every EC2 command is the same object the plugin returns (overrides first,
 * then the engine for what the mock implements, then the unhandled-command
 * policy: under the default `"error"` a command the mock does not
 * implement rejects with `Ec2MockUnhandledCommandError`; `"warn"` and
 * `"passthrough"` resolve it to `undefined`, as the bare stub does).
 *
 * The routing is the stub's default behaviour (`stub.send.callsFake`), so
 * that behaviours the user sets (`stub.on(Command).resolves(...)`, before
 * or after `adapt`) win over it, and it survives `stub.resetHistory()`,
 * which keeps behaviours. `stub.reset()` replaces the sinon stub (a new
 * `send`), so the adapter wraps `reset` on this stub to set the routing
 * again on the new one: `beforeEach(() => stub.reset())` keeps working. A
 * stubbed `send` bypasses every middleware, the mock's own plugin
 * included. The Region is the client's (`config.region`).
 */
export function adaptStub<T extends ClientStubLike>(stub: T, deps: AdapterDeps): T {
  /** One command's answer (with `$metadata`): overrides, the engine, the policy's function, then the policy. */
  const answer = async (action: string | undefined, input: unknown, region: string | undefined): Promise<unknown> => {
    const requestId = deps.newRequestId();
    try {
      const overridden = action === undefined ? undefined : deps.router?.override("ec2", action, input, region);
      const answered = overridden === undefined ? undefined : await overridden;
      if (answered !== undefined) return { ...answered, $metadata: responseMetadata(200, requestId) };
      if (action !== undefined && isImplemented(action)) {
        return { ...(await deps.dispatch(action, input, undefined, region)), $metadata: responseMetadata(200, requestId) };
      }
      const fromPolicy = action === undefined ? undefined : await deps.router?.unimplemented("ec2", action, input, region);
      if (fromPolicy !== undefined) return { ...fromPolicy, $metadata: responseMetadata(200, requestId) };
    } catch (error) {
      throw error instanceof Ec2Error ? toServiceException(error, requestId) : error;
    }
    const policy = deps.onUnhandledCommand;
    const commandName = action === undefined ? "an unknown command" : `${action}Command`;
    if (policy === "error") throw new Ec2MockUnhandledCommandError(commandName);
    if (policy === "warn") console.warn(`ec2-mock: ${commandName} is not implemented; the stub answers undefined.`);
    return undefined;
  };
  /** The stub's `send`: the answer, recorded in the call history (outermost, so every outcome is). */
  const route = async function (this: unknown, command: unknown): Promise<unknown> {
    const action = actionOf(command);
    const input = (command as { input?: unknown } | null)?.input;
    const arrival = action === undefined ? undefined : deps.history?.arrive("adapter");
    const region = await clientRegion(() => this);
    const call = { service: "ec2" as const, action: action ?? "", region, input: (input ?? {}) as object };
    try {
      const output = await answer(action, input, region);
      if (arrival !== undefined) {
        const { $metadata: _metadata, ...recorded } = (output ?? {}) as { $metadata?: unknown };
        deps.history!.record(arrival, call, { output: recorded });
      }
      return output;
    } catch (error) {
      if (arrival !== undefined) deps.history!.record(arrival, call, { error: errorOfThrown(error) });
      throw error;
    }
  };
  const routed = stub as T & { [ROUTE]?: typeof route };
  // The latest adapt routes; reset is wrapped once, and sets whichever route is current on the new `send`.
  if (routed[ROUTE] === undefined) {
    const reset = stub.reset;
    stub.reset = function (this: T) {
      const result = reset.call(this);
      const current = routed[ROUTE];
      if (current !== undefined) stub.send.callsFake(current);
      return result;
    };
  }
  routed[ROUTE] = route;
  stub.send.callsFake(route);
  return stub;
}

/** Where a stub keeps the route of the mock it was last adapted to. */
const ROUTE: unique symbol = Symbol("ec2-mock adapter route");
