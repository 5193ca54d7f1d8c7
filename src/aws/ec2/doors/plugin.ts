import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-ec2";
import type {
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MiddlewareStack,
  RelativeMiddlewareOptions,
  SerializeMiddleware,
} from "@smithy/types";
import type { CallRouter, UnhandledCommandFunction } from "../../calls.js";
import { skipDiscardedLogFilters } from "../../discarded-log.js";
import { Ec2MockServiceError } from "../../overrides.js";
import { answerQueryCommand, type QueryService } from "../../query-service.js";
import { isStsAction } from "../../sts/actions.js";
import { answerStsCommand } from "../../sts/plugin.js";
import { isImplemented } from "../actions.js";
import type { Dispatch } from "../context.js";
import { Ec2Error } from "../errors.js";
import {
  type Arrival,
  type CallRecord,
  type CallRecorder,
  type Ec2MockService,
  errorOfThrown,
  withoutMetadata,
} from "../observe/history.js";
import { responseMetadata, toServiceException } from "./sdk-errors.js";

/**
 * The rejection of a command the mock does not implement (policy `"error"`).
 * @public
 */
export class Ec2MockUnhandledCommandError extends Error {
  /** @param commandName - the SDK command, e.g. `DescribeVpcsCommand`. */
  constructor(readonly commandName: string) {
    super(
      `ec2-mock does not implement ${commandName}. Set createEc2Mock({ onUnhandledCommand: "passthrough" }) to send it to the real handler, or "warn" to be told and pass it on.`,
    );
    this.name = "Ec2MockUnhandledCommandError";
  }
}

/**
 * What to do with a command the mock does not implement (EC2's, Auto
 * Scaling's, ELBv2's), in every door:
 *
 * - `"error"` (the default): the plugin and the adapter reject with
 *   {@link Ec2MockUnhandledCommandError}; over the wire (`httpHandler`,
 *   server) the call answers HTTP 501 `Ec2MockNotImplemented` in the
 *   service's own error document.
 * - `"warn"`: a console warning, then the real handler (plugin), the stub's
 *   own behaviour (adapter), or the 501 (over the wire: there is no real handler).
 * - `"passthrough"`: the same, silently.
 * - a function, called with the command's name (`DescribeVpcEndpointsCommand`)
 *   and input: return the command's output (without `$metadata`) to answer
 *   the call in every door; throw to fail it (an `Ec2MockServiceError` for a
 *   service error); return `undefined` to pass it on as `"passthrough"` does.
 *
 * An override (`ec2.use`) of the action answers before the policy is asked.
 * @public
 */
export type UnhandledCommandPolicy = "error" | "warn" | "passthrough" | UnhandledCommandFunction;

/** What the middleware needs from the mock. */
export interface MockMiddlewareDeps {
  /**
   * Runs an EC2 action through the engine, or throws (or rejects with) an
   * `Ec2Error`. The mock's dispatch reads the command's input by the SDK's
   * schema first (src/protocols/ec2-query/normalize.ts), so wrong types are refused here too.
   */
  dispatch: Dispatch;
  /** Mints a request id. */
  newRequestId(): string;
  /** The unhandled-command policy (for EC2's commands and those of the query services). */
  onUnhandledCommand: UnhandledCommandPolicy;
  /** The AWS query services the mock answers besides EC2, each on its own client (`ElasticLoadBalancingV2Client`, ...). */
  services?: readonly QueryService[];
  /** Where every call is recorded (absent: nowhere). */
  history?: CallRecorder;
  /** The overrides and the unhandled policy's function (src/aws/calls.ts); none: the engine only. */
  router?: CallRouter;
}

/** The middleware's name on the stack, so it can be found or removed. */
export const MIDDLEWARE_NAME = "ec2MockMiddleware";

/**
 * Adds the mock to a client's stack as one `initialize`-step middleware (low
 * priority, so the user's own initialize middleware still wraps it). It
 * answers every EC2 command the mock implements before serialization, so no
 * serialization, signing or credentials are needed, and returns what the
 * SDK's deserializer would have produced, in the Region of the client (see
 * {@link regionProbe}).
 *
 * The SDK resolves a client's stack again for every `send`, so the
 * middleware's factory runs once per call: it only makes the handler, and
 * every function of the call's path is defined once, here at module level
 * (a function defined inside a hot path is allocated, and renamed by the
 * bundle's `keepNames` helper, on every call: bench/README.md, issue 22 (a)).
 */
export function addMockMiddleware(stack: MiddlewareStack<ServiceInputTypes, ServiceOutputTypes>, deps: MockMiddlewareDeps): void {
  const services = deps.services ?? [];
  const scope: PluginScope = {
    deps,
    services,
    signingNames: services.map((s) => s.signingName),
    probe: regionProbe(stack, services),
    clients: new Map(),
  };
  stack.add(
    (next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>, context) => (args: InitializeHandlerArguments<ServiceInputTypes>) =>
      handle(scope, next, context, args),
    { step: "initialize", priority: "low", name: MIDDLEWARE_NAME, tags: ["EC2_MOCK"], override: true },
  );
}

/** What the middleware of one stack shares between its calls. */
interface PluginScope {
  readonly deps: MockMiddlewareDeps;
  readonly services: readonly QueryService[];
  /** The services' signing names (their endpoints name a Region too). */
  readonly signingNames: readonly string[];
  readonly probe: RegionProbe;
  /** What each client name is served as, learnt on its first call (one stack serves one client, so this holds one entry). */
  readonly clients: Map<string | undefined, ClientKind>;
}

/** How the calls of a client are served and recorded. */
interface ClientKind {
  /** The query service answering the client (ELBv2, Auto Scaling), if any. */
  readonly service: QueryService | undefined;
  /** The service its calls are recorded under; undefined for a client of a service the mock does not answer. */
  readonly recorded: Ec2MockService | undefined;
  /** EC2's own client: the fast path. */
  readonly ec2: boolean;
}

/** The action of each command name (`StopInstancesCommand` → `StopInstances`), kept for the process. */
const actions = new Map<string, string>();

function actionOf(commandName: string): string {
  let action = actions.get(commandName);
  if (action === undefined) {
    action = commandName.endsWith("Command") ? commandName.slice(0, -7) : commandName;
    actions.set(commandName, action);
  }
  return action;
}

function clientKindOf(scope: PluginScope, clientName: string | undefined): ClientKind {
  let kind = scope.clients.get(clientName);
  if (kind === undefined) {
    const service = scope.services.find((s) => s.clientName === clientName);
    kind = { service, recorded: recordedService(clientName, service), ec2: service === undefined && clientName === "EC2Client" };
    scope.clients.set(clientName, kind);
  }
  return kind;
}

/** The response the SDK doors answer with. */
type Answer = InitializeHandlerOutput<ServiceOutputTypes>;

/** One call through the middleware. */
function handle(
  scope: PluginScope,
  next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>,
  context: HandlerExecutionContext,
  args: InitializeHandlerArguments<ServiceInputTypes>,
): Promise<Answer> {
  const commandName = String(context.commandName ?? "");
  const action = actionOf(commandName);
  const kind = clientKindOf(scope, context.clientName);
  // The call history (../observe/history.ts): every command on the clients of the services the mock answers, recorded here,
  // outermost, whoever answers it (the engine, the unhandled-command policy, the real handler).
  const history = kind.recorded === undefined ? undefined : scope.deps.history;
  const arrival = history?.arrive("plugin");
  // The SDK's logger would filter a copy of the answer only for a NoOpLogger to drop it (issue 22 (e)).
  skipDiscardedLogFilters(context);
  if (kind.ec2) {
    const fast = answerEc2Now(scope, args, action, history, arrival);
    if (fast !== undefined) return fast;
  }
  return answerLater(scope, next, context, args, action, commandName, kind, history, arrival);
}

/**
 * An EC2 command answered synchronously, the common case (a Region known, no
 * override of the action, an action the mock implements, the engine's answer
 * at once): the call is recorded and its settled promise returned.
 * Undefined when any of these does not hold: {@link answerLater} answers it.
 */
function answerEc2Now(
  scope: PluginScope,
  args: InitializeHandlerArguments<ServiceInputTypes>,
  action: string,
  history: CallRecorder | undefined,
  arrival: Arrival | undefined,
): Promise<Answer> | undefined {
  const region = scope.probe.region;
  if (region === UNKNOWN || !isImplemented(action)) return undefined;
  const deps = scope.deps;
  if (deps.router?.has("ec2", action) === true) return undefined;
  const requestId = deps.newRequestId();
  let output: object | Promise<object>;
  try {
    output = deps.dispatch(action, args.input, undefined, region);
  } catch (error) {
    const thrown = error instanceof Ec2Error ? toServiceException(error, requestId) : error;
    if (history !== undefined) recordOutcome(history, arrival!, "ec2", action, region, args, undefined, thrown);
    return Promise.reject(thrown);
  }
  // A delay (faults), or the SDK's schemas on the first call: the rest waits for it.
  if (output instanceof Promise) return settleEc2(output, args, action, region, requestId, history, arrival);
  if (history !== undefined) recordOutcome(history, arrival!, "ec2", action, region, args, output, undefined);
  return Promise.resolve(ec2Answer(output, requestId));
}

/** {@link answerEc2Now}'s ending, once the engine's answer comes. */
async function settleEc2(
  pending: Promise<object>,
  args: InitializeHandlerArguments<ServiceInputTypes>,
  action: string,
  region: string | undefined,
  requestId: string,
  history: CallRecorder | undefined,
  arrival: Arrival | undefined,
): Promise<Answer> {
  let output: object;
  try {
    output = await pending;
  } catch (error) {
    const thrown = error instanceof Ec2Error ? toServiceException(error, requestId) : error;
    if (history !== undefined) recordOutcome(history, arrival!, "ec2", action, region, args, undefined, thrown);
    throw thrown;
  }
  if (history !== undefined) recordOutcome(history, arrival!, "ec2", action, region, args, output, undefined);
  return ec2Answer(output, requestId);
}

/**
 * An EC2 answer as the SDK gives it: a copy of the engine's output (the
 * history keeps the output itself) with `$metadata`. Copied key by key (an
 * operation's output is a plain object of SDK member names): V8 makes
 * `{ ...output, $metadata }` (a spread followed by a member) about ten times
 * slower than this loop, a cost every call paid (bench/README.md, issue 22 (a)).
 */
function ec2Answer(output: object, requestId: string): Answer {
  const copy: Record<string, unknown> = {};
  // `for…in` walks the shape's cached keys (no array per call, as `Object.keys` makes); an engine's output has no prototype members.
  for (const key in output) copy[key] = (output as Record<string, unknown>)[key];
  copy.$metadata = responseMetadata(200, requestId);
  return {
    output: copy as unknown as ServiceOutputTypes,
    response: { statusCode: 200, headers: { "x-amzn-requestid": requestId } },
  };
}

/**
 * Records a call's outcome: its `output` when answered, else the error
 * `thrown` (the one place every ending of a recorded call goes through).
 */
function recordOutcome(
  history: CallRecorder,
  arrival: Arrival,
  service: Ec2MockService,
  action: string,
  region: string | undefined,
  args: InitializeHandlerArguments<ServiceInputTypes>,
  output: object | undefined,
  thrown: unknown,
): void {
  const call: CallRecord = { service, action, region, input: args.input ?? {} };
  history.record(arrival, call, output !== undefined ? { output } : { error: errorOfThrown(thrown) });
}

/** Every other call: a probe of the Region, an override, a command nobody implements, another service's client. */
async function answerLater(
  scope: PluginScope,
  next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>,
  context: HandlerExecutionContext,
  args: InitializeHandlerArguments<ServiceInputTypes>,
  action: string,
  commandName: string,
  kind: ClientKind,
  history: CallRecorder | undefined,
  arrival: Arrival | undefined,
): Promise<Answer> {
  if (history === undefined) return answer(scope, next, context, args, action, commandName, kind.service, ANSWERED_NOWHERE);
  const answered: { output?: object } = {};
  try {
    const result = await answer(scope, next, context, args, action, commandName, kind.service, answered);
    const output = answered.output ?? withoutMetadata(result.output);
    recordOutcome(history, arrival!, kind.recorded!, action, regionOfCall(scope, context), args, output, undefined);
    return result;
  } catch (error) {
    recordOutcome(history, arrival!, kind.recorded!, action, regionOfCall(scope, context), args, undefined, error);
    throw error;
  }
}

/** Where an unrecorded call's own answer goes: nobody reads it. */
const ANSWERED_NOWHERE: { output?: object } = {};

/** The Region the call was answered in: the probe's, else the endpoint the SDK resolved (a call passed on). */
function regionOfCall(scope: PluginScope, context: HandlerExecutionContext): string | undefined {
  const known = scope.probe.region;
  if (known !== UNKNOWN) return known;
  return regionOfHost(context.endpointV2?.url.hostname, scope.signingNames);
}

/** Answers one command, or passes it on; `answered.output` is set to the mock's own answer (no `$metadata`). */
async function answer(
  scope: PluginScope,
  next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>,
  context: HandlerExecutionContext,
  args: InitializeHandlerArguments<ServiceInputTypes>,
  action: string,
  commandName: string,
  service: QueryService | undefined,
  answered: { output?: object },
): Promise<Answer> {
  const { deps, probe } = scope;
  // Another AWS query service's client (ELBv2, ...): the service answers what it implements, in its Region.
  if (service !== undefined) {
    if (!commandName.endsWith("Command")) {
      unhandled(deps.onUnhandledCommand, commandName, args.input);
      return next(args);
    }
    const known = probe.region;
    const region = known === UNKNOWN ? await probe.learn(next, args, context) : known;
    const requestId = deps.newRequestId();
    // Overrides (ec2.use) first, then what the mock implements, then the policy's function.
    const reply = await answerQueryCommand(service, action, args.input, region, requestId, deps.router);
    if (reply === undefined) {
      unhandled(deps.onUnhandledCommand, commandName, args.input);
      return next(args);
    }
    return {
      output: reply as ServiceOutputTypes,
      response: { statusCode: 200, headers: { "x-amzn-requestid": requestId } },
    };
  }
  if (context.clientName === "STSClient" && commandName.endsWith("Command")) {
    const overridden = deps.router?.override("sts", action, args.input, undefined);
    const requestId = deps.newRequestId();
    const output = overridden === undefined ? undefined : await stsOverride(overridden, requestId);
    if (output === undefined && !isStsAction(action)) return next(args);
    return {
      output: (output ?? (await answerStsCommand(action, args.input, requestId))) as ServiceOutputTypes,
      response: { statusCode: 200, headers: { "x-amzn-requestid": requestId } },
    };
  }
  if (context.clientName !== "EC2Client") return next(args);
  const known = probe.region;
  const region = known === UNKNOWN ? await probe.learn(next, args, context) : known;
  const requestId = deps.newRequestId();
  let output: object;
  try {
    // Overrides (ec2.use) first, then what the mock implements, then the policy's function.
    const overridden = deps.router?.override("ec2", action, args.input, region);
    const fromOverride = overridden === undefined ? undefined : await overridden;
    if (fromOverride !== undefined) output = fromOverride;
    else if (isImplemented(action)) {
      const result = deps.dispatch(action, args.input, undefined, region);
      output = result instanceof Promise ? await result : result;
    } else {
      const fromPolicy = await deps.router?.unimplemented("ec2", action, args.input, region);
      if (fromPolicy === undefined) {
        unhandled(deps.onUnhandledCommand, commandName, args.input);
        return next(args);
      }
      output = fromPolicy;
    }
  } catch (error) {
    throw error instanceof Ec2Error ? toServiceException(error, requestId) : error;
  }
  answered.output = output;
  // An override's output may hold any key (a symbol, `__proto__`): copied by the spread, as the SDK's user sees it.
  return {
    output: { ...output, $metadata: responseMetadata(200, requestId) } as ServiceOutputTypes,
    response: { statusCode: 200, headers: { "x-amzn-requestid": requestId } },
  };
}

/** The probe has not run yet on this client. */
const UNKNOWN: unique symbol = Symbol("region not learnt");
/** Marks a call the probe runs through: the SDK resolves its endpoint, and nothing more runs. */
const PROBING: unique symbol = Symbol("ec2-mock region probe");

/** A client's Region, learnt on its first call (see {@link regionProbe}). */
interface RegionProbe {
  /** The Region; {@link UNKNOWN} before the first call; undefined: none (the default Region serves it). */
  region: string | undefined | typeof UNKNOWN;
  /** Runs the call up to the endpoint's resolution, and returns (and keeps) the Region it names. */
  learn(
    next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>,
    args: InitializeHandlerArguments<ServiceInputTypes>,
    context: HandlerExecutionContext,
  ): Promise<string | undefined>;
}

/** The probe's answer, in place of an output: the endpoint the SDK resolved. */
interface ProbeAnswer {
  readonly [PROBING]: { readonly hostname: string | undefined };
}

/**
 * Learns the Region of the client the plugin is used on. The initialize
 * step's context does not carry it, and a plugin never sees the client's
 * configuration; the endpoint the SDK resolves from it does. On the first
 * call of an implemented command, the plugin lets the call go as far as the
 * SDK's `endpointV2Middleware` (its own resolution, from the client's
 * `region`, FIPS and dual-stack settings), skipping the auth-scheme step for
 * that call only, so that no credentials are needed, and reads the Region
 * from the endpoint's host (`ec2.eu-west-1.amazonaws.com`). The answer is
 * kept for every later call on the client: one resolution per client, so
 * the plugin keeps answering at the initialize step (bench/README.md,
 * figure a), and the probe's steps leave the client's stack once it is
 * known. A client with no Region, or a custom `endpoint` (whose host
 * names none), is served by the mock's default Region.
 */
function regionProbe(stack: MiddlewareStack<ServiceInputTypes, ServiceOutputTypes>, services: readonly QueryService[]): RegionProbe {
  // The client's own auth-scheme step, which resolves credentials: found once, wrapped to stand aside while probing.
  let authStep: { middleware: SerializeMiddleware<ServiceInputTypes, ServiceOutputTypes>; options: RelativeMiddlewareOptions } | undefined;
  stack.applyToStack({
    add: () => {},
    use: () => {},
    addRelativeTo: (
      middleware: SerializeMiddleware<ServiceInputTypes, ServiceOutputTypes>,
      options: RelativeMiddlewareOptions & { middleware?: unknown },
    ) => {
      if (options.name === AUTH_SCHEME_STEP) {
        const { middleware: _entry, ...rest } = options;
        authStep = { middleware, options: rest };
      }
    },
  } as unknown as MiddlewareStack<ServiceInputTypes, ServiceOutputTypes>);
  const state = {
    region: UNKNOWN as string | undefined | typeof UNKNOWN,
    /** Runs the call up to the endpoint's resolution, and returns (and keeps) the Region it names. */
    async learn(
      next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>,
      args: InitializeHandlerArguments<ServiceInputTypes>,
      context: HandlerExecutionContext,
    ): Promise<string | undefined> {
      if (authStep === undefined) return (state.region = undefined);
      (context as Record<symbol, unknown>)[PROBING] = true;
      let hostname: string | undefined;
      try {
        const { output } = await next(args);
        hostname = (output as unknown as ProbeAnswer)[PROBING]?.hostname;
      } catch (error) {
        // The SDK's own refusal of a client without a Region (`config.region()`): the default Region serves it.
        if (error instanceof Error && error.message === "Region is missing") return state.learnt(undefined);
        throw error;
      } finally {
        // The call may go on to the real handler (a command nobody answers, passed through).
        delete (context as Record<symbol, unknown>)[PROBING];
      }
      return state.learnt(
        regionOfHost(
          hostname,
          services.map((s) => s.signingName),
        ),
      );
    },
    /**
     * Keeps the Region and gives the client its own stack back: the probe's
     * two steps would otherwise be copied and composed on every later
     * `send` (about 6 % of figure a, bench/README.md). A call already under
     * way keeps the handler it was resolved with.
     */
    learnt(region: string | undefined): string | undefined {
      state.region = region;
      if (authStep !== undefined && stack.remove(PROBE_STEP)) {
        stack.addRelativeTo(authStep.middleware, { ...authStep.options, override: true });
      }
      return region;
    },
  };
  if (authStep !== undefined) {
    const original = authStep.middleware;
    const authUnlessProbing: SerializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => {
      const wrapped = original(next, context);
      return (args) => ((context as Record<symbol, unknown>)[PROBING] === true ? next(args) : wrapped(args));
    };
    const readEndpoint: SerializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
      if ((context as Record<symbol, unknown>)[PROBING] !== true) return next(args);
      const answer: ProbeAnswer = { [PROBING]: { hostname: context.endpointV2?.url.hostname } };
      return { output: answer as unknown as ServiceOutputTypes, response: {} };
    };
    stack.addRelativeTo(authUnlessProbing, authStep.options);
    stack.addRelativeTo(readEndpoint, { relation: "after", toMiddleware: "endpointV2Middleware", name: PROBE_STEP, override: true });
  }
  return state;
}

/** The SDK's auth-scheme step (it resolves credentials), which a probe skips. */
const AUTH_SCHEME_STEP = "httpAuthSchemeMiddleware";
/** The probe's own step, right after the SDK resolves the endpoint. */
const PROBE_STEP = "ec2MockRegionProbe";

/**
 * The Region an EC2 endpoint's host names: `ec2.<region>.amazonaws.com`
 * (`.com.cn`), `ec2-fips.<region>…`, `ec2.<region>.api.aws`; the same for
 * the endpoints of `services` (their signing names: `elasticloadbalancing.<region>…`);
 * undefined for any other host (a custom endpoint).
 */
export function regionOfHost(hostname: string | undefined, services: readonly string[] = []): string | undefined {
  if (hostname === undefined) return undefined;
  const labels = hostname.split(".");
  const service = labels[0]?.endsWith("-fips") ? labels[0].slice(0, -5) : labels[0];
  if (labels.length < 4 || (service !== "ec2" && !services.includes(service ?? ""))) return undefined;
  const domain = labels.slice(2).join(".");
  return domain === "amazonaws.com" || domain === "amazonaws.com.cn" || domain === "api.aws" ? labels[1] : undefined;
}

/** The service a client's calls are recorded under; undefined for the clients of services the mock does not answer. */
function recordedService(clientName: string | undefined, service: QueryService | undefined): Ec2MockService | undefined {
  if (service !== undefined) return service.signingName as Ec2MockService;
  if (clientName === "EC2Client") return "ec2";
  if (clientName === "STSClient") return "sts";
  return undefined;
}

/** An STS override's answer with `$metadata`; an `Ec2MockServiceError` thrown as the SDK's exception would be. */
async function stsOverride(overridden: Promise<object | undefined>, requestId: string): Promise<object | undefined> {
  try {
    const output = await overridden;
    return output === undefined ? undefined : { ...output, $metadata: responseMetadata(200, requestId) };
  } catch (error) {
    if (!(error instanceof Ec2MockServiceError)) throw error;
    throw Object.assign(new Error(error.message), {
      name: error.code,
      $fault: error.status < 500 ? ("client" as const) : ("server" as const),
      $metadata: responseMetadata(error.status, requestId),
      Error: { Type: error.status < 500 ? "Sender" : "Receiver", Code: error.code, Message: error.message },
    });
  }
}

/** The policy of a command nobody answered (the function, if any, was asked already: its `undefined` passes the call on). */
function unhandled(policy: UnhandledCommandPolicy, commandName: string, input: unknown): void {
  if (policy === "passthrough") return;
  if (policy === "warn") {
    console.warn(`ec2-mock: ${commandName} is not implemented; passing it to the real handler.`);
    return;
  }
  if (policy === "error") throw new Ec2MockUnhandledCommandError(commandName);
  void input;
}
