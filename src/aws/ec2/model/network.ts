import { array, boolean, checked, invalid, type JsonOf, literal, number, object, optional, string, tuple } from "../../../engine/record.js";
import { errors } from "../errors.js";
import { AddressPool } from "./address-pool.js";
import { type AddressSpace, blockSize, DEFAULT_ADDRESS_SPACE, formatIpv4, parseCidr, parseIpv4, usableRange } from "./address-space.js";
import { newId } from "./ids.js";
import { type CatalogueZone, regionsAndZones } from "./region-catalogue.js";
import { NO_TAGS } from "./tags.js";

/**
 * The VPCs and subnets of one region, and the addresses handed out in them.
 *
 * A new account has one default VPC per region (172.31.0.0/16, or the
 * `createEc2Mock({ network })` space) with one default subnet per zone of
 * the region, a /20 each as EC2 lays them out. CreateVpc and CreateSubnet
 * add others; DeleteVpc may delete the default one, CreateDefaultVpc
 * recreates it. Address pools are per subnet: a subnet's
 * AvailableIpAddressCount is its usable range minus the addresses in use in
 * it, a count kept as they are taken and returned (no instance is scanned).
 */

/** A VPC. */
export interface Vpc {
  /** The VPC's id. */
  readonly vpcId: string;
  /** Its primary IPv4 CIDR block, e.g. `10.0.0.0/16`. */
  readonly cidrBlock: string;
  /** Its first address, as a 32-bit number. */
  readonly first: number;
  /** How many addresses it spans. */
  readonly size: number;
  /** Whether it is the region's default VPC. */
  readonly isDefault: boolean;
  /** Its instance tenancy (`default` or `dedicated`). */
  readonly instanceTenancy: "default" | "dedicated";
  /** The id of its primary CIDR block's association (`vpc-cidr-assoc-…`). */
  readonly cidrAssociationId: string;
  /** The id of its default security group (the `groups` store wires the group itself). */
  readonly defaultSecurityGroupId: string;
  /** Creation order across the region's VPCs (pagination). */
  readonly seq: number;
  /** Its tags, in the order they were set; replaced whole, never written into. */
  tags: ReadonlyMap<string, string>;
}

/** A subnet of a VPC. */
export interface Subnet {
  /** The subnet's id. */
  readonly subnetId: string;
  /** The VPC it belongs to. */
  readonly vpcId: string;
  /** Its availability zone's name. */
  readonly availabilityZone: string;
  /** Its availability zone's id (`use1-az2`). */
  readonly availabilityZoneId: string;
  /** Its IPv4 CIDR block, e.g. `172.31.16.0/20`. */
  readonly cidrBlock: string;
  /** Its first address, as a 32-bit number. */
  readonly first: number;
  /** How many addresses it spans (a power of two). */
  readonly size: number;
  /** Whether it is the default subnet of its zone (the default VPC's). */
  readonly defaultForAz: boolean;
  /** Creation order across the region's subnets (pagination). */
  readonly seq: number;
  /** Whether instances launched in it get a public IPv4 unless the request says otherwise. */
  mapPublicIpOnLaunch: boolean;
  /** Its tags, in the order they were set; replaced whole, never written into. */
  tags: ReadonlyMap<string, string>;
}

/**
 * What the rest of the region hooks onto VPCs: the security group store
 * makes a default group per VPC and counts its groups as dependencies. A
 * hook pushed onto `Network.hooks` after construction does not hear of the
 * default VPC the constructor made (read `allVpcs()`); `clear()` tells it of
 * the default VPC it lays out again, `restoreJson` of nothing.
 */
export interface VpcHooks {
  /** A VPC was created (CreateVpc, CreateDefaultVpc, a reset). */
  created?(vpc: Vpc): void;
  /** A VPC was deleted (DeleteVpc). */
  deleted?(vpc: Vpc): void;
  /** Whether something other than subnets still uses the VPC (DeleteVpc then fails with DependencyViolation). */
  hasDependencies?(vpc: Vpc): boolean;
}

/** A CIDR block: its text, checked. */
const cidrBlock = checked(string, (text, path) => {
  if (parseCidr(text) === undefined) throw invalid(path, "an IPv4 CIDR block", text);
});

/** A VPC as a snapshot holds it. */
const vpcJsonRecord = object({
  vpcId: string,
  cidrBlock,
  isDefault: boolean,
  instanceTenancy: literal("default", "dedicated"),
  cidrAssociationId: string,
  defaultSecurityGroupId: string,
  tags: array(tuple(string, string)),
});

/** A subnet as a snapshot holds it; the members after `cidrBlock` are absent in snapshots written before issue 15. */
const subnetJsonRecord = object({
  subnetId: string,
  availabilityZone: string,
  cidrBlock,
  vpcId: optional(string),
  availabilityZoneId: optional(string),
  defaultForAz: optional(boolean),
  mapPublicIpOnLaunch: optional(boolean),
  tags: optional(array(tuple(string, string))),
});

/**
 * The region's VPCs, subnets and pools, declared once (see `Network.toJson`).
 * Snapshots written before issue 15 have no `vpcs` (one default VPC: `vpcId`,
 * `vpcCidr`, `defaultSecurityGroupId`) and hold the addresses in use as one
 * list, `privateInUse`; later ones list them per subnet in `addressesInUse`.
 */
export const networkRecord = checked(
  object({
    /** The default VPC's id (`""` when it has been deleted). */
    vpcId: string,
    /** The default VPC's default security group's id (`""` when there is no default VPC). */
    defaultSecurityGroupId: string,
    /** The default VPC's address space (CreateDefaultVpc lays it out again). */
    vpcCidr: cidrBlock,
    /** Every VPC, in creation order (absent before issue 15). */
    vpcs: optional(array(vpcJsonRecord)),
    /** The region's default DHCP options set (absent before issue 15: a new one). */
    dhcpOptionsId: optional(string),
    subnets: array(subnetJsonRecord),
    /** Deleted subnets that terminated instances, still visible, were launched in (written only when there are some). */
    retiredSubnets: optional(array(subnetJsonRecord)),
    /** Before issue 15: every address in use, all in the one VPC. */
    privateInUse: optional(array(string)),
    /** `[subnetId, addresses in use]` pairs. */
    addressesInUse: optional(array(tuple(string, array(string)))),
    /** `[subnetId, next host number]` pairs. */
    nextHost: array(tuple(string, number)),
    publicInUse: array(string),
    publicCounter: number,
  }),
  // Every subnet in a VPC of the snapshot, every address in use inside its subnet.
  (network, path) => {
    const vpcIds = new Set(network.vpcs === undefined ? [network.vpcId] : network.vpcs.map((v) => v.vpcId));
    network.subnets.forEach((s, i) => {
      if (!vpcIds.has(s.vpcId ?? network.vpcId)) throw invalid(`${path}.subnets[${i}].vpcId`, "a VPC of network.vpcs", s.vpcId);
    });
    const subnets = network.subnets.map((s) => [s.subnetId, subnetBlock(s.cidrBlock)] as const);
    const byId = new Map([...subnets, ...(network.retiredSubnets ?? []).map((s) => [s.subnetId, subnetBlock(s.cidrBlock)] as const)]);
    (network.addressesInUse ?? []).forEach(([subnetId, ips], i) => {
      const block = byId.get(subnetId);
      if (block === undefined) throw invalid(`${path}.addressesInUse[${i}][0]`, "a subnet of network.subnets", subnetId);
      ips.forEach((ip, j) => {
        if (!holds(block, ip)) throw invalid(`${path}.addressesInUse[${i}][1][${j}]`, "an address of the subnet", ip);
      });
    });
    (network.privateInUse ?? []).forEach((ip, i) => {
      if (!subnets.some(([, block]) => holds(block, ip))) throw invalid(`${path}.privateInUse[${i}]`, "an address of a subnet", ip);
    });
  },
);

/**
 * The region's VPCs, subnets, ids and pools as plain JSON (see `Network.toJson`).
 * @public
 */
export interface NetworkJson extends JsonOf<typeof networkRecord> {}

/** The first address and size of a valid CIDR block (checked by the caller). */
function subnetBlock(cidr: string): { first: number; size: number } {
  const { first, prefix } = parseCidr(cidr)!;
  return { first, size: blockSize(prefix) };
}

/** Whether a block holds an address. */
function holds(block: { first: number; size: number }, ip: string): boolean {
  const n = parseIpv4(ip);
  return n >= block.first && n < block.first + block.size;
}

/** The subnet whose block holds an address, if any. */
export function subnetHolding(subnets: Iterable<Subnet>, ip: string): Subnet | undefined {
  for (const subnet of subnets) if (holds(subnet, ip)) return subnet;
  return undefined;
}

/** A subnet as a snapshot holds it. */
function subnetJson(s: Subnet): JsonOf<typeof subnetJsonRecord> {
  return {
    subnetId: s.subnetId,
    availabilityZone: s.availabilityZone,
    cidrBlock: s.cidrBlock,
    vpcId: s.vpcId,
    availabilityZoneId: s.availabilityZoneId,
    defaultForAz: s.defaultForAz,
    mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    tags: [...s.tags],
  };
}

/** The scratch {@link dnsName} writes a name into (EC2's names are far shorter). */
const dnsScratch = Buffer.alloc(256);

/**
 * `prefix`, the address with its dots as dashes, then `suffix`, as one flat
 * string: written byte by byte into a scratch buffer and decoded once. The
 * template with `replaceAll` made the dashed address, its pieces and a
 * concatenation per part, about 250 bytes of garbage for a 26-character name,
 * twice for every instance rendered (issue 22 (e), sixth pass). A name that
 * does not fit in Latin-1 or in the scratch (none EC2 makes) takes the
 * template.
 */
function dnsName(prefix: string, ip: string, suffix: string): string {
  const length = prefix.length + ip.length + suffix.length;
  if (length > dnsScratch.length) return `${prefix}${ip.replaceAll(".", "-")}${suffix}`;
  let at = 0;
  for (let i = 0; i < prefix.length; i++) dnsScratch[at++] = prefix.charCodeAt(i);
  for (let i = 0; i < ip.length; i++) {
    const code = ip.charCodeAt(i);
    if (code > 255) return `${prefix}${ip.replaceAll(".", "-")}${suffix}`;
    dnsScratch[at++] = code === 46 ? 45 : code;
  }
  for (let i = 0; i < suffix.length; i++) {
    const code = suffix.charCodeAt(i);
    if (code > 255) return `${prefix}${ip.replaceAll(".", "-")}${suffix}`;
    dnsScratch[at++] = code;
  }
  return dnsScratch.toString("latin1", 0, at);
}

/** Zone letters when the Region catalogue does not know the region (decision: docs/behaviour.md, "VPCs and subnets"). */
const FALLBACK_LETTERS = ["a", "b", "c", "d", "e", "f"];

/**
 * The zones of a region, from the Region catalogue; for a region it does not
 * know, `<region>a` … `<region>f` with made-up ids `<region>-az1` … (decision).
 */
export function zonesOf(region: string): readonly CatalogueZone[] {
  const known = regionsAndZones().find((r) => r.RegionName === region);
  if (known !== undefined) return known.Zones;
  return FALLBACK_LETTERS.map((letter, i) => ({ ZoneName: `${region}${letter}`, ZoneId: `${region}-az${i + 1}` }));
}

/** An id of a family `newId` does not mint (`dopt`, `vpc-cidr-assoc`): the same 17 random hex digits. */
function idOf(prefix: string): string {
  return `${prefix}-${newId("vpc").slice(4)}`;
}

/** How many public IPv4 addresses the region's pool holds (a /12's worth). */
const PUBLIC_POOL_SIZE = 1_048_576;

/**
 * The VPCs and subnets of one region, the addresses handed out in them, and
 * the pool of auto-assigned public IPv4s. Private addresses stay with an
 * instance for life; public ones come and go with stop and start and are
 * never handed out twice in a row.
 */
export class Network {
  /** Hooks the rest of the region sets (security groups: a default group per VPC). */
  readonly hooks: VpcHooks[] = [];
  /** The region's zones, in name order. */
  readonly zones: readonly CatalogueZone[];
  private readonly vpcs = new Map<string, Vpc>();
  private readonly subnets = new Map<string, Subnet>();
  /** Deleted subnets whose addresses terminated instances still hold (they vanish with the last one). */
  private readonly retired = new Map<string, Subnet>();
  /** The default VPC's subnet per zone name. */
  private readonly defaults = new Map<string, Subnet>();
  /** Each subnet's addresses in use, a bitmap (./address-pool.ts). */
  private readonly pools = new Map<string, AddressPool>();
  /**
   * The region's public IPv4 pool's addresses in use, a bitmap (one bit an address, made on first use): a
   * `Set` of strings cost a hash entry and a hashing of every address a running instance takes (issue 22
   * (e), fourth pass). Addresses outside the pool (none is handed out; a snapshot could name one) apart.
   */
  private readonly publicPool = new AddressPool(PUBLIC_POOL_FIRST, PUBLIC_POOL_SIZE);
  private readonly publicOutside = new Set<string>();
  private publicCounter = 0;
  private seq = 0;
  private space: AddressSpace;
  private dhcpOptions = idOf("dopt");
  /** The region's DNS suffixes, with their dot, made on first use (a template per name cost a string each). */
  private privateSuffix: string | undefined;
  private publicSuffix: string | undefined;

  /**
   * @param region - the region whose zones get a default subnet each.
   * @param space - the default VPC's block and each zone's subnet size (checked by `resolveAddressSpace`).
   */
  constructor(
    readonly region: string,
    space: AddressSpace = DEFAULT_ADDRESS_SPACE,
  ) {
    this.space = space;
    this.zones = zonesOf(region);
    this.createDefaultVpc();
  }

  /** The default VPC, if the region has one (DeleteVpc may have deleted it). */
  defaultVpc(): Vpc | undefined {
    for (const vpc of this.vpcs.values()) if (vpc.isDefault) return vpc;
    return undefined;
  }

  /** The default VPC's id; `""` when it has been deleted. */
  get vpcId(): string {
    return this.defaultVpc()?.vpcId ?? "";
  }

  /** The default VPC's default security group's id; `""` when there is no default VPC. */
  get defaultSecurityGroupId(): string {
    return this.defaultVpc()?.defaultSecurityGroupId ?? "";
  }

  /** The default VPC's address space (what CreateDefaultVpc lays out). */
  get vpcCidr(): string {
    return this.space.vpcCidr;
  }

  /** The region's default DHCP options set, which every VPC uses. */
  get dhcpOptionsId(): string {
    return this.dhcpOptions;
  }

  /** The zone RunInstances uses when no placement is given: the region's first. */
  get defaultZone(): string {
    return this.zones[0]!.ZoneName;
  }

  /** A zone of the region by name. */
  zoneNamed(name: string): CatalogueZone | undefined {
    return this.zones.find((z) => z.ZoneName === name);
  }

  /** A zone of the region by id. */
  zoneWithId(id: string): CatalogueZone | undefined {
    return this.zones.find((z) => z.ZoneId === id);
  }

  /** A VPC by id. */
  vpc(id: string): Vpc | undefined {
    return this.vpcs.get(id);
  }

  /** A subnet by id. */
  subnet(id: string): Subnet | undefined {
    return this.subnets.get(id);
  }

  /** The default subnet of a zone, or undefined (a zone the region lacks, no default VPC, or its subnet deleted). */
  subnetIn(zone: string): Subnet | undefined {
    return this.defaults.get(zone);
  }

  /** Every VPC, in creation order. */
  allVpcs(): IterableIterator<Vpc> {
    return this.vpcs.values();
  }

  /** Every subnet, in creation order. */
  allSubnets(): Subnet[] {
    return [...this.subnets.values()];
  }

  /** Every subnet, in creation order, without a copy. */
  subnetValues(): IterableIterator<Subnet> {
    return this.subnets.values();
  }

  /** The subnets of a VPC, in creation order. */
  subnetsOf(vpc: Vpc): Subnet[] {
    return this.allSubnets().filter((s) => s.vpcId === vpc.vpcId);
  }

  /** The subnet of `vpc` whose block overlaps `cidr`'s, if any (CreateSubnet's InvalidSubnet.Conflict). */
  conflictingSubnet(vpc: Vpc, first: number, size: number): Subnet | undefined {
    for (const s of this.subnets.values()) {
      if (s.vpcId === vpc.vpcId && first < s.first + s.size && s.first < first + size) return s;
    }
    return undefined;
  }

  /** Whether some hook reports that something other than its subnets still uses the VPC. */
  vpcHasDependencies(vpc: Vpc): boolean {
    return this.subnetsOf(vpc).length > 0 || this.hooks.some((h) => h.hasDependencies?.(vpc) === true);
  }

  /** Creates a VPC (its block checked by the caller) and tells the hooks. */
  createVpc(
    cidr: string,
    options: { tenancy?: "default" | "dedicated"; tags?: ReadonlyMap<string, string>; isDefault?: boolean; ids?: Partial<Vpc> } = {},
  ): Vpc {
    const { first, prefix } = parseCidr(cidr)!;
    const vpc: Vpc = {
      vpcId: options.ids?.vpcId ?? newId("vpc"),
      cidrBlock: `${formatIpv4(first)}/${prefix}`,
      first,
      size: blockSize(prefix),
      isDefault: options.isDefault === true,
      instanceTenancy: options.tenancy ?? "default",
      cidrAssociationId: options.ids?.cidrAssociationId ?? idOf("vpc-cidr-assoc"),
      defaultSecurityGroupId: options.ids?.defaultSecurityGroupId ?? newId("sg"),
      seq: ++this.seq,
      tags: options.tags !== undefined && options.tags.size > 0 ? options.tags : NO_TAGS,
    };
    this.vpcs.set(vpc.vpcId, vpc);
    for (const hook of this.hooks) hook.created?.(vpc);
    return vpc;
  }

  /** Deletes a VPC (the caller checked it has no dependencies) and tells the hooks. */
  deleteVpc(vpc: Vpc): void {
    this.vpcs.delete(vpc.vpcId);
    for (const hook of this.hooks) hook.deleted?.(vpc);
  }

  /** Creates a subnet (block, zone and overlap checked by the caller). */
  createSubnet(
    vpc: Vpc,
    cidr: string,
    zone: CatalogueZone,
    options: { tags?: ReadonlyMap<string, string>; defaultForAz?: boolean; mapPublicIpOnLaunch?: boolean; subnetId?: string } = {},
  ): Subnet {
    const { first, prefix } = parseCidr(cidr)!;
    const subnet: Subnet = {
      subnetId: options.subnetId ?? newId("subnet"),
      vpcId: vpc.vpcId,
      availabilityZone: zone.ZoneName,
      availabilityZoneId: zone.ZoneId,
      cidrBlock: `${formatIpv4(first)}/${prefix}`,
      first,
      size: blockSize(prefix),
      defaultForAz: options.defaultForAz === true,
      seq: ++this.seq,
      mapPublicIpOnLaunch: options.mapPublicIpOnLaunch === true,
      tags: options.tags !== undefined && options.tags.size > 0 ? options.tags : NO_TAGS,
    };
    this.subnets.set(subnet.subnetId, subnet);
    this.pools.set(subnet.subnetId, new AddressPool(subnet.first, subnet.size));
    if (subnet.defaultForAz) this.defaults.set(subnet.availabilityZone, subnet);
    return subnet;
  }

  /**
   * Deletes a subnet (the caller checked no instance but terminated ones
   * uses it) and its pool. While terminated instances launched in it are
   * still visible, it is kept apart (`retiredSubnet`), so that they keep a
   * subnet record and snapshots restore them.
   */
  deleteSubnet(subnet: Subnet): void {
    this.subnets.delete(subnet.subnetId);
    if (this.defaults.get(subnet.availabilityZone) === subnet) this.defaults.delete(subnet.availabilityZone);
    if (this.usedAddresses(subnet) > 0) this.retired.set(subnet.subnetId, subnet);
    else this.pools.delete(subnet.subnetId);
  }

  /** A deleted subnet that a terminated, still visible instance was launched in. */
  retiredSubnet(id: string): Subnet | undefined {
    return this.retired.get(id);
  }

  /**
   * Creates the default VPC in the address space of the mock with one
   * default subnet per zone, consecutive blocks from the VPC's first
   * address, MapPublicIpOnLaunch on (VPC user guide, "Default VPCs").
   * `ids` keeps the ids of a previous default VPC (a reset).
   */
  createDefaultVpc(ids?: { vpc: Partial<Vpc>; subnets: ReadonlyMap<string, string> }): Vpc {
    const vpc = this.createVpc(this.space.vpcCidr, { isDefault: true, ids: ids?.vpc });
    const size = blockSize(this.space.subnetPrefixLength);
    this.zones.forEach((zone, i) => {
      const cidr = `${formatIpv4(vpc.first + i * size)}/${this.space.subnetPrefixLength}`;
      this.createSubnet(vpc, cidr, zone, { defaultForAz: true, mapPublicIpOnLaunch: true, subnetId: ids?.subnets.get(zone.ZoneName) });
    });
    return vpc;
  }

  /** The private DNS name of an address: `ip-172-31-0-4.ec2.internal`. */
  privateDnsName(ip: string): string {
    this.privateSuffix ??= `.${this.region === "us-east-1" ? "ec2.internal" : `${this.region}.compute.internal`}`;
    return dnsName("ip-", ip, this.privateSuffix);
  }

  /** The public DNS name of an address: `ec2-3-80-0-1.compute-1.amazonaws.com`. */
  publicDnsName(ip: string): string {
    this.publicSuffix ??= `.${this.region === "us-east-1" ? "compute-1.amazonaws.com" : `${this.region}.compute.amazonaws.com`}`;
    return dnsName("ec2-", ip, this.publicSuffix);
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
    if (this.pools.get(subnet.subnetId)?.has(n) === true) {
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

  /** How many addresses of the subnet are free (its AvailableIpAddressCount; a launch takes one an instance). */
  freeAddresses(subnet: Subnet): number {
    const { low, high } = usableRange(subnet.first, subnet.size);
    return high - low + 1 - (this.pools.get(subnet.subnetId)?.size ?? 0);
  }

  /** How many addresses of the subnet are in use (held by instances, terminated ones until they vanish). */
  usedAddresses(subnet: Subnet): number {
    return this.pools.get(subnet.subnetId)?.size ?? 0;
  }

  /** Takes a private address in the subnet: the one asked for, or the next free one. */
  takePrivateIp(subnet: Subnet, wanted?: string): string {
    const pool = this.poolOf(subnet);
    if (wanted !== undefined) {
      pool.add(parseIpv4(wanted));
      return wanted;
    }
    const { low, high } = usableRange(0, subnet.size);
    let host = pool.next < low || pool.next > high ? low : pool.next;
    for (let tries = 0; tries <= high - low; tries++, host = host >= high ? low : host + 1) {
      if (!pool.hasHost(host)) {
        pool.add(subnet.first + host);
        pool.next = host >= high ? low : host + 1;
        return formatIpv4(subnet.first + host);
      }
    }
    throw errors.insufficientAddresses();
  }

  private poolOf(subnet: Subnet): AddressPool {
    let pool = this.pools.get(subnet.subnetId);
    if (pool === undefined) {
      pool = new AddressPool(subnet.first, subnet.size);
      this.pools.set(subnet.subnetId, pool);
    }
    return pool;
  }

  /** Returns a private address to its subnet (when its instance is gone; nothing if the subnet is gone). */
  releasePrivateIp(subnet: Subnet, ip: string): void {
    const pool = this.pools.get(subnet.subnetId);
    pool?.delete(parseIpv4(ip));
    if (pool?.size === 0 && this.retired.delete(subnet.subnetId)) this.pools.delete(subnet.subnetId);
  }

  /** The VPCs, subnets and pools as plain JSON (snapshots). */
  toJson(): NetworkJson {
    const vpcs = [...this.vpcs.values()];
    return {
      vpcId: this.vpcId,
      defaultSecurityGroupId: this.defaultSecurityGroupId,
      vpcCidr: this.space.vpcCidr,
      vpcs: vpcs.map((v) => ({
        vpcId: v.vpcId,
        cidrBlock: v.cidrBlock,
        isDefault: v.isDefault,
        instanceTenancy: v.instanceTenancy,
        cidrAssociationId: v.cidrAssociationId,
        defaultSecurityGroupId: v.defaultSecurityGroupId,
        tags: [...v.tags],
      })),
      dhcpOptionsId: this.dhcpOptions,
      subnets: [...this.subnets.values()].map(subnetJson),
      ...(this.retired.size === 0 ? {} : { retiredSubnets: [...this.retired.values()].map(subnetJson) }),
      addressesInUse: [...this.pools].filter(([, pool]) => pool.size > 0).map(([id, pool]) => [id, pool.addresses()]),
      nextHost: [...this.pools].filter(([, pool]) => pool.next !== 0).map(([id, pool]) => [id, pool.next]),
      // In address order (they were in the order taken: a set either way).
      publicInUse: [...this.publicPool.addresses(), ...this.publicOutside],
      publicCounter: this.publicCounter,
    };
  }

  /**
   * Replaces VPCs, subnets, pools and counters with a snapshot's (already
   * checked by the snapshot reader: valid blocks, every subnet in a VPC,
   * every address in use inside its subnet). Hooks hear of nothing: whoever
   * keeps state of its own per VPC restores it from the same snapshot.
   */
  restoreJson(json: NetworkJson): void {
    this.vpcs.clear();
    this.subnets.clear();
    this.retired.clear();
    this.defaults.clear();
    this.pools.clear();
    this.seq = 0;
    const hooks = this.hooks.splice(0);
    try {
      this.space = { ...this.space, vpcCidr: json.vpcCidr };
      if (json.dhcpOptionsId !== undefined) this.dhcpOptions = json.dhcpOptionsId;
      const vpcs = json.vpcs ?? [
        {
          vpcId: json.vpcId,
          cidrBlock: json.vpcCidr,
          isDefault: true,
          instanceTenancy: "default" as const,
          cidrAssociationId: idOf("vpc-cidr-assoc"),
          defaultSecurityGroupId: json.defaultSecurityGroupId,
          tags: [],
        },
      ];
      for (const v of vpcs) {
        const ids = { vpcId: v.vpcId, cidrAssociationId: v.cidrAssociationId, defaultSecurityGroupId: v.defaultSecurityGroupId };
        this.createVpc(v.cidrBlock, { isDefault: v.isDefault, tenancy: v.instanceTenancy, tags: new Map(v.tags), ids });
      }
      // Retired subnets first, so that a live default subnet made after keeps its zone.
      for (const s of json.retiredSubnets ?? []) {
        const vpc = this.vpcs.get(s.vpcId ?? json.vpcId);
        const zone = this.zoneNamed(s.availabilityZone) ?? {
          ZoneName: s.availabilityZone,
          ZoneId: s.availabilityZoneId ?? s.availabilityZone,
        };
        // Made as a live subnet (its VPC may be gone: a stand-in of its id), then set apart.
        const subnet = this.createSubnet(vpc ?? ({ vpcId: s.vpcId ?? json.vpcId } as Vpc), s.cidrBlock, zone, {
          subnetId: s.subnetId,
          defaultForAz: s.defaultForAz ?? false,
          mapPublicIpOnLaunch: s.mapPublicIpOnLaunch ?? false,
          tags: new Map(s.tags ?? []),
        });
        this.subnets.delete(subnet.subnetId);
        if (this.defaults.get(subnet.availabilityZone) === subnet) this.defaults.delete(subnet.availabilityZone);
        this.retired.set(subnet.subnetId, subnet);
      }
      for (const s of json.subnets) {
        const vpc = this.vpcs.get(s.vpcId ?? json.vpcId)!;
        const zone = this.zoneNamed(s.availabilityZone) ?? {
          ZoneName: s.availabilityZone,
          ZoneId: s.availabilityZoneId ?? s.availabilityZone,
        };
        this.createSubnet(vpc, s.cidrBlock, zone, {
          subnetId: s.subnetId,
          defaultForAz: s.defaultForAz ?? vpc.isDefault,
          mapPublicIpOnLaunch: s.mapPublicIpOnLaunch ?? vpc.isDefault,
          tags: new Map(s.tags ?? []),
        });
      }
    } finally {
      this.hooks.push(...hooks);
    }
    for (const [subnetId, ips] of json.addressesInUse ?? []) {
      const pool = this.pools.get(subnetId);
      for (const ip of ips) pool?.add(parseIpv4(ip));
    }
    for (const ip of json.privateInUse ?? []) {
      const subnet = subnetHolding(this.subnets.values(), ip);
      if (subnet !== undefined) this.poolOf(subnet).add(parseIpv4(ip));
    }
    for (const [subnetId, host] of json.nextHost) {
      const pool = this.pools.get(subnetId);
      if (pool !== undefined) pool.next = host;
    }
    this.clearPublic();
    for (const ip of json.publicInUse) this.takeThisPublicIp(ip);
    this.publicCounter = json.publicCounter;
  }

  /**
   * Back to a new account's network: the VPCs and subnets created since are
   * gone (their hooks are not told: whoever keeps state per VPC clears it
   * with the region), every address is free, and the default VPC is back
   * as it was created, with the same ids as before when it existed; the
   * hooks hear `created` for it.
   */
  clear(): void {
    const previous = this.defaultVpc();
    const subnetIds = new Map<string, string>();
    for (const s of this.subnets.values()) if (s.vpcId === previous?.vpcId && s.defaultForAz) subnetIds.set(s.availabilityZone, s.subnetId);
    this.vpcs.clear();
    this.subnets.clear();
    this.retired.clear();
    this.defaults.clear();
    this.pools.clear();
    this.clearPublic();
    this.seq = 0;
    this.createDefaultVpc(previous === undefined ? undefined : { vpc: previous, subnets: subnetIds });
  }

  /**
   * Hands out a public IPv4 from the region's pool (3.80.0.0/12 style addresses), or undefined when all
   * 1,048,576 are taken (a fleet of over a million running instances: the instance runs without one, rather
   * than the search going round the full pool for ever).
   */
  takePublicIpIfAny(): string | undefined {
    return this.publicPool.size >= PUBLIC_POOL_SIZE ? undefined : this.takePublicIp();
  }

  /** Every public address free again. */
  private clearPublic(): void {
    this.publicPool.clear();
    this.publicOutside.clear();
  }

  /** Hands out a public IPv4 from the region's pool (3.80.0.0/12 style addresses); throws when it is exhausted. */
  takePublicIp(): string {
    const pool = this.publicPool;
    if (pool.size >= PUBLIC_POOL_SIZE) throw new Error("ec2-mock: the region's pool of public IPv4 addresses is exhausted");
    for (;;) {
      this.publicCounter = (this.publicCounter + 7919) % PUBLIC_POOL_SIZE;
      if (!pool.hasHost(this.publicCounter)) {
        pool.add(PUBLIC_POOL_FIRST + this.publicCounter);
        return formatIpv4(PUBLIC_POOL_FIRST + this.publicCounter);
      }
    }
  }

  /** Whether this public IPv4 is free in the pool (not auto-assigned, not an Elastic IP). */
  isPublicIpFree(ip: string): boolean {
    const n = parseIpv4(ip);
    return this.publicPool.holds(n) ? !this.publicPool.has(n) : !this.publicOutside.has(ip);
  }

  /** Takes this very public IPv4 from the pool (an Elastic IP recovered); the caller checked it is free. */
  takeThisPublicIp(ip: string): void {
    const n = parseIpv4(ip);
    if (this.publicPool.holds(n)) this.publicPool.add(n);
    else this.publicOutside.add(ip);
  }

  /** Returns a public IPv4 to the pool. */
  releasePublicIp(ip: string): void {
    const n = parseIpv4(ip);
    if (this.publicPool.holds(n)) this.publicPool.delete(n);
    else this.publicOutside.delete(ip);
  }
}

/** The first address of the public pool, read once (a start takes one on every call: bench/README.md, issue 22 (a)). */
const PUBLIC_POOL_BASE = parseIpv4("3.80.0.0");
/** The pool's first address: its addresses are `PUBLIC_POOL_FIRST + n`, n below `PUBLIC_POOL_SIZE`. */
const PUBLIC_POOL_FIRST = PUBLIC_POOL_BASE + 256;
