/**
 * `ec2-mock/cvm`: a Tencent Cloud CVM front (API 2017-03-12) over the same
 * cloud-neutral engine as the EC2 mock. See docs/cvm.md.
 *
 * @packageDocumentation
 */
export { createCvmMock, CVM_SOFT_SHUTDOWN_WINDOW, type CvmMock, type CvmMockOptions, type CvmLaunchInput } from "./mock.js";
export { CvmError } from "./errors.js";
export type { CvmClientLike } from "./client.js";
export type { CvmGuestControl, CvmHostFaults, CvmInstanceInspection, CvmTimelineEntry } from "./controls.js";
export type { CvmWireDoor } from "./door.js";
export type { CvmHttpRequest, CvmHttpResponse } from "./wire.js";
export type { CvmListenOptions, RunningCvmServer } from "./server.js";
export type { CommonListenOptions } from "../server/listen.js";
export type { WebGuardOptions } from "../server/web-guard.js";
export { CVM_LINUX_IMAGE_ID, CVM_WINDOWS_IMAGE_ID, builtInCvmImages, type CvmImage } from "./images.js";
export { cvmStates, type CvmState } from "./states.js";
export type { OperationState } from "./instance.js";
export { CVM_API_VERSION } from "./entry.js";
export { CVM_PATH } from "./wire.js";
export type { GuestConfig } from "../engine/guest.js";
export type { DurationOverrides, PerOs } from "../engine/timing.js";
