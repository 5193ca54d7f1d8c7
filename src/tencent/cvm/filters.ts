import type { CvmContext } from "./context.js";
import { cvmErrors } from "./errors.js";
import type { CvmInstance } from "./model/instance.js";
import type { Params } from "./params.js";

/** At most 10 filters per request and 5 values per filter (source: DescribeInstances, `Filters`). */
export const MAX_FILTERS = 10;
export const MAX_FILTER_VALUES = 5;

/** What a filter reads from an instance: one value or several; a filter matches when any of them equals any of its values. */
type Reader = (instance: CvmInstance, ctx: CvmContext) => readonly string[];

/** The filters of DescribeInstances the mock implements (names from the SDK's `DescribeInstancesRequest.Filters`). */
const readers: Record<string, Reader> = {
  zone: (i) => [i.zone],
  "project-id": (i) => [String(i.projectId)],
  "vpc-id": (_, ctx) => [ctx.region.network.vpcId],
  "subnet-id": (i) => [i.subnetId],
  "instance-id": (i) => [i.instanceId],
  uuid: (i) => [i.uuid],
  "security-group-id": (_, ctx) => [ctx.region.network.securityGroupId],
  "instance-name": (i) => [i.name],
  "instance-charge-type": (i) => [i.chargeType],
  "instance-state": (i, ctx) => [ctx.region.stateOf(i, ctx.now)],
  "private-ip-address": (i) => [i.privateIp],
  "public-ip-address": (i) => (i.publicIp === undefined ? [] : [i.publicIp]),
  "tag-key": (i) => i.tags.map((tag) => tag.Key),
  "tag-value": (i) => i.tags.map((tag) => tag.Value),
  // No dedicated hosts (CDH), dedicated clusters (CDC) or IPv6 addresses in the mock: these match nothing (decision).
  "host-id": () => [],
  "dedicated-cluster-id": () => [],
  "ipv6-address": () => [],
};

/**
 * The shape each id or address filter's values must have, and the code of
 * DescribeInstances' error list for a value that lacks it (source: the
 * codes; the id shapes are CVM's `<prefix>-` and 8 lowercase letters or
 * digits, the addresses dotted IPv4 or IPv6).
 */
const valueShapes: Record<string, { pattern: RegExp; code: string }> = {
  "instance-id": { pattern: /^ins-[a-z0-9]{8}$/, code: "InvalidInstanceId.Malformed" },
  "vpc-id": { pattern: /^vpc-[a-z0-9]{8}$/, code: "InvalidParameterValue.VpcIdMalformed" },
  "subnet-id": { pattern: /^subnet-[a-z0-9]{8}$/, code: "InvalidParameterValue.SubnetIdMalformed" },
  "security-group-id": { pattern: /^sg-[a-z0-9]{8}$/, code: "InvalidSgId.Malformed" },
  "host-id": { pattern: /^host-[a-z0-9]{8}$/, code: "InvalidHostId.Malformed" },
  "private-ip-address": {
    pattern: /^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/,
    code: "InvalidParameterValue.IPAddressMalformed",
  },
  "public-ip-address": {
    pattern: /^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/,
    code: "InvalidParameterValue.IPAddressMalformed",
  },
  "ipv6-address": { pattern: /^[0-9a-fA-F:.]{2,45}$/, code: "InvalidParameterValue.IPv6AddressMalformed" },
};

/** When the instance was created, to the second (what `CreatedTime` shows). */
function createdSecond(instance: CvmInstance): number {
  return Math.floor(instance.createdTime / 1000) * 1000;
}

/** `creation-start-time` / `creation-end-time`: `YYYY-MM-DD hh:mm:ss`, Beijing time (UTC+8; decision: the API's example has no zone, and Tencent Cloud's times without one are Beijing time). */
function creationBound(filter: string, value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  const ms = match === null ? Number.NaN : Date.parse(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}+08:00`);
  if (Number.isNaN(ms)) throw cvmErrors.malformedFilterValue("InvalidParameterValue", filter, value);
  return ms;
}

/** A checked filter: its name and values, and how it matches. */
export interface InstanceFilter {
  readonly name: string;
  readonly values: readonly string[];
  matches(instance: CvmInstance, ctx: CvmContext): boolean;
}

const filterKeys = { Name: true, Values: true } as const;

/**
 * The request's filters, checked: at most 10, each with a known name
 * (`tag:<key>` included) and 1 to 5 string values. `instance-name` matches
 * a part of the name (CVM's fuzzy name query: its error table has
 * `InvalidParameterValue.InvalidVagueName`; the exact rule is a decision),
 * every other filter matches exactly.
 */
export function readFilters(params: Params): InstanceFilter[] | undefined {
  const items = params.objects("Filters", filterKeys);
  if (items === undefined) return undefined;
  if (items.length > MAX_FILTERS) throw cvmErrors.tooManyFilters(items.length, MAX_FILTERS);
  return items.map((item) => {
    const name = item.string("Name");
    if (name === undefined) throw cvmErrors.missingParameter(item.name("Name"));
    const values = item.strings("Values");
    if (values === undefined) throw cvmErrors.missingParameter(item.name("Values"));
    if (values.length === 0) throw cvmErrors.invalidValue(item.name("Values"), values);
    if (values.length > MAX_FILTER_VALUES) {
      throw cvmErrors.tooManyFilterValues(name, values.length, MAX_FILTER_VALUES);
    }
    return { name, values, matches: matcher(name, values) };
  });
}

function matcher(name: string, values: readonly string[]): InstanceFilter["matches"] {
  const shape = Object.hasOwn(valueShapes, name) ? valueShapes[name] : undefined;
  const malformed = shape === undefined ? undefined : values.find((value) => !shape.pattern.test(value));
  if (shape !== undefined && malformed !== undefined) throw cvmErrors.malformedFilterValue(shape.code, name, malformed);
  // Created at or after any start, at or before any end (values OR, as for every filter), to the second CreatedTime shows.
  if (name === "creation-start-time") {
    const starts = values.map((value) => creationBound(name, value));
    return (instance) => starts.some((start) => createdSecond(instance) >= start);
  }
  if (name === "creation-end-time") {
    const ends = values.map((value) => creationBound(name, value));
    return (instance) => ends.some((end) => createdSecond(instance) <= end);
  }
  if (name.startsWith("tag:") && name.length > 4) {
    const key = name.slice(4);
    return (instance) => instance.tags.some((tag) => tag.Key === key && values.includes(tag.Value));
  }
  const read = Object.hasOwn(readers, name) ? readers[name] : undefined;
  if (read === undefined) throw cvmErrors.invalidFilter(name);
  if (name === "instance-name") return (instance) => values.some((value) => instance.name.includes(value));
  return (instance, ctx) => read(instance, ctx).some((value) => values.includes(value));
}

/** The names `readFilters` accepts, for docs and tests (plus `tag:<key>`). */
export const filterNames: readonly string[] = Object.freeze([...Object.keys(readers), "creation-start-time", "creation-end-time"]);
