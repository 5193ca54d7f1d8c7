import { ec2Actions, implementedActions } from "../actions.js";
import type { Dispatch } from "../context.js";
import { Ec2Error } from "../errors.js";
import { type CallRecorder, errorOfThrown } from "../observe/history.js";
import { responseMetadata, toServiceException } from "./sdk-errors.js";

/**
 * What the adapter needs of aws-sdk-client-mock's `AwsStub`
 * (`mockClient(EC2Client)`): `on(Command)` returning a behaviour with
 * `callsFake`. Kept structural so the library needs no dependency on it.
 * @public
 */
export interface ClientStubLike {
  /** Routes one command class to a behaviour. */
  on(command: never): unknown;
}

/** The behaviour `on()` returns, as far as the adapter uses it. */
interface FakeableBehaviour {
  callsFake(fake: (input: unknown, getClient?: () => unknown) => Promise<unknown>): unknown;
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
  /** Where every call is recorded (absent: nowhere). */
  history?: CallRecorder;
}

/**
 * Routes every command the mock implements, one by one, to the engine on an
 * aws-sdk-client-mock stub, so its call history (and the matchers of
 * aws-sdk-client-mock-vitest) sit on top of stateful behaviour. The
 * commands are those of the action list (../actions.ts). A stubbed
 * `send` bypasses every middleware, the mock's own plugin included; the
 * answers are the same objects the plugin returns. Commands the mock does
 * not implement keep whatever behaviour the stub gives them.
 */
export function adaptStub<T extends ClientStubLike>(stub: T, deps: AdapterDeps): T {
  for (const action of implementedActions) {
    const { command } = ec2Actions[action];
    (stub.on(command as never) as FakeableBehaviour).callsFake(async (input: unknown, getClient?: () => unknown) => {
      const arrival = deps.history?.arrive("adapter");
      const requestId = deps.newRequestId();
      let region: string | undefined;
      try {
        region = await clientRegion(getClient);
        const output = await deps.dispatch(action, input, undefined, region);
        if (arrival !== undefined) deps.history!.record(arrival, { service: "ec2", action, region, input: input ?? {} }, { output });
        return { ...output, $metadata: responseMetadata(200, requestId) };
      } catch (error) {
        const thrown = error instanceof Ec2Error ? toServiceException(error, requestId) : error;
        if (arrival !== undefined) {
          deps.history!.record(arrival, { service: "ec2", action, region, input: input ?? {} }, { error: errorOfThrown(thrown) });
        }
        throw thrown;
      }
    });
  }
  return stub;
}
