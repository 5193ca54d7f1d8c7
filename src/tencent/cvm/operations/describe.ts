import type {
  DescribeInstancesRequest,
  DescribeInstancesResponse,
  DescribeInstancesStatusRequest,
  DescribeInstancesStatusResponse,
} from "tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js";
import { batchIds } from "../checks.js";
import type { CvmContext, CvmOperation } from "../context.js";
import { cvmErrors } from "../errors.js";
import { readFilters } from "../filters.js";
import type { CvmInstance } from "../model/instance.js";
import { Params } from "../params.js";

/** DescribeInstances' page: 20 by default, at most 100 (source: DescribeInstances, `Limit`). */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** `Offset`/`Limit`, checked with the other parameters, before any id. */
function pageOf(params: Params): (instances: readonly CvmInstance[]) => CvmInstance[] {
  const offset = params.integer("Offset", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const limit = params.integer("Limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
  return (instances) => instances.slice(offset, offset + limit);
}

/**
 * The instances a request names, in launch order. Unlike EC2, an id that
 * does not exist is no error: it simply matches nothing (the SDK's error
 * list for DescribeInstances has no InvalidInstanceId.NotFound).
 */
function named(ctx: CvmContext, ids: readonly string[] | undefined): CvmInstance[] {
  const all = [...ctx.region.instances.values()];
  if (ids === undefined) return all;
  const wanted = new Set(ids);
  return all.filter((instance) => wanted.has(instance.instanceId));
}

const describeKeys: Record<keyof DescribeInstancesRequest, true> = { InstanceIds: true, Filters: true, Offset: true, Limit: true };

/** DescribeInstances: by ids or by filters (not both), a page of `Limit` from `Offset`, and the total. */
export const describeInstances: CvmOperation<DescribeInstancesResponse> = (ctx, input) => {
  const params = Params.of(input, describeKeys);
  const page = pageOf(params);
  const ids = batchIds(params, "InstanceIds", false);
  if (params.has("InstanceIds") && params.has("Filters")) {
    throw cvmErrors.instanceIdsWithFilters();
  }
  const filters = readFilters(params) ?? [];
  const matching = named(ctx, ids).filter((instance) => filters.every((filter) => filter.matches(instance, ctx)));
  return { TotalCount: matching.length, InstanceSet: page(matching).map((instance) => ctx.region.render(instance, ctx.now)) };
};

const statusKeys: Record<keyof DescribeInstancesStatusRequest, true> = { InstanceIds: true, Offset: true, Limit: true };

/** DescribeInstancesStatus: every instance's state, by ids or all of them, paged like DescribeInstances. */
export const describeInstancesStatus: CvmOperation<DescribeInstancesStatusResponse> = (ctx, input) => {
  const params = Params.of(input, statusKeys);
  const page = pageOf(params);
  const matching = named(ctx, batchIds(params, "InstanceIds", false));
  return {
    TotalCount: matching.length,
    InstanceStatusSet: page(matching).map((instance) => ({
      InstanceId: instance.instanceId,
      InstanceState: ctx.region.stateOf(instance, ctx.now),
    })),
  };
};
