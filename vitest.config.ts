import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: { include: ["types/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ["default", ["json", { outputFile: ".vitest-results.json" }]],
    // The SDK warns once per process about Node 20; the warning is not ours to test.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
