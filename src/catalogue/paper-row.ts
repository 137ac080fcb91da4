/** Conversion between the catalogue's `Paper` and its `papers` table row. */
import type { Insertable, Selectable } from 'kysely';
import type { PapersTable } from '../db/schema.js';
import { searchTagsFor } from './search-tags.js';
import { titleKey } from './identifiers.js';
import type { Paper, SourceName } from './paper.js';

export type PaperRow = Selectable<PapersTable>;

export function rowToPaper(row: PaperRow): Paper {
  return {
    id: row.id,
    arxivId: row.arxiv_id,
    version: row.version,
    doi: row.doi,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as string[],
    categories: JSON.parse(row.categories) as string[],
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    journalRef: row.journal_ref,
    comments: row.comments,
    absUrl: row.abs_url,
    pdfUrl: row.pdf_url,
    codeUrls: JSON.parse(row.code_urls) as string[],
    sources: JSON.parse(row.sources) as SourceName[],
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}

export function paperToRow(paper: Paper): Insertable<PapersTable> {
  return {
    id: paper.id,
    arxiv_id: paper.arxivId,
    doi: paper.doi,
    title_key: titleKey(paper.title),
    title: paper.title,
    abstract: paper.abstract,
    authors: JSON.stringify(paper.authors),
    categories: JSON.stringify(paper.categories),
    primary_category: paper.categories[0] ?? null,
    published_at: paper.publishedAt,
    updated_at: paper.updatedAt,
    version: paper.version,
    journal_ref: paper.journalRef,
    comments: paper.comments,
    abs_url: paper.absUrl,
    pdf_url: paper.pdfUrl,
    code_urls: JSON.stringify(paper.codeUrls),
    has_code: paper.codeUrls.length > 0 ? 1 : 0,
    sources: JSON.stringify(paper.sources),
    search_tags: searchTagsFor(paper),
    first_seen_at: paper.firstSeenAt,
    last_seen_at: paper.lastSeenAt,
  };
}
