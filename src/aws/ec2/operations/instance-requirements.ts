import type {
  GetInstanceTypesFromInstanceRequirementsCommandInput,
  GetInstanceTypesFromInstanceRequirementsCommandOutput,
} from "@aws-sdk/client-ec2";
import { digestOf } from "../../../kit/digest.js";
import { authorizeAndDryRun, refuseUnmodelled } from "../checks.js";
import type { Operation } from "../context.js";
import { errors } from "../errors.js";
import { meetsRequirements, readInstanceRequirements } from "../model/instance-requirements.js";
import { instanceTypesOf } from "../model/type-catalogue.js";
import { encodeToken, type MaxResultsRule, readMaxResults, readToken, takePage } from "../pagination.js";

/**
 * GetInstanceTypesFromInstanceRequirements (issue 18): the instance types of
 * the Region that have the attributes asked for, the same selection EC2
 * Fleet makes from an override's `InstanceRequirements`
 * (src/aws/ec2/model/instance-requirements.ts) without price protection
 * ("not supported for ... GetInstanceTypesFromInstanceRequirements") nor
 * capacity ("the response does not consider capacity"). docs/behaviour.md,
 * "EC2 Fleet", gives the sources.
 */

const ACTION = "GetInstanceTypesFromInstanceRequirements";
const ARCHITECTURES = ["i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac"] as const;
const VIRTUALIZATIONS = ["hvm", "paravirtual"] as const;

/** Page sizes (decision: EC2's model gives no range; 1 to 1000, as the fleet actions). */
const typesMaxResults: MaxResultsRule = { idsParameter: "InstanceTypes", min: 1, max: 1000, above: "error" };

/** Reads a required list of enum values. */
function readValues(parameter: string, value: unknown, allowed: readonly string[]): string[] {
  const list = Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
  if (list.length === 0) throw errors.missingParameter(parameter);
  for (const item of list) if (!allowed.includes(item)) throw errors.notOneOf(parameter, item, allowed);
  return list;
}

/** GetInstanceTypesFromInstanceRequirements: the Region's types of those architectures and virtualization types that meet the requirements, in name order, paged. */
export const getInstanceTypesFromInstanceRequirements: Operation<
  GetInstanceTypesFromInstanceRequirementsCommandInput,
  GetInstanceTypesFromInstanceRequirementsCommandOutput
> = (ctx, input) => {
  refuseUnmodelled(ACTION, input, [
    "ArchitectureTypes",
    "VirtualizationTypes",
    "InstanceRequirements",
    "MaxResults",
    "NextToken",
    "Context",
  ]);
  const architectures = readValues("ArchitectureTypes", input.ArchitectureTypes, ARCHITECTURES);
  const virtualizations = readValues("VirtualizationTypes", input.VirtualizationTypes, VIRTUALIZATIONS);
  if (input.InstanceRequirements === undefined || input.InstanceRequirements === null)
    throw errors.missingParameter("InstanceRequirements");
  // Price protection is "not supported" here: refused by name rather than ignored.
  for (const member of ["SpotMaxPricePercentageOverLowestPrice", "OnDemandMaxPricePercentageOverLowestPrice"] as const) {
    if (input.InstanceRequirements[member] !== undefined) throw errors.unmodelledParameter(ACTION, `InstanceRequirements.${member}`);
  }
  const requirements = readInstanceRequirements(ACTION, "InstanceRequirements", input.InstanceRequirements);
  const max = readMaxResults(input.MaxResults, false, typesMaxResults);
  const digest = digestOf({ action: ACTION, architectures, virtualizations, requirements: input.InstanceRequirements });
  const after = readToken(input.NextToken, digest);
  authorizeAndDryRun(ctx, ACTION, [], input.DryRun);
  const { settings, network } = ctx.region;
  const catalogue = instanceTypesOf(settings);
  const supported = catalogue.supportedIn(settings.region, network.zones);
  const records = catalogue.records();
  const page = takePage(
    records.keys(),
    (index) => ({ seq: index, index: 0 }),
    (index) => {
      const record = records[index]!;
      return (
        supported.has(record.InstanceType as string) &&
        (record.ProcessorInfo?.SupportedArchitectures ?? []).some((a) => architectures.includes(a)) &&
        (record.SupportedVirtualizationTypes ?? []).some((v) => virtualizations.includes(v)) &&
        meetsRequirements(requirements, record)
      );
    },
    after,
    max,
  );
  return {
    InstanceTypes: page.items.map((index) => ({ InstanceType: records[index]!.InstanceType as string })),
    ...(page.next === undefined ? {} : { NextToken: encodeToken(page.next, digest) }),
  };
};
