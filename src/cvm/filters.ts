import type { CvmContext } from "./context.js";
import { cvmErrors } from "./errors.js";
import type { CvmInstance } from "./instance.js";
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
};

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
  if (items.length > MAX_FILTERS) throw cvmErrors.filterLimit(`The number of \`Filters\` (${items.length}) exceeds the limit of ${MAX_FILTERS}.`);
  return items.map((item) => {
    const name = item.string("Name");
    if (name === undefined) throw cvmErrors.missingParameter(item.name("Name"));
    const values = item.strings("Values");
    if (values === undefined) throw cvmErrors.missingParameter(item.name("Values"));
    if (values.length === 0) throw cvmErrors.invalidValue(item.name("Values"), values);
    if (values.length > MAX_FILTER_VALUES) {
      throw cvmErrors.filterLimit(`The number of values of the filter \`${name}\` (${values.length}) exceeds the limit of ${MAX_FILTER_VALUES}.`);
    }
    return { name, values, matches: matcher(name, values) };
  });
}

function matcher(name: string, values: readonly string[]): InstanceFilter["matches"] {
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
export const filterNames: readonly string[] = Object.freeze(Object.keys(readers));
