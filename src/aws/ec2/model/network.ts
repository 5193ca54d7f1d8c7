import { array, checked, invalid, type JsonOf, number, object, string, tuple } from "../../../engine/record.js";
import { errors } from "../errors.js";
import { type AddressSpace, blockSize, DEFAULT_ADDRESS_SPACE, formatIpv4, parseCidr, parseIpv4, usableRange } from "./address-space.js";
import { newId } from "./ids.js";

/** A subnet of the default VPC: one per availability zone, as in a new account. */
export interface Subnet {
  /** The subnet's id. */
  readonly subnetId: string;
  /** Its availability zone. */
  readonly availabilityZone: string;
  /** Its IPv4 CIDR block, e.g. `172.31.16.0/20`. */
  readonly cidrBlock: string;
  /** Its first address, as a 32-bit number. */
  readonly first: number;
  /** How many addresses it spans (a power of two). */
  readonly size: number;
}

/** A CIDR block: its text, checked. */
const cidrBlock = checked(string, (text, path) => {
  if (parseCidr(text) === undefined) throw invalid(path, "an IPv4 CIDR block", text);
});

/** The default VPC's ids, address space and pools, declared once (see `Network.toJson`). */
export const networkRecord = checked(
  object({
    vpcId: string,
    defaultSecurityGroupId: string,
    /** The VPC's CIDR block (the address space travels with the state: its addresses are in use). */
    vpcCidr: cidrBlock,
    subnets: array(object({ subnetId: string, availabilityZone: string, cidrBlock })),
    privateInUse: array(string),
    /** `[subnetId, next host number]` pairs. */
    nextHost: array(tuple(string, number)),
    publicInUse: array(string),
    publicCounter: number,
  }),
  // Every address in use inside a subnet.
  (network, path) => {
    const subnets = network.subnets.map((s) => subnetRecord(s.subnetId, s.availabilityZone, s.cidrBlock));
    network.privateInUse.forEach((ip, i) => {
      if (subnetHolding(subnets, ip) === undefined) throw invalid(`${path}.privateInUse[${i}]`, "an address of a subnet", ip);
    });
  },
);

/**
 * The default VPC's ids, address space and pools as plain JSON (see `Network.toJson`).
 * @public
 */
export interface NetworkJson extends JsonOf<typeof networkRecord> {}

const zoneLetters = ["a", "b", "c", "d", "e", "f"];

/** A subnet record from its id, zone and block (a valid CIDR block: checked by the caller). */
export function subnetRecord(subnetId: string, availabilityZone: string, cidrBlock: string): Subnet {
  const { first, prefix } = parseCidr(cidrBlock)!;
  return { subnetId, availabilityZone, cidrBlock, first, size: blockSize(prefix) };
}

/** The subnet whose block holds an address, if any. */
export function subnetHolding(subnets: Iterable<Subnet>, ip: string): Subnet | undefined {
  const n = parseIpv4(ip);
  for (const subnet of subnets) if (n >= subnet.first && n < subnet.first + subnet.size) return subnet;
  return undefined;
}

/**
 * The default VPC of one region (by default EC2's 172.31.0.0/16 with a /20
 * per zone; `createEc2Mock({ network })` widens it) and the addresses handed
 * out in it, plus the pool of auto-assigned public IPv4s. Private addresses
 * stay with an instance for life; public ones come and go with stop and
 * start and are never handed out twice in a row.
 */
export class Network {
  /** The default VPC's id. */
  readonly vpcId = newId("vpc");
  /** The default security group's id. */
  readonly defaultSecurityGroupId = newId("sg");
  private vpcCidrBlock: string;
  private readonly subnets = new Map<string, Subnet>();
  private readonly privateInUse = new Set<string>();
  /** Addresses in use per subnet id, so that a launch can be refused before it takes any. */
  private readonly usedIn = new Map<string, number>();
  private readonly nextHost = new Map<string, number>();
  private readonly publicInUse = new Set<string>();
  private publicCounter = 0;

  /**
   * @param region - the region whose zones (`<region>a` … `<region>f`) exist.
   * @param space - the VPC's block and each zone's subnet size (checked by `resolveAddressSpace`).
   */
  constructor(
    readonly region: string,
    space: AddressSpace = DEFAULT_ADDRESS_SPACE,
  ) {
    this.vpcCidrBlock = space.vpcCidr;
    const vpcFirst = parseCidr(space.vpcCidr)!.first;
    const size = blockSize(space.subnetPrefixLength);
    zoneLetters.forEach((letter, i) => {
      const cidr = `${formatIpv4(vpcFirst + i * size)}/${space.subnetPrefixLength}`;
      this.subnets.set(`${region}${letter}`, subnetRecord(newId("subnet"), `${region}${letter}`, cidr));
    });
  }

  /** The default VPC's CIDR block. */
  get vpcCidr(): string {
    return this.vpcCidrBlock;
  }

  /** The zone RunInstances uses when no placement is given. */
  get defaultZone(): string {
    return `${this.region}a`;
  }

  /** The default subnet of a zone, or undefined for a zone the region lacks. */
  subnetIn(zone: string): Subnet | undefined {
    return this.subnets.get(zone);
  }

  /** The subnet of an id, or undefined for an id the region does not have. */
  subnet(subnetId: string): Subnet | undefined {
    for (const subnet of this.subnets.values()) if (subnet.subnetId === subnetId) return subnet;
    return undefined;
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
    const { low, high } = usableRange(subnet.first, subnet.size);
    const n = parseIpv4(ip);
    if (!(n >= low && n <= high)) {
      throw errors.addressOutsideSubnet(ip);
    }
    if (this.privateInUse.has(ip)) {
      throw errors.addressInUse(ip);
    }
  }

  /**
   * Refuses, as EC2 does, a launch of `count` instances into a subnet with
   * fewer free addresses: checked before anything is taken, so a refused
   * launch leaves no half-built instance behind.
   */
  checkCapacity(subnet: Subnet, count: number): void {
    if (this.freeAddresses(subnet) < count) throw errors.insufficientAddresses();
  }

  /** How many addresses of the subnet are free (a launch takes one an instance). */
  freeAddresses(subnet: Subnet): number {
    const { low, high } = usableRange(subnet.first, subnet.size);
    return high - low + 1 - (this.usedIn.get(subnet.subnetId) ?? 0);
  }

  /** Takes a private address in the subnet: the one asked for, or the next free one. */
  takePrivateIp(subnet: Subnet, wanted?: string): string {
    if (wanted !== undefined) {
      this.use(subnet, wanted);
      return wanted;
    }
    const { low, high } = usableRange(0, subnet.size);
    let host = this.nextHost.get(subnet.subnetId) ?? low;
    for (let tries = 0; tries <= high - low; tries++, host = host >= high ? low : host + 1) {
      const ip = formatIpv4(subnet.first + host);
      if (!this.privateInUse.has(ip)) {
        this.use(subnet, ip);
        this.nextHost.set(subnet.subnetId, host >= high ? low : host + 1);
        return ip;
      }
    }
    throw errors.insufficientAddresses();
  }

  /** Marks an address taken, and counts it against its subnet. */
  private use(subnet: Subnet, ip: string): void {
    this.privateInUse.add(ip);
    this.usedIn.set(subnet.subnetId, (this.usedIn.get(subnet.subnetId) ?? 0) + 1);
  }

  /** Returns a private address to its subnet (when its instance is gone). */
  releasePrivateIp(subnet: Subnet, ip: string): void {
    if (this.privateInUse.delete(ip)) this.usedIn.set(subnet.subnetId, (this.usedIn.get(subnet.subnetId) ?? 1) - 1);
  }

  /** The pools as plain JSON (snapshots). */
  toJson(): NetworkJson {
    return {
      vpcId: this.vpcId,
      defaultSecurityGroupId: this.defaultSecurityGroupId,
      vpcCidr: this.vpcCidrBlock,
      subnets: [...this.subnets.values()].map((s) => ({
        subnetId: s.subnetId,
        availabilityZone: s.availabilityZone,
        cidrBlock: s.cidrBlock,
      })),
      privateInUse: [...this.privateInUse],
      nextHost: [...this.nextHost],
      publicInUse: [...this.publicInUse],
      publicCounter: this.publicCounter,
    };
  }

  /**
   * Replaces ids, address space, subnets, pools and counters with a
   * snapshot's (already checked by the snapshot reader: valid blocks, every
   * address in use inside a subnet).
   */
  restoreJson(json: NetworkJson): void {
    const self = this as { vpcId: string; defaultSecurityGroupId: string };
    self.vpcId = json.vpcId;
    self.defaultSecurityGroupId = json.defaultSecurityGroupId;
    this.vpcCidrBlock = json.vpcCidr;
    this.subnets.clear();
    for (const s of json.subnets) this.subnets.set(s.availabilityZone, subnetRecord(s.subnetId, s.availabilityZone, s.cidrBlock));
    this.privateInUse.clear();
    this.usedIn.clear();
    for (const ip of json.privateInUse) {
      const subnet = subnetHolding(this.subnets.values(), ip);
      if (subnet !== undefined) this.use(subnet, ip);
    }
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

  /** Frees every address; the VPC, its address space, subnets and group keep their ids. */
  clear(): void {
    this.privateInUse.clear();
    this.usedIn.clear();
    this.nextHost.clear();
    this.publicInUse.clear();
  }

  /** Hands out a public IPv4 from the region's pool (3.80.0.0/12 style addresses). */
  takePublicIp(): string {
    const base = parseIpv4("3.80.0.0");
    for (;;) {
      this.publicCounter = (this.publicCounter + 7919) % 1_048_576;
      const ip = formatIpv4(base + this.publicCounter + 256);
      if (!this.publicInUse.has(ip)) {
        this.publicInUse.add(ip);
        return ip;
      }
    }
  }

  /** Whether this public IPv4 is free in the pool (not auto-assigned, not an Elastic IP). */
  isPublicIpFree(ip: string): boolean {
    return !this.publicInUse.has(ip);
  }

  /** Takes this very public IPv4 from the pool (an Elastic IP recovered); the caller checked it is free. */
  takeThisPublicIp(ip: string): void {
    this.publicInUse.add(ip);
  }

  /** Returns a public IPv4 to the pool. */
  releasePublicIp(ip: string): void {
    this.publicInUse.delete(ip);
  }
}
