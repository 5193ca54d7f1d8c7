import type { InstanceStateName } from "@aws-sdk/client-ec2";
import type { PhaseChange } from "../../../engine/machine.js";
import { untapedUuid } from "../../../kit/entropy.js";
import { stateNameOf } from "../model/states.js";

/**
 * An "EC2 Instance State-change Notification" as EventBridge delivers it:
 * source `aws.ec2`, the instance's ARN in `resources`, `detail` holding the
 * instance id and its new state, `time` when the transition happened.
 * @public
 */
export interface InstanceStateChangeEvent {
  /** Always "0". */
  version: "0";
  /** A unique event id. */
  id: string;
  /** Always "EC2 Instance State-change Notification". */
  "detail-type": "EC2 Instance State-change Notification";
  /** Always "aws.ec2". */
  source: "aws.ec2";
  /** The account that owns the instance. */
  account: string;
  /** When the transition happened (mock time), ISO 8601 without milliseconds, as EventBridge writes it. */
  time: string;
  /** The region. */
  region: string;
  /** The instance's ARN. */
  resources: [string];
  /** The instance and its new state. */
  detail: { "instance-id": string; state: InstanceStateName };
}

/**
 * A subscriber to state changes.
 * @public
 */
export type StateChangeHandler = (event: InstanceStateChangeEvent) => void;

/**
 * The envelope EventBridge puts around every EC2 event.
 * @public
 */
export interface Ec2EventEnvelope {
  /** Always "0". */
  version: "0";
  /** A unique event id. */
  id: string;
  /** Always "aws.ec2". */
  source: "aws.ec2";
  /** The account that owns the instance. */
  account: string;
  /** When EC2 sent it (mock time), ISO 8601 without milliseconds. */
  time: string;
  /** The region. */
  region: string;
  /** The instance's ARN. */
  resources: [string];
}

/**
 * An "EC2 Spot Instance Interruption Warning": EC2 will interrupt the
 * instance two minutes after `time`, with `instance-action` (its request's
 * interruption behaviour). EC2 user guide, "Spot Instance interruption notices".
 * @public
 */
export interface SpotInterruptionWarningEvent extends Ec2EventEnvelope {
  /** Always "EC2 Spot Instance Interruption Warning". */
  "detail-type": "EC2 Spot Instance Interruption Warning";
  /** The instance and what EC2 will do to it. */
  detail: { "instance-id": string; "instance-action": "terminate" | "stop" | "hibernate" };
}

/**
 * An "EC2 Instance Rebalance Recommendation": the instance is at elevated
 * risk of interruption. EC2 user guide, "EC2 instance rebalance recommendations".
 * @public
 */
export interface RebalanceRecommendationEvent extends Ec2EventEnvelope {
  /** Always "EC2 Instance Rebalance Recommendation". */
  "detail-type": "EC2 Instance Rebalance Recommendation";
  /** The instance. */
  detail: { "instance-id": string };
}

/**
 * The Spot events `ec2.on("spot", ...)` delivers.
 * @public
 */
export type SpotEvent = SpotInterruptionWarningEvent | RebalanceRecommendationEvent;

/**
 * A subscriber to Spot events.
 * @public
 */
export type SpotEventHandler = (event: SpotEvent) => void;

/** Calls each handler; a failing one does not stop the others, its error surfaces as uncaught. */
function deliver<E>(handlers: Iterable<(event: E) => void>, event: E): void {
  for (const handler of handlers) {
    try {
      handler(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** EventBridge's `time`: ISO 8601 without milliseconds. */
function eventTime(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Turns engine phase changes into EventBridge events, one per change of EC2
 * state (a launch included; `launching → starting` is no change), delivered
 * synchronously and in time order whenever the mock observes the clock.
 */
export class StateChangeEvents {
  private readonly handlers = new Set<StateChangeHandler>();
  private readonly spotHandlers = new Set<SpotEventHandler>();

  constructor(private readonly accountId: string) {}

  /** Adds a handler; returns a function that removes it. */
  subscribe(handler: StateChangeHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Adds a Spot event handler; returns a function that removes it. */
  subscribeSpot(handler: SpotEventHandler): () => void {
    this.spotHandlers.add(handler);
    return () => this.spotHandlers.delete(handler);
  }

  /** Removes a handler (of either kind). */
  unsubscribe(handler: StateChangeHandler | SpotEventHandler): void {
    this.handlers.delete(handler as StateChangeHandler);
    this.spotHandlers.delete(handler as SpotEventHandler);
  }

  /** Removes every handler. */
  clear(): void {
    this.handlers.clear();
    this.spotHandlers.clear();
  }

  /** Publishes a rebalance recommendation, or an interruption warning when `action` is given, for an instance of `region` at `at`. */
  publishSpot(instanceId: string, region: string, at: number, action?: "terminate" | "stop" | "hibernate"): void {
    if (this.spotHandlers.size === 0) return;
    const envelope = {
      version: "0" as const,
      id: untapedUuid(),
      source: "aws.ec2" as const,
      account: this.accountId,
      time: eventTime(at),
      region,
      resources: [`arn:aws:ec2:${region}:${this.accountId}:instance/${instanceId}`] as [string],
    };
    const event: SpotEvent =
      action === undefined
        ? { ...envelope, "detail-type": "EC2 Instance Rebalance Recommendation", detail: { "instance-id": instanceId } }
        : {
            ...envelope,
            "detail-type": "EC2 Spot Instance Interruption Warning",
            detail: { "instance-id": instanceId, "instance-action": action },
          };
    deliver(this.spotHandlers, event);
  }

  /** Publishes a phase change of an instance of `region` if EC2 would see a new state. */
  publish(change: PhaseChange, region: string): void {
    if (this.handlers.size === 0) return;
    const launched = change.from === "launching" && change.to === "launching";
    const state = stateNameOf[change.to];
    if (!launched && stateNameOf[change.from] === state) return;
    const event: InstanceStateChangeEvent = {
      version: "0",
      id: untapedUuid(),
      "detail-type": "EC2 Instance State-change Notification",
      source: "aws.ec2",
      account: this.accountId,
      time: new Date(change.at).toISOString().replace(/\.\d{3}Z$/, "Z"),
      region,
      resources: [`arn:aws:ec2:${region}:${this.accountId}:instance/${change.machineId}`],
      detail: { "instance-id": change.machineId, state },
    };
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (error) {
        // A failing handler must not break the engine mid-transition; its error surfaces as uncaught.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
