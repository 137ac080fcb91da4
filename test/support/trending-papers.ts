/** Papers made up for trending tests, stored through the catalogue's own insert. */
import type { Kysely } from 'kysely';
import type { Paper } from '../../src/catalogue/paper.js';
import { insertPapers } from '../../src/catalogue/paper-store.js';
import type { Database } from '../../src/db/schema.js';

export interface PaperSpec {
  id: string;
  title?: string;
  publishedAt?: string | null;
  codeUrls?: string[];
}

export function makePaper(spec: PaperSpec): Paper {
  return {
    id: spec.id,
    arxivId: spec.id,
    version: 1,
    doi: null,
    title: spec.title ?? `Paper ${spec.id}`,
    abstract: `Abstract of ${spec.id}.`,
    authors: ['Ada Lovelace'],
    categories: ['cs.LG'],
    publishedAt: spec.publishedAt === undefined ? '2026-11-20T00:00:00.000Z' : spec.publishedAt,
    updatedAt: null,
    journalRef: null,
    comments: null,
    absUrl: null,
    pdfUrl: null,
    codeUrls: spec.codeUrls ?? [],
    sources: ['arxiv-api'],
    firstSeenAt: '2026-11-20T00:00:00.000Z',
    lastSeenAt: '2026-11-20T00:00:00.000Z',
  };
}

/** Inserts the papers and returns their seqs, in order. */
export async function addPapers(db: Kysely<Database>, specs: PaperSpec[]): Promise<number[]> {
  const seqById = await insertPapers(db, specs.map(makePaper));
  return specs.map((s) => seqById.get(s.id)!);
}
