import type { DescribeVpcEndpointsCommandInput, DescribeVpcsCommandInput } from "@aws-sdk/client-ec2";
import { describe, expectTypeOf, test } from "vitest";
import {
  createEc2Mock,
  type Ec2ActionInput,
  type Ec2ActionName,
  type Ec2ActionOutput,
  type Ec2MockCallContext,
  Ec2MockServiceError,
} from "../src/index.js";

describe("overrides are typed from the SDK's commands", () => {
  test("names, inputs and outputs", () => {
    expectTypeOf<"DescribeVpcs">().toMatchTypeOf<Ec2ActionName>();
    expectTypeOf<"DescribeVpcEndpoints">().toMatchTypeOf<Ec2ActionName>();
    expectTypeOf<"DescribeUnicorns">().not.toMatchTypeOf<Ec2ActionName>();
    expectTypeOf<"$">().not.toMatchTypeOf<Ec2ActionName>();
    expectTypeOf<Ec2ActionInput<"DescribeVpcs">>().toEqualTypeOf<DescribeVpcsCommandInput>();
    expectTypeOf<Ec2ActionInput<"DescribeVpcEndpoints">>().toEqualTypeOf<DescribeVpcEndpointsCommandInput>();
    expectTypeOf<Ec2ActionOutput<"DescribeVpcs">>().not.toHaveProperty("$metadata");
    expectTypeOf<Ec2ActionOutput<"StopInstances">>().toHaveProperty("StoppingInstances");
    // Every action of the SDK has its input and output (none inferred as never).
    type Untyped = {
      [A in Ec2ActionName]: [Ec2ActionOutput<A>] extends [never] ? A : [Ec2ActionInput<A>] extends [never] ? A : never;
    }[Ec2ActionName];
    expectTypeOf<Untyped>().toEqualTypeOf<never>();
  });

  test("a handler gets the input and the call, and returns the output, undefined, or a promise of either", () => {
    const ec2 = createEc2Mock({ overrides: { DescribeVpcs: () => ({ Vpcs: [] }) } });
    const remove = ec2.use({
      DescribeVpcs: (input, call) => {
        expectTypeOf(input).toEqualTypeOf<DescribeVpcsCommandInput>();
        expectTypeOf(call).toEqualTypeOf<Ec2MockCallContext>();
        return input.VpcIds === undefined ? undefined : { Vpcs: [{ VpcId: input.VpcIds[0] }] };
      },
      DescribeVpcEndpoints: async () => ({ VpcEndpoints: [{ VpcEndpointId: "vpce-1" }] }),
      "elasticloadbalancing:DescribeTargetGroups": () => ({ TargetGroups: [] }),
      "sts:GetCallerIdentity": () => undefined,
    });
    expectTypeOf(remove).toEqualTypeOf<() => void>();
    ec2.use({ StopInstances: () => ({}) }, { once: true });
    ec2.resetOverrides();
    new Ec2MockServiceError("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist");
    new Ec2MockServiceError("Unavailable", "Try again", 503);
  });

  test("a wrong output, a wrong input member or an unknown action is a compile error", () => {
    const ec2 = createEc2Mock();
    // @ts-expect-error Vpcs is a list of Vpc
    ec2.use({ DescribeVpcs: () => ({ Vpcs: "none" }) });
    // @ts-expect-error DescribeVpcs answers no Reservations
    ec2.use({ DescribeVpcs: () => ({ Reservations: [] }) });
    // @ts-expect-error the input has no InstanceIds
    ec2.use({ DescribeVpcs: (input) => ({ Vpcs: input.InstanceIds }) });
    // @ts-expect-error no such EC2 action
    ec2.use({ DescribeUnicorns: () => ({}) });
    // @ts-expect-error no such service
    ec2.use({ "lambda:Invoke": () => ({}) });
    // @ts-expect-error a handler is a function
    ec2.use({ DescribeVpcs: { Vpcs: [] } });
    // @ts-expect-error the function policy returns an object or nothing
    createEc2Mock({ onUnhandledCommand: () => "answer" });
  });
});
