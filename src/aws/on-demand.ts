/**
 * Everything the mock loads on first use, in one module (issue 22): the EC2
 * operations beyond the instance lifecycle (./ec2/actions.ts), Auto Scaling's
 * and ELBv2's action lists and operations (./autoscaling/service.ts,
 * ./elbv2/service.ts), and the server's door (./ec2/mock.ts's `listen`).
 *
 * One module, so one dynamic `import()`: the bundler splits the code that
 * several entry points reach into a chunk per set of entry points, and with
 * a dynamic import per family the eager code fell into ~45 chunks, whose
 * loading cost more than the code left out (bench/README.md, "(f) import
 * cost"). The price is that the first call of any of these loads them all.
 */

export * as autoScaling from "./autoscaling/actions.js";
export * as server from "./ec2/doors/server.js";
export * as addresses from "./ec2/operations/addresses.js";
export * as attributes from "./ec2/operations/attributes.js";
export * as console from "./ec2/operations/console.js";
export * as fleets from "./ec2/operations/fleets.js";
export * as images from "./ec2/operations/images.js";
export * as instanceRequirements from "./ec2/operations/instance-requirements.js";
export * as instanceTypes from "./ec2/operations/instance-types.js";
export * as keyPairs from "./ec2/operations/key-pairs.js";
export * as launchTemplates from "./ec2/operations/launch-templates.js";
export * as metadataOptions from "./ec2/operations/metadata-options.js";
export * as networkInterfaces from "./ec2/operations/network-interfaces.js";
export * as regions from "./ec2/operations/regions.js";
export * as securityGroups from "./ec2/operations/security-groups.js";
export * as snapshotAttributes from "./ec2/operations/snapshot-attributes.js";
export * as snapshots from "./ec2/operations/snapshots.js";
export * as spotPrices from "./ec2/operations/spot-prices.js";
export * as tags from "./ec2/operations/tags.js";
export * as volumeAttachments from "./ec2/operations/volume-attachments.js";
export * as volumeModifications from "./ec2/operations/volume-modifications.js";
export * as volumes from "./ec2/operations/volumes.js";
export * as vpcs from "./ec2/operations/vpcs.js";
export * as elbv2 from "./elbv2/actions.js";
