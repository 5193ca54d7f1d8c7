/**
 * The one dynamic import of ./on-demand.ts (what the mock loads on first use,
 * issue 22), shared by every family it holds: the first use of any loads all.
 */
let loading: Promise<typeof import("./on-demand.js")> | undefined;

/** Loads ./on-demand.ts (once). */
export function onDemand(): Promise<typeof import("./on-demand.js")> {
  loading ??= import("./on-demand.js");
  return loading;
}
