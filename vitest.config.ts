import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: { include: ["types/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ["default", ["json", { outputFile: ".vitest-results.json" }]],
    // Timing belongs in benchmarks, never in a test: vitest's 5 s default failed a CI run on a loaded
    // two-core machine. A test that needs longer still says so; a hung one ends here.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The SDK warns once per process about Node 20; the warning is not ours to test.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
