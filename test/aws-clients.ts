/**
 * An EC2Client, an AutoScalingClient and an ElasticLoadBalancingV2Client on
 * one mock through one door: the plugin on each client, the mock's
 * httpHandler, or its server (signed with the test key). The tests of the
 * AWS services beside EC2 open their worlds with it.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Ec2Mock } from "../src/index.js";

/** The three doors an AWS client reaches the mock through. */
export const AWS_DOORS = ["plugin", "httpHandler", "server"] as const;

/** One of {@link AWS_DOORS}. */
export type AwsDoor = (typeof AWS_DOORS)[number];

/** The test key the wire doors sign with. */
export const TEST_KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

/** The three clients, and how to let them go (and the server, for that door). */
export interface AwsClients {
  readonly client: EC2Client;
  readonly asg: AutoScalingClient;
  readonly elb: ElasticLoadBalancingV2Client;
  close(): Promise<void>;
}

/** The three clients of `region` on `ec2`, through `door`. */
export async function awsClients(ec2: Ec2Mock, door: AwsDoor, region: string): Promise<AwsClients> {
  let config: object;
  let closeServer = async () => {};
  if (door === "plugin") config = { region };
  else if (door === "httpHandler") config = { region, credentials: TEST_KEYS, requestHandler: ec2.httpHandler(), maxAttempts: 1 };
  else {
    const server = await ec2.listen();
    closeServer = () => server.close();
    config = { region, credentials: TEST_KEYS, endpoint: server.url, maxAttempts: 1 };
  }
  const client = new EC2Client(config);
  const asg = new AutoScalingClient(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  if (door === "plugin") {
    client.middlewareStack.use(ec2);
    asg.middlewareStack.use(ec2);
    elb.middlewareStack.use(ec2);
  }
  return {
    client,
    asg,
    elb,
    async close() {
      client.destroy();
      asg.destroy();
      elb.destroy();
      await closeServer();
    },
  };
}
