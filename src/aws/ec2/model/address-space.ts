/**
 * The default VPC's IPv4 address space: EC2's own layout by default, or a
 * wider one the user asks for (`createEc2Mock({ network })`), checked once at
 * construction. Pure arithmetic on 32-bit addresses; the pools that hand
 * addresses out live in `network.ts`.
 */

/**
 * Options of `createEc2Mock({ network })`: the default VPC's address space.
 * The default is EC2's (172.31.0.0/16, a /20 per zone: 4,091 addresses per
 * zone, about 24,500 instances in all). Widen it to hold larger fleets.
 * @public
 */
export interface NetworkOptions {
  /**
   * The default VPC's IPv4 CIDR block, e.g. `"10.0.0.0/8"`. Default
   * `"172.31.0.0/16"`, as in every AWS account. EC2 itself accepts /16 to
   * /28; the mock also accepts /8 to /15, so that one fleet can hold more
   * addresses than a real VPC (decision: docs/behaviour.md). The address
   * must be the network's first (no host bits set).
   */
  vpcCidr?: string;
  /**
   * The prefix length of each zone's default subnet. The region's zones'
   * subnets (up to six: the Region catalogue's zones) are consecutive blocks
   * of this size from the start of the VPC, so the VPC must hold six of them
   * (prefix at least the VPC's + 3), and EC2's
   * smallest subnet is a /28. Default: the VPC's prefix + 4, at most 28
   * (`/20` for the default VPC, as EC2 lays it out).
   */
  subnetPrefixLength?: number;
}

/** A checked address space: the VPC's block and the size of every zone's subnet. */
export interface AddressSpace {
  /** The VPC's CIDR block in canonical form, e.g. `172.31.0.0/16`. */
  readonly vpcCidr: string;
  /** The prefix length of each zone's subnet. */
  readonly subnetPrefixLength: number;
}

/** EC2's default VPC: 172.31.0.0/16 with a /20 per zone. */
export const DEFAULT_ADDRESS_SPACE: AddressSpace = Object.freeze({ vpcCidr: "172.31.0.0/16", subnetPrefixLength: 20 });

/** The widest VPC the mock accepts (EC2 stops at /16). */
const WIDEST_VPC_PREFIX = 8;
/** EC2's smallest subnet. */
const NARROWEST_SUBNET_PREFIX = 28;
/** Six zones (`a` … `f`) need 2^3 = 8 blocks' room, so a subnet is at least 3 bits narrower than its VPC. */
const ZONE_BITS = 3;
/**
 * Addresses EC2 reserves in every subnet: the first four (network, router,
 * DNS, future use) and the last (broadcast). Source: VPC user guide,
 * "Subnet CIDR blocks".
 */
const RESERVED_LOW = 4;

/** Dotted quad → 32-bit unsigned number, or NaN when it is not one (octets 0..255, no leading zeros). */
export function parseIpv4(ip: string): number {
  // By character codes, without splitting or a RegExp per octet: a restart of 100k instances parses every
  // address at least once (issue 22 (c): 280 ms of a 5.3 s restart went here). Four octets of one to three
  // digits, no leading zero, each at most 255; anything else is NaN.
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return NaN;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || (digits > 0 && octet === 0)) return NaN;
    octet = octet * 10 + (c - 48);
    if (++digits > 3 || octet > 255) return NaN;
  }
  return dots === 3 && digits > 0 ? n * 256 + octet : NaN;
}

/** 32-bit unsigned number → dotted quad. */
export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A CIDR block as its first address and prefix length, or undefined when `cidr` is not one. */
export function parseCidr(cidr: string): { first: number; prefix: number } | undefined {
  const match = /^([0-9.]+)\/([0-9]{1,2})$/.exec(cidr);
  if (match === null) return undefined;
  const first = parseIpv4(match[1]!);
  const prefix = Number(match[2]);
  if (Number.isNaN(first) || prefix > 32) return undefined;
  return { first, prefix };
}

/** Addresses in a block of this prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The first and last addresses RunInstances may give out in a subnet (EC2 reserves five). */
export function usableRange(first: number, size: number): { low: number; high: number } {
  return { low: first + RESERVED_LOW, high: first + size - 2 };
}

function bad(name: string, expected: string, value: unknown): TypeError {
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  return new TypeError(`ec2-mock: network.${name} must be ${expected}; got ${shown}`);
}

/**
 * Checks `createEc2Mock`'s `network` option and resolves its defaults.
 * Throws a TypeError naming the bad field for anything else: an unknown
 * key, a malformed block, host bits set, or subnets that do not fit.
 */
export function resolveAddressSpace(options: NetworkOptions | undefined): AddressSpace {
  if (options === undefined) return DEFAULT_ADDRESS_SPACE;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`ec2-mock: network must be an object of vpcCidr and subnetPrefixLength; got ${JSON.stringify(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== "vpcCidr" && key !== "subnetPrefixLength") {
      throw new TypeError(`ec2-mock: network has no option "${key}" (known: vpcCidr, subnetPrefixLength)`);
    }
  }
  const vpcCidr = options.vpcCidr ?? DEFAULT_ADDRESS_SPACE.vpcCidr;
  const vpc = typeof vpcCidr === "string" ? parseCidr(vpcCidr) : undefined;
  if (vpc === undefined) throw bad("vpcCidr", 'an IPv4 CIDR block such as "10.0.0.0/8"', vpcCidr);
  const widest = NARROWEST_SUBNET_PREFIX - ZONE_BITS;
  if (vpc.prefix < WIDEST_VPC_PREFIX || vpc.prefix > widest) {
    throw bad(
      "vpcCidr",
      `a block from /${WIDEST_VPC_PREFIX} to /${widest} (six /${NARROWEST_SUBNET_PREFIX} subnets at least must fit)`,
      vpcCidr,
    );
  }
  if (vpc.first % blockSize(vpc.prefix) !== 0) {
    const network = vpc.first - (vpc.first % blockSize(vpc.prefix));
    throw bad("vpcCidr", `the block's first address (${formatIpv4(network)}/${vpc.prefix}), with no host bits set`, vpcCidr);
  }
  const lowest = vpc.prefix + ZONE_BITS;
  const subnetPrefixLength = options.subnetPrefixLength ?? Math.min(vpc.prefix + 4, NARROWEST_SUBNET_PREFIX);
  if (!Number.isInteger(subnetPrefixLength) || subnetPrefixLength < lowest || subnetPrefixLength > NARROWEST_SUBNET_PREFIX) {
    throw bad(
      "subnetPrefixLength",
      `an integer from ${lowest} to ${NARROWEST_SUBNET_PREFIX} (six zones' subnets must fit in the /${vpc.prefix} VPC)`,
      subnetPrefixLength,
    );
  }
  return { vpcCidr: `${formatIpv4(vpc.first)}/${vpc.prefix}`, subnetPrefixLength };
}
