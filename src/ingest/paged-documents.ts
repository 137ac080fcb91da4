/**
 * Document formats and how their pages chain: the arXiv API pages with
 * `start`/`max_results`, OAI-PMH with `resumptionToken`s.
 */
import type { ParsedItem } from '../catalogue/paper.js';
import type { HttpClient } from './fetch/http-client.js';
import { parseArxivAtom } from './formats/arxiv-atom.js';
import { parseArxivFeed } from './formats/arxiv-feed.js';
import type { FormatName } from './formats/document.js';
import { parseHfDaily } from './formats/hf-daily.js';
import { parseOaiPmh } from './formats/oai-pmh.js';

export interface ParsedDocument {
  items: ParsedItem[];
  /** The source reported an error: nothing of this page may be stored. */
  fatal?: string;
  /** Worth telling the operator, but not an error (e.g. an empty OAI-PMH result). */
  notice?: string;
  /** How to ask for the next page, when the source says there is one. */
  next?: { start: number } | { resumptionToken: string };
  /** The OAI-PMH responseDate, which the next incremental harvest starts from. */
  responseDate?: string;
}

export function parseDocument(format: FormatName, text: string, origin: string): ParsedDocument {
  switch (format) {
    case 'arxiv-atom': {
      const page = parseArxivAtom(text, origin);
      if (page.apiError) return { items: [], fatal: `${origin}: arXiv API error: ${page.apiError}` };
      const { totalResults, startIndex } = page;
      const nextStart = (startIndex ?? 0) + page.items.length;
      const next = totalResults !== undefined && page.items.length > 0 && nextStart < totalResults ? { start: nextStart } : undefined;
      return { items: page.items, next };
    }
    case 'arxiv-oai': {
      const page = parseOaiPmh(text, origin);
      if (page.error?.code === 'noRecordsMatch') {
        return { items: [], notice: `${origin}: no records match (OAI-PMH noRecordsMatch: ${page.error.message})`, responseDate: page.responseDate };
      }
      if (page.error) return { items: [], fatal: `${origin}: OAI-PMH error ${page.error.code}: ${page.error.message}` };
      const next = page.resumptionToken ? { resumptionToken: page.resumptionToken } : undefined;
      return { items: page.items, next, responseDate: page.responseDate };
    }
    case 'arxiv-rss':
      return parseArxivFeed(text, origin);
    case 'hf-daily':
      return parseHfDaily(text, origin);
    default:
      throw new Error(`${format} is a line format, not a document format`);
  }
}

export function nextPageUrl(url: string, next: NonNullable<ParsedDocument['next']>): string {
  const u = new URL(url);
  if ('start' in next) {
    u.searchParams.set('start', String(next.start));
    return u.toString();
  }
  // A resumption request carries only the verb and the token (OAI-PMH 2.0 §3.5).
  return `${u.origin}${u.pathname}?verb=ListRecords&resumptionToken=${encodeURIComponent(next.resumptionToken)}`;
}

export interface PageLoopOptions {
  http: HttpClient;
  maxPages?: number;
  /** Stores one page; called in order. `nextUrl` is where the harvest continues (a checkpoint). */
  onPage(doc: ParsedDocument, origin: string, nextUrl: string | undefined): Promise<void>;
  log(message: string): void;
}

// The arXiv API now and then returns an empty page in the middle of a result
// set; asking again usually fills it.
const EMPTY_PAGE_RETRIES = 2;

export async function fetchDocument(url: string, format: FormatName, opts: Pick<PageLoopOptions, 'http' | 'log'>): Promise<ParsedDocument> {
  for (let attempt = 0; ; attempt++) {
    const { body } = await opts.http.fetchText(url, { acceptStatuses: [400] });
    const doc = parseDocument(format, body, url);
    if (format !== 'arxiv-atom' || doc.items.length > 0 || doc.fatal || attempt >= EMPTY_PAGE_RETRIES) return doc;
    opts.log(`${url}: empty page inside the result set, asking again (${attempt + 1}/${EMPTY_PAGE_RETRIES})`);
  }
}

/** Stores the first page (already fetched) and follows the chain; returns the number of pages stored. */
export async function fetchPages(url: string, format: FormatName, first: ParsedDocument, opts: PageLoopOptions): Promise<number> {
  let currentUrl = url;
  let doc = first;
  let pages = 0;
  for (;;) {
    const nextUrl = doc.next ? nextPageUrl(currentUrl, doc.next) : undefined;
    await opts.onPage(doc, currentUrl, nextUrl);
    pages++;
    if (!nextUrl) return pages;
    if (opts.maxPages !== undefined && pages >= opts.maxPages) {
      opts.log(`stopped after ${pages} pages (--max-pages); more results remain at ${nextUrl}`);
      return pages;
    }
    currentUrl = nextUrl;
    doc = await fetchDocument(currentUrl, format, opts);
  }
}
