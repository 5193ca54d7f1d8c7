import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DisassociateAddressCommand,
  GetConsoleOutputCommand,
  ModifyInstanceAttributeCommand,
  RebootInstancesCommand,
  ReleaseAddressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { Ec2Error } from "../errors.js";
import { responseMetadata, toServiceException } from "./sdk-errors.js";

/**
 * What the adapter needs of aws-sdk-client-mock's `AwsStub`
 * (`mockClient(EC2Client)`): `on(Command)` returning a behaviour with
 * `callsFake`. Kept structural so the library needs no dependency on it.
 * @public
 */
export interface ClientStubLike {
  /** Routes one command class to a behaviour. */
  on(command: never): unknown;
}

/** The behaviour `on()` returns, as far as the adapter uses it. */
interface FakeableBehaviour {
  callsFake(fake: (input: unknown) => Promise<unknown>): unknown;
}

/** What the adapter needs of the mock. */
export interface AdapterDeps {
  /** The EC2 actions the mock implements. */
  actions: readonly string[];
  /** Runs an action through the engine (API faults included, so it may wait). */
  dispatch(action: string, input: unknown): object | Promise<object>;
  /** Mints a request id. */
  newRequestId(): string;
}


/**
 * The SDK's command class of every action the mock implements. Named
 * imports rather than `import * as sdk`: in the CommonJS bundle a namespace
 * import copies all ~5,000 of the SDK's exports on load, about 10 ms of
 * every user's import time (bench/README.md, figure f). test/adapter.test.ts
 * checks that this table covers the operations table.
 */
export const commandClasses: Readonly<Record<string, object>> = {
  RunInstances: RunInstancesCommand,
  StartInstances: StartInstancesCommand,
  StopInstances: StopInstancesCommand,
  RebootInstances: RebootInstancesCommand,
  TerminateInstances: TerminateInstancesCommand,
  CreateTags: CreateTagsCommand,
  DeleteTags: DeleteTagsCommand,
  DescribeInstanceAttribute: DescribeInstanceAttributeCommand,
  ModifyInstanceAttribute: ModifyInstanceAttributeCommand,
  DescribeInstances: DescribeInstancesCommand,
  DescribeInstanceStatus: DescribeInstanceStatusCommand,
  AllocateAddress: AllocateAddressCommand,
  AssociateAddress: AssociateAddressCommand,
  DisassociateAddress: DisassociateAddressCommand,
  ReleaseAddress: ReleaseAddressCommand,
  DescribeAddresses: DescribeAddressesCommand,
  DescribeVolumes: DescribeVolumesCommand,
  GetConsoleOutput: GetConsoleOutputCommand,
};

/**
 * Routes every command the mock implements, one by one, to the engine on an
 * aws-sdk-client-mock stub, so its call history (and the matchers of
 * aws-sdk-client-mock-vitest) sit on top of stateful behaviour. A stubbed
 * `send` bypasses every middleware, the mock's own plugin included; the
 * answers are the same objects the plugin returns. Commands the mock does
 * not implement keep whatever behaviour the stub gives them.
 */
export function adaptStub<T extends ClientStubLike>(stub: T, deps: AdapterDeps): T {
  for (const action of deps.actions) {
    const command = commandClasses[action];
    if (command === undefined) continue;
    (stub.on(command as never) as FakeableBehaviour).callsFake(async (input: unknown) => {
      const requestId = deps.newRequestId();
      try {
        return { ...(await deps.dispatch(action, input)), $metadata: responseMetadata(200, requestId) };
      } catch (error) {
        throw error instanceof Ec2Error ? toServiceException(error, requestId) : error;
      }
    });
  }
  return stub;
}
