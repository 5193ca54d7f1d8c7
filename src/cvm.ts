/**
 * `ec2-mock/cvm`: a Tencent Cloud CVM front (API 2017-03-12) over the same
 * cloud-neutral engine as the EC2 mock. See docs/cvm.md.
 *
 * @packageDocumentation
 */
export { createCvmMock, CVM_SOFT_SHUTDOWN_WINDOW, type CvmMock, type CvmMockOptions, type CvmLaunchInput } from "./tencent/cvm/mock.js";
export { CVM_REGIONS } from "./tencent/cvm/world.js";
export type { CvmMockSnapshot } from "./tencent/cvm/state/snapshot.js";
export { CvmError } from "./tencent/cvm/errors.js";
export type { CloudError } from "./kit/errors.js";
export type { CvmClientLike } from "./tencent/cvm/doors/client.js";
export type { CvmGuestControl, CvmHostFaults, CvmInstanceInspection, CvmTimelineEntry } from "./tencent/cvm/observe/controls.js";
export type { CvmWireDoor } from "./tencent/cvm/doors/wire-door.js";
export type { CvmHttpRequest, CvmHttpResponse } from "./tencent/cvm/doors/wire.js";
export type { CvmListenOptions, RunningCvmServer } from "./tencent/cvm/doors/server.js";
export type { CommonListenOptions } from "./kit/server/listen.js";
export {
  formatRequestLogEntry,
  type AnsweredCall,
  type RequestLogEntry,
  type RequestLogKind,
} from "./kit/server/request-log.js";
export type {
  ControlRoutes,
  Front,
  FrontRequest,
  FrontResponse,
  FrontState,
  RequestHeaders,
  ServerFault,
  ServerFaultKind,
} from "./kit/front.js";
export type {
  ClockControls,
  GuestControlBase,
  HostFaultsBase,
  ServedClock,
  ServedControls,
  SettleReport,
  TimelineEntryBase,
  UnsettledResource,
} from "./kit/controls.js";
export type { WebView, WebViewChange, WebViewDetail, WebViewInstance, WebViewSource } from "./kit/web-view/view.js";
export type { ReportOptions } from "./kit/web-view/report.js";
export type { WebGuardOptions } from "./kit/server/web-guard.js";
export { CVM_LINUX_IMAGE_ID, CVM_WINDOWS_IMAGE_ID, builtInCvmImages, type CvmImage } from "./tencent/cvm/model/images.js";
export { cvmStates, type CvmState } from "./tencent/cvm/model/states.js";
export type { CvmLogin, OperationState } from "./tencent/cvm/model/instance.js";
export { CVM_API_VERSION } from "./tencent/cvm/entry.js";
export { CVM_PATH } from "./tencent/cvm/doors/wire.js";
export type { GuestConfig } from "./engine/guest.js";
export type { DurationOverrides, Durations, GuestOs, PerOs } from "./engine/timing.js";
