import { DescribeInstancesCommand, RunInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Mock, LINUX_AMI_ID } from "/work/main/src/index.ts";
const ec2 = createEc2Mock({ timing: "instant" });
const client = new EC2Client({ region: "us-east-1" });
client.middlewareStack.use(ec2);
for (let k = 0; k < 20; k++) {
  await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI_ID, MinCount: 1000, MaxCount: 1000, Placement: { AvailabilityZone: `us-east-1${"abcde"[k % 5]}` },
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "team", Value: `t${k % 10}` }] }] }));
}
await ec2.settle();
for (const max of [undefined, 1000]) {
  const t = performance.now();
  const out = await client.send(new DescribeInstancesCommand({ MaxResults: max, Filters: [{ Name: "tag:team", Values: ["t3"] }, { Name: "instance-state-name", Values: ["running"] }] }));
  const n = out.Reservations!.reduce((a, r) => a + r.Instances!.length, 0);
  console.log(`max=${max} matched=${n} ms=${(performance.now() - t).toFixed(1)}`);
}
