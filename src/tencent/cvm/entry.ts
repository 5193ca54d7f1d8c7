import { quietUuid } from "../../kit/entropy.js";
import { cvmOperationOf } from "./actions.js";
import type { CvmContext } from "./context.js";
import { CvmError, cvmErrors } from "./errors.js";
import type { CvmRegion } from "./region.js";
import type { CvmWorld } from "./world.js";

/**
 * The API version of CVM the mock speaks (`X-TC-Version`).
 * @public
 */
export const CVM_API_VERSION = "2017-03-12";

/** One API call as every door hands it over: API 3.0's common parameters and the action's own. */
export interface CvmCall {
  /** `X-TC-Action`. */
  action: string | undefined;
  /** `X-TC-Version`. */
  version: string | undefined;
  /** `X-TC-Region` (the client's `region`). */
  region: string | null | undefined;
  /** The action's parameters: the JSON body. */
  input: unknown;
}

/** API 3.0's answer: `{"Response":{...,"RequestId"}}`, or `{"Response":{"Error":{"Code","Message"},"RequestId"}}`. */
export interface CvmAnswer {
  /** The response body, ready for `JSON.stringify`. */
  readonly Response: Readonly<Record<string, unknown>> & { readonly RequestId: string };
}

/**
 * The single entry of the CVM front, shared by every CVM door: the common
 * parameters (Action, Version, Region, in that order), then the action's
 * operation on the engine of the region `X-TC-Region` names (each region
 * its own world). Never throws: every failure, expected or not, is an
 * answer carrying CVM's error, as API 3.0 answers with HTTP 200.
 */
export function answerCall(world: CvmWorld, call: CvmCall): CvmAnswer {
  const requestId = quietUuid();
  try {
    const { operation, region } = admit(world, call);
    world.catchUp();
    const ctx: CvmContext = { region, now: region.catchUp(), requestId };
    return { Response: { ...operation(ctx, call.input), RequestId: requestId } };
  } catch (error) {
    const known = error instanceof CvmError ? error : cvmErrors.internal();
    return { Response: { Error: { Code: known.code, Message: known.message }, RequestId: requestId } };
  }
}

function admit(world: CvmWorld, call: CvmCall): { operation: (ctx: CvmContext, input: unknown) => object; region: CvmRegion } {
  if (call.action === undefined || call.action === "") throw cvmErrors.missingParameter("Action");
  if (call.version === undefined || call.version === "") throw cvmErrors.missingParameter("Version");
  if (call.version !== CVM_API_VERSION) throw cvmErrors.noSuchVersion(call.version);
  const operation = cvmOperationOf(call.action);
  if (operation === undefined) throw cvmErrors.invalidAction(call.action);
  if (call.region === undefined || call.region === null || call.region === "") throw cvmErrors.missingParameter("Region");
  const region = world.region(call.region);
  if (region === undefined) throw cvmErrors.unsupportedRegion(call.region, world.servedList());
  return { operation, region };
}
