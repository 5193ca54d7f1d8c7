/**
 * Whether a value reads back from JSON as it is: `JSON.parse(JSON.stringify(value))`
 * is deep-equal to it, member for member. The state file checks a snapshot
 * before writing it; when this holds, the check can read the snapshot object
 * itself instead of parsing back the text just serialized (issue 22: at 100k
 * instances that parse is about a third of a compaction), and still refuses
 * whatever JSON would have changed.
 *
 * Conservative: true only for null, booleans, strings, finite numbers other
 * than -0 (JSON writes it as 0), arrays without holes, and plain objects
 * (prototype Object's or none, no `toJSON`, every own property enumerable)
 * of such values. Anything else (undefined, a function, a symbol, a Date, a
 * Map, NaN, Infinity, an array with a hole, a class instance) is false, and
 * the caller parses the text back as before. The walk allocates only the key
 * lists of the objects it visits.
 */
export function isJsonFaithful(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      // A hole reads as undefined, which JSON writes as null.
      if (!(i in value) || !isJsonFaithful(value[i])) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  // A non-enumerable member is not written, but a reader would see it.
  if (Object.getOwnPropertyNames(value).length !== keys.length) return false;
  for (const key of keys) {
    const member = (value as Record<string, unknown>)[key];
    if (key === "toJSON" || !isJsonFaithful(member)) return false;
  }
  return true;
}
