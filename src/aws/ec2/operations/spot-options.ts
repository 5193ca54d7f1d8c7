import type { InstanceMarketOptionsRequest, RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import type { OperationContext } from "../context.js";
import { errors } from "../errors.js";
import type { Ec2Instance } from "../model/instance.js";
import { refuseNested } from "../model/launch-options.js";
import { clipped } from "../model/limits.js";
import { onDemandReference } from "../model/spot-prices.js";
import {
  type InterruptionBehavior,
  newSpotRequestId,
  type SpotLaunch,
  type SpotRequest,
  type SpotRequestType,
  spotStatus,
} from "../model/spot-requests.js";
import { NO_TAGS } from "../model/tags.js";
import { instanceTypesOf } from "../model/type-catalogue.js";
import type { Reservation } from "../region.js";

/**
 * The Spot options of a launch (RunInstances' `InstanceMarketOptions`,
 * RequestSpotInstances' own members), read and checked: what the request
 * record keeps (src/aws/ec2/model/spot-requests.ts).
 */
export interface SpotOptions {
  /** one-time or persistent. */
  readonly type: SpotRequestType;
  /** The most paid per hour, USD. */
  readonly maxPrice: number;
  /** The price as given (or the On-Demand reference, as EC2 writes it). */
  readonly maxPriceText: string;
  /** What an interruption does. */
  readonly interruptionBehavior: InterruptionBehavior;
  /** `ValidFrom` (ms), when given. */
  readonly validFrom: number | undefined;
  /** `ValidUntil` (ms), when given. */
  readonly validUntil: number | undefined;
}

/** An anchored decimal: digits, then optionally a point and digits (no backtracking). */
const DECIMAL = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * A Spot maximum price: a positive decimal (`MaxPrice`, `SpotPrice`); absent,
 * the type's On-Demand reference (EC2: "The default is the On-Demand price").
 */
export function readSpotPrice(
  ctx: OperationContext,
  parameter: string,
  value: unknown,
  instanceType: string,
): { price: number; text: string } {
  if (value === undefined || value === null || value === "") {
    const price = Math.round(onDemandReference(instanceTypesOf(ctx.region.settings).record(instanceType)) * 1e6) / 1e6;
    return { price, text: String(price) };
  }
  const text = String(value);
  if (!DECIMAL.test(text) || Number(text) <= 0) throw errors.invalidSpotPrice(parameter, clipped(text));
  return { price: Number(text), text };
}

/** A Spot time member (`ValidUntil`, `ValidFrom`) in ms, checked to be a date. */
export function readSpotTime(parameter: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const at = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
  if (Number.isNaN(at)) throw errors.invalidSpotValidity(parameter, clipped(String(value)));
  return at;
}

/** The request type and interruption behaviour, each checked against its values. */
export function readTypeAndBehavior(typeValue: unknown, behaviorValue: unknown, typeParameter: string, behaviorParameter: string) {
  const type = typeValue === undefined || typeValue === null ? "one-time" : String(typeValue);
  if (type !== "one-time" && type !== "persistent") throw errors.notOneOf(typeParameter, clipped(type), ["one-time", "persistent"]);
  const behavior = behaviorValue === undefined || behaviorValue === null ? "terminate" : String(behaviorValue);
  if (behavior !== "terminate" && behavior !== "stop" && behavior !== "hibernate") {
    throw errors.notOneOf(behaviorParameter, clipped(behavior), ["hibernate", "stop", "terminate"]);
  }
  // "a one-time request ... is not supported when instanceInterruptionBehavior is set to 'stop'" (and 'hibernate').
  if (type === "one-time" && behavior !== "terminate") throw errors.oneTimeSpotBehavior(behavior);
  return { type: type as SpotRequestType, interruptionBehavior: behavior as InterruptionBehavior };
}

/**
 * RunInstances' `InstanceMarketOptions` (API reference, InstanceMarketOptionsRequest
 * and SpotMarketOptions): `MarketType` spot (capacity blocks are not
 * modelled), `SpotOptions` with `MaxPrice`, `SpotInstanceType`, `ValidUntil`
 * and `InstanceInterruptionBehavior`; `BlockDurationMinutes` (Spot blocks,
 * no longer offered) is refused by name. A persistent request needs the stop
 * or hibernate behaviour; `ValidUntil` is for persistent requests only.
 * With `HibernationOptions.Configured` the behaviour defaults to hibernate
 * and may be nothing else (API reference, HibernationOptionsRequest).
 * Undefined when the launch is On-Demand.
 */
export function readMarketOptions(
  ctx: OperationContext,
  options: InstanceMarketOptionsRequest | undefined,
  instanceType: string,
  hibernation: boolean,
): SpotOptions | undefined {
  if (options === undefined || options === null) return undefined;
  refuseNested("InstanceMarketOptions", options, ["MarketType", "SpotOptions"]);
  const market = options.MarketType === undefined ? "spot" : String(options.MarketType);
  if (market === "capacity-block") throw errors.unmodelledParameter("RunInstances", "InstanceMarketOptions.MarketType");
  if (market !== "spot") throw errors.invalidMarketType(clipped(market));
  const spot = options.SpotOptions ?? {};
  refuseNested("InstanceMarketOptions.SpotOptions", spot, ["MaxPrice", "SpotInstanceType", "ValidUntil", "InstanceInterruptionBehavior"]);
  // HibernationOptions.Configured: the behaviour "defaults to hibernate"; "a value other than hibernate" is an error.
  if (hibernation && spot.InstanceInterruptionBehavior !== undefined && spot.InstanceInterruptionBehavior !== "hibernate") {
    throw errors.hibernationSpotBehavior(String(spot.InstanceInterruptionBehavior));
  }
  const { type, interruptionBehavior } = readTypeAndBehavior(
    spot.SpotInstanceType,
    spot.InstanceInterruptionBehavior ?? (hibernation ? "hibernate" : undefined),
    "InstanceMarketOptions.SpotOptions.SpotInstanceType",
    "InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior",
  );
  if (type === "persistent" && interruptionBehavior === "terminate") throw errors.persistentSpotTerminate();
  const validUntil = readSpotTime("InstanceMarketOptions.SpotOptions.ValidUntil", spot.ValidUntil);
  if (validUntil !== undefined && type === "one-time") throw errors.validUntilOneTime();
  if (validUntil !== undefined && validUntil <= ctx.now) {
    throw errors.invalidSpotValidity("InstanceMarketOptions.SpotOptions.ValidUntil", new Date(validUntil).toISOString());
  }
  const { price, text } = readSpotPrice(ctx, "InstanceMarketOptions.SpotOptions.MaxPrice", spot.MaxPrice, instanceType);
  return { type, maxPrice: price, maxPriceText: text, interruptionBehavior, validFrom: undefined, validUntil };
}

/** The launch a request repeats: the RunInstances request for one instance, without its market options, token or DryRun. */
export function spotLaunchOf(input: RunInstancesCommandInput): SpotLaunch {
  const { InstanceMarketOptions: _market, ClientToken: _token, DryRun: _dryRun, ...rest } = input;
  const tagSpecifications = rest.TagSpecifications?.filter((spec) => spec?.ResourceType !== "spot-instances-request");
  return JSON.parse(
    JSON.stringify({
      ...rest,
      MinCount: 1,
      MaxCount: 1,
      ...(tagSpecifications === undefined ? {} : { TagSpecifications: tagSpecifications }),
    }),
  ) as SpotLaunch;
}

/** Fields of a new request, before its status. */
export interface NewSpotRequest {
  readonly options: SpotOptions;
  readonly launch: SpotLaunch;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly tags: ReadonlyMap<string, string>;
  readonly fromRunInstances: boolean;
  /** RequestSpotInstances' `LaunchGroup`, `AvailabilityZoneGroup` and `ClientToken` (with its call's digest), when given. */
  readonly groups?: { launchGroup?: string; availabilityZoneGroup?: string; clientToken?: string; clientDigest?: string };
}

/** Records a new request in the region, `open` and `pending-evaluation` (EC2's first status of every request). */
export function addSpotRequest(ctx: OperationContext, fields: NewSpotRequest): SpotRequest {
  const { options } = fields;
  return ctx.region.spotRequests.add({
    spotInstanceRequestId: newSpotRequestId(),
    type: options.type,
    state: "open",
    statusCode: spotStatus.pendingEvaluation.code,
    statusMessage: spotStatus.pendingEvaluation.message(),
    statusTime: ctx.now,
    maxPrice: options.maxPrice,
    maxPriceText: options.maxPriceText,
    interruptionBehavior: options.interruptionBehavior,
    validFrom: options.validFrom,
    validUntil: options.validUntil,
    launch: fields.launch,
    instanceType: fields.instanceType,
    availabilityZone: fields.availabilityZone,
    instanceId: undefined,
    fromRunInstances: fields.fromRunInstances,
    createTime: ctx.now,
    tags: fields.tags,
    onDemandPrice: onDemandReference(instanceTypesOf(ctx.region.settings).record(fields.instanceType)),
    interruptAt: undefined,
    interruptReason: undefined,
    restartAt: undefined,
    launchGroup: fields.groups?.launchGroup,
    availabilityZoneGroup: fields.groups?.availabilityZoneGroup,
    clientToken: fields.groups?.clientToken,
    clientDigest: fields.groups?.clientDigest,
  });
}

/** Marks a request fulfilled by `instanceId`: `active`, `fulfilled`, linked to the instance. */
export function fulfilSpotRequest(ctx: OperationContext, request: SpotRequest, instanceId: string): void {
  const store = ctx.region.spotRequests;
  store.link(request, instanceId);
  // An interruption still pending was the previous instance's (its user terminated it during the notice): not this one's.
  request.interruptAt = undefined;
  request.warningPending = undefined;
  request.restartAt = undefined;
  store.setStatus(request, "active", spotStatus.fulfilled.code, spotStatus.fulfilled.message(), ctx.now);
}

/**
 * RunInstances' Spot launch (`InstanceMarketOptions`): one request per
 * instance launched, fulfilled at once by it (the call itself launched it),
 * tagged with the request's `spot-instances-request` tags, if any.
 */
export function linkSpotLaunch(
  ctx: OperationContext,
  reservation: Reservation,
  options: SpotOptions,
  input: RunInstancesCommandInput,
  availabilityZone: string,
  tagsByType: ReadonlyMap<string, ReadonlyMap<string, string>>,
): SpotRequest[] {
  const tags = tagsByType.get("spot-instances-request") ?? NO_TAGS;
  const launch = spotLaunchOf(input);
  return reservation.instances.map((instance) => {
    const request = addSpotRequest(ctx, {
      options,
      launch,
      instanceType: instance.instanceType,
      availabilityZone,
      tags,
      fromRunInstances: true,
    });
    fulfilSpotRequest(ctx, request, instance.instanceId);
    return request;
  });
}

/**
 * StopInstances' Spot rule: the instance of a one-time request cannot be
 * stopped (or hibernated) (EC2's UnsupportedOperation; user guide, "Stop a
 * Spot Instance": only those of persistent requests).
 */
export function refuseOneTimeSpotStop(ctx: OperationContext, instances: readonly Ec2Instance[]): void {
  for (const { instanceId } of instances) {
    if (ctx.region.spotRequests.ofInstance(instanceId)?.type === "one-time") throw errors.oneTimeSpotStop(instanceId);
  }
}

/**
 * StartInstances' Spot rule: "Only Amazon EC2 can restart an interrupted
 * stopped Spot Instance" (user guide, "Behavior of Spot Instance
 * interruptions"; for hibernation: "only Amazon EC2 can resume it"): the
 * stopped instance of a request EC2 disabled by an interruption
 * (`instance-stopped-no-capacity`, `instance-stopped-by-price`) is refused
 * with EC2's IncorrectSpotRequestState.
 */
export function refuseInterruptedSpotStart(ctx: OperationContext, instances: readonly Ec2Instance[]): void {
  for (const instance of instances) {
    if (instance.machine.phase !== "stopped") continue;
    const request = ctx.region.spotRequests.ofInstance(instance.instanceId);
    if (request === undefined || request.instanceId !== instance.instanceId || request.state !== "disabled") continue;
    if (request.statusCode === spotStatus.stoppedNoCapacity.code || request.statusCode === spotStatus.stoppedByPrice.code) {
      throw errors.incorrectSpotRequestState();
    }
  }
}

/**
 * What a user's stop, start or termination does to the instance's request
 * (user guide, "State changes for a Spot request" and "Stop a Spot
 * Instance"): a persistent request whose instance is stopped is `disabled`
 * (`instance-stopped-by-user`) and `active`/`fulfilled` again once it is
 * started; a terminated instance closes a one-time request
 * (`instance-terminated-by-user`) and reopens a persistent one, which then
 * launches a new instance once the old one is terminated ("the Spot request
 * opens again and launches a new instance"); a cancelled request keeps its
 * state, its status saying the instance was terminated.
 */
export function spotInstanceChanged(ctx: OperationContext, instance: Ec2Instance, change: "stopped" | "started" | "terminated"): void {
  const store = ctx.region.spotRequests;
  const request = store.ofInstance(instance.instanceId);
  if (request === undefined || request.instanceId !== instance.instanceId) return;
  if (change === "stopped" && request.state === "active") {
    store.setStatus(request, "disabled", spotStatus.stoppedByUser.code, spotStatus.stoppedByUser.message(), ctx.now);
  } else if (change === "started" && request.state === "disabled") {
    store.setStatus(request, "active", spotStatus.fulfilled.code, spotStatus.fulfilled.message(), ctx.now);
  } else if (change === "terminated") {
    const code = spotStatus.terminatedByUser;
    if (request.state === "cancelled") store.setStatus(request, "cancelled", code.code, code.message(), ctx.now);
    else if (request.state === "active" || request.state === "disabled") {
      store.setStatus(request, request.type === "one-time" ? "closed" : "open", code.code, code.message(), ctx.now);
    }
  }
}
