/**
 * The launches and reads the Spot tests share: a Spot Instance of one type
 * in one zone through RunInstances' InstanceMarketOptions or through
 * RequestSpotInstances, and the request or instance as Describe shows it.
 */
import {
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  type DescribeSpotInstanceRequestsCommandInput,
  type EC2Client,
  type Instance,
  RequestSpotInstancesCommand,
  type RequestSpotInstancesCommandInput,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type SpotInstanceRequest,
} from "@aws-sdk/client-ec2";
import { LINUX_AMI_ID } from "../src/index.js";

/** The instance type the Spot tests launch. */
export const SPOT_TYPE = "m5.large";
/** The zone the Spot tests launch in. */
export const SPOT_ZONE = "us-east-1a";

/** RunInstances of one Spot Instance with these SpotOptions (and any other members). */
export function runSpot(client: EC2Client, spot: Record<string, unknown> = {}, more: Partial<RunInstancesCommandInput> = {}) {
  return client.send(
    new RunInstancesCommand({
      ImageId: LINUX_AMI_ID,
      InstanceType: SPOT_TYPE,
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: SPOT_ZONE },
      InstanceMarketOptions: { MarketType: "spot", SpotOptions: spot },
      ...more,
    } as RunInstancesCommandInput),
  );
}

/** RequestSpotInstances of the tests' type in their zone, with these members. */
export function requestSpot(client: EC2Client, input: Partial<RequestSpotInstancesCommandInput> = {}) {
  return client.send(
    new RequestSpotInstancesCommand({
      LaunchSpecification: { ImageId: LINUX_AMI_ID, InstanceType: SPOT_TYPE, Placement: { AvailabilityZone: SPOT_ZONE } },
      ...input,
    } as RequestSpotInstancesCommandInput),
  );
}

/** DescribeSpotInstanceRequests' list. */
export async function spotRequests(
  client: EC2Client,
  input: DescribeSpotInstanceRequestsCommandInput = {},
): Promise<SpotInstanceRequest[]> {
  return (await client.send(new DescribeSpotInstanceRequestsCommand(input))).SpotInstanceRequests!;
}

/** One request as DescribeSpotInstanceRequests shows it. */
export async function spotRequest(client: EC2Client, id: string): Promise<SpotInstanceRequest> {
  return (await spotRequests(client, { SpotInstanceRequestIds: [id] }))[0]!;
}

/** One instance as DescribeInstances shows it. */
export async function describedInstance(client: EC2Client, id: string): Promise<Instance> {
  return (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
}
