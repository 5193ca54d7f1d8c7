import type {
  InstanceStateChange,
  RebootInstancesCommandInput,
  RebootInstancesCommandOutput,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from "@aws-sdk/client-ec2";
import type { StopMode } from "../../engine/machine.js";
import { authorizeAndDryRun, findInstances, requireInstanceIds } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { type Ec2Instance, stateReasons, userInitiated } from "../instance.js";
import { startRefusal } from "./attributes.js";

/**
 * StartInstances, StopInstances, RebootInstances and TerminateInstances, in
 * EC2's order of checks: parameters, ids, authorization, DryRun, the
 * operation's own refusals, state rules, then the effect. Every check runs
 * over the whole batch before anything changes, so a rejected call changes
 * nothing.
 */

/** Resolves the batch through steps 1–5 of the order of checks. */
function admit(ctx: OperationContext, action: string, input: { InstanceIds?: unknown; DryRun?: unknown }): Ec2Instance[] {
  const instances = findInstances(ctx, requireInstanceIds(input.InstanceIds));
  authorizeAndDryRun(ctx, action, instances, input.DryRun);
  return instances;
}

/** Applies `effect` to each instance and reports its state before and after. */
function changeEach(ctx: OperationContext, instances: readonly Ec2Instance[], effect: (i: Ec2Instance) => void): InstanceStateChange[] {
  return instances.map((instance) => {
    const previous = ctx.region.stateOf(instance);
    effect(instance);
    return { CurrentState: ctx.region.stateOf(instance), InstanceId: instance.instanceId, PreviousState: previous };
  });
}

function isGone(instance: Ec2Instance): boolean {
  const phase = instance.machine.phase;
  return phase === "terminating" || phase === "terminated";
}

/** The stop modes EC2's flags can ask for (a stop that gives up is Tencent Cloud's, not EC2's). */
type Ec2StopMode = Exclude<StopMode, "graceful-only">;

/** The stop mode the flags ask for. SkipOsShutdown leaves no OS to hibernate, so it wins. */
function stopModeOf(input: StopInstancesCommandInput): Ec2StopMode {
  if (input.SkipOsShutdown === true) return "skip-os";
  if (input.Hibernate === true) return "hibernate";
  if (input.Force === true) return "force";
  return "graceful";
}

/** The cause each kind of stop is recorded with in the instance's timeline. */
const stopCauses: Record<Ec2StopMode, string> = {
  graceful: "StopInstances",
  hibernate: "StopInstances with Hibernate",
  force: "StopInstances with Force",
  "skip-os": "StopInstances with SkipOsShutdown",
};

/** StopInstances: graceful, hibernating, forced or without OS shutdown. */
export const stopInstances: Operation<StopInstancesCommandInput, StopInstancesCommandOutput> = (ctx, input) => {
  const instances = admit(ctx, "StopInstances", input);
  for (const { instanceId, image } of instances) {
    if (image.RootDeviceType === "instance-store") {
      throw errors.unsupported(`The instance '${instanceId}' does not have an 'ebs' root device type and cannot be stopped.`);
    }
  }
  for (const { instanceId, disableApiStop } of instances) {
    if (disableApiStop) {
      throw errors.notPermitted(
        `The instance '${instanceId}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
      );
    }
  }
  const mode = stopModeOf(input);
  if (input.Hibernate === true) {
    for (const { instanceId, hibernationConfigured } of instances) {
      if (!hibernationConfigured) throw errors.hibernationNotConfigured(instanceId);
    }
  }
  for (const { instanceId, machine } of instances) {
    if (machine.phase === "launching") {
      throw errors.incorrectState(`Instance '${instanceId}' cannot be stopped as it has never reached the 'running' state.`);
    }
    if (machine.phase === "starting" || machine.phase === "terminating" || machine.phase === "terminated") {
      throw errors.incorrectState(`This instance '${instanceId}' is not in a state from which it can be stopped.`);
    }
  }
  const StoppingInstances = changeEach(ctx, instances, (instance) => {
    const phase = instance.machine.phase;
    if (phase === "stopped") return;
    if (phase === "running") {
      instance.stateReason = mode === "hibernate" ? stateReasons.userHibernate : stateReasons.userShutdown;
      instance.stateTransitionReason = userInitiated(ctx.now);
    }
    ctx.region.lifecycle.stop(instance.machine, mode, stopCauses[mode]);
  });
  return { StoppingInstances };
};

/** StartInstances: stopped → pending → running; pending and running are left as they are. */
export const startInstances: Operation<StartInstancesCommandInput, StartInstancesCommandOutput> = (ctx, input) => {
  const instances = admit(ctx, "StartInstances", input);
  for (const instance of instances) {
    if (instance.machine.phase === "stopping" || isGone(instance)) {
      throw errors.incorrectState(`The instance '${instance.instanceId}' is not in a state from which it can be started.`);
    }
  }
  // Attributes its type cannot run with (set by ModifyInstanceAttribute, which EC2 accepts) stop a start.
  for (const instance of instances) {
    const refusal = instance.machine.phase === "stopped" ? startRefusal(instance) : undefined;
    if (refusal !== undefined) throw refusal;
  }
  const StartingInstances = changeEach(ctx, instances, (instance) => {
    if (instance.machine.phase !== "stopped") return;
    instance.launchTime = new Date(ctx.now);
    instance.stateReason = stateReasons.pending;
    instance.stateTransitionReason = "";
    ctx.region.lifecycle.start(instance.machine, "StartInstances");
  });
  return { StartingInstances };
};

/** TerminateInstances: any state → shutting-down → terminated, unless protected. */
export const terminateInstances: Operation<TerminateInstancesCommandInput, TerminateInstancesCommandOutput> = (
  ctx,
  input,
) => {
  const instances = admit(ctx, "TerminateInstances", input);
  for (const instance of instances) {
    if (isGone(instance)) continue;
    for (const attribute of ["disableApiTermination", "disableApiStop"] as const) {
      if (instance[attribute]) {
        throw errors.notPermitted(
          `The instance '${instance.instanceId}' may not be terminated. Modify its '${attribute}' instance attribute and try again.`,
        );
      }
    }
  }
  const TerminatingInstances = changeEach(ctx, instances, (instance) => {
    if (isGone(instance)) return;
    instance.stateReason = stateReasons.userShutdown;
    instance.stateTransitionReason = userInitiated(ctx.now);
    ctx.region.lifecycle.terminate(instance.machine, "TerminateInstances");
  });
  return { TerminatingInstances };
};

/** RebootInstances: the state stays running while the guest reboots; gone instances are ignored. */
export const rebootInstances: Operation<RebootInstancesCommandInput, RebootInstancesCommandOutput> = (ctx, input) => {
  const instances = admit(ctx, "RebootInstances", input);
  for (const instance of instances) {
    if (instance.machine.phase !== "running" && !isGone(instance)) {
      throw errors.incorrectState(`The instance '${instance.instanceId}' is not in a state from which it can be rebooted.`);
    }
  }
  for (const instance of instances) {
    if (instance.machine.phase === "running") ctx.region.lifecycle.reboot(instance.machine, "RebootInstances");
  }
  return {};
};
