/**
 * The one dynamic import of ./on-demand.ts (what the mock loads on first use,
 * issue 22), shared by every family it holds: the first use of any loads all,
 * and every family is then loaded at once.
 */
import { type Lazy, lazy } from "../kit/lazy.js";

/** ./on-demand.ts, loaded on first use. */
export const onDemand: Lazy<typeof import("./on-demand.js")> = lazy(() => import("./on-demand.js"));

/**
 * ./on-demand.ts where the caller knows it is loaded (a Region holds what
 * only its operations or a waited-for load bring): a bug of the mock if not.
 *
 * @returns the loaded module.
 */
export function loadedOnDemand(): typeof import("./on-demand.js") {
  const loaded = onDemand.loaded;
  if (loaded === undefined) throw new Error("ec2-mock: internal error: the on-demand code is used before it loaded");
  return loaded;
}
