import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { createEc2Mock, LINUX_AMI_ID, type RunningServer } from "../src/index.js";

const saved = { ...process.env };
let server: RunningServer | undefined;

afterEach(async () => {
  process.env = { ...saved };
  await server?.close();
  server = undefined;
});

describe("the SDK pointed at the server by AWS_ENDPOINT_URL_EC2", () => {
  it("reaches the mock with no endpoint in code, as a user's unchanged application would", async () => {
    const ec2 = createEc2Mock();
    server = await ec2.listen();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EC2: server.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
    });
    const client = new EC2Client({});
    try {
      const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1, MaxCount: 1 }));
      const id = run.Instances![0]!.InstanceId!;
      await ec2.settle();
      const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(out.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 16, Name: "running" });
      expect(out.$metadata.httpStatusCode).toBe(200);
    } finally {
      client.destroy();
    }
  });
});
