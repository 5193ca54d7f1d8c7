/**
 * THE list of EC2 actions the mock implements: one line per action, its SDK
 * command class, its operation, and whether it changes state. Everything
 * else is derived from it: the operation table every door dispatches
 * through, `implementedActions`/`isImplemented`, the aws-sdk-client-mock
 * adapter's command list, the fault-injection names (`FAULTABLE_ACTIONS` and
 * the public `Ec2Action` type) and what the state file saves after
 * (`isMutating`).
 *
 * To add one EC2 operation (say `DescribeKeyPairs`):
 * 1. Write the operation in the file of its resource family under
 *    ./operations/ (a new file for a new family, e.g. `operations/key-pairs.ts`),
 *    typed with the SDK's own types:
 *    `export const describeKeyPairs: Operation<DescribeKeyPairsCommandInput, DescribeKeyPairsCommandOutput> = (ctx, input) => { ... };`
 *    It checks in the documented order (parameters, existence, `ctx.authorize`,
 *    DryRun, state rules, effect) and fails by throwing an `Ec2Error` of ./errors.ts.
 * 2. Add one line to `ec2Actions` below, with the command class (a named
 *    import from `@aws-sdk/client-ec2`) and `mutating` or `reading`:
 *    `DescribeKeyPairs: reading(DescribeKeyPairsCommand, keyPairsOps("describeKeyPairs")),`
 *    The compiler refuses an operation whose input or output is not the command's.
 *    An operation of a new file loads on first use when the file is exported
 *    from ../on-demand.ts and named through a `lazyMembers` stub, as below; one
 *    imported here directly loads with `import("ec2-mock")` (docs/architecture.md,
 *    "What loads when").
 * 3. Write its tests (through a real `EC2Client` with the plugin, and the
 *    same scenario through the wire door) and document it in docs/behaviour.md.
 * Nothing else: the plugin, the HTTP handler, the server, the adapter, fault
 * injection, the state file and the `Ec2Action` type pick it up from here
 * (test/actions.test.ts checks the derivations). The wire door reads and
 * writes it by the SDK's own schema (src/protocols/ec2-query/).
 */
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachVolumeCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CancelSpotInstanceRequestsCommand,
  CopyImageCommand,
  CopySnapshotCommand,
  CreateDefaultVpcCommand,
  CreateFleetCommand,
  CreateImageCommand,
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DeleteFleetsCommand,
  DeleteKeyPairCommand,
  DeleteLaunchTemplateCommand,
  DeleteLaunchTemplateVersionsCommand,
  DeleteSecurityGroupCommand,
  DeleteSnapshotCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVolumeCommand,
  DeleteVpcCommand,
  DeregisterImageCommand,
  DescribeAccountAttributesCommand,
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeFleetHistoryCommand,
  DescribeFleetInstancesCommand,
  DescribeFleetsCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeSpotInstanceRequestsCommand,
  DescribeSpotPriceHistoryCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVolumeAttributeCommand,
  DescribeVolumeStatusCommand,
  DescribeVolumesCommand,
  DescribeVolumesModificationsCommand,
  DescribeVpcsCommand,
  DetachVolumeCommand,
  DisassociateAddressCommand,
  GetConsoleOutputCommand,
  GetInstanceTypesFromInstanceRequirementsCommand,
  ImportKeyPairCommand,
  ModifyFleetCommand,
  ModifyInstanceAttributeCommand,
  ModifyInstanceMetadataOptionsCommand,
  ModifyLaunchTemplateCommand,
  ModifySnapshotAttributeCommand,
  ModifySubnetAttributeCommand,
  ModifyVolumeAttributeCommand,
  ModifyVolumeCommand,
  RebootInstancesCommand,
  RegisterImageCommand,
  ReleaseAddressCommand,
  RequestSpotInstancesCommand,
  ResetSnapshotAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { actionNames, actionTest, mutationTest, operationsOf, routeOf } from "../../kit/actions.js";
import { lazyMembers, loadingOf } from "../../kit/lazy.js";
import { onDemand } from "../on-demand-loader.js";
import { mutating, reading } from "../sdk-actions.js";
import type { OperationContext } from "./context.js";
import type * as AddressesOperations from "./operations/addresses.js";
import type * as AttributesOperations from "./operations/attributes.js";
import type * as ConsoleOperations from "./operations/console.js";
import { describeInstanceStatus, describeInstances } from "./operations/describe.js";
import type * as FleetsOperations from "./operations/fleets.js";
import type * as ImagesOperations from "./operations/images.js";
import type * as InstanceRequirementsOperations from "./operations/instance-requirements.js";
import type * as InstanceTypesOperations from "./operations/instance-types.js";
import type * as KeyPairsOperations from "./operations/key-pairs.js";
import type * as LaunchTemplatesOperations from "./operations/launch-templates.js";
import { rebootInstances, startInstances, stopInstances, terminateInstances } from "./operations/lifecycle.js";
import type * as MetadataOptionsOperations from "./operations/metadata-options.js";
import type * as NetworkInterfacesOperations from "./operations/network-interfaces.js";
import type * as RegionsOperations from "./operations/regions.js";
import { runInstances } from "./operations/run.js";
import type * as SecurityGroupsOperations from "./operations/security-groups.js";
import type * as SnapshotAttributesOperations from "./operations/snapshot-attributes.js";
import type * as SnapshotsOperations from "./operations/snapshots.js";
import type * as SpotPricesOperations from "./operations/spot-prices.js";
import { cancelSpotInstanceRequests, describeSpotInstanceRequests, requestSpotInstances } from "./operations/spot-requests.js";
import type * as TagsOperations from "./operations/tags.js";
import type * as VolumeAttachmentsOperations from "./operations/volume-attachments.js";
import type * as VolumeModificationsOperations from "./operations/volume-modifications.js";
import type * as VolumesOperations from "./operations/volumes.js";
import type * as VpcsOperations from "./operations/vpcs.js";

// The operations of every action but the instance lifecycle's (RunInstances, Start/Stop/Reboot/TerminateInstances,
// DescribeInstances/DescribeInstanceStatus) and Spot requests' (their work runs at every catch-up, and RunInstances
// makes one-time requests) load on the first call of one of their actions (issue 22: `import("ec2-mock")` compiles only what
// `createEc2Mock()` and the lifecycle need; ../on-demand.ts). The dispatch waits for `operationLoading(action)` first. EC2 Fleet's
// own work (`maintainFleets`) runs only inside a dispatch, which waits for the load when a Region holds fleets.
const addressesOps = lazyMembers(onDemand, (m): typeof AddressesOperations => m.addresses);
const attributesOps = lazyMembers(onDemand, (m): typeof AttributesOperations => m.attributes);
const consoleOps = lazyMembers(onDemand, (m): typeof ConsoleOperations => m.console);
const fleetsOps = lazyMembers(onDemand, (m): typeof FleetsOperations => m.fleets);
const imagesOps = lazyMembers(onDemand, (m): typeof ImagesOperations => m.images);
const instanceRequirementsOps = lazyMembers(onDemand, (m): typeof InstanceRequirementsOperations => m.instanceRequirements);
const instanceTypesOps = lazyMembers(onDemand, (m): typeof InstanceTypesOperations => m.instanceTypes);
const keyPairsOps = lazyMembers(onDemand, (m): typeof KeyPairsOperations => m.keyPairs);
const launchTemplatesOps = lazyMembers(onDemand, (m): typeof LaunchTemplatesOperations => m.launchTemplates);
const metadataOptionsOps = lazyMembers(onDemand, (m): typeof MetadataOptionsOperations => m.metadataOptions);
const networkInterfacesOps = lazyMembers(onDemand, (m): typeof NetworkInterfacesOperations => m.networkInterfaces);
const regionsOps = lazyMembers(onDemand, (m): typeof RegionsOperations => m.regions);
const securityGroupsOps = lazyMembers(onDemand, (m): typeof SecurityGroupsOperations => m.securityGroups);
const snapshotAttributesOps = lazyMembers(onDemand, (m): typeof SnapshotAttributesOperations => m.snapshotAttributes);
const snapshotsOps = lazyMembers(onDemand, (m): typeof SnapshotsOperations => m.snapshots);
const spotPricesOps = lazyMembers(onDemand, (m): typeof SpotPricesOperations => m.spotPrices);
const tagsOps = lazyMembers(onDemand, (m): typeof TagsOperations => m.tags);
const volumeAttachmentsOps = lazyMembers(onDemand, (m): typeof VolumeAttachmentsOperations => m.volumeAttachments);
const volumeModificationsOps = lazyMembers(onDemand, (m): typeof VolumeModificationsOperations => m.volumeModifications);
const volumesOps = lazyMembers(onDemand, (m): typeof VolumesOperations => m.volumes);
const vpcsOps = lazyMembers(onDemand, (m): typeof VpcsOperations => m.vpcs);

// Command classes are named imports, never `import * as sdk`: in the CommonJS
// bundle a namespace import copies all ~5,000 of the SDK's exports on load,
// about 10 ms of every user's import time (bench/README.md, figure f).

/**
 * Every EC2 action the mock implements, by EC2's action name (the command's
 * name without `Command`), in the order the docs list them. Each entry keeps
 * its command's input and output types.
 * @internal
 */
export const ec2Actions = Object.freeze({
  RunInstances: mutating(RunInstancesCommand, runInstances),
  StartInstances: mutating(StartInstancesCommand, startInstances),
  StopInstances: mutating(StopInstancesCommand, stopInstances),
  RebootInstances: mutating(RebootInstancesCommand, rebootInstances),
  TerminateInstances: mutating(TerminateInstancesCommand, terminateInstances),
  CreateTags: mutating(CreateTagsCommand, tagsOps("createTags")),
  DeleteTags: mutating(DeleteTagsCommand, tagsOps("deleteTags")),
  DescribeTags: reading(DescribeTagsCommand, tagsOps("describeTags")),
  DescribeInstanceAttribute: reading(DescribeInstanceAttributeCommand, attributesOps("describeInstanceAttribute")),
  ModifyInstanceAttribute: mutating(ModifyInstanceAttributeCommand, attributesOps("modifyInstanceAttribute")),
  ModifyInstanceMetadataOptions: mutating(ModifyInstanceMetadataOptionsCommand, metadataOptionsOps("modifyInstanceMetadataOptions")),
  DescribeInstances: reading(DescribeInstancesCommand, describeInstances),
  DescribeInstanceStatus: reading(DescribeInstanceStatusCommand, describeInstanceStatus),
  DescribeInstanceTypes: reading(DescribeInstanceTypesCommand, instanceTypesOps("describeInstanceTypes")),
  DescribeInstanceTypeOfferings: reading(DescribeInstanceTypeOfferingsCommand, instanceTypesOps("describeInstanceTypeOfferings")),
  AllocateAddress: mutating(AllocateAddressCommand, addressesOps("allocateAddress")),
  AssociateAddress: mutating(AssociateAddressCommand, addressesOps("associateAddress")),
  DisassociateAddress: mutating(DisassociateAddressCommand, addressesOps("disassociateAddress")),
  ReleaseAddress: mutating(ReleaseAddressCommand, addressesOps("releaseAddress")),
  DescribeAddresses: reading(DescribeAddressesCommand, addressesOps("describeAddresses")),
  DescribeVolumes: reading(DescribeVolumesCommand, volumesOps("describeVolumes")),
  ModifyVolume: mutating(ModifyVolumeCommand, volumeModificationsOps("modifyVolume")),
  DescribeVolumesModifications: reading(DescribeVolumesModificationsCommand, volumeModificationsOps("describeVolumesModifications")),
  DescribeVolumeStatus: reading(DescribeVolumeStatusCommand, volumeModificationsOps("describeVolumeStatus")),
  DescribeVolumeAttribute: reading(DescribeVolumeAttributeCommand, volumeModificationsOps("describeVolumeAttribute")),
  ModifyVolumeAttribute: mutating(ModifyVolumeAttributeCommand, volumeModificationsOps("modifyVolumeAttribute")),
  CreateVolume: mutating(CreateVolumeCommand, volumesOps("createVolume")),
  DeleteVolume: mutating(DeleteVolumeCommand, volumesOps("deleteVolume")),
  AttachVolume: mutating(AttachVolumeCommand, volumesOps("attachVolume")),
  DetachVolume: mutating(DetachVolumeCommand, volumeAttachmentsOps("detachVolume")),
  RequestSpotInstances: mutating(RequestSpotInstancesCommand, requestSpotInstances),
  DescribeSpotInstanceRequests: reading(DescribeSpotInstanceRequestsCommand, describeSpotInstanceRequests),
  CancelSpotInstanceRequests: mutating(CancelSpotInstanceRequestsCommand, cancelSpotInstanceRequests),
  CreateSnapshot: mutating(CreateSnapshotCommand, snapshotsOps("createSnapshot")),
  DescribeSnapshots: reading(DescribeSnapshotsCommand, snapshotsOps("describeSnapshots")),
  DescribeSpotPriceHistory: reading(DescribeSpotPriceHistoryCommand, spotPricesOps("describeSpotPriceHistory")),
  DeleteSnapshot: mutating(DeleteSnapshotCommand, snapshotsOps("deleteSnapshot")),
  CreateSnapshots: mutating(CreateSnapshotsCommand, snapshotsOps("createSnapshots")),
  CopySnapshot: mutating(CopySnapshotCommand, snapshotsOps("copySnapshot")),
  DescribeSnapshotAttribute: reading(DescribeSnapshotAttributeCommand, snapshotAttributesOps("describeSnapshotAttribute")),
  ModifySnapshotAttribute: mutating(ModifySnapshotAttributeCommand, snapshotAttributesOps("modifySnapshotAttribute")),
  ResetSnapshotAttribute: mutating(ResetSnapshotAttributeCommand, snapshotAttributesOps("resetSnapshotAttribute")),
  GetConsoleOutput: reading(GetConsoleOutputCommand, consoleOps("getConsoleOutput")),
  DescribeRegions: reading(DescribeRegionsCommand, regionsOps("describeRegions")),
  DescribeAvailabilityZones: reading(DescribeAvailabilityZonesCommand, regionsOps("describeAvailabilityZones")),
  DescribeAccountAttributes: reading(DescribeAccountAttributesCommand, regionsOps("describeAccountAttributes")),
  CreateVpc: mutating(CreateVpcCommand, vpcsOps("createVpc")),
  DeleteVpc: mutating(DeleteVpcCommand, vpcsOps("deleteVpc")),
  DescribeVpcs: reading(DescribeVpcsCommand, vpcsOps("describeVpcs")),
  CreateDefaultVpc: mutating(CreateDefaultVpcCommand, vpcsOps("createDefaultVpc")),
  CreateSubnet: mutating(CreateSubnetCommand, vpcsOps("createSubnet")),
  DeleteSubnet: mutating(DeleteSubnetCommand, vpcsOps("deleteSubnet")),
  DescribeSubnets: reading(DescribeSubnetsCommand, vpcsOps("describeSubnets")),
  ModifySubnetAttribute: mutating(ModifySubnetAttributeCommand, vpcsOps("modifySubnetAttribute")),
  DescribeNetworkInterfaces: reading(DescribeNetworkInterfacesCommand, networkInterfacesOps("describeNetworkInterfaces")),
  CreateSecurityGroup: mutating(CreateSecurityGroupCommand, securityGroupsOps("createSecurityGroup")),
  DeleteSecurityGroup: mutating(DeleteSecurityGroupCommand, securityGroupsOps("deleteSecurityGroup")),
  DescribeSecurityGroups: reading(DescribeSecurityGroupsCommand, securityGroupsOps("describeSecurityGroups")),
  DescribeSecurityGroupRules: reading(DescribeSecurityGroupRulesCommand, securityGroupsOps("describeSecurityGroupRules")),
  AuthorizeSecurityGroupIngress: mutating(AuthorizeSecurityGroupIngressCommand, securityGroupsOps("authorizeSecurityGroupIngress")),
  AuthorizeSecurityGroupEgress: mutating(AuthorizeSecurityGroupEgressCommand, securityGroupsOps("authorizeSecurityGroupEgress")),
  RevokeSecurityGroupIngress: mutating(RevokeSecurityGroupIngressCommand, securityGroupsOps("revokeSecurityGroupIngress")),
  RevokeSecurityGroupEgress: mutating(RevokeSecurityGroupEgressCommand, securityGroupsOps("revokeSecurityGroupEgress")),
  CreateKeyPair: mutating(CreateKeyPairCommand, keyPairsOps("createKeyPair")),
  ImportKeyPair: mutating(ImportKeyPairCommand, keyPairsOps("importKeyPair")),
  DescribeKeyPairs: reading(DescribeKeyPairsCommand, keyPairsOps("describeKeyPairs")),
  DeleteKeyPair: mutating(DeleteKeyPairCommand, keyPairsOps("deleteKeyPair")),
  CreateLaunchTemplate: mutating(CreateLaunchTemplateCommand, launchTemplatesOps("createLaunchTemplate")),
  CreateLaunchTemplateVersion: mutating(CreateLaunchTemplateVersionCommand, launchTemplatesOps("createLaunchTemplateVersion")),
  ModifyLaunchTemplate: mutating(ModifyLaunchTemplateCommand, launchTemplatesOps("modifyLaunchTemplate")),
  DescribeLaunchTemplates: reading(DescribeLaunchTemplatesCommand, launchTemplatesOps("describeLaunchTemplates")),
  DescribeLaunchTemplateVersions: reading(DescribeLaunchTemplateVersionsCommand, launchTemplatesOps("describeLaunchTemplateVersions")),
  DeleteLaunchTemplate: mutating(DeleteLaunchTemplateCommand, launchTemplatesOps("deleteLaunchTemplate")),
  DeleteLaunchTemplateVersions: mutating(DeleteLaunchTemplateVersionsCommand, launchTemplatesOps("deleteLaunchTemplateVersions")),
  DescribeImages: reading(DescribeImagesCommand, imagesOps("describeImages")),
  DescribeImageAttribute: reading(DescribeImageAttributeCommand, imagesOps("describeImageAttribute")),
  CreateImage: mutating(CreateImageCommand, imagesOps("createImage")),
  RegisterImage: mutating(RegisterImageCommand, imagesOps("registerImage")),
  CopyImage: mutating(CopyImageCommand, imagesOps("copyImage")),
  DeregisterImage: mutating(DeregisterImageCommand, imagesOps("deregisterImage")),
  CreateFleet: mutating(CreateFleetCommand, fleetsOps("createFleet")),
  DescribeFleets: reading(DescribeFleetsCommand, fleetsOps("describeFleets")),
  DescribeFleetInstances: reading(DescribeFleetInstancesCommand, fleetsOps("describeFleetInstances")),
  DescribeFleetHistory: reading(DescribeFleetHistoryCommand, fleetsOps("describeFleetHistory")),
  ModifyFleet: mutating(ModifyFleetCommand, fleetsOps("modifyFleet")),
  DeleteFleets: mutating(DeleteFleetsCommand, fleetsOps("deleteFleets")),
  GetInstanceTypesFromInstanceRequirements: reading(
    GetInstanceTypesFromInstanceRequirementsCommand,
    instanceRequirementsOps("getInstanceTypesFromInstanceRequirements"),
  ),
});

/**
 * An EC2 action the mock implements, by its API name (the command's name without `Command`).
 * @public
 */
export type Ec2Action = keyof typeof ec2Actions;

/** Every EC2 action the mock implements, in the list's order. */
export const implementedActions: readonly Ec2Action[] = actionNames(ec2Actions);

/** Whether the mock implements an EC2 action (by its API name). */
export const isImplemented: (action: string) => action is Ec2Action = actionTest(ec2Actions);

/**
 * Whether a successful call of the action may change the mock's state (the
 * state file saves after those); an action the mock does not implement
 * counts as mutating.
 */
export const isMutating: (action: string) => boolean = mutationTest(ec2Actions);

/** The operation table: each action's operation under its name, with its own SDK types. */
export const operations = operationsOf(ec2Actions);

/**
 * The operation of a named action, for the mock's dispatch (every door's
 * single entry), or undefined for one the mock does not implement. The input
 * it takes is the one the door read by the action's SDK schema.
 */
export function operationOf(action: string): ((ctx: OperationContext, input: unknown) => object) | undefined {
  return routeOf<OperationContext, object>(ec2Actions, action);
}

/**
 * What a door must wait for before it dispatches `action`: the load of its
 * operation's module, on the first call of one of that module's actions;
 * undefined once loaded, for an action whose operation is always loaded, and
 * for a name the mock does not implement.
 */
export function operationLoading(action: string): Promise<unknown> | undefined {
  const operation = routeOf<OperationContext, object>(ec2Actions, action);
  return operation === undefined ? undefined : loadingOf(operation);
}
