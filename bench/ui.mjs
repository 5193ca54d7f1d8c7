// The web view's figures (issue 21), printed, never failing: the page's
// size, the size and server time of `GET /_mock/ui/data` for a fleet of
// 10,000 instances, and in headless chromium the time from navigation to
// the first rows drawn, and the time to draw a frame after a jump of the
// table's scroll (the virtualized rows and the timeline's visible lanes).
// Needs Debian's chromium (/usr/bin/chromium, or EC2_MOCK_CHROMIUM) and the
// build: `npm run bench:ui` (or `node bench/ui.mjs` after `npm run build`);
// `UI_BENCH_SIZE=1000` for another fleet size. The chromium figures are
// printed beside their budgets (10,000 instances on a two-core machine):
// the first rows drawn within 5 s of navigation, a scroll jump drawn
// within 50 ms (median): smooth enough to read a fleet by scrolling.
import { performance } from "node:perf_hooks";
import { EC2Client, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { createEc2Mock, LINUX_AMI_ID } from "ec2-mock";
import { chromium } from "playwright-core";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const SIZE = Number(process.env.UI_BENCH_SIZE ?? 10_000);
const executablePath = process.env.EC2_MOCK_CHROMIUM ?? "/usr/bin/chromium";
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(1)} ms`;

const ec2 = createEc2Mock({ timing: "instant", network: { vpcCidr: "10.0.0.0/8" } });
const client = new EC2Client({ region: "us-east-1" });
client.middlewareStack.use(ec2);
const zones = ["a", "b", "c", "d", "f"]; // t3.micro is not offered in us-east-1e
for (let g = 0; g < SIZE / 100; g++) {
  const out = await client.send(
    new RunInstancesCommand({
      ImageId: LINUX_AMI_ID,
      InstanceType: "t3.micro",
      MinCount: 100,
      MaxCount: 100,
      Placement: { AvailabilityZone: `us-east-1${zones[g % zones.length]}` },
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: `group-${g}` }] }],
    }),
  );
  await client.send(new StopInstancesCommand({ InstanceIds: out.Instances.slice(0, 10).map((i) => i.InstanceId) }));
}
await ec2.settle();
const server = await ec2.listen();
const rows = [];
try {
  const page = await (await fetch(`${server.url}/_mock/ui`)).text();
  rows.push(["page (GET /_mock/ui), uncompressed", `${(Buffer.byteLength(page) / 1024).toFixed(1)} KiB (limit 150 KiB)`]);
  const times = [];
  let bytes = 0;
  let etag = "";
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    const answer = await fetch(`${server.url}/_mock/ui/data`);
    bytes = Buffer.byteLength(await answer.text());
    etag = answer.headers.get("etag");
    times.push(performance.now() - start);
  }
  rows.push([`GET /_mock/ui/data, ${SIZE} instances`, `${(bytes / 1024 / 1024).toFixed(2)} MiB in ${ms(median(times))} (median of 7)`]);
  const unchanged = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    const answer = await fetch(`${server.url}/_mock/ui/data`, { headers: { "if-none-match": etag } });
    await answer.text();
    if (answer.status !== 304) throw new Error(`expected 304, got ${answer.status}`);
    unchanged.push(performance.now() - start);
  }
  rows.push(["the same poll while nothing changed (304)", `${ms(median(unchanged))} (median of 7)`]);

  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  try {
    const loads = [];
    let frames = [];
    for (let round = 0; round < 3; round++) {
      const tab = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const start = performance.now();
      await tab.goto(`${server.url}/_mock/ui`);
      await tab.locator("#row-0").waitFor({ timeout: 120_000 });
      loads.push(performance.now() - start);
      // 40 jumps of the scroll, each timed to the end of the next frame.
      frames = await tab.evaluate(`(async () => {
        const grid = document.getElementById("grid");
        const out = [];
        for (let i = 0; i < 40; i++) {
          const start = performance.now();
          grid.scrollTop = Math.floor(Math.random() * grid.scrollHeight);
          grid.dispatchEvent(new Event("scroll"));
          await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
          out.push(performance.now() - start);
        }
        return out;
      })()`);
      await tab.close();
    }
    rows.push([`chromium: navigation to the first rows drawn, ${SIZE} instances`, `${ms(median(loads))} (median of 3; budget 5000 ms)`]);
    rows.push([
      "chromium: a scroll jump to the next frame drawn",
      `${ms(median(frames))} median (budget 50 ms), ${ms(Math.max(...frames))} worst of 40`,
    ]);
  } finally {
    await browser.close();
  }
} finally {
  await server.close();
}
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
