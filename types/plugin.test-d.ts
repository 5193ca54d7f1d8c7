import { EC2Client, type Image, type ServiceInputTypes, type ServiceOutputTypes } from "@aws-sdk/client-ec2";
import type { Pluggable } from "@smithy/types";
import { describe, expectTypeOf, test } from "vitest";
import {
  createEc2Mock,
  type Ec2Mock,
  type Ec2MockOptions,
  LINUX_AMI_ID,
  type RequestLogEntry,
  type ServedDoor,
  type SettleReport,
} from "../src/index.js";

describe("the public API's types", () => {
  test("the mock is a Pluggable that an EC2Client's stack accepts", () => {
    const client = new EC2Client({ region: "us-east-1" });
    const ec2 = createEc2Mock();
    client.middlewareStack.use(ec2);
    expectTypeOf(ec2).toMatchTypeOf<Pluggable<ServiceInputTypes, ServiceOutputTypes>>();
    expectTypeOf(ec2.advance).parameters.toEqualTypeOf<[ms: number]>();
    expectTypeOf(ec2.settle).returns.toEqualTypeOf<Promise<SettleReport>>();
    expectTypeOf(ec2.reset).returns.toEqualTypeOf<void>();
    expectTypeOf(LINUX_AMI_ID).toBeString();
  });

  test("options are typed", () => {
    expectTypeOf<Ec2MockOptions["timing"]>().toMatchTypeOf<"realistic" | "instant" | object | undefined>();
    createEc2Mock({ region: "eu-west-1", accountId: "123456789012", timing: "instant" });
    createEc2Mock({ timing: { launch: 1_000, stop: { windows: 90_000 } } });
    createEc2Mock({ images: [{ ImageId: "ami-0123456789abcdef0", RootDeviceType: "instance-store" }] });
    // EC2 sends lowercase "windows"; the option takes it as well as the SDK enum's spelling.
    createEc2Mock({ images: [{ ImageId: "ami-0fedcba9876543210", Platform: "windows" }] });
    const sdkImage: Image = { ImageId: "ami-0fedcba9876543210", Platform: "Windows" };
    createEc2Mock({ images: [sdkImage] });
    createEc2Mock({ onUnhandledCommand: (name: string, input: unknown) => void [name, input] });

    // @ts-expect-error an unknown timing profile
    createEc2Mock({ timing: "fast" });
    // @ts-expect-error a duration must be a number
    createEc2Mock({ timing: { stop: "slow" } });
    // @ts-expect-error an unknown duration
    createEc2Mock({ timing: { nap: 1 } });
    // @ts-expect-error an unknown policy
    createEc2Mock({ onUnhandledCommand: "ignore" });
    // @ts-expect-error the high byte is a number
    createEc2Mock({ stateCodeHighByte: "1" });
  });

  test("httpHandler() is a requestHandler an EC2Client accepts; listen() resolves to a url and close()", () => {
    const ec2 = createEc2Mock();
    new EC2Client({ region: "us-east-1", requestHandler: ec2.httpHandler(), credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    expectTypeOf(ec2.listen).parameters.toEqualTypeOf<
      [
        options?: {
          port?: number;
          host?: string;
          allowedHosts?: readonly string[];
          allowedOrigins?: readonly string[];
          maxConnections?: number;
          onRequest?: (entry: RequestLogEntry) => void;
          verifySignatures?: boolean;
          stateFile?: string;
          doors?: readonly ServedDoor[];
        },
      ]
    >();
    expectTypeOf(ec2.listen).returns.resolves.toEqualTypeOf<{ readonly url: string; close(): Promise<void> }>();
  });

  test("the factory returns Ec2Mock", () => {
    expectTypeOf(createEc2Mock).returns.toEqualTypeOf<Ec2Mock>();
  });
});
