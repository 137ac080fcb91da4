/**
 * The SQL side of semantic search (Kysely, dialect-neutral): trained models in
 * `search_models`, one vector per paper in `paper_vectors`. The database is the
 * source of truth; the in-memory index (and its cache file) is derived from it.
 *
 * A paper's vector row carries the id of the model that produced it. During a
 * rebuild the new model's vectors overwrite the old ones row by row while the
 * old model stays active, so a crash half-way leaves a consistent state: rows
 * of the inactive model simply count as missing, and `update()` re-embeds them.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export type Db = Kysely<Database>;

export interface StoredModel {
  id: string;
  kind: string;
  createdAt: string;
  paperCount: number;
  params: Record<string, unknown>;
  data: Uint8Array;
}

export interface PaperTextRow {
  seq: number;
  title: string;
  abstract: string | null;
}

/** Rows per INSERT: 3 parameters each, far below SQLite's 32,766 and PostgreSQL's 65,535. */
const INSERT_CHUNK = 500;
const IN_LIST_CHUNK = 500;

export async function loadActiveModel(db: Db): Promise<StoredModel | undefined> {
  // search_models also holds the spelling vocabulary's bookkeeping row (kind 'vocabulary'); only semantic models count here.
  const row = await db.selectFrom('search_models').selectAll().where('active', '=', 1).where('kind', '!=', 'vocabulary').orderBy('created_at', 'desc').executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, kind: row.kind, createdAt: row.created_at, paperCount: row.paper_count, params: JSON.parse(row.params) as Record<string, unknown>, data: row.data };
}

/** The active model's id and the catalogue size it was trained at, without its data (a cheap check for other instances' retraining). */
export async function activeModelSummary(db: Db): Promise<{ id: string; paperCount: number } | undefined> {
  const row = await db
    .selectFrom('search_models')
    .select(['id', 'paper_count'])
    .where('active', '=', 1)
    .where('kind', '!=', 'vocabulary')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? { id: row.id, paperCount: Number(row.paper_count) } : undefined;
}

/** Stores a model, inactive: it only serves once `activateModel` says so. */
export async function saveModel(db: Db, model: Omit<StoredModel, 'createdAt'>, now = new Date()): Promise<void> {
  await db
    .insertInto('search_models')
    .values({ id: model.id, kind: model.kind, created_at: now.toISOString(), paper_count: model.paperCount, params: JSON.stringify(model.params), data: model.data, active: 0 })
    .execute();
}

/** Makes `id` the only active model and forgets the others (their vector rows become "missing"). */
export async function activateModel(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('search_models').set({ active: 1 }).where('id', '=', id).execute();
    await trx.deleteFrom('search_models').where('id', '!=', id).where('kind', '!=', 'vocabulary').execute();
  });
}

/** Drops a model that never became active (a failed or abandoned rebuild). */
export async function deleteInactiveModel(db: Db, id: string): Promise<void> {
  await db.deleteFrom('search_models').where('id', '=', id).where('active', '=', 0).execute();
}

/** Little-endian float32 bytes of a vector, as stored in `paper_vectors.vector`. */
export function encodeVector(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

export function decodeVector(bytes: Uint8Array, dimensions: number): Float32Array {
  if (bytes.byteLength !== dimensions * 4) throw new Error(`stored vector has ${bytes.byteLength} bytes, expected ${dimensions * 4}`);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Writes (or replaces) vectors in one transaction; `vectors` holds `seqs.length` rows of `dimensions`. */
export async function writeVectors(db: Db, modelId: string, seqs: ArrayLike<number>, vectors: Float32Array, dimensions: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let from = 0; from < seqs.length; from += INSERT_CHUNK) {
      const rows = [];
      for (let i = from; i < Math.min(seqs.length, from + INSERT_CHUNK); i++) {
        rows.push({ paper_seq: seqs[i]!, model_id: modelId, vector: encodeVector(vectors.subarray(i * dimensions, (i + 1) * dimensions)) });
      }
      await trx
        .insertInto('paper_vectors')
        .values(rows)
        .onConflict((oc) => oc.column('paper_seq').doUpdateSet((eb) => ({ model_id: eb.ref('excluded.model_id'), vector: eb.ref('excluded.vector') })))
        .execute();
    }
  });
}

/** Every vector of a model in seq order, a page at a time (keyset pagination: constant memory, no OFFSET scans). */
export async function* iterateVectors(db: Db, modelId: string, dimensions: number, pageSize = 5000): AsyncGenerator<{ seqs: Int32Array; vectors: Float32Array }> {
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('paper_vectors')
      .select(['paper_seq', 'vector'])
      .where('model_id', '=', modelId)
      .where('paper_seq', '>', after)
      .orderBy('paper_seq')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    const seqs = new Int32Array(rows.length);
    const vectors = new Float32Array(rows.length * dimensions);
    rows.forEach((row, i) => {
      seqs[i] = row.paper_seq;
      vectors.set(decodeVector(row.vector, dimensions), i * dimensions);
    });
    yield { seqs, vectors };
    after = rows[rows.length - 1]!.paper_seq;
    if (rows.length < pageSize) return;
  }
}

/** Stored vectors of the given papers from `modelId` (missing ones are skipped), in one page. */
export async function vectorsOf(db: Db, modelId: string, seqs: readonly number[], dimensions: number): Promise<{ seqs: Int32Array; vectors: Float32Array }> {
  const rows = [];
  for (let i = 0; i < seqs.length; i += IN_LIST_CHUNK) {
    const part = seqs.slice(i, i + IN_LIST_CHUNK);
    rows.push(...(await db.selectFrom('paper_vectors').select(['paper_seq', 'vector']).where('model_id', '=', modelId).where('paper_seq', 'in', part).execute()));
  }
  const vectors = new Float32Array(rows.length * dimensions);
  rows.forEach((row, i) => vectors.set(decodeVector(row.vector, dimensions), i * dimensions));
  return { seqs: Int32Array.from(rows, (r) => r.paper_seq), vectors };
}

/** Seqs of every paper, ascending (what a rebuild samples from and embeds). */
export async function allPaperSeqs(db: Db): Promise<Int32Array> {
  const rows = await db.selectFrom('papers').select('seq').orderBy('seq').execute();
  return Int32Array.from(rows, (r) => r.seq);
}

/** Papers with no vector from `modelId` (never embedded, or embedded by another model), after `afterSeq`, ascending. */
export async function papersWithoutVector(db: Db, modelId: string, limit: number, afterSeq = -1): Promise<PaperTextRow[]> {
  return db
    .selectFrom('papers')
    .leftJoin('paper_vectors', (join) => join.onRef('paper_vectors.paper_seq', '=', 'papers.seq').on('paper_vectors.model_id', '=', modelId))
    .select(['papers.seq as seq', 'papers.title as title', 'papers.abstract as abstract'])
    .where('paper_vectors.paper_seq', 'is', null)
    .where('papers.seq', '>', afterSeq)
    .orderBy('papers.seq')
    .limit(limit)
    .execute();
}

/** Title and abstract of the given papers (any order; missing seqs are skipped). */
export async function paperTexts(db: Db, seqs: readonly number[]): Promise<PaperTextRow[]> {
  const out: PaperTextRow[] = [];
  for (let i = 0; i < seqs.length; i += IN_LIST_CHUNK) {
    const part = seqs.slice(i, i + IN_LIST_CHUNK);
    out.push(...(await db.selectFrom('papers').select(['seq', 'title', 'abstract']).where('seq', 'in', part).execute()));
  }
  return out;
}

/** Papers in seq order, a page at a time (keyset pagination). */
export async function* iteratePaperTexts(db: Db, pageSize = 2000): AsyncGenerator<PaperTextRow[]> {
  let after = -1;
  for (;;) {
    const rows = await db.selectFrom('papers').select(['seq', 'title', 'abstract']).where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.seq;
    if (rows.length < pageSize) return;
  }
}

/** Seqs of the vectors stored for a model (to reconcile a cached index file with the database). */
export async function vectorSeqs(db: Db, modelId: string): Promise<Int32Array> {
  const rows = await db.selectFrom('paper_vectors').select('paper_seq').where('model_id', '=', modelId).orderBy('paper_seq').execute();
  return Int32Array.from(rows, (r) => r.paper_seq);
}
