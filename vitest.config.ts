import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: { include: ["types/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // The SDK warns once per process about Node 20; the warning is not ours to test.
    env: { AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: "1" },
  },
});
