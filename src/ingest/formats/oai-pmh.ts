/**
 * arXiv OAI-PMH responses (`export.arxiv.org/oai2`, verbs ListRecords and
 * GetRecord). Each record's metadata format is recognised by the namespace of
 * the element inside `<metadata>`, so one page may mix formats:
 *  - `arXiv`    (http://arxiv.org/OAI/arXiv/): structured authors, created/updated dates, no versions;
 *  - `arXivRaw` (http://arxiv.org/OAI/arXivRaw/): one author string, every version with its date;
 *  - `oai_dc`   (Dublin Core): "Last, First" creators, long subject names, a "Comment:" description.
 *
 * Protocol errors (`<error code="noRecordsMatch">`) are reported in
 * `page.error`, not thrown: "no records" is a normal answer to an incremental
 * harvest. Deleted records (`<header status="deleted">`) are skipped silently.
 */
import { categoryCodeFromSubject } from '../../catalogue/arxiv-taxonomy.js';
import { type ArxivIdentifier, cleanText, normalizeDoi, parseArxivId } from '../../catalogue/identifiers.js';
import type { PaperRecord, ParsedItem } from '../../catalogue/paper.js';
import { MalformedDocumentError, type OaiPage } from './document.js';
import {
  RecordRejection,
  dateField,
  distinct,
  invertName,
  nameFromParts,
  present,
  splitAuthorList,
  toItem,
} from './record-fields.js';
import {
  NS,
  attr,
  childElements,
  childText,
  childTexts,
  firstChild,
  isElement,
  parseCount,
  quote,
  readXml,
  textOf,
  type XmlElement,
} from './xml-reader.js';

/** The metadata's own id when it has one, else the OAI header identifier (`oai:arXiv.org:…`). */
function resolveId(metadataId: string | undefined, headerId: string | undefined): ArxivIdentifier {
  const raw = metadataId ?? headerId;
  const id = parseArxivId(raw);
  if (!id) throw new RecordRejection(raw ? `unusable arXiv id "${quote(raw)}"` : 'missing arXiv id');
  return id;
}

function requireTitle(title: string | undefined): string {
  if (!title) throw new RecordRejection('missing title');
  return title;
}

function splitCategories(text: string | undefined): string[] | undefined {
  return distinct((text ?? '').split(/\s+/));
}

/** metadataPrefix=arXiv */
function fromArxiv(m: XmlElement, headerId: string | undefined): PaperRecord {
  const field = (local: string) => cleanText(childText(m, NS.arxivOai, local));
  // This format carries no version numbers; a "vN" in the id would be a source error, so it is not used.
  const { id } = resolveId(field('id'), headerId);
  const authorList = firstChild(m, NS.arxivOai, 'authors');
  const authors = authorList
    ? childElements(authorList, NS.arxivOai, 'author').map((a) =>
        nameFromParts(
          childText(a, NS.arxivOai, 'keyname'),
          childText(a, NS.arxivOai, 'forenames'),
          childText(a, NS.arxivOai, 'suffix'),
        ),
      )
    : [];
  return {
    source: 'arxiv-oai',
    arxivId: id,
    doi: normalizeDoi(field('doi')),
    title: requireTitle(field('title')),
    abstract: field('abstract'),
    authors: present(authors),
    categories: splitCategories(field('categories')),
    publishedAt: dateField('created', field('created')),
    updatedAt: dateField('updated', field('updated')),
    journalRef: field('journal-ref'),
    comments: field('comments'),
  };
}

/** metadataPrefix=arXivRaw */
function fromArxivRaw(m: XmlElement, headerId: string | undefined): PaperRecord {
  const field = (local: string) => cleanText(childText(m, NS.arxivRaw, local));
  const { id } = resolveId(field('id'), headerId);
  const versions: Array<{ n: number; date: string | undefined }> = [];
  for (const v of childElements(m, NS.arxivRaw, 'version')) {
    const match = /^v(\d{1,6})$/.exec(attr(v, 'version')?.trim() ?? '');
    if (match) versions.push({ n: Number(match[1]), date: childText(v, NS.arxivRaw, 'date') });
  }
  versions.sort((a, b) => a.n - b.n);
  const first = versions.find((v) => v.n === 1);
  const latest = versions[versions.length - 1];
  return {
    source: 'arxiv-oai',
    arxivId: id,
    version: latest?.n,
    doi: normalizeDoi(field('doi')),
    title: requireTitle(field('title')),
    abstract: field('abstract'),
    authors: present(splitAuthorList(field('authors'))),
    categories: splitCategories(field('categories')),
    // v1's date is the first submission; the newest version's date is the last update.
    publishedAt: first ? dateField('v1 date', first.date) : undefined,
    updatedAt: latest && latest.n > 1 ? dateField(`v${latest.n} date`, latest.date) : undefined,
    journalRef: field('journal-ref'),
    comments: field('comments'),
  };
}

const COMMENT_PREFIX = /^Comment:\s*/i;

/** metadataPrefix=oai_dc */
function fromDublinCore(m: XmlElement, headerId: string | undefined): PaperRecord {
  const values = (local: string) => childTexts(m, NS.dc, local).map((text) => cleanText(text));
  const identifiers = values('identifier');
  const absUrl = identifiers.find((text) => text !== undefined && /arxiv\.org\/abs\//i.test(text));
  const id = resolveId(absUrl, headerId);
  const descriptions = values('description').filter((text): text is string => text !== undefined);
  // Every dc:date is a version date: the earliest is the first submission, the latest the last revision.
  const dates = values('date')
    .map((text, i) => dateField(`dc:date ${i + 1}`, text))
    .filter((date): date is string => date !== undefined)
    .sort();
  const earliest = dates[0];
  const latest = dates[dates.length - 1];
  return {
    source: 'arxiv-oai',
    arxivId: id.id,
    version: id.version,
    doi: identifiers.map((text) => normalizeDoi(text)).find((doi) => doi !== undefined),
    title: requireTitle(values('title').find((text) => text !== undefined)),
    abstract: descriptions.find((text) => !COMMENT_PREFIX.test(text)),
    authors: present(values('creator').map(invertName)),
    categories: distinct(values('subject').map((s) => (s ? categoryCodeFromSubject(s) : undefined))),
    publishedAt: earliest,
    updatedAt: latest !== earliest ? latest : undefined,
    comments: cleanText(descriptions.find((text) => COMMENT_PREFIX.test(text))?.replace(COMMENT_PREFIX, '')),
  };
}

function mapRecord(record: XmlElement, n: number, origin: string): ParsedItem | undefined {
  const header = firstChild(record, NS.oai, 'header');
  if (header && attr(header, 'status')?.trim() === 'deleted') return undefined;
  const headerId = header ? cleanText(childText(header, NS.oai, 'identifier')) : undefined;
  const where = `${origin} record ${n} (id ${headerId ? quote(headerId) : 'missing'})`;
  return toItem(where, () => {
    const metadata = firstChild(record, NS.oai, 'metadata');
    const format = metadata ? childElements(metadata)[0] : undefined;
    if (!format) throw new RecordRejection('record has no metadata');
    if (isElement(format, NS.arxivOai, 'arXiv')) return fromArxiv(format, headerId);
    if (isElement(format, NS.arxivRaw, 'arXivRaw')) return fromArxivRaw(format, headerId);
    if (isElement(format, NS.oaiDc, 'dc')) return fromDublinCore(format, headerId);
    throw new RecordRejection(`unsupported metadata format <${quote(format.local, 40)}> in namespace "${quote(format.uri)}"`);
  });
}

export function parseOaiPmh(xml: string, origin: string): OaiPage {
  const root = readXml(xml, origin);
  if (!isElement(root, NS.oai, 'OAI-PMH')) {
    throw new MalformedDocumentError(origin, `expected an OAI-PMH root element, found <${quote(root.local, 40)}>`);
  }
  const page: OaiPage = { items: [] };

  // OAI-PMH mandates UTC ISO 8601 ("2024-01-27T17:53:42Z"). It is the natural
  // `from` of the next incremental harvest, so it is kept exactly as the
  // repository wrote it (not re-serialised with milliseconds, which an OAI
  // server would refuse); a value that is not a date at all is omitted.
  const responseDate = cleanText(childText(root, NS.oai, 'responseDate'));
  try {
    if (dateField('responseDate', responseDate)) page.responseDate = responseDate;
  } catch (err) {
    if (!(err instanceof RecordRejection)) throw err;
  }

  const error = firstChild(root, NS.oai, 'error');
  if (error) {
    page.error = { code: cleanText(attr(error, 'code')) ?? 'unknown', message: cleanText(textOf(error)) ?? '' };
  }

  const list = firstChild(root, NS.oai, 'ListRecords') ?? firstChild(root, NS.oai, 'GetRecord');
  if (!list) return page;
  childElements(list, NS.oai, 'record').forEach((record, i) => {
    const item = mapRecord(record, i + 1, origin);
    if (item) page.items.push(item);
  });

  const token = firstChild(list, NS.oai, 'resumptionToken');
  if (token) {
    // Tokens are opaque: trimmed, never otherwise rewritten.
    const value = textOf(token)?.trim();
    if (value) page.resumptionToken = value;
    const size = parseCount(attr(token, 'completeListSize'));
    if (size !== undefined) page.completeListSize = size;
  }
  return page;
}
