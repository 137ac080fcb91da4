/**
 * The digest composer's reads: papers of a period, papers by id, the aliases
 * they had, and what a subscriber was already sent. Portable Kysely only.
 */
import { sql, type Kysely } from 'kysely';
import { rowToPaper } from '../catalogue/paper-row.js';
import type { Paper } from '../catalogue/paper.js';
import type { Database } from '../db/schema.js';
import { subscriberDb } from '../subscribers/subscriber-tables.js';

export interface Period {
  /** Inclusive lower bound, ISO timestamp. */
  start: string;
  /** Exclusive upper bound, ISO timestamp. */
  end: string;
}

const IN_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Newest papers of a period. A paper without a publication date (some
 * sources have none) counts from when we first saw it, so it is not lost.
 */
export async function newestPapersInPeriod(db: Kysely<Database>, period: Period, limit: number): Promise<Paper[]> {
  const rows = await db
    .selectFrom('papers')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('published_at', '>=', period.start), eb('published_at', '<', period.end)]),
        eb.and([eb('published_at', 'is', null), eb('first_seen_at', '>=', period.start), eb('first_seen_at', '<', period.end)]),
      ]),
    )
    .orderBy(sql`coalesce(published_at, first_seen_at)`, 'desc')
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
  return rows.map(rowToPaper);
}

/** Whether any undated paper arrived in the period (then topic searches also look beyond `after:`, which needs a date). */
export async function hasUndatedPapersIn(db: Kysely<Database>, period: Period): Promise<boolean> {
  const row = await db
    .selectFrom('papers')
    .select('seq')
    .where('published_at', 'is', null)
    .where('first_seen_at', '>=', period.start)
    .where('first_seen_at', '<', period.end)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Papers by public id (ids that search just returned), keyed by id. */
export async function papersByIds(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Paper>> {
  const out = new Map<string, Paper>();
  for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
    const rows = await db.selectFrom('papers').selectAll().where('id', 'in', part).execute();
    for (const row of rows) out.set(row.id, rowToPaper(row));
  }
  return out;
}

/** Former ids of these papers (a generated `pb-…` id replaced by the arXiv id), as alias → current id. */
export async function formerIds(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
    const rows = await db
      .selectFrom('paper_aliases')
      .innerJoin('papers', 'papers.seq', 'paper_aliases.paper_seq')
      .select(['paper_aliases.alias as alias', 'papers.id as id'])
      .where('papers.id', 'in', part)
      .execute();
    for (const row of rows) out.set(row.alias, row.id);
  }
  return out;
}

/** Which of these paper ids the subscriber was sent in any earlier edition. */
export async function alreadySentIds(db: Kysely<Database>, subscriberId: number, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
    const rows = await subscriberDb(db)
      .selectFrom('digest_sent_papers')
      .select('paper_id')
      .where('subscriber_id', '=', subscriberId)
      .where('paper_id', 'in', part)
      .execute();
    for (const row of rows) out.add(row.paper_id);
  }
  return out;
}
