/**
 * ec2-mock: a stateful, faithful, in-memory EC2 instance lifecycle for the
 * AWS SDK for JavaScript v3.
 *
 * @packageDocumentation
 */
export { createEc2Mock, type Ec2Mock, type Ec2MockFaults, type Ec2MockOptions } from "./mock.js";
export { loadFixture } from "./load-fixture.js";
export type { FixtureState, InstanceFixture } from "./ec2/fixtures.js";
export {
  SNAPSHOT_VERSION,
  type AddressJson,
  type Ec2MockSnapshot,
  type InstanceJson,
  type UsageJson,
  type VolumeJson,
} from "./ec2/snapshot.js";
export type { MachineJson, PhaseChangeJson, TimeJson } from "./engine/snapshot.js";
export type { NetworkJson } from "./ec2/network.js";
export type { NetworkOptions } from "./ec2/address-space.js";
export { Ec2MockUnhandledCommandError, type UnhandledCommandPolicy } from "./sdk/plugin.js";
export type { Ec2MockHttpHandler } from "./sdk/http-handler.js";
export { SERVER_LIMITS, type ListenOptions, type RunningServer, type ServedDoor } from "./server/server.js";
export type { CommonListenOptions } from "./server/listen.js";
export type { WebGuardOptions } from "./server/web-guard.js";
export { StateFileError } from "./server/state-file.js";
export {
  INSTANCE_STORE_AMI_ID,
  LINUX_AMI_ID,
  LINUX_ARM64_AMI_ID,
  WINDOWS_AMI_ID,
  builtInImages,
  type MockImage,
} from "./ec2/images.js";
export { realisticDurations, type DurationOverrides, type Durations, type PerOs } from "./engine/timing.js";
export type { GuestConfig } from "./engine/guest.js";
export type {
  BilledPeriod,
  FleetUsage,
  GuestControl,
  HostFaults,
  InstanceInspection,
  InstanceUsage,
  TimelineEntry,
} from "./ec2/controls.js";
export type { InstanceStateChangeEvent, StateChangeHandler } from "./ec2/events.js";
export type {
  ApiFaultControls,
  CapacityAction,
  CustomFaultError,
  DelayOptions,
  Ec2Action,
  FailNextOptions,
  FaultError,
  ThrottleOptions,
} from "./ec2/api-faults.js";
export type { AccessKey, IamOptions, PolicyDocument, PolicyStatement, PrincipalOptions } from "./ec2/iam/principals.js";
export {
  decodeAuthorizationMessage,
  type DecodedAuthorizationMessage,
  type DecodedCondition,
  type DecodedStatement,
} from "./ec2/iam/message.js";
export type { ClientStubLike } from "./sdk/adapter.js";
