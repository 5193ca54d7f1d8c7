/**
 * jest matchers for ec2-mock: the matchers of `ec2-mock/vitest`, without
 * vitest. Load it where jest's global `expect` exists, once per test file:
 * `setupFilesAfterEnv: ["ec2-mock/jest"]` in jest's configuration (or
 * `require("ec2-mock/jest")` at the top of a test file).
 *
 * ```js
 * expect(ec2).toHaveInstanceInState(id, "stopped");
 * expect(ec2).toHaveTransitioned(id, ["running", "stopping", "stopped"]);
 * expect(ec2).toHaveReceivedCall("StopInstances", { InstanceIds: [id] });
 * ```
 *
 * Types: the matchers are declared on `@types/jest`'s global `jest.Matchers`
 * and on the `expect` package's `Matchers` (what `@jest/globals` gives).
 *
 * @packageDocumentation
 */
export { type Ec2Matchers, ec2Matchers, type MatcherResult } from "./aws/ec2/observe/matchers.js";

// The `expect` package (jest's own, what `@jest/globals` gives) is named so that its Matchers can be augmented below.
import type {} from "expect";
import { type Ec2Matchers, ec2Matchers } from "./aws/ec2/observe/matchers.js";

/** jest's global `expect`, as far as this entry uses it. */
const jestExpect = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof jestExpect?.extend !== "function") {
  throw new Error(
    'ec2-mock/jest: no global `expect` to extend. Load it where jest runs tests: setupFilesAfterEnv: ["ec2-mock/jest"] in jest\'s configuration, or require("ec2-mock/jest") in a test file.',
  );
}
jestExpect.extend(ec2Matchers);

declare global {
  namespace jest {
    // biome-ignore lint/complexity/noBannedTypes: an augmentation repeats @types/jest's own declaration, `Matchers<R, T = {}>`
    interface Matchers<R, T = {}> extends Ec2Matchers<R> {}
  }
}

declare module "expect" {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends Ec2Matchers<R> {}
  interface AsymmetricMatchers extends Ec2Matchers<void> {}
}
