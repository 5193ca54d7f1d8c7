import type { RunInstancesCommandInput, TagSpecification } from "@aws-sdk/client-ec2";
import { launchTemplateResource } from "../../iam/resources.js";
import { optionalString } from "../checks.js";
import type { OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { refuseNested } from "../model/launch-options.js";
import type { LaunchTemplate, LaunchTemplateVersionRecord } from "../model/launch-templates.js";
import { NO_TAGS } from "../model/tags.js";
import { findTemplate, resolveVersion } from "./template-lookup.js";

/**
 * RunInstances with `LaunchTemplate` (issue 16): the launch request is the
 * template version's parameters with the request's own laid over them, and
 * is then checked as any launch (src/aws/ec2/operations/run.ts), so that a
 * template's unknown image is InvalidAMIID.NotFound and a parameter the
 * mock's RunInstances does not model is refused by name. As EC2 documents
 * it (user guide, "Launch an instance from a launch template"):
 * - a member the request gives replaces the template's;
 * - TagSpecifications are merged: each resource type gets the template's
 *   tags and the request's, the request's value winning for a key both give;
 * - BlockDeviceMappings are merged by device name, the request's mapping
 *   replacing the template's for the same device;
 * - NetworkInterfaces are merged the same way by DeviceIndex (decision:
 *   the rule of the other lists); a template's interfaces with an
 *   instance-level SubnetId or security groups in the request is then EC2's
 *   InvalidParameterCombination, as any such request;
 * - the instances get the tags `aws:ec2launchtemplate:id` and
 *   `aws:ec2launchtemplate:version`.
 */

/** The template version a launch used. */
export interface TemplateUse {
  readonly template: LaunchTemplate;
  readonly version: LaunchTemplateVersionRecord;
}

/** A launch request with its template applied, and the version it used (none without `LaunchTemplate`). */
export interface TemplatedLaunch {
  readonly input: RunInstancesCommandInput;
  readonly used: TemplateUse | undefined;
}

/**
 * Applies RunInstances' `LaunchTemplate`: the template (by id or name,
 * exactly one) must exist and so must the version (a number, `$Latest`,
 * `$Default`; `$Default` when none is given). Returns the merged request,
 * without `LaunchTemplate`; a request without one is returned as it is.
 */
export function applyLaunchTemplate(ctx: OperationContext, request: RunInstancesCommandInput): TemplatedLaunch {
  const spec = request.LaunchTemplate;
  if (spec === undefined || spec === null) return { input: request, used: undefined };
  refuseNested("LaunchTemplate", spec, ["LaunchTemplateId", "LaunchTemplateName", "Version"]);
  const id = optionalString(spec.LaunchTemplateId);
  const name = optionalString(spec.LaunchTemplateName);
  const hasId = id !== undefined && id !== "";
  const hasName = name !== undefined && name !== "";
  if (hasId && hasName) throw errors.launchTemplateSpecIdAndName();
  if (!hasId && !hasName) throw errors.launchTemplateIdOrNameMissing();
  const template = findTemplate(ctx, hasId ? { id } : { name });
  const version = resolveVersion(template, optionalString(spec.Version) ?? "$Default");
  const { LaunchTemplate: _spec, ...rest } = request;
  return { input: mergeLaunch(version.data as Record<string, unknown>, rest as Record<string, unknown>), used: { template, version } };
}

/** Whether a member counts as given: present, and for a list not empty. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** The template's data with the request laid over it (see the module's comment). */
function mergeLaunch(data: Record<string, unknown>, request: Record<string, unknown>): RunInstancesCommandInput {
  const merged: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) if (given(value)) merged[name] = structuredClone(value);
  for (const [name, value] of Object.entries(request)) {
    if (!given(value)) continue;
    const base = merged[name];
    if (!Array.isArray(base) || !Array.isArray(value)) merged[name] = value;
    else if (name === "TagSpecifications") merged[name] = mergeTagSpecifications(base, value);
    else if (name === "BlockDeviceMappings") merged[name] = mergeBy(base, value, "DeviceName");
    else if (name === "NetworkInterfaces") merged[name] = mergeBy(base, value, "DeviceIndex");
    else merged[name] = value;
  }
  return merged as unknown as RunInstancesCommandInput;
}

/** List items keyed by a member: the request's item replaces the template's with the same key; new keys are added. */
function mergeBy(base: unknown[], over: unknown[], key: string): unknown[] {
  const keyOf = (item: unknown) => (typeof item === "object" && item !== null ? (item as Record<string, unknown>)[key] : undefined);
  const replaced = new Set<unknown>(over.map(keyOf).filter((k) => k !== undefined));
  return [...base.filter((item) => !replaced.has(keyOf(item))), ...over];
}

/** Tag specifications merged per resource type and key, the request's value winning. */
function mergeTagSpecifications(base: unknown[], over: unknown[]): TagSpecification[] {
  const byType = new Map<unknown, Map<unknown, unknown>>();
  for (const spec of [...base, ...over] as TagSpecification[]) {
    const tags = byType.get(spec?.ResourceType) ?? new Map<unknown, unknown>();
    for (const tag of Array.isArray(spec?.Tags) ? spec.Tags : []) tags.set(tag?.Key, tag?.Value);
    byType.set(spec?.ResourceType, tags);
  }
  return [...byType].map(([type, tags]) => ({
    ResourceType: type as TagSpecification["ResourceType"],
    Tags: [...tags].map(([Key, Value]) => ({ Key: Key as string, Value: Value as string })),
  }));
}

/**
 * RunInstances' authorization of the template it launches from: the action
 * on the launch template (Service Authorization Reference, RunInstances:
 * `launch-template`), beside the resources the launch itself authorizes.
 */
export function authorizeTemplateUse(ctx: OperationContext, used: TemplateUse | undefined): void {
  if (used !== undefined) ctx.authorize("RunInstances", [launchTemplateResource(ctx.region.settings, used.template)]);
}

/**
 * An instance's tags with the two EC2 adds to one launched from a template
 * (`aws:ec2launchtemplate:id`, `aws:ec2launchtemplate:version`), after its
 * own; the tags themselves, or the shared empty map, without a template.
 */
export function withTemplateTags(
  tags: ReadonlyMap<string, string> | undefined,
  used: TemplateUse | undefined,
): ReadonlyMap<string, string> {
  if (used === undefined) return tags ?? NO_TAGS;
  return new Map([
    ...(tags ?? NO_TAGS),
    ["aws:ec2launchtemplate:id", used.template.launchTemplateId],
    ["aws:ec2launchtemplate:version", String(used.version.versionNumber)],
  ]);
}
