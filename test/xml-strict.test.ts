/**
 * The strict XML 1.0 check the fuzz suites rely on (test/xml-strict.ts), and
 * the escaping it keeps honest (src/protocols/xml-text.ts): first against
 * documents of known verdict, then against Python's expat (the parser under
 * boto3 and the AWS CLI) on the same documents, then the escaping of every
 * code unit.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeXmlText, forbiddenXmlChar, replaceForbiddenXmlChars } from "../src/protocols/xml-text.js";
import { xmlProblem } from "./xml-strict.js";

const good = [
  '<?xml version="1.0" encoding="UTF-8"?><a xmlns="urn:x"><b>text</b><c/></a>',
  "<a>tab\there\nline&#xD;cr &amp; &lt; &gt; &quot; &apos; &#65; &#x1F600; 😀 \uFFFD \u0085 \uFDD0 \u2028</a>",
  "<a x='1' y=\"2\"><![CDATA[<not markup> & ]]><!-- note --><?pi data?></a>",
  "<a>]]</a>",
  "  <a/>  ",
];
const bad = [
  "<a>\u0001</a>",
  "<a>&#1;</a>",
  "<a>&#x1F;</a>",
  "<a>&#xFFFE;</a>",
  "<a>\uFFFF</a>",
  "<a>&#x110000;</a>",
  "<a>\ud800</a>",
  "<a>\ude00x</a>",
  "<a>&#xD800;</a>",
  "<a>&foo;</a>",
  "<a>& </a>",
  "<a>x < y</a>",
  "<a>]]></a>",
  "<a><b></a></b>",
  "<a>",
  "<a/><b/>",
  "text<a/>",
  "<a x=1/>",
  "<a x='1' x='2'/>",
  '<a x="<"/>',
  "<!DOCTYPE a><a/>",
  "",
  '<?xml version="1.0"?>\u000b<a/>',
];

describe("xmlProblem", () => {
  it("accepts well-formed documents, including every allowed oddity", () => {
    for (const document of good) expect(xmlProblem(document), document).toBeNull();
  });

  it("refuses forbidden characters raw or as references, broken markup, and what is not UTF-8", () => {
    for (const document of bad) expect(xmlProblem(document), JSON.stringify(document)).not.toBeNull();
    expect(xmlProblem(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]))).toBe("not UTF-8");
  });

  const python = process.env.EC2_MOCK_PYTHON ?? "/usr/bin/python3";
  const expat = spawnSync(python, ["-c", "import xml.parsers.expat"], { encoding: "utf8" });
  it.skipIf(expat.status !== 0)("agrees with expat, the parser of boto3 and the AWS CLI", () => {
    // Lone surrogates cannot be UTF-8 (they are checked above), and a DTD is well-formed but refused on purpose.
    const documents = [...good, ...bad].filter((d) => forbiddenXmlChar(d)?.startsWith("U+D") !== true && !d.includes("<!DOCTYPE"));
    const script = [
      "import json, sys, xml.parsers.expat",
      "out = []",
      "for d in json.load(sys.stdin):",
      "    p = xml.parsers.expat.ParserCreate()",
      "    try:",
      "        p.Parse(d.encode('utf-8'), True); out.append(True)",
      "    except xml.parsers.expat.ExpatError:",
      "        out.append(False)",
      "print(json.dumps(out))",
    ].join("\n");
    const run = spawnSync(python, ["-c", script], { input: JSON.stringify(documents), encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const verdicts = JSON.parse(run.stdout) as boolean[];
    expect(documents.map((d) => [d, xmlProblem(d) === null])).toEqual(documents.map((d, n) => [d, verdicts[n]]));
  });
});

describe("escapeXmlText", () => {
  /** Any string of code units, lone surrogates and controls included. */
  const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units));

  it("always yields legal XML text, which reads back as the input with forbidden characters as U+FFFD", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeXmlText(text);
        expect(xmlProblem(`<a>${escaped}</a>`)).toBeNull();
        expect(xmlProblem(`<a x="${escaped}"/>`)).toBeNull();
        const read = escaped.replace(
          /&(amp|lt|gt|quot|apos|#xD);/g,
          (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#xD": "\r" })[e]!,
        );
        expect(read).toBe(replaceForbiddenXmlChars(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it("names the first forbidden character, and leaves surrogate pairs and allowed text alone", () => {
    expect(forbiddenXmlChar("ok\t\n\r😀\uFFFD")).toBeUndefined();
    expect(forbiddenXmlChar("a\u0001b\uFFFE")).toBe("U+0001");
    expect(forbiddenXmlChar("\uFFFF")).toBe("U+FFFF");
    expect(forbiddenXmlChar("x\ud83d")).toBe("U+D83D");
    expect(forbiddenXmlChar("\ude00")).toBe("U+DE00");
    expect(replaceForbiddenXmlChars("a\u0000b\ud83d😀\u000b")).toBe("a\uFFFDb\uFFFD😀\uFFFD");
  });
});
