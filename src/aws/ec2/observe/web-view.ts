/**
 * EC2's web view (src/kit/web-view/): every Region's instances in EC2's
 * words (state names and codes, `Name` tags, protection and hibernation
 * flags), their timelines with causes (as `inspect()`), the guest's console
 * (as `GetConsoleOutput` with `Latest`) and billing so far (`usage()`).
 * Read-only: it observes the fleet (applying the transitions due, as every
 * read does) and changes nothing.
 */
import type { WebView, WebViewChange, WebViewDetail, WebViewInstance, WebViewSource } from "../../../kit/web-view/view.js";
import { describeEc2Cause } from "../model/causes.js";
import { consoleOutput } from "../model/console.js";
import { type Ec2Instance, publicIpOf } from "../model/instance.js";
import { stateNameOf } from "../model/states.js";
import type { Ec2Region } from "../region.js";
import type { Ec2World } from "../world.js";
import type { FleetUsage } from "./controls.js";

/** EC2's states, in lifecycle order (the page's legend). */
const EC2_STATES = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];

function instanceView(region: Ec2Region, instance: Ec2Instance): WebViewInstance {
  const state = region.stateOf(instance);
  const timeline: WebViewChange[] = instance.machine.history.map((change) => [
    change.at,
    stateNameOf[change.from],
    stateNameOf[change.to],
    describeEc2Cause(change.cause),
  ]);
  return {
    id: instance.instanceId,
    name: instance.tags.get("Name") ?? "",
    region: region.settings.region,
    type: instance.instanceType,
    zone: instance.subnet.availabilityZone,
    state: state.Name!,
    code: state.Code!,
    privateIp: instance.privateIp,
    publicIp: publicIpOf(instance) ?? "",
    launchTime: instance.launchTime.getTime(),
    terminationProtected: instance.disableApiTermination,
    stopProtected: instance.disableApiStop,
    hibernation: instance.hibernationConfigured,
    timeline,
  };
}

const whole = (n: number): string => Math.round(n).toLocaleString("en-US");

/** Billing so far, in the units `usage()` counts. */
function billingOf(usage: FleetUsage): [string, string][] {
  const lines: [string, string][] = [
    ["Instance seconds billed", whole(usage.billedSeconds)],
    ["Instance hours billed", (usage.billedSeconds / 3600).toFixed(2)],
    ["Instances billed", whole(usage.instances.filter((i) => i.billedSeconds > 0).length)],
    ["EBS GiB-seconds", whole(usage.ebsGibSeconds)],
  ];
  for (const [type, value] of Object.entries(usage.ebsGibSecondsByType)) if (value > 0) lines.push([`  ${type} GiB-seconds`, whole(value)]);
  if (usage.ebsIopsSeconds > 0) lines.push(["EBS IOPS-seconds", whole(usage.ebsIopsSeconds)]);
  if (usage.ebsThroughputMibSeconds > 0) lines.push(["EBS MiB/s-seconds", whole(usage.ebsThroughputMibSeconds)]);
  if (usage.snapshotGibSeconds > 0) lines.push(["Snapshot GiB-seconds", whole(usage.snapshotGibSeconds)]);
  return lines;
}

/** What EC2's web view reads: the world, the fleet's usage, and the clock's speed when the server knows it. */
export interface Ec2WebViewDeps {
  world: Ec2World;
  defaultRegion: string;
  accountId: string;
  usage(): FleetUsage;
  /** The clock's speed (mock ms per real ms), when a server drives one. */
  speed?(): number | undefined;
}

/** EC2's web view of a mock. */
export function ec2WebView(deps: Ec2WebViewDeps): WebViewSource {
  const { world } = deps;
  const detail = (instanceId: string): WebViewDetail | undefined => {
    const now = world.catchUp();
    const entry = world.holding(instanceId);
    const instance = entry?.region.instances.get(instanceId);
    if (entry === undefined || instance === undefined) return undefined;
    const inspection = entry.controls.inspect(instanceId);
    const usage = entry.controls.usage(instanceId);
    const facts: [string, string][] = [
      ["Guest OS", inspection.guest.os],
      ["Guest on shutdown", describeGuest(inspection.guest.config)],
      ["Memory", inspection.memory],
      ["File system", inspection.fileSystem],
      ["Host", inspection.hostStuck ? "faulty: stops stick until forced" : "healthy"],
    ];
    if (inspection.stopping !== undefined) {
      const s = inspection.stopping;
      facts.push([
        "Stop under way",
        `since ${s.since.toISOString()}; ${s.obstacle ?? "a normal shutdown"}; ${s.endsAt === undefined ? "no end until forced" : `ends ${s.endsAt.toISOString()}`}`,
      ]);
    }
    if (inspection.rebooting) facts.push(["Rebooting", "yes"]);
    if (instance.stateReason !== undefined && instance.stateReason !== null)
      facts.push(["State reason", instance.stateReason.Message ?? ""]);
    facts.push([
      "Billed",
      `${whole(usage.billedSeconds)} instance seconds over ${usage.periods.length} period(s); ${whole(usage.ebsGibSeconds)} EBS GiB-seconds`,
    ]);
    const console = consoleOutput(instance.machine, now, true);
    return { id: instanceId, facts, console: console === undefined ? [] : console.text.split("\r\n").filter((line) => line !== "") };
  };
  return {
    view(): WebView {
      const now = world.catchUp();
      const instances = world
        .existing()
        .flatMap(({ region }) => [...region.instances.values()].map((instance) => instanceView(region, instance)));
      const speed = deps.speed?.();
      return {
        version: 1,
        title: `ec2-mock: EC2 (${deps.defaultRegion}, account ${deps.accountId})`,
        now,
        region: deps.defaultRegion,
        accountId: deps.accountId,
        states: EC2_STATES,
        instances,
        billing: billingOf(deps.usage()),
        ...(speed !== undefined && { speed }),
      };
    },
    detail,
  };
}

/** The guest's shutdown configuration in words. */
function describeGuest(config: object): string {
  const on = Object.entries(config)
    .filter(([, value]) => value !== false && value !== undefined)
    .map(([key, value]) => (value === true ? key : `${key}: ${String(value)}`));
  return on.length === 0 ? "shuts down normally" : on.join(", ");
}
