/**
 * vitest matchers for ec2-mock: `import "ec2-mock/vitest"` once (for
 * example in a setup file) and assert on the mock itself.
 *
 * ```ts
 * expect(ec2).toHaveInstanceInState(id, "stopped");
 * expect(ec2).toHaveTransitioned(id, ["running", "stopping", "stopped"]);
 * ```
 *
 * @packageDocumentation
 */
import type { InstanceStateName } from "@aws-sdk/client-ec2";
import { expect } from "vitest";
import type { Ec2Mock } from "./aws/ec2/mock.js";

/**
 * The result shape of a vitest matcher.
 * @public
 */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

function isMock(value: unknown): value is Ec2Mock {
  return typeof value === "object" && value !== null && typeof (value as Ec2Mock).inspect === "function";
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

/**
 * The matchers, for `expect.extend` in runners other than vitest's global `expect`.
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
   * Passes when the instance's timeline went through `states` in this order
   * (other states may come between), e.g. `["running", "stopping", "stopped"]`.
   */
  toHaveTransitioned(received: unknown, instanceId: string, states: readonly InstanceStateName[]): MatcherResult {
    if (!isMock(received)) return notAMock("toHaveTransitioned", received);
    try {
      const timeline = received.inspect(instanceId).timeline;
      const seen = [timeline[0]?.from, ...timeline.filter((t) => t.from !== t.to).map((t) => t.to)].filter(
        (s): s is InstanceStateName => s !== undefined,
      );
      const pass = isSubsequence(states, seen);
      return {
        pass,
        message: () =>
          pass
            ? `expected instance ${instanceId} not to have gone through ${states.join(" → ")}, but it did: ${seen.join(" → ")}`
            : `expected instance ${instanceId} to have gone through ${states.join(" → ")}, but its timeline is ${seen.join(" → ")}`,
        actual: seen,
        expected: states,
      };
    } catch (error) {
      return { pass: false, message: () => `expected instance ${instanceId} to have transitioned, but ${(error as Error).message}` };
    }
  },
};

expect.extend(ec2Matchers);

/**
 * The matchers' signatures on vitest's `expect(...)`.
 * @public
 */
export interface Ec2Matchers<R = unknown> {
  /** The instance is in `state` now (mock time). */
  toHaveInstanceInState(instanceId: string, state: InstanceStateName): R;
  /** The instance's timeline went through `states` in order. */
  toHaveTransitioned(instanceId: string, states: readonly InstanceStateName[]): R;
}

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: an augmentation repeats vitest's own declaration, `Assertion<T = any>`
  interface Assertion<T = any> extends Ec2Matchers<T> {}
  interface AsymmetricMatchersContaining extends Ec2Matchers {}
}
