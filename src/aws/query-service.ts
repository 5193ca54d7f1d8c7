/**
 * The AWS services the mock answers next to EC2 over the awsQuery protocol
 * (Elastic Load Balancing v2; Auto Scaling plugs in the same way), and what
 * every door does with them, whatever the service:
 *
 * - the plugin (src/aws/ec2/doors/plugin.ts) routes a command by its
 *   client's name (`context.clientName`) to {@link answerQueryCommand},
 *   which reads the input as the wire door reads the request the SDK would
 *   send, runs the service's dispatch, and throws the SDK's own exception
 *   class (loaded from the user's copy of the client, so `instanceof` holds);
 * - the wire door (src/aws/ec2/doors/wire.ts: the `httpHandler` and the
 *   server) routes a request by its SigV4 credential scope's service (or,
 *   unsigned, by its `Version`) to {@link answerQueryRequest}.
 *
 * A service is one {@link QueryService} value: its names, its action list's
 * predicates, its wire errors and its dispatch (built by the mock, over the
 * same Regions and clock as EC2). `createEc2Mock` lists them.
 */

import { CloudError } from "../kit/errors.js";
import type { FrontResponse } from "../kit/front.js";
import { decodeQueryInput, encodeQueryError, encodeQueryInput, encodeQueryOutput } from "../protocols/aws-query/codec.js";
import { QuerySchemas } from "../protocols/aws-query/schemas.js";
import { ProtocolRefusal, type Refusal } from "../protocols/refusal.js";
import type { CallRouter } from "./calls.js";
import { responseMetadata } from "./ec2/doors/sdk-errors.js";
import type { Ec2MockCallError } from "./ec2/observe/history.js";
import type { Ec2Region, RegionSettings } from "./ec2/region.js";
import type { Authorize, ServiceAuthorization } from "./iam/authorize.js";
import type { Principal } from "./iam/principals.js";

/** The errors a service's wire door answers before its operation runs, in the service's own catalogue. */
export interface QueryWireErrors {
  /** A request without `Action`. */
  missingAction(): CloudError;
  /** An action the service does not have or the mock does not implement, or a request of another API version. */
  invalidAction(action: string, version: string): CloudError;
  /** A codec's refusal (an unknown parameter, a value of the wrong type, a malformed form). */
  refusal(refusal: Refusal): CloudError;
  /** Anything unexpected. */
  internal(): CloudError;
}

/** One AWS query service the mock answers. */
export interface QueryService {
  /** The SDK client's name (`context.clientName`): `ElasticLoadBalancingV2Client`. */
  readonly clientName: string;
  /** The SigV4 signing name, the credential scope's service: `elasticloadbalancing`. */
  readonly signingName: string;
  /** The query API's `Version`: `2015-12-01`. */
  readonly apiVersion: string;
  /** The XML namespace of its documents. */
  readonly xmlNamespace: string;
  /** The SDK's base exception class's export name: `ElasticLoadBalancingV2ServiceException`. */
  readonly serviceExceptionName: string;
  /** Loads the service's SDK (an optional peer dependency), for its schemas and exception classes. */
  loadSdk(): Promise<unknown>;
  /** Whether the mock answers an action of the service. */
  isAction(action: string): boolean;
  /** Whether a successful call of the action may change state. */
  isMutating(action: string): boolean;
  /** The service's wire errors. */
  readonly wireErrors: QueryWireErrors;
  /**
   * Runs one action in a Region (the default one when absent) as the
   * principal an access key names (the default one when absent): the
   * service's single entry. Throws a `CloudError` of the service's catalogue.
   */
  dispatch(action: string, input: unknown, accessKeyId: string | undefined, region: string | undefined): object | Promise<object>;
}

/**
 * A service's action by its qualified name, `SIGNING_NAME:Action`
 * (`elasticloadbalancing:CreateTargetGroup`): how the server hands a
 * service's call to a backend whose one `dispatch` the state file wraps
 * (EC2's actions have no colon); undefined for any other name.
 */
export function qualifiedAction(
  services: readonly QueryService[],
  name: string,
): { readonly service: QueryService; readonly action: string } | undefined {
  const colon = name.indexOf(":");
  if (colon < 0) return undefined;
  const service = services.find((s) => s.signingName === name.slice(0, colon));
  return service === undefined ? undefined : { service, action: name.slice(colon + 1) };
}

/**
 * What a service over EC2's engine needs of the mock (src/aws/ec2/mock.ts
 * provides it): the Regions, the clock, the principals and the authorizer.
 */
export interface QueryServiceWorld {
  /** A Region the mock serves, by name (the default one for undefined); undefined for one it does not serve. */
  region(name: string | undefined): Ec2Region | undefined;
  /** Applies every transition due and returns the mock time of the call. */
  catchUp(): number;
  /** The principal an access key names (the default principal when absent or unknown). */
  principal(accessKeyId: string | undefined): Principal;
  /** The authorizer of one call, in the service's words. */
  authorizer(principal: Principal, now: number, settings: RegionSettings, service: ServiceAuthorization): Authorize;
}

/**
 * Told of a call the wire door answered for a service (the mock's call
 * history): its action, its input as decoded (its parameters as sent when
 * they could not be), and its output or its error as the SDK would name it.
 */
export type QueryCallObserver = (
  call: { readonly action: string; readonly input: object },
  outcome: { output: object } | { error: Ec2MockCallError },
) => void;

/** Each service's schemas, loaded once. */
const loaded = new Map<string, Promise<QuerySchemas>>();

/** A service's schemas, loading its SDK and `@smithy/core/schema` on first use. */
export function schemasOf(service: QueryService): Promise<QuerySchemas> {
  let schemas = loaded.get(service.clientName);
  if (schemas === undefined) {
    schemas = Promise.all([import("@smithy/core/schema"), service.loadSdk()]).then(
      ([schema, sdk]) => new QuerySchemas({ NormalizedSchema: schema.NormalizedSchema, sdk: sdk as Record<string, unknown> }),
    );
    loaded.set(service.clientName, schemas);
  }
  return schemas;
}

/** Runs a codec, its refusal said in the service's words. */
function inServiceWords<T>(service: QueryService, codec: () => T): T {
  try {
    return codec();
  } catch (error) {
    throw error instanceof ProtocolRefusal ? service.wireErrors.refusal(error.refusal) : error;
  }
}

type ExceptionClass = new (options: Record<string, unknown>) => Error;

/**
 * The SDK's own exception for a service's error, as its awsQuery
 * deserializer builds it from the error document: the modelled class of
 * the code when there is one (`TargetGroupNotFound` →
 * `TargetGroupNotFoundException`), else the service's base exception named
 * by the code; `Type`, `Code`, `Error` and `RequestId` as the document carries them.
 */
function sdkException(schemas: QuerySchemas, service: QueryService, error: CloudError, requestId: string): Error {
  const sdk = schemas.source.sdk;
  const $metadata = responseMetadata(error.status, requestId);
  const $fault = error.status < 500 ? "client" : "server";
  const type = error.status < 500 ? "Sender" : "Receiver";
  const shape = schemas.errorOf(error.code);
  const Modelled = shape === undefined ? undefined : (sdk[shape.className] as ExceptionClass | undefined);
  const Base = sdk[service.serviceExceptionName] as ExceptionClass | undefined;
  let exception: Error;
  if (Modelled !== undefined) exception = new Modelled({ $metadata, message: error.message });
  else if (Base !== undefined) exception = new Base({ name: error.code, $fault, $metadata, message: error.message });
  else exception = Object.assign(new Error(error.message), { name: error.code, $fault, $metadata });
  return Object.assign(exception, {
    $fault,
    message: error.message,
    Type: type,
    Code: error.code,
    Error: { Type: type, Code: error.code, Message: error.message },
    RequestId: requestId,
  });
}

/**
 * A command's input read as the wire door reads the request the SDK would
 * have sent (written as the SDK's serializer writes it, then decoded);
 * undefined for an action the SDK has no schema for.
 */
export async function readQueryCommandInput(service: QueryService, action: string, input: unknown): Promise<object | undefined> {
  const shapes = (await schemasOf(service)).shapesOf(action);
  if (shapes === undefined) return undefined;
  return inServiceWords(service, () => decodeQueryInput(shapes.input, encodeQueryInput(shapes.input, input ?? {})));
}

/**
 * The plugin's answer to a command of a query service: an override's
 * (`router`), else, for an action the mock implements, the input read as
 * the wire door reads the request the SDK would have sent and the
 * service's dispatch, else the unhandled policy's function's; the output
 * with `$metadata`; a service error thrown as the SDK's exception.
 * Undefined when nothing answered (the plugin applies the policy).
 */
export async function answerQueryCommand(
  service: QueryService,
  action: string,
  input: unknown,
  region: string | undefined,
  requestId: string,
  router?: CallRouter,
): Promise<object | undefined> {
  const schemas = await schemasOf(service);
  let output: object | undefined;
  try {
    const overridden = router?.override(service.signingName, action, input, region);
    output = overridden === undefined ? undefined : await overridden;
    if (output === undefined && !service.isAction(action)) {
      output = await router?.unimplemented(service.signingName, action, input, region);
      if (output === undefined) return undefined;
    }
    if (output === undefined) {
      const shapes = schemas.shapesOf(action);
      if (shapes === undefined) throw new TypeError(`ec2-mock: no SDK schema for ${service.clientName}'s ${action}`);
      const read = inServiceWords(service, () => decodeQueryInput(shapes.input, encodeQueryInput(shapes.input, input ?? {})));
      output = await service.dispatch(action, read, undefined, region);
    }
  } catch (error) {
    if (error instanceof CloudError) throw sdkException(schemas, service, error, requestId);
    throw error;
  }
  return { ...output, $metadata: responseMetadata(200, requestId) };
}

function xml(status: number, body: string, requestId: string): FrontResponse {
  return { status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}

/**
 * The wire door's answer to a query request routed to a service: its
 * parameters (envelope and signing parameters removed, `Action` and
 * `Version` given apart) decoded by the action's schema, the dispatch, the
 * `<XResponse>` document; every failure as the service's `<ErrorResponse>`.
 * Never throws.
 */
export async function answerQueryRequest(
  service: QueryService,
  request: {
    readonly action: string | undefined;
    readonly version: string | undefined;
    readonly params: ReadonlyMap<string, string>;
    readonly accessKeyId: string | undefined;
    readonly region: string | undefined;
  },
  requestId: string,
  observe?: QueryCallObserver,
  router?: CallRouter,
): Promise<FrontResponse> {
  let schemas: QuerySchemas | undefined;
  let input: object | undefined;
  try {
    schemas = await schemasOf(service);
    const { action, version } = request;
    if (action === undefined || action === "") throw service.wireErrors.missingAction();
    // An action of the service's API (its SDK schema has it) that the mock lacks is the router's (an override, or 501).
    const shapes = service.isAction(action) || router !== undefined ? schemas.shapesOf(action) : undefined;
    if (version !== service.apiVersion || shapes === undefined) throw service.wireErrors.invalidAction(action, version ?? "");
    input = inServiceWords(service, () => decodeQueryInput(shapes.input, request.params)) as object;
    const overridden = router?.override(service.signingName, action, input, request.region);
    const output =
      (overridden === undefined ? undefined : await overridden) ??
      (service.isAction(action)
        ? await service.dispatch(action, input, request.accessKeyId, request.region)
        : ((await router?.unimplemented(service.signingName, action, input, request.region)) ??
          service.wireErrors.invalidAction(action, version)));
    if (output instanceof Error) throw output;
    observe?.({ action, input }, { output });
    return xml(200, encodeQueryOutput(action, shapes.output, output, requestId, service.xmlNamespace), requestId);
  } catch (error) {
    const failure = error instanceof CloudError ? error : service.wireErrors.internal();
    if (observe !== undefined && request.action !== undefined && request.action !== "") {
      // The SDK names a modelled error by its class (`TargetGroupNotFound` → `TargetGroupNotFoundException`).
      const name = schemas?.errorOf(failure.code)?.className ?? failure.code;
      observe(
        { action: request.action, input: input ?? Object.fromEntries(request.params) },
        { error: { name, message: failure.message, statusCode: failure.status } },
      );
    }
    return xml(failure.status, encodeQueryError(failure.code, failure.message, failure.status, requestId, service.xmlNamespace), requestId);
  }
}
