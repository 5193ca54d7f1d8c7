/**
 * The one decoder of `application/x-www-form-urlencoded` text (query strings
 * and POST bodies) for the wire door and the server's SigV4 verifier. Both
 * must read the same bytes as the same values: were the verifier to keep a
 * `+` that the door turns into a space, a value could differ from the one
 * that was signed (docs/behaviour.md, "SigV4 in the server").
 */
import { ProtocolRefusal } from "./refusal.js";

const malformed = (): ProtocolRefusal => new ProtocolRefusal({ kind: "malformed-form" });

/** One form component: `+` is a space, `%XX` a byte of UTF-8; most SDK parameters have neither. */
export function formDecode(raw: string): string {
  if (!raw.includes("%") && !raw.includes("+")) return raw;
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    throw malformed();
  }
}

/**
 * Every `key=value` pair of a form, decoded, in order, repeats included.
 * Broken percent-encoding or invalid UTF-8 is refused (EC2 says
 * MalformedQueryString), wherever it is.
 */
export function formPairs(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  if (text === "") return pairs;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    pairs.push(eq < 0 ? [formDecode(pair), ""] : [formDecode(pair.slice(0, eq)), formDecode(pair.slice(eq + 1))]);
  }
  return pairs;
}

/** A form's parameters; a parameter given twice keeps its first value (the later one is still decoded, so a broken value is refused wherever it is). */
export function parseForm(text: string): Map<string, string> {
  const params = new Map<string, string>();
  if (text === "") return params;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = formDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : formDecode(pair.slice(eq + 1));
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}
