/**
 * ec2-mock: a stateful, faithful, in-memory EC2 instance lifecycle for the
 * AWS SDK for JavaScript v3.
 *
 * @packageDocumentation
 */
export { createEc2Mock, type Ec2Mock, type Ec2MockFaults, type Ec2MockOptions } from "./aws/ec2/mock.js";
export { loadFixture } from "./aws/ec2/state/load-fixture.js";
export type { FixtureState, InstanceFixture } from "./aws/ec2/state/fixtures.js";
export {
  SNAPSHOT_VERSION,
  type AddressJson,
  type Ec2MockSnapshot,
  type InstanceJson,
  type KeyPairJson,
  type LaunchTemplateJson,
  type UsageJson,
  type VolumeJson,
} from "./aws/ec2/state/snapshot.js";
export type { MachineJson, PhaseChangeJson, TimeJson } from "./engine/snapshot.js";
export type { NetworkJson } from "./aws/ec2/model/network.js";
export type { SecurityGroupsJson } from "./aws/ec2/model/security-groups.js";
export type { NetworkOptions } from "./aws/ec2/model/address-space.js";
export type { AddedInstanceType, InstanceTypeOptions, RegionOfferingsOption } from "./aws/ec2/model/type-catalogue.js";
export { Ec2MockUnhandledCommandError, type UnhandledCommandPolicy } from "./aws/ec2/doors/plugin.js";
export type { Ec2MockHttpHandler } from "./aws/ec2/doors/http-handler.js";
export type { RunningServer, ServedDoor } from "./kit/server/server.js";
export { SERVER_LIMITS } from "./kit/server/listen.js";
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
export type { ListenOptions } from "./aws/ec2/doors/server.js";
export type { CommonListenOptions } from "./kit/server/listen.js";
export {
  formatRequestLogEntry,
  type AnsweredCall,
  type RequestLogEntry,
  type RequestLogKind,
} from "./kit/server/request-log.js";
export type { ServerHealth } from "./kit/server/health.js";
export type { WebGuardOptions } from "./kit/server/web-guard.js";
export type { ReportOptions } from "./kit/web-view/report.js";
export type { WebView, WebViewChange, WebViewDetail, WebViewInstance, WebViewSource } from "./kit/web-view/view.js";
export { StateFileError } from "./kit/state/state-lock.js";
export {
  INSTANCE_STORE_AMI_ID,
  LINUX_AMI_ID,
  LINUX_ARM64_AMI_ID,
  WINDOWS_AMI_ID,
  builtInImages,
  type MockImage,
} from "./aws/ec2/model/images.js";
export { realisticDurations, type DurationOverrides, type Durations, type GuestOs, type PerOs } from "./engine/timing.js";
export type { Phase } from "./engine/phase.js";
export type { GuestConfig } from "./engine/guest.js";
export type {
  BilledPeriod,
  FleetUsage,
  GuestControl,
  HostFaults,
  InstanceInspection,
  InstanceUsage,
  TimelineEntry,
} from "./aws/ec2/observe/controls.js";
export type { EbsVolumeType } from "./aws/ec2/model/ebs-billing.js";
export type {
  CapacityPoolOptions,
  Ec2MockCapacity,
  Ec2MockSpot,
  SpotInterruptOptions,
  SpotPriceOptions,
} from "./aws/ec2/observe/market.js";
export type {
  CallHandler,
  Ec2MockCall,
  Ec2MockCallError,
  Ec2MockCallFilter,
  Ec2MockHistoryOptions,
  Ec2MockService,
} from "./aws/ec2/observe/history.js";
export type { InstanceMetadata, InstanceMetadataRequest, InstanceMetadataResponse } from "./aws/ec2/observe/imds.js";
export type {
  Ec2EventEnvelope,
  InstanceStateChangeEvent,
  RebalanceRecommendationEvent,
  SpotEvent,
  SpotEventHandler,
  SpotInterruptionWarningEvent,
  StateChangeHandler,
} from "./aws/ec2/observe/events.js";
export type {
  ApiFaultControls,
  CapacityAction,
  CustomFaultError,
  DelayOptions,
  Ec2Action,
  FailNextOptions,
  FaultError,
  ThrottleOptions,
} from "./aws/ec2/observe/faults.js";
export type { AccessKey, IamOptions, PolicyDocument, PolicyStatement, PrincipalOptions } from "./aws/iam/principals.js";
export {
  decodeAuthorizationMessage,
  type DecodedAuthorizationMessage,
  type DecodedCondition,
  type DecodedStatement,
  type ItemList,
  type ItemValue,
} from "./aws/iam/message.js";
export type { LaunchOptions, LaunchOptionsJson } from "./aws/ec2/model/launch-options.js";
export type { MetadataChange } from "./aws/ec2/model/metadata-options.js";
export type { ClientStubLike } from "./aws/ec2/doors/adapter.js";
export {
  Ec2MockServiceError,
  type Ec2ActionHandler,
  type Ec2ActionInput,
  type Ec2ActionName,
  type Ec2ActionOutput,
  type Ec2MockAnswer,
  type Ec2MockCallContext,
  type Ec2MockDoor,
  type Ec2MockOtherService,
  type Ec2MockOverrides,
  type Ec2MockServiceHandler,
  type UseOptions,
} from "./aws/overrides.js";
export type { UnhandledCommandFunction } from "./aws/calls.js";
