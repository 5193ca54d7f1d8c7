import { formatIpv4 } from "./address-space.js";

/**
 * The private addresses in use in one subnet, as a bitmap (issue 22): one
 * bit an address of the block (8 KiB for a /16, 128 KiB for a /12), so a
 * million instances cost no object, string or hash entry here; the
 * instance record holds its address string. `next` is where the next search
 * for a free address starts (host number from the block's first address).
 */
export class AddressPool {
  private bits: Uint8Array | undefined;
  /** How many addresses are in use. */
  size = 0;
  /** Host number (from the block's first address) where the next search starts. */
  next = 0;

  /**
   * @param first - the block's first address, as a 32-bit number.
   * @param count - how many addresses the block holds.
   */
  constructor(
    readonly first: number,
    readonly count: number,
  ) {}

  /** Whether the host (number from the block's first address) is in use; false outside the block. */
  hasHost(host: number): boolean {
    if (this.bits === undefined || !(host >= 0 && host < this.count)) return false;
    return (this.bits[host >>> 3]! & (1 << (host & 7))) !== 0;
  }

  /** Whether the address is one of the block's. */
  holds(ip: number): boolean {
    const host = ip - this.first;
    return host >= 0 && host < this.count;
  }

  /** Whether the address is in use. */
  has(ip: number): boolean {
    return this.hasHost(ip - this.first);
  }

  /** Marks the address in use (an address outside the block is ignored). */
  add(ip: number): void {
    const host = ip - this.first;
    if (!(host >= 0 && host < this.count) || this.hasHost(host)) return;
    // The bitmap is made on first use: a subnet nobody launches into costs nothing.
    const bits = (this.bits ??= new Uint8Array(Math.ceil(this.count / 8)));
    bits[host >>> 3]! |= 1 << (host & 7);
    this.size++;
  }

  /** Frees every address (the bitmap goes; the search's start stays). */
  clear(): void {
    this.bits = undefined;
    this.size = 0;
  }

  /** Frees the address. */
  delete(ip: number): void {
    const host = ip - this.first;
    if (!this.hasHost(host)) return;
    this.bits![host >>> 3]! &= ~(1 << (host & 7));
    this.size--;
  }

  /** The addresses in use, ascending, as strings (snapshots). */
  addresses(): string[] {
    const out: string[] = [];
    const bits = this.bits;
    if (bits === undefined) return out;
    for (let byte = 0; byte < bits.length; byte++) {
      const b = bits[byte]!;
      if (b === 0) continue;
      for (let bit = 0; bit < 8; bit++) if ((b & (1 << bit)) !== 0) out.push(formatIpv4(this.first + byte * 8 + bit));
    }
    return out;
  }
}
