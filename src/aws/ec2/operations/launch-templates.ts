import type {
  CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateCommandOutput,
  CreateLaunchTemplateVersionCommandInput,
  CreateLaunchTemplateVersionCommandOutput,
  DeleteLaunchTemplateCommandInput,
  DeleteLaunchTemplateCommandOutput,
  DeleteLaunchTemplateVersionsCommandInput,
  DeleteLaunchTemplateVersionsCommandOutput,
  DeleteLaunchTemplateVersionsResponseErrorItem,
  DeleteLaunchTemplateVersionsResponseSuccessItem,
  DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplatesCommandOutput,
  DescribeLaunchTemplateVersionsCommandInput,
  DescribeLaunchTemplateVersionsCommandOutput,
  LaunchTemplate as LaunchTemplateShape,
  LaunchTemplateVersion,
  ModifyLaunchTemplateCommandInput,
  ModifyLaunchTemplateCommandOutput,
  RequestLaunchTemplateData,
  ResponseLaunchTemplateData,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { launchTemplateResource, newResource } from "../../iam/resources.js";
import { authorizeAndDryRun, optionalString, refuseUnmodelled } from "../checks.js";
import type { Operation, OperationContext } from "../context.js";
import { errors } from "../errors.js";
import { compileFilters, type FilterTable, readFilters } from "../filters.js";
import { isWellFormedId } from "../model/ids.js";
import {
  type Creation,
  type LaunchTemplate,
  type LaunchTemplateVersionRecord,
  latestVersionOf,
  MAX_LAUNCH_TEMPLATES_PER_REGION,
  MAX_VERSIONS_PER_TEMPLATE,
  versionOf,
} from "../model/launch-templates.js";
import { checkFilterCount, clipped } from "../model/limits.js";
import { readTagsOf } from "../model/tags.js";
import { encodeToken, type MaxResultsRule, readMaxResults, readToken, takePage } from "../pagination.js";
import { findTemplate, resolveVersion, type TemplateRef } from "./template-lookup.js";

/**
 * Launch templates: CreateLaunchTemplate, CreateLaunchTemplateVersion,
 * ModifyLaunchTemplate, DescribeLaunchTemplates,
 * DescribeLaunchTemplateVersions, DeleteLaunchTemplate and
 * DeleteLaunchTemplateVersions, in EC2's order of checks (parameters →
 * existence → authorization → DryRun → state rules → effect).
 * docs/behaviour.md, "Launch templates", gives the source of each rule.
 */

/** A launch template name: 3 to 128 of letters, digits and `()./_-` (API reference, LaunchTemplateName). */
const TEMPLATE_NAME = /^[a-zA-Z0-9()./_-]{3,128}$/;
/** The longest version description (API reference, VersionDescription). */
export const MAX_VERSION_DESCRIPTION_LENGTH = 255;
/** The most versions one DeleteLaunchTemplateVersions call deletes (API reference). */
export const MAX_VERSIONS_PER_DELETE = 200;
/** The ARN of a launch template's creator as EC2 shows it (`CreatedBy`). */
const createdByOf = (ctx: OperationContext): string => ctx.principal.arn;
/** MaxResults of DescribeLaunchTemplates and DescribeLaunchTemplateVersions: 1 to 200 (API reference). */
const templatesMaxResults: MaxResultsRule = { idsParameter: "LaunchTemplateId", min: 1, max: 200, above: "error" };

/** The name of a new template: required, 3 to 128 of the allowed characters. */
function readNewName(value: unknown): string {
  const name = optionalString(value);
  if (name === undefined || name === "") throw errors.missingParameter("LaunchTemplateName");
  if (!TEMPLATE_NAME.test(name)) throw errors.launchTemplateNameMalformed();
  return name;
}

/** `VersionDescription`: up to 255 characters. */
function readDescription(value: unknown): string | undefined {
  const description = optionalString(value);
  if (description !== undefined && description.length > MAX_VERSION_DESCRIPTION_LENGTH) {
    throw errors.versionDescriptionTooLong(MAX_VERSION_DESCRIPTION_LENGTH);
  }
  return description;
}

/** Whether launch data holds any parameter (an absent member or an empty list is none). */
function hasParameters(data: object): boolean {
  return Object.values(data).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));
}

/**
 * `LaunchTemplateData`: required and a structure. EC2 does not validate a
 * template's parameters when it is created (user guide, "Restrictions for
 * Amazon EC2 launch templates": "not fully validated"); a launch from it
 * does, as any launch. Data without any parameter is MissingParameter,
 * unless `allowEmpty` (a version based on a source version).
 * `InstanceRequirements` is refused by name (see below).
 */
function readLaunchData(action: string, value: unknown, allowEmpty = false): RequestLaunchTemplateData {
  // An empty structure is not sent on the wire at all: absent and empty are one case.
  if (value === undefined || value === null) {
    if (allowEmpty) return {};
    throw errors.launchTemplateDataMissing();
  }
  if (typeof value !== "object" || Array.isArray(value)) throw errors.inputNotStructure(Array.isArray(value) ? "a list" : typeof value);
  if (!allowEmpty && !hasParameters(value)) throw errors.launchTemplateDataMissing();
  // Attribute-based instance type selection (for fleets and Auto Scaling) holds EC2's only fractional
  // inputs, which every door reads as integers (src/protocols/ec2-query/scalars.ts): refused by name.
  const requirements = (value as RequestLaunchTemplateData).InstanceRequirements;
  if (requirements !== undefined && requirements !== null)
    throw errors.unmodelledParameter(action, "LaunchTemplateData.InstanceRequirements");
  const data: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) if (member !== undefined) data[name] = member;
  return data as RequestLaunchTemplateData;
}

/** The longest `ClientToken` of the launch template calls (API reference: "Maximum 128 ASCII characters"). */
export const MAX_TEMPLATE_TOKEN_LENGTH = 128;
const printableAscii = /^[\x20-\x7e]*$/;

/** A `ClientToken`: at most 128 ASCII characters. */
function readClientToken(value: unknown): string | undefined {
  const token = optionalString(value);
  if (token !== undefined && (token.length > MAX_TEMPLATE_TOKEN_LENGTH || !printableAscii.test(token))) {
    throw errors.invalidClientToken(clipped(token), MAX_TEMPLATE_TOKEN_LENGTH);
  }
  return token;
}

/** What identifies a call for idempotency: the request without its token and DryRun. */
function callDigest(input: { ClientToken?: string; DryRun?: boolean }): string {
  const { ClientToken: _token, DryRun: _dryRun, ...request } = input;
  return digestOf(request);
}

/** Reads `LaunchTemplateId` and `LaunchTemplateName`: one, not both (undefined for neither when `optional`). */
function readTemplateRef(input: { LaunchTemplateId?: string; LaunchTemplateName?: string }): TemplateRef;
function readTemplateRef(input: { LaunchTemplateId?: string; LaunchTemplateName?: string }, optional: true): TemplateRef | undefined;
function readTemplateRef(input: { LaunchTemplateId?: string; LaunchTemplateName?: string }, optional = false): TemplateRef | undefined {
  const id = optionalString(input.LaunchTemplateId);
  const name = optionalString(input.LaunchTemplateName);
  const hasId = id !== undefined && id !== "";
  const hasName = name !== undefined && name !== "";
  if (hasId && hasName) throw errors.launchTemplateIdAndName();
  if (hasId) return { id };
  if (hasName) return { name };
  if (optional) return undefined;
  throw errors.launchTemplateIdOrNameMissing();
}

/** Tags as the SDK shapes them. */
function tagList(tags: ReadonlyMap<string, string>): { Key: string; Value: string }[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** A template as the SDK's `LaunchTemplate` shows it; `Tags` only when it has some. */
function renderTemplate(template: LaunchTemplate): LaunchTemplateShape {
  return {
    LaunchTemplateId: template.launchTemplateId,
    LaunchTemplateName: template.launchTemplateName,
    CreateTime: new Date(template.createTime),
    CreatedBy: template.createdBy,
    DefaultVersionNumber: template.defaultVersion,
    LatestVersionNumber: latestVersionOf(template).versionNumber,
    ...(template.tags.size === 0 ? {} : { Tags: tagList(template.tags) }),
  };
}

/** A version as the SDK's `LaunchTemplateVersion` shows it: its data as it was given. */
function renderVersion(template: LaunchTemplate, version: LaunchTemplateVersionRecord): LaunchTemplateVersion {
  return {
    LaunchTemplateId: template.launchTemplateId,
    LaunchTemplateName: template.launchTemplateName,
    VersionNumber: version.versionNumber,
    ...(version.description === undefined ? {} : { VersionDescription: version.description }),
    CreateTime: new Date(version.createTime),
    CreatedBy: version.createdBy,
    DefaultVersion: version.versionNumber === template.defaultVersion,
    // The request's members and the response's have the same names: the data is shown as given.
    LaunchTemplateData: structuredClone(version.data) as unknown as ResponseLaunchTemplateData,
  };
}

/**
 * CreateLaunchTemplate: a template and its version 1 (the default and the
 * latest), tagged `launch-template` by TagSpecifications. A name the region
 * has is AlreadyExistsException; a `ClientToken` used before answers the
 * same template again (another request with it is IdempotentParameterMismatch).
 */
export const createLaunchTemplate: Operation<CreateLaunchTemplateCommandInput, CreateLaunchTemplateCommandOutput> = (ctx, input) => {
  const name = readNewName(input.LaunchTemplateName);
  const data = readLaunchData("CreateLaunchTemplate", input.LaunchTemplateData);
  const description = readDescription(input.VersionDescription);
  const tags = readTagsOf(input.TagSpecifications, "launch-template");
  const token = readClientToken(input.ClientToken);
  refuseUnmodelled("CreateLaunchTemplate", input, [
    "LaunchTemplateName",
    "LaunchTemplateData",
    "VersionDescription",
    "TagSpecifications",
    "ClientToken",
  ]);
  const target = newResource(ctx.region.settings, "launch-template", {}, tags);
  ctx.authorize("CreateLaunchTemplate", [target]);
  if (tags.size > 0) ctx.authorize("CreateTags", [target], { keys: { "ec2:CreateAction": "CreateLaunchTemplate" } });
  if (input.DryRun === true) throw errors.dryRun();
  const store = ctx.region.launchTemplates;
  const digest = callDigest(input);
  if (token !== undefined) {
    const earlier = [...store.list()].find((t) => t.clientToken?.token === token);
    if (earlier !== undefined) {
      if (earlier.clientToken!.digest !== digest) throw errors.idempotentParameterMismatch(token);
      return { LaunchTemplate: renderTemplate(earlier) };
    }
  }
  if (store.withName(name) !== undefined) throw errors.launchTemplateNameInUse();
  if (store.size >= MAX_LAUNCH_TEMPLATES_PER_REGION) throw errors.launchTemplateLimit(MAX_LAUNCH_TEMPLATES_PER_REGION);
  const creation: Creation = {
    now: ctx.now,
    createdBy: createdByOf(ctx),
    description,
    clientToken: token === undefined ? undefined : { token, digest },
  };
  return { LaunchTemplate: renderTemplate(store.add(name, data, creation, tags)) };
};

/**
 * CreateLaunchTemplateVersion: the template's next version. With
 * `SourceVersion`, the new version has the source's parameters, each one
 * `LaunchTemplateData` gives replaced (API reference, SourceVersion).
 */
export const createLaunchTemplateVersion: Operation<CreateLaunchTemplateVersionCommandInput, CreateLaunchTemplateVersionCommandOutput> = (
  ctx,
  input,
) => {
  const ref = readTemplateRef(input);
  const sourceGiven = input.SourceVersion !== undefined && input.SourceVersion !== null && input.SourceVersion !== "";
  const data = readLaunchData("CreateLaunchTemplateVersion", input.LaunchTemplateData, sourceGiven);
  const description = readDescription(input.VersionDescription);
  const token = readClientToken(input.ClientToken);
  if (input.ResolveAlias === true) throw errors.unmodelledParameter("CreateLaunchTemplateVersion", "ResolveAlias");
  refuseUnmodelled("CreateLaunchTemplateVersion", input, [
    "LaunchTemplateId",
    "LaunchTemplateName",
    "LaunchTemplateData",
    "SourceVersion",
    "VersionDescription",
    "ClientToken",
    "ResolveAlias",
  ]);
  const template = findTemplate(ctx, ref);
  const source = sourceGiven ? resolveVersion(template, input.SourceVersion) : undefined;
  authorizeAndDryRun(ctx, "CreateLaunchTemplateVersion", [launchTemplateResource(ctx.region.settings, template)], input.DryRun);
  const digest = callDigest(input);
  if (token !== undefined) {
    const earlier = template.versions.find((v) => v.clientToken?.token === token);
    if (earlier !== undefined) {
      if (earlier.clientToken!.digest !== digest) throw errors.idempotentParameterMismatch(token);
      return { LaunchTemplateVersion: renderVersion(template, earlier) };
    }
  }
  if (template.versions.length >= MAX_VERSIONS_PER_TEMPLATE) throw errors.launchTemplateVersionLimit(MAX_VERSIONS_PER_TEMPLATE);
  const merged = source === undefined ? data : { ...structuredClone(source.data), ...data };
  const version = ctx.region.launchTemplates.addVersion(template, merged, {
    now: ctx.now,
    createdBy: createdByOf(ctx),
    description,
    clientToken: token === undefined ? undefined : { token, digest },
  });
  return { LaunchTemplateVersion: renderVersion(template, version) };
};

/** ModifyLaunchTemplate: sets the template's default version (`DefaultVersion`, a version number it has). */
export const modifyLaunchTemplate: Operation<ModifyLaunchTemplateCommandInput, ModifyLaunchTemplateCommandOutput> = (ctx, input) => {
  const ref = readTemplateRef(input);
  const wanted = optionalString(input.DefaultVersion);
  readClientToken(input.ClientToken);
  // ClientToken: setting the same default twice is the same call; nothing more to remember.
  refuseUnmodelled("ModifyLaunchTemplate", input, ["LaunchTemplateId", "LaunchTemplateName", "DefaultVersion", "ClientToken"]);
  const template = findTemplate(ctx, ref);
  let version: LaunchTemplateVersionRecord | undefined;
  if (wanted !== undefined) {
    version = /^[0-9]{1,9}$/.test(wanted) ? versionOf(template, Number(wanted)) : undefined;
    if (version === undefined) throw errors.defaultVersionNotFound(clipped(wanted));
  }
  authorizeAndDryRun(ctx, "ModifyLaunchTemplate", [launchTemplateResource(ctx.region.settings, template)], input.DryRun);
  if (version !== undefined) template.defaultVersion = version.versionNumber;
  return { LaunchTemplate: renderTemplate(template) };
};

/** A list parameter as strings; missing means none. */
function readList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** DescribeLaunchTemplates' filters, as the API reference lists them. */
export const launchTemplateFilters: FilterTable<LaunchTemplate, OperationContext> = {
  exact: {
    "create-time": (t) => new Date(t.createTime).toISOString(),
    "launch-template-name": (t) => t.launchTemplateName,
    "tag-key": (t) => [...t.tags.keys()],
  },
  prefixed: {
    "tag:": (key) => (t) => t.tags.get(key),
  },
};

/**
 * DescribeLaunchTemplates: every template in creation order, or those named
 * by `LaunchTemplateIds` or `LaunchTemplateNames` (each must exist),
 * narrowed by `Filters`, paged by `MaxResults` (1 to 200) and `NextToken`.
 */
export const describeLaunchTemplates: Operation<DescribeLaunchTemplatesCommandInput, DescribeLaunchTemplatesCommandOutput> = (
  ctx,
  input,
) => {
  const ids = readList(input.LaunchTemplateIds);
  const names = readList(input.LaunchTemplateNames);
  refuseUnmodelled("DescribeLaunchTemplates", input, ["LaunchTemplateIds", "LaunchTemplateNames", "Filters", "MaxResults", "NextToken"]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  const accept = compileFilters(filters, launchTemplateFilters);
  const max = readMaxResults(input.MaxResults, false, templatesMaxResults);
  const digest = digestOf({ action: "DescribeLaunchTemplates", ids, names, filters });
  const after = readToken(input.NextToken, digest);
  const store = ctx.region.launchTemplates;
  const named = new Set<LaunchTemplate>();
  for (const id of ids) if (!isWellFormedId("lt", id)) throw errors.launchTemplateIdMalformed();
  for (const id of ids) {
    const template = store.get(id);
    if (template === undefined) throw errors.launchTemplateIdsNotFound();
    named.add(template);
  }
  for (const name of names) {
    const template = store.withName(name);
    if (template === undefined) throw errors.launchTemplateNamesNotFound();
    named.add(template);
  }
  authorizeAndDryRun(ctx, "DescribeLaunchTemplates", [], input.DryRun);
  const narrowed = ids.length + names.length > 0;
  const page = takePage(
    store.list(),
    (t) => ({ seq: t.seq, index: 0 }),
    (t) => (!narrowed || named.has(t)) && accept(t, ctx),
    after,
    max,
  );
  return {
    LaunchTemplates: page.items.map(renderTemplate),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** What DescribeLaunchTemplateVersions' filters read: a version and its template. */
interface VersionOfTemplate {
  readonly template: LaunchTemplate;
  readonly version: LaunchTemplateVersionRecord;
}

/** A boolean as filters compare it. */
const flag = (value: boolean | undefined): string | undefined => (value === undefined ? undefined : String(value));

/**
 * DescribeLaunchTemplateVersions' filters, as the API reference lists them;
 * those about what the mock does not have (host resource groups, license
 * configurations, network cards, an IPv4 metadata protocol setting) are
 * refused by name.
 */
export const launchTemplateVersionFilters: FilterTable<VersionOfTemplate, OperationContext> = {
  exact: {
    "create-time": ({ version }) => new Date(version.createTime).toISOString(),
    "ebs-optimized": ({ version }) => flag(version.data.EbsOptimized),
    "http-endpoint": ({ version }) => version.data.MetadataOptions?.HttpEndpoint,
    "http-tokens": ({ version }) => version.data.MetadataOptions?.HttpTokens,
    "iam-instance-profile": ({ version }) => version.data.IamInstanceProfile?.Arn,
    "image-id": ({ version }) => version.data.ImageId,
    "instance-type": ({ version }) => version.data.InstanceType,
    "is-default-version": ({ template, version }) => String(version.versionNumber === template.defaultVersion),
    "kernel-id": ({ version }) => version.data.KernelId,
    "ram-disk-id": ({ version }) => version.data.RamDiskId,
  },
};

/** Filters of DescribeLaunchTemplateVersions the mock does not model (refused by name, never matched wrongly). */
const unmodelledVersionFilters = new Set([
  "host-resource-group-arn",
  "http-protocol-ipv4",
  "license-configuration-arn",
  "network-card-index",
]);

/** A version bound (`MinVersion`, `MaxVersion`): a version number. */
function readBound(value: unknown, parameter: "MinVersion" | "MaxVersion"): number | undefined {
  const text = optionalString(value);
  if (text === undefined || text === "") return undefined;
  if (!/^[0-9]{1,9}$/.test(text)) throw errors.invalidValueFor(parameter, clipped(text));
  return Number(text);
}

/**
 * DescribeLaunchTemplateVersions. With a template (by id or name): the
 * versions `Versions` names (numbers, `$Latest`, `$Default`; each must
 * exist), or every version, within `MinVersion`..`MaxVersion` (both
 * included: decision). Without one: the `$Latest` and/or `$Default` version
 * of every template (numbers are refused then). Narrowed by `Filters`, in
 * template then version order, paged by `MaxResults` (1 to 200).
 */
export const describeLaunchTemplateVersions: Operation<
  DescribeLaunchTemplateVersionsCommandInput,
  DescribeLaunchTemplateVersionsCommandOutput
> = (ctx, input) => {
  const ref = readTemplateRef(input, true);
  const versions = readList(input.Versions);
  const min = readBound(input.MinVersion, "MinVersion");
  const maxVersion = readBound(input.MaxVersion, "MaxVersion");
  if (input.ResolveAlias === true) throw errors.unmodelledParameter("DescribeLaunchTemplateVersions", "ResolveAlias");
  refuseUnmodelled("DescribeLaunchTemplateVersions", input, [
    "LaunchTemplateId",
    "LaunchTemplateName",
    "Versions",
    "MinVersion",
    "MaxVersion",
    "Filters",
    "MaxResults",
    "NextToken",
    "ResolveAlias",
  ]);
  checkFilterCount(input.Filters);
  const filters = readFilters(input.Filters);
  for (const filter of filters) {
    if (unmodelledVersionFilters.has(filter.name)) throw errors.unmodelledFilter("DescribeLaunchTemplateVersions", filter.name);
  }
  const accept = compileFilters(filters, launchTemplateVersionFilters);
  if (ref === undefined) {
    if (versions.length === 0) throw errors.versionsScopeMissing();
    if (versions.some((v) => v !== "$Latest" && v !== "$Default") || min !== undefined || maxVersion !== undefined) {
      throw errors.versionsScopeInvalid();
    }
  }
  const max = readMaxResults(input.MaxResults, false, templatesMaxResults);
  const digest = digestOf({ action: "DescribeLaunchTemplateVersions", ref, versions, min, maxVersion, filters });
  const after = readToken(input.NextToken, digest);
  const template = ref === undefined ? undefined : findTemplate(ctx, ref);
  // Each version named must exist (NotFound before authorization).
  const chosen = template === undefined ? undefined : new Set(versions.map((v) => resolveVersion(template, v).versionNumber));
  authorizeAndDryRun(ctx, "DescribeLaunchTemplateVersions", [], input.DryRun);
  const inRange = (n: number) => (min === undefined || n >= min) && (maxVersion === undefined || n <= maxVersion);
  const candidates: VersionOfTemplate[] = [];
  if (template !== undefined) {
    for (const version of template.versions) {
      if ((chosen!.size === 0 || chosen!.has(version.versionNumber)) && inRange(version.versionNumber))
        candidates.push({ template, version });
    }
  } else {
    for (const each of ctx.region.launchTemplates.list()) {
      const numbers = new Set<number>();
      if (versions.includes("$Default")) numbers.add(each.defaultVersion);
      if (versions.includes("$Latest")) numbers.add(latestVersionOf(each).versionNumber);
      for (const version of each.versions) if (numbers.has(version.versionNumber)) candidates.push({ template: each, version });
    }
  }
  const page = takePage(
    candidates,
    (c) => ({ seq: c.template.seq, index: c.version.versionNumber }),
    (c) => accept(c, ctx),
    after,
    max,
  );
  return {
    LaunchTemplateVersions: page.items.map((c) => renderVersion(c.template, c.version)),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};

/** DeleteLaunchTemplate: the template and every version of it. */
export const deleteLaunchTemplate: Operation<DeleteLaunchTemplateCommandInput, DeleteLaunchTemplateCommandOutput> = (ctx, input) => {
  const ref = readTemplateRef(input);
  refuseUnmodelled("DeleteLaunchTemplate", input, ["LaunchTemplateId", "LaunchTemplateName"]);
  const template = findTemplate(ctx, ref);
  authorizeAndDryRun(ctx, "DeleteLaunchTemplate", [launchTemplateResource(ctx.region.settings, template)], input.DryRun);
  const shown = renderTemplate(template);
  ctx.region.launchTemplates.delete(template);
  return { LaunchTemplate: shown };
};

/**
 * DeleteLaunchTemplateVersions: up to 200 versions of one template. Each
 * version is answered on its own, in the order given: deleted, or listed
 * as not deleted with its reason (it does not exist; it is the default
 * version, which EC2 never deletes). The call itself succeeds.
 */
export const deleteLaunchTemplateVersions: Operation<
  DeleteLaunchTemplateVersionsCommandInput,
  DeleteLaunchTemplateVersionsCommandOutput
> = (ctx, input) => {
  const ref = readTemplateRef(input);
  const asked = readList(input.Versions);
  if (asked.length === 0) throw errors.missingParameter("LaunchTemplateVersion");
  if (asked.length > MAX_VERSIONS_PER_DELETE) throw errors.tooManyVersionsToDelete(asked.length, MAX_VERSIONS_PER_DELETE);
  refuseUnmodelled("DeleteLaunchTemplateVersions", input, ["LaunchTemplateId", "LaunchTemplateName", "Versions"]);
  const template = findTemplate(ctx, ref);
  authorizeAndDryRun(ctx, "DeleteLaunchTemplateVersions", [launchTemplateResource(ctx.region.settings, template)], input.DryRun);
  const deleted: DeleteLaunchTemplateVersionsResponseSuccessItem[] = [];
  const refused: DeleteLaunchTemplateVersionsResponseErrorItem[] = [];
  const numbers = new Set<number>();
  const id = { LaunchTemplateId: template.launchTemplateId, LaunchTemplateName: template.launchTemplateName };
  for (const text of new Set(asked)) {
    const version = /^[0-9]{1,9}$/.test(text) ? versionOf(template, Number(text)) : undefined;
    if (version === undefined) {
      refused.push({
        ...id,
        ...(/^[0-9]{1,9}$/.test(text) ? { VersionNumber: Number(text) } : {}),
        ResponseError: { Code: "launchTemplateVersionDoesNotExist", Message: "The specified launch template version does not exist." },
      });
    } else if (version.versionNumber === template.defaultVersion) {
      refused.push({
        ...id,
        VersionNumber: version.versionNumber,
        ResponseError: { Code: "unexpectedError", Message: "The default version of a launch template cannot be deleted." },
      });
    } else {
      numbers.add(version.versionNumber);
      deleted.push({ ...id, VersionNumber: version.versionNumber });
    }
  }
  ctx.region.launchTemplates.deleteVersions(template, numbers);
  return { SuccessfullyDeletedLaunchTemplateVersions: deleted, UnsuccessfullyDeletedLaunchTemplateVersions: refused };
};
