// A tiny XML writer: BambooHR answers XML unless the client sends `Accept: application/json`, and
// the documents involved are flat enough that a builder plus escaping is all that is needed.

export interface XmlElement {
  name: string;
  attrs?: Record<string, string | number | null | undefined>;
  children?: (XmlElement | string)[];
}

export function el(name: string, attrs: XmlElement['attrs'] = {}, ...children: (XmlElement | string | null | undefined)[]): XmlElement {
  return { name, attrs, children: children.filter((c): c is XmlElement | string => c !== null && c !== undefined) };
}

// Characters XML 1.0 cannot carry at all are dropped rather than producing an unparsable document.
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function render(node: XmlElement | string, out: string[]): void {
  if (typeof node === 'string') {
    out.push(escapeXml(node));
    return;
  }
  out.push('<', node.name);
  for (const [k, v] of Object.entries(node.attrs ?? {})) {
    if (v !== null && v !== undefined) out.push(' ', k, '="', escapeXml(String(v)), '"');
  }
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const child of children) render(child, out);
  out.push('</', node.name, '>');
}

export function renderXml(root: XmlElement): string {
  const out: string[] = ['<?xml version="1.0"?>\n'];
  render(root, out);
  out.push('\n');
  return out.join('');
}

/** Fallback shape for responses without a dedicated XML form: keys become elements, arrays repeat `item`. */
export function jsonToXml(name: string, value: unknown): XmlElement {
  if (value === null || value === undefined) return el(name);
  if (Array.isArray(value)) return el(name, {}, ...value.map((v) => jsonToXml('item', v)));
  if (typeof value === 'object') {
    return el(name, {}, ...Object.entries(value as Record<string, unknown>).map(([k, v]) => jsonToXml(/^[A-Za-z_][\w.-]*$/.test(k) ? k : 'entry', v)));
  }
  return el(name, {}, String(value));
}
