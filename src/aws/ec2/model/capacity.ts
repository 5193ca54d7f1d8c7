import { array, object, string } from "../../../engine/record.js";

/**
 * EC2's capacity, as tests shape it: by default every zone has room for
 * every type it offers; `ec2.capacity.withdraw(...)` takes a type's capacity
 * away in one zone of a Region (launches and starts there then fail with
 * `InsufficientInstanceCapacity`, as EC2's do when a capacity pool runs dry),
 * `restore(...)` gives it back. Which pools are withdrawn is state: saved in
 * a state file, forgotten by `reset()`.
 */

/** A capacity pool: one instance type in one Availability Zone. */
export interface CapacityPool {
  /** The instance type, e.g. `m5.large`. */
  readonly instanceType: string;
  /** The Availability Zone, e.g. `us-east-1a`. */
  readonly zone: string;
}

/** The withdrawn pools, as JSON in a state file. */
export const withdrawnPoolsCodec = array(object({ instanceType: string, zone: string }));

/** The capacity pools of one Region that tests withdrew. */
export class CapacityBook {
  private readonly withdrawn = new Set<string>();

  /** Whether `instanceType` has capacity in `zone` (no test withdrew it). */
  has(instanceType: string, zone: string): boolean {
    return !this.withdrawn.has(`${instanceType} ${zone}`);
  }

  /** Takes the pool's capacity away. */
  withdraw(instanceType: string, zone: string): void {
    this.withdrawn.add(`${instanceType} ${zone}`);
  }

  /** Gives the pool's capacity back. */
  restore(instanceType: string, zone: string): void {
    this.withdrawn.delete(`${instanceType} ${zone}`);
  }

  /** The withdrawn pools, in the order they were withdrawn. */
  list(): CapacityPool[] {
    return [...this.withdrawn].map((key) => {
      const [instanceType, zone] = key.split(" ") as [string, string];
      return { instanceType, zone };
    });
  }

  /** Replaces the withdrawn pools (a state file's). */
  replace(pools: readonly CapacityPool[]): void {
    this.withdrawn.clear();
    for (const p of pools) this.withdraw(p.instanceType, p.zone);
  }

  /** Every pool has capacity again. */
  clear(): void {
    this.withdrawn.clear();
  }
}
