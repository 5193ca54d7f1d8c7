/**
 * The mock's call history (issue 20): every call that reached the mock
 * through any door (the plugin, the aws-sdk-client-mock adapter, the
 * `httpHandler`, the server), of any service it answers (EC2, Auto Scaling,
 * ELBv2, STS), answered or refused, oldest first. `ec2.calls(filter?)`
 * reads it, `ec2.resetHistory()` and `ec2.reset()` empty it, and
 * `ec2.on("call", handler)` is told of each call as it is answered.
 *
 * Each door records at its outermost layer (docs/behaviour.md, "Call
 * history"): it takes an {@link Arrival} when the call reaches it (its place
 * in the history and the mock time), and records the call once answered,
 * with the outcome as the caller sees it.
 */
import type { Ec2MockDoor } from "../../overrides.js";

/**
 * A service the mock answers, by its SigV4 signing name.
 * @public
 */
export type Ec2MockService = "ec2" | "autoscaling" | "elasticloadbalancing" | "sts";

export type { Ec2MockDoor };

/**
 * How a refused call failed, as the SDK shows it: the exception's `name`
 * (the error code for EC2; the modelled exception's name for Auto Scaling
 * and ELBv2, `TargetGroupNotFoundException`), its `message`, and
 * `$metadata.httpStatusCode` (0 when the call failed in the client with no
 * HTTP answer: `Ec2MockUnhandledCommandError`, a network error).
 * @public
 */
export interface Ec2MockCallError {
  /** The exception's name. */
  readonly name: string;
  /** The exception's message. */
  readonly message: string;
  /** The HTTP status of the answer (0: none). */
  readonly statusCode: number;
}

/**
 * One call the mock received, as `ec2.calls()` lists it.
 * @public
 */
export interface Ec2MockCall {
  /** The service called. */
  readonly service: Ec2MockService;
  /** The action, without the service (`DescribeInstances`, `CreateTargetGroup`). */
  readonly action: string;
  /** The Region of the call (the mock's default Region when the call named none). */
  readonly region: string;
  /**
   * The input in the SDK's shape: the command's input as given (SDK doors),
   * or the request the wire doors decoded. When a wire request could not be
   * decoded (a value of the wrong type), its query parameters as sent
   * (`{ "InstanceId.1": "i-..." }`). Not copied: do not change it.
   */
  readonly input: object;
  /**
   * The answer (without `$metadata`), for a call answered; not copied.
   * Absent, with {@link Ec2MockCall.outputDropped}, once the history's
   * `outputLimit` dropped it.
   */
  readonly output?: object;
  /**
   * Set on an answered call whose output the history dropped to stay within
   * its `outputLimit` (the oldest outputs go first; the call itself stays).
   */
  readonly outputDropped?: true;
  /** The error, for a call refused. */
  readonly error?: Ec2MockCallError;
  /** The door the call came through. */
  readonly door: Ec2MockDoor;
  /** When the call reached the mock: mock time, epoch milliseconds (`ec2.now()`). */
  readonly time: number;
}

/**
 * Which calls `ec2.calls(filter)` lists: those matching every member given.
 * @public
 */
export interface Ec2MockCallFilter {
  /**
   * The action: `"DescribeVpcs"` (EC2's, or that of the service `service`
   * names) or qualified, `"autoscaling:DescribeTags"`, as `ec2.use` names them.
   */
  readonly action?: string;
  /** The service. */
  readonly service?: Ec2MockService;
  /** The door. */
  readonly door?: Ec2MockDoor;
  /** The Region. */
  readonly region?: string;
}

/**
 * Options of the call history (`createEc2Mock({ history })`).
 * @public
 */
export interface Ec2MockHistoryOptions {
  /**
   * How many calls the history keeps, the latest ones (default 1,000; older
   * calls are dropped, so that a long run holds a bounded number of inputs
   * and outputs). `0` records nothing; `Infinity` keeps every call.
   */
  readonly limit?: number;
  /**
   * How many records the outputs of the kept calls may hold together
   * (default 50,000): a record is a member of an array of an output, or of
   * an array of such a member (a RunInstances of 1,000 instances counts its
   * 1,000 instances and their tags, interfaces, volumes and groups, about
   * 6,000). Past it, the oldest calls keep no output (`outputDropped`), so a
   * history of large launches holds a bounded amount of memory; a call
   * whose output alone holds more is kept without it. `0` keeps no output;
   * `Infinity` keeps every one (docs/behaviour.md, "Call history").
   */
  readonly outputLimit?: number;
}

/**
 * A subscriber to calls: told of each call once answered or refused.
 * @public
 */
export type CallHandler = (call: Ec2MockCall) => void;

/** The history's default length. */
export const DEFAULT_HISTORY_LIMIT = 1000;

/** How many records the kept outputs hold at most by default (see {@link Ec2MockHistoryOptions.outputLimit}). */
export const DEFAULT_OUTPUT_LIMIT = 50_000;

/** Where a call stands in the history: its arrival's rank, the mock time then, and its door. */
export interface Arrival {
  readonly seq: number;
  readonly time: number;
  readonly door: Ec2MockDoor;
}

/** What a door records of a call, besides its arrival. */
export interface CallRecord {
  readonly service: Ec2MockService;
  readonly action: string;
  /** Undefined: the call named none (the default Region's). */
  readonly region: string | undefined;
  readonly input: object;
}

/** What the doors are given: take an arrival when a call reaches the door, record the call when answered. */
export interface CallRecorder {
  /** A call reaches a door. */
  arrive(door: Ec2MockDoor): Arrival;
  /** The call was answered (`output`) or refused (`error`). */
  record(arrival: Arrival, call: CallRecord, outcome: { output: object } | { error: Ec2MockCallError }): void;
}

/**
 * The record of an error a door let out to the SDK's caller: an SDK
 * exception's name, message and `$metadata.httpStatusCode` (0 when it has none).
 */
export function errorOfThrown(error: unknown): Ec2MockCallError {
  if (error instanceof Error) {
    const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
    return { name: error.name, message: error.message, statusCode: typeof status === "number" ? status : 0 };
  }
  return { name: "Error", message: String(error), statusCode: 0 };
}

/** An output as recorded: without the `$metadata` the SDK doors add. */
export function withoutMetadata(output: unknown): object {
  if (typeof output !== "object" || output === null) return {};
  if (!("$metadata" in output)) return output;
  const { $metadata: _metadata, ...rest } = output as { $metadata?: unknown };
  return rest;
}

/** Checks `createEc2Mock({ history: { limit } })`: a whole number from 0, or Infinity. */
export function checkHistoryLimit(options: Ec2MockHistoryOptions | undefined): number {
  return checkCount(options?.limit, "limit", DEFAULT_HISTORY_LIMIT);
}

/** Checks `createEc2Mock({ history: { outputLimit } })`: a whole number from 0, or Infinity. */
export function checkOutputLimit(options: Ec2MockHistoryOptions | undefined): number {
  return checkCount(options?.outputLimit, "outputLimit", DEFAULT_OUTPUT_LIMIT);
}

function checkCount(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (value !== Number.POSITIVE_INFINITY && !(Number.isInteger(value) && value >= 0)) {
    throw new RangeError(`ec2-mock: history.${name} must be a whole number from 0, or Infinity; got ${String(value)}`);
  }
  return value;
}

/**
 * How many records an output holds, for {@link Ec2MockHistoryOptions.outputLimit}:
 * the members of its arrays and of their members' arrays. Cheap for the
 * small answers of the hot path (a stop's one instance); for a large answer,
 * a pass over its members' own keys, far less than rendering them cost.
 */
export function recordsIn(output: object): number {
  let count = 0;
  const top = output as Record<string, unknown>;
  for (const key in top) {
    const value = top[key];
    if (!Array.isArray(value)) continue;
    count += value.length;
    const first: unknown = value[0];
    if (typeof first !== "object" || first === null) continue;
    // The members of one output array share their shape (the SDK's): the first one names the keys holding
    // arrays, and only those are read of the others (a launch's 1,000 instances: 5 keys each, not 40).
    const nested: string[] = [];
    for (const inner in first) if (Array.isArray((first as Record<string, unknown>)[inner])) nested.push(inner);
    if (nested.length === 0) continue;
    const counter = nestedCounter(nested);
    for (let i = 0; i < value.length; i++) {
      const member = value[i] as Record<string, unknown> | null | undefined;
      if (typeof member !== "object" || member === null) continue;
      count += counter(member);
    }
  }
  return count;
}

/** The length of each array among `member`'s `keys` (a member that is not an array counts 0), summed. */
type NestedCounter = (member: Record<string, unknown>) => number;

/** The counters made so far, by their keys joined with NUL; bounded (the mock's outputs have few shapes). */
const nestedCounters = new Map<string, NestedCounter>();
const NESTED_COUNTERS_MAX = 256;

/**
 * A {@link NestedCounter} for `keys`, compiled once per list of keys (issue 22 (e), sixth pass): a loop reading
 * `member[keys[k]]` makes one property load see every key, which V8 can only serve by a generic lookup (about
 * 1 µs a launched instance, 4 % of a RunInstances of 1,000); a function naming each key as a constant gets a
 * load of its own per key. The keys are the output's own member names, written as JSON string literals, so
 * none is read as code. Past the bound, the loop.
 */
function nestedCounter(keys: readonly string[]): NestedCounter {
  const id = keys.join("\0");
  const known = nestedCounters.get(id);
  if (known !== undefined) return known;
  if (nestedCounters.size >= NESTED_COUNTERS_MAX) {
    return (member) => {
      let n = 0;
      for (let k = 0; k < keys.length; k++) {
        const list = member[keys[k]!];
        if (Array.isArray(list)) n += list.length;
      }
      return n;
    };
  }
  const body = keys.map((key) => `l = m[${JSON.stringify(key)}]; if (isArray(l)) n += l.length;`).join("\n");
  const made = new Function("isArray", `return function counter(m) { let n = 0, l;\n${body}\nreturn n; };`)(Array.isArray) as NestedCounter;
  nestedCounters.set(id, made);
  return made;
}

const services: readonly string[] = ["ec2", "autoscaling", "elasticloadbalancing", "sts"];

/** The service and action a filter's `action` names (`"autoscaling:DescribeTags"`, or a bare name). */
export function splitAction(action: string, service: Ec2MockService | undefined): { service: Ec2MockService; action: string } {
  const colon = action.indexOf(":");
  if (colon > 0 && services.includes(action.slice(0, colon))) {
    return { service: action.slice(0, colon) as Ec2MockService, action: action.slice(colon + 1) };
  }
  return { service: service ?? "ec2", action };
}

/** A call as kept once its output is dropped. */
function withoutOutput(call: Ec2MockCall): Ec2MockCall {
  const { output: _output, ...rest } = call;
  return { ...rest, outputDropped: true };
}

/** The mock's call history: a bounded list, in the order the calls arrived. */
export class CallHistory implements CallRecorder {
  /** The calls kept, oldest first; may hold up to `slack` more than `limit` between trims. */
  private records: Ec2MockCall[] = [];
  /** The arrival rank of each record (the records keep only the public fields). */
  private ranks: number[] = [];
  /** The records each kept output holds ({@link recordsIn}; 0 for an error or a dropped output). */
  private weights: number[] = [];
  /** The sum of `weights`. */
  private outputRecords = 0;
  /** Below this index, no record keeps its output (outputs are dropped oldest first). */
  private firstOutput = 0;
  /** Calls dropped by the limit since the last clear. */
  private droppedCount = 0;
  private nextSeq = 0;
  private readonly handlers = new Set<CallHandler>();
  /** How far the list may grow past the limit before the oldest go: trims are amortized over many calls. */
  private readonly slack: number;

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
    private readonly defaultRegion: string,
    private readonly outputLimit: number = DEFAULT_OUTPUT_LIMIT,
  ) {
    this.slack = Number.isFinite(limit) ? Math.max(64, Math.ceil(limit / 4)) : 0;
  }

  arrive(door: Ec2MockDoor): Arrival {
    return { seq: this.nextSeq++, time: this.now(), door };
  }

  record(arrival: Arrival, call: CallRecord, outcome: { output: object } | { error: Ec2MockCallError }): void {
    if (this.limit === 0 && this.handlers.size === 0) return;
    // Two literals, not `...outcome`: a spread in the middle of a literal builds the record through V8's slow path (a new
    // hidden class per call), on every call of every door (bench/README.md, issue 22 (a)). The members keep their order.
    const region = call.region ?? this.defaultRegion;
    const record: Ec2MockCall =
      "output" in outcome
        ? {
            service: call.service,
            action: call.action,
            region,
            input: call.input,
            output: outcome.output,
            door: arrival.door,
            time: arrival.time,
          }
        : {
            service: call.service,
            action: call.action,
            region,
            input: call.input,
            error: outcome.error,
            door: arrival.door,
            time: arrival.time,
          };
    if (this.limit > 0) {
      let kept = record;
      let weight = "output" in outcome ? recordsIn(outcome.output) : 0;
      if (weight > this.outputLimit || (this.outputLimit === 0 && "output" in outcome)) {
        // Too large to keep alone: the call stays, its output goes (subscribers above still see it whole).
        kept = withoutOutput(record);
        weight = 0;
      }
      this.insert(arrival.seq, kept, weight);
    }
    for (const handler of this.handlers) {
      try {
        handler(record);
      } catch (error) {
        // A failing subscriber must not fail the call it is told of; its error surfaces as uncaught.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Keeps the records in arrival order (a call answered late, after a delay, goes back to its place). */
  private insert(seq: number, record: Ec2MockCall, weight: number): void {
    let at = this.ranks.length;
    while (at > 0 && this.ranks[at - 1]! > seq) at--;
    if (at === this.ranks.length) {
      this.ranks.push(seq);
      this.records.push(record);
      this.weights.push(weight);
    } else {
      this.ranks.splice(at, 0, seq);
      this.records.splice(at, 0, record);
      this.weights.splice(at, 0, weight);
      if (at < this.firstOutput) this.firstOutput = at;
    }
    this.outputRecords += weight;
    const excess = this.records.length - this.limit;
    if (excess > this.slack) {
      this.records.splice(0, excess);
      this.ranks.splice(0, excess);
      const gone = this.weights.splice(0, excess);
      for (const w of gone) this.outputRecords -= w;
      this.firstOutput = Math.max(0, this.firstOutput - excess);
      this.droppedCount += excess;
    }
    // Outputs beyond the budget go, oldest first; each is dropped once (firstOutput only moves forward).
    while (this.outputRecords > this.outputLimit && this.firstOutput < this.records.length) {
      const i = this.firstOutput++;
      const w = this.weights[i]!;
      if (w === 0) continue;
      this.records[i] = withoutOutput(this.records[i]!);
      this.weights[i] = 0;
      this.outputRecords -= w;
    }
  }

  /** The calls kept, oldest first, those matching `filter` only. */
  calls(filter?: Ec2MockCallFilter): readonly Ec2MockCall[] {
    const kept = this.records.length > this.limit ? this.records.slice(this.records.length - this.limit) : this.records.slice();
    if (filter === undefined) return kept;
    const wanted = filter.action === undefined ? undefined : splitAction(filter.action, filter.service);
    const service = wanted?.service ?? filter.service;
    return kept.filter(
      (call) =>
        (wanted === undefined || call.action === wanted.action) &&
        (service === undefined || call.service === service) &&
        (filter.door === undefined || call.door === filter.door) &&
        (filter.region === undefined || call.region === filter.region),
    );
  }

  /** How many calls the limit dropped since the history was last emptied. */
  get dropped(): number {
    return this.droppedCount + Math.max(0, this.records.length - this.limit);
  }

  /** Empties the history (the calls still in flight are recorded when answered). */
  clear(): void {
    this.records = [];
    this.ranks = [];
    this.weights = [];
    this.outputRecords = 0;
    this.firstOutput = 0;
    this.droppedCount = 0;
  }

  /** Adds a subscriber; returns its remover. */
  subscribe(handler: CallHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Removes a subscriber. */
  unsubscribe(handler: CallHandler): void {
    this.handlers.delete(handler);
  }
}
