/**
 * Figure (a)'s contenders, one definition for bench/run.mjs and the plugin
 * benchmarks (plugin-ab, plugin-alone, plugin-alloc, plugin-alloc-alone,
 * plugin-profile-ab): a Stop/Start cycle on one instance through the SDK
 * client with the mock's plugin, the same through the SDK's floor (a
 * constant output at the initialize step), and the plugin's middleware
 * called without the SDK.
 */
import { EC2Client, RunInstancesCommand, StartInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";

/** The instance the constant outputs name. */
export const FLOOR_ID = "i-0123456789abcdef0";

// What EC2 answers for one instance, the shape the mock returns. The SDK's own
// middleware walks an output after the initialize step (its logger filters it
// by schema), so an empty constant would make the floor cheaper for reasons
// that are not the mock.
const change = (from, to) => [
  { InstanceId: FLOOR_ID, CurrentState: { Code: to[0], Name: to[1] }, PreviousState: { Code: from[0], Name: from[1] } },
];
/** StopInstances' constant output. */
export const STOP_OUT = { StoppingInstances: change([16, "running"], [64, "stopping"]) };
/** StartInstances' constant output. */
export const START_OUT = { StartingInstances: change([80, "stopped"], [0, "pending"]) };
const constantOutputs = { StopInstancesCommand: STOP_OUT, StartInstancesCommand: START_OUT };

/** A Stop/Start cycle of `id` through `client`. */
export function sdkCycle(client, id) {
  return async () => {
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
  };
}

/** A client answered by the SDK's floor of (a): a constant output at the initialize step. */
export function floorClient() {
  const client = new EC2Client({ region: "us-east-1" });
  // Same step and priority as the plugin's middleware, so both skip the same part of the stack.
  const metadata = { httpStatusCode: 200, requestId: "r", attempts: 1, totalRetryDelay: 0 };
  client.middlewareStack.add(
    (_next, context) => async () => ({
      output: { ...constantOutputs[context.commandName], $metadata: metadata },
      response: { statusCode: 200, headers: {} },
    }),
    { step: "initialize", priority: "low", name: "constantOutput" },
  );
  return client;
}

/** A client with a mock of `mockModule` (a build's exports) plugged in, and one instance launched: `{ client, ec2, id }`. */
export async function pluginClient(mockModule, options = {}) {
  const ec2 = mockModule.createEc2Mock({ timing: "instant", ...options });
  const client = new EC2Client({ region: "us-east-1" });
  client.middlewareStack.use(ec2);
  const run = await client.send(new RunInstancesCommand({ ImageId: mockModule.LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
  return { client, ec2, id: run.Instances[0].InstanceId };
}

/**
 * The mock's own Stop/Start cycle without the SDK: the plugin's middleware
 * taken off a stand-in stack (with no auth step to find, the default Region
 * serves it) and called as the SDK calls it, the factory once per call, then
 * the handler.
 */
export async function middlewareCycle(mockModule, options = {}) {
  const { ec2, id } = await pluginClient(mockModule, options);
  let middleware;
  ec2.applyToStack({
    add: (m) => {
      middleware = m;
    },
    addRelativeTo() {},
    applyToStack() {},
    use() {},
    remove: () => false,
  });
  const next = async () => {
    throw new Error("the plugin passed the call on");
  };
  return async () => {
    await middleware(next, { clientName: "EC2Client", commandName: "StopInstancesCommand" })({ input: { InstanceIds: [id] } });
    await middleware(next, { clientName: "EC2Client", commandName: "StartInstancesCommand" })({ input: { InstanceIds: [id] } });
  };
}
