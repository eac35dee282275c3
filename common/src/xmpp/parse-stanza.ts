/**
 * Parses one stanza from XML text with @xmpp/xml, under hard caps (docs/security.md):
 * size, nesting depth and element count are bounded before anything maps it.
 *
 * `parseStanza("<message to='a@b'><body>hi</body></message>")` → ok(Element)
 */
import { Parser, type Element } from "@xmpp/xml";
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";

export const STANZA_LIMITS = { maxBytes: 262144, maxDepth: 32, maxElements: 2048 } as const;

const WRAPPER = "stox-wrapper-0a7f";

/**
 * XML 1.0 §2.2 Char: whether `s` holds what may not appear even as a character
 * reference (C0 controls but TAB, LF, CR; U+FFFE, U+FFFF; an unpaired
 * surrogate). One pass over the char codes, no regex: every attribute and text
 * node goes through it. `hasXmlForbiddenChar("a\u0000") === true`, `hasXmlForbiddenChar("🙂") === false`.
 */
export function hasXmlForbiddenChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    } else if (c >= 0xd800) {
      if (c <= 0xdbff) {
        const next = s.charCodeAt(i + 1); // NaN past the end
        if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
        i++;
      } else if (c <= 0xdfff || c >= 0xfffe) return true;
    }
  }
  return false;
}

export function parseStanza(text: string, limits = STANZA_LIMITS): Result<Element, Failure> {
  if (Buffer.byteLength(text, "utf8") > limits.maxBytes) return failure("stanza-malformed", "stanza exceeds the size cap");
  if (text.includes(WRAPPER)) return failure("stanza-malformed", "reserved name in stanza");
  if (/<!|<\?/.test(text)) return failure("stanza-malformed", "DTDs, comments, CDATA and processing instructions are not allowed in stanzas");
  const parser = new Parser();
  const found: Element[] = [];
  let problem: string | undefined;
  let ended = 0;
  parser.on("element", (el: Element) => found.push(el));
  parser.on("end", () => { ended++; });
  parser.on("error", (e: Error) => { problem ??= e.message; });
  try {
    parser.write(`<${WRAPPER}>`);
    parser.write(text);
    parser.write(`</${WRAPPER}>`);
  } catch (e) {
    problem ??= e instanceof Error ? e.message : "parse error";
  }
  if (problem !== undefined) return failure("stanza-malformed", `XML not well-formed: ${problem.slice(0, 100)}`);
  if (ended !== 1 || found.length !== 1) return failure("stanza-malformed", "expected exactly one stanza element");
  const stanza = found[0]!;
  stanza.parent = null;
  const shape = checkShape(stanza, limits);
  if (shape !== undefined) return failure("stanza-malformed", shape);
  return ok(stanza);
}

/** Iterative walk (no recursion: hostile depth must not blow the stack). */
function checkShape(root: Element, limits: typeof STANZA_LIMITS): string | undefined {
  const stack: { el: Element; depth: number }[] = [{ el: root, depth: 1 }];
  let count = 0;
  while (stack.length > 0) {
    const { el, depth } = stack.pop()!;
    if (++count > limits.maxElements) return "too many elements";
    if (depth > limits.maxDepth) return "elements nested too deeply";
    for (const value of Object.values(el.attrs)) {
      if (value !== undefined && hasXmlForbiddenChar(value)) return "forbidden character in an attribute";
    }
    for (const child of el.children) {
      if (typeof child === "string") {
        if (hasXmlForbiddenChar(child)) return "forbidden character in text";
      } else stack.push({ el: child, depth: depth + 1 });
    }
  }
  return undefined;
}
