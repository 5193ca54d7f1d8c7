/**
 * The one dynamic import of ./on-demand.ts (what the mock loads on first use,
 * issue 22), shared by every family it holds: the first use of any loads all,
 * and every family is then loaded at once.
 */
import { type Lazy, lazy } from "../kit/lazy.js";

/** ./on-demand.ts, loaded on first use. */
export const onDemand: Lazy<typeof import("./on-demand.js")> = lazy(() => import("./on-demand.js"));
