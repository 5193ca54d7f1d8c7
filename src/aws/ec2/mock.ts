import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-ec2";
import type { MetadataBearer, MiddlewareStack } from "@smithy/types";
import { checkTimelineLimit } from "../../engine/history.js";
import { type DurationOverrides, resolveDurations } from "../../engine/timing.js";
import { clockControls, type SettleReport } from "../../kit/controls.js";
import { untapedUuid } from "../../kit/entropy.js";
import type { RunningServer } from "../../kit/server/server.js";
import { type ReportOptions, renderReport } from "../../kit/web-view/report.js";
import { loadWireDeps } from "../../protocols/ec2-query/deps.js";
import { normalizeInput } from "../../protocols/ec2-query/normalize.js";
import { shapesOf } from "../../protocols/ec2-query/schemas.js";
import { ProtocolRefusal } from "../../protocols/refusal.js";
import { type AutoScalingWorld, autoScalingService, autoScalingSettler } from "../autoscaling/service.js";
import { type CallRouter, type CallRouterDeps, createCallRouter } from "../calls.js";
import { elbv2Service } from "../elbv2/service.js";
import { createAuthorizer } from "../iam/authorize.js";
import { type IamOptions, type Principal, Principals } from "../iam/principals.js";
import { loadedOnDemand, onDemand } from "../on-demand-loader.js";
import { type Ec2MockDoor, type Ec2MockOverrides, OverrideStack, type UseOptions } from "../overrides.js";
import { type QueryService, type QueryServiceWorld, qualifiedAction, readQueryCommandInput } from "../query-service.js";
import { isImplemented, isMutating, operationLoading, operationOf } from "./actions.js";
import type { Dispatch, OperationContext } from "./context.js";
import { adaptStub, type ClientStubLike } from "./doors/adapter.js";
import { createHttpHandler, type Ec2MockHttpHandler } from "./doors/http-handler.js";
import { addMockMiddleware, type UnhandledCommandPolicy } from "./doors/plugin.js";
import type { ListenOptions } from "./doors/server.js";
import { errors, refusalInEc2Words } from "./errors.js";
import { type NetworkOptions, resolveAddressSpace } from "./model/address-space.js";
import type { MockImage } from "./model/images.js";
import { zonesOf } from "./model/network.js";
import { regionsAndZones } from "./model/region-catalogue.js";
import { InstanceTypeCatalogue, type InstanceTypeOptions } from "./model/type-catalogue.js";
import {
  type Controls,
  type FleetUsage,
  type GuestControl,
  type HostFaults,
  type InstanceInspection,
  type InstanceUsage,
  noEbsByType,
} from "./observe/controls.js";
import { type SpotEventHandler, StateChangeEvents, type StateChangeHandler } from "./observe/events.js";
import { type ApiFaultControls, ApiFaults } from "./observe/faults.js";
import {
  type CallHandler,
  CallHistory,
  checkHistoryLimit,
  checkOutputLimit,
  type Ec2MockCall,
  type Ec2MockCallFilter,
  type Ec2MockHistoryOptions,
} from "./observe/history.js";
import { type InstanceMetadata, imdsFront, MetadataService } from "./observe/imds.js";
import { type Ec2MockCapacity, type Ec2MockSpot, marketControls, marketRoutes, settleSpotWarnings } from "./observe/market.js";
import { ec2WebView } from "./observe/web-view.js";
import { settleSpotRequests } from "./operations/spot-requests.js";
import type { Ec2Region } from "./region.js";
import { fileFormOf } from "./state/file-form.js";
import { buildFleet, checkFixtures, fixturesByRegion, type InstanceFixture } from "./state/fixtures.js";
import { checkOptions } from "./state/option-schema.js";
import { type Ec2MockSnapshot, readSnapshot, restoreSnapshot, takeSnapshot } from "./state/snapshot.js";
import { Ec2World } from "./world.js";

/**
 * Options of {@link createEc2Mock}. Every one is optional.
 * @public
 */
export interface Ec2MockOptions {
  /**
   * The default Region (default `us-east-1`): it serves every call that
   * names no Region (a client without one, a custom endpoint, an unsigned
   * request). Every AWS commercial Region is served too, each a world of its
   * own: the plugin serves the Region of its client, the server and the
   * `httpHandler` the Region of the request's SigV4 credential scope.
   */
  region?: string;
  /** The account id that owns everything (default `123456789012`). */
  accountId?: string;
  /**
   * How long transitions take: `"realistic"` (default; every figure in
   * docs/behaviour.md), `"instant"` (each transition completes right after the
   * call that starts it, whose own response still shows the intermediate
   * state), or realistic durations with some overridden, in milliseconds.
   */
  timing?: "realistic" | "instant" | DurationOverrides;
  /**
   * How many mock milliseconds pass per real millisecond (default 1): with
   * `10`, realistic durations run ten times faster than the wall clock (a
   * launch's ~5 s of `pending` takes ~0.5 s); `0.5` runs them at half speed.
   * A number above 0 and at most 10000 (a RangeError otherwise). The clock
   * stays a value read from `Date.now()`, so fake timers drive it too (each
   * faked ms is `speed` mock ms) and `advance` adds to it as usual. CLI:
   * `ec2-mock serve --speed N`; server: `POST /_mock/speed?factor=N`.
   */
  speed?: number;
  /** Images added to the built-in catalogue, in the SDK's `Image` shape (only `ImageId` is required). */
  images?: readonly MockImage[];
  /**
   * A non-zero internal high byte (1..255) put into every `InstanceState.Code`,
   * as EC2 may: `running` then reads `(highByte << 8) | 16`. Code that forgets
   * `code & 0xff` fails its tests. Default 0: the bare low byte.
   */
  stateCodeHighByte?: number;
  /**
   * What happens to an EC2 command the mock does not implement: `"error"`
   * (default: the call rejects with {@link Ec2MockUnhandledCommandError}),
   * `"warn"` (a console warning, then the real handler), `"passthrough"` (the
   * real handler, silently), or a function called with the command's name and
   * input (throw from it to fail the call; return to pass it through).
   */
  onUnhandledCommand?: UnhandledCommandPolicy;
  /**
   * The initial overrides (see {@link Ec2Mock.use}): below every `use`,
   * kept by `resetOverrides()` and `reset()`, as msw's initial handlers.
   */
  overrides?: Ec2MockOverrides;
  /**
   * Who may do what. `policies` are the identity policies of the default
   * principal (every in-process call runs as it); `principals` adds others,
   * whose `accessKeys` name them to the server. With no policy anywhere every
   * call is allowed; once one is configured, what is not allowed is denied.
   */
  iam?: IamOptions;
  /**
   * Instances the mock starts with, already in the given states (fixtures).
   * They are built by the real operations (RunInstances, then StopInstances
   * or TerminateInstances and the engine's clock), then every time is moved
   * back so that the clock offset is 0 when `createEc2Mock` returns: instances
   * in flight (`pending`, `stopping`, `shutting-down`) have just started their
   * transition. Launch order is the order of this array. A fixture that
   * cannot be launched (unknown image, bad type, ...) throws a TypeError.
   */
  instances?: readonly InstanceFixture[];
  /**
   * The default VPC's address space. Default: EC2's own, 172.31.0.0/16 with
   * a /20 subnet per zone, which holds about 24,500 instances (a launch
   * beyond fails with `InsufficientFreeAddressesInSubnet`, as on EC2).
   * Widen it for larger fleets: `{ vpcCidr: "10.0.0.0/8" }` gives each zone
   * a /12 (over a million addresses). Bad values throw a TypeError.
   */
  network?: NetworkOptions;
  /**
   * Instance types beyond EC2's catalogue, and where types are offered, for
   * tests of capacity logic: `add` types (the SDK's `InstanceTypeInfo`,
   * `InstanceType` required), and replace a Region's `offerings`, for every
   * zone (`{ "us-east-1": ["t3.*"] }`) or per zone
   * (`{ "us-east-1": { "us-east-1a": ["m5.large"], "us-east-1b": [] } }`).
   * DescribeInstanceTypes, DescribeInstanceTypeOfferings and RunInstances
   * (which refuses a type its zone does not offer, as EC2 does) follow them.
   * Default: EC2's own types and offerings (data/). Bad values throw a TypeError.
   */
  instanceTypes?: InstanceTypeOptions;
  /**
   * The call history ({@link Ec2Mock.calls}): `limit` is how many calls it
   * keeps, the latest (default 1,000; `0` records nothing, `Infinity` keeps
   * every call). A bad limit throws a RangeError.
   */
  history?: Ec2MockHistoryOptions;
  /**
   * How many state transitions each instance's timeline keeps, the latest
   * (default 200: fifty stop/start cycles; at least 16, or `Infinity` to keep
   * every one). Older transitions are dropped and folded into running totals:
   * `usage()`'s `billedSeconds` stays exact, its `periods` list those the kept
   * timeline shows (`droppedPeriods` counts the others), and `inspect()`'s
   * `timelineDropped` counts the dropped transitions, so that an instance
   * cycled for a week costs no more memory, snapshot bytes or time per call
   * than a fresh one (docs/behaviour.md, "Bounded history"). A bad limit
   * throws a RangeError.
   */
  timelineLimit?: number;
}

/**
 * The object {@link createEc2Mock} returns: a `Pluggable` for `client.middlewareStack.use`, plus controls.
 * @public
 */
export interface Ec2Mock {
  /**
   * Adds the mock's middleware to a client's stack: what
   * `client.middlewareStack.use(ec2)` calls. Generic, so that the same mock
   * plugs into an `EC2Client` and into the clients of the other services it
   * answers (`AutoScalingClient`, `ElasticLoadBalancingV2Client`, `STSClient`) without a cast.
   */
  applyToStack<Input extends object, Output extends MetadataBearer>(stack: MiddlewareStack<Input, Output>): void;
  /** The default Region (see {@link Ec2MockOptions.region}). */
  readonly region: string;
  /** The account id that owns everything. */
  readonly accountId: string;
  /** Moves the mock's clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  /**
   * Finishes every transition in flight (moving the clock to the last
   * arrival, status checks and the account's pending images included) and
   * resolves to a {@link SettleReport}: `settled: false` lists what stays in
   * transition and why (a stop a guest refuses or a stuck host holds, a Spot
   * request waiting for capacity or a price, an Auto Scaling group short of
   * its desired capacity), each with what ends it. It never throws or logs
   * for them: check `settled` where a test needs everything at rest.
   */
  settle(): Promise<SettleReport>;
  /** Empties the fleet and the call history, and moves the clock offset back to 0. */
  reset(): void;
  /**
   * Every call the mock received, oldest first (the last 1,000 by default:
   * {@link Ec2MockOptions.history}): through every door (the plugin, the
   * adapter, the `httpHandler`, the server), of every service it answers
   * (EC2, Auto Scaling, ELBv2, STS), answered or refused, each with its
   * Region, input, output or error, door and mock time. `filter` keeps
   * those matching each member given (`{ action: "RunInstances" }`,
   * `{ action: "autoscaling:DescribeTags" }`, `{ door: "server" }`).
   * A call appears once answered. Inputs and outputs are not copied; the
   * oldest outputs past `history.outputLimit` records are dropped (`outputDropped`).
   */
  calls(filter?: Ec2MockCallFilter): readonly Ec2MockCall[];
  /** Empties the call history (nothing else). */
  resetHistory(): void;
  /** Mock time now, in epoch milliseconds (`Date.now()` plus every `advance`). */
  now(): number;
  /**
   * An in-process `HttpHandler` serving this mock over the EC2 query
   * protocol: `new EC2Client({ requestHandler: ec2.httpHandler(), region, credentials })`
   * runs the SDK's whole path (serialization, signing, retries,
   * deserialization) without a socket.
   */
  httpHandler(): Ec2MockHttpHandler;
  /**
   * Serves this mock over HTTP for any EC2 client (AWS CLI, boto3, another
   * SDK) and resolves once listening. Defaults: host 127.0.0.1, a free port.
   * Control endpoints: `POST /_mock/advance?ms=N`, `POST /_mock/settle`,
   * `POST /_mock/reset`, `GET /_mock/state`, `POST /_mock/spot/price`,
   * `POST /_mock/capacity/withdraw`, `POST /_mock/capacity/restore`,
   * `POST /_mock/spot/interrupt`; the instance metadata service of each
   * instance at `/_mock/imds/<instance-id>/latest/...` (see {@link Ec2Mock.metadata}).
   */
  listen(options?: ListenOptions): Promise<RunningServer>;
  /**
   * The guest OS of an instance: make it misbehave on shutdown as real ones
   * do (`configure({ shutdownEventTracker: true })`, ...), or have it shut
   * itself down (`shutdown()`). Throws for an unknown instance.
   */
  guest(instanceId: string): GuestControl;
  /**
   * Faults: of the host (`hostStuck(id)` makes stops stick in `stopping`
   * until forced) and of the API, for every door (`failNext`, `throttle`,
   * `delay`, `clear`; see docs/behaviour.md, "Fault injection").
   */
  readonly faults: Ec2MockFaults;
  /**
   * The Spot market: `setPrice({ instanceType, availabilityZone, price, region? })`
   * sets a type's Spot price in a zone from now on (DescribeSpotPriceHistory
   * shows it). Server: `POST /_mock/spot/price?instanceType=&availabilityZone=&price=&region=`.
   * `interrupt(instanceId, { rebalance? })` interrupts a running Spot
   * Instance as EC2 does (events on `on("spot", ...)`, the two-minute
   * notice on the mock's clock; `warningDelayMs` puts time between the
   * recommendation and the warning). Server: `POST /_mock/spot/interrupt?instanceId=&rebalance=&warningDelayMs=`.
   */
  readonly spot: Ec2MockSpot;
  /**
   * EC2's capacity pools: `withdraw({ instanceType, availabilityZone, region? })`
   * makes launches and starts of that type in that zone fail with
   * `InsufficientInstanceCapacity`; `restore(...)` ends it. Server:
   * `POST /_mock/capacity/withdraw?...`, `POST /_mock/capacity/restore?...`.
   */
  readonly capacity: Ec2MockCapacity;
  /**
   * The instance metadata service (IMDS) of an instance, as software on it
   * sees it: `metadata(id).get("spot/instance-action")` reads an item
   * (undefined while absent: IMDS's 404), `request({ method, path, headers })`
   * sends one HTTP request (IMDSv2 tokens, `HttpTokens`, `HttpEndpoint`
   * honoured). Server: `/_mock/imds/<instance-id>/latest/...` (`PUT .../latest/api/token`,
   * `GET .../latest/meta-data/...`). Throws a TypeError for an unknown
   * instance. docs/behaviour.md, "Instance metadata".
   */
  metadata(instanceId: string): InstanceMetadata;
  /** State, guest, memory, file system and the timeline of every transition with its cause. */
  inspect(instanceId: string): InstanceInspection;
  /**
   * Billable usage so far: of one instance (instance seconds billed at least
   * 60 s per start then per second, only while running or hibernating; EBS
   * GiB-seconds of the volumes its launch created), or, with no id, of the
   * whole fleet since the last reset, expired instances included.
   */
  usage(instanceId: string): InstanceUsage;
  /** Billable usage of the whole fleet since the last reset, expired instances included. */
  usage(): FleetUsage;
  /**
   * Subscribes to EventBridge-shaped "EC2 Instance State-change
   * Notification" events, delivered in order whenever the mock observes the
   * clock (a call, `advance`, `settle`). Returns an unsubscribe function.
   */
  on(event: "state-change", handler: StateChangeHandler): () => void;
  /**
   * Subscribes to the Spot events `ec2.spot.interrupt` plays: "EC2 Instance
   * Rebalance Recommendation" and "EC2 Spot Instance Interruption Warning",
   * EventBridge-shaped, delivered synchronously when sent. Returns an
   * unsubscribe function.
   */
  on(event: "spot", handler: SpotEventHandler): () => void;
  /**
   * Subscribes to calls: the handler is told of each call, as
   * {@link Ec2Mock.calls} records it, once answered or refused (and even
   * with `history: { limit: 0 }`). A handler that throws does not fail the
   * call; its error surfaces as uncaught. Returns an unsubscribe function.
   */
  on(event: "call", handler: CallHandler): () => void;
  /**
   * Routes every command the mock implements on an aws-sdk-client-mock stub
   * (`ec2.adapt(mockClient(EC2Client))`) to the engine, so the stub's call
   * history and its matchers sit on top of stateful behaviour. A stubbed
   * `send` bypasses every middleware; prefer the plugin unless you need the
   * stub's call history. Returns the stub.
   */
  adapt<T extends ClientStubLike>(stub: T): T;
  /**
   * Per-test overrides, msw-style: handlers by EC2 action name
   * (`{ DescribeVpcs: (input, call) => ({ Vpcs: [...] }) }`, typed from the
   * SDK's commands) or by `"autoscaling:Action"`, `"elasticloadbalancing:Action"`,
   * `"sts:Action"`, for actions the mock implements or not, in every door
   * (plugin, adapter, httpHandler, server). A handler returns the output
   * (without `$metadata`), or `undefined` to fall through (to the next
   * override, then the engine), or throws an `Ec2MockServiceError` to answer
   * a service error. The latest `use` is asked first; with `once`, each of
   * its handlers answers once. Returns a function that removes them.
   * An override answers before API faults and IAM (docs/behaviour.md,
   * "Overrides and unimplemented actions").
   */
  use(overrides: Ec2MockOverrides, options?: UseOptions): () => void;
  /** Removes every override added by {@link Ec2Mock.use} (the initial ones, `createEc2Mock({ overrides })`, stay). `reset()` does it too. */
  resetOverrides(): void;
  /** Removes a handler added with `on("state-change", ...)`. */
  off(event: "state-change", handler: StateChangeHandler): void;
  /** Removes a handler added with `on("spot", ...)`. */
  off(event: "spot", handler: SpotEventHandler): void;
  /** Removes a handler added with `on("call", ...)`. */
  off(event: "call", handler: CallHandler): void;
  /**
   * The whole state of the mock as a plain, JSON-serializable value: clock
   * offset, instances with their transitions in flight, guests and host
   * faults, reservations, client tokens, address pools, volumes (deleted ones
   * included), Elastic IPs and the usage of expired instances. Configuration
   * (options, API fault rules, subscribers) is not part of it. Throws a
   * RangeError naming the field when a number in the state is NaN or
   * infinite, which JSON would write as `null`: a snapshot always restores.
   */
  snapshot(): Ec2MockSnapshot;
  /**
   * Replaces the mock's state with a snapshot (from this mock or another one
   * created with the same region and account; `JSON.parse` of a stringified
   * one works). Throws a TypeError, changing nothing, for anything that is
   * not a valid version-1 snapshot. Emits no state-change events.
   */
  restore(snapshot: Ec2MockSnapshot): void;
  /**
   * A self-contained HTML page of the web view (the page `GET /_mock/ui`
   * serves) for this mock's fleet and history as of now: every Region's
   * instances, their timelines with causes, each one's guest and console,
   * billing so far; the data embedded, the clock controls hidden, nothing
   * loaded from anywhere. Written to `options.file` too when given (a
   * failing test can attach it). Bad options throw a TypeError.
   */
  report(options?: ReportOptions): string;
}

/**
 * `ec2.faults`: host faults and API faults.
 * @public
 */
export interface Ec2MockFaults extends HostFaults, ApiFaultControls {}

function checkHighByte(value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new RangeError(`stateCodeHighByte must be an integer from 0 to 255; got ${String(value)}`);
  }
  return value;
}

/** The `authorize` of a call that is not checked (fixtures, EC2 Fleet's own work). */
const allowEverything: OperationContext["authorize"] = () => {};

/**
 * An SDK door's input, read as the wire door reads the request the SDK would
 * send (src/protocols/ec2-query/normalize.ts), its refusal in EC2's words.
 * The schemas must be loaded (`loadWireDeps()`).
 */
function readSdkInput(action: string, input: unknown): Record<string, unknown> {
  try {
    return normalizeInput(action, input);
  } catch (error) {
    throw error instanceof ProtocolRefusal ? refusalInEc2Words(error.refusal) : error;
  }
}

/**
 * Creates a mock EC2: a stateful, in-memory EC2 instance lifecycle that plugs
 * into a real `EC2Client` with `client.middlewareStack.use(mock)`.
 * @public
 */
export function createEc2Mock(options: Ec2MockOptions = {}): Ec2Mock {
  // Every key and JSON type first (src/aws/ec2/state/option-schema.ts): a typo is an error, never a default.
  checkOptions(options);
  const accountId = options.accountId ?? "123456789012";
  const defaultRegion = options.region ?? "us-east-1";
  const events = new StateChangeEvents(accountId);
  const world = new Ec2World(
    {
      accountId,
      stateCodeHighByte: checkHighByte(options.stateCodeHighByte),
      durations: resolveDurations(options.timing),
      images: options.images ?? [],
      network: resolveAddressSpace(options.network),
      timelineLimit: checkTimelineLimit(options.timelineLimit),
      ...(options.instanceTypes !== undefined && {
        instanceTypes: new InstanceTypeCatalogue(options.instanceTypes, (name) =>
          name === defaultRegion || regionsAndZones().some((r) => r.RegionName === name) ? zonesOf(name) : undefined,
        ),
      }),
    },
    defaultRegion,
    ({ region }) => {
      region.engine.listen({ onPhaseChange: (change) => events.publish(change, region.settings.region) });
      // Open Spot requests are evaluated at every catch-up (issue 18: no timer; the clock and the prices decide).
      region.spotSettler = (now) => {
        // Warnings that fell due (`warningDelayMs`) first, then the interruptions and evaluations.
        settleSpotWarnings(region, now, (instanceId, name, at, action) => events.publishSpot(instanceId, name, at, action));
        settleSpotRequests({
          region,
          now,
          principal: principals.default,
          authorize: () => {},
          regionNamed: (name) => world.entry(name)?.region,
        });
      };
      // Auto Scaling groups reconcile at every catch-up too (issue 19), as the service.
      region.autoScaling.settler = (now) => autoScalingSettler(autoScalingWorld, region)(now);
    },
  );

  // The default Region exists from the start: bad options (images, ...) are refused here, not at a first call.
  void world.default;
  const principals = new Principals(accountId, options.iam);
  /** Every call through every door (./observe/history.ts), on the mock's clock. */
  const history = new CallHistory(
    checkHistoryLimit(options.history),
    () => world.clock.now(),
    defaultRegion,
    checkOutputLimit(options.history),
  );
  const authorizer = createAuthorizer(principals);

  /** Another Region of this mock by name (an operation's `regionNamed`). */
  const regionNamed = (name: string): Ec2Region | undefined => world.entry(name)?.region;

  /**
   * Runs one EC2 action's operation in a region: the one place an
   * OperationContext is built. `authorize` false (fixtures only) allows
   * everything; `fixedInstanceIds` are the ids RunInstances gives (fixtures only).
   */
  const run = (
    region: Ec2Region,
    action: string,
    input: unknown,
    principal: Principal,
    authorize: boolean,
    fixedInstanceIds?: readonly string[],
  ): object => {
    const now = world.catchUp();
    // Built on every call of every door: no function is made here, no spread (bench/README.md, issue 22 (a)).
    const ctx: OperationContext = {
      region,
      now,
      principal,
      authorize: authorize ? authorizer.forCall(principal, now, region.settings) : allowEverything,
      regionNamed,
      fixedInstanceIds,
    };
    // EC2 Fleet's own work as the clock moved (maintain replacements, ValidFrom/ValidUntil), as the service, not the caller.
    // Its code loads on demand: a Region holds fleets only after CreateFleet or a restore(), and every dispatch
    // with fleets waits for the load first (`dispatchWithFaults`); the fixtures' build never has any.
    if (region.fleets.size > 0) loadedOnDemand().fleets.maintainFleets({ ...ctx, authorize: allowEverything });
    const regions = world.count;
    try {
      return operationOf(action)!(ctx, input);
    } catch (error) {
      world.forgetSince(regions);
      throw error;
    }
  };

  /** The region a call names (none: the default), or AuthFailure for one the mock does not serve. */
  const regionOf = (name: string | undefined): Ec2Region => {
    const entry = world.entry(name ?? defaultRegion);
    if (entry === undefined) throw errors.authFailure();
    return entry.region;
  };

  /** Runs one EC2 action through the engine: the single entry every door uses. */
  const dispatch = (action: string, input: unknown, region: Ec2Region, accessKeyId?: string): object => {
    const principal = (accessKeyId === undefined ? undefined : principals.byAccessKey(accessKeyId)) ?? principals.default;
    return run(region, action, input ?? {}, principal, true);
  };

  /** What the doors call: the region, API faults (failures, throttling, delays), then dispatch. */
  const apiFaults = new ApiFaults(world.clock);
  const dispatchWithFaults: Dispatch = (action, input, accessKeyId, regionName) => {
    // The first call of an action whose operation loads lazily waits for it (./actions.ts), then runs as every later one.
    const loading = operationLoading(action);
    if (loading !== undefined) return loading.then(() => dispatchWithFaults(action, input, accessKeyId, regionName));
    const region = regionOf(regionName);
    // EC2 Fleet's work as the clock moved runs before the call (`run`): its code loads on demand (a restore() can
    // bring fleets back before any fleet call loaded it).
    if (region.fleets.size > 0 && onDemand.loaded === undefined)
      return onDemand.load().then(() => dispatchWithFaults(action, input, accessKeyId, regionName));
    const admitted = apiFaults.admit(action, input, region);
    return admitted === undefined
      ? dispatch(action, input, region, accessKeyId)
      : admitted.then(() => dispatch(action, input, region, accessKeyId));
  };

  /**
   * What the SDK doors (the plugin, the aws-sdk-client-mock adapter) call: the
   * command's input checked and normalized against the SDK's schema, as the
   * wire door decodes its request (src/protocols/ec2-query/normalize.ts), then dispatched.
   * The schemas load on the first call only; later calls stay synchronous.
   */
  const dispatchSdkInput: Dispatch = (action, input, accessKeyId, region) => {
    const deps = loadWireDeps();
    if (deps instanceof Promise) return deps.then(() => dispatchWithFaults(action, readSdkInput(action, input), accessKeyId, region));
    return dispatchWithFaults(action, readSdkInput(action, input), accessKeyId, region);
  };

  if (options.instances !== undefined) {
    const fixtures = checkFixtures(options.instances);
    for (const [name, ofRegion] of fixturesByRegion(fixtures, defaultRegion)) {
      const region = world.entry(name)?.region;
      if (region === undefined) throw new TypeError(`ec2-mock: instances: no region ${JSON.stringify(name)} (an AWS commercial Region)`);
      buildFleet(region, ofRegion, (action, input, fixedInstanceIds) =>
        run(region, action, input, principals.default, false, fixedInstanceIds),
      );
    }
    // Move every time back by what building took, so the clock offset is 0 again.
    restoreSnapshot(world, takeSnapshot(world, world.clock.offset));
  }

  if (options.speed !== undefined) world.clock.setSpeed(options.speed);

  /** The region and controls of an instance, wherever it runs or ran (the default region's for an unknown id: they throw). */
  const controlsOf = (instanceId: string): Controls => {
    world.catchUp();
    const entries = world.existing();
    return (
      entries.find((e) => e.region.instances.has(instanceId))?.controls ??
      entries.find((e) => e.controls.hasRetired(instanceId))?.controls ??
      world.default.controls
    );
  };

  /** The whole world's usage: every region's, added up. */
  const fleetUsage = (): FleetUsage => {
    const usages = world.existing().map((e) => e.controls.fleetUsage());
    const sum = (of: (u: FleetUsage) => number) => usages.reduce((total, u) => total + of(u), 0);
    const ebsGibSecondsByType = noEbsByType();
    for (const type of Object.keys(ebsGibSecondsByType) as (keyof typeof ebsGibSecondsByType)[]) {
      ebsGibSecondsByType[type] = sum((u) => u.ebsGibSecondsByType[type]);
    }
    return {
      billedSeconds: sum((u) => u.billedSeconds),
      ebsGibSeconds: sum((u) => u.ebsGibSeconds),
      ebsGibSecondsByType,
      ebsIopsSeconds: sum((u) => u.ebsIopsSeconds),
      ebsThroughputMibSeconds: sum((u) => u.ebsThroughputMibSeconds),
      snapshotGibSeconds: sum((u) => u.snapshotGibSeconds),
      instances: usages.flatMap((u) => u.instances),
    };
  };

  const imds = new MetadataService(world);
  /** The AWS query services answered next to EC2, over the same Regions, clock and principals (src/aws/query-service.ts). */
  const serviceWorld: QueryServiceWorld = {
    region: (name) => world.entry(name ?? defaultRegion)?.region,
    catchUp: () => world.catchUp(),
    principal: (accessKeyId) => (accessKeyId === undefined ? undefined : principals.byAccessKey(accessKeyId)) ?? principals.default,
    authorizer: (principal, now, settings, service) => authorizer.forCall(principal, now, settings, service),
  };
  const autoScalingWorld: AutoScalingWorld = {
    ...serviceWorld,
    get servicePrincipal() {
      return principals.default;
    },
    regionNamed: (name) => world.entry(name)?.region,
  };
  const services: readonly QueryService[] = [elbv2Service(serviceWorld), autoScalingService(autoScalingWorld)];

  /** The overrides and the unhandled policy, one router per door (src/aws/calls.ts). */
  const overrides = new OverrideStack(options.overrides);
  const unimplemented = new Map<string, number>();
  const routerDeps: CallRouterDeps = {
    overrides,
    policy: options.onUnhandledCommand ?? "error",
    defaultRegion,
    now: () => mock.now(),
    readSdkInput: (service, action, input) => {
      if (service === "ec2") {
        const read = () => (shapesOf(action) === undefined ? input : readSdkInput(action, input));
        const deps = loadWireDeps();
        return deps instanceof Promise ? deps.then(read) : read();
      }
      const queryService = services.find((s) => s.signingName === service);
      return queryService === undefined ? input : readQueryCommandInput(queryService, action, input).then((read) => read ?? input);
    },
    countUnimplemented: (service, action) => {
      const key = `${service}:${action}`;
      unimplemented.set(key, (unimplemented.get(key) ?? 0) + 1);
    },
  };
  const routerFor = (door: Ec2MockDoor): CallRouter => createCallRouter(routerDeps, door);

  const market = marketControls(world, (instanceId, region, at, action) => events.publishSpot(instanceId, region, at, action));
  /** The web view (`GET /_mock/ui`, `ec2.report()`): read-only. */
  const web = ec2WebView({ world, defaultRegion, accountId, usage: () => fleetUsage(), speed: () => world.clock.speed });

  const mock: Ec2Mock = {
    region: defaultRegion,
    accountId,
    applyToStack<Input extends object, Output extends MetadataBearer>(stack: MiddlewareStack<Input, Output>) {
      // One middleware for every client: it routes by the client's name (EC2's types are its widest view).
      addMockMiddleware(stack as unknown as MiddlewareStack<ServiceInputTypes, ServiceOutputTypes>, {
        dispatch: dispatchSdkInput,
        newRequestId: untapedUuid,
        onUnhandledCommand: options.onUnhandledCommand ?? "error",
        services,
        history,
        router: routerFor("plugin"),
      });
    },
    // Observing the clock delivers the state-change events that fell due; a reset forgets usage and API faults too.
    ...clockControls(world, () => {
      apiFaults.clear();
      imds.clear();
      history.clear();
      overrides.reset();
      unimplemented.clear();
    }),
    calls: (filter) => history.calls(filter),
    resetHistory: () => history.clear(),
    snapshot: () => takeSnapshot(world),
    restore: (snapshot) => restoreSnapshot(world, snapshot),
    report: (reportOptions) => renderReport(web, reportOptions),
    httpHandler: () => createHttpHandler(dispatchWithFaults, isImplemented, services, history, routerFor("httpHandler")),
    use: (added, useOptions) => overrides.use(added, useOptions),
    resetOverrides: () => overrides.reset(),
    guest: (instanceId) => controlsOf(instanceId).guest(instanceId),
    faults: {
      hostStuck: (instanceId, stuck) => controlsOf(instanceId).faults.hostStuck(instanceId, stuck),
      ...apiFaults.controls,
    },
    spot: market.spot,
    capacity: market.capacity,
    metadata: (instanceId) => imds.forInstance(instanceId),
    inspect: (instanceId) => controlsOf(instanceId).inspect(instanceId),
    usage: ((instanceId?: string) =>
      instanceId === undefined ? fleetUsage() : controlsOf(instanceId).usage(instanceId)) as Ec2Mock["usage"],
    on: ((event: "state-change" | "spot" | "call", handler: StateChangeHandler & SpotEventHandler & CallHandler) =>
      event === "call"
        ? history.subscribe(handler)
        : event === "spot"
          ? events.subscribeSpot(handler)
          : events.subscribe(handler)) as Ec2Mock["on"],
    off: ((event: string, handler: StateChangeHandler | SpotEventHandler | CallHandler) =>
      event === "call"
        ? history.unsubscribe(handler as CallHandler)
        : events.unsubscribe(handler as StateChangeHandler | SpotEventHandler)) as Ec2Mock["off"],
    adapt: (stub) =>
      adaptStub(stub, {
        dispatch: dispatchSdkInput,
        newRequestId: untapedUuid,
        router: routerFor("adapter"),
        onUnhandledCommand: options.onUnhandledCommand ?? "error",
        history,
      }),
    // What loads on first use (../on-demand.ts: every operation, the server's door) loads with the server, so that each
    // call it answers runs in one step, as before (the state file's marks around a change).
    listen: async (listenOptions) => {
      const { server } = await onDemand.load();
      // The server's door and all only it uses (node:http's plumbing, the signature check, the state file, moto's API).
      return server.startEc2Server(
        {
          // A query service's call comes qualified (`elasticloadbalancing:CreateTargetGroup`), so that the state file sees it too.
          dispatch: (action, input, accessKeyId, region) => {
            const routed = qualifiedAction(services, action);
            return routed === undefined
              ? dispatchWithFaults(action, input, accessKeyId, region)
              : routed.service.dispatch(routed.action, input, accessKeyId, region);
          },
          implemented: isImplemented,
          services,
          history,
          router: routerFor("server"),
          isMutating: (action) => {
            const routed = qualifiedAction(services, action);
            return routed === undefined ? isMutating(action) : routed.service.isMutating(routed.action);
          },
          secretOf: (accessKeyId) => principals.secretOf(accessKeyId),
          servesRegion: (name) => world.serves(name),
          advance: (ms) => mock.advance(ms),
          settle: () => mock.settle(),
          reset: () => mock.reset(),
          routes: marketRoutes(market),
          clock: world.clock,
          web,
          imds: imdsFront(imds),
          // The state file keeps the compact form (issue 22: a restart parses every byte of it); restore reads both.
          snapshot: () => fileFormOf(mock.snapshot() as unknown as Record<string, unknown>),
          restore: (snapshot) => mock.restore(snapshot as Ec2MockSnapshot),
          checkSnapshot: (snapshot) => void readSnapshot(world, snapshot),
          state: () => {
            const now = new Date(world.catchUp()).toISOString();
            const [first, ...others] = world.existing().map(({ region }) => ({
              region: region.settings.region,
              instances: [...region.instances.values()].map((instance) => region.render(instance)),
            }));
            // The default Region's fleet at the top; every other Region used so far, if any, below.
            return {
              now,
              region: defaultRegion,
              accountId,
              instances: first!.instances,
              ...(others.length > 0 && { regions: others }),
              // Calls of actions the mock does not implement, by `service:Action` (cleared by reset).
              unimplemented: Object.fromEntries(unimplemented),
            };
          },
        },
        listenOptions,
      );
    },
  };
  return mock;
}
