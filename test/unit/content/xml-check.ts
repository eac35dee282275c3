/**
 * A strict XML 1.0 well-formedness check for what ltx serialises (elements,
 * attributes in double quotes, text, the five entities and character
 * references; no prolog, comments or CDATA — ltx never emits them).
 * ltx's own parser is lenient, so the property tests use this as the judge
 * and ltx only as a second opinion.
 */
export interface XNode {
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly (XNode | string)[];
}

const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y;
const CHAR_OK = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/y;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseStrictXml(s: string): XNode {
  if (!CHAR_OK.test(s)) throw new Error("character not allowed by XML 1.0");
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i}: ${JSON.stringify(s.slice(i, i + 30))}`);
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(s);
    if (!m) fail("name expected");
    i += m![0].length;
    return m![0];
  };
  const reference = (): string => {
    ENTITY.lastIndex = i;
    const m = ENTITY.exec(s);
    if (!m) fail("bad reference");
    i += m![0].length;
    const body = m![0].slice(1, -1);
    if (body[0] !== "#") return ENTITIES[body]!;
    const cp = body[1] === "x" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    const ch = String.fromCodePoint(cp);
    if (!CHAR_OK.test(ch)) fail("reference to a forbidden character");
    return ch;
  };
  const element = (depth: number): XNode => {
    if (depth > 200) fail("too deep");
    if (s[i] !== "<") fail("< expected");
    i++;
    const tag = name();
    const attrs = new Map<string, string>();
    for (;;) {
      const ws = /[ \t\r\n]*/y;
      ws.lastIndex = i;
      const skipped = ws.exec(s)![0].length;
      i += skipped;
      if (s.startsWith("/>", i)) {
        i += 2;
        return { name: tag, attrs, children: [] };
      }
      if (s[i] === ">") {
        i++;
        break;
      }
      if (skipped === 0) fail("space expected before attribute");
      const an = name();
      if (attrs.has(an)) fail("duplicate attribute");
      if (s[i] !== "=" || s[i + 1] !== '"') fail('=" expected');
      i += 2;
      let v = "";
      while (s[i] !== '"') {
        if (i >= s.length || s[i] === "<") fail("bad attribute value");
        if (s[i] === "&") v += reference();
        else v += s[i++];
      }
      i++;
      attrs.set(an, v);
    }
    const children: (XNode | string)[] = [];
    let text = "";
    for (;;) {
      if (i >= s.length) fail(`unclosed <${tag}>`);
      if (s.startsWith("</", i)) {
        if (text) children.push(text);
        i += 2;
        if (name() !== tag) fail("mismatched end tag");
        if (s[i] !== ">") fail("> expected");
        i++;
        return { name: tag, attrs, children };
      }
      if (s[i] === "<") {
        if (text) children.push(text);
        text = "";
        children.push(element(depth + 1));
      } else if (s[i] === "&") text += reference();
      else {
        if (s.startsWith("]]>", i)) fail("]]> in text");
        text += s[i++];
      }
    }
  };
  const root = element(0);
  if (i !== s.length) fail("content after the root element");
  return root;
}

export function* walk(node: XNode): Generator<XNode> {
  yield node;
  for (const c of node.children) if (typeof c !== "string") yield* walk(c);
}
