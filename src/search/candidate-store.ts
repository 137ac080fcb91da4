/**
 * The few fields of candidate papers that ranking needs (titles for the title
 * tier, dates, and what the query's filters check on semantic neighbours).
 * Hybrid search looks at a couple of hundred candidates per query and shows
 * twenty: reading and decoding every column of each (findPapersBySeqs) cost
 * more than the rest of the ranking at a million papers, so candidates are
 * read this narrow way and only the shown page is loaded in full.
 */
import type { Kysely } from 'kysely';
import type { Paper } from '../catalogue/paper.js';
import type { Database } from '../db/schema.js';

export type CandidatePaper = Pick<Paper, 'title' | 'abstract' | 'authors' | 'categories' | 'publishedAt' | 'codeUrls'>;

/** Bound parameters per statement stay well below SQLite's limit. */
const IN_LIST_CHUNK = 500;

/** Adds to `into` the candidates of `seqs` it does not hold yet. */
export async function loadCandidatePapers(db: Kysely<Database>, seqs: readonly number[], into: Map<number, CandidatePaper>): Promise<void> {
  const missing = [...new Set(seqs)].filter((seq) => !into.has(seq));
  for (let i = 0; i < missing.length; i += IN_LIST_CHUNK) {
    const rows = await db
      .selectFrom('papers')
      .select(['seq', 'title', 'abstract', 'authors', 'categories', 'published_at', 'code_urls'])
      .where('seq', 'in', missing.slice(i, i + IN_LIST_CHUNK))
      .execute();
    for (const row of rows) {
      into.set(Number(row.seq), {
        title: row.title,
        abstract: row.abstract,
        authors: JSON.parse(row.authors) as string[],
        categories: JSON.parse(row.categories) as string[],
        publishedAt: row.published_at,
        codeUrls: JSON.parse(row.code_urls) as string[],
      });
    }
  }
}
