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
import { refuseUnmodelled } from "../checks.js";
import type { AuthResource, Operation, OperationContext } from "../context.js";
import { Ec2Error, errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters } from "../filters.js";
import { ec2Requests } from "../model/causes.js";
import { canHibernate } from "../model/hibernation.js";
import { stateReasons } from "../model/instance.js";
import { checkFilterCount, clipped } from "../model/limits.js";
import { isSpotRequestId, priceText, renderSpotRequest, type SpotLaunch, type SpotRequest, spotStatus } from "../model/spot-requests.js";
import { readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, type Position, readMaxResults, readToken, takePage } from "../pagination.js";
import { canonicalFilters, readOptionalIds } from "./describe.js";
import { launchPlanned, planLaunch } from "./run.js";
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

/**
 * Evaluates one open request at the call's time (see the module's comment):
 * expired (`schedule-expired`, cancelled), not yet valid
 * (`not-scheduled-yet`), waiting for its last instance to be gone (a
 * persistent request reopened by a termination), too cheap
 * (`price-too-low`), or fulfilled by a new instance launched from its
 * launch specification through RunInstances' own path. A launch that is no
 * longer possible (its image or subnet deleted since) fails the request
 * (`bad-parameters`, with the launch's error message).
 */
function evaluate(ctx: OperationContext, request: SpotRequest): void {
  const store = ctx.region.spotRequests;
  const status = (code: string, message: string) => {
    if (request.statusCode !== code || request.statusMessage !== message) store.setStatus(request, "open", code, message, ctx.now);
  };
  if (request.validUntil !== undefined && ctx.now >= request.validUntil) {
    store.setStatus(request, "cancelled", spotStatus.scheduleExpired.code, spotStatus.scheduleExpired.message(), ctx.now);
    return;
  }
  if (request.validFrom !== undefined && ctx.now < request.validFrom) {
    status(spotStatus.notScheduledYet.code, spotStatus.notScheduledYet.message());
    return;
  }
  if (request.instanceId !== undefined) {
    const last = ctx.region.instances.get(request.instanceId);
    if (last !== undefined && last.machine.phase !== "terminated") return;
  }
  const price = ctx.region.spotPrices.priceAt(request.instanceType, request.availabilityZone, ctx.now);
  if (request.maxPrice < price) {
    status(spotStatus.priceTooLow.code, spotStatus.priceTooLow.message(request.maxPriceText, price));
    return;
  }
  let instanceId: string;
  try {
    const input = launchOf(request);
    const reservation = launchPlanned(ctx, planLaunch(ctx, input), input, undefined);
    instanceId = reservation.instances[0]!.instanceId;
  } catch (error) {
    if (!(error instanceof Ec2Error)) throw error;
    store.setStatus(request, "failed", "bad-parameters", error.message, ctx.now);
    return;
  }
  fulfilSpotRequest(ctx, request, instanceId);
}

/**
 * Evaluates every open request of the region at `ctx.now`: the region's
 * `spotSettler`, run at the end of each catch-up (src/aws/ec2/mock.ts sets
 * it), the catch-up of the Spot market (no timer: the clock and the prices decide).
 */
export function settleSpotRequests(ctx: OperationContext): void {
  const store = ctx.region.spotRequests;
  if (store.size === 0) return;
  for (const request of store.list()) {
    if (request.interruptAt !== undefined && ctx.now >= request.interruptAt) interruptSpotInstance(ctx, request);
  }
  for (const request of store.list()) if (request.state === "open") evaluate(ctx, request);
}

/**
 * The end of an interruption's two-minute notice (`ec2.spot.interrupt`),
 * at the first catch-up at or after it: the instance, if still running, is
 * terminated (`Server.SpotInstanceTermination`; the request's status was set
 * at the notice) or stopped, hibernated when it can be
 * (`Server.SpotInstanceShutdown`; the request `disabled`,
 * `instance-stopped-no-capacity`). EC2 user guide, "Spot Instance
 * interruption behavior" and "State changes for a Spot request".
 */
function interruptSpotInstance(ctx: OperationContext, request: SpotRequest): void {
  request.interruptAt = undefined;
  const instance = request.instanceId === undefined ? undefined : ctx.region.instances.get(request.instanceId);
  if (instance === undefined || instance.machine.phase !== "running") return;
  const engine = ctx.region.engine;
  if (request.interruptionBehavior === "terminate") {
    instance.stateReason = stateReasons.spotTermination;
    engine.terminate(instance.machine, ec2Requests.terminate.graceful, "graceful");
    return;
  }
  instance.stateReason = stateReasons.spotShutdown;
  const mode =
    request.interruptionBehavior === "hibernate" && canHibernate(ctx.region.settings, ctx.region.volumes, instance)
      ? "hibernate"
      : "graceful";
  engine.stop(instance.machine, mode, ec2Requests.stop[mode]);
  const code = spotStatus.stoppedNoCapacity;
  ctx.region.spotRequests.setStatus(request, request.state === "cancelled" ? "cancelled" : "disabled", code.code, code.message(), ctx.now);
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
  for (const request of requests) evaluate(ctx, request);
  return requests;
}

/** RequestSpotInstances: checks the request and its launch as RunInstances would, then records the requests. */
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
  const tags = readTagsOf(input.TagSpecifications, "spot-instances-request");
  const launchInput = launchOfSpecification(input.LaunchSpecification);
  // Every check of RunInstances on the launch (image, type, zone, subnet, groups, devices, key pair).
  const plan = planLaunch(ctx, launchInput);
  const { price, text } = readSpotPrice(ctx, "SpotPrice", input.SpotPrice, plan.instanceType);
  const resource = newResource(ctx.region.settings, "spot-instances-request", {}, tags);
  ctx.authorize("RequestSpotInstances", [resource]);
  if (tags.size > 0) ctx.authorize("CreateTags", [resource], { keys: { "ec2:CreateAction": "RequestSpotInstances" } });
  if (input.DryRun === true) throw errors.dryRun();
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
      }),
    );
  }
  // EC2 answers with the requests as submitted (open, pending-evaluation); they are evaluated at once after.
  const SpotInstanceRequests = requests.map((r) => render(ctx, r));
  for (const request of requests) evaluate(ctx, request);
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

/** DescribeSpotInstanceRequests' filters (API reference); the documented ones not listed are refused by name. */
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
  },
  prefixed: {
    "tag:": (key) => (r) => r.tags.get(key),
  },
};

/** Documented filters the mock does not model (refused by name, never matched wrongly). */
const UNMODELLED_FILTERS = new Set([
  "availability-zone-group",
  "create-time",
  "fault-code",
  "fault-message",
  "launch-group",
  "launch.block-device-mapping.delete-on-termination",
  "launch.block-device-mapping.device-name",
  "launch.block-device-mapping.snapshot-id",
  "launch.block-device-mapping.volume-size",
  "launch.block-device-mapping.volume-type",
  "launch.group-name",
  "launch.kernel-id",
  "launch.monitoring-enabled",
  "launch.ramdisk-id",
  "network-interface.addresses.primary",
  "network-interface.delete-on-termination",
  "network-interface.description",
  "network-interface.device-index",
  "network-interface.group-id",
  "network-interface.network-interface-id",
  "network-interface.private-ip-address",
  "network-interface.subnet-id",
  "valid-from",
  "valid-until",
]);

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
  for (const f of filters) if (UNMODELLED_FILTERS.has(f.name)) throw errors.unmodelledFilter("DescribeSpotInstanceRequests", f.name);
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
