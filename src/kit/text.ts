/**
 * Text measures both fronts apply to what a request stores: Unicode
 * characters as the clouds count them, and the size of base64 text once
 * decoded. Linear in the text, with no regular expression that can
 * backtrack.
 */

/**
 * The number of Unicode characters in a string: code points, so an emoji
 * is one character where `length` counts two UTF-16 units (EC2 and
 * Tencent Cloud both count "Unicode characters" / "字符").
 */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = text.charCodeAt(i + 1);
    // A high surrogate followed by a low one is one character.
    if (next >= 0xdc00 && next <= 0xdfff) {
      count--;
      i++;
    }
  }
  return count;
}

/** Whether a string has more than `max` characters; `length` bounds the count, so most strings need no count. */
export function longerThan(text: string, max: number): boolean {
  return text.length > max && characterCount(text) > max;
}

/** Base64 as both clouds take it: groups of four, padded, no line breaks. */
const base64Shape = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The number of bytes base64 text decodes to, or undefined when it is not base64. */
export function base64DecodedLength(encoded: string): number | undefined {
  if (!base64Shape.test(encoded)) return undefined;
  const padding = encoded.endsWith("==") ? 2 : encoded.endsWith("=") ? 1 : 0;
  return (encoded.length / 4) * 3 - padding;
}
