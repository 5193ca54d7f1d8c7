import type { DetachVolumeCommandInput, DetachVolumeCommandOutput } from "@aws-sdk/client-ec2";
import { instanceResource, volumeResource } from "../../iam/resources.js";
import { findInstances, optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation } from "../context.js";
import { errors } from "../errors.js";
import { clipped } from "../model/limits.js";
import { volumeState } from "../model/volumes.js";
import { findVolumes } from "./volumes.js";

/**
 * DetachVolume: the volume's attachment is `detaching` (the volume still
 * `in-use`, its device still taken) for the `volumeDetach` duration, then
 * the volume is `available` and leaves its instance's block devices. The
 * start is stored and the state derived on read; the region's catch-up ends
 * the attachment once the time is over (no timer).
 *
 * Checks, in order: VolumeId (MissingParameter); the volume and the named
 * instance exist; authorization on the volume and the instance (the named
 * one, else the one it is attached to); DryRun; then the state rules: the
 * volume is attached (else IncorrectState naming its state), to the named
 * instance and at the named device (else InvalidAttachment.NotFound), the
 * instance is running or stopped (IncorrectInstanceState), and a root
 * volume's instance is stopped (IncorrectState), Force or not.
 *
 * Force (decision): ends the detach at once, whether the volume is attached
 * or already `detaching` (EC2's Force is for a detach that did not end
 * cleanly; the mock's only unfinished detach is one whose time is not over).
 * A second DetachVolume without Force while `detaching` answers the
 * attachment as it stands and changes nothing (decision). The answer is the
 * attachment EC2 returns: AttachTime, Device, InstanceId, State `detaching`,
 * VolumeId.
 */
export const detachVolume: Operation<DetachVolumeCommandInput, DetachVolumeCommandOutput> = (ctx, input) => {
  const volumeId = optionalString(input.VolumeId);
  if (volumeId === undefined || volumeId === "") throw errors.missingParameter("VolumeId");
  const instanceId = optionalString(input.InstanceId);
  const device = optionalString(input.Device);
  refuseUnmodelled("DetachVolume", input, ["VolumeId", "InstanceId", "Device", "Force"]);
  const [volume] = findVolumes(ctx, [volumeId]);
  const named = instanceId === undefined || instanceId === "" ? undefined : findInstances(ctx, [instanceId])[0];
  const attachment = volume!.attachment;
  const holder = attachment === undefined ? undefined : ctx.region.instances.get(attachment.instanceId);
  const settings = ctx.region.settings;
  const target = named ?? holder;
  ctx.authorize("DetachVolume", [volumeResource(settings, volume!), ...(target === undefined ? [] : [instanceResource(settings, target)])]);
  if (input.DryRun === true) throw errors.dryRun();
  const durations = settings.durations;
  if (attachment === undefined || holder === undefined) {
    throw errors.volumeNotAvailable(volume!.volumeId, volumeState(volume!, ctx.now, durations.volumeCreate, durations.volumeDetach));
  }
  if (named !== undefined && named.instanceId !== attachment.instanceId) {
    throw errors.attachmentNotFound(volume!.volumeId, `instance '${named.instanceId}'`);
  }
  if (device !== undefined && device !== "" && device !== attachment.deviceName) {
    throw errors.attachmentNotFound(volume!.volumeId, `device '${clipped(device)}'`);
  }
  const phase = holder.machine.phase;
  if (phase !== "running" && phase !== "stopped") throw errors.instanceNotDetachable(volume!.volumeId, holder.instanceId);
  if (phase !== "stopped" && attachment.deviceName === holder.image.RootDeviceName) {
    throw errors.rootVolumeAttached(volume!.volumeId, holder.instanceId);
  }
  const answer = {
    AttachTime: new Date(attachment.attachTime.getTime()),
    Device: attachment.deviceName,
    InstanceId: attachment.instanceId,
    State: "detaching",
    VolumeId: volume!.volumeId,
  } as const;
  if (input.Force === true || durations.volumeDetach === 0) {
    const at = holder.volumes.indexOf(attachment);
    if (at >= 0) holder.volumes.splice(at, 1);
    ctx.region.volumes.detach(volume!);
  } else if (attachment.detachTime === undefined) {
    ctx.region.volumes.startDetach(volume!, ctx.now);
  }
  return answer;
};
