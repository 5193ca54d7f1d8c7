import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The jest and node:test examples, run as their users run them, each in its
 * own process against the built package (`npm test` builds dist/ first). They
 * import "ec2-mock" by name: inside this repository the package resolves
 * itself through its exports map, so they see dist/, as a consumer would.
 */
const root = resolve(import.meta.dirname, "..");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};
// vitest sets these in its workers; a child test runner must not inherit them.
delete env.VITEST;
delete env.VITEST_WORKER_ID;
delete env.VITEST_POOL_ID;
delete env.NODE_OPTIONS;

function run(args: string[]) {
  const out = spawnSync(process.execPath, args, { cwd: root, env, encoding: "utf8", timeout: 120_000 });
  return { status: out.status, output: `${out.stdout}\n${out.stderr}` };
}

describe("the examples for other test runners", () => {
  it("dist/ is built (the test command builds it first)", () => {
    expect(existsSync(join(root, "dist/cjs/index.js")) && existsSync(join(root, "dist/esm/index.js"))).toBe(true);
  });

  it("jest 29 runs examples/jest (CommonJS, fake timers with a waiter, ec2-mock/jest's matchers, overrides, the adapter): 6 passed", () => {
    const { status, output } = run([join(root, "node_modules/jest/bin/jest.js"), "--config", "examples/jest/jest.config.cjs", "--ci"]);
    expect(output).toMatch(/Tests:\s+6 passed, 6 total/);
    expect(status, output).toBe(0);
  }, 120_000);

  it("node --test runs examples/node-test (ES modules and CommonJS): 4 passed", () => {
    // Files named explicitly: Node 20 accepts a folder, Node 22 treats arguments as globs.
    const { status, output } = run([
      "--test",
      "--test-reporter=tap",
      "examples/node-test/lifecycle.test.mjs",
      "examples/node-test/lifecycle.test.cjs",
    ]);
    expect(output).toMatch(/^# pass 4$/m);
    expect(output).toMatch(/^# fail 0$/m);
    expect(status, output).toBe(0);
  }, 120_000);
});
