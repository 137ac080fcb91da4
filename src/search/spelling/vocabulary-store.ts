/**
 * The spelling vocabulary: every folded, unstemmed word of the catalogue's
 * titles and abstracts with the number of papers that use it. Typo
 * correction proposes only words that really occur in the catalogue.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Executor } from '../../catalogue/paper-store.js';
import { WordCounter } from './word-counter.js';

const STATE_ID = 'vocabulary';
// A page is counted in tens of milliseconds, then the event loop gets a turn (searches, a rebuild's worker messages).
const PAGE = 1000;
const WRITE_CHUNK = 400;

async function countWordsAfter(db: Executor, afterSeq: number): Promise<{ counts: Map<string, number>; maxSeq: number }> {
  const counter = new WordCounter();
  let maxSeq = afterSeq;
  for (;;) {
    const rows = await db.selectFrom('papers').select(['seq', 'title', 'abstract']).where('seq', '>', maxSeq).orderBy('seq').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) counter.addPaper(row.title, row.abstract);
    maxSeq = rows[rows.length - 1]!.seq;
    await yieldToEventLoop();
  }
  return { counts: counter.counts(), maxSeq };
}

async function addCounts(db: Executor, counts: Map<string, number>): Promise<void> {
  const entries = [...counts];
  for (let i = 0; i < entries.length; i += WRITE_CHUNK) {
    await db
      .insertInto('search_vocabulary')
      .values(entries.slice(i, i + WRITE_CHUNK).map(([word, doc_count]) => ({ word, doc_count })))
      .onConflict((oc) => oc.column('word').doUpdateSet({ doc_count: sql`search_vocabulary.doc_count + excluded.doc_count` }))
      .execute();
  }
}

async function watermark(db: Executor): Promise<number> {
  const row = await db.selectFrom('search_models').select('params').where('id', '=', STATE_ID).executeTakeFirst();
  return row ? Number((JSON.parse(row.params) as { maxSeq: number }).maxSeq) : 0;
}

async function setWatermark(db: Executor, maxSeq: number, paperCount: number): Promise<void> {
  const values = { kind: 'vocabulary', created_at: new Date().toISOString(), paper_count: paperCount, params: JSON.stringify({ maxSeq }), data: new Uint8Array(), active: 1 };
  await db
    .insertInto('search_models')
    .values({ id: STATE_ID, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

/**
 * Adds the words of papers stored since the last update. Papers whose text
 * changed later are not recounted until the next rebuild: the counts only
 * rank suggestions, so a small drift does no harm.
 */
export async function updateVocabulary(db: Executor): Promise<number> {
  const after = await watermark(db);
  const { counts, maxSeq } = await countWordsAfter(db, after);
  if (maxSeq === after) return 0;
  return db.transaction().execute(async (trx) => {
    // Several instances on one database refresh at the same minute: only the one that moves the
    // watermark from where it counted adds its counts; the others' would count those papers twice.
    if (!(await advanceWatermark(trx, after, maxSeq))) return 0;
    await addCounts(trx, counts);
    return counts.size;
  });
}

/**
 * Moves the watermark from `from` to `to` if it is still at `from`: a
 * compare-and-set that, on PostgreSQL, waits for a concurrent one to commit
 * and then finds the watermark moved.
 */
async function advanceWatermark(db: Executor, from: number, to: number): Promise<boolean> {
  const params = JSON.stringify({ maxSeq: to });
  const created_at = new Date().toISOString();
  if (from === 0) {
    const inserted = await db
      .insertInto('search_models')
      .values({ id: STATE_ID, kind: 'vocabulary', created_at, paper_count: 0, params, data: new Uint8Array(), active: 1 })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return true;
  }
  const updated = await db
    .updateTable('search_models')
    .set({ params, created_at })
    .where('id', '=', STATE_ID)
    .where('params', '=', JSON.stringify({ maxSeq: from }))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export async function rebuildVocabulary(db: Executor): Promise<number> {
  const { counts, maxSeq } = await countWordsAfter(db, 0);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('search_vocabulary').execute();
    await addCounts(trx, counts);
    await setWatermark(trx, maxSeq, 0);
  });
  return counts.size;
}

/** The vocabulary, most used words first, for the in-memory corrector. */
export async function loadVocabulary(db: Executor, minDocCount: number, limit: number): Promise<Array<[string, number]>> {
  const rows = await db
    .selectFrom('search_vocabulary')
    .select(['word', 'doc_count'])
    .where('doc_count', '>=', minDocCount)
    .orderBy('doc_count', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => [r.word, r.doc_count]);
}
