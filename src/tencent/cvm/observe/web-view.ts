/**
 * CVM's web view (src/kit/web-view/), served at `/cvm/_mock/ui`: every
 * Region's instances in CVM's words (its states, `InstanceName`,
 * `LatestOperation` and its state as the instance's note, termination
 * protection), their timelines with causes (as `cvm.inspect()`), and the
 * guest, the stop under way and the login of the selected one. CVM bills
 * nothing the mock counts: the billing panel says so. Read-only.
 */
import type { WebView, WebViewChange, WebViewDetail, WebViewSource } from "../../../kit/web-view/view.js";
import { cvmStates } from "../model/states.js";
import type { CvmWorld } from "../world.js";
import type { CvmControls } from "./controls.js";

/** What CVM's web view reads: the world and the controls of the region holding an instance. */
export interface CvmWebViewDeps {
  world: CvmWorld;
  controlsFor(instanceId: string): CvmControls;
}

/** CVM's web view of a mock. */
export function cvmWebView({ world, controlsFor }: CvmWebViewDeps): WebViewSource {
  return {
    view(): WebView {
      const now = world.catchUp();
      const instances = world.existing().flatMap((region) =>
        [...region.instances.values()].map((instance) => {
          const rendered = region.render(instance, now);
          const inspection = controlsFor(instance.instanceId).inspect(instance.instanceId);
          const timeline: WebViewChange[] = inspection.timeline.map((e) => [e.at.getTime(), e.from, e.to, e.cause]);
          const op = inspection.latestOperation;
          return {
            id: instance.instanceId,
            name: instance.name,
            region: region.settings.region,
            type: instance.instanceType,
            zone: instance.zone,
            state: rendered.InstanceState ?? inspection.state,
            privateIp: instance.privateIp,
            publicIp: instance.publicIp ?? "",
            launchTime: instance.createdTime,
            terminationProtected: instance.disableApiTermination,
            ...(op !== undefined && { note: `${op.action} ${op.state}` }),
            timeline,
          };
        }),
      );
      return {
        version: 1,
        title: `ec2-mock: Tencent Cloud CVM (${world.defaultRegion.settings.region})`,
        now,
        region: world.defaultRegion.settings.region,
        accountId: "",
        states: [...cvmStates],
        instances,
        billing: [["CVM billing", "not modelled"]],
      };
    },
    detail(instanceId: string): WebViewDetail | undefined {
      world.catchUp();
      if (world.holding(instanceId) === undefined) return undefined;
      const inspection = controlsFor(instanceId).inspect(instanceId);
      const facts: [string, string][] = [
        ["Guest OS", inspection.guest.os],
        ["File system", inspection.fileSystem],
        ["Host", inspection.hostStuck ? "faulty: stops stick until forced" : "healthy"],
      ];
      const op = inspection.latestOperation;
      if (op !== undefined)
        facts.push(["Latest operation", `${op.action} ${op.state} (${op.requestId})${op.errorMsg ? `: ${op.errorMsg}` : ""}`]);
      if (inspection.stopping !== undefined) {
        const s = inspection.stopping;
        facts.push([
          "Stop under way",
          `since ${s.since.toISOString()}; ${s.obstacle ?? "a normal shutdown"}; ${s.endsAt === undefined ? "no end until forced" : `ends ${s.endsAt.toISOString()}`}`,
        ]);
      }
      facts.push(["Login", `${inspection.login.keyIds.length} key(s); password login ${inspection.login.passwordLogin ? "on" : "off"}`]);
      return { id: instanceId, facts, console: [] };
    },
  };
}
