/**
 * A small, strict XML 1.0 well-formedness check for the documents the mock
 * writes (fast-xml-parser's XMLValidator accepts forbidden characters, raw
 * or as references, which boto3's expat and every other conforming parser
 * refuse). It checks what matters to a client's parser:
 * - the bytes are UTF-8 (when given bytes);
 * - every character is an XML 1.0 `Char` (no C0 control but tab, LF, CR; no
 *   U+FFFE/U+FFFF; no lone surrogate), and so is every character reference;
 * - markup: an optional XML declaration, then exactly one root element,
 *   nested start/end tags with matching names, well-formed attributes (quoted,
 *   unique, no `<`), comments and processing instructions, CDATA sections;
 * - text: `<` only as markup, `&` only as a predefined entity or a character
 *   reference, no `]]>`.
 * No DTD is accepted: the mock never writes one.
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** XML 1.0 `Char`. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function isNameStart(cp: number): boolean {
  return (
    (cp >= 0x41 && cp <= 0x5a) ||
    (cp >= 0x61 && cp <= 0x7a) ||
    cp === 0x3a ||
    cp === 0x5f ||
    (cp >= 0xc0 && cp <= 0xd6) ||
    (cp >= 0xd8 && cp <= 0xf6) ||
    (cp >= 0xf8 && cp <= 0x2ff) ||
    (cp >= 0x370 && cp <= 0x37d) ||
    (cp >= 0x37f && cp <= 0x1fff) ||
    (cp >= 0x200c && cp <= 0x200d) ||
    (cp >= 0x2070 && cp <= 0x218f) ||
    (cp >= 0x2c00 && cp <= 0x2fef) ||
    (cp >= 0x3001 && cp <= 0xd7ff) ||
    (cp >= 0xf900 && cp <= 0xfdcf) ||
    (cp >= 0xfdf0 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0xeffff)
  );
}

function isNameChar(cp: number): boolean {
  return (
    isNameStart(cp) ||
    cp === 0x2d ||
    cp === 0x2e ||
    (cp >= 0x30 && cp <= 0x39) ||
    cp === 0xb7 ||
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x203f && cp <= 0x2040)
  );
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";

/** Null when `document` is well-formed XML 1.0, else what is wrong and where. */
export function xmlProblem(document: string | Uint8Array): string | null {
  let text: string;
  if (typeof document === "string") text = document;
  else {
    try {
      text = utf8.decode(document);
    } catch {
      return "not UTF-8";
    }
  }
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    if (!isXmlChar(cp) || (cp >= 0xd800 && cp <= 0xdfff))
      return `character U+${cp.toString(16).toUpperCase().padStart(4, "0")} at ${i} is not an XML 1.0 character`;
    i += cp > 0xffff ? 2 : 1;
  }

  let i = 0;
  const fail = (what: string) => `${what} at ${i}`;
  const skipSpace = () => {
    while (isSpace(text[i])) i++;
  };
  const readName = (): string | undefined => {
    const start = i;
    const first = text.codePointAt(i);
    if (first === undefined || !isNameStart(first)) return undefined;
    i += first > 0xffff ? 2 : 1;
    for (let cp = text.codePointAt(i); cp !== undefined && isNameChar(cp); cp = text.codePointAt(i)) i += cp > 0xffff ? 2 : 1;
    return text.slice(start, i);
  };
  /** A reference after `&`, through its `;`; false when it is not one XML 1.0 allows here. */
  const readReference = (): boolean => {
    const end = text.indexOf(";", i);
    if (end < 0) return false;
    const body = text.slice(i + 1, end);
    let ok: boolean;
    if (body.startsWith("#x")) ok = /^#x[0-9a-fA-F]{1,6}$/.test(body) && isXmlChar(Number.parseInt(body.slice(2), 16));
    else if (body.startsWith("#")) ok = /^#[0-9]{1,7}$/.test(body) && isXmlChar(Number.parseInt(body.slice(1), 10));
    else ok = ["amp", "lt", "gt", "quot", "apos"].includes(body);
    if (ok) i = end + 1;
    return ok;
  };
  /** Comments and processing instructions, allowed anywhere outside a tag. */
  const readMisc = (): string | null | undefined => {
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0 || text.slice(i + 4, end).includes("--")) return fail("bad comment");
      i = end + 3;
      return null;
    }
    if (text.startsWith("<?", i)) {
      i += 2;
      const target = readName();
      if (target === undefined || target.toLowerCase() === "xml") return fail("bad processing instruction");
      const end = text.indexOf("?>", i);
      if (end < 0) return fail("unterminated processing instruction");
      i = end + 2;
      return null;
    }
    return undefined;
  };

  // The XML declaration, if any, comes first of all.
  if (text.startsWith("<?xml") && isSpace(text[5])) {
    const end = text.indexOf("?>");
    if (end < 0) return fail("unterminated XML declaration");
    const declaration = text.slice(5, end);
    if (
      !/^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(
        declaration,
      )
    ) {
      return fail("bad XML declaration");
    }
    i = end + 2;
  }

  const open: string[] = [];
  let roots = 0;
  while (i < text.length) {
    if (open.length === 0) {
      // Prolog or epilog: white space, comments, processing instructions, and one root.
      skipSpace();
      if (i >= text.length) break;
      const misc = readMisc();
      if (misc !== undefined) {
        if (misc !== null) return misc;
        continue;
      }
      if (text[i] !== "<" || text[i + 1] === "/" || text[i + 1] === "!") return fail("content outside the root element");
      if (++roots > 1) return fail("a second root element");
    }
    if (text[i] === "<") {
      const misc = readMisc();
      if (misc !== undefined) {
        if (misc !== null) return misc;
        continue;
      }
      if (text.startsWith("<![CDATA[", i)) {
        const end = text.indexOf("]]>", i + 9);
        if (end < 0) return fail("unterminated CDATA section");
        i = end + 3;
        continue;
      }
      if (text.startsWith("<!", i)) return fail("a DTD or declaration");
      if (text[i + 1] === "/") {
        i += 2;
        const name = readName();
        if (name === undefined) return fail("bad end tag");
        skipSpace();
        if (text[i] !== ">") return fail("bad end tag");
        i++;
        const expected = open.pop();
        if (expected !== name) return fail(`end tag </${name}> does not close <${expected}>`);
        continue;
      }
      i++;
      const name = readName();
      if (name === undefined) return fail("bad start tag");
      const attributes = new Set<string>();
      for (;;) {
        const spaced = isSpace(text[i]);
        skipSpace();
        if (text[i] === ">" || text.startsWith("/>", i)) break;
        if (!spaced) return fail(`bad start tag <${name}>`);
        const attribute = readName();
        if (attribute === undefined) return fail(`bad attribute in <${name}>`);
        if (attributes.has(attribute)) return fail(`attribute ${attribute} repeated in <${name}>`);
        attributes.add(attribute);
        skipSpace();
        if (text[i] !== "=") return fail(`attribute ${attribute} without a value`);
        i++;
        skipSpace();
        const quote = text[i];
        if (quote !== '"' && quote !== "'") return fail(`attribute ${attribute} not quoted`);
        i++;
        while (text[i] !== quote) {
          if (i >= text.length || text[i] === "<") return fail(`bad value of attribute ${attribute}`);
          if (text[i] === "&") {
            if (!readReference()) return fail(`bad reference in attribute ${attribute}`);
          } else i++;
        }
        i++;
      }
      if (text[i] === "/") i += 2;
      else {
        i++;
        open.push(name);
      }
      continue;
    }
    // Character data.
    if (text[i] === "&") {
      if (!readReference()) return fail("bad reference");
      continue;
    }
    if (text.startsWith("]]>", i)) return fail("]]> in text");
    i++;
  }
  if (open.length > 0) return fail(`<${open[open.length - 1]}> is not closed`);
  if (roots === 0) return fail("no root element");
  return null;
}
