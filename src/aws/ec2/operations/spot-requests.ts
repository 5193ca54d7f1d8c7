import type {
  CancelSpotInstanceRequestsCommandInput,
  CancelSpotInstanceRequestsCommandOutput,
  DescribeSpotInstanceRequestsCommandInput,
  DescribeSpotInstanceRequestsCommandOutput,
  LaunchSpecification,
  RequestSpotInstancesCommandInput,
  RequestSpotInstancesCommandOutput,
  RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { ec2Arn, newResource, tagKeys } from "../../iam/resources.js";
import { optionalString, refuseUnmodelled } from "../checks.js";
import type { AuthResource, Operation, OperationContext } from "../context.js";
import { Ec2Error, errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters } from "../filters.js";
import { capacityFor } from "../model/capacity-check.js";
import { ec2Requests } from "../model/causes.js";
import { canHibernate } from "../model/hibernation.js";
import { stateReasons } from "../model/instance.js";
import { checkClientToken, checkFilterCount, clipped } from "../model/limits.js";
import {
  isSpotRequestId,
  priceText,
  renderSpotRequest,
  type SpotLaunch,
  type SpotRequest,
  type SpotRequestState,
  spotStatus,
} from "../model/spot-requests.js";
import { readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, type Position, readMaxResults, readToken, takePage } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";
import { type LaunchPlan, launchPlanned, planLaunch } from "./run.js";
import { addSpotRequest, fulfilSpotRequest, readSpotPrice, readSpotTime, readTypeAndBehavior, type SpotOptions } from "./spot-options.js";

/**
 * RequestSpotInstances, DescribeSpotInstanceRequests and
 * CancelSpotInstanceRequests (issue 18), and the evaluation of open
 * requests. Sources and decisions: docs/behaviour.md, "Spot Instance
 * requests".
 *
 * Timing (decision): EC2 evaluates a request "as soon as" it is made
 * (user guide, "State changes for a Spot request"); the mock answers
 * RequestSpotInstances with the request `open` and `pending-evaluation`
 * (EC2's answer) and evaluates it at that same moment, so the next call
 * sees it `active`/`fulfilled` with its instance `pending`, or still `open`
 * with the code that holds it (`price-too-low`, `not-scheduled-yet`). An
 * open request is evaluated again at every catch-up of its Region
 * ({@link settleSpotRequests}, through `Ec2Region.spotSettler`), at that time: the price it compares
 * with is the Spot price then (the region's `spotPrices`, prices set by hand included), so a request
 * is fulfilled by the first call after the price falls to its maximum.
 */

/** The RequestSpotInstances members the mock models; any other is refused by name. */
const REQUEST_MEMBERS = [
  "InstanceCount",
  "LaunchSpecification",
  "SpotPrice",
  "Type",
  "ValidFrom",
  "ValidUntil",
  "TagSpecifications",
  "InstanceInterruptionBehavior",
  "LaunchGroup",
  "AvailabilityZoneGroup",
  "ClientToken",
] as const satisfies readonly (keyof RequestSpotInstancesCommandInput)[];

/** The launch specification members that map onto RunInstances' (the others are refused by name). */
const LAUNCH_MEMBERS = [
  "BlockDeviceMappings",
  "EbsOptimized",
  "IamInstanceProfile",
  "ImageId",
  "InstanceType",
  "KeyName",
  "Monitoring",
  "NetworkInterfaces",
  "Placement",
  "SubnetId",
  "UserData",
  "SecurityGroupIds",
  "SecurityGroups",
];

/** The most instances one RequestSpotInstances call asks for (decision: RunInstances' limit). */
const MAX_INSTANCE_COUNT = 1000;

/** The RunInstances request a Spot request repeats. */
function launchOf(request: SpotRequest): RunInstancesCommandInput {
  return request.launch as unknown as RunInstancesCommandInput;
}

/** A Spot request's ARN and tags, as IAM sees it (Service Authorization Reference: `spot-instances-request`). */
export function spotRequestResource(ctx: OperationContext, request: SpotRequest): AuthResource {
  return { arn: ec2Arn(ctx.region.settings, "spot-instances-request", request.spotInstanceRequestId), keys: tagKeys(request.tags) };
}

/** RequestSpotInstances' LaunchSpecification as the RunInstances request it repeats (one instance). */
function launchOfSpecification(spec: RequestSpotInstancesCommandInput["LaunchSpecification"]): RunInstancesCommandInput {
  if (spec === undefined || spec === null) throw errors.missingParameter("LaunchSpecification");
  for (const [name, value] of Object.entries(spec)) {
    if (value === undefined || LAUNCH_MEMBERS.includes(name)) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    throw errors.unmodelledParameter("RequestSpotInstances", `LaunchSpecification.${name}`);
  }
  return { ...(spec as RunInstancesCommandInput), MinCount: 1, MaxCount: 1 };
}

/** What holds an open request, or the launch ready to fulfil it, or nothing more to do at this evaluation. */
type Readiness =
  | { readonly kind: "held"; readonly code: string; readonly message: string }
  | { readonly kind: "ready"; readonly input: RunInstancesCommandInput; readonly plan: LaunchPlan }
  | { readonly kind: "settled" };

/** Whether a launch names its zone (a subnet, an interface's subnet, or `Placement.AvailabilityZone`). */
function namesZone(input: RunInstancesCommandInput): boolean {
  return (
    input.SubnetId !== undefined ||
    (input.Placement?.AvailabilityZone ?? "") !== "" ||
    (input.NetworkInterfaces ?? []).some((n) => n?.SubnetId !== undefined)
  );
}

/**
 * The zone of an Availability Zone group: the zone of an active request of
 * the group (same name, same instance type, its instance not gone), if any
 * (API reference, RequestSpotInstances `AvailabilityZoneGroup`: "as long as
 * at least one instance from the group is still active").
 */
function azGroupZone(ctx: OperationContext, request: SpotRequest): string | undefined {
  if (request.availabilityZoneGroup === undefined) return undefined;
  for (const other of ctx.region.spotRequests.list()) {
    if (other === request || other.state !== "active" || other.instanceId === undefined) continue;
    if (other.availabilityZoneGroup !== request.availabilityZoneGroup || other.instanceType !== request.instanceType) continue;
    const instance = ctx.region.instances.get(other.instanceId);
    if (instance !== undefined && instance.machine.phase !== "terminating" && instance.machine.phase !== "terminated") {
      return other.availabilityZone;
    }
  }
  return undefined;
}

/**
 * Where one open request stands at the call's time (see the module's
 * comment): expired (`schedule-expired`, cancelled), not yet valid
 * (`not-scheduled-yet`), waiting for its last instance to be gone (a
 * persistent request reopened by a termination), held by its Availability
 * Zone group (`az-group-constraint`), too cheap (`price-too-low`), without
 * capacity in any zone it may use (`capacity-not-available`), or ready: its
 * launch planned through RunInstances' own checks. A launch that is no
 * longer possible (its image or subnet deleted since) fails the request
 * (`bad-parameters`, with the launch's error message).
 */
function readiness(ctx: OperationContext, request: SpotRequest): Readiness {
  const store = ctx.region.spotRequests;
  if (request.validUntil !== undefined && ctx.now >= request.validUntil) {
    store.setStatus(request, "cancelled", spotStatus.scheduleExpired.code, spotStatus.scheduleExpired.message(), ctx.now);
    return { kind: "settled" };
  }
  if (request.validFrom !== undefined && ctx.now < request.validFrom)
    return held(spotStatus.notScheduledYet.code, spotStatus.notScheduledYet.message());
  if (request.instanceId !== undefined) {
    const last = ctx.region.instances.get(request.instanceId);
    if (last !== undefined && last.machine.phase !== "terminated") return { kind: "settled" };
  }
  let input = launchOf(request);
  const groupZone = azGroupZone(ctx, request);
  if (groupZone !== undefined) {
    // A launch naming another zone cannot join its group; one naming none goes to the group's zone.
    if (namesZone(input)) {
      if (request.availabilityZone !== groupZone) return held(spotStatus.azGroupConstraint.code, spotStatus.azGroupConstraint.message());
    } else input = { ...input, Placement: { ...(input.Placement ?? {}), AvailabilityZone: groupZone } };
  }
  // Where the zone is known already (named, or the group's), what holds the request is found before the launch is planned.
  const knownZone = groupZone ?? (namesZone(input) ? request.availabilityZone : undefined);
  if (knownZone !== undefined) {
    const holding = holdingIn(ctx, request, knownZone, groupZone !== undefined);
    if (holding !== undefined) return holding;
  }
  let plan: LaunchPlan;
  try {
    plan = planLaunch(ctx, input);
  } catch (error) {
    if (!(error instanceof Ec2Error)) throw error;
    store.setStatus(request, "failed", "bad-parameters", error.message, ctx.now);
    return { kind: "settled" };
  }
  // planLaunch places a launch naming no zone where there is capacity: none there means no candidate zone has any.
  return holdingIn(ctx, request, plan.subnet.availabilityZone, groupZone !== undefined) ?? { kind: "ready", input, plan };
}

/** What holds a request in `zone`: its maximum under the Spot price there, or no capacity there (for a zone group, the group's constraint). */
function holdingIn(ctx: OperationContext, request: SpotRequest, zone: string, grouped: boolean): Readiness | undefined {
  const price = ctx.region.spotPrices.priceAt(request.instanceType, zone, ctx.now);
  if (request.maxPrice < price) return held(spotStatus.priceTooLow.code, spotStatus.priceTooLow.message(request.maxPriceText, price));
  if (capacityFor(ctx.region, request.instanceType, zone)) return undefined;
  const code = grouped ? spotStatus.azGroupConstraint : spotStatus.capacityNotAvailable;
  return held(code.code, code.message());
}

function held(code: string, message: string): Readiness {
  return { kind: "held", code, message };
}

/** Holds an open request with `code` (its status time kept when the status does not change). */
function hold(ctx: OperationContext, request: SpotRequest, code: string, message: string): void {
  if (request.statusCode !== code || request.statusMessage !== message)
    ctx.region.spotRequests.setStatus(request, "open", code, message, ctx.now);
}

/** Fulfils a ready request: its instance launched through RunInstances' own path, in the planned zone. */
function fulfil(ctx: OperationContext, request: SpotRequest, ready: Extract<Readiness, { kind: "ready" }>): void {
  let instanceId: string;
  try {
    const reservation = launchPlanned(ctx, ready.plan, ready.input, undefined);
    instanceId = reservation.instances[0]!.instanceId;
  } catch (error) {
    if (!(error instanceof Ec2Error)) throw error;
    ctx.region.spotRequests.setStatus(request, "failed", "bad-parameters", error.message, ctx.now);
    return;
  }
  request.availabilityZone = ready.plan.subnet.availabilityZone;
  fulfilSpotRequest(ctx, request, instanceId);
}

/**
 * Evaluates open requests at `ctx.now`: each on its own, except those of a
 * launch group (`LaunchGroup`), which EC2 launches together: all of the
 * group's open requests are fulfilled at once when every one of them can
 * be; otherwise none is, each held by what holds it, the ones that could go
 * `launch-group-constraint` (user guide, "Spot request status codes").
 */
function evaluateAll(ctx: OperationContext, requests: Iterable<SpotRequest>): void {
  const groups = new Set<string>();
  for (const request of requests) {
    if (request.state !== "open") continue;
    if (request.launchGroup !== undefined) {
      groups.add(request.launchGroup);
      continue;
    }
    const ready = readiness(ctx, request);
    if (ready.kind === "held") hold(ctx, request, ready.code, ready.message);
    else if (ready.kind === "ready") fulfil(ctx, request, ready);
  }
  for (const name of groups) {
    // The group's open requests, this evaluation's and earlier calls' alike.
    const members = [...ctx.region.spotRequests.list()].filter((r) => r.state === "open" && r.launchGroup === name);
    const states = members.map((request) => ({ request, ready: readiness(ctx, request) }));
    const live = states.filter((s) => s.ready.kind !== "settled");
    const all = live.every((s) => s.ready.kind === "ready");
    for (const { request, ready } of live) {
      if (ready.kind === "held") hold(ctx, request, ready.code, ready.message);
      else if (ready.kind === "ready") {
        if (all) fulfil(ctx, request, ready);
        else hold(ctx, request, spotStatus.launchGroupConstraint.code, spotStatus.launchGroupConstraint.message());
      }
    }
  }
}

/**
 * Evaluates the region's Spot requests at `ctx.now`: the region's
 * `spotSettler`, run at the end of each catch-up (src/aws/ec2/mock.ts sets
 * it), the catch-up of the Spot market (no timer: the clock, the prices and
 * the capacity decide): interruptions whose notice ran out, restarts of
 * interrupted instances whose capacity and price are back, then every open
 * request (RequestSpotInstances', RunInstances' persistent ones reopened).
 */
export function settleSpotRequests(ctx: OperationContext): void {
  const store = ctx.region.spotRequests;
  if (store.size === 0) return;
  for (const request of store.list()) {
    if (request.interruptAt !== undefined && ctx.now >= request.interruptAt) interruptSpotInstance(ctx, request);
  }
  for (const request of store.list()) if (request.state === "disabled") restartIfDue(ctx, request);
  evaluateAll(ctx, store.list());
}

/** The request state a terminating interruption leaves: closed (one-time), open again (persistent), cancelled kept. */
function stateAfterTermination(request: SpotRequest): SpotRequestState {
  return request.state === "cancelled" ? "cancelled" : request.type === "one-time" ? "closed" : "open";
}

/**
 * The end of an interruption's notice (`ec2.spot.interrupt`, or a price
 * rise above the request's maximum by `ec2.spot.setPrice`), at the first
 * catch-up at or after it: the instance, if still running, is terminated
 * (`Server.SpotInstanceTermination`; a capacity interruption's status was
 * set at the notice, a price one's becomes `instance-terminated-by-price`)
 * or stopped, hibernated when it can be (`Server.SpotInstanceShutdown`; the
 * request `disabled`, `instance-stopped-no-capacity` or
 * `instance-stopped-by-price`). An instance still booting is interrupted
 * once it runs. A terminated instance of a launch group takes the group's
 * other instances with it. EC2 user guide, "Spot Instance interruption
 * behavior", "State changes for a Spot request" and "Spot request status codes".
 */
function interruptSpotInstance(ctx: OperationContext, request: SpotRequest): void {
  const instance = request.instanceId === undefined ? undefined : ctx.region.instances.get(request.instanceId);
  const phase = instance?.machine.phase;
  if (phase === "launching" || phase === "starting") {
    // Interrupted once it runs (the next catch-up after).
    request.interruptAt = ctx.now + 1;
    return;
  }
  request.interruptAt = undefined;
  if (instance === undefined || phase !== "running") return;
  const engine = ctx.region.engine;
  const store = ctx.region.spotRequests;
  const byPrice = request.interruptReason === "price";
  if (request.interruptionBehavior === "terminate") {
    instance.stateReason = stateReasons.spotTermination;
    engine.terminate(instance.machine, ec2Requests.terminate.graceful, "graceful");
    if (byPrice) {
      const code = spotStatus.terminatedByPrice;
      store.setStatus(request, stateAfterTermination(request), code.code, code.message(), ctx.now);
    }
    terminateLaunchGroup(ctx, request);
    return;
  }
  instance.stateReason = stateReasons.spotShutdown;
  const mode =
    request.interruptionBehavior === "hibernate" && canHibernate(ctx.region.settings, ctx.region.volumes, instance)
      ? "hibernate"
      : "graceful";
  engine.stop(instance.machine, mode, ec2Requests.stop[mode]);
  const code = byPrice ? spotStatus.stoppedByPrice : spotStatus.stoppedNoCapacity;
  store.setStatus(request, request.state === "cancelled" ? "cancelled" : "disabled", code.code, code.message(), ctx.now);
  // Capacity comes back at once where the pool was withdrawn (then at its restore), else after timing.spotCapacityReturn.
  const withdrawn = !capacityFor(ctx.region, request.instanceType, instance.subnet.availabilityZone);
  request.restartAt = byPrice || withdrawn ? ctx.now : ctx.now + ctx.region.settings.durations.spotCapacityReturn;
}

/**
 * A launch group's instances "launch together and terminate together" (API
 * reference, RequestSpotInstances `LaunchGroup`): when EC2 terminates one,
 * the group's other running instances are terminated with it
 * (`Server.SpotInstanceTermination`), their requests
 * `instance-terminated-launch-group-constraint` (closed, or open again when
 * persistent).
 */
function terminateLaunchGroup(ctx: OperationContext, interrupted: SpotRequest): void {
  if (interrupted.launchGroup === undefined) return;
  const store = ctx.region.spotRequests;
  for (const request of store.list()) {
    if (request === interrupted || request.launchGroup !== interrupted.launchGroup || request.instanceId === undefined) continue;
    if (request.state !== "active" && request.state !== "cancelled") continue;
    const instance = ctx.region.instances.get(request.instanceId);
    const phase = instance?.machine.phase;
    if (instance === undefined || (phase !== "running" && phase !== "launching" && phase !== "starting")) continue;
    request.interruptAt = undefined;
    instance.stateReason = stateReasons.spotTermination;
    ctx.region.engine.terminate(instance.machine, ec2Requests.terminate.graceful, "graceful");
    const code = spotStatus.terminatedLaunchGroupConstraint;
    store.setStatus(request, stateAfterTermination(request), code.code, code.message(), ctx.now);
  }
}

/**
 * EC2 restarts a Spot Instance it stopped or hibernated (its request
 * `disabled` by the interruption) "when capacity is available" (user guide,
 * "Spot Instance interruption behavior"): at the first catch-up at which its
 * pool has capacity (not withdrawn, and past `restartAt` for a capacity
 * interruption that withdrew nothing) and the Spot price is at or below the
 * request's maximum; the request is `active`/`fulfilled` again. A request
 * the user cancelled, or whose instance the user stopped, is not restarted.
 */
function restartIfDue(ctx: OperationContext, request: SpotRequest): void {
  if (request.statusCode !== spotStatus.stoppedNoCapacity.code && request.statusCode !== spotStatus.stoppedByPrice.code) return;
  const instance = request.instanceId === undefined ? undefined : ctx.region.instances.get(request.instanceId);
  if (instance === undefined || instance.machine.phase !== "stopped") return;
  if (request.restartAt !== undefined && ctx.now < request.restartAt) return;
  const zone = instance.subnet.availabilityZone;
  if (!capacityFor(ctx.region, request.instanceType, zone)) return;
  if (ctx.region.spotPrices.priceAt(request.instanceType, zone, ctx.now) > request.maxPrice) return;
  request.restartAt = undefined;
  instance.launchTime = new Date(ctx.now);
  instance.stateReason = stateReasons.pending;
  instance.stateTransitionReason = "";
  ctx.region.engine.start(instance.machine, ec2Requests.start);
  ctx.region.spotRequests.setStatus(request, "active", spotStatus.fulfilled.code, spotStatus.fulfilled.message(), ctx.now);
}

/**
 * The internal launch of Spot capacity for other families (EC2 Fleet):
 * `count` requests of `options` for the RunInstances request `input`
 * (without `InstanceMarketOptions`), each evaluated at once. Every check of
 * RunInstances runs first (planLaunch), so a bad launch throws its
 * Ec2Error and records nothing. Returns the requests, fulfilled or held
 * (`price-too-low`).
 */
export function requestSpotCapacity(
  ctx: OperationContext,
  input: RunInstancesCommandInput,
  options: SpotOptions,
  count: number,
  tags: ReadonlyMap<string, string>,
): SpotRequest[] {
  const launch = { ...input, MinCount: 1, MaxCount: 1 };
  const plan = planLaunch(ctx, launch);
  const requests: SpotRequest[] = [];
  for (let i = 0; i < count; i++) {
    requests.push(
      addSpotRequest(ctx, {
        options,
        launch: JSON.parse(JSON.stringify(launch)) as SpotLaunch,
        instanceType: plan.instanceType,
        availabilityZone: plan.subnet.availabilityZone,
        tags,
        fromRunInstances: false,
      }),
    );
  }
  evaluateAll(ctx, requests);
  return requests;
}

/** A group name (`LaunchGroup`, `AvailabilityZoneGroup`): a non-empty string, or absent. */
function readGroupName(parameter: string, value: unknown): string | undefined {
  const name = optionalString(value);
  if (name === undefined) return undefined;
  if (name.trim() === "") throw errors.invalidValueFor(parameter, name);
  return name;
}

/** What identifies a RequestSpotInstances call for idempotency: its parameters without the token and DryRun. */
function requestDigest(input: RequestSpotInstancesCommandInput): string {
  const { ClientToken: _token, DryRun: _dryRun, ...rest } = input;
  return digestOf(JSON.parse(JSON.stringify(rest)));
}

/**
 * RequestSpotInstances: checks the request and its launch as RunInstances
 * would, then records the requests. `LaunchGroup` and
 * `AvailabilityZoneGroup` are kept on each request (evaluation honours
 * them); a `ClientToken` already used answers the requests it made, as they
 * are now, and makes nothing (the same token with other parameters is
 * IdempotentParameterMismatch).
 */
export const requestSpotInstances: Operation<RequestSpotInstancesCommandInput, RequestSpotInstancesCommandOutput> = (ctx, input) => {
  refuseUnmodelled("RequestSpotInstances", input, REQUEST_MEMBERS);
  const count = input.InstanceCount === undefined || input.InstanceCount === null ? 1 : Number(input.InstanceCount);
  if (!Number.isInteger(count) || count < 1 || count > MAX_INSTANCE_COUNT) {
    throw errors.invalidValueFor("InstanceCount", String(input.InstanceCount));
  }
  const { type, interruptionBehavior } = readTypeAndBehavior(
    input.Type,
    input.InstanceInterruptionBehavior,
    "Type",
    "InstanceInterruptionBehavior",
  );
  const validFrom = readSpotTime("ValidFrom", input.ValidFrom);
  const validUntil = readSpotTime("ValidUntil", input.ValidUntil);
  if (validUntil !== undefined && (validUntil <= ctx.now || (validFrom !== undefined && validUntil <= validFrom))) {
    throw errors.invalidSpotValidity("ValidUntil", new Date(validUntil).toISOString());
  }
  const launchGroup = readGroupName("LaunchGroup", input.LaunchGroup);
  if (launchGroup !== undefined && interruptionBehavior !== "terminate") throw errors.launchGroupSpotBehavior(interruptionBehavior);
  const availabilityZoneGroup = readGroupName("AvailabilityZoneGroup", input.AvailabilityZoneGroup);
  const clientToken = optionalString(input.ClientToken);
  if (clientToken !== undefined) checkClientToken(clientToken);
  const tags = readTagsOf(input.TagSpecifications, "spot-instances-request");
  const launchInput = launchOfSpecification(input.LaunchSpecification);
  // Every check of RunInstances on the launch (image, type, zone, subnet, groups, devices, key pair).
  const plan = planLaunch(ctx, launchInput);
  const { price, text } = readSpotPrice(ctx, "SpotPrice", input.SpotPrice, plan.instanceType);
  const resource = newResource(ctx.region.settings, "spot-instances-request", {}, tags);
  ctx.authorize("RequestSpotInstances", [resource]);
  if (tags.size > 0) ctx.authorize("CreateTags", [resource], { keys: { "ec2:CreateAction": "RequestSpotInstances" } });
  if (input.DryRun === true) throw errors.dryRun();
  const clientDigest = clientToken === undefined ? undefined : requestDigest(input);
  if (clientToken !== undefined) {
    const made = [...ctx.region.spotRequests.list()].filter((r) => r.clientToken === clientToken);
    if (made.length > 0) {
      if (made[0]!.clientDigest !== clientDigest) throw errors.idempotentParameterMismatch(clientToken);
      return { SpotInstanceRequests: made.map((r) => render(ctx, r)) };
    }
  }
  const options: SpotOptions = { type, maxPrice: price, maxPriceText: text, interruptionBehavior, validFrom, validUntil };
  const requests: SpotRequest[] = [];
  for (let i = 0; i < count; i++) {
    requests.push(
      addSpotRequest(ctx, {
        options,
        launch: JSON.parse(JSON.stringify(launchInput)) as SpotLaunch,
        instanceType: plan.instanceType,
        availabilityZone: plan.subnet.availabilityZone,
        tags,
        fromRunInstances: false,
        groups: { launchGroup, availabilityZoneGroup, clientToken, clientDigest },
      }),
    );
  }
  // EC2 answers with the requests as submitted (open, pending-evaluation); they are evaluated at once after.
  const SpotInstanceRequests = requests.map((r) => render(ctx, r));
  evaluateAll(ctx, requests);
  return { SpotInstanceRequests };
};

/** A request's LaunchSpecification as DescribeSpotInstanceRequests shows it. */
function launchSpecificationOf(ctx: OperationContext, request: SpotRequest): LaunchSpecification {
  const launch = launchOf(request);
  const groupIds = launch.SecurityGroupIds ?? [];
  const groups = groupIds.map((id) => ({ GroupId: id, GroupName: ctx.region.securityGroups.get(id)?.groupName ?? "" }));
  return {
    ...(launch.BlockDeviceMappings === undefined ? {} : { BlockDeviceMappings: structuredClone(launch.BlockDeviceMappings) }),
    ...(launch.EbsOptimized === undefined ? {} : { EbsOptimized: launch.EbsOptimized }),
    ...(launch.IamInstanceProfile === undefined ? {} : { IamInstanceProfile: { ...launch.IamInstanceProfile } }),
    ImageId: launch.ImageId,
    InstanceType: request.instanceType as LaunchSpecification["InstanceType"],
    ...(launch.KeyName === undefined ? {} : { KeyName: launch.KeyName }),
    Placement: { AvailabilityZone: request.availabilityZone },
    ...(groups.length === 0 ? {} : { SecurityGroups: groups }),
    ...(launch.SubnetId === undefined ? {} : { SubnetId: launch.SubnetId }),
    ...(launch.UserData === undefined ? {} : { UserData: launch.UserData }),
    Monitoring: { Enabled: launch.Monitoring?.Enabled === true },
  };
}

function render(ctx: OperationContext, request: SpotRequest) {
  return renderSpotRequest(request, launchSpecificationOf(ctx, request));
}

/** A request's block device mappings as its launch gives them (device name and EBS settings). */
function ebsOf(request: SpotRequest) {
  return (launchOf(request).BlockDeviceMappings ?? []).map((m) => ({ deviceName: String(m?.DeviceName ?? ""), ebs: m?.Ebs }));
}

/** A request's network interfaces as its launch gives them. */
function interfacesOf(request: SpotRequest) {
  return (launchOf(request).NetworkInterfaces ?? []).filter((n) => n !== null && n !== undefined);
}

/** The names of a request's security groups (named, or those of the ids it gives). */
function groupNamesOf(ctx: OperationContext, request: SpotRequest): string[] {
  const launch = launchOf(request);
  const byId = (launch.SecurityGroupIds ?? []).map((id) => ctx.region.securityGroups.get(id)?.groupName ?? "");
  return [...(launch.SecurityGroups ?? []), ...byId].filter((name) => name !== "");
}

/** DescribeSpotInstanceRequests' filters: every one the API reference lists. */
export const spotRequestFilters: FilterTable<SpotRequest, OperationContext> = {
  exact: {
    "spot-instance-request-id": (r) => r.spotInstanceRequestId,
    state: (r) => r.state,
    "status-code": (r) => r.statusCode,
    "status-message": (r) => r.statusMessage,
    type: (r) => r.type,
    "instance-id": (r) => r.instanceId,
    "launched-availability-zone": (r) => (r.instanceId === undefined ? undefined : r.availabilityZone),
    "launch.instance-type": (r) => r.instanceType,
    "launch.image-id": (r) => String(launchOf(r).ImageId ?? ""),
    "launch.key-name": (r) => launchOf(r).KeyName,
    "launch.group-id": (r) => launchOf(r).SecurityGroupIds ?? [],
    "product-description": () => "Linux/UNIX",
    "spot-price": (r) => priceText(r.maxPrice),
    "tag-key": (r) => [...r.tags.keys()],
    "availability-zone-group": (r) => r.availabilityZoneGroup,
    "launch-group": (r) => r.launchGroup,
    "create-time": (r) => new Date(r.createTime).toISOString(),
    "valid-from": (r) => (r.validFrom === undefined ? undefined : new Date(r.validFrom).toISOString()),
    "valid-until": (r) => (r.validUntil === undefined ? undefined : new Date(r.validUntil).toISOString()),
    // The mock never sets a request's Fault: these match nothing.
    "fault-code": () => undefined,
    "fault-message": () => undefined,
    "launch.block-device-mapping.delete-on-termination": (r) =>
      ebsOf(r).flatMap((m) => (m.ebs?.DeleteOnTermination === undefined ? [] : [String(m.ebs.DeleteOnTermination)])),
    "launch.block-device-mapping.device-name": (r) => ebsOf(r).map((m) => m.deviceName),
    "launch.block-device-mapping.snapshot-id": (r) =>
      ebsOf(r).flatMap((m) => (m.ebs?.SnapshotId === undefined ? [] : [String(m.ebs.SnapshotId)])),
    "launch.block-device-mapping.volume-size": (r) =>
      ebsOf(r).flatMap((m) => (m.ebs?.VolumeSize === undefined ? [] : [String(m.ebs.VolumeSize)])),
    "launch.block-device-mapping.volume-type": (r) =>
      ebsOf(r).flatMap((m) => (m.ebs?.VolumeType === undefined ? [] : [String(m.ebs.VolumeType)])),
    "launch.group-name": (r, ctx) => groupNamesOf(ctx, r),
    // KernelId and RamdiskId are refused by name: no request has one.
    "launch.kernel-id": () => undefined,
    "launch.ramdisk-id": () => undefined,
    "launch.monitoring-enabled": (r) => String(launchOf(r).Monitoring?.Enabled === true),
    "network-interface.addresses.primary": (r) =>
      interfacesOf(r).flatMap((n) => [
        ...(n.PrivateIpAddress === undefined ? [] : ["true"]),
        ...(n.PrivateIpAddresses ?? []).map((a) => String(a?.Primary === true)),
      ]),
    "network-interface.delete-on-termination": (r) =>
      interfacesOf(r).flatMap((n) => (n.DeleteOnTermination === undefined ? [] : [String(n.DeleteOnTermination)])),
    "network-interface.description": (r) => interfacesOf(r).flatMap((n) => (n.Description === undefined ? [] : [n.Description])),
    "network-interface.device-index": (r) => interfacesOf(r).flatMap((n) => (n.DeviceIndex === undefined ? [] : [String(n.DeviceIndex)])),
    "network-interface.group-id": (r) => interfacesOf(r).flatMap((n) => n.Groups ?? []),
    "network-interface.network-interface-id": (r) =>
      interfacesOf(r).flatMap((n) => (n.NetworkInterfaceId === undefined ? [] : [n.NetworkInterfaceId])),
    "network-interface.private-ip-address": (r) =>
      interfacesOf(r).flatMap((n) => [
        ...(n.PrivateIpAddress === undefined ? [] : [n.PrivateIpAddress]),
        ...(n.PrivateIpAddresses ?? []).flatMap((a) => (a?.PrivateIpAddress === undefined ? [] : [a.PrivateIpAddress])),
      ]),
    "network-interface.subnet-id": (r) => interfacesOf(r).flatMap((n) => (n.SubnetId === undefined ? [] : [n.SubnetId])),
  },
  prefixed: {
    "tag:": (key) => (r) => r.tags.get(key),
  },
};

/** DescribeSpotInstanceRequests' MaxResults: 5 to 1000, not with ids (API reference). */
const spotRequestsMaxResults: MaxResultsRule = { idsParameter: "SpotInstanceRequestId", min: 5, max: 1000, above: "error" };

/** The requests named by id: each well formed and existing (the first that is not is the error). */
function findSpotRequests(ctx: OperationContext, ids: readonly string[]): SpotRequest[] {
  for (const id of ids) if (!isSpotRequestId(id)) throw errors.malformedSpotRequestId(clipped(id));
  const found: SpotRequest[] = [];
  for (const id of new Set(ids)) {
    const request = ctx.region.spotRequests.get(id);
    if (request === undefined) throw errors.spotRequestNotFound(id);
    found.push(request);
  }
  return found;
}

function positionOf(request: SpotRequest): Position {
  return { seq: request.seq, index: 0 };
}

/** DescribeSpotInstanceRequests: every request of the region (cancelled and closed ones too), filtered and paged. */
export const describeSpotInstanceRequests: Operation<
  DescribeSpotInstanceRequestsCommandInput,
  DescribeSpotInstanceRequestsCommandOutput
> = (ctx, input) => {
  const ids = readOptionalIds(input.SpotInstanceRequestIds);
  const max = readMaxResults(input.MaxResults, ids.length > 0, spotRequestsMaxResults);
  refuseUnmodelled("DescribeSpotInstanceRequests", input, ["SpotInstanceRequestIds", "Filters", "NextToken", "MaxResults"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, spotRequestFilters);
  const digest = digestOf({ action: "DescribeSpotInstanceRequests", filters: canonicalFilters(filters), ids: [...new Set(ids)].sort() });
  const after = readToken(input.NextToken, digest);
  const named = ids.length > 0 ? new Set(findSpotRequests(ctx, ids)) : undefined;
  ctx.authorize("DescribeSpotInstanceRequests", []);
  if (input.DryRun === true) throw errors.dryRun();
  const candidates = [...ctx.region.spotRequests.list()].filter((r) => named === undefined || named.has(r));
  const page = takePage(candidates, positionOf, (r) => accept(r, ctx), after, max);
  return {
    SpotInstanceRequests: page.items.map((r) => render(ctx, r)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/**
 * CancelSpotInstanceRequests (API reference: "Canceling a Spot Instance
 * request does not terminate running Spot Instances associated with the
 * request"): an open request is `cancelled` with
 * `canceled-before-fulfillment`; an active or disabled one is `cancelled`
 * with `request-canceled-and-instance-running`, its instance untouched; one
 * already closed, cancelled or failed is left as it is and reported in its
 * state.
 */
export const cancelSpotInstanceRequests: Operation<CancelSpotInstanceRequestsCommandInput, CancelSpotInstanceRequestsCommandOutput> = (
  ctx,
  input,
) => {
  const ids = readOptionalIds(input.SpotInstanceRequestIds);
  if (ids.length === 0) throw errors.missingParameter("SpotInstanceRequestId");
  refuseUnmodelled("CancelSpotInstanceRequests", input, ["SpotInstanceRequestIds"]);
  const requests = findSpotRequests(ctx, ids);
  ctx.authorize(
    "CancelSpotInstanceRequests",
    requests.map((r) => spotRequestResource(ctx, r)),
  );
  if (input.DryRun === true) throw errors.dryRun();
  const store = ctx.region.spotRequests;
  for (const request of requests) {
    if (request.state === "open") {
      const code = spotStatus.canceledBeforeFulfillment;
      store.setStatus(request, "cancelled", code.code, code.message(), ctx.now);
    } else if (request.state === "active" || request.state === "disabled") {
      const code = spotStatus.requestCanceledInstanceRunning;
      store.setStatus(request, "cancelled", code.code, code.message(), ctx.now);
    }
  }
  return {
    CancelledSpotInstanceRequests: requests.map((r) => ({
      SpotInstanceRequestId: r.spotInstanceRequestId,
      State: r.state as "active" | "open" | "closed" | "cancelled" | "completed",
    })),
  };
};
