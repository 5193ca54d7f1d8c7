/**
 * The web view (issue 21): `GET /_mock/ui` (one self-contained page under
 * 150 KiB), `GET /_mock/ui/data` (the view, polled with an ETag),
 * `GET /_mock/ui/instance?id=` (guest and console), the web guard on all of
 * them, and `ec2.report()`. Then the page itself in a real browser: Debian's
 * chromium, driven headless by playwright-core with an explicit executable
 * path (nothing downloaded): no console errors, the instances API calls
 * created, a stop moving from `stopping` to `stopped` (row, event and band)
 * when the clock is advanced from the page, the keyboard, and a
 * 10,000-instance fleet (render time is measured in bench/ui.mjs, not here).
 *
 * Without /usr/bin/chromium the browser tests are skipped with a warning;
 * with EC2_MOCK_REQUIRE_BROWSER=1 (CI, .ci/run) they FAIL instead.
 */
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { EC2Client, ModifyInstanceAttributeCommand, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCvmMock } from "../src/cvm.js";
import { createEc2Mock, type Ec2Mock, LINUX_AMI_ID, type RunningServer, type WebView } from "../src/index.js";
import { useTempDir } from "./helpers.js";

const CHROMIUM = process.env.EC2_MOCK_CHROMIUM ?? "/usr/bin/chromium";
const browserRequired = process.env.EC2_MOCK_REQUIRE_BROWSER === "1";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    browserRequired
      ? `web-ui: ${CHROMIUM} is missing and EC2_MOCK_REQUIRE_BROWSER=1, so the browser tests FAIL`
      : `web-ui: ${CHROMIUM} is missing; the browser tests are skipped (apt-get install chromium)`,
  );
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (no Host unless given). */
function send(url: string, method: string, target: string, headers: Record<string, string>): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path: target, headers, setHost: false, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end();
  });
}

const hostOf = (url: string) => new URL(url).host;

function clientOf(ec2: Ec2Mock): EC2Client {
  const client = new EC2Client({ region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } });
  client.middlewareStack.use(ec2);
  return client;
}

async function launch(client: EC2Client, count: number, name: string): Promise<string[]> {
  const out = await client.send(
    new RunInstancesCommand({
      ImageId: LINUX_AMI_ID,
      InstanceType: "t3.micro",
      MinCount: count,
      MaxCount: count,
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }],
    }),
  );
  return out.Instances!.map((i) => i.InstanceId!);
}

describe("GET /_mock/ui, /_mock/ui/data, /_mock/ui/instance", () => {
  let ec2: Ec2Mock;
  let server: RunningServer;
  let ids: string[];
  beforeAll(async () => {
    ec2 = createEc2Mock();
    const client = clientOf(ec2);
    ids = await launch(client, 2, "web");
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: ids[0]!, DisableApiTermination: { Value: true } }));
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [ids[1]!] }));
    server = await ec2.listen();
  });
  afterAll(() => server.close());

  it("serves one self-contained page under 150 KiB, with headers that forbid framing and any load but its own", async () => {
    const answer = await send(server.url, "GET", "/_mock/ui", { host: hostOf(server.url) });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(answer.headers["x-frame-options"]).toBe("DENY");
    expect(answer.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(answer.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(Buffer.byteLength(answer.body)).toBeLessThan(150 * 1024);
    expect(answer.body.startsWith("<!doctype html>")).toBe(true);
    // Nothing from elsewhere: no http(s) URL, no src= or href= but the empty icon.
    expect(answer.body).not.toMatch(/https?:\/\//);
    expect(answer.body).not.toMatch(/\ssrc=/);
    expect([...answer.body.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(["data:,"]);
    // `ui/` too: the page finds its endpoints from its own path.
    expect((await send(server.url, "GET", "/_mock/ui/", { host: hostOf(server.url) })).status).toBe(200);
  });

  it("answers the view as JSON, with an ETag that a poll sends back to get 304 while nothing changed", async () => {
    const first = await send(server.url, "GET", "/_mock/ui/data", { host: hostOf(server.url) });
    expect(first.status).toBe(200);
    expect(first.headers["content-type"]).toBe("application/json");
    const view = JSON.parse(first.body) as WebView;
    expect(view.version).toBe(1);
    expect(view.region).toBe("us-east-1");
    expect(view.states).toEqual(["pending", "running", "stopping", "stopped", "shutting-down", "terminated"]);
    expect(view.instances.map((i) => i.id)).toEqual(ids);
    const [protectedOne, stopping] = view.instances;
    expect(protectedOne).toMatchObject({ name: "web", type: "t3.micro", region: "us-east-1", state: "running", code: 16 });
    expect(protectedOne!.terminationProtected).toBe(true);
    expect(protectedOne!.stopProtected).toBe(false);
    expect(protectedOne!.hibernation).toBe(false);
    expect(protectedOne!.privateIp).toMatch(/^172\.31\.\d+\.\d+$/);
    expect(protectedOne!.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(stopping).toMatchObject({ state: "stopping", code: 64 });
    // The timeline with causes, as inspect() gives it.
    const inspected = ec2.inspect(ids[1]!).timeline.map((e) => [e.at.getTime(), e.from, e.to, e.cause]);
    expect(stopping!.timeline).toEqual(inspected);
    expect(stopping!.timeline.at(-1)!.slice(1)).toEqual(["running", "stopping", "StopInstances"]);
    expect(view.billing[0]).toEqual(["Instance seconds billed", ec2.usage().billedSeconds.toLocaleString("en-US")]);

    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await send(server.url, "GET", "/_mock/ui/data", { host: hostOf(server.url), "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe("");
    expect(Number(again.headers["x-mock-now"])).toBeGreaterThanOrEqual(view.now);
    // Billing so far moves with the clock while anything runs: it comes with the 304, as of now.
    ec2.advance(5_000);
    const later = await send(server.url, "GET", "/_mock/ui/data", { host: hostOf(server.url), "if-none-match": etag });
    expect(later.status).toBe(304);
    const billing = JSON.parse(decodeURIComponent(later.headers["x-mock-billing"] as string)) as [string, string][];
    expect(billing[0]).toEqual(["Instance seconds billed", ec2.usage().billedSeconds.toLocaleString("en-US")]);
    // A change (the stop ends) is a new ETag.
    ec2.advance(10 * 60_000);
    const changed = await send(server.url, "GET", "/_mock/ui/data", { host: hostOf(server.url), "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect((JSON.parse(changed.body) as WebView).instances[1]).toMatchObject({ state: "stopped", code: 80 });
  });

  it("answers an instance's detail (guest, console) and 404 for an unknown one; reading changes nothing", async () => {
    const state = () => JSON.stringify({ ...ec2.snapshot(), takenAt: "" });
    const before = state();
    const answer = await send(server.url, "GET", `/_mock/ui/instance?id=${ids[0]}`, { host: hostOf(server.url) });
    expect(answer.status).toBe(200);
    const detail = JSON.parse(answer.body) as { id: string; facts: [string, string][]; console: string[] };
    expect(detail.id).toBe(ids[0]);
    expect(Object.fromEntries(detail.facts)).toMatchObject({
      "Guest OS": "linux",
      Memory: "in-use",
      "File system": "clean",
      Host: "healthy",
    });
    expect(detail.console[0]).toContain("Linux version");
    const unknown = await send(server.url, "GET", "/_mock/ui/instance?id=i-0123456789abcdef0", { host: hostOf(server.url) });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: 'no instance "i-0123456789abcdef0"' });
    expect((await send(server.url, "GET", "/_mock/ui/nothing", { host: hostOf(server.url) })).status).toBe(404);
    await send(server.url, "GET", "/_mock/ui/data", { host: hostOf(server.url) });
    expect(state()).toBe(before);
  });

  it("is guarded as every endpoint: a foreign Origin, a cross-site fetch and a foreign Host are refused (403)", async () => {
    for (const target of ["/_mock/ui", "/_mock/ui/data", `/_mock/ui/instance?id=${ids[0]}`]) {
      const origin = await send(server.url, "GET", target, { host: hostOf(server.url), origin: "https://evil.example" });
      expect(origin.status).toBe(403);
      expect(JSON.parse(origin.body).error).toBe(
        "Cross-origin requests are refused: the Origin 'https://evil.example' is not allowed; allow it with --allowed-origin or listen({ allowedOrigins }).",
      );
      expect(origin.body).not.toContain(ids[0]);
      const site = await send(server.url, "GET", target, { host: hostOf(server.url), "sec-fetch-site": "cross-site" });
      expect(site.status).toBe(403);
      const host = await send(server.url, "GET", target, { host: `evil.example:${new URL(server.url).port}` });
      expect(host.status).toBe(403);
      expect(host.body).not.toContain(ids[0]);
    }
    // The page's own origin is its server's: served.
    const own = await send(server.url, "GET", "/_mock/ui/data", {
      host: hostOf(server.url),
      origin: server.url,
      "sec-fetch-site": "same-origin",
    });
    expect(own.status).toBe(200);
  });
});

describe("GET /cvm/_mock/ui: the CVM front's view", () => {
  it("shows CVM's instances in CVM's states, with LatestOperation as the note, served alone and beside EC2", async () => {
    const cvm = createCvmMock();
    const [id] = cvm.launch({ InstanceName: "cvm-web" });
    for (const start of [() => cvm.listen(), () => createEc2Mock().listen({ doors: [cvm.door] })]) {
      const server = await start();
      try {
        const page = await send(server.url, "GET", "/cvm/_mock/ui", { host: hostOf(server.url) });
        expect(page.status).toBe(200);
        expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
        const answer = await send(server.url, "GET", "/cvm/_mock/ui/data", { host: hostOf(server.url) });
        expect(answer.status).toBe(200);
        const view = JSON.parse(answer.body) as WebView;
        expect(view.states).toEqual([
          "PENDING",
          "LAUNCH_FAILED",
          "RUNNING",
          "STOPPING",
          "STOPPED",
          "STARTING",
          "REBOOTING",
          "SHUTDOWN",
          "TERMINATING",
        ]);
        expect(view.instances).toHaveLength(1);
        expect(view.instances[0]).toMatchObject({
          id,
          name: "cvm-web",
          region: "ap-guangzhou",
          state: "PENDING",
          note: "RunInstances OPERATING",
        });
        expect(view.instances[0]!.code).toBeUndefined();
        const detail = await send(server.url, "GET", `/cvm/_mock/ui/instance?id=${id}`, { host: hostOf(server.url) });
        expect(Object.fromEntries((JSON.parse(detail.body) as { facts: [string, string][] }).facts)["Guest OS"]).toBe("linux");
        const foreign = await send(server.url, "GET", "/cvm/_mock/ui/data", { host: hostOf(server.url), origin: "https://evil.example" });
        expect(foreign.status).toBe(403);
      } finally {
        await server.close();
      }
    }
  });
});

describe("ec2.report()", () => {
  const tmp = useTempDir("ui21-report-");

  it("returns a self-contained page with the fleet's ids, timelines and consoles embedded, and writes it to a file", async () => {
    const ec2 = createEc2Mock();
    const client = clientOf(ec2);
    const ids = await launch(client, 3, "</script><b>x</b>");
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [ids[0]!] }));
    await ec2.settle();
    const file = path.join(tmp.dir, "nested", "fleet.html");
    const html = ec2.report({ file, title: "a failing test" });
    expect(readFileSync(file, "utf8")).toBe(html);
    expect(Buffer.byteLength(html)).toBeLessThan(150 * 1024 + 20 * 1024);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\ssrc=/);
    for (const id of ids) expect(html).toContain(id);
    expect(html).toContain("<title>a failing test</title>");
    // The name cannot end the script that holds the data.
    expect(html).not.toContain("</script><b>");
    const json = /<script id="view-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!;
    const view = JSON.parse(json) as WebView;
    expect(view.instances.map((i) => i.name)).toEqual(["</script><b>x</b>", "</script><b>x</b>", "</script><b>x</b>"]);
    expect(view.instances[0]).toMatchObject({ state: "stopped", code: 80 });
    expect(view.details![ids[0]!]!.console.at(-1)).toContain("reboot: Power down");
    expect(view.instances[0]!.timeline.map((c) => c[2])).toEqual(["pending", "running", "stopping", "stopped"]);
    expect(() => ec2.report({ maxDetails: -1 })).toThrow(new TypeError("report: maxDetails must be a non-negative integer; got -1"));
    expect(() => ec2.report({ file: "" })).toThrow(new TypeError("report: file must be a non-empty path"));
    expect(ec2.report({ maxDetails: 0 })).toContain('"details":{}');
  });
});

describe("cvm.report()", () => {
  it("returns the CVM view as one self-contained page: CVM's states, the data embedded, no controls' effect", async () => {
    const cvm = createCvmMock();
    const [id] = cvm.launch({ InstanceName: "cvm-report" });
    await cvm.settle();
    const html = cvm.report({ title: "cvm fleet" });
    expect(html).toContain("<title>cvm fleet</title>");
    expect(html).not.toMatch(/https?:\/\//);
    const json = /<script id="view-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!;
    const view = JSON.parse(json) as WebView;
    expect(view.instances.map((i) => [i.id, i.name, i.state])).toEqual([[id, "cvm-report", "RUNNING"]]);
    expect(view.instances[0]!.timeline.map((c) => c[2])).toEqual(["PENDING", "RUNNING"]);
    expect(() => cvm.report({ file: "" })).toThrow(new TypeError("report: file must be a non-empty path"));
  });
});

describe.skipIf(!hasChromium && !browserRequired)("the page in headless chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!hasChromium) throw new Error(`chromium is required (EC2_MOCK_REQUIRE_BROWSER=1) but ${CHROMIUM} is missing`);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(() => browser?.close());

  /** A page on the server's /_mock/ui that records every console error and uncaught exception. */
  async function open(url: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(`${url}/_mock/ui`);
    return { page, problems };
  }

  /** The colour at the right end of a lane (just before "now"), and the colour a state is drawn in. */
  async function laneColour(page: Page, index: number, state: string): Promise<{ drawn: number[]; expected: number[] }> {
    // A string, run in the page (the tests are type-checked without the DOM's types).
    return page.evaluate(`(() => {
      const lanes = document.getElementById("lanes");
      const ratio = window.devicePixelRatio || 1;
      const x = Math.floor(lanes.width / 1.02) - 4; // just before the line of "now" (the page leaves 2 % after it)
      const y = Math.floor((${index} * 22 + 11) * ratio);
      const drawn = [...lanes.getContext("2d").getImageData(x, y, 1, 1).data.slice(0, 3)];
      const names = { stopping: "--s-stopg", stopped: "--s-stopd", running: "--s-run" };
      const probe = document.createElement("canvas").getContext("2d");
      probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(names[${JSON.stringify(state)}]).trim();
      probe.fillRect(0, 0, 1, 1);
      return { drawn, expected: [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)] };
    })()`);
  }

  it("loads with no console errors, shows the instances API calls created, and moves a stop to stopped from its Advance control", async () => {
    const ec2 = createEc2Mock();
    const client = clientOf(ec2);
    const ids = await launch(client, 2, "web");
    await ec2.settle();
    await client.send(new StopInstancesCommand({ InstanceIds: [ids[0]!] }));
    // 5 s into a 20 s stop: a band wide enough to sample.
    ec2.advance(5_000);
    const server = await ec2.listen();
    try {
      const { page, problems } = await open(server.url);
      const first = page.locator("#row-0");
      await first.waitFor();
      expect(await page.locator("#count").textContent()).toBe("2 of 2 instances");
      expect(await page.locator(".row:not([hidden]) > span:first-child").allTextContents()).toEqual(ids);
      await expect.poll(() => first.locator("span").nth(4).textContent()).toBe("stopping (64)");
      const stoppingBand = await laneColour(page, 0, "stopping");
      expect(stoppingBand.drawn).toEqual(stoppingBand.expected);

      // Instances launched after the page opened appear by themselves (polling).
      const later = await launch(client, 1, "later");
      await expect.poll(() => page.locator("#count").textContent(), { timeout: 10_000 }).toBe("3 of 3 instances");
      expect(await page.locator(".row:not([hidden]) > span:first-child").allTextContents()).toContain(later[0]);

      // Advance 10 minutes from the page's control: the stop ends.
      await page.fill("#amount", "10");
      await page.selectOption("#unit", "60000");
      await page.click("#advance");
      await expect.poll(() => first.locator("span").nth(4).textContent(), { timeout: 10_000 }).toBe("stopped (80)");
      const { drawn, expected } = await laneColour(page, 0, "stopped");
      expect(drawn).toEqual(expected);
      const stopped = (await page.locator("#eventList li").allTextContents()).filter((line) =>
        line.includes(`${ids[0]} (web) stopping → stopped`),
      );
      expect(stopped).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} i-\w+ \(web\) stopping → stopped: \S/)]);
      expect(ec2.inspect(ids[0]!).state).toBe("stopped");

      // Settle and Reset: the control endpoints, then the page follows.
      await page.click("#reset");
      await expect.poll(() => page.locator("#count").textContent(), { timeout: 10_000 }).toBe("0 of 0 instances");
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it("is keyboard usable: the table takes focus, arrows select a row, its detail shows the timeline and console", async () => {
    const ec2 = createEc2Mock();
    const client = clientOf(ec2);
    const ids = await launch(client, 5, "kbd");
    await ec2.settle();
    const server = await ec2.listen();
    try {
      const { page, problems } = await open(server.url);
      await page.locator("#row-0").waitFor();
      await page.locator("#filter").focus();
      await page.keyboard.press("Tab");
      expect(await page.evaluate<string | undefined>("document.activeElement?.id")).toBe("span");
      await page.keyboard.press("Tab");
      // The sort buttons come next, then the grid.
      for (let i = 0; i < 20 && (await page.evaluate<string | undefined>("document.activeElement?.id")) !== "grid"; i++)
        await page.keyboard.press("Tab");
      expect(await page.evaluate<string | undefined>("document.activeElement?.id")).toBe("grid");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      expect(await page.locator('.row[aria-selected="true"] > span').first().textContent()).toBe(ids[1]);
      expect(await page.locator("#grid").getAttribute("aria-activedescendant")).toBe("row-1");
      await page.keyboard.press("End");
      expect(await page.locator('.row[aria-selected="true"] > span').first().textContent()).toBe(ids[4]);
      await expect.poll(() => page.locator("#detailBody pre").textContent()).toContain("Linux version");
      expect(await page.locator("#detailBody table").textContent()).toContain("pending → runningbooted");
      // Sorting by a header button, then filtering.
      await page.click('#headcols button[data-key="id"]');
      const sorted = [...ids].sort();
      expect(await page.locator(".row:not([hidden]) > span:first-child").allTextContents()).toEqual(sorted);
      await page.fill("#filter", `id:${ids[2]}`);
      expect(await page.locator("#count").textContent()).toBe("1 of 5 instances");
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it("renders a 10,000-instance fleet and stays responsive (scrolling, End, filtering)", async () => {
    const ec2 = createEc2Mock({ timing: "instant", network: { vpcCidr: "10.0.0.0/8" } });
    const client = clientOf(ec2);
    for (let i = 0; i < 100; i++) await launch(client, 100, `n${i}`);
    await ec2.settle();
    const server = await ec2.listen();
    try {
      const { page, problems } = await open(server.url);
      await page.locator("#row-0").waitFor({ timeout: 60_000 });
      expect(await page.locator("#count").textContent()).toBe("10000 of 10000 instances");
      // Virtualized: only the rows on screen exist.
      expect(await page.locator(".row").count()).toBeLessThan(60);
      await page.locator("#grid").focus();
      await page.keyboard.press("End");
      await page.locator("#row-9999").waitFor();
      expect(await page.locator("#row-9999").getAttribute("aria-selected")).toBe("true");
      await page.evaluate('document.getElementById("grid").scrollTop = 5000 * 22');
      await page.locator("#row-5000").waitFor();
      await page.fill("#filter", "n42");
      expect(await page.locator("#count").textContent()).toBe("100 of 10000 instances");
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });
});
