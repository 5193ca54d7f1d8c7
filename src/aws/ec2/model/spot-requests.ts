import type { SpotInstanceRequest } from "@aws-sdk/client-ec2";
import {
  boolean,
  custom,
  integer,
  literal,
  mapOf,
  number,
  object,
  optional,
  readObject,
  string,
  time,
  type ValuesOf,
} from "../../../engine/record.js";
import { bytes } from "../../../kit/entropy.js";
import { KeyedStore } from "./keyed-store.js";

/**
 * Spot Instance requests (issue 18): one record per request, whether
 * RequestSpotInstances or RunInstances' `InstanceMarketOptions` made it. The
 * record holds the request's state and status as EC2 last set them
 * (`setStatus`), the launch it repeats (a RunInstances request for one
 * instance) and the instance that fulfils it. Every status code and message
 * is EC2's (EC2 user guide, "Spot request status codes" and "State changes
 * for a Spot request"; messages as DescribeSpotInstanceRequests shows them).
 */

/** A request's type: a one-time request closes once fulfilled and its instance gone; a persistent one reopens. */
export type SpotRequestType = "one-time" | "persistent";
/** The states of a Spot Instance request (API reference, SpotInstanceRequest `state`). */
export type SpotRequestState = "open" | "active" | "closed" | "cancelled" | "failed" | "disabled";
/** What EC2 does to a Spot Instance it interrupts. */
export type InterruptionBehavior = "terminate" | "stop" | "hibernate";

/**
 * The status codes the mock sets, each with its request state and message
 * (user guide, "State changes for a Spot request"; messages: EC2's answers
 * as DescribeSpotInstanceRequests returns them, or, where no answer is
 * published, the user guide's description of the code: docs/behaviour.md).
 */
export const spotStatus = {
  pendingEvaluation: {
    code: "pending-evaluation",
    message: () => "Your Spot request has been submitted for review, and is pending evaluation.",
  },
  fulfilled: { code: "fulfilled", message: () => "Your spot request is fulfilled." },
  priceTooLow: {
    code: "price-too-low",
    message: (maxPrice: string, price: number) =>
      `Your Spot request price of ${maxPrice} is lower than the minimum required Spot request fulfillment price of ${price}.`,
  },
  canceledBeforeFulfillment: {
    code: "canceled-before-fulfillment",
    message: () => "Your Spot request is canceled before it was fulfilled.",
  },
  requestCanceledInstanceRunning: {
    code: "request-canceled-and-instance-running",
    message: () => "Your Spot request is canceled, but the instance is still running.",
  },
  terminatedByUser: { code: "instance-terminated-by-user", message: () => "Spot Instance terminated due to user-initiated termination." },
  stoppedByUser: { code: "instance-stopped-by-user", message: () => "Spot Instance stopped due to user-initiated stop." },
  scheduleExpired: { code: "schedule-expired", message: () => "Your Spot request expired before it was fulfilled." },
  notScheduledYet: { code: "not-scheduled-yet", message: () => "Your Spot request will not be evaluated until the scheduled date." },
  markedForStop: { code: "marked-for-stop", message: () => "The Spot Instance is marked for stopping." },
  terminatedNoCapacity: {
    code: "instance-terminated-no-capacity",
    message: () => "Your instance was terminated due to standard capacity management processes.",
  },
  stoppedNoCapacity: {
    code: "instance-stopped-no-capacity",
    message: () => "Your instance was stopped due to EC2 capacity management needs.",
  },
  capacityNotAvailable: {
    code: "capacity-not-available",
    message: () => "There is not enough capacity available for the instances that you requested.",
  },
  markedForTermination: { code: "marked-for-termination", message: () => "The Spot Instance is marked for termination." },
  terminatedByPrice: {
    code: "instance-terminated-by-price",
    message: () => "Your instance was terminated because the Spot price exceeded your maximum price.",
  },
  stoppedByPrice: {
    code: "instance-stopped-by-price",
    message: () => "Your instance was stopped because the Spot price exceeded your maximum price.",
  },
  launchGroupConstraint: {
    code: "launch-group-constraint",
    message: () => "Amazon EC2 cannot launch all the instances that you requested at the same time.",
  },
  terminatedLaunchGroupConstraint: {
    code: "instance-terminated-launch-group-constraint",
    message: () =>
      "One or more of the instances in your launch group was terminated, so the launch group constraint is no longer fulfilled.",
  },
  azGroupConstraint: {
    code: "az-group-constraint",
    message: () => "Amazon EC2 cannot launch all the instances you requested in the same Availability Zone.",
  },
} as const;

/** Why EC2 interrupts a Spot Instance: it needs the capacity back, or the Spot price rose above the request's maximum. */
export type InterruptionReason = "capacity" | "price";

/**
 * The launch a request repeats: a RunInstances request for one instance
 * (without `InstanceMarketOptions`, `MinCount`/`MaxCount` 1), as JSON.
 */
export type SpotLaunch = Record<string, unknown>;

const launchField = custom<SpotLaunch, Record<string, unknown>>({
  write: (launch) => JSON.parse(JSON.stringify(launch)) as Record<string, unknown>,
  read: (json, path) => structuredClone(readObject(json, path)),
});

/** A request's fields, declared once: the record, its snapshot form and the checks on restore. */
export const spotRequestRecord = object({
  /** `sir-` and 8 lowercase characters. */
  spotInstanceRequestId: string,
  /** Creation order in the region (pagination). */
  seq: integer,
  /** one-time or persistent. */
  type: literal("one-time", "persistent"),
  /** The request's state. */
  state: literal("open", "active", "closed", "cancelled", "failed", "disabled"),
  /** The status code (see {@link spotStatus}). */
  statusCode: string,
  /** The status message. */
  statusMessage: string,
  /** When the status last changed. */
  statusTime: time,
  /** The most the request pays per hour, USD, as given (`SpotPrice`/`MaxPrice`), or the On-Demand reference. */
  maxPrice: number,
  /** The price as the caller wrote it (EC2 echoes it in `price-too-low`). */
  maxPriceText: string,
  /** What an interruption does. */
  interruptionBehavior: literal("terminate", "stop", "hibernate"),
  /** `ValidFrom`, when given. */
  validFrom: optional(time),
  /** `ValidUntil`, when given. */
  validUntil: optional(time),
  /** The launch it repeats. */
  launch: launchField,
  /** The instance type (also in `launch`, kept for filters and prices). */
  instanceType: string,
  /** The zone the request places its instances in (its subnet's). */
  availabilityZone: string,
  /** The instance that fulfils it, when one has. */
  instanceId: optional(string),
  /** Whether RunInstances made it (its instance was launched by the call itself). */
  fromRunInstances: boolean,
  /** When it was created. */
  createTime: time,
  /** Its tags, in the order they were set. */
  tags: mapOf(string, string),
  /** The On-Demand reference of its type when it was made (`number` kept for the record). */
  onDemandPrice: number,
  /** When EC2 interrupts its instance (`ec2.spot.interrupt`: two minutes after the notice), while one is pending. */
  interruptAt: optional(time),
  /** Why its instance is being (or was last) interrupted: capacity (`ec2.spot.interrupt`) or price (`ec2.spot.setPrice`). */
  interruptReason: optional(literal("capacity", "price")),
  /** When a capacity interruption's capacity is back (the earliest EC2 restarts a stopped or hibernated instance). */
  restartAt: optional(time),
  /** `LaunchGroup`: requests launched and terminated together. */
  launchGroup: optional(string),
  /** `AvailabilityZoneGroup`: requests of the same type launched in one zone. */
  availabilityZoneGroup: optional(string),
  /** The `ClientToken` of the RequestSpotInstances call that made it, with the digest of that call's parameters. */
  clientToken: optional(string),
  /** The digest of the parameters of the call that made it (idempotency), when it had a token. */
  clientDigest: optional(string),
  /** The instance `ec2.spot.interrupt` last gave notice to (what its instance metadata shows: src/aws/ec2/observe/imds.ts). */
  noticeFor: optional(string),
  /** When `ec2.spot.interrupt` was called for {@link noticeFor}. */
  interruptCalledAt: optional(time),
  /** When the rebalance recommendation was sent to {@link noticeFor}, if one was. */
  rebalanceAt: optional(time),
  /** When the interruption warning is (or was) given to {@link noticeFor}: `warningDelayMs` after the interrupt call. */
  noticeAt: optional(time),
  /** True while the warning is due but not yet given (its event and the request's status come at `noticeAt`). */
  warningPending: optional(boolean),
});

/** One Spot Instance request of a region. */
export interface SpotRequest extends Omit<ValuesOf<typeof spotRequestRecord.fields>, "tags" | "spotInstanceRequestId" | "seq"> {
  readonly spotInstanceRequestId: string;
  readonly seq: number;
  /** Its tags: replaced whole by {@link SpotRequestStore.setTags}. */
  tags: ReadonlyMap<string, string>;
}

const ID_CHARS = "0123456789abcdef";

/**
 * A new request id: `sir-` and 8 characters (EC2's ids are `sir-` and 8
 * lowercase letters and digits, e.g. `sir-wdmg682g`; the mock draws them from
 * the hex digits, a subset, so that every tag call's id check accepts them).
 */
export function newSpotRequestId(): string {
  const random = bytes(8);
  let id = "sir-";
  for (const b of random) id += ID_CHARS[b & 15];
  return id;
}

/** Whether a value is shaped as a request id: `sir-` and 8 lowercase letters or digits. */
export function isSpotRequestId(value: unknown): value is string {
  return typeof value === "string" && /^sir-[0-9a-z]{8}$/.test(value);
}

/** The Spot requests of one region, in creation order. Callers run every check first. */
export class SpotRequestStore extends KeyedStore<SpotRequest> {
  private readonly byInstance = new Map<string, SpotRequest>();

  protected override idOf(request: SpotRequest): string {
    return request.spotInstanceRequestId;
  }

  protected override indexed(request: SpotRequest): void {
    if (request.instanceId !== undefined) this.byInstance.set(request.instanceId, request);
  }

  protected override unindexAll(): void {
    this.byInstance.clear();
  }

  /** The request an instance fulfils (the last one to name it), if any: the instance's Spot link. */
  ofInstance(instanceId: string): SpotRequest | undefined {
    return this.byInstance.get(instanceId);
  }

  /** Adds a request (seq assigned here). */
  add(fields: Omit<SpotRequest, "seq">): SpotRequest {
    const request: SpotRequest = { ...fields, seq: this.nextSeq() };
    this.put(request);
    return request;
  }

  /** Links a request to the instance that fulfils it. */
  link(request: SpotRequest, instanceId: string): void {
    request.instanceId = instanceId;
    this.byInstance.set(instanceId, request);
  }

  /** Sets a request's state and status at `at`. */
  setStatus(request: SpotRequest, state: SpotRequestState, code: string, message: string, at: number): void {
    request.state = state;
    request.statusCode = code;
    request.statusMessage = message;
    request.statusTime = at;
  }

  /** The store's contents (snapshots). */
  contents(): SpotRequest[] {
    return [...this.list()];
  }
}

/** A price as EC2 writes `SpotPrice` (six decimals). */
export function priceText(price: number): string {
  return price.toFixed(6);
}

/** The parts of a request's launch DescribeSpotInstanceRequests shows in `LaunchSpecification`. */
export function renderSpotRequest(
  request: SpotRequest,
  launchSpecification: SpotInstanceRequest["LaunchSpecification"],
): SpotInstanceRequest {
  return {
    CreateTime: new Date(request.createTime),
    ...(request.availabilityZoneGroup === undefined ? {} : { AvailabilityZoneGroup: request.availabilityZoneGroup }),
    ...(request.instanceId === undefined ? {} : { InstanceId: request.instanceId }),
    ...(request.launchGroup === undefined ? {} : { LaunchGroup: request.launchGroup }),
    LaunchSpecification: launchSpecification,
    ...(request.instanceId === undefined ? {} : { LaunchedAvailabilityZone: request.availabilityZone }),
    ProductDescription: "Linux/UNIX",
    SpotInstanceRequestId: request.spotInstanceRequestId,
    SpotPrice: priceText(request.maxPrice),
    State: request.state,
    Status: { Code: request.statusCode, Message: request.statusMessage, UpdateTime: new Date(request.statusTime) },
    Tags: [...request.tags].map(([Key, Value]) => ({ Key, Value })),
    Type: request.type,
    ...(request.validFrom === undefined ? {} : { ValidFrom: new Date(request.validFrom) }),
    ...(request.validUntil === undefined ? {} : { ValidUntil: new Date(request.validUntil) }),
    InstanceInterruptionBehavior: request.interruptionBehavior,
  };
}
