import { newCvmId } from "./ids.js";

/**
 * The default VPC of one CVM region: a subnet per availability zone
 * (`<region>-1` … `<region>-7`, a decision: real regions skip some numbers),
 * a default security group, and the address pools. Private addresses stay
 * with an instance for life; public ones stay across a stop too (CVM keeps
 * them), except after a stop that stops charging, which releases them.
 */
export class CvmNetwork {
  /** The default VPC's id. */
  vpcId = newCvmId("vpc");
  /** The default security group's id. */
  securityGroupId = newCvmId("sg");
  /** Zone → its subnet's id and the third octet of its 172.16.<n>.0/24 range. */
  private readonly subnets = new Map<string, { subnetId: string; octet: number }>();
  private readonly nextHost = new Map<string, number>();
  private publicCounter = 0;

  /** @param region - the region whose zones exist. */
  constructor(readonly region: string) {
    for (let n = 1; n <= 7; n++) this.subnets.set(`${region}-${n}`, { subnetId: newCvmId("subnet"), octet: n * 16 });
  }

  /** Every zone of the region, in order. */
  get zones(): string[] {
    return [...this.subnets.keys()];
  }

  /** The default subnet of a zone, or undefined for a zone the region lacks. */
  subnetOf(zone: string): string | undefined {
    return this.subnets.get(zone)?.subnetId;
  }

  /** A new private address in the zone's subnet (the first hosts are the gateway's, as on Tencent Cloud). */
  takePrivateIp(zone: string): string {
    const subnet = this.subnets.get(zone)!;
    const host = this.nextHost.get(zone) ?? 2;
    this.nextHost.set(zone, host + 1);
    return `172.16.${subnet.octet + Math.floor(host / 256)}.${host % 256}`;
  }

  /** A new public address, never one handed out before (from 43.128.0.0/10, a Tencent Cloud range). */
  takePublicIp(): string {
    const n = ++this.publicCounter;
    return `43.${128 + ((n >>> 16) & 63)}.${(n >>> 8) & 255}.${n & 255}`;
  }

  /** What a snapshot keeps of the network: its ids and the address counters. */
  toState(): CvmNetworkState {
    return {
      vpcId: this.vpcId,
      securityGroupId: this.securityGroupId,
      subnets: [...this.subnets].map(([zone, { subnetId }]) => [zone, subnetId]),
      nextHost: [...this.nextHost],
      publicCounter: this.publicCounter,
    };
  }

  /** Takes a snapshot's network back (its zones must be this region's). */
  restoreState(state: CvmNetworkState): void {
    this.vpcId = state.vpcId;
    this.securityGroupId = state.securityGroupId;
    for (const [zone, subnetId] of state.subnets) {
      const subnet = this.subnets.get(zone);
      if (subnet !== undefined) subnet.subnetId = subnetId;
    }
    this.nextHost.clear();
    for (const [zone, host] of state.nextHost) this.nextHost.set(zone, host);
    this.publicCounter = state.publicCounter;
  }

  /** Forgets every address handed out. */
  clear(): void {
    this.nextHost.clear();
    this.publicCounter = 0;
  }
}

/** The JSON-ready state of a region's network (snapshots). */
export interface CvmNetworkState {
  vpcId: string;
  securityGroupId: string;
  /** Zone → subnet id. */
  subnets: [string, string][];
  /** Zone → the next host number handed out. */
  nextHost: [string, number][];
  publicCounter: number;
}
