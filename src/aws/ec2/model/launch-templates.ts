import type { RequestLaunchTemplateData } from "@aws-sdk/client-ec2";
import {
  array,
  type Codec,
  custom,
  integer,
  invalid,
  object,
  optional,
  readObject,
  string,
  time,
  type ValuesOf,
} from "../../../engine/record.js";
import { newId } from "./ids.js";
import { KeyedStore } from "./keyed-store.js";
import { tagsField } from "./tags.js";

/**
 * Launch templates (issue 16): the store one region holds. A template has
 * numbered versions, each an immutable copy of the launch parameters it
 * was given; the template names its default and latest versions. The rules
 * (names, versions, what a launch takes from a version) are in
 * src/aws/ec2/operations/launch-templates.ts; docs/behaviour.md, "Launch
 * templates", gives their sources.
 */

/** EC2's quota of launch templates per region (user guide, "Restrictions for Amazon EC2 launch templates"). */
export const MAX_LAUNCH_TEMPLATES_PER_REGION = 5000;
/** EC2's quota of versions per launch template (same page). */
export const MAX_VERSIONS_PER_TEMPLATE = 10000;

/**
 * A version's launch parameters, kept as the caller gave them (EC2 hands
 * them back unchanged in DescribeLaunchTemplateVersions): a deep copy, never
 * shared with the request. In JSON, as JSON (`SpotOptions.ValidUntil`, the
 * one time among them, as an ISO string, read back as a Date).
 */
const launchDataField: Codec<RequestLaunchTemplateData, Record<string, unknown>> = custom({
  write: (data) => JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
  read(json, path) {
    const data = structuredClone(readObject(json, path)) as RequestLaunchTemplateData;
    const spot = data.InstanceMarketOptions?.SpotOptions;
    if (spot !== undefined && typeof spot.ValidUntil === "string") {
      const at = new Date(spot.ValidUntil);
      if (Number.isNaN(at.getTime()))
        throw invalid(`${path}.InstanceMarketOptions.SpotOptions.ValidUntil`, "an ISO 8601 time", spot.ValidUntil);
      spot.ValidUntil = at;
    }
    return data;
  },
});

/** A version's fields, declared once: the record, its snapshot form and the checks on restore. */
export const launchTemplateVersionRecord = object({
  /** 1, 2, ...: numbered in creation order, never reused. */
  versionNumber: integer,
  /** `VersionDescription`, when given. */
  description: optional(string),
  /** When it was created. */
  createTime: time,
  /** The ARN of the principal that created it. */
  createdBy: string,
  /** Its launch parameters. */
  data: launchDataField,
  /** The `ClientToken` of the call that created it, with a digest of that call (idempotency). */
  clientToken: optional(object({ token: string, digest: string })),
});

/** One version of a launch template: immutable. */
export type LaunchTemplateVersionRecord = Readonly<ValuesOf<typeof launchTemplateVersionRecord.fields>>;

/** A launch template's fields, declared once. */
export const launchTemplateRecord = object({
  /** `lt-` and 17 hex digits. */
  launchTemplateId: string,
  /** Its name, unique in the region (case-sensitive). */
  launchTemplateName: string,
  /** Creation order across the region (pagination). */
  seq: integer,
  createTime: time,
  createdBy: string,
  /** The number of its default version. */
  defaultVersion: integer,
  /** The highest number given to a version so far (deleted versions' numbers are never given again). */
  versionCounter: integer,
  /** Its versions still there, in version order. */
  versions: array(launchTemplateVersionRecord),
  /** Its tags, in the order they were set. */
  tags: tagsField,
  /** The `ClientToken` of the CreateLaunchTemplate call, with a digest of that call. */
  clientToken: optional(object({ token: string, digest: string })),
});

/** One launch template of a region. Its versions, default and tags change; its id, name and creation do not. */
export interface LaunchTemplate
  extends Readonly<Omit<ValuesOf<typeof launchTemplateRecord.fields>, "defaultVersion" | "versionCounter" | "versions" | "tags">> {
  defaultVersion: number;
  versionCounter: number;
  versions: LaunchTemplateVersionRecord[];
  /** Its tags: replaced whole by {@link LaunchTemplateStore.setTags}, never written into. */
  tags: ReadonlyMap<string, string>;
}

/** What a new template or version records of the call that made it. */
export interface Creation {
  readonly now: number;
  readonly createdBy: string;
  readonly description: string | undefined;
  readonly clientToken: { token: string; digest: string } | undefined;
}

/**
 * The launch templates of one region, by id and by name, in creation order.
 * Callers run every check first: these methods never refuse.
 */
export class LaunchTemplateStore extends KeyedStore<LaunchTemplate> {
  private readonly byName = new Map<string, LaunchTemplate>();

  protected override idOf(template: LaunchTemplate): string {
    return template.launchTemplateId;
  }

  protected override indexed(template: LaunchTemplate): void {
    this.byName.set(template.launchTemplateName, template);
  }

  protected override unindexAll(): void {
    this.byName.clear();
  }

  /** The template with this name, if any. */
  withName(name: string): LaunchTemplate | undefined {
    return this.byName.get(name);
  }

  /** Stores a new template with its version 1 (the name is free: checked by the caller). */
  add(name: string, data: RequestLaunchTemplateData, creation: Creation, tags: ReadonlyMap<string, string>): LaunchTemplate {
    const template: LaunchTemplate = {
      launchTemplateId: newId("lt"),
      launchTemplateName: name,
      seq: this.nextSeq(),
      createTime: creation.now,
      createdBy: creation.createdBy,
      defaultVersion: 1,
      versionCounter: 0,
      versions: [],
      tags: new Map(tags),
      clientToken: creation.clientToken,
    };
    this.addVersion(template, data, { ...creation, clientToken: undefined });
    this.put(template);
    return template;
  }

  /** Adds the next version to a template and returns it. */
  addVersion(template: LaunchTemplate, data: RequestLaunchTemplateData, creation: Creation): LaunchTemplateVersionRecord {
    template.versionCounter += 1;
    const version: LaunchTemplateVersionRecord = {
      versionNumber: template.versionCounter,
      description: creation.description,
      createTime: creation.now,
      createdBy: creation.createdBy,
      data: structuredClone(data),
      clientToken: creation.clientToken,
    };
    template.versions.push(version);
    return version;
  }

  /** Removes versions of a template (never its default: checked by the caller). */
  deleteVersions(template: LaunchTemplate, numbers: ReadonlySet<number>): void {
    template.versions = template.versions.filter((v) => !numbers.has(v.versionNumber));
  }

  /** Deletes a template and every version of it. */
  delete(template: LaunchTemplate): void {
    this.remove(template.launchTemplateId);
    this.byName.delete(template.launchTemplateName);
  }
}

/** The version of a template with this number, if it still exists. */
export function versionOf(template: LaunchTemplate, versionNumber: number): LaunchTemplateVersionRecord | undefined {
  return template.versions.find((v) => v.versionNumber === versionNumber);
}

/** The template's latest version: the highest number still there (the default is never deleted, so there is one). */
export function latestVersionOf(template: LaunchTemplate): LaunchTemplateVersionRecord {
  return template.versions[template.versions.length - 1]!;
}
