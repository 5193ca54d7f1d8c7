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
 *    `DescribeKeyPairs: reading(DescribeKeyPairsCommand, describeKeyPairs),`
 *    The compiler refuses an operation whose input or output is not the command's.
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
import { mutating, reading } from "../sdk-actions.js";
import type { OperationContext } from "./context.js";
import { allocateAddress, associateAddress, describeAddresses, disassociateAddress, releaseAddress } from "./operations/addresses.js";
import { describeInstanceAttribute, modifyInstanceAttribute } from "./operations/attributes.js";
import { getConsoleOutput } from "./operations/console.js";
import { describeInstanceStatus, describeInstances } from "./operations/describe.js";
import {
  createFleet,
  deleteFleets,
  describeFleetHistory,
  describeFleetInstances,
  describeFleets,
  modifyFleet,
} from "./operations/fleets.js";
import { copyImage, createImage, deregisterImage, describeImageAttribute, describeImages, registerImage } from "./operations/images.js";
import { getInstanceTypesFromInstanceRequirements } from "./operations/instance-requirements.js";
import { describeInstanceTypeOfferings, describeInstanceTypes } from "./operations/instance-types.js";
import { createKeyPair, deleteKeyPair, describeKeyPairs, importKeyPair } from "./operations/key-pairs.js";
import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  deleteLaunchTemplate,
  deleteLaunchTemplateVersions,
  describeLaunchTemplates,
  describeLaunchTemplateVersions,
  modifyLaunchTemplate,
} from "./operations/launch-templates.js";
import { rebootInstances, startInstances, stopInstances, terminateInstances } from "./operations/lifecycle.js";
import { modifyInstanceMetadataOptions } from "./operations/metadata-options.js";
import { describeNetworkInterfaces } from "./operations/network-interfaces.js";
import { describeAccountAttributes, describeAvailabilityZones, describeRegions } from "./operations/regions.js";
import { runInstances } from "./operations/run.js";
import {
  authorizeSecurityGroupEgress,
  authorizeSecurityGroupIngress,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroupRules,
  describeSecurityGroups,
  revokeSecurityGroupEgress,
  revokeSecurityGroupIngress,
} from "./operations/security-groups.js";
import { describeSnapshotAttribute, modifySnapshotAttribute, resetSnapshotAttribute } from "./operations/snapshot-attributes.js";
import { copySnapshot, createSnapshot, createSnapshots, deleteSnapshot, describeSnapshots } from "./operations/snapshots.js";
import { describeSpotPriceHistory } from "./operations/spot-prices.js";
import { cancelSpotInstanceRequests, describeSpotInstanceRequests, requestSpotInstances } from "./operations/spot-requests.js";
import { createTags, deleteTags, describeTags } from "./operations/tags.js";
import { detachVolume } from "./operations/volume-attachments.js";
import {
  describeVolumeAttribute,
  describeVolumeStatus,
  describeVolumesModifications,
  modifyVolume,
  modifyVolumeAttribute,
} from "./operations/volume-modifications.js";
import { attachVolume, createVolume, deleteVolume, describeVolumes } from "./operations/volumes.js";
import {
  createDefaultVpc,
  createSubnet,
  createVpc,
  deleteSubnet,
  deleteVpc,
  describeSubnets,
  describeVpcs,
  modifySubnetAttribute,
} from "./operations/vpcs.js";

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
  CreateTags: mutating(CreateTagsCommand, createTags),
  DeleteTags: mutating(DeleteTagsCommand, deleteTags),
  DescribeTags: reading(DescribeTagsCommand, describeTags),
  DescribeInstanceAttribute: reading(DescribeInstanceAttributeCommand, describeInstanceAttribute),
  ModifyInstanceAttribute: mutating(ModifyInstanceAttributeCommand, modifyInstanceAttribute),
  ModifyInstanceMetadataOptions: mutating(ModifyInstanceMetadataOptionsCommand, modifyInstanceMetadataOptions),
  DescribeInstances: reading(DescribeInstancesCommand, describeInstances),
  DescribeInstanceStatus: reading(DescribeInstanceStatusCommand, describeInstanceStatus),
  DescribeInstanceTypes: reading(DescribeInstanceTypesCommand, describeInstanceTypes),
  DescribeInstanceTypeOfferings: reading(DescribeInstanceTypeOfferingsCommand, describeInstanceTypeOfferings),
  AllocateAddress: mutating(AllocateAddressCommand, allocateAddress),
  AssociateAddress: mutating(AssociateAddressCommand, associateAddress),
  DisassociateAddress: mutating(DisassociateAddressCommand, disassociateAddress),
  ReleaseAddress: mutating(ReleaseAddressCommand, releaseAddress),
  DescribeAddresses: reading(DescribeAddressesCommand, describeAddresses),
  DescribeVolumes: reading(DescribeVolumesCommand, describeVolumes),
  ModifyVolume: mutating(ModifyVolumeCommand, modifyVolume),
  DescribeVolumesModifications: reading(DescribeVolumesModificationsCommand, describeVolumesModifications),
  DescribeVolumeStatus: reading(DescribeVolumeStatusCommand, describeVolumeStatus),
  DescribeVolumeAttribute: reading(DescribeVolumeAttributeCommand, describeVolumeAttribute),
  ModifyVolumeAttribute: mutating(ModifyVolumeAttributeCommand, modifyVolumeAttribute),
  CreateVolume: mutating(CreateVolumeCommand, createVolume),
  DeleteVolume: mutating(DeleteVolumeCommand, deleteVolume),
  AttachVolume: mutating(AttachVolumeCommand, attachVolume),
  DetachVolume: mutating(DetachVolumeCommand, detachVolume),
  RequestSpotInstances: mutating(RequestSpotInstancesCommand, requestSpotInstances),
  DescribeSpotInstanceRequests: reading(DescribeSpotInstanceRequestsCommand, describeSpotInstanceRequests),
  CancelSpotInstanceRequests: mutating(CancelSpotInstanceRequestsCommand, cancelSpotInstanceRequests),
  CreateSnapshot: mutating(CreateSnapshotCommand, createSnapshot),
  DescribeSnapshots: reading(DescribeSnapshotsCommand, describeSnapshots),
  DescribeSpotPriceHistory: reading(DescribeSpotPriceHistoryCommand, describeSpotPriceHistory),
  DeleteSnapshot: mutating(DeleteSnapshotCommand, deleteSnapshot),
  CreateSnapshots: mutating(CreateSnapshotsCommand, createSnapshots),
  CopySnapshot: mutating(CopySnapshotCommand, copySnapshot),
  DescribeSnapshotAttribute: reading(DescribeSnapshotAttributeCommand, describeSnapshotAttribute),
  ModifySnapshotAttribute: mutating(ModifySnapshotAttributeCommand, modifySnapshotAttribute),
  ResetSnapshotAttribute: mutating(ResetSnapshotAttributeCommand, resetSnapshotAttribute),
  GetConsoleOutput: reading(GetConsoleOutputCommand, getConsoleOutput),
  DescribeRegions: reading(DescribeRegionsCommand, describeRegions),
  DescribeAvailabilityZones: reading(DescribeAvailabilityZonesCommand, describeAvailabilityZones),
  DescribeAccountAttributes: reading(DescribeAccountAttributesCommand, describeAccountAttributes),
  CreateVpc: mutating(CreateVpcCommand, createVpc),
  DeleteVpc: mutating(DeleteVpcCommand, deleteVpc),
  DescribeVpcs: reading(DescribeVpcsCommand, describeVpcs),
  CreateDefaultVpc: mutating(CreateDefaultVpcCommand, createDefaultVpc),
  CreateSubnet: mutating(CreateSubnetCommand, createSubnet),
  DeleteSubnet: mutating(DeleteSubnetCommand, deleteSubnet),
  DescribeSubnets: reading(DescribeSubnetsCommand, describeSubnets),
  ModifySubnetAttribute: mutating(ModifySubnetAttributeCommand, modifySubnetAttribute),
  DescribeNetworkInterfaces: reading(DescribeNetworkInterfacesCommand, describeNetworkInterfaces),
  CreateSecurityGroup: mutating(CreateSecurityGroupCommand, createSecurityGroup),
  DeleteSecurityGroup: mutating(DeleteSecurityGroupCommand, deleteSecurityGroup),
  DescribeSecurityGroups: reading(DescribeSecurityGroupsCommand, describeSecurityGroups),
  DescribeSecurityGroupRules: reading(DescribeSecurityGroupRulesCommand, describeSecurityGroupRules),
  AuthorizeSecurityGroupIngress: mutating(AuthorizeSecurityGroupIngressCommand, authorizeSecurityGroupIngress),
  AuthorizeSecurityGroupEgress: mutating(AuthorizeSecurityGroupEgressCommand, authorizeSecurityGroupEgress),
  RevokeSecurityGroupIngress: mutating(RevokeSecurityGroupIngressCommand, revokeSecurityGroupIngress),
  RevokeSecurityGroupEgress: mutating(RevokeSecurityGroupEgressCommand, revokeSecurityGroupEgress),
  CreateKeyPair: mutating(CreateKeyPairCommand, createKeyPair),
  ImportKeyPair: mutating(ImportKeyPairCommand, importKeyPair),
  DescribeKeyPairs: reading(DescribeKeyPairsCommand, describeKeyPairs),
  DeleteKeyPair: mutating(DeleteKeyPairCommand, deleteKeyPair),
  CreateLaunchTemplate: mutating(CreateLaunchTemplateCommand, createLaunchTemplate),
  CreateLaunchTemplateVersion: mutating(CreateLaunchTemplateVersionCommand, createLaunchTemplateVersion),
  ModifyLaunchTemplate: mutating(ModifyLaunchTemplateCommand, modifyLaunchTemplate),
  DescribeLaunchTemplates: reading(DescribeLaunchTemplatesCommand, describeLaunchTemplates),
  DescribeLaunchTemplateVersions: reading(DescribeLaunchTemplateVersionsCommand, describeLaunchTemplateVersions),
  DeleteLaunchTemplate: mutating(DeleteLaunchTemplateCommand, deleteLaunchTemplate),
  DeleteLaunchTemplateVersions: mutating(DeleteLaunchTemplateVersionsCommand, deleteLaunchTemplateVersions),
  DescribeImages: reading(DescribeImagesCommand, describeImages),
  DescribeImageAttribute: reading(DescribeImageAttributeCommand, describeImageAttribute),
  CreateImage: mutating(CreateImageCommand, createImage),
  RegisterImage: mutating(RegisterImageCommand, registerImage),
  CopyImage: mutating(CopyImageCommand, copyImage),
  DeregisterImage: mutating(DeregisterImageCommand, deregisterImage),
  CreateFleet: mutating(CreateFleetCommand, createFleet),
  DescribeFleets: reading(DescribeFleetsCommand, describeFleets),
  DescribeFleetInstances: reading(DescribeFleetInstancesCommand, describeFleetInstances),
  DescribeFleetHistory: reading(DescribeFleetHistoryCommand, describeFleetHistory),
  ModifyFleet: mutating(ModifyFleetCommand, modifyFleet),
  DeleteFleets: mutating(DeleteFleetsCommand, deleteFleets),
  GetInstanceTypesFromInstanceRequirements: reading(
    GetInstanceTypesFromInstanceRequirementsCommand,
    getInstanceTypesFromInstanceRequirements,
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
