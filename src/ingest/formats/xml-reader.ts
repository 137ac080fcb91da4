/**
 * A small, namespace-aware XML reader shared by the XML format parsers.
 *
 * The whole document is run through `saxes` (a strict, streaming,
 * well-formedness-checking SAX parser) and turned into a light element tree:
 * elements are identified by namespace URI + local name, never by prefix, so
 * `<arxiv:doi>`, `<a:doi xmlns:a="…">` and a default-namespaced `<doi>` are
 * the same element when they resolve to the same URI.
 *
 * Any well-formedness error — including a document that simply stops (a
 * truncated download leaves elements open, which `close()` reports) — aborts
 * the parse and surfaces as `MalformedDocumentError(origin, "<detail> at line
 * L, column C")`, so nothing of a broken page is ever returned.
 *
 * Nesting deeper than MAX_DEPTH is refused the same way.
 *
 * saxes does not read DTDs, so no external entity or entity-expansion tricks
 * apply: only the five predefined entities and character references exist,
 * and any other `&name;` is an error.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { MalformedDocumentError } from './document.js';

export const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  arxivAtom: 'http://arxiv.org/schemas/atom',
  opensearch: 'http://a9.com/-/spec/opensearch/1.1/',
  oai: 'http://www.openarchives.org/OAI/2.0/',
  oaiDc: 'http://www.openarchives.org/OAI/2.0/oai_dc/',
  dc: 'http://purl.org/dc/elements/1.1/',
  arxivOai: 'http://arxiv.org/OAI/arXiv/',
  arxivRaw: 'http://arxiv.org/OAI/arXivRaw/',
  /** RSS 2.0 elements are in no namespace. */
  none: '',
} as const;

export interface XmlElement {
  /** Namespace URI ('' when the element is in no namespace). */
  readonly uri: string;
  /** Local name, without prefix. */
  readonly local: string;
  /**
   * Attribute values keyed by local name for un-prefixed attributes (which are
   * in no namespace) and by `{uri}local` for namespaced ones. Namespace
   * declarations (`xmlns`, `xmlns:x`) are not included.
   */
  readonly attributes: ReadonlyMap<string, string>;
  /** Child elements and text (text and CDATA merged as strings), in document order. */
  readonly nodes: ReadonlyArray<XmlElement | string>;
  /** 1-based line of the start tag, for error messages. */
  readonly line: number;
}

interface MutableElement extends XmlElement {
  readonly nodes: Array<XmlElement | string>;
}

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';

/**
 * Deepest element nesting accepted. The sources nest about 6 levels; saxes
 * resolves namespaces by walking the open-tag stack, so unbounded nesting
 * would make a hostile or corrupt document cost quadratic time (20 000
 * levels take seconds).
 */
export const MAX_DEPTH = 256;

/** Thrown from inside saxes handlers to stop at the first error. */
class Abort extends Error {}

/** Parses a complete XML document into an element tree; returns the root element. */
export function readXml(xml: string, origin: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let failure: string | undefined;

  const fail = (message: string): never => {
    // saxes prefixes its messages with "line:column: "; we report our own position.
    const detail = message.replace(/^\d+:\d+:\s*/, '').replace(/\.$/, '');
    failure = `${detail} at line ${parser.line}, column ${parser.column + 1}`;
    throw new Abort(failure);
  };

  const addText = (text: string): void => {
    const top = stack[stack.length - 1];
    if (top && text !== '') top.nodes.push(text);
  };

  parser.on('error', (err) => fail(err.message));
  parser.on('opentagstart', () => {
    if (stack.length >= MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH} levels`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes = new Map<string, string>();
    for (const attr of Object.values(tag.attributes)) {
      if (attr.uri === XMLNS_URI || attr.name === 'xmlns') continue;
      attributes.set(attr.uri ? `{${attr.uri}}${attr.local}` : attr.local, attr.value);
    }
    const element: MutableElement = {
      uri: tag.uri,
      local: tag.local,
      attributes,
      nodes: [],
      line: parser.line,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.nodes.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', addText);
  parser.on('cdata', addText);

  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof Abort) throw new MalformedDocumentError(origin, failure ?? err.message);
    // Anything else thrown while tokenising is still a fault of the input document.
    const message = err instanceof Error ? err.message : String(err);
    throw new MalformedDocumentError(origin, `unreadable XML (${message})`);
  }
  if (!root) throw new MalformedDocumentError(origin, 'document has no root element');
  return root;
}

/** Whether `el` is the element `{uri}local`. */
export function isElement(el: XmlElement | undefined, uri: string, local: string): boolean {
  return el !== undefined && el.uri === uri && el.local === local;
}

/** All child elements, optionally only those named `{uri}local`. */
export function childElements(el: XmlElement, uri?: string, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of el.nodes) {
    if (typeof node === 'string') continue;
    if (uri !== undefined && node.uri !== uri) continue;
    if (local !== undefined && node.local !== local) continue;
    out.push(node);
  }
  return out;
}

/** The first child element named `{uri}local`. */
export function firstChild(el: XmlElement, uri: string, local: string): XmlElement | undefined {
  for (const node of el.nodes) {
    if (typeof node !== 'string' && node.uri === uri && node.local === local) return node;
  }
  return undefined;
}

/**
 * The concatenated text of an element and all its descendants (like DOM
 * `textContent`); `undefined` for an absent element. Iterative, so absurdly
 * deep documents cannot overflow the stack.
 */
export function textOf(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  let text = '';
  const pending: Array<XmlElement | string> = [el];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (typeof node === 'string') {
      text += node;
      continue;
    }
    for (let i = node.nodes.length - 1; i >= 0; i--) pending.push(node.nodes[i]!);
  }
  return text;
}

/** Text of the first child `{uri}local`, or undefined. */
export function childText(el: XmlElement, uri: string, local: string): string | undefined {
  return textOf(firstChild(el, uri, local));
}

/** Texts of every child `{uri}local`, in order. */
export function childTexts(el: XmlElement, uri: string, local: string): string[] {
  return childElements(el, uri, local).map((child) => textOf(child) ?? '');
}

/** Value of an un-prefixed attribute (the usual case) or of `{uri}local`. */
export function attr(el: XmlElement, local: string, uri?: string): string | undefined {
  return el.attributes.get(uri ? `{${uri}}${local}` : local);
}

/** A non-negative integer written in decimal, or undefined. */
export function parseCount(text: string | undefined): number | undefined {
  const trimmed = text?.trim();
  if (!trimmed || !/^\d{1,15}$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** Shortens untrusted text quoted in a `where` or `reason`. */
export function quote(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
