import { randomUUID } from "node:crypto";
import type { InstanceStateName } from "@aws-sdk/client-ec2";
import type { PhaseChange } from "../../../engine/machine.js";
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
 * Turns engine phase changes into EventBridge events, one per change of EC2
 * state (a launch included; `launching → starting` is no change), delivered
 * synchronously and in time order whenever the mock observes the clock.
 */
export class StateChangeEvents {
  private readonly handlers = new Set<StateChangeHandler>();

  constructor(private readonly accountId: string) {}

  /** Adds a handler; returns a function that removes it. */
  subscribe(handler: StateChangeHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Removes a handler. */
  unsubscribe(handler: StateChangeHandler): void {
    this.handlers.delete(handler);
  }

  /** Removes every handler. */
  clear(): void {
    this.handlers.clear();
  }

  /** Publishes a phase change of an instance of `region` if EC2 would see a new state. */
  publish(change: PhaseChange, region: string): void {
    if (this.handlers.size === 0) return;
    const launched = change.from === "launching" && change.to === "launching";
    const state = stateNameOf[change.to];
    if (!launched && stateNameOf[change.from] === state) return;
    const event: InstanceStateChangeEvent = {
      version: "0",
      id: randomUUID(),
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
