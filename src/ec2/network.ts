import { errors } from "./errors.js";
import { newId } from "./ids.js";

/** A subnet of the default VPC: one per availability zone, as in a new account. */
export interface Subnet {
  /** The subnet's id. */
  readonly subnetId: string;
  /** Its availability zone. */
  readonly availabilityZone: string;
  /** Third octet of its first address: the /20 starts at 172.31.<base>.0. */
  readonly base: number;
}

/** The default VPC's ids and address pools as plain JSON (see `Network.toJson`). */
export interface NetworkJson {
  vpcId: string;
  defaultSecurityGroupId: string;
  subnets: { subnetId: string; availabilityZone: string; base: number }[];
  privateInUse: string[];
  /** `[subnetId, next host number]` pairs. */
  nextHost: [string, number][];
  publicInUse: string[];
  publicCounter: number;
}

const zoneLetters = ["a", "b", "c", "d", "e", "f"];

/** Dotted quad → 32-bit number. */
function toNumber(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** 32-bit number → dotted quad. */
function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/**
 * The default VPC of one region (172.31.0.0/16, a /20 per zone) and the
 * addresses handed out in it, plus the pool of auto-assigned public IPv4s.
 * Private addresses stay with an instance for life; public ones come and go
 * with stop and start and are never handed out twice in a row.
 */
export class Network {
  /** The default VPC's id. */
  readonly vpcId = newId("vpc");
  /** The default security group's id. */
  readonly defaultSecurityGroupId = newId("sg");
  private readonly subnets = new Map<string, Subnet>();
  private readonly privateInUse = new Set<string>();
  private readonly nextHost = new Map<string, number>();
  private readonly publicInUse = new Set<string>();
  private publicCounter = 0;

  /** @param region - the region whose zones (`<region>a` … `<region>f`) exist. */
  constructor(readonly region: string) {
    zoneLetters.forEach((letter, i) => {
      const zone = `${region}${letter}`;
      this.subnets.set(zone, { subnetId: newId("subnet"), availabilityZone: zone, base: i * 16 });
    });
  }

  /** The zone RunInstances uses when no placement is given. */
  get defaultZone(): string {
    return `${this.region}a`;
  }

  /** The default subnet of a zone, or undefined for a zone the region lacks. */
  subnetIn(zone: string): Subnet | undefined {
    return this.subnets.get(zone);
  }

  /** The DNS suffix EC2 uses for private names in this region. */
  private get privateDomain(): string {
    return this.region === "us-east-1" ? "ec2.internal" : `${this.region}.compute.internal`;
  }

  /** The private DNS name of an address: `ip-172-31-0-4.ec2.internal`. */
  privateDnsName(ip: string): string {
    return `ip-${ip.replaceAll(".", "-")}.${this.privateDomain}`;
  }

  /** The public DNS name of an address: `ec2-3-80-0-1.compute-1.amazonaws.com`. */
  publicDnsName(ip: string): string {
    const domain = this.region === "us-east-1" ? "compute-1.amazonaws.com" : `${this.region}.compute.amazonaws.com`;
    return `ec2-${ip.replaceAll(".", "-")}.${domain}`;
  }

  /**
   * Checks an address asked for in RunInstances without taking it, so that a
   * call rejected later changes nothing.
   */
  checkPrivateIp(subnet: Subnet, ip: string): void {
    const first = toNumber(`172.31.${subnet.base}.0`);
    const n = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? toNumber(ip) : NaN;
    if (!(n >= first + 4 && n <= first + 4094)) {
      throw errors.invalidValue(`Address ${ip} does not fall within the subnet's address range`);
    }
    if (this.privateInUse.has(ip)) {
      throw errors.addressInUse(ip);
    }
  }

  /** Takes a private address in the subnet: the one asked for, or the next free one. */
  takePrivateIp(subnet: Subnet, wanted?: string): string {
    if (wanted !== undefined) {
      this.privateInUse.add(wanted);
      return wanted;
    }
    const first = toNumber(`172.31.${subnet.base}.0`);
    let host = this.nextHost.get(subnet.subnetId) ?? 4;
    for (let tries = 0; tries < 4091; tries++, host = host >= 4094 ? 4 : host + 1) {
      const ip = toDotted(first + host);
      if (!this.privateInUse.has(ip)) {
        this.privateInUse.add(ip);
        this.nextHost.set(subnet.subnetId, host >= 4094 ? 4 : host + 1);
        return ip;
      }
    }
    throw errors.insufficientAddresses();
  }

  /** Returns a private address to the subnet (when its instance is gone). */
  releasePrivateIp(ip: string): void {
    this.privateInUse.delete(ip);
  }

  /** The pools as plain JSON (snapshots). */
  toJson(): NetworkJson {
    return {
      vpcId: this.vpcId,
      defaultSecurityGroupId: this.defaultSecurityGroupId,
      subnets: [...this.subnets.values()].map((s) => ({ ...s })),
      privateInUse: [...this.privateInUse],
      nextHost: [...this.nextHost],
      publicInUse: [...this.publicInUse],
      publicCounter: this.publicCounter,
    };
  }

  /** Replaces ids, subnets, pools and counters with a snapshot's (already checked). */
  restoreJson(json: NetworkJson): void {
    const self = this as { vpcId: string; defaultSecurityGroupId: string };
    self.vpcId = json.vpcId;
    self.defaultSecurityGroupId = json.defaultSecurityGroupId;
    this.subnets.clear();
    for (const subnet of json.subnets) this.subnets.set(subnet.availabilityZone, { ...subnet });
    this.privateInUse.clear();
    for (const ip of json.privateInUse) this.privateInUse.add(ip);
    this.nextHost.clear();
    for (const [subnetId, host] of json.nextHost) this.nextHost.set(subnetId, host);
    this.publicInUse.clear();
    for (const ip of json.publicInUse) this.publicInUse.add(ip);
    this.publicCounter = json.publicCounter;
  }

  /** Every subnet (one per zone). */
  allSubnets(): Subnet[] {
    return [...this.subnets.values()];
  }

  /** Frees every address; the VPC, subnets and group keep their ids. */
  clear(): void {
    this.privateInUse.clear();
    this.nextHost.clear();
    this.publicInUse.clear();
  }

  /** Hands out a public IPv4 from the region's pool (3.80.0.0/12 style addresses). */
  takePublicIp(): string {
    for (;;) {
      this.publicCounter = (this.publicCounter + 7919) % 1_048_576;
      const ip = toDotted(toNumber("3.80.0.0") + this.publicCounter + 256);
      if (!this.publicInUse.has(ip)) {
        this.publicInUse.add(ip);
        return ip;
      }
    }
  }

  /** Returns a public IPv4 to the pool. */
  releasePublicIp(ip: string): void {
    this.publicInUse.delete(ip);
  }
}
