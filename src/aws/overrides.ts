/**
 * Per-test overrides, msw-style (`ec2.use({ DescribeVpcs: () => ({ Vpcs: [] }) })`):
 * handlers keyed by EC2 action name (or `autoscaling:Action`,
 * `elasticloadbalancing:Action`, `sts:Action`) that answer a call before the
 * engine, in every door. This module holds the public types, the stack of
 * handlers and the error a handler throws; src/aws/calls.ts puts them in
 * each door's path.
 */
import type * as Ec2Sdk from "@aws-sdk/client-ec2";
import type { CommandIO, MetadataBearer } from "@smithy/types";

/**
 * An error a handler (an override, or an `onUnhandledCommand` function)
 * throws to answer a call with a service error: through the plugin and the
 * adapter it becomes the service's SDK exception (an `EC2ServiceException`
 * named `code`, `$metadata.httpStatusCode` `status`), over the wire the
 * service's error document with that status.
 * @public
 */
export class Ec2MockServiceError extends Error {
  /**
   * @param code - the error code, as the service sends it (`InvalidVpcID.NotFound`); also the `name`.
   * @param message - the message.
   * @param status - the HTTP status (default 400; 500 and above are server faults, which the SDKs retry for 500, 502, 503, 504).
   */
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = code;
    if (!/^[A-Za-z][A-Za-z0-9.]*$/.test(code))
      throw new TypeError(`Ec2MockServiceError: the code must be letters, digits and dots; got ${JSON.stringify(code)}`);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`Ec2MockServiceError: the status must be an integer from 400 to 599; got ${String(status)}`);
    }
  }
}

/**
 * A way in to the mock: the SDK plugin (`client.middlewareStack.use(ec2)`),
 * the aws-sdk-client-mock adapter (`ec2.adapt(stub)`), the in-process
 * `ec2.httpHandler()`, or the HTTP server (`ec2.listen()`, `ec2-mock serve`).
 * @public
 */
export type Ec2MockDoor = "plugin" | "adapter" | "httpHandler" | "server";

/**
 * What a handler is told about the call besides its input.
 * @public
 */
export interface Ec2MockCallContext {
  /** The call's Region (the mock's default Region when the call names none). */
  readonly region: string;
  /** The door the call came through. */
  readonly door: Ec2MockDoor;
  /** Mock time of the call, in epoch milliseconds (`ec2.now()`). */
  readonly now: number;
}

/** The SDK's command classes, by action name (`DescribeVpcs` → `DescribeVpcsCommand`). */
type Ec2CommandClasses = {
  readonly [K in keyof typeof Ec2Sdk as K extends `${infer A}Command`
    ? A extends `$${string}` | ""
      ? never
      : A
    : never]: (typeof Ec2Sdk)[K];
};

/** The command instance an SDK command class builds. */
type CommandOf<C> = C extends abstract new (...args: never[]) => infer R ? R : never;

/**
 * Every EC2 action of the installed `@aws-sdk/client-ec2`, by name.
 * @public
 */
export type Ec2ActionName = keyof Ec2CommandClasses & string;

/**
 * The input of an EC2 action's command (`DescribeVpcsCommandInput`).
 * @public
 */
export type Ec2ActionInput<A extends Ec2ActionName> =
  CommandOf<Ec2CommandClasses[A]> extends CommandIO<infer I, MetadataBearer> ? I : never;

/**
 * The output of an EC2 action's command without `$metadata` (what a handler returns).
 * @public
 */
export type Ec2ActionOutput<A extends Ec2ActionName> =
  CommandOf<Ec2CommandClasses[A]> extends CommandIO<infer _I, infer O> ? Omit<O, "$metadata"> : never;

/**
 * A handler's answer: the output, `undefined` to fall through (to the next
 * override, then the engine), or either as a promise.
 * @public
 */
export type Ec2MockAnswer<O> = O | undefined | Promise<O | undefined>;

/**
 * An override of one EC2 action: `(input, call) => output | undefined`.
 * Throw an {@link Ec2MockServiceError} to answer a service error.
 * @public
 */
export type Ec2ActionHandler<A extends Ec2ActionName> = (
  input: Ec2ActionInput<A>,
  call: Ec2MockCallContext,
) => Ec2MockAnswer<Ec2ActionOutput<A>>;

/**
 * An override of an action of another service the mock answers (Auto
 * Scaling, ELBv2, STS). Their SDKs are optional peer dependencies, so the
 * input and output are typed as plain objects.
 * @public
 */
export type Ec2MockServiceHandler = (input: Readonly<Record<string, unknown>>, call: Ec2MockCallContext) => Ec2MockAnswer<object>;

/**
 * The services besides EC2 whose actions an override may name, by their
 * signing name (`autoscaling:DescribeAutoScalingGroups`).
 * @public
 */
export type Ec2MockOtherService = "autoscaling" | "elasticloadbalancing" | "sts";

/**
 * Overrides: a handler per EC2 action (`{ DescribeVpcs: (input, call) => ({ Vpcs: [] }) }`,
 * typed from the SDK's commands), or per action of another service
 * (`{ "elasticloadbalancing:DescribeLoadBalancers": ... }`).
 * @public
 */
export type Ec2MockOverrides = { readonly [A in Ec2ActionName]?: Ec2ActionHandler<A> } & {
  readonly [K in `${Ec2MockOtherService}:${string}`]?: Ec2MockServiceHandler;
};

/**
 * Options of `ec2.use`.
 * @public
 */
export interface UseOptions {
  /** Each handler answers once, then is spent (a handler that falls through, returning `undefined`, is not). */
  once?: boolean;
}

type AnyHandler = (input: never, call: Ec2MockCallContext) => unknown;

/** One `use` (or the initial overrides): its handlers by key, and those spent (`once`). */
interface Layer {
  readonly handlers: ReadonlyMap<string, AnyHandler>;
  readonly once: boolean;
  readonly spent: Set<string>;
}

/** The key of an action: EC2's action name, or `service:Action`. */
export function overrideKey(service: string, action: string): string {
  return service === "ec2" ? action : `${service}:${action}`;
}

function layerOf(overrides: Ec2MockOverrides | undefined, once: boolean): Layer {
  if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
    throw new TypeError(
      `ec2-mock: overrides must be an object of handlers by action name; got ${overrides === null ? "null" : typeof overrides}`,
    );
  }
  const handlers = new Map<string, AnyHandler>();
  for (const [key, handler] of Object.entries(overrides as Record<string, unknown>)) {
    if (handler === undefined) continue;
    if (typeof handler !== "function") throw new TypeError(`ec2-mock: the override of ${key} must be a function; got ${typeof handler}`);
    handlers.set(key, handler as AnyHandler);
  }
  return { handlers, once, spent: new Set() };
}

/**
 * The overrides of one mock: the initial ones (`createEc2Mock({ overrides })`),
 * under every layer added by `use`; the latest `use` is asked first.
 */
export class OverrideStack {
  private readonly initial: Layer;
  private layers: Layer[] = [];

  /** @param initial - the overrides `createEc2Mock` was given. */
  constructor(initial: Ec2MockOverrides | undefined) {
    this.initial = layerOf(initial ?? {}, false);
  }

  /** Adds a layer on top; returns its remover (idempotent). */
  use(overrides: Ec2MockOverrides, options: UseOptions = {}): () => void {
    const layer = layerOf(overrides, options.once === true);
    this.layers.push(layer);
    return () => {
      this.layers = this.layers.filter((l) => l !== layer);
    };
  }

  /** Removes every layer `use` added (the initial overrides stay). */
  reset(): void {
    this.layers = [];
  }

  /** Whether some live handler answers this key. */
  has(key: string): boolean {
    if (this.initial.handlers.has(key)) return true;
    // Asked on every call of every door: a plain loop, no callback (none at all without a `use`).
    for (const layer of this.layers) if (layer.handlers.has(key) && !layer.spent.has(key)) return true;
    return false;
  }

  /**
   * Asks the handlers of a key, the latest first, until one answers (an
   * output, or a throw); undefined when none does.
   */
  async answer(key: string, input: unknown, call: Ec2MockCallContext): Promise<object | undefined> {
    for (const layer of [...this.layers].reverse().concat(this.initial)) {
      const handler = layer.handlers.get(key);
      if (handler === undefined || layer.spent.has(key)) continue;
      let output: unknown;
      try {
        output = await (handler as (input: unknown, call: Ec2MockCallContext) => unknown)(input, call);
      } catch (error) {
        if (layer.once) layer.spent.add(key);
        throw error;
      }
      if (output === undefined) continue;
      if (layer.once) layer.spent.add(key);
      if (output === null || typeof output !== "object" || Array.isArray(output)) {
        throw new TypeError(
          `ec2-mock: the override of ${key} returned ${output === null ? "null" : typeof output}; return the output object, or undefined to fall through`,
        );
      }
      return output;
    }
    return undefined;
  }
}
