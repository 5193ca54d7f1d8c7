/**
 * The characters an XML 1.0 document can never hold, not even as character
 * references (XML 1.0, section 2.2 "Characters": `Char ::= #x9 | #xA | #xD |
 * [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`): the C0 controls
 * but tab, line feed and carriage return; U+FFFE and U+FFFF; and surrogates
 * that are not half of a pair (a JavaScript string may hold them; UTF-8
 * cannot). EC2 answers in XML 1.0, so text that holds one cannot be answered
 * as it is: EC2's inputs refuse it where they are stored (tags), and text
 * that echoes input (error messages) shows U+FFFD in its place. Also the
 * wire door's escaping, which applies both rules to every text it writes.
 */

/** One forbidden character: a control, U+FFFE/U+FFFF, or a lone surrogate (code units; no backtracking). */
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, "g");

/** What takes a forbidden character's place: U+FFFD REPLACEMENT CHARACTER, as a UTF-8 decoder does for bytes it cannot read. */
export const REPLACEMENT = "\uFFFD";

/** The first character of `text` that XML 1.0 forbids, as `U+XXXX`; undefined when there is none. */
export function forbiddenXmlChar(text: string): string | undefined {
  const found = FORBIDDEN.exec(text);
  return found === null ? undefined : `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** `text` with every character XML 1.0 forbids replaced by U+FFFD (the same string when there is none). */
export function replaceForbiddenXmlChars(text: string): string {
  return FORBIDDEN.test(text) ? text.replace(FORBIDDEN_ALL, REPLACEMENT) : text;
}

/** How XML text writes its special characters. */
const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#xD;" };

/** What XML text escapes, and each forbidden character: one pass finds them all. */
const SPECIAL = new RegExp(`[&<>"'\\r]|${FORBIDDEN.source}`);
const SPECIAL_ALL = new RegExp(SPECIAL.source, "g");

/**
 * Whether `text` certainly needs no escaping: no special character, no
 * control but tab and line feed, no surrogate and no U+FFFE/U+FFFF. A loop
 * over code units, cheaper than the regular expression for the short ids and
 * names that make most of an answer (issue 22); a surrogate sends the text to
 * the expression, which tells a pair from a lone half.
 */
function isPlainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a) return false;
    } else if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27 || (c >= 0xd800 && (c <= 0xdfff || c >= 0xfffe))) {
      return false;
    }
  }
  return true;
}

/**
 * The XML 1.0 form of a text node or attribute value: `& < > " '` as
 * entities, a carriage return as `&#xD;` (written raw, a parser would read
 * it as a line feed), and every forbidden character as U+FFFD. The result is
 * always legal XML 1.0 text.
 */
export function escapeXmlText(text: string): string {
  if (isPlainText(text)) return text;
  if (!SPECIAL.test(text)) return text;
  return text.replace(SPECIAL_ALL, (c) => entities[c] ?? REPLACEMENT);
}
