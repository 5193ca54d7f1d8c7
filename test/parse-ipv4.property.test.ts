/**
 * `parseIpv4` by character codes (issue 22 (c), the restart's address
 * checks) reads exactly what the split-and-RegExp reading it replaced read:
 * a dotted quad of octets without leading zeros, each at most 255; NaN for
 * anything else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIpv4 } from "../src/aws/ec2/model/address-space.js";

/** The reading before issue 22, as the reference. */
function reference(ip: string): number {
  const parts = ip.split(".");
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return NaN;
    const octet = Number(part);
    if (octet > 255) return NaN;
    n = n * 256 + octet;
  }
  return n;
}

/** Strings near addresses: octets of digits (leading zeros, 256, 1000 included), dots, a stray character now and then. */
const nearAddress = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 1100 }).map(String),
      fc.constantFrom("", "00", "01", "007", " 1", "1 ", "+1", "-1", "1e2", "٣", "a"),
    ),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((parts) => parts.join("."));

describe("parseIpv4 (issue 22 (c))", () => {
  it("reads what the split-and-RegExp reading read, for addresses and near misses", () => {
    fc.assert(
      fc.property(fc.oneof(nearAddress, fc.ipV4(), fc.string()), (ip) => {
        expect(parseIpv4(ip)).toBe(reference(ip));
      }),
      { numRuns: 5000 },
    );
    for (const ip of ["0.0.0.0", "255.255.255.255", "10.0.0.4", "1.2.3", "1.2.3.4.", ".1.2.3", "1..2.3", "256.0.0.0", "01.2.3.4"]) {
      expect(parseIpv4(ip)).toBe(reference(ip));
    }
  });
});
