import { randomBytes } from "node:crypto";

/** The id families the EC2 front mints. */
export type IdPrefix = "i" | "r" | "vol" | "eni" | "eipalloc" | "eipassoc" | "ami" | "subnet" | "vpc" | "sg";

/** A new id: the prefix and 17 lowercase hex digits, as EC2 mints them today. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

const shapes = new Map<IdPrefix, RegExp>();

/** Whether `value` is a well-formed id of that family (8 or 17 lowercase hex digits). */
export function isWellFormedId(prefix: IdPrefix, value: unknown): value is string {
  let shape = shapes.get(prefix);
  if (shape === undefined) {
    shape = new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);
    shapes.set(prefix, shape);
  }
  return typeof value === "string" && shape.test(value);
}
