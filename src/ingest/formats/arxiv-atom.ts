/**
 * arXiv API responses (`export.arxiv.org/api/query`): an Atom feed with
 * OpenSearch paging figures and arXiv extension elements.
 *
 * Two layouts are in the wild and both are read the same way, because we
 * match elements by namespace URI and never rely on order or prefixes:
 *  - the classic backend (≤ 2024): namespaces declared on each extension
 *    element, `<arxiv:primary_category … scheme=…>` before the categories;
 *  - the new backend (2025+): namespaces on the root, `https://arxiv.org/api/…`
 *    feed id, title/updated/link/summary/category/published order, bare
 *    `<arxiv:primary_category term=…>`, `<arxiv:affiliation>` in `<author>`.
 *
 * Errors come back as a feed with one entry whose id is under `/api/errors`
 * and whose title is "Error"; its summary is reported as `apiError`.
 */
import { cleanText, normalizeDoi, parseArxivId } from '../../catalogue/identifiers.js';
import type { ParsedItem } from '../../catalogue/paper.js';
import { type AtomPage, MalformedDocumentError } from './document.js';
import { RecordRejection, dateField, distinct, present, toItem } from './record-fields.js';
import {
  NS,
  attr,
  childElements,
  childText,
  firstChild,
  isElement,
  parseCount,
  quote,
  readXml,
  type XmlElement,
} from './xml-reader.js';

function isErrorEntry(entry: XmlElement): boolean {
  return (childText(entry, NS.atom, 'id') ?? '').includes('/api/errors');
}

function links(entry: XmlElement): { absUrl?: string; pdfUrl?: string } {
  let absUrl: string | undefined;
  let pdfUrl: string | undefined;
  for (const link of childElements(entry, NS.atom, 'link')) {
    const href = cleanText(attr(link, 'href'));
    if (!href) continue;
    // Atom's default relation is "alternate".
    const rel = attr(link, 'rel') ?? 'alternate';
    if (attr(link, 'title') === 'pdf') pdfUrl ??= href;
    else if (rel === 'alternate') absUrl ??= href;
  }
  return { absUrl, pdfUrl };
}

function mapEntry(entry: XmlElement, n: number, origin: string): ParsedItem {
  const rawId = cleanText(childText(entry, NS.atom, 'id'));
  const where = `${origin} entry ${n} (id ${rawId ? quote(rawId) : 'missing'})`;
  return toItem(where, () => {
    const id = parseArxivId(rawId);
    if (!id) throw new RecordRejection(rawId ? `unusable arXiv id "${quote(rawId)}"` : 'missing arXiv id');
    const title = cleanText(childText(entry, NS.atom, 'title'));
    if (!title) throw new RecordRejection('missing title');
    const primary = firstChild(entry, NS.arxivAtom, 'primary_category');
    const arxiv = (local: string) => cleanText(childText(entry, NS.arxivAtom, local));
    return {
      source: 'arxiv-api',
      arxivId: id.id,
      version: id.version,
      doi: normalizeDoi(arxiv('doi')),
      title,
      abstract: cleanText(childText(entry, NS.atom, 'summary')),
      authors: present(
        childElements(entry, NS.atom, 'author').map((a) => cleanText(childText(a, NS.atom, 'name'))),
      ),
      categories: distinct([
        primary ? cleanText(attr(primary, 'term')) : undefined,
        ...childElements(entry, NS.atom, 'category').map((c) => cleanText(attr(c, 'term'))),
      ]),
      publishedAt: dateField('published', childText(entry, NS.atom, 'published')),
      updatedAt: dateField('updated', childText(entry, NS.atom, 'updated')),
      journalRef: arxiv('journal_ref'),
      comments: arxiv('comment'),
      ...links(entry),
    };
  });
}

export function parseArxivAtom(xml: string, origin: string): AtomPage {
  const root = readXml(xml, origin);
  if (!isElement(root, NS.atom, 'feed')) {
    throw new MalformedDocumentError(origin, `expected an Atom <feed> root element, found <${quote(root.local, 40)}>`);
  }
  const page: AtomPage = { items: [] };
  const paging = {
    totalResults: parseCount(childText(root, NS.opensearch, 'totalResults')),
    startIndex: parseCount(childText(root, NS.opensearch, 'startIndex')),
    itemsPerPage: parseCount(childText(root, NS.opensearch, 'itemsPerPage')),
  };
  for (const [key, value] of Object.entries(paging)) {
    if (value !== undefined) page[key as keyof typeof paging] = value;
  }

  const entries = childElements(root, NS.atom, 'entry');
  const errorEntry = entries.find(isErrorEntry);
  if (errorEntry) {
    page.apiError =
      cleanText(childText(errorEntry, NS.atom, 'summary')) ??
      cleanText(childText(errorEntry, NS.atom, 'title')) ??
      'unspecified arXiv API error';
    return page;
  }
  page.items = entries.map((entry, i) => mapEntry(entry, i + 1, origin));
  return page;
}
