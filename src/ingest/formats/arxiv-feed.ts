/**
 * arXiv's daily listing feeds (rss.arxiv.org, the format introduced in
 * January 2024), in both flavours:
 *  - RSS 2.0 (`rss.arxiv.org/rss/cs.LG`): `<item>` with guid
 *    `oai:arXiv.org:2609.26811v1`, `<category>` text, `dc:creator` holding
 *    all authors comma-separated, `arxiv:announce_type`, `arxiv:DOI`,
 *    `arxiv:journal_reference`, `pubDate`;
 *  - Atom (`rss.arxiv.org/atom/cs.LG`): `<entry>` with id
 *    `oai:arXiv.org:…`, `<category term>`, `published`, the same arxiv:
 *    and dc: extensions (authors as `dc:creator`, or `<author><name>`).
 * The description/summary starts with "arXiv:2609.26811v1 Announce Type: new
 * \nAbstract: "; that prefix is removed from the abstract and gives the
 * version (and the announce type when the element is missing).
 *
 * Dates. A feed item's pubDate/published is the day the item was *announced*
 * (midnight US Eastern), not a date of the paper, so it is used sparingly:
 *  - "new" (a v1 announced for the first time): publishedAt = announcement
 *    date. This is the day the paper first became public. The API's
 *    `published` is the v1 submission time, usually a few hours to a couple
 *    of days earlier, so this is a close approximation and not the exact
 *    value. We keep it because the daily feed is often the only source for a
 *    paper from the last day or two, and without it such papers could not be
 *    sorted or put in a digest by date. A record from the API or OAI-PMH,
 *    which states the submission time exactly, should be preferred when the
 *    catalogue merges records.
 *  - "replace" / "replace-cross" (a new version of an older paper): the
 *    announcement date stands in for that version's date → updatedAt only;
 *    the paper's first publication is unknown here, so publishedAt stays undefined.
 *  - "cross" (an existing paper newly listed in another category): neither
 *    date. A cross-listing is not an event in the paper's own history.
 * All announce types are kept as records; the version is kept for every type.
 */
import { cleanText, normalizeDoi, parseArxivId } from '../../catalogue/identifiers.js';
import type { PaperRecord, ParsedItem } from '../../catalogue/paper.js';
import { type DocumentPage, MalformedDocumentError } from './document.js';
import { RecordRejection, dateField, distinct, present, splitAuthorList, toItem } from './record-fields.js';
import {
  NS,
  attr,
  childElements,
  childText,
  childTexts,
  firstChild,
  isElement,
  quote,
  readXml,
  textOf,
  type XmlElement,
} from './xml-reader.js';

// "arXiv:2609.26811v1 Announce Type: new \nAbstract: …" (either part may be missing).
const PREFIX = /^\s*(?:arXiv:\s*(\S+)\s*)?(?:Announce\s+Type:\s*([\w-]+)\s*)?(?:Abstract:\s*)?/i;

/** The fields both flavours share, already extracted from the element tree. */
interface FeedItem {
  guid: string | undefined;
  title: string | undefined;
  description: string | undefined;
  link: string | undefined;
  authors: string[];
  categories: Array<string | undefined>;
  announceType: string | undefined;
  date: string | undefined;
  dateField: string;
  doi: string | undefined;
  journalRef: string | undefined;
}

function announcementDates(
  type: string | undefined,
  version: number | undefined,
  raw: string | undefined,
  field: string,
): Pick<PaperRecord, 'publishedAt' | 'updatedAt'> {
  switch (type) {
    case 'new':
      // Only a first version's announcement is the paper's first appearance.
      return version === undefined || version === 1 ? { publishedAt: dateField(field, raw) } : {};
    case 'replace':
    case 'replace-cross':
      return { updatedAt: dateField(field, raw) };
    default:
      return {};
  }
}

function toRecord(item: FeedItem): PaperRecord {
  const prefix = PREFIX.exec(item.description ?? '');
  const prefixId = parseArxivId(prefix?.[1]);
  const idSource = item.guid ?? prefix?.[1] ?? item.link;
  const id = parseArxivId(item.guid) ?? prefixId ?? parseArxivId(item.link);
  if (!id) throw new RecordRejection(idSource ? `unusable arXiv id "${quote(idSource)}"` : 'missing arXiv id');
  const title = cleanText(item.title);
  if (!title) throw new RecordRejection('missing title');
  // The description prefix names the announced version; the guid normally agrees.
  const version = (prefixId?.id === id.id ? prefixId.version : undefined) ?? id.version;
  const announceType = (cleanText(item.announceType) ?? cleanText(prefix?.[2]))?.toLowerCase();
  return {
    source: 'arxiv-rss',
    arxivId: id.id,
    version,
    doi: normalizeDoi(item.doi),
    title,
    abstract: cleanText((item.description ?? '').slice(prefix?.[0].length ?? 0)),
    authors: present(item.authors),
    categories: distinct(item.categories),
    ...announcementDates(announceType, version, item.date, item.dateField),
    journalRef: cleanText(item.journalRef),
    absUrl: cleanText(item.link),
  };
}

function arxivExtension(el: XmlElement, ...locals: string[]): string | undefined {
  for (const local of locals) {
    const text = childText(el, NS.arxivAtom, local);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** `dc:creator` holds the whole author list as one comma-separated string. */
function creators(el: XmlElement): string[] {
  return childTexts(el, NS.dc, 'creator').flatMap((text) => splitAuthorList(text));
}

function fromRssItem(item: XmlElement): FeedItem {
  const text = (local: string) => childText(item, NS.none, local);
  return {
    guid: cleanText(text('guid')),
    title: text('title'),
    description: text('description'),
    link: text('link'),
    authors: creators(item),
    categories: childElements(item, NS.none, 'category').map((c) => cleanText(textOf(c))),
    announceType: arxivExtension(item, 'announce_type'),
    date: text('pubDate'),
    dateField: 'pubDate',
    doi: arxivExtension(item, 'DOI', 'doi'),
    journalRef: arxivExtension(item, 'journal_reference', 'journal_ref'),
  };
}

function fromAtomEntry(entry: XmlElement): FeedItem {
  const text = (local: string) => childText(entry, NS.atom, local);
  const alternate = childElements(entry, NS.atom, 'link').find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate');
  const atomAuthors = childElements(entry, NS.atom, 'author')
    .map((a) => cleanText(childText(a, NS.atom, 'name')))
    .filter((name): name is string => name !== undefined);
  return {
    guid: cleanText(text('id')),
    title: text('title'),
    description: text('summary'),
    link: alternate ? attr(alternate, 'href') : undefined,
    authors: atomAuthors.length > 0 ? atomAuthors : creators(entry),
    categories: childElements(entry, NS.atom, 'category').map((c) => cleanText(attr(c, 'term'))),
    announceType: arxivExtension(entry, 'announce_type'),
    date: text('published'),
    dateField: 'published',
    doi: arxivExtension(entry, 'DOI', 'doi'),
    journalRef: arxivExtension(entry, 'journal_reference', 'journal_ref'),
  };
}

function mapItems(elements: XmlElement[], read: (el: XmlElement) => FeedItem, noun: string, origin: string): ParsedItem[] {
  return elements.map((el, i) => {
    const item = read(el);
    const where = `${origin} ${noun} ${i + 1} (id ${item.guid ? quote(item.guid) : 'missing'})`;
    return toItem(where, () => toRecord(item));
  });
}

export function parseArxivFeed(xml: string, origin: string): DocumentPage {
  const root = readXml(xml, origin);
  if (isElement(root, NS.none, 'rss')) {
    const channel = firstChild(root, NS.none, 'channel');
    if (!channel) throw new MalformedDocumentError(origin, 'RSS document has no <channel>');
    return { items: mapItems(childElements(channel, NS.none, 'item'), fromRssItem, 'item', origin) };
  }
  if (isElement(root, NS.atom, 'feed')) {
    return { items: mapItems(childElements(root, NS.atom, 'entry'), fromAtomEntry, 'entry', origin) };
  }
  throw new MalformedDocumentError(origin, `expected an RSS <rss> or Atom <feed> root element, found <${quote(root.local, 40)}>`);
}
