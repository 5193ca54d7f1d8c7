/**
 * The cloud-neutral phases of a machine. Fronts map them onto their own state
 * names, and may show `launching` and `starting` as one state; they are kept
 * apart because a front may refuse a stop during the first launch
 * differently from one during a later start.
 * @public
 */
export type Phase = "launching" | "starting" | "running" | "stopping" | "stopped" | "terminating" | "terminated";
