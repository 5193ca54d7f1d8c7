/**
 * The matchers of `ec2-mock/vitest` and `ec2-mock/jest`, written once and
 * for any runner: plain functions of `(received, ...expected)` returning
 * `{ pass, message }`, which read the runner's matcher context (`this`)
 * only for what both vitest and jest give it (`equals`)
 * and work without it. Neither entry's runner is imported here.
 */
import type { InstanceStateName } from "@aws-sdk/client-ec2";
import type { Ec2Mock } from "../mock.js";
import { type Ec2MockCall, splitAction } from "./history.js";

/**
 * The result shape of a matcher (vitest's and jest's alike).
 * @public
 */
export interface MatcherResult {
  /** Whether the assertion holds. */
  pass: boolean;
  /** What to print when it fails (or, under `.not`, when it holds). */
  message: () => string;
  /** What was received, for the runner's diff. */
  actual?: unknown;
  /** What was expected, for the runner's diff. */
  expected?: unknown;
}

/** What the matchers read of the runner's `this`, when there is one. */
interface MatcherContext {
  equals?: (a: unknown, b: unknown) => boolean;
}

function contextOf(self: unknown): MatcherContext {
  return typeof self === "object" && self !== null ? (self as MatcherContext) : {};
}

function isMock(value: unknown): value is Ec2Mock {
  return typeof value === "object" && value !== null && typeof (value as Ec2Mock).inspect === "function";
}

function hasHistory(value: unknown): value is Ec2Mock {
  return isMock(value) && typeof (value as Ec2Mock).calls === "function";
}

function notAMock(name: string, received: unknown): MatcherResult {
  return { pass: false, message: () => `${name} expects an ec2-mock (createEc2Mock()), received ${String(received)}` };
}

/** Whether `wanted` occurs in `states` in order (not necessarily adjacent). */
function isSubsequence(wanted: readonly string[], states: readonly string[]): boolean {
  let i = 0;
  for (const state of states) if (state === wanted[i]) i++;
  return i === wanted.length;
}

function isAsymmetric(value: unknown): value is { asymmetricMatch(other: unknown): boolean } {
  return typeof value === "object" && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === "function";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether `actual` matches `expected` partially, at every depth: each key
 * of an expected plain object must match (other keys of `actual` are
 * ignored), an expected array matches an array of the same length element
 * by element, an asymmetric matcher (`expect.any(String)`) is asked, and
 * anything else is compared by the runner's `equals` (else `Object.is`, or
 * by time for dates).
 */
function matchesPartially(context: MatcherContext, actual: unknown, expected: unknown): boolean {
  if (isAsymmetric(expected)) return context.equals !== undefined ? context.equals(actual, expected) : expected.asymmetricMatch(actual);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => matchesPartially(context, actual[i], item))
    );
  }
  if (isPlainObject(expected)) {
    if (typeof actual !== "object" || actual === null) return false;
    return Object.keys(expected).every((key) => matchesPartially(context, (actual as Record<string, unknown>)[key], expected[key]));
  }
  if (context.equals !== undefined) return context.equals(actual, expected);
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  return Object.is(actual, expected);
}

/**
 * A value on one line as compact JSON, at most `max` characters: an
 * asymmetric matcher as it names itself (`StringMatching /^i-/`), bytes by their length.
 */
function print(value: unknown, max = 200): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
        const original = key === "" ? value : this[key];
        if (isAsymmetric(original)) {
          const named = original as { toAsymmetricMatcher?: () => string; toString(): string };
          return typeof named.toAsymmetricMatcher === "function" ? named.toAsymmetricMatcher() : named.toString();
        }
        if (original instanceof Uint8Array) return `<${original.byteLength} bytes>`;
        return item;
      }) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An action as the matchers name it: bare for EC2's, qualified for the other services' (`autoscaling:DescribeTags`). */
function label(call: Pick<Ec2MockCall, "service" | "action">): string {
  return call.service === "ec2" ? call.action : `${call.service}:${call.action}`;
}

/** The most calls a failure message lists (the latest ones). */
const LISTED = 30;

/** The calls the mock received, one a line, for a failure message. */
function listCalls(calls: readonly Ec2MockCall[]): string {
  if (calls.length === 0) return "It received no calls.";
  const first = Math.max(0, calls.length - LISTED);
  const lines = calls.slice(first).map((call, i) => {
    const outcome =
      call.error !== undefined
        ? `→ ${call.error.name}${call.error.statusCode === 0 ? "" : ` (${call.error.statusCode})`}`
        : call.output !== undefined || call.outputDropped === true
          ? "→ answered"
          : "";
    return `  ${first + i + 1}. ${label(call)} ${print(call.input)} ${outcome} [${call.door}, ${call.region}]`;
  });
  const skipped = first === 0 ? [] : [`  … ${first} earlier call(s) not shown`];
  return [`Calls received (${calls.length}):`, ...skipped, ...lines].join("\n");
}

/** The calls of one action (named as `ec2.calls({ action })` takes it), and its label. */
function callsOf(mock: Ec2Mock, action: string): { calls: readonly Ec2MockCall[]; name: string } {
  const named = splitAction(action, undefined);
  return { calls: mock.calls({ action }), name: label(named) };
}

function withInput(input: unknown): string {
  return input === undefined ? "" : ` with ${print(input, 400)}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/**
 * The matchers, for `expect.extend` (`ec2-mock/vitest` and `ec2-mock/jest`
 * call it; use them in other runners alike). Each receives the mock.
 * @public
 */
export const ec2Matchers = {
  /** Passes when the instance is in `state` now (mock time). */
  toHaveInstanceInState(received: unknown, instanceId: string, state: InstanceStateName): MatcherResult {
    if (!isMock(received)) return notAMock("toHaveInstanceInState", received);
    let actual: string;
    try {
      const inspection = received.inspect(instanceId);
      actual = inspection.state;
      const detail = inspection.stopping?.obstacle === undefined ? "" : ` (held up: ${inspection.stopping.obstacle})`;
      return {
        pass: actual === state,
        message: () =>
          actual === state
            ? `expected instance ${instanceId} not to be ${state}, but it is`
            : `expected instance ${instanceId} to be ${state}, but it is ${actual}${detail}`,
        actual,
        expected: state,
      };
    } catch (error) {
      return { pass: false, message: () => `expected instance ${instanceId} to be ${state}, but ${(error as Error).message}` };
    }
  },

  /**
   * Passes when the instance's timeline went through `states` in this
   * order, as a subsequence: other states may come between and before or
   * after them, so `["running", "stopped"]` passes for
   * pending → running → stopping → stopped, and `["stopped", "running"]`
   * fails for it. A reboot (running → running) adds no state.
   */
  toHaveTransitioned(received: unknown, instanceId: string, states: readonly InstanceStateName[]): MatcherResult {
    if (!isMock(received)) return notAMock("toHaveTransitioned", received);
    try {
      const { timeline, timelineDropped } = received.inspect(instanceId);
      const kept = timelineDropped === undefined ? "" : ` (its latest; ${timelineDropped} earlier transitions dropped by timelineLimit)`;
      const seen = [timeline[0]?.from, ...timeline.filter((t) => t.from !== t.to).map((t) => t.to)].filter(
        (s): s is InstanceStateName => s !== undefined,
      );
      const pass = isSubsequence(states, seen);
      return {
        pass,
        message: () =>
          pass
            ? `expected instance ${instanceId} not to have gone through ${states.join(" → ")}, but it did: ${seen.join(" → ")}`
            : `expected instance ${instanceId} to have gone through ${states.join(" → ")}, but its timeline${kept} is ${seen.join(" → ")}`,
        actual: seen,
        expected: states,
      };
    } catch (error) {
      return { pass: false, message: () => `expected instance ${instanceId} to have transitioned, but ${(error as Error).message}` };
    }
  },

  /**
   * Passes when the mock received a call of `action` (`"RunInstances"`, or
   * qualified for another service: `"autoscaling:CreateAutoScalingGroup"`),
   * answered or refused, whose input matches `input` partially (at every
   * depth; asymmetric matchers honoured), if given.
   */
  toHaveReceivedCall(this: unknown, received: unknown, action: string, input?: object): MatcherResult {
    if (!hasHistory(received)) return notAMock("toHaveReceivedCall", received);
    const context = contextOf(this);
    const { calls, name } = callsOf(received, action);
    const index = calls.findIndex((call) => input === undefined || matchesPartially(context, call.input, input));
    const pass = index >= 0;
    return {
      pass,
      message: () =>
        pass
          ? `expected ec2-mock not to have received ${name}${withInput(input)}, but it did (its ${ordinal(index + 1)} ${name} call: ${print(calls[index]!.input)})`
          : `expected ec2-mock to have received ${name}${withInput(input)}, but it did not.\n${listCalls(received.calls())}`,
    };
  },

  /** Passes when the mock received exactly `times` calls of `action` (answered or refused). */
  toHaveReceivedCallTimes(received: unknown, action: string, times: number): MatcherResult {
    if (!hasHistory(received)) return notAMock("toHaveReceivedCallTimes", received);
    const { calls, name } = callsOf(received, action);
    const pass = calls.length === times;
    return {
      pass,
      message: () =>
        pass
          ? `expected ec2-mock not to have received ${name} ${times} time(s), but it did`
          : `expected ec2-mock to have received ${name} ${times} time(s), but it received it ${calls.length} time(s).\n${listCalls(received.calls())}`,
      actual: calls.length,
      expected: times,
    };
  },

  /** Passes when the `n`th call of `action` (from 1) had an input matching `input` partially. */
  toHaveReceivedNthCallWith(this: unknown, received: unknown, n: number, action: string, input: object): MatcherResult {
    if (!hasHistory(received)) return notAMock("toHaveReceivedNthCallWith", received);
    const context = contextOf(this);
    const { calls, name } = callsOf(received, action);
    const call = Number.isInteger(n) && n >= 1 ? calls[n - 1] : undefined;
    const pass = call !== undefined && matchesPartially(context, call.input, input);
    return {
      pass,
      message: () =>
        pass
          ? `expected the ${ordinal(n)} ${name} call not to be${withInput(input)}, but it was`
          : call === undefined
            ? `expected the ${ordinal(n)} ${name} call to be${withInput(input)}, but ec2-mock received ${calls.length} ${name} call(s).\n${listCalls(received.calls())}`
            : `expected the ${ordinal(n)} ${name} call to be${withInput(input)}, but it was ${print(call.input, 400)}.\n${listCalls(received.calls())}`,
      ...(call !== undefined && { actual: call.input, expected: input }),
    };
  },

  /** Passes when the last call of `action` had an input matching `input` partially. */
  toHaveReceivedLastCallWith(this: unknown, received: unknown, action: string, input: object): MatcherResult {
    if (!hasHistory(received)) return notAMock("toHaveReceivedLastCallWith", received);
    const context = contextOf(this);
    const { calls, name } = callsOf(received, action);
    const call = calls.at(-1);
    const pass = call !== undefined && matchesPartially(context, call.input, input);
    return {
      pass,
      message: () =>
        pass
          ? `expected the last ${name} call not to be${withInput(input)}, but it was`
          : call === undefined
            ? `expected the last ${name} call to be${withInput(input)}, but ec2-mock received no ${name} call.\n${listCalls(received.calls())}`
            : `expected the last ${name} call to be${withInput(input)}, but it was ${print(call.input, 400)}.\n${listCalls(received.calls())}`,
      ...(call !== undefined && { actual: call.input, expected: input }),
    };
  },
};

/**
 * The matchers' signatures on `expect(ec2)` (vitest's and jest's).
 * @public
 */
export interface Ec2Matchers<R = unknown> {
  /** The instance is in `state` now (mock time). */
  toHaveInstanceInState(instanceId: string, state: InstanceStateName): R;
  /**
   * The instance's timeline went through `states` in this order, as a
   * subsequence: other states may come between, before and after them.
   */
  toHaveTransitioned(instanceId: string, states: readonly InstanceStateName[]): R;
  /**
   * The mock received a call of `action` (`"RunInstances"`;
   * `"autoscaling:CreateAutoScalingGroup"` for another service), answered or
   * refused, whose input matches `input` partially at every depth (asymmetric matchers honoured).
   */
  toHaveReceivedCall(action: string, input?: object): R;
  /** The mock received exactly `times` calls of `action`. */
  toHaveReceivedCallTimes(action: string, times: number): R;
  /** The `n`th call of `action` (from 1) had an input matching `input` partially. */
  toHaveReceivedNthCallWith(n: number, action: string, input: object): R;
  /** The last call of `action` had an input matching `input` partially. */
  toHaveReceivedLastCallWith(action: string, input: object): R;
}
