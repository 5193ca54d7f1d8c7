/**
 * vitest matchers for ec2-mock: `import "ec2-mock/vitest"` once (for
 * example in a setup file) and assert on the mock itself.
 *
 * ```ts
 * expect(ec2).toHaveInstanceInState(id, "stopped");
 * expect(ec2).toHaveTransitioned(id, ["running", "stopping", "stopped"]);
 * expect(ec2).toHaveReceivedCall("StopInstances", { InstanceIds: [id] });
 * ```
 *
 * jest users import `ec2-mock/jest` instead: the same matchers.
 *
 * @packageDocumentation
 */
export { type Ec2Matchers, ec2Matchers, type MatcherResult } from "./aws/ec2/observe/matchers.js";
import { expect } from "vitest";
import { type Ec2Matchers, ec2Matchers } from "./aws/ec2/observe/matchers.js";

expect.extend(ec2Matchers);

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: an augmentation repeats vitest's own declaration, `Assertion<T = any>`
  interface Assertion<T = any> extends Ec2Matchers<T> {}
  interface AsymmetricMatchersContaining extends Ec2Matchers {}
}
