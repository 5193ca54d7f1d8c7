/**
 * How a call names a launch template, and how RunInstances and EC2 Fleet
 * find it and its version: apart from ./launch-templates.ts's operations
 * so that those load on first use while RunInstances, which resolves
 * templates, stays in what `import("ec2-mock")` loads (issue 22 (f)).
 */
import type { OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { isWellFormedId } from "../model/ids.js";
import { type LaunchTemplate, type LaunchTemplateVersionRecord, latestVersionOf, versionOf } from "../model/launch-templates.js";
import { clipped } from "../model/limits.js";

/** The longest template name, for names shown in errors. */
const MAX_NAME_LENGTH = 128;

/** How a call names its template: by id or by name, exactly one of them. */
export interface TemplateRef {
  readonly id?: string;
  readonly name?: string;
}

/** The template a reference names, or EC2's Malformed or NotFound. */
export function findTemplate(ctx: OperationContext, ref: TemplateRef): LaunchTemplate {
  const store = ctx.region.launchTemplates;
  if (ref.id !== undefined) {
    if (!isWellFormedId("lt", ref.id)) throw errors.launchTemplateIdMalformed();
    const template = store.get(ref.id);
    if (template === undefined) throw errors.launchTemplateIdNotFound(ref.id);
    return template;
  }
  const template = store.withName(ref.name!);
  if (template === undefined) throw errors.launchTemplateNameNotFound(clipped(ref.name!, MAX_NAME_LENGTH));
  return template;
}

/**
 * A version as calls name one: a number, `$Latest` or `$Default`; anything
 * else, or a number the template does not have, is EC2's VersionNotFound.
 */
export function resolveVersion(template: LaunchTemplate, value: unknown): LaunchTemplateVersionRecord {
  const text = String(value);
  if (text === "$Latest") return latestVersionOf(template);
  if (text === "$Default") return versionOf(template, template.defaultVersion)!;
  const version = /^[0-9]{1,9}$/.test(text) ? versionOf(template, Number(text)) : undefined;
  if (version === undefined) throw errors.launchTemplateVersionNotFound(clipped(text), template.launchTemplateId);
  return version;
}
