// jest 29 config for the example: Node environment, only this folder's tests.
// Run from the repository root: node node_modules/jest/bin/jest.js --config examples/jest/jest.config.cjs
/** @type {import("jest").Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: "node",
  testMatch: ["<rootDir>/**/*.test.cjs"],
  // The SDK warns once per process about Node 20; not what the example is about.
  setupFiles: ["<rootDir>/setup.cjs"],
  // ec2-mock's matchers on jest's expect (toHaveInstanceInState, toHaveReceivedCall, ...): ec2-mock/jest needs no vitest.
  setupFilesAfterEnv: ["ec2-mock/jest"],
};
