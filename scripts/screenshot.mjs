// Regenerates docs/ui.png, the web view in the README: a demo fleet (as
// examples/demo.mjs: Linux web servers, a Windows host whose Shutdown Event
// Tracker holds its stop, a hibernated worker, a forced stop, a
// termination), served by `ec2.listen()`, opened at /_mock/ui in Debian's
// headless chromium (playwright-core, /usr/bin/chromium or EC2_MOCK_CHROMIUM;
// nothing downloaded). Needs the build: `npm run build && node scripts/screenshot.mjs`.
import { fileURLToPath } from "node:url";
import {
  EC2Client,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { createEc2Mock, LINUX_AMI_ID, WINDOWS_AMI_ID } from "ec2-mock";
import { chromium } from "playwright-core";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const out = fileURLToPath(new URL("../docs/ui.png", import.meta.url));
const executablePath = process.env.EC2_MOCK_CHROMIUM ?? "/usr/bin/chromium";

const ec2 = createEc2Mock();
const client = new EC2Client({ region: "us-east-1" });
client.middlewareStack.use(ec2);

async function launch(name, input, count = 1) {
  const { Instances } = await client.send(
    new RunInstancesCommand({
      MinCount: count,
      MaxCount: count,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }],
      ...input,
    }),
  );
  return Instances.map((i) => i.InstanceId);
}

const web = await launch("linux-web", { ImageId: LINUX_AMI_ID, InstanceType: "t3.micro" }, 3);
const [win] = await launch("windows-host", { ImageId: WINDOWS_AMI_ID, InstanceType: "m5.large" });
const [worker] = await launch("linux-worker", {
  ImageId: LINUX_AMI_ID,
  InstanceType: "m5.large",
  HibernationOptions: { Configured: true },
});
const [db] = await launch("db", { ImageId: LINUX_AMI_ID, InstanceType: "r6i.large", Placement: { AvailabilityZone: "us-east-1b" } });
const [batch] = await launch("batch", { ImageId: LINUX_AMI_ID, InstanceType: "c6i.xlarge", Placement: { AvailabilityZone: "us-east-1c" } });
await client.send(new ModifyInstanceAttributeCommand({ InstanceId: db, DisableApiTermination: { Value: true } }));
ec2.advance(60_000);

ec2.guest(win).configure({ shutdownEventTracker: true });
await client.send(new StopInstancesCommand({ InstanceIds: [web[2], win] }));
ec2.advance(45_000);
await client.send(new StopInstancesCommand({ InstanceIds: [worker], Hibernate: true }));
ec2.advance(40_000);
await client.send(new TerminateInstancesCommand({ InstanceIds: [batch] }));
ec2.advance(30_000);
await client.send(new StartInstancesCommand({ InstanceIds: [web[2]] }));
ec2.advance(20_000);
await client.send(new StopInstancesCommand({ InstanceIds: [db] }));
ec2.advance(5_000);

const server = await ec2.listen();
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, colorScheme: "light" });
  await page.goto(`${server.url}/_mock/ui`);
  await page.locator("#row-0").waitFor();
  // The Windows host, held up by its Shutdown Event Tracker, selected: its detail and console below.
  await page.locator(".row", { hasText: "windows-host" }).click();
  await page.locator("#detailBody pre").filter({ hasText: "Shutdown held up" }).waitFor();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
