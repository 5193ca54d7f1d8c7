// The quick-start demo: a real EC2Client with the ec2-mock plugin launches,
// stops, hibernates and terminates instances, and every transition is printed
// with its state code as DescribeInstances reports it, on the mock's clock.
// A Windows guest stuck on the Shutdown Event Tracker is freed by Force, and
// its next boot checks the disk.
import {
  DescribeInstancesCommand,
  EC2Client,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { createEc2Mock, LINUX_AMI_ID, WINDOWS_AMI_ID } from "ec2-mock";

// The SDK warns that its 2027 releases will need Node 22; that is not the demo's subject.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const ec2 = createEc2Mock(); // realistic timing: transitions take the time they take on EC2
const client = new EC2Client({ region: "us-east-1" });
client.middlewareStack.use(ec2);

const start = ec2.now();
const names = new Map();
const last = new Map();
const clock = () => `t+${String(Math.round((ec2.now() - start) / 1000)).padStart(4)}s`;
const show = (state) => `${state.Name}(${state.Code})`;

/** Describes the fleet and prints every state that changed since the last look. */
async function watch() {
  const { Reservations } = await client.send(new DescribeInstancesCommand({}));
  for (const instance of Reservations.flatMap((r) => r.Instances)) {
    const before = last.get(instance.InstanceId);
    if (before?.Name !== instance.State.Name) {
      const label = names.get(instance.InstanceId).padEnd(16);
      console.log(`${clock()}  ${label} ${before ? show(before) : "launched"} -> ${show(instance.State)}`);
      last.set(instance.InstanceId, instance.State);
    }
  }
}

/** Moves the mock's clock in 5 s steps, watching, for `seconds`. */
async function wait(seconds) {
  for (let t = 0; t < seconds; t += 5) {
    ec2.advance(5_000);
    await watch();
  }
}

async function launch(name, input) {
  const { Instances } = await client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ...input }));
  names.set(Instances[0].InstanceId, name);
  return Instances[0].InstanceId;
}

function say(text) {
  console.log(`${clock()}  -- ${text}`);
}

say("RunInstances: a Linux web server, a Windows host, a hibernation-ready worker");
const web = await launch("linux-web", { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" });
const win = await launch("windows-host", { ImageId: WINDOWS_AMI_ID, InstanceType: "m5.large" });
const worker = await launch("linux-worker", {
  ImageId: LINUX_AMI_ID,
  InstanceType: "m5.large",
  HibernationOptions: { Configured: true },
});
await watch();
await wait(30);

say("windows-host: the Shutdown Event Tracker will wait for a person to give a reason");
ec2.guest(win).configure({ shutdownEventTracker: true });

say("StopInstances (graceful) on linux-web and windows-host");
await client.send(new StopInstancesCommand({ InstanceIds: [web, win] }));
await watch();
await wait(45);
ec2.advance(10 * 60_000);
await watch();
say(`ten minutes later windows-host is still ${last.get(win).Name}: ${ec2.inspect(win).stopping.obstacle}`);

say("StopInstances with Force: true on windows-host cuts the power");
await client.send(new StopInstancesCommand({ InstanceIds: [win], Force: true }));
await watch();
await wait(5);
say(`windows-host file system after the power cut: ${ec2.inspect(win).fileSystem}`);

say("StopInstances with Hibernate: true on linux-worker");
await client.send(new StopInstancesCommand({ InstanceIds: [worker], Hibernate: true }));
await watch();
await wait(40);

say("StartInstances on linux-worker (resumes from hibernation)");
await client.send(new StartInstancesCommand({ InstanceIds: [worker] }));
await watch();
await wait(10);

say("StopInstances with Hibernate: true on linux-web, which was not configured for it:");
try {
  await client.send(new StopInstancesCommand({ InstanceIds: [web], Hibernate: true }));
} catch (error) {
  console.log(`${clock()}     ${error.name} (${error.$metadata.httpStatusCode}): ${error.message}`);
}

say("StartInstances on windows-host: the boot runs chkdsk first");
await client.send(new StartInstancesCommand({ InstanceIds: [win] }));
await watch();
await wait(120);
const { Output } = await client.send(new GetConsoleOutputCommand({ InstanceId: win }));
const chkdsk = Buffer.from(Output, "base64")
  .toString("utf8")
  .split("\r\n")
  .filter((line) => /file system|checked/i.test(line));
for (const line of chkdsk) console.log(`           console: ${line}`);

say("TerminateInstances on every instance");
await client.send(new TerminateInstancesCommand({ InstanceIds: [web, win, worker] }));
await watch();
await wait(40);
say("done: terminated instances stay visible for an hour, then DescribeInstances no longer knows them");
const bill = ec2.usage();
console.log(`           billed: ${bill.billedSeconds} instance-seconds, ${Math.round(bill.ebsGibSeconds)} EBS GiB-seconds`);
